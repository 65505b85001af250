//! Days and times as people type them, read by one rule for every body and query.
//!
//! - [`Day`], where a calendar day is meant (deadlines, `done_on`, `start_date`):
//!   `2027-06-30`, `2027/6/30` or `2027年6月30日`.
//! - [`Moment`], where a time is meant (an event's start): RFC 3339 with an offset
//!   (`2027-01-10T09:00:00+08:00`, `...Z`), or a local time without one (`2027-01-10 09:00`,
//!   `2027-01-10T09:00`, `2027年1月10日 09:00`) that the caller reads in the zone it belongs
//!   to (an event's own zone) with [`Moment::resolve`].
//! - [`Bound`], for `from`/`to` filters: a moment, or a day (`from` its first instant, `to`
//!   the end of it), local ones in Asia/Shanghai, the city's zone.
//!
//! A value that does not parse is a serde error whose "expected" part is the format's key
//! (`format.day`, `format.moment`, `format.bound`): the request extractors (module
//! `extract`) turn it into a field error in the caller's language.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::de::{self, Deserializer, Unexpected};
use serde::{Deserialize, Serialize};

/// The zone a local time without one is read in when nothing names another.
pub const CITY_ZONE: Tz = chrono_tz::Asia::Shanghai;

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Day(pub NaiveDate);

/// A point in time, with its offset or local to a zone the reader knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    At(DateTime<Utc>),
    Local(NaiveDateTime),
}

/// One end of a time range: a moment or a whole day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Moment(Moment),
    Day(NaiveDate),
}

/// What a text says, before the reader decides what it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parsed {
    Day(NaiveDate),
    Local(NaiveDateTime),
    At(DateTime<FixedOffset>),
}

impl Day {
    pub fn parse(s: &str) -> Option<Day> {
        match parse(s)? {
            Parsed::Day(d) => Some(Day(d)),
            _ => None,
        }
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }
}

/// A form's day (the pages read one as the bodies do).
impl std::str::FromStr for Day {
    type Err = ();
    fn from_str(s: &str) -> Result<Day, ()> {
        Day::parse(s).ok_or(())
    }
}

impl From<NaiveDate> for Day {
    fn from(d: NaiveDate) -> Self {
        Day(d)
    }
}

impl Moment {
    pub fn parse(s: &str) -> Option<Moment> {
        match parse(s)? {
            Parsed::Local(t) => Some(Moment::Local(t)),
            Parsed::At(t) => Some(Moment::At(t.with_timezone(&Utc))),
            Parsed::Day(_) => None,
        }
    }

    /// The instant, a local time read in `zone`: in a gap (clocks moved forward) the first
    /// instant after it, in an overlap the earlier one.
    pub fn resolve(self, zone: Tz) -> DateTime<Utc> {
        match self {
            Moment::At(t) => t,
            Moment::Local(t) => local_instant(zone, t),
        }
    }
}

impl From<DateTime<Utc>> for Moment {
    fn from(t: DateTime<Utc>) -> Self {
        Moment::At(t)
    }
}

impl From<DateTime<Utc>> for Bound {
    fn from(t: DateTime<Utc>) -> Self {
        Bound::Moment(Moment::At(t))
    }
}

impl Bound {
    pub fn parse(s: &str) -> Option<Bound> {
        match parse(s)? {
            Parsed::Day(d) => Some(Bound::Day(d)),
            Parsed::Local(t) => Some(Bound::Moment(Moment::Local(t))),
            Parsed::At(t) => Some(Bound::Moment(Moment::At(t.with_timezone(&Utc)))),
        }
    }

    /// As the start of a range: a day from its first instant in the city.
    pub fn start(self) -> DateTime<Utc> {
        match self {
            Bound::Moment(m) => m.resolve(CITY_ZONE),
            Bound::Day(d) => local_instant(CITY_ZONE, d.and_time(NaiveTime::MIN)),
        }
    }

    /// As the (exclusive) end of a range: a day includes all of itself, so the range ends
    /// at the first instant of the next day.
    pub fn end(self) -> DateTime<Utc> {
        match self {
            Bound::Moment(m) => m.resolve(CITY_ZONE),
            Bound::Day(d) => match d.succ_opt() {
                Some(next) => local_instant(CITY_ZONE, next.and_time(NaiveTime::MIN)),
                None => DateTime::<Utc>::MAX_UTC,
            },
        }
    }
}

