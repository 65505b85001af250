//! The bureau's edits of either code tree, written once: add an entry under an existing
//! parent, rename it (regions: set its administrative code). Each edit is audited in its
//! transaction.

use serde::Deserialize;
use utoipa::ToSchema;

use super::{Entry, RegionKind, Taxonomy, TreeNode, exists, model, tree_of};
use crate::app::doc_schema::narrowed_schema;
use crate::app::{AppState, AuthUser, Locale};
use crate::error::{ApiError, ErrorCode, FieldError, Text};

/// A new taxonomy entry (bureau).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    /// Lowercase ASCII code: letters, digits, `.` and `-`.
    #[schema(pattern = r"^[a-z0-9.-]{1,64}$")]
    pub code: String,
    pub parent_code: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name_zh: String,
    #[schema(min_length = 1, max_length = 100)]
    pub name_en: String,
    /// Regions: `city`, `district`, `county`, `county_city` or `development_zone`.
    #[schema(value_type = Option<RegionKind>)]
    pub kind: Option<String>,
    /// Regions: the six-digit administrative division code, if any.
    #[schema(pattern = r"^[0-9]{6}$")]
    pub admin_code: Option<String>,
}

/// Changes to a taxonomy entry (bureau); codes never change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryChanges {
    #[schema(min_length = 1, max_length = 100)]
    pub name_zh: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name_en: Option<String>,
    /// Regions: the six-digit administrative division code.
    #[schema(pattern = r"^[0-9]{6}$")]
    pub admin_code: Option<String>,
}

narrowed_schema!(
    /// The document's body of `POST /api/v1/fields`.
    NewField = NewEntry, "A new technology field (bureau).", drop ["kind", "admin_code"]
);
narrowed_schema!(
    /// The document's body of `POST /api/v1/regions`.
    NewRegion = NewEntry, "A new region (bureau).", drop [], require [("kind", "RegionKind")]
);
narrowed_schema!(
    /// The document's body of `PATCH /api/v1/fields/{code}`.
    FieldChanges = EntryChanges,
    "Changes to a technology field (bureau); codes never change.",
    drop ["admin_code"]
);

/// The region tree with names in `locale` (the JSON route and the pages' filters).
pub async fn region_tree(state: &AppState, locale: Locale) -> Result<Vec<TreeNode>, ApiError> {
    tree_of(state, Taxonomy::Regions, locale).await
}

/// The technology-field tree with names in `locale` (the JSON route and the pages).
pub async fn field_tree(state: &AppState, locale: Locale) -> Result<Vec<TreeNode>, ApiError> {
    tree_of(state, Taxonomy::Fields, locale).await
}

fn check_name(field: &str, value: &str, errors: &mut Vec<FieldError>) {
    if value.trim().is_empty() || value.chars().count() > 100 {
        errors.push(FieldError::of(field, ErrorCode::NameInvalid));
    } else if crate::app::text::has_refused_control(value.trim()) {
        errors.push(FieldError::of(field, ErrorCode::ControlCharacter));
    }
}

/// A region's administrative division code: six digits (`371600`).
fn check_admin_code(code: Option<&str>, errors: &mut Vec<FieldError>) {
    if code.is_some_and(|c| c.len() != 6 || !c.bytes().all(|b| b.is_ascii_digit())) {
        errors.push(FieldError::of("admin_code", ErrorCode::CodeInvalid));
    }
}

/// Check a new entry of `t` and make it (names trimmed, placed after the shipped ones).
pub fn check_entry(t: Taxonomy, e: NewEntry) -> Result<Entry, ApiError> {
    let mut errors = Vec::new();
    let code_ok = !e.code.is_empty()
        && e.code.len() <= 64
        && e.code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    if !code_ok {
        errors.push(FieldError::of("code", ErrorCode::CodeInvalid));
    }
    check_name("name_zh", &e.name_zh, &mut errors);
    check_name("name_en", &e.name_en, &mut errors);
    if t.has_kind() {
        check_admin_code(e.admin_code.as_deref(), &mut errors);
    }
    let kind = e.kind.as_deref().and_then(|k| k.parse::<RegionKind>().ok());
    if t.has_kind() && kind.is_none() {
        let kinds: Vec<&str> = RegionKind::ALL.iter().map(|k| k.as_str()).collect();
        errors.push(FieldError::of("kind", ErrorCode::KindInvalid).arg("list", kinds.join(", ")));
    }
    if !t.has_kind() && (e.kind.is_some() || e.admin_code.is_some()) {
        errors.push(FieldError::of("kind", ErrorCode::NotApplicable));
    }
    ApiError::fields(errors)?;
    Ok(Entry {
        code: e.code,
        parent_code: e.parent_code,
        kind,
        name_zh: e.name_zh.trim().to_owned(),
        name_en: e.name_en.trim().to_owned(),
        admin_code: e.admin_code,
        sort_order: 10_000,
    })
}

/// Check changes to an entry of `t`: names of 1 to 100 characters; fields have no
/// administrative code.
pub fn check_changes(t: Taxonomy, c: &EntryChanges) -> Result<(), ApiError> {
    if !t.has_kind() && c.admin_code.is_some() {
        return Err(FieldError::of("admin_code", ErrorCode::NotApplicable).into());
    }
    let mut errors = Vec::new();
    check_admin_code(c.admin_code.as_deref(), &mut errors);
    for (field, value) in [("name_zh", &c.name_zh), ("name_en", &c.name_en)] {
        if let Some(v) = value {
            check_name(field, v, &mut errors);
        }
    }
    ApiError::fields(errors)
}

