//! collab-registry: the backend that helps an industrial cluster's enterprises work with
//! universities and research institutes. See `docs/architecture.md`.

pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod ops;
pub mod routes;
pub mod startup;
pub mod telemetry;
