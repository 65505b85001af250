//! Checking what a caller sends to create or edit an organization, before the database is
//! asked anything: kinds, USCC, names, contact, website, aliases and field codes. Every
//! field's problem is reported at once; the database checks (codes exist, USCC free, the
//! parent) are the service's.

use super::domain::{OrgKind, OrgStatus, Uscc};
use super::model::Organization;
use super::views::{Contact, NewOrganization, OrganizationChanges};
use crate::app::text;
use crate::db::ids::{OrganizationId, UserId};
use crate::db::types::now;
use crate::error::{ApiError, ErrorCode, FieldError, Text};

fn clean_list(
    field: &str,
    values: &[String],
    max_items: usize,
    errors: &mut Vec<FieldError>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = text::at_most(field, v, 100, errors);
        if !v.is_empty() && !out.contains(&v) {
            out.push(v);
        }
    }
    if out.len() > max_items {
        errors.push(FieldError::of(field, ErrorCode::TooMany).arg("max", max_items));
    }
    out
}

/// Aliases: at most 20, each at most 100 characters, duplicates dropped.
fn aliases(values: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    clean_list("aliases", values, 20, errors)
}

/// Field codes: at most 30, duplicates dropped (whether they exist is the service's check).
fn field_codes(values: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    clean_list("field_codes", values, 30, errors)
}

fn check_contact(c: &Contact, errors: &mut Vec<FieldError>) -> Contact {
    let email = crate::accounts::domain::Email::parse(&c.email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| {
            errors.push(FieldError::of("contact.email", ErrorCode::EmailInvalid));
            c.email.clone()
        });
    Contact {
        name: text::at_most("contact.name", &c.name, 100, errors),
        email,
        phone: text::optional("contact.phone", c.phone.as_deref(), 40, errors),
    }
}

fn check_website(w: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    let w = text::optional("website", w, 300, errors)?;
    if !(w.starts_with("http://") || w.starts_with("https://")) {
        errors.push(FieldError::of("website", ErrorCode::UrlInvalid));
    }
    Some(w)
}

fn name(raw: &str, errors: &mut Vec<FieldError>) -> String {
    let name = text::at_most("name", raw, 200, errors);
    if name.is_empty() {
        errors.push(FieldError::of("name", ErrorCode::Required));
    }
    name
}

fn uscc_required() -> ApiError {
    ApiError::invalid(vec![FieldError::of("uscc", ErrorCode::UsccRequired)])
}

/// A new organization as checked from its request, pending review, with its aliases and
/// field codes.
#[derive(Debug)]
pub struct Draft {
    pub org: Organization,
    pub aliases: Vec<String>,
    pub field_codes: Vec<String>,
}

/// Check a registration by `user_id` (none: an operator's import; `bureau`: whether the caller is the bureau, which
/// alone registers bureau organizations). Enterprises need a USCC; a malformed one is
/// refused, one whose check character disagrees is flagged.
pub fn draft(
    b: NewOrganization,
    user_id: Option<&UserId>,
    bureau: bool,
) -> Result<Draft, ApiError> {
    let kind = b.kind.parse::<OrgKind>().map_err(|_| {
        let kinds = OrgKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>();
        ApiError::invalid(vec![
            FieldError::of("kind", ErrorCode::KindInvalid).arg("list", kinds.join(", ")),
        ])
    })?;
    if kind == OrgKind::Bureau && !bureau {
        return Err(ApiError::forbidden(Text::key(
            "problem.forbidden.bureau_organizations",
        )));
    }
    let uscc = match b.uscc.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(raw) => Some(Uscc::parse(raw).map_err(|e| ApiError::invalid(vec![e]))?),
        None if kind == OrgKind::Enterprise => return Err(uscc_required()),
        None => None,
    };
    let mut errors = Vec::new();
    let name = name(&b.name, &mut errors);
    let contact = b.contact.as_ref().map(|c| check_contact(c, &mut errors));
    let t = now();
    let org = Organization {
        id: OrganizationId::new(),
        kind,
        name,
        name_en: text::optional("name_en", b.name_en.as_deref(), 200, &mut errors),
        uscc_flagged: uscc.as_ref().is_some_and(|u| !u.check_ok),
        uscc: uscc.map(|u| u.code),
        region_code: b.region_code.trim().to_owned(),
        description: text::optional("description", b.description.as_deref(), 5000, &mut errors)
            .unwrap_or_default(),
        website: check_website(b.website.as_deref(), &mut errors),
        address: text::optional("address", b.address.as_deref(), 300, &mut errors),
        contact_name: contact.as_ref().map(|c| c.name.clone()),
        contact_email: contact.as_ref().map(|c| c.email.clone()),
        contact_phone: contact.and_then(|c| c.phone),
        is_leading: false,
        is_sample: false,
        parent_id: b.parent_id.filter(|p| !p.is_empty()),
        status: OrgStatus::Pending,
        status_reason: None,
        created_by: user_id.cloned(),
        created_at: t,
        updated_at: t,
    };
    let aliases = aliases(b.aliases.as_deref().unwrap_or_default(), &mut errors);
    let field_codes = field_codes(b.field_codes.as_deref().unwrap_or_default(), &mut errors);
    ApiError::fields(errors)?;
    Ok(Draft {
        org,
        aliases,
        field_codes,
    })
}

