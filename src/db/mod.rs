//! Database access: one connection type over SQLite and PostgreSQL, a pool, and the one
//! helper that runs diesel work off the async executor.
//!
//! Backend-specific SQL lives only here or in a model function that matches on the
//! `DbConnection` variant; handlers never see the backend.

pub mod ids;
pub mod migrations;
pub mod schema;
pub mod scratch;
pub mod types;
pub mod upsert;

use std::path::Path;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};

use crate::config::{Backend, Settings};
use crate::error::ApiError;

/// A connection to whichever database `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

impl DbConnection {
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Postgres(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// SQLite takes one writer at a time. This process's writers queue here, first come first
/// served, before `BEGIN IMMEDIATE`, and are woken the moment the writer before them
/// commits. Without it they wait in SQLite's busy handler, which polls with sleeps of up to
/// 100 ms: under a steady stream of writers a waiting one can lose the race again and again
/// (`bench load`, event registrations on a quiet machine: median 50 ms, but 14 of 2,795
/// waited over 2 s). One lock for the process, not per file: a process serves one database,
/// and unit tests that open several only wait a little longer. Writers in other processes on
/// the same file (a second instance, a CLI command) still meet SQLite's busy timeout.
static SQLITE_WRITER: parking_lot::FairMutex<()> = parking_lot::const_fair_mutex(());
/// The `busy_timeout` every pooled SQLite connection is opened with.
const SQLITE_WRITER_WAIT: Duration = Duration::from_secs(10);

/// Run `f` in a write transaction: on SQLite behind this process's writer queue and with
/// `BEGIN IMMEDIATE` (so writers queue instead of failing at commit), a plain transaction
/// on PostgreSQL.
pub fn write_tx<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Postgres(_) => conn.transaction(f),
        DbConnection::Sqlite(inner) => {
            // A write inside a write on this connection is refused as diesel refuses it,
            // before the queue, where it would wait for itself.
            if AnsiTransactionManager::transaction_manager_status_mut(inner)
                .transaction_depth()?
                .is_some()
            {
                return Err(diesel::result::Error::AlreadyInTransaction.into());
            }
            // As long as SQLite's own busy timeout: a writer stuck behind another gets the
            // same "database is locked" it would get from SQLite, never an endless wait.
            let Some(_writer) = SQLITE_WRITER.try_lock_for(SQLITE_WRITER_WAIT) else {
                return Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::Unknown,
                    Box::new(String::from("database is locked (writer queue)")),
                )
                .into());
            };
            // The combined connection's transaction manager delegates to the inner
            // connection's, so nested `transaction` calls inside `f` become savepoints.
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
            let result = f(conn);
            let DbConnection::Sqlite(inner) = conn else {
                return result;
            };
            match result {
                Ok(value) => {
                    AnsiTransactionManager::commit_transaction(inner)?;
                    Ok(value)
                }
                Err(e) => {
                    AnsiTransactionManager::rollback_transaction(inner)?;
                    Err(e)
                }
            }
        }
    }
}

/// Opens connections of the configured backend for r2d2.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    backend: Backend,
    url: String,
}

impl ConnectionManager {
    pub fn new(url: &str) -> anyhow::Result<Self> {
        let backend = crate::config::backend_of(url).map_err(anyhow::Error::msg)?;
        let url = match backend {
            Backend::Sqlite => sqlite_path(url).to_owned(),
            Backend::Postgres => url.to_owned(),
        };
        Ok(ConnectionManager { backend, url })
    }
}

/// The file path in a `sqlite://PATH` URL.
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.url)
                .map(DbConnection::Postgres)
                .map_err(diesel::r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.url)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // WAL is a property of the file, set once in `create_pool`; these are per
                // connection. `optimize` keeps the planner's statistics current (SQLite's
                // advice for long-lived connections: at open, bounded by `analysis_limit`;
                // r2d2 reopens connections at least every 30 minutes). Without statistics
                // SQLite joins listings to organizations through the organization-status
                // index and walks every listing (168 ms instead of 2 ms for a page of 500 at
                // 100k listings).
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;
                     PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// Build the pool. For SQLite this creates the folder, and sets WAL once before any
