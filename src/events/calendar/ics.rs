//! iCalendar (RFC 5545, with the iTIP methods of RFC 5546) for events: one event as an
//! invitation attachment or download, an attendee's cancellation, and a user's feed of the
//! events they registered for.
//!
//! Times are written in UTC (`DTSTART:20261210T010000Z`), which every calendar program
//! shows in its own zone, so no `VTIMEZONE` rules need shipping; the event's zone is named
//! in `X-WR-TIMEZONE` and the description. The UID is fixed per event and SEQUENCE grows
//! with every change of time or place, so programs update the entry instead of adding one.
//! Every object names this product (`PRODID`) and the event's organizer (`ORGANIZER`, the
//! address mail comes from, with the organizer's name), which RFC 5546 requires of both
//! `PUBLISH` and `CANCEL`.

use chrono::{DateTime, Utc};
use icalendar::{
    Calendar, Component, Event as IcsEvent, EventLike, EventStatus as IcsStatus, Property,
};

use crate::events::domain::{EventStatus, local_time};
use crate::events::model::Event;

/// The domain calendar UIDs end in.
pub const DOMAIN: &str = "collab-registry";

/// The product identifier every calendar object carries.
pub const PRODID: &str = concat!(
    "-//collab-registry//collab-registry ",
    env!("CARGO_PKG_VERSION"),
    "//EN"
);

/// The UID of an event, stable across updates.
pub fn uid(ev: &Event) -> String {
    format!("{}@{DOMAIN}", ev.id)
}

fn utc(t: chrono::NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

/// A calendar address (`mailto:`) with a common name; a `"` cannot stand in a parameter.
fn address(key: &str, email: &str, name: &str) -> Property {
    Property::new(key, format!("mailto:{email}"))
        .add_parameter("CN", &name.replace('"', "'"))
        .done()
}

/// A calendar object with this product's identity and `method`.
fn calendar(method: &str) -> Calendar {
    let mut cal = Calendar::empty();
    cal.append_property(("VERSION", "2.0"))
        .append_property(("PRODID", PRODID))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", method));
    cal
}

fn vevent(ev: &Event, organizer: &str, link: &str) -> IcsEvent {
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
    x.uid(&uid(ev))
        .summary(&summary)
        .description(&description)
        .location(&ev.location)
        .starts(utc(ev.starts_at))
        .ends(utc(ev.ends_at))
        .timestamp(utc(ev.updated_at))
        .sequence(ev.sequence.max(0) as u32)
        .url(link)
        .append_property(address("ORGANIZER", organizer, &ev.organizer))
        .status(if ev.status == EventStatus::Cancelled {
            IcsStatus::Cancelled
        } else {
            IcsStatus::Confirmed
        });
    x.done()
}

/// One event; `METHOD:CANCEL` once it is cancelled, `METHOD:PUBLISH` otherwise.
/// `organizer` is the address mail comes from.
pub fn event_calendar(ev: &Event, organizer: &str, link: &str) -> String {
    let mut cal = calendar(if ev.status == EventStatus::Cancelled {
        "CANCEL"
    } else {
        "PUBLISH"
    });
    cal.append_property(("X-WR-TIMEZONE", ev.timezone.name()));
    cal.push(vevent(ev, organizer, link));
    cal.done().to_string()
}

/// The cancellation of one attendee's place (RFC 5546 3.2.5): the event's UID with a
/// SEQUENCE above the one their confirmation carried, `METHOD:CANCEL`, the attendee named,
/// so their calendar program removes the entry while the event goes on for others.
pub fn attendee_cancellation(
    ev: &Event,
    organizer: &str,
    link: &str,
    (email, name): (&str, &str),
) -> String {
    let mut x = vevent(ev, organizer, link);
    x.sequence(ev.sequence.max(0) as u32 + 1)
        .status(IcsStatus::Cancelled)
        .append_multi_property(address("ATTENDEE", email, name));
    let mut cal = calendar("CANCEL");
    cal.append_property(("X-WR-TIMEZONE", ev.timezone.name()));
    cal.push(x.done());
    cal.done().to_string()
}

/// A user's feed: every event they registered for, cancelled ones marked so.
pub fn feed(events: &[Event], organizer: &str, link_of: impl Fn(&Event) -> String) -> String {
    let mut cal = calendar("PUBLISH");
    cal.name("collab-registry");
    for ev in events {
        cal.push(vevent(ev, organizer, &link_of(ev)));
    }
    cal.done().to_string()
}
