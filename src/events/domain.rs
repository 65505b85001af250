//! Event kinds, states and the rules of registration.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::error::{ErrorCode, FieldError, Text};

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
    pub fn code(self) -> ErrorCode {
        match self {
            Closed::NotPublished => ErrorCode::EventNotPublished,
            Closed::Cancelled => ErrorCode::EventCancelled,
            Closed::Completed => ErrorCode::EventCompleted,
            Closed::NotYetOpen => ErrorCode::RegistrationNotOpen,
            Closed::Closed => ErrorCode::RegistrationClosed,
        }
    }

    /// The words of the refusal: its code's, from the catalogs.
    pub fn detail(self) -> Text {
        Text::key(format!("problem.{}", self.code()))
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

/// The places of an event as the one allocation rule sees them: the capacity, the cap per
/// organization, and the confirmed places already taken (in total and per organization).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    capacity: i64,
    per_org: Option<i64>,
    taken: i64,
    by_org: HashMap<String, i64>,
}

impl Places {
    /// No place taken yet.
    pub fn new(capacity: i64, per_org: Option<i64>) -> Self {
        Places {
            capacity,
            per_org,
            taken: 0,
            by_org: HashMap::new(),
        }
    }

    /// `n` confirmed places already held by `org`.
    pub fn held(mut self, org: &str, n: i64) -> Self {
        self.taken += n;
        *self.by_org.entry(org.to_owned()).or_default() += n;
        self
    }

    /// One confirmed place for each organization named (once per confirmed registration).
    pub fn held_by<'a>(self, orgs: impl IntoIterator<Item = &'a str>) -> Self {
        orgs.into_iter().fold(self, |p, org| p.held(org, 1))
    }

    /// Places taken by other organizations than the ones given to [`Places::held`]: they
    /// count towards the total only.
    pub fn held_elsewhere(mut self, n: i64) -> Self {
        self.taken += n;
        self
    }

    /// Whether a claim of `org` fits now; if it does, the place is taken.
    fn take(&mut self, org: &str) -> bool {
        let org_taken = self.by_org.get(org).copied().unwrap_or(0);
        let fits = self.taken < self.capacity && self.per_org.is_none_or(|p| org_taken < p);
        if fits {
            self.taken += 1;
            *self.by_org.entry(org.to_owned()).or_default() += 1;
        }
        fits
    }
}

/// The one allocation rule, for new registrations and for promotion from the waitlist:
/// claims (each named by its organization) are served in queue order; a claim gets a place
/// while the event has one free and its organization is under its cap, else it waits, and
/// a later claim of another organization may still fit. Returns, per claim, whether it got a
/// place (`true` confirmed, `false` waitlisted). Places freed by cancellations go to the
/// waitlist at once, so a free place a newcomer finds is one nobody waiting could take.
pub fn allocate<'a>(places: &mut Places, claims: impl IntoIterator<Item = &'a str>) -> Vec<bool> {
    claims.into_iter().map(|org| places.take(org)).collect()
}

/// An IANA time zone an event is shown in, stored as its name (`Asia/Shanghai`). Reading a
/// stored name that is no zone is a deserialization error, never a silent default.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub struct Zone(pub chrono_tz::Tz);

impl Zone {
    /// The zone events are in unless the bureau says otherwise.
    pub const DEFAULT: Zone = Zone(chrono_tz::Asia::Shanghai);

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The zone named `name`, or a `timezone_unknown` error for `field`.
    pub fn parse(name: &str, field: &str) -> Result<Zone, FieldError> {
        name.parse().map(Zone).map_err(|_| {
            FieldError::new(
                field,
                ErrorCode::TimezoneUnknown,
                Text::key("problem.timezone_unknown"),
            )
        })
    }
}

impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for Zone
where
    DB: diesel::backend::Backend,
    str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
{
    fn to_sql<'b>(
        &'b self,
        out: &mut diesel::serialize::Output<'b, '_, DB>,
    ) -> diesel::serialize::Result {
        <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(self.name(), out)
    }
}

impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for Zone
where
    DB: diesel::backend::Backend,
    String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
        let name =
            <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes)?;
        Ok(Zone(
            name.parse()
                .map_err(|_| format!("unknown time zone `{name}`"))?,
        ))
    }
}

