//! What a form posts for a need or a capability, read into the JSON API's bodies
//! (`NewListing`, `ListingChanges`): the page adds no rule of its own, it only reads
//! text inputs into the types those bodies have (a number, a date, a mode by name) and
//! says so next to the input when one cannot be read. Every other check is
//! `listings::service`'s.

use crate::error::{ApiError, ErrorCode, FieldError, Text};
use crate::listings::domain::{Mode, Side};
use crate::listings::views::{ListingChanges, ListingView, NewListing};

/// A listing's form as it is shown and sent back: text as typed, lists of codes.
#[derive(Debug, Clone, Default)]
pub struct Form {
    pub organization_id: String,
    pub title: String,
    pub description: String,
    /// Keywords separated by commas (`,`, `，` or `、`) or line breaks.
    pub keywords: String,
    pub field_codes: Vec<String>,
    pub modes: Vec<String>,
    /// The TRL required (needs) or reached (capabilities).
    pub trl: String,
    pub budget_min: String,
    pub budget_max: String,
    pub deadline: String,
    pub region_code: String,
}

/// The values a form sends that are typed in the JSON bodies.
struct Typed {
    keywords: Vec<String>,
    modes: Vec<Mode>,
    trl: Option<i32>,
    budget_min: Option<i64>,
    budget_max: Option<i64>,
    deadline: Option<crate::app::when::Day>,
}

/// The name of the TRL input (the JSON body's field) on `side`.
pub fn trl_field(side: Side) -> &'static str {
    match side {
        Side::Need => "trl_required",
        Side::Capability => "trl",
    }
}

fn some(v: &str) -> Option<&str> {
    Some(v.trim()).filter(|v| !v.is_empty())
}

/// `v` read as a `T`; when it cannot be, `refusal` (given what was typed) joins `errors`.
fn number<T: std::str::FromStr>(
    v: &str,
    refusal: impl FnOnce(&str) -> FieldError,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let v = some(v)?;
    let n = v.parse().ok();
    if n.is_none() {
        errors.push(refusal(v));
    }
    n
}

/// "expected {what}; got {typed}" for `field`, in the reader's language.
pub fn expected(field: &str, what: &'static str, typed: &str) -> FieldError {
    let text = Text::key("input.expected")
        .arg("expected", Text::key(what))
        .arg("got", format!("“{typed}”"));
    FieldError::new(field, ErrorCode::Invalid, text)
}

