//! Registry rules: organization kinds and statuses, the status workflow, member roles, and
//! the Unified Social Credit Code (GB 32100-2015).

pub use crate::app::{MemberRole, OrgStatus};
use crate::error::FieldError;

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

const USCC_CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A well-formed Unified Social Credit Code, upper-cased. `check_ok` is false when the
/// check character disagrees (accepted, but flagged for the bureau).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uscc {
    pub code: String,
    pub check_ok: bool,
}

impl Uscc {
    /// The check character for the first 17 characters of a code.
    pub fn check_char(prefix: &str) -> Option<char> {
        if prefix.len() != 17 {
            return None;
        }
        let mut sum = 0;
        for (b, w) in prefix.bytes().zip(USCC_WEIGHTS) {
            sum += USCC_CHARSET.iter().position(|&c| c == b)? as u32 * w;
        }
        Some(USCC_CHARSET[((31 - sum % 31) % 31) as usize] as char)
    }

    pub fn parse(raw: &str) -> Result<Uscc, FieldError> {
        let code = raw.trim().to_ascii_uppercase();
        let malformed = || {
            FieldError::new(
                "uscc",
                "uscc_malformed",
                "a Unified Social Credit Code is 18 characters from 0-9 and A-Y without I, O, S, V, Z",
            )
        };
        if code.len() != 18 || !code.bytes().all(|b| USCC_CHARSET.contains(&b)) {
            return Err(malformed());
        }
        let expected = Self::check_char(&code[..17]).ok_or_else(malformed)?;
        Ok(Uscc {
            check_ok: code.ends_with(expected),
            code,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_test_vectors_behave_as_stated() {
        let ok = Uscc::parse("91110000600037341L").unwrap();
        assert!(ok.check_ok);
        assert!(Uscc::parse("91430111MA4L41YT1U").unwrap().check_ok);
        let flagged = Uscc::parse("91350100M0001TGQXM").unwrap();
        assert!(!flagged.check_ok);
        assert_eq!(
            Uscc::parse("91110000600037341I").unwrap_err().code,
            "uscc_malformed"
        );
    }

    #[test]
    fn lower_case_is_normalized_and_lengths_checked() {
        assert_eq!(
            Uscc::parse(" 91430111ma4l41yt1u ").unwrap().code,
            "91430111MA4L41YT1U"
        );
        assert!(Uscc::parse("9143011").is_err());
        assert!(Uscc::parse("91430111MA4L41YT1UX").is_err());
    }

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
