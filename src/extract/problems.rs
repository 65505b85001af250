//! serde's errors in plain words: what a field or parameter expected and what came, as
//! catalog texts ([`Text`]) said in the caller's language when the response is written
//! (so the account's locale wins, as for every other error). serde's messages have a
//! fixed grammar (`invalid type: {got}, expected {what}`, `unknown field ...`); this reads
//! it and says the same from the catalogs, so "expected i32" becomes "a whole number
//! between -2147483648 and 2147483647" and the date and time formats of
//! `crate::app::when` (their keys in `expected`) are described.

use crate::error::{ErrorCode, FieldError, Text};
use crate::i18n;

/// The field error for serde's `message` at `path` (`.` or empty: the top level).
/// `parameter`: it is a query parameter, not a body field.
pub fn explain(path: &str, message: &str, parameter: bool) -> FieldError {
    let path = if path == "." { "" } else { path };
    let join = |name: &str| match path {
        "" => name.to_owned(),
        p => format!("{p}.{name}"),
    };
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (name, rest) = quoted(rest);
        // serde_path_to_error's path already ends with the unknown key.
        let field = if path.is_empty() {
            name.to_owned()
        } else {
            path.to_owned()
        };
        let key = if parameter {
            "input.unknown_parameter"
        } else {
            "input.unknown_field"
        };
        let text = match rest.strip_prefix(", expected ") {
            Some(list) => Text::key(key).arg("list", names(list)),
            None => Text::key("input.no_fields"),
        };
        return FieldError::new(field, ErrorCode::UnknownField, text);
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let (name, _) = quoted(rest);
        let text = Text::key("input.required");
        return FieldError::new(join(name), ErrorCode::Required, text);
    }
    let expected_got = |expected: Text, got: Text| {
        Text::key("input.expected")
            .arg("expected", expected)
            .arg("got", got)
    };
    let text = if let Some(rest) = message.strip_prefix("duplicate field ") {
        let (name, _) = quoted(rest);
        let text = Text::key("input.duplicate");
        return FieldError::new(join(name), ErrorCode::Invalid, text);
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (got, rest) = quoted(rest);
        let list = rest.strip_prefix(", expected ").unwrap_or("");
        expected_got(
            Text::key("expect.one_of").arg("list", names(list)),
            Text::from(format!("“{got}”")),
        )
    } else if let Some((got, what)) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        .and_then(|rest| rest.split_once(", expected "))
    {
        expected_got(expected(what), unexpected(got))
    } else if let Some((n, what)) = message
        .strip_prefix("invalid length ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        expected_got(expected(what), Text::from(n))
    } else {
        // A message of a type's own parser (`FromStr`), already in words.
        Text::from(message)
    };
    FieldError::new(path, ErrorCode::Invalid, text)
}

/// The name between the first pair of backticks, and what follows it.
fn quoted(s: &str) -> (&str, &str) {
    let inner = s.strip_prefix('`').unwrap_or(s);
    match inner.find('`') {
        Some(i) => (&inner[..i], &inner[i + 1..]),
        None => (inner, ""),
    }
}