impl Form {
    /// The form's fields from the submitted pairs (a multiple choice sends its name once
    /// per chosen value).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Form {
        let mut f = Form::default();
        for (k, v) in pairs {
            match k.as_str() {
                "organization_id" => f.organization_id = v,
                "title" => f.title = v,
                "description" => f.description = v,
                "keywords" => f.keywords = v,
                "field_codes" => f.field_codes.push(v),
                "cooperation_modes" => f.modes.push(v),
                "trl" | "trl_required" => f.trl = v,
                "budget_min" => f.budget_min = v,
                "budget_max" => f.budget_max = v,
                "deadline" => f.deadline = v,
                "region_code" => f.region_code = v,
                _ => {}
            }
        }
        f
    }

    /// The form of a listing being edited.
    pub fn from_view(l: &ListingView) -> Form {
        let text = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        Form {
            organization_id: l.organization_id.to_string(),
            title: l.title.clone(),
            description: l.description.clone(),
            keywords: l.keywords.join(", "),
            field_codes: l.field_codes.clone(),
            modes: l.cooperation_modes.clone(),
            trl: l
                .trl
                .or(l.trl_required)
                .map(|t| t.to_string())
                .unwrap_or_default(),
            budget_min: text(l.budget_min),
            budget_max: text(l.budget_max),
            deadline: l.deadline.map(|d| d.to_string()).unwrap_or_default(),
            region_code: l.region_code.clone(),
        }
    }

    pub fn has_field(&self, code: &str) -> bool {
        self.field_codes.iter().any(|c| c == code)
    }

    pub fn has_mode(&self, mode: &str) -> bool {
        self.modes.iter().any(|m| m == mode)
    }

    fn typed(&self, side: Side) -> Result<Typed, ApiError> {
        let mut errors = Vec::new();
        let keywords = (self.keywords.split([',', '，', '、', ';', '；', '\n']))
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .collect();
        let modes = (self.modes.iter())
            .filter_map(|m| match m.parse::<Mode>() {
                Ok(m) => Some(m),
                Err(_) => {
                    errors.push(FieldError::of("cooperation_modes", ErrorCode::Invalid));
                    None
                }
            })
            .collect();
        let trl = |_: &str| FieldError::of(trl_field(side), ErrorCode::TrlOutOfRange);
        let yuan = |field| move |v: &str| expected(field, "expect.yuan", v);
        let t = Typed {
            keywords,
            modes,
            trl: number(&self.trl, trl, &mut errors),
            budget_min: number(&self.budget_min, yuan("budget_min"), &mut errors),
            budget_max: number(&self.budget_max, yuan("budget_max"), &mut errors),
            deadline: number(
                &self.deadline,
                |v| expected("deadline", "format.day", v),
                &mut errors,
            ),
        };
        ApiError::fields(errors)?;
        Ok(t)
    }

    /// The body of `POST /api/v1/needs` (or `/capabilities`) this form stands for.
    pub fn new_listing(self, side: Side) -> Result<NewListing, ApiError> {
        let t = self.typed(side)?;
        Ok(NewListing {
            organization_id: self.organization_id.into(),
            title: self.title,
            description: self.description,
            keywords: Some(t.keywords),
            field_codes: Some(self.field_codes),
            cooperation_modes: Some(t.modes),
            trl_required: t.trl.filter(|_| side == Side::Need),
            trl: t.trl.filter(|_| side == Side::Capability),
            budget_min: t.budget_min,
            budget_max: t.budget_max,
            deadline: t.deadline,
            region_code: some(&self.region_code).map(str::to_owned),
            language: None,
        })
    }

    /// The body of `PATCH /api/v1/needs/{id}` this form stands for, against the listing as
    /// it is: the title and description only when they changed (so that a language set
    /// through the API is kept), the lists always (so that emptying one empties it), the
    /// others when filled in (as in the API, an absent value is left unchanged).
    pub fn changes(self, side: Side, now: &ListingView) -> Result<ListingChanges, ApiError> {
        let t = self.typed(side)?;
        let changed = |new: String, old: &str| (new.trim() != old).then_some(new);
        Ok(ListingChanges {
            title: changed(self.title, &now.title),
            description: changed(self.description, &now.description),
            keywords: Some(t.keywords),
            field_codes: Some(self.field_codes),
            cooperation_modes: Some(t.modes),
            trl_required: t.trl.filter(|_| side == Side::Need),
            trl: t.trl.filter(|_| side == Side::Capability),
            budget_min: t.budget_min,
            budget_max: t.budget_max,
            deadline: t.deadline,
            region_code: some(&self.region_code).map(str::to_owned),
            language: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        (list.iter())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_form_reads_into_the_api_body_and_says_which_input_it_cannot_read() {
        let f = Form::from_pairs(pairs(&[
            ("organization_id", "o1"),
            ("title", "赤泥"),
            ("keywords", "赤泥、 铁回收, ,scandium"),
            ("field_codes", "red-mud"),
            ("field_codes", "red-mud.iron-recovery"),
            ("cooperation_modes", "joint_rnd"),
            ("trl_required", "5"),
            ("budget_min", ""),
            ("deadline", "2030-01-31"),
        ]));
        let b = f.new_listing(Side::Need).unwrap();
        assert_eq!(b.keywords.unwrap(), ["赤泥", "铁回收", "scandium"]);
        assert_eq!(b.field_codes.unwrap().len(), 2);
        assert_eq!(b.cooperation_modes.unwrap(), [Mode::JointRnd]);
        assert_eq!((b.trl_required, b.trl, b.budget_min), (Some(5), None, None));
        assert_eq!(
            b.deadline.map(crate::app::when::Day::date),
            chrono::NaiveDate::from_ymd_opt(2030, 1, 31)
        );
        assert_eq!(b.region_code, None);

        let bad = Form::from_pairs(pairs(&[
            ("budget_min", "五万"),
            ("deadline", "31.1.2030"),
            ("trl", "x"),
        ]));
        let ApiError::Validation { errors, .. } = bad.new_listing(Side::Capability).unwrap_err()
        else {
            panic!("a validation error")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["trl", "budget_min", "deadline"]);
    }
}
