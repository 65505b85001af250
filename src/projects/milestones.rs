//! The operations on a project's milestones and tracking notes, and the overdue pass: each
//! overdue milestone raises one notice to the bureau. No HTTP here.

use chrono::NaiveDate;

use super::domain::{check_done_on, today};
use super::model::{self, Milestone, Note};
use super::notices::{Event, tell_bureau};
use super::service::{advance, load};
use super::views::{MilestoneChanges, MilestoneView, NewMilestone, NewNote, NoteView};
use crate::app::when::Day;
use crate::app::{AppState, AuthUser, Postman, text};
use crate::db::DbConnection;
use crate::db::ids::{MilestoneId, NoteId, ProjectId};
use crate::db::types::now;
use crate::error::ApiError;

/// A project's milestones, by due date.
pub fn list(
    conn: &mut DbConnection,
    user: &AuthUser,
    project: &ProjectId,
) -> Result<Vec<MilestoneView>, ApiError> {
    let (x, _) = load(conn, user, project)?;
    let day = today();
    Ok(model::milestones(conn, &x.id)?
        .into_iter()
        .map(|m| MilestoneView::new(m, day))
        .collect())
}

/// Add a milestone (the bureau).
pub fn create(
    conn: &mut DbConnection,
    user: &AuthUser,
    project: &ProjectId,
    b: NewMilestone,
) -> Result<MilestoneView, ApiError> {
    user.require_bureau()?;
    let (x, _) = load(conn, user, project)?;
    let mut errors = Vec::new();
    let name = text::required("name", &b.name, 200, &mut errors);
    let responsible = b
        .responsible
        .as_deref()
        .map(|r| text::required("responsible", r, 200, &mut errors));
    let notes = b
        .notes
        .as_deref()
        .map(|r| text::required("notes", r, 2000, &mut errors));
    ApiError::fields(errors)?;
    let t = now();
    let m = Milestone {
        id: MilestoneId::new(),
        project_id: x.id,
        name,
        stage: b.stage,
        due_on: b.due_on.date(),
        done_on: None,
        responsible,
        notes,
        overdue_notified_at: None,
        created_at: t,
        updated_at: t,
    };
    model::insert_milestone(conn, &m)?;
    Ok(MilestoneView::new(m, today()))
}

/// Record progress: owners set `done_on`, `responsible`, `notes`; the bureau also `name`,
/// `due_on`, `stage`. Completing a milestone that carries a stage moves the project there.
pub fn update(
    conn: &mut DbConnection,
    postman: &Postman,
    user: &AuthUser,
    project: &ProjectId,
    id: &MilestoneId,
    c: MilestoneChanges,
) -> Result<MilestoneView, ApiError> {
    let (mut x, party) = load(conn, user, project)?;
    party.may_record(c.changes_plan())?;
    let mut m = model::find_milestone(conn, &x.id, id)?.ok_or(ApiError::NotFound)?;
    let mut errors = Vec::new();
    if let Some(n) = &c.name {
        m.name = text::required("name", n, 200, &mut errors);
    }
    if let Some(r) = &c.responsible {
        m.responsible = Some(text::required("responsible", r, 200, &mut errors));
    }
    if let Some(n) = &c.notes {
        m.notes = Some(text::required("notes", n, 2000, &mut errors));
    }
    check_done_on(c.done_on.map(Day::date), today(), &mut errors);
    ApiError::fields(errors)?;
    if let Some(d) = c.due_on {
        m.due_on = d.date();
    }
    if let Some(s) = c.stage {
        m.stage = Some(s);
    }
    let completed = c.done_on.is_some() && m.done_on.is_none();
    if c.done_on.is_some() {
        m.done_on = c.done_on.map(Day::date);
    }
    m.updated_at = now();
    model::save_milestone(conn, &m)?;
    if completed && let Some(stage) = m.stage {
        advance(conn, postman, &mut x, stage, false)?;
    }
    Ok(MilestoneView::new(m, today()))
}

/// [`update`] in a transaction of its own, then the mail worker is woken for the notices
/// it wrote (the JSON route and the project page call this).
pub async fn record(
    state: &AppState,
    user: AuthUser,
    (project, id): (ProjectId, MilestoneId),
    c: MilestoneChanges,
) -> Result<MilestoneView, ApiError> {
    state
        .write_and_mail(move |conn, postman| update(conn, postman, &user, &project, &id, c))
        .await
}

/// Add a tracking note (the bureau).
pub fn add_note(
    conn: &mut DbConnection,
    user: &AuthUser,
    project: &ProjectId,
    b: NewNote,
) -> Result<NoteView, ApiError> {
    user.require_bureau()?;
    let (x, _) = load(conn, user, project)?;
    let mut errors = Vec::new();
    let body = text::required("body", &b.body, 5000, &mut errors);
    ApiError::fields(errors)?;
    let note = Note {
        id: NoteId::new(),
        project_id: x.id,
        author_id: Some(user.id.clone()),
        body,
        created_at: now(),
    };
    model::insert_note(conn, &note)?;
    Ok(note.into())
}

/// Raise one notice to the bureau for each milestone overdue on `day` (once:
/// `overdue_notified_at` is set in the same transaction as the notice). Returns how many.
pub fn notify_overdue(
    conn: &mut DbConnection,
    postman: &Postman,
    day: NaiveDate,
) -> anyhow::Result<usize> {
    let late = model::unnoticed_overdue(conn, day)?;
    let mut n = 0;
    for m in late {
        crate::db::write_tx(conn, |conn| -> Result<(), ApiError> {
            let Some(x) = model::find(conn, &m.project_id)? else {
                return Ok(());
            };
            let key = format!("milestone:{}:overdue", m.id);
            tell_bureau(conn, postman, &key, &x, Event::Overdue(&m.name))?;
            model::mark_overdue_noticed(conn, &m.id, now())?;
            Ok(())
        })
        .map_err(anyhow::Error::new)?;
        n += 1;
    }
    Ok(n)
}
