//! The listing service on a migrated in-memory SQLite database: the lifecycle and the
//! deletion rule through the real queries, and a corrupt stored status read as an error.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::domain::{Action, Side};
use super::service;
use crate::app::{AuthUser, Locale, Role};
use crate::db::DbConnection;
use crate::error::ErrorCode;

fn conn() -> DbConnection {
    let mut c = DbConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap());
    crate::db::migrations::run_pending(&mut c).unwrap();
    c
}

/// An owner `u1` of a verified enterprise `o1`, and `l1` a need of `o1` in `status`.
fn world(conn: &mut DbConnection, status: &str) -> AuthUser {
    let t = "'2026-01-01 00:00:00'";
    conn.batch_execute(&format!(
        "INSERT INTO users (id, email, password_hash, display_name, locale, role, \
         email_verified_at, token_version, created_at, updated_at, timezone) VALUES \
         ('u1', 'u1@example.com', 'x', 'u1', 'en', 'user', {t}, 0, {t}, {t}, 'Asia/Shanghai');
         INSERT OR IGNORE INTO regions (code, parent_code, kind, name_zh, name_en, sort_order) \
         VALUES ('3716', NULL, 'county', '3716', '3716', 0);
         INSERT INTO organizations (id, kind, name, uscc_flagged, region_code, description, \
         contact_email, is_leading, is_sample, status, created_at, updated_at) VALUES \
         ('o1', 'enterprise', 'Org', false, '3716', '', 'o@org.example', false, false, \
         'verified', {t}, {t});
         INSERT INTO memberships (organization_id, user_id, role, created_at) VALUES \
         ('o1', 'u1', 'owner', {t});
         INSERT INTO listings (id, side, organization_id, title, description, region_code, \
         language, status, created_at, updated_at) VALUES ('l1', 'need', 'o1', 'Title', 'd', \
         '3716', 'en', '{status}', {t}, {t});"
    ))
    .unwrap();
    AuthUser {
        id: "u1".into(),
        email: "u1@example.com".to_owned(),
        display_name: "u1".to_owned(),
        locale: Locale::En,
        role: Role::User,
        email_verified: true,
    }
}

fn code<T: std::fmt::Debug>(r: Result<T, crate::error::ApiError>) -> ErrorCode {
    r.expect_err("refused").code()
}

#[test]
fn a_draft_is_published_closed_fulfilled_and_then_no_longer_deletable() {
    let mut c = conn();
    let owner = world(&mut c, "draft");
    let act = |c: &mut DbConnection, a| service::act(c, owner.clone(), Side::Need, &"l1".into(), a);
    assert_eq!(
        code(act(&mut c, Action::Close)),
        ErrorCode::InvalidTransition
    );
    assert_eq!(act(&mut c, Action::Publish).unwrap().status, "published");
    assert_eq!(act(&mut c, Action::Close).unwrap().status, "closed");
    assert_eq!(act(&mut c, Action::Fulfil).unwrap().status, "fulfilled");
    assert_eq!(
        code(act(&mut c, Action::Publish)),
        ErrorCode::InvalidTransition
    );
    let deleted = service::delete(&mut c, owner.clone(), Side::Need, &"l1".into());
    assert_eq!(code(deleted), ErrorCode::ListingNotDeletable);
}

#[test]
fn a_draft_without_history_is_deleted_and_a_capability_path_does_not_find_a_need() {
    let mut c = conn();
    let owner = world(&mut c, "draft");
    let wrong_side = service::delete(&mut c, owner.clone(), Side::Capability, &"l1".into());
    assert_eq!(code(wrong_side), ErrorCode::NotFound);
    service::delete(&mut c, owner.clone(), Side::Need, &"l1".into()).unwrap();
    assert_eq!(
        code(service::get(&mut c, Some(owner), Side::Need, &"l1".into())),
        ErrorCode::NotFound
    );
}

#[test]
fn a_corrupt_stored_status_is_an_error_not_a_draft() {
    let mut c = conn();
    let owner = world(&mut c, "publishable-maybe");
    let read = service::act(&mut c, owner, Side::Need, &"l1".into(), Action::Publish);
    assert_eq!(code(read), ErrorCode::InternalError);
}
