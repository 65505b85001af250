//! Calendars: one event as iCalendar (RFC 5545), and each user's feed of the events they
//! registered for, behind a secret token.

pub mod ics;
pub mod model;
pub mod routes;
pub mod service;