fn local_instant(zone: Tz, t: NaiveDateTime) -> DateTime<Utc> {
    // A gap (a zone moving its clocks forward) has no such local time: step a minute at a
    // time (no zone skips more than a day) to the first that exists.
    (0..=24 * 60)
        .find_map(|m| {
            let t = t.checked_add_signed(chrono::Duration::minutes(m))?;
            zone.from_local_datetime(&t)
                .earliest()
                .map(|x| x.with_timezone(&Utc))
        })
        .unwrap_or_else(|| t.and_utc())
}

/// The one grammar: `DATE`, `DATE TIME` or `DATE TIME OFFSET`, where `DATE` is
/// `YYYY-M-D`, `YYYY/M/D` or `YYYY年M月D日`, the separator before the time one or more
/// spaces or `T` (none needed after `日`), `TIME` is `H:MM`, `H:MM:SS` or
/// `H:MM:SS.fraction`, and `OFFSET` is `Z` or `±HH:MM` (`±HHMM`).
fn parse(s: &str) -> Option<Parsed> {
    let (date, rest) = date_part(s)?;
    if rest.is_empty() {
        return Some(Parsed::Day(date));
    }
    let (time, offset) = time_part(rest)?;
    let local = date.and_time(time);
    match offset {
        None => Some(Parsed::Local(local)),
        Some(off) => off.from_local_datetime(&local).single().map(Parsed::At),
    }
}

/// The date and what follows it, without the separator before a time.
fn date_part(s: &str) -> Option<(NaiveDate, &str)> {
    let (y, rest) = digits(s, 4, 4)?;
    let (m, d, rest, chinese) = if let Some(rest) = rest.strip_prefix('年') {
        let (m, rest) = digits(rest, 1, 2)?;
        let (d, rest) = digits(rest.strip_prefix('月')?, 1, 2)?;
        (m, d, rest.strip_prefix('日')?, true)
    } else {
        let sep = rest.chars().next().filter(|c| *c == '-' || *c == '/')?;
        let (m, rest) = digits(&rest[1..], 1, 2)?;
        let (d, rest) = digits(rest.strip_prefix(sep)?, 1, 2)?;
        (m, d, rest, false)
    };
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    if rest.is_empty() {
        return Some((date, rest));
    }
    let time = if let Some(t) = rest.strip_prefix(['T', 't']) {
        t
    } else {
        let t = rest.trim_start_matches(' ');
        if t.len() == rest.len() && !chinese {
            return None;
        }
        t
    };
    // A separator must be followed by a time.
    (!time.is_empty()).then_some((date, time))
}

fn time_part(s: &str) -> Option<(NaiveTime, Option<FixedOffset>)> {
    let (h, rest) = digits(s, 1, 2)?;
    let (min, mut rest) = digits(rest.strip_prefix(':')?, 2, 2)?;
    let (mut sec, mut nano) = (0, 0);
    if let Some(r) = rest.strip_prefix(':') {
        let (s, r) = digits(r, 2, 2)?;
        sec = s;
        rest = r;
        if let Some(r) = rest.strip_prefix('.') {
            let len = r.bytes().take_while(u8::is_ascii_digit).count();
            if !(1..=9).contains(&len) {
                return None;
            }
            nano = r[..len].parse::<u32>().ok()? * 10u32.pow(9 - len as u32);
            rest = &r[len..];
        }
    }
    let time = NaiveTime::from_hms_nano_opt(h, min, sec, nano)?;
    Some((time, offset(rest)?))
}

/// `Some(None)` for no offset, `None` for text that is not one.
fn offset(s: &str) -> Option<Option<FixedOffset>> {
    if s.is_empty() {
        return Some(None);
    }
    if s == "Z" || s == "z" {
        return Some(FixedOffset::east_opt(0));
    }
    let sign = match s.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, rest) = digits(&s[1..], 2, 2)?;
    let (m, rest) = digits(rest.strip_prefix(':').unwrap_or(rest), 2, 2)?;
    if !rest.is_empty() || h > 23 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h as i32 * 3600 + m as i32 * 60)).map(Some)
}

/// A number of `min..=max` ASCII digits at the start of `s`, and the rest.
fn digits(s: &str, min: usize, max: usize) -> Option<(u32, &str)> {
    let len = s.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if len < min {
        return None;
    }
    Some((s[..len].parse().ok()?, &s[len..]))
}

/// What serde says was expected: the catalog key of the format (see the module doc).
struct Format(&'static str);

impl de::Expected for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

fn from_text<'de, D, T>(
    d: D,
    key: &'static str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct Visit<T> {
        key: &'static str,
        parse: fn(&str) -> Option<T>,
    }
    impl<T> de::Visitor<'_> for Visit<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.key)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            (self.parse)(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &Format(self.key)))
        }
    }
    d.deserialize_str(Visit { key, parse })
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "format.day", Day::parse)
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "format.moment", Moment::parse)
    }
}