/// pooled connection exists.
pub fn create_pool(settings: &Settings) -> anyhow::Result<Pool> {
    let manager = ConnectionManager::new(&settings.database_url)?;
    if settings.backend() == Backend::Sqlite {
        let path = Path::new(&manager.url);
        // A folder the service creates is private; an existing one is left as it is.
        if let Some(dir) = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty() && !d.exists())
        {
            crate::files::private_dir(dir)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        }
        let mut conn = SqliteConnection::establish(&manager.url)?;
        // Before WAL: SQLite gives its -wal and -shm files the database file's mode.
        if path.exists() {
            crate::files::private_file(path)
                .map_err(|e| anyhow::anyhow!("cannot make {} private: {e}", path.display()))?;
        }
        conn.batch_execute("PRAGMA journal_mode = WAL;")?;
    }
    let pool = r2d2::Pool::builder()
        .max_size(settings.db_pool_size)
        .min_idle(Some(0))
        .connection_timeout(settings.db_acquire_timeout)
        .idle_timeout(Some(Duration::from_secs(600)))
        .error_handler(Box::new(r2d2::LoggingErrorHandler))
        .build_unchecked(manager);
    Ok(pool)
}

/// The pool plus the helper that runs blocking diesel work on the blocking thread pool.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
}

impl Db {
    pub fn new(pool: Pool, backend: Backend) -> Self {
        Db { pool, backend }
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Run `f` with a pooled connection on the blocking thread pool. If no connection is
    /// free within the acquisition timeout the caller gets 503 with `Retry-After`.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let mut conn = get_conn(&pool)?;
            f(&mut conn)
        })
        .await
        .map_err(|e| ApiError::internal(anyhow::anyhow!("database task failed: {e}")))?
    }

    /// Like `run`, in a write transaction (see [`write_tx`]).
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.run(move |conn| write_tx(conn, f)).await
    }
}

/// A pooled connection, or 503 when the pool stays exhausted past its timeout.
pub fn get_conn(pool: &Pool) -> Result<PooledConnection, ApiError> {
    pool.get().map_err(|e| {
        tracing::warn!(error = %e, "no database connection available");
        ApiError::Unavailable {
            retry_after_secs: 2,
        }
    })
}

/// Whether a value a caller sent can be compared with stored text on both backends:
/// PostgreSQL refuses U+0000 in a text parameter (an error, not "no such row"), so a
/// lookup by a code or id that holds one answers "unknown" without asking the database.
pub fn storable(value: &str) -> bool {
    !value.contains('\0')
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sql_types::Integer;

    use super::{DbConnection, write_tx};

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = Integer)]
        n: i32,
    }

    /// With SQLite's busy timeout at zero, a writer that finds the file locked fails at
    /// once ("database is locked"): every write here succeeds only if this process's
    /// writers wait for each other before they ask SQLite for the lock.
    #[test]
    fn writers_of_one_process_queue_instead_of_meeting_a_locked_database() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("writers.db");
        let url = path.to_str().expect("utf-8 path").to_owned();
        let mut setup = SqliteConnection::establish(&url).expect("open");
        setup
            .batch_execute("PRAGMA journal_mode = WAL; CREATE TABLE t (n INTEGER NOT NULL);")
            .expect("schema");
        let threads: Vec<_> = (0..6)
            .map(|_| {
                let url = url.clone();
                std::thread::spawn(move || -> Result<(), diesel::result::Error> {
                    let mut conn =
                        DbConnection::Sqlite(SqliteConnection::establish(&url).expect("open"));
                    conn.batch_execute("PRAGMA busy_timeout = 0")?;
                    for n in 0..25 {
                        write_tx(&mut conn, |c| {
                            diesel::sql_query(format!("INSERT INTO t (n) VALUES ({n})"))
                                .execute(c)?;
                            // Hold the lock a moment, as a real write with its notices does.
                            std::thread::sleep(std::time::Duration::from_millis(1));
                            diesel::sql_query(format!("UPDATE t SET n = n + 1 WHERE n = {n}"))
                                .execute(c)
                        })?;
                    }
                    Ok(())
                })
            })
            .collect();
        for t in threads {
            t.join()
                .expect("writer thread")
                .expect("every write succeeds");
        }
        let count: Count = diesel::sql_query("SELECT COUNT(*) AS n FROM t")
            .get_result(&mut setup)
            .expect("count");
        assert_eq!(count.n, 150);
    }

    /// A write transaction opened inside another on the same connection is an error, as
    /// diesel makes it, not a wait for the writer queue this thread already holds.
    #[test]
    fn a_write_inside_a_write_is_refused_not_waited_for() {
        let mut conn = crate::db::scratch::sqlite();
        let inner: Result<(), diesel::result::Error> =
            write_tx(&mut conn, |c| write_tx(c, |_| Ok(())));
        assert!(
            matches!(inner, Err(diesel::result::Error::AlreadyInTransaction)),
            "{inner:?}"
        );
        // The queue is free again afterwards.
        write_tx(&mut conn, |_| Ok::<_, diesel::result::Error>(())).expect("a later write");
    }
}
