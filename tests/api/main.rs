//! Black-box tests through the real HTTP server: one binary, one module per feature.
//!
//! Each test gets a fresh database: a temporary SQLite file, or a fresh PostgreSQL
//! database when `TEST_DATABASE_URL` names a PostgreSQL server.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default,
    reason = "tests fail loudly and adjust default settings field by field"
)]

mod accounts;
mod authz;
mod backup;
mod bounds;
mod browser;
mod browser_bureau;
mod browser_journeys;
mod channels;
mod collaboration;
mod crash;
mod dates;
mod deletion;
mod demo_data;
mod events;
mod exports;
mod exposure;
mod fuzzing;
mod hardening;
mod helpers;
mod import;
mod input;
mod instances;
mod listings;
mod mail_journeys;
mod matching;
mod notifications;
mod openapi;
mod operations;
mod outage;
mod outbox;
mod pages;
mod pages_bureau;
mod pages_events;
mod pages_inbox;
mod pages_links;
mod pages_member;
mod pages_posting;
mod pages_preferences;
mod pages_projects;
mod pages_review;
mod problem_language;
mod process;
mod quotas;
mod raw_targets;
mod registry;
mod schema_parity;
mod shutdown;
mod smaller;
mod smtp;
