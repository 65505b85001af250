//! Registrations and the waitlist: organizations register named attendees within capacity,
//! the rest wait in line and are promoted in order; the bureau records attendance.

pub mod domain;
pub mod model;
pub mod routes;
pub mod service;
#[cfg(test)]
mod tests;