impl<'de> Deserialize<'de> for Bound {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "format.bound", Bound::parse)
    }
}

/// The patterns of the OpenAPI document: the grammar of [`parse`] as regular expressions,
/// calendar included: months 1-12, days 1-28 of every month, 29 and 30 of all but February,
/// 31 of the long months, 29 February of leap years only; hours 0-23, minutes and seconds
/// 0-59 and offsets within a day.
const LEAP_YEAR: &str = r"([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)";

/// A month and one of its days (not 29 February), `sep` between them.
fn month_day(sep: &str) -> String {
    format!(
        "((0?[1-9]|1[0-2]){sep}(0?[1-9]|1[0-9]|2[0-8])|(0?[13-9]|1[0-2]){sep}(29|30)|(0?[13578]|1[02]){sep}31)"
    )
}

fn ascii_date() -> String {
    format!(
        "([0-9]{{4}}-{}|{LEAP_YEAR}-0?2-29|[0-9]{{4}}/{}|{LEAP_YEAR}/0?2/29)",
        month_day("-"),
        month_day("/")
    )
}

fn zh_date() -> String {
    format!("([0-9]{{4}}年{}|{LEAP_YEAR}年0?2月29)日", month_day("月"))
}

const CLOCK: &str = r"([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,9})?)?([Zz]|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?";

fn text_schema(
    description: &str,
    pattern: String,
    example: &str,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .pattern(Some(pattern))
        .examples([example])
        .into()
}

impl utoipa::PartialSchema for Day {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        text_schema(
            "A calendar day: `2027-06-30`, `2027/6/30` or `2027年6月30日`.",
            format!("^({}|{})$", ascii_date(), zh_date()),
            "2027-06-30",
        )
    }
}
impl utoipa::ToSchema for Day {}

impl utoipa::PartialSchema for Moment {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        text_schema(
            "A time: RFC 3339 with an offset (`2027-01-10T09:00:00+08:00`, `2027-01-10T01:00:00Z`), \
             or a local time without one (`2027-01-10 09:00`, `2027-01-10T09:00`, \
             `2027年1月10日 09:00`), read in the event's time zone.",
            format!(
                "^({}( +|[Tt])|{}( *|[Tt])){CLOCK}$",
                ascii_date(),
                zh_date()
            ),
            "2027-01-10 09:00",
        )
    }
}
impl utoipa::ToSchema for Moment {}

