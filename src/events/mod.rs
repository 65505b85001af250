//! Trainings, exchanges, symposia and site visits: the bureau announces them to an
//! audience drawn from the registry, organizations register named attendees within
//! capacity (with a waitlist), and everyone involved is told and gets calendars.
//!
//! Rooms: events themselves (`routes`, `service`, `validate`, `model`, `access`),
//! `registrations` (and the waitlist, attendance, participation), `calendar` (iCalendar,
//! feeds); `notify` says who hears what; `domain` holds the kinds, states and the one
//! allocation rule; `scheduler` the time-driven notices.

pub mod access;
pub mod calendar;
pub mod domain;
pub mod model;
pub mod notify;
pub mod registrations;
pub mod routes;
pub mod scheduler;
pub mod service;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
pub mod validate;
pub mod views;

use crate::app::RouteTable;
use calendar::routes as calendar_routes;
use registrations::routes as registration_routes;

pub fn routes(r: &mut RouteTable) {
    // Literal paths before `{id}` so they are not taken for ids.
    r.get(
        "/api/v1/events/participation",
        registration_routes::participation,
    );
    r.get("/api/v1/events/{id}.ics", calendar_routes::event_ics);
    r.get("/api/v1/events", routes::list_events);
    r.post("/api/v1/events", routes::create_event);
    r.get("/api/v1/events/{id}", routes::get_event);
    r.patch("/api/v1/events/{id}", routes::update_event);
    r.post("/api/v1/events/{id}/publish", routes::publish_event);
    r.post("/api/v1/events/{id}/cancel", routes::cancel_event);
    r.get(
        "/api/v1/events/{id}/registrations",
        registration_routes::list_registrations,
    );
    r.post(
        "/api/v1/events/{id}/registrations",
        registration_routes::register,
    );
    r.delete(
        "/api/v1/events/{id}/registrations/{registration_id}",
        registration_routes::cancel_registration,
    );
    r.post(
        "/api/v1/events/{id}/attendance",
        registration_routes::record_attendance,
    );
    r.post(
        "/api/v1/me/calendar-token",
        calendar_routes::create_calendar_token,
    );
    r.delete(
        "/api/v1/me/calendar-token",
        calendar_routes::revoke_calendar_token,
    );
    r.get("/api/v1/me/calendar.ics", calendar_routes::calendar_feed);
}
