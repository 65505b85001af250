//! `collab-registry backup DEST`: an online, consistent copy of the SQLite database.
//!
//! The copy is made with `VACUUM INTO`, which reads the database in one read transaction:
//! writers carry on (WAL mode), and the copy is the database as of that transaction's
//! start, compacted, in one file with no `-wal` beside it. The destination is created by
//! this command (never overwritten) with mode 0600, since it holds password hashes and
//! token digests; SQLite does not fsync a `VACUUM INTO` target, so the file and its folder
//! are synced before the command reports success. The copy is then opened and checked
//! (`PRAGMA quick_check`) and its schema version read, so a backup that cannot be
//! restored is an error here rather than on the day it is needed.
//!
//! PostgreSQL has its own tools (`pg_dump`, continuous archiving); on PostgreSQL the
//! command says so and fails.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use diesel::{QueryableByName, SqliteConnection};

use crate::config::{Backend, Settings, redact_url};
use crate::db::sqlite_path;

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupReport {
    /// The live database that was copied.
    pub source: PathBuf,
    /// The new file.
    pub dest: PathBuf,
    pub bytes: u64,
    /// The newest migration recorded in the copy (`None` for a database never migrated).
    pub schema_version: Option<String>,
}

impl std::fmt::Display for BackupReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "wrote {} ({} bytes, mode 0600): a consistent copy of the SQLite database {}, \
             quick_check ok, schema version {}",
            self.dest.display(),
            self.bytes,
            self.source.display(),
            self.schema_version
                .as_deref()
                .unwrap_or("none (never migrated)")
        )
    }
}

/// Why no backup was written.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "DATABASE_URL names a PostgreSQL database ({0}); this command copies the SQLite \
         default only. Back PostgreSQL up with pg_dump, e.g.\n  \
         pg_dump --format=custom --file=collab-registry-$(date +%F).dump \"$DATABASE_URL\"\n\
         and restore with pg_restore (docs/operations.md, \"Backups and restore\")"
    )]
    Postgres(String),
    #[error("the database {0} does not exist (check DATABASE_URL / COLLAB_DATA_DIR)")]
    NoDatabase(PathBuf),
    #[error("{0} already exists: a backup never overwrites a file, choose a new name")]
    Exists(PathBuf),
    #[error("the destination must be a valid UTF-8 path: {0:?}")]
    Path(PathBuf),
    #[error("cannot create {path}: {source}")]
    Create { path: PathBuf, source: io::Error },
    #[error("cannot write the backup {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("copying {path} failed: {message}")]
    Sqlite { path: PathBuf, message: String },
    #[error("the copy {path} does not pass quick_check: {result}")]
    Check { path: PathBuf, result: String },
}

#[derive(QueryableByName)]
struct QuickCheck {
    #[diesel(sql_type = Text)]
    quick_check: String,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Nullable<Text>)]
    version: Option<String>,
}

/// Copy the configured SQLite database to `dest`, which must not exist.
pub fn backup(settings: &Settings, dest: &Path) -> Result<BackupReport, BackupError> {
    if settings.backend() == Backend::Postgres {
        return Err(BackupError::Postgres(redact_url(&settings.database_url)));
    }
    let source = PathBuf::from(sqlite_path(&settings.database_url));
    // Opening a missing file would create an empty database and "back it up".
    if !source.is_file() {
        return Err(BackupError::NoDatabase(source));
    }
    let dest_str = dest
        .to_str()
        .ok_or_else(|| BackupError::Path(dest.to_owned()))?;

    // Claim the name first: create_new fails if anything is there, so a backup never
    // replaces a file (VACUUM INTO accepts an existing empty file as its target).
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(dest)
    {
        Ok(file) => drop(file),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(BackupError::Exists(dest.to_owned()));
        }
        Err(source) => {
            return Err(BackupError::Create {
                path: dest.to_owned(),
                source,
            });
        }
    }
    let result = copy_into(&source, dest, dest_str);
    if result.is_err() {
        // Only the file this call created, never one that was there before.
        let _ = std::fs::remove_file(dest);
    }
    result
}

