//! Black-box tests through the real HTTP server: one binary, one module per feature.
//!
//! Each test gets a fresh database: a temporary SQLite file, or a fresh PostgreSQL
//! database when `TEST_DATABASE_URL` names a PostgreSQL server.

mod helpers;
mod operations;
mod schema_parity;
mod shutdown;