/// serde's list of names (`` one of `a`, `b` ``, `` `a` or `b` ``, `` `a` ``) as `a, b`.
fn names(list: &str) -> String {
    list.split('`')
        .skip(1)
        .step_by(2)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What serde says was expected, in words.
fn expected(what: &str) -> Text {
    let range =
        |min: String, max: String| Text::key("expect.whole").arg("min", min).arg("max", max);
    match what {
        "i8" => range("-128".into(), "127".into()),
        "i16" => range("-32768".into(), "32767".into()),
        "i32" => range(i32::MIN.to_string(), i32::MAX.to_string()),
        "i64" => range(i64::MIN.to_string(), i64::MAX.to_string()),
        "u8" => range("0".into(), "255".into()),
        "u16" => range("0".into(), "65535".into()),
        "u32" => range("0".into(), u32::MAX.to_string()),
        "u64" | "usize" => range("0".into(), u64::MAX.to_string()),
        "f32" | "f64" => Text::key("expect.number"),
        "a boolean" => Text::key("expect.boolean"),
        "a string" | "a borrowed string" | "a character" => Text::key("expect.text"),
        "a sequence" => Text::key("expect.list"),
        w if w.starts_with("struct ") || w == "a map" => Text::key("expect.object"),
        w if w.starts_with("format.") && i18n::get(i18n::Locale::En, w).is_some() => {
            Text::key(w.to_owned())
        }
        w if w.contains('`') => Text::key("expect.one_of").arg("list", names(w)),
        other => Text::from(other),
    }
}

/// What came instead, as serde names it (`integer `5``, `string "x"`, `map`...), in words.
fn unexpected(got: &str) -> Text {
    if let Some(s) = got.strip_prefix("string ") {
        let s = s
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(s);
        return Text::from(format!("“{s}”"));
    }
    let (_, value) = quoted(got);
    match got {
        "null" | "unit value" => Text::from("null"),
        "sequence" => Text::key("got.list"),
        "map" => Text::key("got.object"),
        g if g.contains('`') => Text::from(g.split('`').nth(1).unwrap_or(value)),
        other => Text::from(other),
    }
}

/// The text of a body that is not JSON: where it breaks, in words.
pub fn malformed_json(err: &serde_json::Error) -> Text {
    if err.is_eof() {
        return Text::key("input.json_ends_early");
    }
    Text::key("input.json_malformed")
        .arg("line", err.line())
        .arg("column", err.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::i18n::Locale;

    fn say(message: &str, locale: Locale) -> FieldError {
        explain("capacity", message, false).in_locale(locale)
    }

    #[test]
    fn numbers_are_whole_numbers_in_a_range_not_rust_types() {
        let e = say(
            "invalid type: floating point `1e+23`, expected i64",
            Locale::En,
        );
        assert_eq!(e.code, ErrorCode::Invalid);
        assert_eq!(
            e.message,
            "expected a whole number between -9223372036854775808 and 9223372036854775807; got 1e+23"
        );
        let e = say(
            "invalid value: integer `3000000000`, expected i32",
            Locale::ZhCn,
        );
        assert!(
            e.message.contains("-2147483648 到 2147483647 之间的整数"),
            "{}",
            e.message
        );
        assert!(e.message.contains("3000000000"), "{}", e.message);
        let e = say("invalid type: string \"ten\", expected i32", Locale::En);
        assert!(e.message.ends_with("got “ten”"), "{}", e.message);
    }

    #[test]
    fn formats_enums_and_fields_are_said_in_words() {
        let e = say(
            "invalid value: string \"2027-13-01\", expected format.day",
            Locale::En,
        );
        assert!(e.message.contains("2027-06-30"), "{}", e.message);
        assert!(!e.message.contains("format.day"), "{}", e.message);
        let e = say(
            "unknown variant `fair`, expected one of `training`, `exchange`",
            Locale::En,
        );
        assert_eq!(e.message, "expected one of: training, exchange; got “fair”");
        let e = explain(".", "missing field `title`", false);
        assert_eq!((e.field.as_str(), e.code), ("title", ErrorCode::Required));
        let e = explain(
            "items[0].role",
            "unknown field `role`, expected `name`",
            false,
        );
        assert_eq!(
            (e.field.as_str(), e.code),
            ("items[0].role", ErrorCode::UnknownField)
        );
        assert!(e.message.ends_with(": name"), "{}", e.message);
        let zh = e.in_locale(Locale::ZhCn).message;
        assert!(zh.ends_with("name") && zh != e.message, "{zh}");
        let e = say("invalid type: map, expected a string", Locale::ZhCn);
        assert!(!e.message.contains("map"), "{}", e.message);
    }
}
