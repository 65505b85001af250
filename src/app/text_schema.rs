//! The free-text rule of [`super::text`] said in the OpenAPI document, so that a client (or
//! a fuzzer) knows which texts are accepted: every string of a JSON request body (not an
//! uploaded file such as the CSV import), and every
//! query parameter with a `maxLength` (`q`), that states no `pattern`, `format` or `enum`
//! of its own gets
//! [`text_pattern`] (no control characters but line breaks and tabs), or
//! [`non_blank_pattern`] when it declares a `minLength` (something besides white space).
//! Both allow the white space that trimming removes at either end, as the service does.
//! Response schemas are left as they are.

use std::collections::BTreeSet;

use utoipa::openapi::schema::{ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr};

/// White space `str::trim` removes (Unicode `White_Space`), as a character-class body.
const SPACE: &str =
    r"\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// Control characters (Unicode `Cc`).
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";
/// Control characters a text keeps: all but line breaks and tabs.
const REFUSED_CONTROL: &str = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f";

/// A text that may be empty: after trimming, no control character but `\n`, `\r`, `\t`.
pub fn text_pattern() -> String {
    format!(
        "^[{SPACE}]*([^{SPACE}{CONTROL}]([^{REFUSED_CONTROL}]*[^{SPACE}{CONTROL}])?)?[{SPACE}]*$"
    )
}

/// A text that must be there: as [`text_pattern`], and not only white space.
pub fn non_blank_pattern() -> String {
    format!("^[{SPACE}]*[^{SPACE}{CONTROL}]([^{REFUSED_CONTROL}]*[^{SPACE}{CONTROL}])?[{SPACE}]*$")
}

/// The OpenAPI modifier that states the rule on every request text.
pub struct TextPatterns;

impl utoipa::Modify for TextPatterns {
    fn modify(&self, openapi: &mut OpenApi) {
        let mut pending: Vec<String> = Vec::new();
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                for p in op.parameters.iter_mut().flatten() {
                    let query = matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query);
                    if let (true, Some(RefOr::T(Schema::Object(o)))) = (query, p.schema.as_mut())
                        && o.max_length.is_some()
                    {
                        state_object(o);
                    }
                }
                for content in op
                    .request_body
                    .iter_mut()
                    .flat_map(|b| b.content.iter_mut())
                    .filter(|(media_type, _)| is_json(media_type))
                    .map(|(_, content)| content)
                {
                    if let Some(s) = content.schema.as_mut() {
                        state_rule(s, &mut pending);
                    }
                }
            }
        }
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let mut done = BTreeSet::new();
        while let Some(name) = pending.pop() {
            if done.insert(name.clone())
                && let Some(schema) = components.schemas.get_mut(&name)
            {
                state_rule(schema, &mut pending);
            }
        }
    }
}

/// JSON bodies hold the texts the rule is about; a CSV or spreadsheet upload is a file,
/// read row by row (its cells are checked as the import reads them).
fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

fn is_string(t: &SchemaType) -> bool {
    match t {
        SchemaType::Type(t) => *t == Type::String,
        SchemaType::Array(ts) => ts.contains(&Type::String),
        SchemaType::AnyValue => false,
    }
}

fn state_object(o: &mut utoipa::openapi::schema::Object) {
    if is_string(&o.schema_type)
        && o.pattern.is_none()
        && o.format.is_none()
        && o.enum_values.is_none()
    {
        o.pattern = Some(if o.min_length.is_some_and(|n| n > 0) {
            non_blank_pattern()
        } else {
            text_pattern()
        });
    }
}

/// States the rule on `schema` and what it contains; the components it refers to are
/// added to `refs`.
fn state_rule(schema: &mut RefOr<Schema>, refs: &mut Vec<String>) {
    let schema = match schema {
        RefOr::Ref(r) => {
            if let Some(name) = r.ref_location.strip_prefix("#/components/schemas/") {
                refs.push(name.to_owned());
            }
            return;
        }
        RefOr::T(schema) => schema,
    };
    match schema {
        Schema::Object(o) => {
            state_object(o);
            o.properties.values_mut().for_each(|p| state_rule(p, refs));
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                state_rule(items, refs);
            }
        }
        Schema::OneOf(s) => s.items.iter_mut().for_each(|i| state_rule(i, refs)),
        Schema::AllOf(s) => s.items.iter_mut().for_each(|i| state_rule(i, refs)),
        Schema::AnyOf(s) => s.items.iter_mut().for_each(|i| state_rule(i, refs)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::text;

    /// The patterns accept exactly what `text::required` and `text::at_most` accept.
    #[test]
    fn only_json_bodies_are_texts() {
        assert!(is_json("application/json") && is_json("application/problem+json"));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(!is_json("text/csv") && !is_json("multipart/form-data"));
    }

    #[test]
    fn the_patterns_say_what_the_text_rule_accepts() {
        let required = regex_lite::Regex::new(&non_blank_pattern()).unwrap();
        let any = regex_lite::Regex::new(&text_pattern()).unwrap();
        let samples = [
            "",
            " ",
            "\t\n",
            "赤泥",
            "  赤泥 \n",
            "a\nb",
            "a\tb\r\nc",
            "a\0b",
            "\0",
            "a\u{7}",
            "\u{b}a",
            "a\u{b}",
            "a\u{b}b",
            "\u{85}a\u{85}",
            "a\u{85}b",
            "\u{3000}全角\u{3000}",
            "\u{1c}a",
            "a\u{9f}",
            "x",
            " x ",
            "\u{a0}",
            "a\u{2028}b",
        ];
        for s in samples {
            let mut errors = Vec::new();
            text::required("t", s, 100, &mut errors);
            assert_eq!(required.is_match(s), errors.is_empty(), "required {s:?}");
            let mut errors = Vec::new();
            text::at_most("t", s, 100, &mut errors);
            assert_eq!(any.is_match(s), errors.is_empty(), "at_most {s:?}");
        }
    }
}
