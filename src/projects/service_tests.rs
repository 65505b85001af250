//! The project services and the overdue pass against a real (in-memory SQLite) database.

use crate::db::ids::{MilestoneId, OrganizationId, ProjectId};
use chrono::NaiveDate;

use super::domain::{Category, Stage};
use super::views::{MilestoneChanges, NewMilestone, NewProject, ProjectChanges};
use super::{milestones, service};
use crate::app::{AuthUser, Postman};
use crate::collaboration::testing::{self as t, count};
use crate::db::DbConnection;
use crate::error::ErrorCode;

struct World {
    conn: DbConnection,
    postman: Postman,
    bureau: AuthUser,
    owner: AuthUser,
    partner: AuthUser,
}

fn world() -> World {
    let mut conn = t::conn();
    let bureau = t::user(&mut conn, "u-bureau", true);
    let owner = t::user(&mut conn, "u-owner", false);
    let partner = t::user(&mut conn, "u-partner", false);
    t::region(&mut conn, "3716", None);
    t::org(&mut conn, "ent", "verified", "3716", &["u-owner"]);
    t::org(&mut conn, "univ", "verified", "3716", &["u-partner"]);
    World {
        conn,
        postman: t::postman(),
        bureau,
        owner,
        partner,
    }
}

fn project(w: &mut World) -> ProjectId {
    let b = NewProject {
        name: "Red mud iron recovery".into(),
        owner_organization_id: "ent".into(),
        partner_organization_ids: vec!["univ".into()],
        region_code: "3716".into(),
        category: Category::RedMudUtilization,
        planned_investment: Some(1_000_000),
        capacity: None,
        year: 2026,
        agreement_ids: vec![],
        stage: None,
    };
    service::create(&mut w.conn, &w.bureau, b).unwrap().id
}

fn milestone(
    w: &mut World,
    project: &ProjectId,
    due: NaiveDate,
    stage: Option<Stage>,
) -> MilestoneId {
    let b = NewMilestone {
        name: "Permit".into(),
        due_on: due.into(),
        stage,
        responsible: None,
        notes: None,
    };
    milestones::create(&mut w.conn, &w.bureau, project, b)
        .unwrap()
        .id
}

fn bureau_notices(c: &mut DbConnection) -> i64 {
    count(
        c,
        "SELECT COUNT(*) AS n FROM notifications WHERE user_id = 'u-bureau'",
    )
}

#[test]
fn the_overdue_pass_raises_one_notice_per_milestone_once() {
    let mut w = world();
    let p = project(&mut w);
    let due = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    milestone(&mut w, &p, due, None);
    let (c, postman) = (&mut w.conn, &w.postman);
    assert_eq!(milestones::notify_overdue(c, postman, due).unwrap(), 0);
    let next = due.succ_opt().unwrap();
    assert_eq!(milestones::notify_overdue(c, postman, next).unwrap(), 1);
    assert_eq!(bureau_notices(c), 1);
    assert_eq!(milestones::notify_overdue(c, postman, next).unwrap(), 0);
    assert_eq!(bureau_notices(c), 1);
}

#[test]
fn completing_a_staged_milestone_moves_the_project_forward_and_tells_the_bureau_once() {
    let mut w = world();
    let p = project(&mut w);
    let m = milestone(&mut w, &p, super::domain::today(), Some(Stage::Operation));
    let done = MilestoneChanges {
        done_on: Some(super::domain::today().into()),
        ..MilestoneChanges::default()
    };
    let (c, postman) = (&mut w.conn, &w.postman);
    milestones::update(c, postman, &w.owner, &p, &m, done).unwrap();
    let v = service::get(c, &w.owner, &p).unwrap();
    assert_eq!(v.stage, "operation");
    assert_eq!(bureau_notices(c), 1);
    // Back and forth again: operation is announced once only.
    let back = |s| ProjectChanges {
        stage: Some(s),
        ..ProjectChanges::default()
    };
    service::update(c, postman, &w.owner, &p, back(Stage::Construction)).unwrap();
    service::update(c, postman, &w.owner, &p, back(Stage::Operation)).unwrap();
    assert_eq!(bureau_notices(c), 1);
}

#[test]
fn owners_move_the_stage_partners_see_and_only_the_bureau_edits() {
    let mut w = world();
    let p = project(&mut w);
    let (c, postman) = (&mut w.conn, &w.postman);
    let rename = || ProjectChanges {
        name: Some("New".into()),
        ..ProjectChanges::default()
    };
    let e = service::update(c, postman, &w.owner, &p, rename()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    let e = service::update(c, postman, &w.partner, &p, rename()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    assert!(service::get(c, &w.partner, &p).unwrap().notes.is_empty());
    let v = service::update(c, postman, &w.bureau, &p, rename()).unwrap();
    assert_eq!(v.name, "New");
    assert_eq!(v.partner_organization_ids, [OrganizationId::from("univ")]);
}

#[test]
fn a_project_with_an_unknown_stored_stage_is_an_error() {
    let mut w = world();
    let p = project(&mut w);
    t::run(&mut w.conn, "UPDATE projects SET stage = 'finished'");
    let e = service::get(&mut w.conn, &w.bureau, &p).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InternalError);
}