/// Add an entry to `t` (bureau): its parent must exist, its code must be new.
pub async fn create(
    state: &AppState,
    user: &AuthUser,
    t: Taxonomy,
    body: NewEntry,
    locale: Locale,
) -> Result<TreeNode, ApiError> {
    user.require_bureau()?;
    let entry = check_entry(t, body)?;
    let (e, actor) = (entry.clone(), user.id.clone());
    state
        .db
        .write(move |conn| {
            if let Some(p) = &e.parent_code
                && !exists(conn, t, p)?
            {
                let msg = Text::key(format!("problem.parent_unknown.{}", t.noun()));
                return Err(ApiError::field("parent_code", t.unknown_code(), msg));
            }
            if exists(conn, t, &e.code)? {
                let msg = Text::key(format!("problem.code_taken.{}", t.noun()));
                return Err(ApiError::conflict(ErrorCode::CodeTaken, msg));
            }
            model::insert(conn, t, &e)?;
            let action = format!("{}_created", t.noun());
            crate::app::audit::record(conn, Some(&actor), &action, t.noun(), &e.code, None)?;
            Ok(())
        })
        .await?;
    Ok(TreeNode::leaf(entry, locale))
}

/// Rename an entry of `t` or set a region's administrative code (bureau; an empty one
/// clears it).
pub async fn update(
    state: &AppState,
    user: &AuthUser,
    t: Taxonomy,
    code: String,
    c: EntryChanges,
    locale: Locale,
) -> Result<TreeNode, ApiError> {
    user.require_bureau()?;
    check_changes(t, &c)?;
    let actor = user.id.clone();
    let entry = state
        .db
        .write(move |conn| {
            let mut e = model::find(conn, t, &code)?;
            if let Some(n) = c.name_zh {
                e.name_zh = n.trim().to_owned();
            }
            if let Some(n) = c.name_en {
                e.name_en = n.trim().to_owned();
            }
            if let Some(a) = c.admin_code {
                e.admin_code = Some(a).filter(|a| !a.is_empty());
            }
            model::set_names(conn, t, &e)?;
            let action = format!("{}_updated", t.noun());
            crate::app::audit::record(conn, Some(&actor), &action, t.noun(), &code, None)?;
            Ok(e)
        })
        .await?;
    Ok(TreeNode::leaf(entry, locale))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(code: &str, kind: Option<&str>, admin: Option<&str>) -> NewEntry {
        NewEntry {
            code: code.to_owned(),
            parent_code: None,
            name_zh: " 名 ".to_owned(),
            name_en: "Name".to_owned(),
            kind: kind.map(str::to_owned),
            admin_code: admin.map(str::to_owned),
        }
    }

    fn codes(e: ApiError) -> Vec<ErrorCode> {
        match e {
            ApiError::Validation { errors, .. } => errors.into_iter().map(|e| e.code).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn regions_need_a_known_kind_and_fields_have_none() {
        let r = check_entry(
            Taxonomy::Regions,
            new("zone-9", Some("development_zone"), None),
        )
        .unwrap();
        assert_eq!(
            (r.kind, r.name_zh.as_str()),
            (Some(RegionKind::DevelopmentZone), "名")
        );
        assert_eq!(
            codes(check_entry(Taxonomy::Regions, new("x", None, None)).unwrap_err()),
            [ErrorCode::KindInvalid]
        );
        assert_eq!(
            codes(check_entry(Taxonomy::Regions, new("x", Some("town"), None)).unwrap_err()),
            [ErrorCode::KindInvalid]
        );
        assert!(
            check_entry(Taxonomy::Fields, new("f.1", None, None))
                .unwrap()
                .kind
                .is_none()
        );
        assert_eq!(
            codes(check_entry(Taxonomy::Fields, new("f", Some("city"), None)).unwrap_err()),
            [ErrorCode::NotApplicable]
        );
        assert_eq!(
            codes(check_entry(Taxonomy::Fields, new("f", None, Some("1"))).unwrap_err()),
            [ErrorCode::NotApplicable]
        );
    }

    #[test]
    fn codes_are_lowercase_ascii_and_names_bounded() {
        let mut e = new("Bad Code", None, None);
        e.name_en = "  ".to_owned();
        assert_eq!(
            codes(check_entry(Taxonomy::Fields, e).unwrap_err()),
            [ErrorCode::CodeInvalid, ErrorCode::NameInvalid]
        );
        let c = EntryChanges {
            name_zh: Some("名".repeat(101)),
            name_en: None,
            admin_code: None,
        };
        assert_eq!(
            check_changes(Taxonomy::Regions, &c).unwrap_err().code(),
            ErrorCode::NameInvalid
        );
        let c = EntryChanges {
            name_zh: None,
            name_en: None,
            admin_code: Some("3716".into()),
        };
        assert_eq!(
            check_changes(Taxonomy::Regions, &c).unwrap_err().code(),
            ErrorCode::CodeInvalid
        );
        let c = EntryChanges {
            admin_code: Some("371600".into()),
            ..c
        };
        assert!(check_changes(Taxonomy::Regions, &c).is_ok());
        assert_eq!(
            check_changes(Taxonomy::Fields, &c).unwrap_err().code(),
            ErrorCode::NotApplicable
        );
    }
}
