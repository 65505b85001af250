//! Test fixtures for the services of collaboration, projects and reports: a migrated
//! in-memory SQLite database and the few rows the services read (users, organizations,
//! memberships, listings).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::app::{AuthUser, Locale, Postman, Role};
use crate::db::DbConnection;

/// A fresh, migrated in-memory database.
pub fn conn() -> DbConnection {
    let mut c = DbConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap());
    crate::db::migrations::run_pending(&mut c).unwrap();
    c
}

pub fn postman() -> Postman {
    Postman::new(
        "http://registry.test",
        &secrecy::SecretString::from("k".repeat(32)),
    )
}

fn exec(conn: &mut DbConnection, sql: &str) {
    conn.batch_execute(sql).unwrap();
}

/// A verified user (`bureau`: a bureau administrator), locale English.
pub fn user(conn: &mut DbConnection, id: &str, bureau: bool) -> AuthUser {
    let role = if bureau { "bureau_admin" } else { "user" };
    exec(
        conn,
        &format!(
            "INSERT INTO users (id, email, password_hash, display_name, locale, role, \
             email_verified_at, token_version, created_at, updated_at, timezone) VALUES \
             ('{id}', '{id}@example.com', 'x', '{id}', 'en', '{role}', '2026-01-01 00:00:00', 0, \
             '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'Asia/Shanghai')"
        ),
    );
    AuthUser {
        id: id.into(),
        email: format!("{id}@example.com"),
        display_name: id.to_owned(),
        locale: Locale::En,
        role: if bureau {
            Role::BureauAdmin
        } else {
            Role::User
        },
        email_verified: true,
    }
}

/// An organization of `status` in region `region`, with `members` as its members.
pub fn org(conn: &mut DbConnection, id: &str, status: &str, region: &str, members: &[&str]) {
    self::region(conn, region, None);
    exec(
        conn,
        &format!(
            "INSERT INTO organizations (id, kind, name, uscc_flagged, region_code, description, \
             contact_email, is_leading, is_sample, status, created_at, updated_at) VALUES \
             ('{id}', 'enterprise', 'Org {id}', false, '{region}', '', '{id}@org.example', \
             false, false, '{status}', '2026-01-02 00:00:00', '2026-01-02 00:00:00')"
        ),
    );
    for m in members {
        exec(
            conn,
            &format!(
                "INSERT INTO memberships (organization_id, user_id, role, created_at) VALUES \
                 ('{id}', '{m}', 'owner', '2026-01-02 00:00:00')"
            ),
        );
    }
}

/// A listing of `side` and `status` owned by `org`, with cooperation `modes`.
pub fn listing(
    conn: &mut DbConnection,
    id: &str,
    side: &str,
    org: &str,
    status: &str,
    modes: &[&str],
) {
    region(conn, "3716", None);
    exec(
        conn,
        &format!(
            "INSERT INTO listings (id, side, organization_id, title, description, region_code, \
             language, status, created_at, updated_at) VALUES ('{id}', '{side}', '{org}', \
             'Title {id}', 'd', '3716', 'en', '{status}', '2026-01-03 00:00:00', \
             '2026-01-03 00:00:00')"
        ),
    );
    for m in modes {
        exec(
            conn,
            &format!("INSERT INTO listing_modes (listing_id, mode) VALUES ('{id}', '{m}')"),
        );
    }
}

/// Run `sql` (a single `SELECT COUNT(*) AS n ...`) and return `n`.
pub fn count(conn: &mut DbConnection, sql: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(sql).get_result::<N>(conn).unwrap().n
}

/// Run a statement (to corrupt a row on purpose, say).
pub fn run(conn: &mut DbConnection, sql: &str) {
    exec(conn, sql);
}

/// A region `code` under `parent` (nothing if it exists).
pub fn region(conn: &mut DbConnection, code: &str, parent: Option<&str>) {
    let parent = parent.map_or("NULL".to_owned(), |p| format!("'{p}'"));
    exec(
        conn,
        &format!(
            "INSERT OR IGNORE INTO regions (code, parent_code, kind, name_zh, name_en, sort_order) VALUES \
             ('{code}', {parent}, 'county', '{code}', '{code}', 0)"
        ),
    );
}
