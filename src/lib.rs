//! collab-registry: the backend that helps an industrial cluster's enterprises work with
//! universities and research institutes. See `docs/architecture.md`.

pub mod accounts;
pub mod app;
pub mod auth;
pub mod background;
pub mod bench;
pub mod channels;
pub mod collaboration;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod extract;
pub mod files;
pub mod i18n;
pub mod listings;
pub mod matching;
pub mod money;
pub mod net;
pub mod notifications;
pub mod ops;
pub mod organizations;
pub mod projects;
pub mod reports;
pub mod routes;
pub mod startup;
pub mod telemetry;
pub mod web;
