//! Scratch databases: a PostgreSQL database made for one benchmark run and dropped when it
//! ends, and an in-memory SQLite database for unit tests.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

pub struct ScratchPostgres {
    admin_url: String,
    name: String,
    /// The scratch database's URL.
    pub url: String,
}

impl ScratchPostgres {
    /// Create `{prefix}_{pid}` on the server of `admin_url` (dropping a leftover first).
    pub fn create(admin_url: &str, prefix: &str) -> anyhow::Result<Self> {
        let name = format!("{prefix}_{}", std::process::id());
        let mut admin = PgConnection::establish(admin_url)?;
        // One statement per call: PostgreSQL runs a multi-statement string as one
        // transaction, and CREATE/DROP DATABASE refuse to run inside one.
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(admin_url);
        Ok(ScratchPostgres {
            admin_url: admin_url.to_owned(),
            url: format!("{base}/{name}"),
            name,
        })
    }
}

impl Drop for ScratchPostgres {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// A migrated in-memory SQLite database for unit tests of model and service functions
/// (the black-box suite covers PostgreSQL; set `TEST_DATABASE_URL` there).
#[cfg(test)]
pub fn sqlite() -> super::DbConnection {
    use diesel::connection::SimpleConnection;
    let mut conn = super::DbConnection::Sqlite(
        diesel::SqliteConnection::establish(":memory:").expect("in-memory SQLite"),
    );
    conn.batch_execute("PRAGMA foreign_keys = ON")
        .expect("foreign keys on");
    super::migrations::run_pending(&mut conn).expect("migrations apply");
    conn
}
