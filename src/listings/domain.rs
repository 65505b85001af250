//! Listing rules: the two sides, cooperation modes, the lifecycle and its policy (who
//! posts which side, when publishing and deleting are allowed), field checks, language
//! detection. Pure functions: the service calls them, the tests below pin them.

use chrono::NaiveDate;

use crate::error::{ApiError, ErrorCode, FieldError, Text};
use crate::organizations::domain::OrgKind;

crate::text_enum! {
    /// A need (posted by an enterprise) or a capability (offered by a university, an
    /// institute, or an enterprise).
    pub enum Side {
        Need => "need",
        Capability => "capability",
    }
}

crate::text_enum! {
    /// How the parties would work together.
    pub enum Mode {
        JointRnd => "joint_rnd",
        CommissionedDevelopment => "commissioned_development",
        Licensing => "licensing",
        Consulting => "consulting",
        PilotTesting => "pilot_testing",
        TalentTraining => "talent_training",
        EquipmentSharing => "equipment_sharing",
    }
}

crate::text_enum! {
    /// Where a listing is in its life.
    pub enum ListingStatus {
        Draft => "draft",
        Published => "published",
        Closed => "closed",
        Fulfilled => "fulfilled",
        Expired => "expired",
    }
}

crate::text_enum! {
    /// The language a listing is written in.
    pub enum Language {
        Zh => "zh",
        En => "en",
    }
}

crate::text_enum! {
    /// Lifecycle actions.
    pub enum Action {
        Publish => "publish",
        Close => "close",
        Fulfil => "fulfil",
    }
}

impl Action {
    /// The status `action` leads to from `from` on `side`, or `None` if it does not apply.
    pub fn apply(self, side: Side, from: ListingStatus) -> Option<ListingStatus> {
        use ListingStatus::*;
        match (self, from) {
            (Action::Publish, Draft | Closed | Expired) => Some(Published),
            (Action::Close, Published) => Some(Closed),
            (Action::Fulfil, Published | Closed) if side == Side::Need => Some(Fulfilled),
            _ => None,
        }
    }
}

impl Side {
    /// The collection's path segment: `needs` or `capabilities`.
    pub fn path(self) -> &'static str {
        match self {
            Side::Need => "needs",
            Side::Capability => "capabilities",
        }
    }
}

/// Whether an organization of `kind` may post a listing of `side`: needs come from
/// enterprises; capabilities from anyone but the bureau.
pub fn may_post(side: Side, kind: OrgKind) -> Result<(), ApiError> {
    match (side, kind) {
        (Side::Need, OrgKind::Enterprise)
        | (
            Side::Capability,
            OrgKind::Enterprise | OrgKind::University | OrgKind::ResearchInstitute,
        ) => Ok(()),
        (Side::Need, _) => Err(ApiError::Forbidden {
            code: ErrorCode::NeedsAreForEnterprises,
            detail: Text::key("problem.needs_are_for_enterprises"),
        }),
        (Side::Capability, _) => Err(ApiError::Forbidden {
            code: ErrorCode::CapabilitiesNotForBureau,
            detail: Text::key("problem.capabilities_not_for_bureau"),
        }),
    }
}

/// Publishing needs a verified organization and a deadline that has not passed.
pub fn may_publish(
    organization_verified: bool,
    deadline: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), ApiError> {
    if !organization_verified {
        return Err(ApiError::rule(
            ErrorCode::OrganizationNotVerified,
            Text::key("problem.organization_not_verified.publish"),
        ));
    }
    if deadline.is_some_and(|d| d < today) {
        return Err(ApiError::field(
            "deadline",
            ErrorCode::DeadlinePassed,
            Text::key("problem.deadline_passed"),
        ));
    }
    Ok(())
}

/// The one rule of hard deletion: only a draft that nothing of another organization
/// refers to (no interest, no agreement) is deleted; anything else is closed instead, so
/// that interests, agreements and project links keep their listing.
pub fn may_delete(status: ListingStatus, has_history: bool) -> Result<(), ApiError> {
    if status != ListingStatus::Draft || has_history {
        return Err(ApiError::conflict(
            ErrorCode::ListingNotDeletable,
            Text::key("problem.listing_not_deletable"),
        ));
    }
    Ok(())
}

