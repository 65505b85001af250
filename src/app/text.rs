//! The one rule for free text a caller sends (titles, names, descriptions, messages,
//! notes): trimmed, bounded in characters, and free of control characters other than line
//! breaks and tabs. NUL in particular never reaches the database (PostgreSQL refuses it in
//! text, SQLite would store it). Problems are collected as field errors so that a request
//! hears about every bad field at once.

use crate::error::{ErrorCode, FieldError};

/// Control characters a text may contain: line breaks and tabs.
fn allowed_control(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\t')
}

/// Whether `v` holds a control character a text may not contain.
pub fn has_refused_control(v: &str) -> bool {
    v.chars().any(|c| c.is_control() && !allowed_control(c))
}

fn check_controls(field: &str, v: &str, errors: &mut Vec<FieldError>) {
    if has_refused_control(v) {
        errors.push(FieldError::of(field, ErrorCode::ControlCharacter));
    }
}

/// A text that must be there: at most `max` characters as sent, something besides white
/// space (`length` otherwise); trimmed.
pub fn required(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let v = value.trim();
    if v.is_empty() || value.chars().count() > max {
        errors.push(FieldError::of(field, ErrorCode::Length).arg("max", max));
    }
    check_controls(field, v, errors);
    v.to_owned()
}

/// A text that may be empty: at most `max` characters as sent (`too_long` otherwise);
/// trimmed.
pub fn at_most(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let v = value.trim();
    if value.chars().count() > max {
        errors.push(FieldError::of(field, ErrorCode::TooLong).arg("max", max));
    }
    check_controls(field, v, errors);
    v.to_owned()
}

/// An optional text: [`at_most`], and an empty one is no text.
pub fn optional(
    field: &str,
    value: Option<&str>,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    value
        .map(|v| at_most(field, v, max, errors))
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(errors: &[FieldError]) -> Vec<ErrorCode> {
        errors.iter().map(|e| e.code).collect()
    }

    #[test]
    fn required_text_is_trimmed_and_bounded() {
        let mut errors = Vec::new();
        assert_eq!(required("title", "  赤泥  ", 10, &mut errors), "赤泥");
        assert!(errors.is_empty());
        required("title", "   ", 10, &mut errors);
        required("title", &"名".repeat(11), 10, &mut errors);
        assert_eq!(codes(&errors), [ErrorCode::Length, ErrorCode::Length]);
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_and_tabs_pass() {
        let mut errors = Vec::new();
        required("description", "line one\r\nline\ttwo", 100, &mut errors);
        at_most("name", "", 10, &mut errors);
        assert!(errors.is_empty());
        required("title", "a\0b", 100, &mut errors);
        at_most("name", "bell\u{7}", 100, &mut errors);
        assert_eq!(
            codes(&errors),
            [ErrorCode::ControlCharacter, ErrorCode::ControlCharacter]
        );
        assert_eq!(errors[0].field, "title");
    }

    #[test]
    fn optional_text_drops_empty_values() {
        let mut errors = Vec::new();
        assert_eq!(optional("phone", Some("  "), 40, &mut errors), None);
        assert_eq!(optional("phone", None, 40, &mut errors), None);
        assert_eq!(
            optional("phone", Some(" 0551 "), 40, &mut errors).as_deref(),
            Some("0551")
        );
        optional("phone", Some(&"1".repeat(41)), 40, &mut errors);
        assert_eq!(codes(&errors), [ErrorCode::TooLong]);
    }
}