/// An instant shown in an event's time zone, e.g. `2026-12-10 09:00 (Asia/Shanghai)`.
pub fn local_time(at: NaiveDateTime, zone: Zone) -> String {
    let local = DateTime::<Utc>::from_naive_utc_and_offset(at, Utc).with_timezone(&zone.0);
    format!("{} ({})", local.format("%Y-%m-%d %H:%M"), zone.name())
}

/// The RFC 3339 form of an instant in the event's zone, e.g. `2026-12-10T09:00:00+08:00`.
pub fn local_rfc3339(at: NaiveDateTime, zone: Zone) -> String {
    DateTime::<Utc>::from_naive_utc_and_offset(at, Utc)
        .with_timezone(&zone.0)
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

    fn claims(n: usize, org: &str) -> Vec<&str> {
        vec![org; n]
    }

    #[test]
    fn places_are_given_up_to_the_capacity_and_no_further() {
        assert_eq!(
            allocate(&mut Places::new(2, None), claims(3, "a")),
            vec![true, true, false]
        );
        // Exactly full: nothing more fits.
        let mut full = Places::new(5, None).held("a", 3).held_elsewhere(2);
        assert_eq!(allocate(&mut full, claims(2, "b")), vec![false, false]);
        // One place left.
        let mut one = Places::new(5, None).held_elsewhere(4);
        assert_eq!(allocate(&mut one, claims(2, "a")), vec![true, false]);
        // A capacity of one.
        assert_eq!(
            allocate(&mut Places::new(1, None), ["a", "b"]),
            vec![true, false]
        );
    }

    #[test]
    fn the_cap_per_organization_holds_with_places_to_spare() {
        assert_eq!(
            allocate(&mut Places::new(10, Some(1)), claims(3, "a")),
            vec![true, false, false]
        );
        let mut p = Places::new(10, Some(2)).held("a", 1).held_elsewhere(4);
        assert_eq!(allocate(&mut p, claims(2, "a")), vec![true, false]);
    }

    #[test]
    fn the_queue_is_served_in_order_skipping_claims_over_their_cap() {
        // Capacity 3, at most 2 per organization: a's third claim waits, b behind it fits,
        // c behind b finds the event full.
        let mut p = Places::new(3, Some(2));
        assert_eq!(
            allocate(&mut p, ["a", "a", "a", "b", "c"]),
            vec![true, true, false, true, false]
        );
    }

    #[test]
    fn a_cancellation_frees_the_place_for_the_first_in_line_who_fits() {
        // Capacity 2, cap 1: a and b confirmed; waiting in order: b2 (of b), c, d.
        // b's attendee cancels: b2 now fits again and is first in line, so b2 is promoted,
        // not c.
        let mut after_cancel = Places::new(2, Some(1)).held("a", 1);
        assert_eq!(
            allocate(&mut after_cancel, ["b", "c", "d"]),
            vec![true, false, false]
        );
        // a's attendee cancels instead: b2 is still at b's cap, so c (next in line) gets it.
        let mut after_cancel = Places::new(2, Some(1)).held("b", 1);
        assert_eq!(
            allocate(&mut after_cancel, ["b", "c", "d"]),
            vec![false, true, false]
        );
        // Nothing freed: nobody moves.
        let mut none = Places::new(2, Some(1)).held("a", 1).held("b", 1);
        assert_eq!(allocate(&mut none, ["b", "c"]), vec![false, false]);
    }

    #[test]
    fn zones_are_iana_names_and_nothing_else() {
        assert_eq!(
            Zone::parse("Asia/Shanghai", "timezone").unwrap(),
            Zone::DEFAULT
        );
        assert_eq!(
            Zone::parse("Europe/Berlin", "timezone").unwrap().name(),
            "Europe/Berlin"
        );
        let err = Zone::parse("Mars/Olympus", "timezone").unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.code),
            ("timezone", ErrorCode::TimezoneUnknown)
        );
    }

    #[test]
    fn local_times_follow_the_zone() {
        // 01:00 UTC is 09:00 in Shanghai.
        assert_eq!(
            local_time(t(1), Zone::DEFAULT),
            "2026-12-10 09:00 (Asia/Shanghai)"
        );
        assert_eq!(
            local_rfc3339(t(1), Zone::DEFAULT),
            "2026-12-10T09:00:00+08:00"
        );
    }
}
