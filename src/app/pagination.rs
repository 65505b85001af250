//! Cursor pagination: `?limit=` (default 20, max 100) and an opaque `?cursor=`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorCode, FieldError, Text};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// One page of a collection.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// `?limit=` as sent: any whole number ([`limit`] checks the range), so that text that is
/// not one says "a whole number from 1 to 100" (catalog key `format.limit`) rather than
/// the range of an `i64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(pub i64);

impl<'de> serde::Deserialize<'de> for Limit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Limit;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("format.limit")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Limit, E> {
                Ok(Limit(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Limit, E> {
                i64::try_from(v)
                    .map(Limit)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
            }
        }
        d.deserialize_i64(Visit)
    }
}

impl utoipa::PartialSchema for Limit {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .description(Some("How many items a page holds, 1 to 100; default 20."))
            .minimum(Some(1))
            .maximum(Some(MAX_LIMIT))
            .default(Some(DEFAULT_LIMIT.into()))
            .into()
    }
}
impl utoipa::ToSchema for Limit {}

/// A checked limit.
pub fn limit(raw: Option<Limit>) -> Result<i64, ApiError> {
    match raw.map(|l| l.0) {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(FieldError::of("limit", ErrorCode::LimitOutOfRange)
            .arg("max", MAX_LIMIT)
            .into()),
    }
}

/// Longest free-text filter (`?q=`) accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// A checked free-text filter: trimmed, `None` when empty, 422 `q_too_long` beyond
/// `MAX_QUERY_CHARS` (a long pattern costs every database a scan it cannot bound), 422
/// `control_character` for a control character (PostgreSQL refuses NUL in a parameter).
pub fn search_text(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    if raw.is_some_and(|r| r.chars().count() > MAX_QUERY_CHARS) {
        return Err(FieldError::of("q", ErrorCode::QTooLong)
            .arg("max", MAX_QUERY_CHARS)
            .into());
    }
    let Some(t) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if super::text::has_refused_control(t) {
        return Err(FieldError::of("q", ErrorCode::ControlCharacter).into());
    }
    Ok(Some(t.to_owned()))
}

/// The position a cursor encodes.
pub fn decode_cursor(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .filter(|p| !p.chars().any(char::is_control))
        .map(Some)
        .ok_or_else(|| {
            ApiError::field(
                "cursor",
                ErrorCode::CursorInvalid,
                Text::key("problem.cursor_invalid"),
            )
        })
}

pub fn encode_cursor(position: &str) -> String {
    URL_SAFE_NO_PAD.encode(position)
}

/// Make a page from rows fetched with `limit + 1`: the extra row says there is more.
pub fn page<R, T>(
    mut rows: Vec<R>,
    limit: i64,
    position: impl Fn(&R) -> String,
    view: impl FnMut(R) -> T,
) -> Page<T> {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(|r| encode_cursor(&position(r)))
    } else {
        None
    };
    Page {
        items: rows.into_iter().map(view).collect(),
        next_cursor,
    }
}

/// [`page`] for views made of the whole page at once (batched lookups) that may fail:
/// rows fetched with `limit + 1`, the cursor taken from the last row kept.
pub fn try_page<R, T, E>(
    mut rows: Vec<R>,
    limit: i64,
    position: impl Fn(&R) -> String,
    views: impl FnOnce(Vec<R>) -> Result<Vec<T>, E>,
) -> Result<Page<T>, E> {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(|r| encode_cursor(&position(r)))
    } else {
        None
    };
    Ok(Page {
        items: views(rows)?,
        next_cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_bounded_and_cursors_round_trip() {
        assert_eq!(limit(None).unwrap(), 20);
        assert!(limit(Some(Limit(0))).is_err());
        assert!(limit(Some(Limit(101))).is_err());
        assert_eq!(limit(Some(Limit(100))).unwrap(), 100);
        let c = encode_cursor("0193-abc");
        assert_eq!(
            decode_cursor(Some(&c)).unwrap().as_deref(),
            Some("0193-abc")
        );
        assert!(decode_cursor(Some("%%%")).is_err());
    }

    #[test]
    fn a_page_has_a_cursor_only_when_more_rows_exist() {
        let p = page(vec![1, 2, 3], 2, |r| r.to_string(), |r| r);
        assert_eq!(p.items, vec![1, 2]);
        assert_eq!(
            decode_cursor(p.next_cursor.as_deref()).unwrap().as_deref(),
            Some("2")
        );
        let p = page(vec![1, 2], 2, |r| r.to_string(), |r| r);
        assert!(p.next_cursor.is_none());
    }

    #[test]
    fn a_batched_page_sees_only_the_rows_it_keeps() {
        let p = try_page(
            vec![1, 2, 3],
            2,
            |r| r.to_string(),
            |rows| {
                assert_eq!(rows, vec![1, 2]);
                Ok::<_, ()>(rows.into_iter().map(|r| r * 10).collect())
            },
        )
        .unwrap();
        assert_eq!(p.items, vec![10, 20]);
        assert_eq!(
            decode_cursor(p.next_cursor.as_deref()).unwrap().as_deref(),
            Some("2")
        );
        assert!(try_page(vec![1], 2, |r| r.to_string(), |_| Err::<Vec<i32>, _>(())).is_err());
    }
}
