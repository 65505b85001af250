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
