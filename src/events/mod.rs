//! Trainings, exchanges, symposia and site visits: the bureau announces them to an
//! audience drawn from the registry, organizations register named attendees within
//! capacity (with a waitlist), and everyone involved is told and gets calendars.

pub mod bench;
pub mod domain;
pub mod ics;
pub mod model;
pub mod notify;
pub mod routes;
pub mod scheduler;
pub mod views;

use crate::app::RouteTable;

pub fn routes(r: &mut RouteTable) {
    // Literal paths before `{id}` so they are not taken for ids.
    r.get("/api/v1/events/participation", routes::participation);
    r.get("/api/v1/events/{id}.ics", routes::event_ics);
    r.get("/api/v1/events", routes::list_events);
    r.post("/api/v1/events", routes::create_event);
    r.get("/api/v1/events/{id}", routes::get_event);
    r.patch("/api/v1/events/{id}", routes::update_event);
    r.post("/api/v1/events/{id}/publish", routes::publish_event);
    r.post("/api/v1/events/{id}/cancel", routes::cancel_event);
    r.get(
        "/api/v1/events/{id}/registrations",
        routes::list_registrations,
    );
    r.post("/api/v1/events/{id}/registrations", routes::register);
    r.delete(
        "/api/v1/events/{id}/registrations/{registration_id}",
        routes::cancel_registration,
    );
    r.post("/api/v1/events/{id}/attendance", routes::record_attendance);
    r.post("/api/v1/me/calendar-token", routes::create_calendar_token);
    r.delete("/api/v1/me/calendar-token", routes::revoke_calendar_token);
    r.get("/api/v1/me/calendar.ics", routes::calendar_feed);
}
