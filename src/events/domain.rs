//! Event kinds, states and the rules of registration.

use chrono::{DateTime, NaiveDateTime, Utc};

crate::text_enum! {
    /// What sort of gathering an event is.
    pub enum EventKind {
        Training => "training",
        Exchange => "exchange",
        Symposium => "symposium",
        SiteVisit => "site_visit",
    }
}

crate::text_enum! {
    /// `draft` -> `published` -> `completed`, or `cancelled`.
    pub enum EventStatus {
        Draft => "draft",
        Published => "published",
        Completed => "completed",
        Cancelled => "cancelled",
    }
}

crate::text_enum! {
    /// The state of one attendee's registration.
    pub enum RegistrationStatus {
        Confirmed => "confirmed",
        Waitlisted => "waitlisted",
        Cancelled => "cancelled",
    }
}

crate::text_enum! {
    /// A dimension of an event's audience filter.
    pub enum Dimension {
        Kind => "kind",
        Region => "region",
        Field => "field",
        Organization => "organization",
    }
}

/// Why a registration is not open right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    NotPublished,
    Cancelled,
    Completed,
    NotYetOpen,
    Closed,
}

impl Closed {
    pub fn code(self) -> &'static str {
        match self {
            Closed::NotPublished => "event_not_published",
            Closed::Cancelled => "event_cancelled",
            Closed::Completed => "event_completed",
            Closed::NotYetOpen => "registration_not_open",
            Closed::Closed => "registration_closed",
        }
    }

    pub fn detail(self) -> &'static str {
        match self {
            Closed::NotPublished => "the event has not been published",
            Closed::Cancelled => "the event has been cancelled",
            Closed::Completed => "the event is over",
            Closed::NotYetOpen => "registration has not opened yet",
            Closed::Closed => "registration has closed",
        }
    }
}

/// Whether registration is open at `now`: the event is published, and `now` lies in the
/// registration window (which closes at the start when no end is set).
pub fn registration_open(
    status: EventStatus,
    opens: Option<NaiveDateTime>,
    closes: Option<NaiveDateTime>,
    starts: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), Closed> {
    match status {
        EventStatus::Draft => return Err(Closed::NotPublished),
        EventStatus::Cancelled => return Err(Closed::Cancelled),
        EventStatus::Completed => return Err(Closed::Completed),
        EventStatus::Published => {}
    }
    if opens.is_some_and(|o| now < o) {
        return Err(Closed::NotYetOpen);
    }
    if now >= closes.unwrap_or(starts) {
        return Err(Closed::Closed);
    }
    Ok(())
}

/// Which of the attendees, taken in order, get a place: `true` confirmed, `false`
/// waitlisted. `taken` places are already confirmed in total, `org_taken` by this
/// organization. (Places freed by cancellations are given to the waitlist at once, so a
/// free place here is one nobody waiting can take.)
pub fn allocate(
    count: usize,
    capacity: i64,
    per_org: Option<i64>,
    taken: i64,
    org_taken: i64,
) -> Vec<bool> {
    let mut out = Vec::with_capacity(count);
    let (mut taken, mut org_taken) = (taken, org_taken);
    for _ in 0..count {
        let fits = taken < capacity && per_org.is_none_or(|p| org_taken < p);
        if fits {
            taken += 1;
            org_taken += 1;
        }
        out.push(fits);
    }
    out
}

/// An instant shown in an event's time zone, e.g. `2026-12-10 09:00 (Asia/Shanghai)`.
pub fn local_time(at: NaiveDateTime, tz: &str) -> String {
    let zone: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    let local = DateTime::<Utc>::from_naive_utc_and_offset(at, Utc).with_timezone(&zone);
    format!("{} ({tz})", local.format("%Y-%m-%d %H:%M"))
}

/// The RFC 3339 form of an instant in the event's zone, e.g. `2026-12-10T09:00:00+08:00`.
pub fn local_rfc3339(at: NaiveDateTime, tz: &str) -> String {
    let zone: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    DateTime::<Utc>::from_naive_utc_and_offset(at, Utc)
        .with_timezone(&zone)
        .to_rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 10)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn registration_window_rules() {
        let p = EventStatus::Published;
        assert_eq!(registration_open(p, None, None, t(9), t(8)), Ok(()));
        assert_eq!(
            registration_open(p, None, None, t(9), t(9)),
            Err(Closed::Closed)
        );
        assert_eq!(
            registration_open(p, Some(t(5)), None, t(9), t(4)),
            Err(Closed::NotYetOpen)
        );
        assert_eq!(
            registration_open(p, None, Some(t(6)), t(9), t(7)),
            Err(Closed::Closed)
        );
        assert_eq!(
            registration_open(EventStatus::Draft, None, None, t(9), t(8)),
            Err(Closed::NotPublished)
        );
        assert_eq!(
            registration_open(EventStatus::Cancelled, None, None, t(9), t(8)),
            Err(Closed::Cancelled)
        );
    }

    #[test]
    fn allocation_respects_total_per_org_and_the_queue() {
        assert_eq!(allocate(3, 2, None, 0, 0), vec![true, true, false]);
        assert_eq!(allocate(3, 10, Some(1), 0, 0), vec![true, false, false]);
        assert_eq!(allocate(2, 10, Some(2), 5, 1), vec![true, false]);
        assert_eq!(allocate(2, 5, None, 5, 0), vec![false, false]);
    }

    #[test]
    fn local_times_follow_the_zone() {
        // 01:00 UTC is 09:00 in Shanghai.
        assert_eq!(
            local_time(t(1), "Asia/Shanghai"),
            "2026-12-10 09:00 (Asia/Shanghai)"
        );
        assert_eq!(
            local_rfc3339(t(1), "Asia/Shanghai"),
            "2026-12-10T09:00:00+08:00"
        );
    }
}
