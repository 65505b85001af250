//! The vocabulary of key projects and their pure rules: stages in order and how a project
//! moves along them, who may change what, when a milestone is overdue.

use chrono::NaiveDate;

use crate::error::{ApiError, ErrorCode, FieldError, Text};

crate::text_enum! {
    /// Where a key project is, in order.
    pub enum Stage {
        Approved => "approved",
        Construction => "construction",
        TrialProduction => "trial_production",
        Operation => "operation",
    }
}

impl Stage {
    fn rank(self) -> usize {
        Stage::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// Where a project at `self` goes when asked for `to`: a milestone moves it forward
    /// only, the bureau and owners (`backwards`) anywhere; `None` when it stays.
    pub fn move_to(self, to: Stage, backwards: bool) -> Option<Stage> {
        if to == self || (!backwards && to.rank() < self.rank()) {
            None
        } else {
            Some(to)
        }
    }
}

crate::text_enum! {
    /// What a key project is about.
    pub enum Category {
        RedMudUtilization => "red_mud_utilization",
        RecycledAluminum => "recycled_aluminum",
        Alumina => "alumina",
        DieCasting => "die_casting",
        AluminumProcessing => "aluminum_processing",
        SolidWaste => "solid_waste",
        Other => "other",
    }
}

/// Who the caller is to a project (nobody is a 404, decided before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Bureau,
    Owner,
    Partner,
}

impl Party {
    /// The bureau edits everything; owners move the stage only; partners nothing.
    pub fn may_edit(self, only_stage: bool) -> Result<(), ApiError> {
        match (self, only_stage) {
            (Party::Bureau, _) | (Party::Owner, true) => Ok(()),
            _ => Err(ApiError::forbidden(Text::key(
                "problem.forbidden.project_edit",
            ))),
        }
    }

    /// The bureau and owners record progress on milestones; only the bureau changes a
    /// milestone's plan (name, due date, stage).
    pub fn may_record(self, changes_plan: bool) -> Result<(), ApiError> {
        match (self, changes_plan) {
            (Party::Partner, _) => Err(ApiError::forbidden(Text::key(
                "problem.forbidden.milestone_progress",
            ))),
            (Party::Owner, true) => Err(ApiError::forbidden(Text::key(
                "problem.forbidden.milestone_plan",
            ))),
            _ => Ok(()),
        }
    }

    /// Tracking notes are the bureau's.
    pub fn sees_notes(self) -> bool {
        self == Party::Bureau
    }
}

/// Today in the bureau's city: milestones fall due by the local calendar.
pub fn today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
}

/// A milestone is overdue when it is not done and its due day has passed.
pub fn overdue(due_on: NaiveDate, done_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    done_on.is_none() && due_on < today
}

/// A project's year: 2000 to 2100.
pub fn check_year(y: i32, errors: &mut Vec<FieldError>) {
    if !(2000..=2100).contains(&y) {
        errors.push(FieldError::of("year", ErrorCode::OutOfRange));
    }
}

/// A milestone is done on a past or present day.
pub fn check_done_on(done_on: Option<NaiveDate>, today: NaiveDate, errors: &mut Vec<FieldError>) {
    if done_on.is_some_and(|d| d > today) {
        errors.push(FieldError::new(
            "done_on",
            ErrorCode::InFuture,
            Text::key("problem.in_future"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn a_milestone_is_overdue_from_the_day_after_it_was_due_until_done() {
        assert!(!overdue(day(3), None, day(3)));
        assert!(overdue(day(3), None, day(4)));
        assert!(!overdue(day(3), Some(day(5)), day(9)));
        assert!(!overdue(day(5), None, day(4)));
    }

    #[test]
    fn milestones_move_a_project_forward_only_and_people_anywhere() {
        use Stage::*;
        assert_eq!(Approved.move_to(Construction, false), Some(Construction));
        assert_eq!(Operation.move_to(Construction, false), None);
        assert_eq!(Operation.move_to(Construction, true), Some(Construction));
        assert_eq!(Construction.move_to(Construction, true), None);
        assert_eq!(Approved.move_to(Operation, false), Some(Operation));
    }

    #[test]
    fn owners_move_the_stage_and_the_bureau_edits_the_rest() {
        assert!(Party::Bureau.may_edit(false).is_ok());
        assert!(Party::Owner.may_edit(true).is_ok());
        assert_eq!(
            Party::Owner.may_edit(false).unwrap_err().code(),
            ErrorCode::Forbidden
        );
        assert_eq!(
            Party::Partner.may_edit(true).unwrap_err().code(),
            ErrorCode::Forbidden
        );
    }

    #[test]
    fn owners_record_progress_and_only_the_bureau_changes_the_plan() {
        assert!(Party::Bureau.may_record(true).is_ok());
        assert!(Party::Owner.may_record(false).is_ok());
        assert!(Party::Owner.may_record(true).is_err());
        assert!(Party::Partner.may_record(false).is_err());
        assert!(Party::Bureau.sees_notes() && !Party::Owner.sees_notes());
    }

    #[test]
    fn years_and_done_days_are_bounded() {
        let mut errors = Vec::new();
        check_year(2000, &mut errors);
        check_year(2100, &mut errors);
        check_done_on(Some(day(4)), day(4), &mut errors);
        assert!(errors.is_empty());
        check_year(1999, &mut errors);
        check_done_on(Some(day(5)), day(4), &mut errors);
        let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
        assert_eq!(codes, [ErrorCode::OutOfRange, ErrorCode::InFuture]);
    }
}
