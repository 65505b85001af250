//! Registry rules: organization kinds and statuses, the status workflow, member roles, and
//! the Unified Social Credit Code (GB 32100-2015, its rule in [`super::uscc`]).

pub use super::uscc::Uscc;
pub use crate::app::{MemberRole, OrgStatus};

crate::text_enum! {
    /// What an organization is.
    pub enum OrgKind {
        Enterprise => "enterprise",
        University => "university",
        ResearchInstitute => "research_institute",
        Bureau => "bureau",
    }
}

crate::text_enum! {
    /// The bureau's verification actions.
    pub enum Review {
        Verify => "verify",
        Reject => "reject",
        Suspend => "suspend",
        Reinstate => "reinstate",
    }
}

impl Review {
    /// The status this action leads to from `from`, or `None` if it does not apply.
    pub fn apply(self, from: OrgStatus) -> Option<OrgStatus> {
        use OrgStatus::*;
        match (self, from) {
            (Review::Verify, Pending | Rejected) => Some(Verified),
            (Review::Reject, Pending) => Some(Rejected),
            (Review::Suspend, Verified) => Some(Suspended),
            (Review::Reinstate, Suspended) => Some(Verified),
            _ => None,
        }
    }

    /// Reject and suspend must say why.
    pub fn needs_reason(self) -> bool {
        matches!(self, Review::Reject | Review::Suspend)
    }

    /// How the audit log names arriving at `to` (`organization_{past tense}`).
    pub fn past_tense(to: OrgStatus) -> &'static str {
        match to {
            OrgStatus::Verified => "verified",
            OrgStatus::Rejected => "rejected",
            OrgStatus::Suspended => "suspended",
            OrgStatus::Pending => "reopened",
        }
    }
}

/// Who may remove a member: the bureau, an owner, or the member themself (leaving).
pub fn may_remove_member(bureau: bool, actor_role: Option<MemberRole>, is_self: bool) -> bool {
    bureau || actor_role == Some(MemberRole::Owner) || is_self
}

/// Removing a member of `role` when the organization has `owners` owners would leave it
/// with none.
pub fn is_last_owner(role: MemberRole, owners: i64) -> bool {
    role == MemberRole::Owner && owners <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow_allows_only_its_transitions() {
        use OrgStatus::*;
        assert_eq!(Review::Verify.apply(Pending), Some(Verified));
        assert_eq!(Review::Reject.apply(Pending), Some(Rejected));
        assert_eq!(Review::Suspend.apply(Verified), Some(Suspended));
        assert_eq!(Review::Reinstate.apply(Suspended), Some(Verified));
        assert_eq!(Review::Suspend.apply(Pending), None);
        assert_eq!(Review::Reinstate.apply(Verified), None);
        assert_eq!(Review::Reject.apply(Verified), None);
        assert_eq!(Review::Verify.apply(Rejected), Some(Verified));
        assert_eq!(Review::Verify.apply(Verified), None);
        assert_eq!(Review::Reinstate.apply(Rejected), None);
        for a in Review::ALL {
            assert_eq!(
                a.needs_reason(),
                matches!(a, Review::Reject | Review::Suspend)
            );
        }
    }

    #[test]
    fn members_leave_owners_remove_and_the_last_owner_stays() {
        use MemberRole::*;
        assert!(may_remove_member(false, Some(Member), true));
        assert!(!may_remove_member(false, Some(Member), false));
        assert!(may_remove_member(false, Some(Owner), false));
        assert!(may_remove_member(true, None, false));
        assert!(!may_remove_member(false, None, false));
        assert!(is_last_owner(Owner, 1));
        assert!(!is_last_owner(Owner, 2));
        assert!(!is_last_owner(Member, 1));
    }
}