/// The outcome of applying changes to an organization in memory.
#[derive(Debug, Default)]
pub struct Edit {
    /// New aliases and field codes, when sent.
    pub aliases: Option<Vec<String>>,
    pub field_codes: Option<Vec<String>>,
    /// A new USCC was set: the service checks that no other organization has it.
    pub new_uscc: bool,
    /// Problems with the fields sent; reported after the USCC conflict.
    pub errors: Vec<FieldError>,
}

/// Apply the fields sent to `org` (only those change; an empty string clears an optional
/// text). A malformed USCC is refused at once.
pub fn apply(org: &mut Organization, c: &OrganizationChanges) -> Result<Edit, ApiError> {
    let mut errors = Vec::new();
    if let Some(n) = &c.name {
        org.name = name(n, &mut errors);
    }
    if let Some(v) = &c.name_en {
        org.name_en = text::optional("name_en", Some(v), 200, &mut errors);
    }
    if let Some(v) = &c.description {
        org.description = text::at_most("description", v, 5000, &mut errors);
    }
    if let Some(v) = &c.website {
        org.website = check_website(Some(v), &mut errors);
    }
    if let Some(v) = &c.address {
        org.address = text::optional("address", Some(v), 300, &mut errors);
    }
    if let Some(contact) = &c.contact {
        let contact = check_contact(contact, &mut errors);
        org.contact_name = Some(contact.name);
        org.contact_email = Some(contact.email);
        org.contact_phone = contact.phone;
    }
    if let Some(r) = &c.region_code {
        org.region_code = r.trim().to_owned();
    }
    if let Some(p) = &c.parent_id {
        org.parent_id = Some(p.clone()).filter(|p| !p.is_empty());
    }
    if let Some(l) = c.is_leading {
        org.is_leading = l;
    }
    let mut new_uscc = false;
    if let Some(raw) = c.uscc.as_deref().map(str::trim) {
        if raw.is_empty() {
            if org.kind == OrgKind::Enterprise {
                errors.push(FieldError::of("uscc", ErrorCode::UsccRequired));
            }
            org.uscc = None;
            org.uscc_flagged = false;
        } else {
            let u = Uscc::parse(raw).map_err(|e| ApiError::invalid(vec![e]))?;
            org.uscc_flagged = !u.check_ok;
            org.uscc = Some(u.code);
            new_uscc = true;
        }
    }
    let aliases = c.aliases.as_ref().map(|a| aliases(a, &mut errors));
    let field_codes = c.field_codes.as_ref().map(|f| field_codes(f, &mut errors));
    Ok(Edit {
        aliases,
        field_codes,
        new_uscc,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enterprise() -> NewOrganization {
        NewOrganization {
            kind: "enterprise".to_owned(),
            name: " 钪业科技 ".to_owned(),
            name_en: None,
            aliases: Some(vec!["钪业".into(), "钪业".into(), " ".into()]),
            uscc: Some("91430111ma4l41yt1u".to_owned()),
            region_code: " gaoxin ".to_owned(),
            field_codes: None,
            description: None,
            website: None,
            address: None,
            contact: None,
            parent_id: Some(String::new().into()),
        }
    }

    fn codes(e: ApiError) -> Vec<ErrorCode> {
        match e {
            ApiError::Validation { errors, .. } => errors.into_iter().map(|e| e.code).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_draft_is_pending_trimmed_and_deduplicated() {
        let d = draft(enterprise(), Some(&"u1".into()), false).unwrap();
        assert_eq!(d.org.status, OrgStatus::Pending);
        assert_eq!(d.org.name, "钪业科技");
        assert_eq!(d.org.region_code, "gaoxin");
        assert_eq!(d.org.uscc.as_deref(), Some("91430111MA4L41YT1U"));
        assert!(!d.org.uscc_flagged);
        assert_eq!(d.org.parent_id, None);
        assert_eq!(d.aliases, ["钪业"]);
        assert_eq!(d.org.created_by.as_deref(), Some("u1"));
    }

    #[test]
    fn enterprises_need_a_well_formed_uscc_and_a_bad_check_character_is_flagged() {
        let mut b = enterprise();
        b.uscc = None;
        assert_eq!(
            codes(draft(b, Some(&"u".into()), false).unwrap_err()),
            [ErrorCode::UsccRequired]
        );
        let mut b = enterprise();
        b.uscc = Some("91110000600037341I".into());
        assert_eq!(
            codes(draft(b, Some(&"u".into()), false).unwrap_err()),
            [ErrorCode::UsccMalformed]
        );
        let mut b = enterprise();
        b.uscc = Some("91350100M0001TGQXM".into());
        assert!(draft(b, Some(&"u".into()), false).unwrap().org.uscc_flagged);
        let mut b = enterprise();
        b.kind = "university".into();
        b.uscc = None;
        assert!(draft(b, Some(&"u".into()), false).is_ok());
    }

    #[test]
    fn only_the_bureau_drafts_a_bureau_and_unknown_kinds_are_refused() {
        let mut b = enterprise();
        b.kind = "bureau".into();
        assert!(matches!(
            draft(b, Some(&"u".into()), false),
            Err(ApiError::Forbidden { .. })
        ));
        let mut b = enterprise();
        b.kind = "bureau".into();
        assert!(draft(b, Some(&"u".into()), true).is_ok());
        let mut b = enterprise();
        b.kind = "guild".into();
        assert_eq!(
            codes(draft(b, Some(&"u".into()), true).unwrap_err()),
            [ErrorCode::KindInvalid]
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut b = enterprise();
        b.name = "  ".into();
        b.website = Some("ftp://x".into());
        b.contact = Some(Contact {
            name: "王".into(),
            email: "nope".into(),
            phone: None,
        });
        b.field_codes = Some((0..31).map(|i| format!("f{i}")).collect());
        assert_eq!(
            codes(draft(b, Some(&"u".into()), false).unwrap_err()),
            [
                ErrorCode::Required,
                ErrorCode::EmailInvalid,
                ErrorCode::UrlInvalid,
                ErrorCode::TooMany
            ]
        );
    }

    #[test]
    fn an_edit_changes_only_what_was_sent_and_clearing_an_enterprise_uscc_is_an_error() {
        let mut org = draft(enterprise(), Some(&"u".into()), false).unwrap().org;
        let before = org.clone();
        let edit = apply(&mut org, &OrganizationChanges::default()).unwrap();
        assert!(edit.errors.is_empty() && !edit.new_uscc && edit.aliases.is_none());
        assert_eq!(format!("{before:?}"), format!("{org:?}"));
        let c = OrganizationChanges {
            uscc: Some(" ".into()),
            address: Some(String::new()),
            ..Default::default()
        };
        let edit = apply(&mut org, &c).unwrap();
        assert_eq!(edit.errors[0].code, ErrorCode::UsccRequired);
        assert_eq!((org.uscc.as_deref(), org.address.as_deref()), (None, None));
        let c = OrganizationChanges {
            uscc: Some("91350100M0001TGQXM".into()),
            ..Default::default()
        };
        assert!(apply(&mut org, &c).unwrap().new_uscc);
        assert!(org.uscc_flagged);
    }
}
