//! The rules of a registration that need no database: the attendees a request may name,
//! and places in line.

use std::collections::HashMap;

use super::model::Registration;
use crate::accounts::domain::Email;
use crate::app::text;
use crate::db::ids::RegistrationId;
use crate::error::{ApiError, ErrorCode, FieldError, Text};
use crate::events::domain::RegistrationStatus;
use crate::events::views::Attendee;

/// How many attendees one request may register.
pub const MAX_ATTENDEES: usize = 50;

/// A named attendee as stored: trimmed name, normalized email, optional phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendeeInput {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// The attendees of a request, checked: 1 to [`MAX_ATTENDEES`], each with a name, a valid
/// and distinct email address and, if given, a plausible phone number.
pub fn attendees(list: &[Attendee]) -> Result<Vec<AttendeeInput>, ApiError> {
    let mut errors = Vec::new();
    if list.is_empty() || list.len() > MAX_ATTENDEES {
        errors.push(
            FieldError::of("attendees", ErrorCode::CountOutOfRange).arg("max", MAX_ATTENDEES),
        );
    }
    let mut people: Vec<AttendeeInput> = Vec::new();
    for (i, a) in list.iter().enumerate() {
        let name = text::required(&format!("attendees[{i}].name"), &a.name, 100, &mut errors);
        let email = match Email::parse(&a.email) {
            Ok(e) => e.as_str().to_owned(),
            Err(_) => {
                errors.push(FieldError::new(
                    format!("attendees[{i}].email"),
                    ErrorCode::EmailInvalid,
                    Text::key("problem.email_invalid"),
                ));
                continue;
            }
        };
        if people.iter().any(|p| p.email == email) {
            errors.push(FieldError::new(
                format!("attendees[{i}].email"),
                ErrorCode::Duplicate,
                Text::key("problem.duplicate"),
            ));
        }
        let phone = a.phone.as_deref().map(str::trim).filter(|p| !p.is_empty());
        if phone.is_some_and(|p| {
            p.chars().count() > 30 || !p.chars().all(|c| c.is_ascii_digit() || "+-() ".contains(c))
        }) {
            errors.push(FieldError::new(
                format!("attendees[{i}].phone"),
                ErrorCode::PhoneInvalid,
                Text::key("problem.phone_invalid"),
            ));
        }
        people.push(AttendeeInput {
            name,
            email,
            phone: phone.map(str::to_owned),
        });
    }
    ApiError::fields(errors)?;
    Ok(people)
}

/// Places in line (1 = next) from an event's full list of registrations in queue order.
pub fn queue_of(all: &[Registration]) -> HashMap<RegistrationId, i64> {
    all.iter()
        .filter(|r| r.status == RegistrationStatus::Waitlisted)
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i as i64 + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, email: &str, phone: Option<&str>) -> Attendee {
        Attendee {
            name: name.to_owned(),
            email: email.to_owned(),
            phone: phone.map(str::to_owned),
        }
    }

    fn codes(e: ApiError) -> Vec<(String, ErrorCode)> {
        match e {
            ApiError::Validation { errors, .. } => {
                errors.into_iter().map(|f| (f.field, f.code)).collect()
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn attendees_are_trimmed_and_normalized() {
        let got = attendees(&[person("  张三 ", "Zhang@Example.COM", Some(" +86 139 "))]).unwrap();
        assert_eq!(
            got,
            vec![AttendeeInput {
                name: "张三".to_owned(),
                email: "zhang@example.com".to_owned(),
                phone: Some("+86 139".to_owned()),
            }]
        );
    }

    #[test]
    fn a_request_names_one_to_fifty_distinct_attendees() {
        assert_eq!(
            codes(attendees(&[]).unwrap_err()),
            vec![("attendees".to_owned(), ErrorCode::CountOutOfRange)]
        );
        let many: Vec<Attendee> = (0..=MAX_ATTENDEES)
            .map(|i| person("a", &format!("a{i}@example.com"), None))
            .collect();
        assert!(attendees(&many[..MAX_ATTENDEES]).is_ok());
        assert_eq!(
            codes(attendees(&many).unwrap_err()),
            vec![("attendees".to_owned(), ErrorCode::CountOutOfRange)]
        );
        let twice = [
            person("a", "a@example.com", None),
            person("b", "A@example.com", None),
        ];
        assert_eq!(
            codes(attendees(&twice).unwrap_err()),
            vec![("attendees[1].email".to_owned(), ErrorCode::Duplicate)]
        );
    }

    #[test]
    fn bad_emails_and_phones_are_named_by_position() {
        let list = [
            person("a", "not-an-address", None),
            person("b", "b@example.com", Some("call me")),
        ];
        assert_eq!(
            codes(attendees(&list).unwrap_err()),
            vec![
                ("attendees[0].email".to_owned(), ErrorCode::EmailInvalid),
                ("attendees[1].phone".to_owned(), ErrorCode::PhoneInvalid),
            ]
        );
    }
}
