//! Both migration sets must produce the same tables, columns, portable types and
//! nullability, so the SQLite and PostgreSQL schemas cannot drift apart.

use std::collections::BTreeMap;

use collab_registry::db::DbConnection;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

/// table -> column -> (portable type, nullable)
type Shape = BTreeMap<String, BTreeMap<String, (String, bool)>>;

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

fn portable(t: &str) -> String {
    match t.to_ascii_lowercase().as_str() {
        "text" | "character varying" | "varchar" => "text",
        "integer" | "int" | "int4" => "integer",
        "bigint" | "int8" => "bigint",
        "boolean" | "bool" => "boolean",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "double" | "double precision" | "real" | "float8" => "double",
        "date" => "date",
        other => return format!("unmapped:{other}"),
    }
    .to_owned()
}

fn shape(conn: &mut DbConnection) -> Shape {
    let rows: Vec<Column> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
             (p.\"notnull\" = 0 AND p.pk = 0) AS nullable \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'",
        )
        .load(c)
        .unwrap(),
        DbConnection::Postgres(c) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type, \
             (is_nullable = 'YES') AS nullable FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
        )
        .load(c)
        .unwrap(),
    };
    let mut out = Shape::new();
    for r in rows {
        out.entry(r.table_name)
            .or_default()
            .insert(r.column_name, (portable(&r.data_type), r.nullable));
    }
    out
}

/// Human-readable differences between two shapes; empty when equal.
fn differences(sqlite: &Shape, postgres: &Shape) -> Vec<String> {
    let mut diffs = Vec::new();
    let tables: std::collections::BTreeSet<_> = sqlite.keys().chain(postgres.keys()).collect();
    for t in tables {
        match (sqlite.get(t), postgres.get(t)) {
            (Some(a), Some(b)) => {
                let cols: std::collections::BTreeSet<_> = a.keys().chain(b.keys()).collect();
                for c in cols {
                    if a.get(c) != b.get(c) {
                        diffs.push(format!(
                            "{t}.{c}: sqlite {:?} vs postgres {:?}",
                            a.get(c),
                            b.get(c)
                        ));
                    }
                }
            }
            (a, b) => diffs.push(format!(
                "table {t}: sqlite {} postgres {}",
                a.is_some(),
                b.is_some()
            )),
        }
    }
    diffs
}

/// (table, column, referenced table, ON DELETE action) of every foreign key.
type Keys = std::collections::BTreeSet<(String, String, String, String)>;

#[derive(QueryableByName)]
struct ForeignKey {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    referenced: String,
    #[diesel(sql_type = Text)]
    on_delete: String,
}

fn foreign_keys(conn: &mut DbConnection) -> Keys {
    let rows: Vec<ForeignKey> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, f.\"from\" AS column_name, f.\"table\" AS referenced, \
             f.on_delete AS on_delete \
             FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
        )
        .load(c)
        .unwrap(),
        DbConnection::Postgres(c) => diesel::sql_query(
            "SELECT k.table_name::text AS table_name, k.column_name::text AS column_name, \
             u.table_name::text AS referenced, r.delete_rule::text AS on_delete \
             FROM information_schema.referential_constraints r \
             JOIN information_schema.key_column_usage k \
               ON k.constraint_name = r.constraint_name AND k.constraint_schema = r.constraint_schema \
             JOIN information_schema.constraint_column_usage u \
               ON u.constraint_name = r.constraint_name AND u.constraint_schema = r.constraint_schema \
             WHERE r.constraint_schema = 'public'",
        )
        .load(c)
        .unwrap(),
    };
    rows.into_iter()
        .map(|r| (r.table_name, r.column_name, r.referenced, r.on_delete))
        .collect()
}

/// History (interests, agreements, project links) is never deleted by a cascade: its keys
/// to listings, organizations, interests and agreements restrict (issue 17).
fn cascades_into_history(keys: &Keys) -> Vec<String> {
    keys.iter()
        .filter(|(t, _, r, _)| {
            ["interests", "agreements", "project_agreements"].contains(&t.as_str())
                && ["listings", "organizations", "interests", "agreements"].contains(&r.as_str())
        })
        .filter(|(_, _, _, action)| action != "RESTRICT")
        .map(|(t, c, r, a)| format!("{t}.{c} -> {r}: ON DELETE {a}"))
        .collect()
}

fn migrated(url: &str) -> DbConnection {
    let mut settings = collab_registry::config::Settings::default();
    settings.database_url = url.to_owned();
    let pool = collab_registry::db::create_pool(&settings).unwrap();
    let mut conn = r2d2::Pool::get(&pool).unwrap();
    collab_registry::db::migrations::run_pending(&mut conn).unwrap();
    // Take the connection out of the pool so the shape query runs on a plain connection.
    let mut plain =
        r2d2::ManageConnection::connect(&collab_registry::db::ConnectionManager::new(url).unwrap())
            .unwrap();
    drop(conn);
    let _ = &mut plain;
    plain
}

#[test]
fn differences_name_a_column_present_on_one_backend_only() {
    let mut a = Shape::new();
    a.entry("users".into())
        .or_default()
        .insert("id".into(), ("text".into(), false));
    let mut b = a.clone();
    assert!(differences(&a, &b).is_empty());
    b.get_mut("users")
        .unwrap()
        .insert("nickname".into(), ("text".into(), true));
    assert_eq!(
        differences(&a, &b),
        vec!["users.nickname: sqlite None vs postgres Some((\"text\", true))"]
    );
}

#[test]
fn sqlite_and_postgres_migrations_produce_the_same_schema() {
    let admin = crate::helpers::postgres_admin_url()
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    if diesel::PgConnection::establish(&admin).is_err() {
        assert!(
            std::env::var("CI").is_err(),
            "PostgreSQL must be reachable in CI at {admin}"
        );
        eprintln!("schema parity not checked: no PostgreSQL at {admin}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sqlite = shape(&mut migrated(&format!(
        "sqlite://{}",
        dir.path().join("p.db").display()
    )));
    let pg_db = crate::helpers::PgTestDatabase::create(&admin);
    let postgres = shape(&mut migrated(&pg_db.url));
    assert!(!sqlite.is_empty());
    assert!(
        sqlite
            .values()
            .flat_map(|c| c.values())
            .all(|(t, _)| !t.starts_with("unmapped")),
        "{sqlite:?}"
    );
    let diffs = differences(&sqlite, &postgres);
    assert!(
        diffs.is_empty(),
        "migration sets drifted:\n{}",
        diffs.join("\n")
    );
}

#[test]
fn both_backends_have_the_same_foreign_keys_and_none_cascades_into_history() {
    let admin = crate::helpers::postgres_admin_url()
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let dir = tempfile::tempdir().unwrap();
    let sqlite = foreign_keys(&mut migrated(&format!(
        "sqlite://{}",
        dir.path().join("k.db").display()
    )));
    assert!(!sqlite.is_empty());
    let wrong = cascades_into_history(&sqlite);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    if diesel::PgConnection::establish(&admin).is_err() {
        assert!(
            std::env::var("CI").is_err(),
            "PostgreSQL must be reachable in CI"
        );
        return;
    }
    let pg_db = crate::helpers::PgTestDatabase::create(&admin);
    let postgres = foreign_keys(&mut migrated(&pg_db.url));
    let only: Vec<_> = sqlite.symmetric_difference(&postgres).collect();
    assert!(only.is_empty(), "foreign keys differ: {only:?}");
}