/// The status `action` leads to, or `invalid_transition`.
pub fn transition(
    side: Side,
    from: ListingStatus,
    action: Action,
) -> Result<ListingStatus, ApiError> {
    action.apply(side, from).ok_or_else(|| {
        ApiError::conflict(
            ErrorCode::InvalidTransition,
            Text::key("problem.invalid_transition.listing")
                .arg("action", action.as_str())
                .arg("status", from.as_str()),
        )
    })
}

/// Keywords trimmed, de-duplicated, at most 20 of at most 50 characters.
pub fn clean_keywords(values: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = crate::app::text::at_most("keywords", v, 50, errors);
        if !v.is_empty() && v.chars().count() <= 50 && !out.contains(&v) {
            out.push(v);
        }
    }
    if out.len() > 20 {
        errors.push(FieldError::of("keywords", ErrorCode::TooMany).arg("max", 20usize));
    }
    out
}

pub fn check_trl(field: &str, trl: Option<i32>, errors: &mut Vec<FieldError>) {
    if trl.is_some_and(|t| !(1..=9).contains(&t)) {
        errors.push(FieldError::new(
            field,
            ErrorCode::TrlOutOfRange,
            Text::key("problem.trl_out_of_range"),
        ));
    }
}

/// The fields a request sends that belong to one side only.
#[derive(Debug, Clone, Copy, Default)]
pub struct SideFields {
    pub trl_required: Option<i32>,
    pub trl: Option<i32>,
    pub budget: bool,
    pub deadline: bool,
}

/// Fields that apply to one side only, sent for the other.
pub fn check_side_fields(side: Side, f: SideFields, errors: &mut Vec<FieldError>) {
    let wrong = |f: &str| {
        FieldError::new(
            f,
            ErrorCode::NotApplicable,
            Text::key("problem.not_applicable"),
        )
    };
    match side {
        Side::Need if f.trl.is_some() => errors.push(wrong("trl")),
        Side::Capability => {
            if f.trl_required.is_some() {
                errors.push(wrong("trl_required"));
            }
            if f.budget {
                errors.push(wrong("budget_min"));
            }
            if f.deadline {
                errors.push(wrong("deadline"));
            }
        }
        _ => {}
    }
}

pub fn check_budget(min: Option<i64>, max: Option<i64>, errors: &mut Vec<FieldError>) {
    crate::money::check_yuan("budget_min", min, errors);
    crate::money::check_yuan("budget_max", max, errors);
    if let (Some(a), Some(b)) = (min, max)
        && a > b
    {
        errors.push(FieldError::new(
            "budget_max",
            ErrorCode::BelowMinimum,
            Text::key("problem.below_minimum"),
        ));
    }
}

