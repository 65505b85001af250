//! Embedded migrations, one set per backend with identical version names.

use diesel::migration::MigrationSource;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Apply every pending migration; returns the versions applied.
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, BoxError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE)?,
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES)?,
    };
    Ok(applied.iter().map(|v| v.to_string()).collect())
}

/// How many embedded migrations the database has not applied yet.
pub fn pending_count(conn: &mut DbConnection) -> Result<usize, BoxError> {
    Ok(match conn {
        DbConnection::Sqlite(c) => c.pending_migrations(SQLITE)?.len(),
        DbConnection::Postgres(c) => c.pending_migrations(POSTGRES)?.len(),
    })
}

/// Version names of each embedded set, to check they stay identical.
pub fn versions() -> Result<(Vec<String>, Vec<String>), BoxError> {
    let names = |set: &EmbeddedMigrations| -> Result<Vec<String>, BoxError> {
        let list = MigrationSource::<diesel::sqlite::Sqlite>::migrations(set)?;
        Ok(list
            .iter()
            .map(|m| m.name().version().to_string())
            .collect())
    };
    Ok((names(&SQLITE)?, names(&POSTGRES)?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_backends_have_the_same_migration_versions() {
        let (sqlite, postgres) = super::versions().unwrap();
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, postgres);
    }
}
