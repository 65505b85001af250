//! HTTP for key projects, milestones and notes: extract, call the service in one
//! transaction, shape the response.

use actix_web::{HttpResponse, web};

use super::views::{
    MilestoneChanges, MilestoneView, NewMilestone, NewNote, NewProject, NoteView, ProjectChanges,
    ProjectQuery, ProjectView,
};
use super::{milestones, service};
use crate::app::{AppState, AuthUser, pagination};
use crate::db::ids::{MilestoneId, ProjectId};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiQuery};

/// Register a key project (bureau).
#[utoipa::path(post, path = "/api/v1/projects", tag = "oversight", security(("bearer" = [])), request_body = NewProject,
    responses((status = 201, body = ProjectView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<NewProject>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let v = state
        .db
        .write(move |conn| service::create(conn, &user, body.0))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/projects/{}", v.id)))
        .json(v))
}

/// Key projects: the bureau sees all, organizations the ones they own or partner in.
#[utoipa::path(get, path = "/api/v1/projects", tag = "oversight", security(("bearer" = [])), params(ProjectQuery),
    responses((status = 200, body = pagination::Page<ProjectView>), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<ProjectQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let page = state
        .db
        .run(move |conn| service::list(conn, &user, q))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One key project with its milestones.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "oversight", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = ProjectView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ProjectId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let v = state
        .db
        .run(move |conn| service::get(conn, &user, &id))
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Change a project: the bureau anything, owners the stage only.
#[utoipa::path(patch, path = "/api/v1/projects/{id}", tag = "oversight", security(("bearer" = [])), request_body = ProjectChanges,
    params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = ProjectView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ProjectId>,
    body: ApiJson<ProjectChanges>,
) -> Result<HttpResponse, ApiError> {
    let v = service::change(&state, user, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// A project's milestones, by due date.
#[utoipa::path(get, path = "/api/v1/projects/{id}/milestones", tag = "oversight", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = Vec<MilestoneView>), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn list_milestones(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ProjectId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let v = state
        .db
        .run(move |conn| milestones::list(conn, &user, &id))
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Add a milestone (bureau).
#[utoipa::path(post, path = "/api/v1/projects/{id}/milestones", tag = "oversight", security(("bearer" = [])), request_body = NewMilestone,
    params(("id" = String, Path, description = "Project id")),
    responses((status = 201, body = MilestoneView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_milestone(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ProjectId>,
    body: ApiJson<NewMilestone>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let (id, b) = (id.into_inner(), body.0);
    let v = state
        .db
        .write(move |conn| milestones::create(conn, &user, &id, b))
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Record progress on a milestone: owners set `done_on`, `responsible`, `notes`; the
/// bureau also `name`, `due_on`, `stage`. Completing a milestone that carries a stage moves
/// the project to it.
#[utoipa::path(patch, path = "/api/v1/projects/{id}/milestones/{milestone_id}", tag = "oversight", security(("bearer" = [])), request_body = MilestoneChanges,
    params(("id" = String, Path, description = "Project id"), ("milestone_id" = String, Path, description = "Milestone id")),
    responses((status = 200, body = MilestoneView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_milestone(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(ProjectId, MilestoneId)>,
    body: ApiJson<MilestoneChanges>,
) -> Result<HttpResponse, ApiError> {
    let v = milestones::record(&state, user, path.into_inner(), body.0).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Add a tracking note (bureau).
#[utoipa::path(post, path = "/api/v1/projects/{id}/notes", tag = "oversight", security(("bearer" = [])), request_body = NewNote,
    params(("id" = String, Path, description = "Project id")),
    responses((status = 201, body = NoteView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_note(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ProjectId>,
    body: ApiJson<NewNote>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let (id, b) = (id.into_inner(), body.0);
    let v = state
        .db
        .write(move |conn| milestones::add_note(conn, &user, &id, b))
        .await?;
    Ok(HttpResponse::Created().json(v))
}