/// Chinese when ideographs outnumber English words (about five letters each), else English.
pub fn detect_language(text: &str) -> Language {
    let (mut cjk, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c) {
            cjk += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    if cjk > 0 && cjk * 5 >= latin {
        Language::Zh
    } else {
        Language::En
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_is_detected_from_the_script() {
        assert_eq!(detect_language("赤泥中铁的回收"), Language::Zh);
        assert_eq!(
            detect_language("Iron recovery from bauxite residue"),
            Language::En
        );
        assert_eq!(detect_language("利用 XRD 分析赤泥物相"), Language::Zh);
        assert_eq!(
            detect_language("Die casting of 6061 alloy (压铸)"),
            Language::En
        );
    }

    #[test]
    fn the_lifecycle_allows_only_its_transitions() {
        use ListingStatus::*;
        assert_eq!(Action::Publish.apply(Side::Need, Draft), Some(Published));
        assert_eq!(Action::Publish.apply(Side::Need, Closed), Some(Published));
        assert_eq!(
            Action::Close.apply(Side::Capability, Published),
            Some(Closed)
        );
        assert_eq!(Action::Fulfil.apply(Side::Need, Published), Some(Fulfilled));
        assert_eq!(Action::Fulfil.apply(Side::Capability, Published), None);
        assert_eq!(Action::Close.apply(Side::Need, Draft), None);
        assert_eq!(Action::Publish.apply(Side::Need, Fulfilled), None);
    }

    fn code(r: Result<impl std::fmt::Debug, ApiError>) -> ErrorCode {
        r.expect_err("refused").code()
    }

    #[test]
    fn needs_come_from_enterprises_and_capabilities_not_from_the_bureau() {
        assert!(may_post(Side::Need, OrgKind::Enterprise).is_ok());
        assert_eq!(
            code(may_post(Side::Need, OrgKind::University)),
            ErrorCode::NeedsAreForEnterprises
        );
        assert!(may_post(Side::Capability, OrgKind::ResearchInstitute).is_ok());
        assert!(may_post(Side::Capability, OrgKind::Enterprise).is_ok());
        assert_eq!(
            code(may_post(Side::Capability, OrgKind::Bureau)),
            ErrorCode::CapabilitiesNotForBureau
        );
    }

    #[test]
    fn publishing_needs_a_verified_organization_and_a_future_deadline() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let yesterday = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert!(may_publish(true, None, today).is_ok());
        assert!(may_publish(true, Some(today), today).is_ok());
        assert_eq!(
            code(may_publish(false, None, today)),
            ErrorCode::OrganizationNotVerified
        );
        assert_eq!(
            code(may_publish(true, Some(yesterday), today)),
            ErrorCode::DeadlinePassed
        );
    }

    #[test]
    fn only_a_draft_without_history_is_deleted() {
        assert!(may_delete(ListingStatus::Draft, false).is_ok());
        assert_eq!(
            code(may_delete(ListingStatus::Draft, true)),
            ErrorCode::ListingNotDeletable
        );
        for s in [
            ListingStatus::Published,
            ListingStatus::Closed,
            ListingStatus::Fulfilled,
            ListingStatus::Expired,
        ] {
            assert_eq!(code(may_delete(s, false)), ErrorCode::ListingNotDeletable);
        }
    }

    #[test]
    fn a_refused_transition_is_a_conflict_naming_both_ends() {
        let err = transition(Side::Need, ListingStatus::Draft, Action::Close).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidTransition);
        assert_eq!(err.to_string(), "cannot close a listing that is draft");
        assert_eq!(
            transition(Side::Need, ListingStatus::Expired, Action::Publish).unwrap(),
            ListingStatus::Published
        );
    }

    #[test]
    fn field_checks_follow_the_side() {
        let mut errors = Vec::new();
        let need_only = SideFields {
            trl_required: Some(3),
            budget: true,
            deadline: true,
            trl: None,
        };
        check_side_fields(Side::Need, need_only, &mut errors);
        assert!(errors.is_empty());
        check_side_fields(Side::Capability, need_only, &mut errors);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["trl_required", "budget_min", "deadline"]);
        let mut errors = Vec::new();
        check_side_fields(
            Side::Need,
            SideFields {
                trl: Some(4),
                ..SideFields::default()
            },
            &mut errors,
        );
        assert_eq!(errors.len(), 1);
        let mut errors = Vec::new();
        check_trl("trl", Some(10), &mut errors);
        check_budget(Some(10), Some(5), &mut errors);
        let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
        assert_eq!(codes, [ErrorCode::TrlOutOfRange, ErrorCode::BelowMinimum]);
    }

    #[test]
    fn keywords_are_trimmed_and_deduplicated() {
        let mut errors = Vec::new();
        let k = clean_keywords(
            &[" 赤泥 ".into(), "赤泥".into(), "".into(), "iron".into()],
            &mut errors,
        );
        assert_eq!(k, ["赤泥", "iron"]);
        assert!(errors.is_empty());
        let many: Vec<String> = (0..21).map(|i| format!("k{i}")).collect();
        clean_keywords(&many, &mut errors);
        clean_keywords(&["x".repeat(51)], &mut errors);
        let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
        assert_eq!(codes, [ErrorCode::TooMany, ErrorCode::TooLong]);
    }
}