impl utoipa::PartialSchema for Bound {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        text_schema(
            "A day (`2026-01-01`, `2026/1/1`, `2026年1月1日`: as `from` its first instant, as \
             `to` the whole day included) or a time (RFC 3339 with an offset, or a local time \
             such as `2026-01-01 08:00`), local ones in Asia/Shanghai.",
            format!(
                "^({}(( +|[Tt]){CLOCK})?|{}(( *|[Tt]){CLOCK})?)$",
                ascii_date(),
                zh_date()
            ),
            "2026-01-01",
        )
    }
}
impl utoipa::ToSchema for Bound {}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_day_is_read_in_its_three_spellings_and_nothing_else() {
        for s in [
            "2027-06-30",
            "2027/6/30",
            "2027-6-30",
            "2027年6月30日",
            "2027年06月30日",
        ] {
            assert_eq!(Day::parse(s), Some(Day(day(2027, 6, 30))), "{s}");
        }
        for s in [
            "2027-13-01",
            "2027-02-30",
            "27-06-30",
            "2027-06/30",
            "2027-06-30 ",
            "2027-06-30T09:00",
            "2027年6月30",
            "30.06.2027",
            "",
            "20270-01-01",
        ] {
            assert_eq!(Day::parse(s), None, "{s:?}");
        }
    }

    #[test]
    fn a_moment_keeps_its_offset_or_stays_local_until_a_zone_reads_it() {
        let shanghai = chrono_tz::Asia::Shanghai;
        for s in [
            "2027-01-10T09:00:00+08:00",
            "2027-01-10T01:00:00Z",
            "2027-01-10 01:00:00z",
            "2027-01-10T09:00+0800",
            "2027-01-10T01:00:00.000Z",
        ] {
            let m = Moment::parse(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(m.resolve(shanghai), utc("2027-01-10T01:00:00Z"), "{s}");
        }
        for s in [
            "2027-01-10 09:00",
            "2027-01-10T09:00",
            "2027-01-10  9:00:00",
            "2027/1/10 09:00",
            "2027年1月10日 09:00",
            "2027年1月10日09:00",
        ] {
            let m = Moment::parse(s).unwrap_or_else(|| panic!("{s}"));
            assert!(matches!(m, Moment::Local(_)), "{s}");
            assert_eq!(m.resolve(shanghai), utc("2027-01-10T01:00:00Z"), "{s}");
            assert_eq!(
                m.resolve(chrono_tz::Europe::Berlin),
                utc("2027-01-10T08:00:00Z"),
                "{s}"
            );
        }
        for s in [
            "2027-01-10",
            "2027-01-1009:00",
            "2027-01-10 25:00",
            "2027-01-10 09:60",
            "2027-01-10 09",
            "2027-01-10T09:00+8",
            "2027-01-10T09:00 +08:00",
            "tomorrow",
        ] {
            assert_eq!(Moment::parse(s), None, "{s:?}");
        }
    }

    #[test]
    fn a_local_time_in_a_gap_moves_to_the_first_instant_after_it() {
        // Berlin skipped 02:00-03:00 on 2027-03-28.
        let m = Moment::parse("2027-03-28 02:30").unwrap();
        assert_eq!(
            m.resolve(chrono_tz::Europe::Berlin),
            utc("2027-03-28T01:00:00Z")
        );
    }

    #[test]
    fn a_day_as_a_bound_covers_the_whole_day_in_the_city() {
        let b = Bound::parse("2026-01-01").unwrap();
        assert_eq!(b.start(), utc("2025-12-31T16:00:00Z"));
        assert_eq!(b.end(), utc("2026-01-01T16:00:00Z"));
        let b = Bound::parse("2026年1月1日 08:00").unwrap();
        assert_eq!(b.start(), utc("2026-01-01T00:00:00Z"));
        assert_eq!(b.end(), utc("2026-01-01T00:00:00Z"));
        let b = Bound::parse("2026-01-01T00:00:00Z").unwrap();
        assert_eq!(
            (b.start(), b.end()),
            (utc("2026-01-01T00:00:00Z"), utc("2026-01-01T00:00:00Z"))
        );
    }

    #[test]
    fn the_documented_patterns_accept_what_the_parser_accepts() {
        let re = |schema: utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>| {
            let json = serde_json::to_value(schema).unwrap();
            regex_lite(json["pattern"].as_str().unwrap())
        };
        let (day_re, moment_re, bound_re) = (
            re(<Day as utoipa::PartialSchema>::schema()),
            re(<Moment as utoipa::PartialSchema>::schema()),
            re(<Bound as utoipa::PartialSchema>::schema()),
        );
        for s in [
            "2027-06-30",
            "2027/6/30",
            "2027年6月30日",
            "2027-06-30 ",
            "2027-01-10 09:00",
            "2027-01-10T09:00:00.5+08:00",
            "2027年1月10日09:00",
            "2027-01-1009:00",
            "2027-01-10 09",
            "2027-01-10T09:00+8",
            "x",
            "2027-02-29",
            "2028-02-29",
            "2000/2/29",
            "1900-02-29",
            "2027-04-31",
            "2027-12-31",
            "2027年11月31日",
            "2027年2月28日",
            "2027-02-30 09:00",
            "2024-2-29T09:00",
            "2027-13-01",
            "2027-00-10",
            "2027-01-32",
        ] {
            // The patterns know the calendar: a day the month lacks is refused by both.
            assert_eq!(day_re.is_match(s), Day::parse(s).is_some(), "day {s:?}");
            assert_eq!(
                moment_re.is_match(s),
                Moment::parse(s).is_some(),
                "moment {s:?}"
            );
            assert_eq!(
                bound_re.is_match(s),
                Bound::parse(s).is_some(),
                "bound {s:?}"
            );
        }
    }

    #[test]
    fn the_day_pattern_knows_every_day_of_common_and_leap_years() {
        let json = serde_json::to_value(<Day as utoipa::PartialSchema>::schema()).unwrap();
        let day_re = regex_lite(json["pattern"].as_str().unwrap());
        for y in [1900, 2000, 2023, 2024, 2100, 2400] {
            for m in 0..=13 {
                for d in 0..=32 {
                    for s in [
                        format!("{y}-{m:02}-{d:02}"),
                        format!("{y}/{m}/{d}"),
                        format!("{y}年{m}月{d}日"),
                    ] {
                        assert_eq!(day_re.is_match(&s), Day::parse(&s).is_some(), "{s}");
                    }
                }
            }
        }
    }

    fn regex_lite(pattern: &str) -> regex_lite::Regex {
        regex_lite::Regex::new(pattern).unwrap()
    }
}