fn sqlite_error(path: &Path, e: impl std::fmt::Display) -> BackupError {
    BackupError::Sqlite {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

fn copy_into(source: &Path, dest: &Path, dest_str: &str) -> Result<BackupReport, BackupError> {
    let write = |source: io::Error| BackupError::Write {
        path: dest.to_owned(),
        source,
    };
    // The umask can only take bits away from 0600; make the mode exact.
    std::fs::set_permissions(dest, std::fs::Permissions::from_mode(0o600)).map_err(write)?;

    {
        let source_str = source.to_string_lossy();
        let err = |e: &dyn std::fmt::Display| sqlite_error(source, e);
        let mut conn = SqliteConnection::establish(&source_str).map_err(|e| err(&e))?;
        // The server holds write locks only briefly; wait for them like it does.
        conn.batch_execute("PRAGMA busy_timeout = 10000;")
            .map_err(|e| err(&e))?;
        diesel::sql_query("VACUUM INTO ?")
            .bind::<Text, _>(dest_str)
            .execute(&mut conn)
            .map_err(|e| err(&e))?;
    }

    File::open(dest).and_then(|f| f.sync_all()).map_err(write)?;
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir).and_then(|d| d.sync_all()).map_err(write)?;
    }

    let err = |e: &dyn std::fmt::Display| sqlite_error(dest, e);
    let mut copy = SqliteConnection::establish(dest_str).map_err(|e| err(&e))?;
    let checks: Vec<QuickCheck> = diesel::sql_query("PRAGMA quick_check")
        .load(&mut copy)
        .map_err(|e| err(&e))?;
    let result: Vec<String> = checks.into_iter().map(|c| c.quick_check).collect();
    if result != ["ok"] {
        return Err(BackupError::Check {
            path: dest.to_owned(),
            result: result.join("; "),
        });
    }
    let has_migrations: i64 = diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "SELECT COUNT(*) FROM sqlite_master WHERE name = '__diesel_schema_migrations'",
    )
    .get_result(&mut copy)
    .map_err(|e| err(&e))?;
    let schema_version = if has_migrations > 0 {
        diesel::sql_query("SELECT MAX(version) AS version FROM __diesel_schema_migrations")
            .get_result::<Version>(&mut copy)
            .map_err(|e| err(&e))?
            .version
    } else {
        None
    };
    drop(copy);
    let bytes = std::fs::metadata(dest).map_err(write)?.len();
    Ok(BackupReport {
        source: source.to_owned(),
        dest: dest.to_owned(),
        bytes,
        schema_version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_for(dir: &Path) -> Settings {
        Settings {
            database_url: format!("sqlite://{}", dir.join("live.db").display()),
            ..Settings::default()
        }
    }

    #[test]
    fn copies_refuses_to_overwrite_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let settings = settings_for(dir.path());
        let mut live = SqliteConnection::establish(sqlite_path(&settings.database_url)).unwrap();
        live.batch_execute(
            "PRAGMA journal_mode = WAL; CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('kept');",
        )
        .unwrap();

        let dest = dir.path().join("copy.db");
        let report = backup(&settings, &dest).unwrap();
        assert!(report.bytes > 0);
        assert_eq!(report.schema_version, None);
        let mode = std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let mut copy = SqliteConnection::establish(dest.to_str().unwrap()).unwrap();
        let n: i64 = diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "SELECT COUNT(*) FROM t WHERE v = 'kept'",
        )
        .get_result(&mut copy)
        .unwrap();
        assert_eq!(n, 1);

        // A second backup to the same name leaves the first one as it was.
        let before = std::fs::read(&dest).unwrap();
        live.batch_execute("INSERT INTO t VALUES ('later');")
            .unwrap();
        assert!(matches!(
            backup(&settings, &dest),
            Err(BackupError::Exists(_))
        ));
        assert_eq!(std::fs::read(&dest).unwrap(), before);
    }

    #[test]
    fn a_missing_database_is_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let settings = settings_for(dir.path());
        let dest = dir.path().join("copy.db");
        assert!(matches!(
            backup(&settings, &dest),
            Err(BackupError::NoDatabase(_))
        ));
        assert!(!dir.path().join("live.db").exists());
        assert!(!dest.exists());
    }

    #[test]
    fn postgres_is_sent_to_pg_dump_without_its_password() {
        let settings = Settings {
            database_url: "postgres://app:s3cret@db.example:5432/collab".to_owned(),
            ..Settings::default()
        };
        let err = backup(&settings, Path::new("/nonexistent/x.db")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("pg_dump"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
    }
}
