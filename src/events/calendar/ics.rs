//! iCalendar (RFC 5545) for events: one event as an invitation attachment or download,
//! and a user's feed of the events they registered for.
//!
//! Times are written in UTC (`DTSTART:20261210T010000Z`), which every calendar program
//! shows in its own zone, so no `VTIMEZONE` rules need shipping; the event's zone is named
//! in `X-WR-TIMEZONE` and the description. The UID is fixed per event and SEQUENCE grows
//! with every change of time or place, so programs update the entry instead of adding one.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event as IcsEvent, EventLike, EventStatus as IcsStatus};

use crate::events::domain::{EventStatus, local_time};
use crate::events::model::Event;

/// The UID of an event, stable across updates.
pub fn uid(ev: &Event, domain: &str) -> String {
    format!("{}@{domain}", ev.id)
}

fn utc(t: chrono::NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

fn vevent(ev: &Event, domain: &str, link: &str) -> IcsEvent {
    let mut description = format!(
        "{}\n\n{}\n{} - {}",
        ev.description,
        ev.organizer,
        local_time(ev.starts_at, ev.timezone),
        local_time(ev.ends_at, ev.timezone)
    );
    if let Some(url) = &ev.online_url {
        description.push_str(&format!("\n{url}"));
    }
    let summary = match &ev.title_en {
        Some(en) if !en.is_empty() => format!("{} / {en}", ev.title),
        _ => ev.title.clone(),
    };
    let mut x = IcsEvent::new();
    x.uid(&uid(ev, domain))
        .summary(&summary)
        .description(&description)
        .location(&ev.location)
        .starts(utc(ev.starts_at))
        .ends(utc(ev.ends_at))
        .timestamp(utc(ev.updated_at))
        .sequence(ev.sequence.max(0) as u32)
        .url(link)
        .status(if ev.status == EventStatus::Cancelled {
            IcsStatus::Cancelled
        } else {
            IcsStatus::Confirmed
        });
    x.done()
}

/// One event; `METHOD:CANCEL` once it is cancelled, `METHOD:PUBLISH` otherwise.
pub fn event_calendar(ev: &Event, domain: &str, link: &str) -> String {
    let mut cal = Calendar::new();
    cal.append_property((
        "METHOD",
        if ev.status == EventStatus::Cancelled {
            "CANCEL"
        } else {
            "PUBLISH"
        },
    ));
    cal.append_property(("X-WR-TIMEZONE", ev.timezone.name()));
    cal.push(vevent(ev, domain, link));
    cal.done().to_string()
}

/// A user's feed: every event they registered for, cancelled ones marked so.
pub fn feed(events: &[Event], domain: &str, link_of: impl Fn(&Event) -> String) -> String {
    let mut cal = Calendar::new();
    cal.name("collab-registry");
    cal.append_property(("METHOD", "PUBLISH"));
    for ev in events {
        cal.push(vevent(ev, domain, &link_of(ev)));
    }
    cal.done().to_string()
}
