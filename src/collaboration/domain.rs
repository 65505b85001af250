//! The vocabulary of interests and agreements and their pure rules: the state machine of an
//! interest, who may take which decision, the caller's direction, which listing is the
//! target, and the terms an accepted interest gives its agreement.

use crate::error::{ApiError, ErrorCode, Text};
use crate::listings::domain::{Mode, Side};

crate::text_enum! {
    /// Where an interest stands.
    pub enum InterestStatus {
        Open => "open",
        Accepted => "accepted",
        Declined => "declined",
        Withdrawn => "withdrawn",
    }
}

crate::text_enum! {
    /// Why an interest was declined (a fixed list, so the bureau can count them).
    pub enum DeclineReason {
        NotRelevant => "not_relevant",
        TooEarly => "too_early",
        Budget => "budget",
        Timing => "timing",
        AlreadySolved => "already_solved",
        Other => "other",
    }
}

/// A decision on an open interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The receiving organization accepts.
    Accept,
    /// The receiving organization declines.
    Decline,
    /// The sending organization withdraws.
    Withdraw,
}

impl Decision {
    /// The status the interest reaches.
    pub fn outcome(self) -> InterestStatus {
        match self {
            Decision::Accept => InterestStatus::Accepted,
            Decision::Decline => InterestStatus::Declined,
            Decision::Withdraw => InterestStatus::Withdrawn,
        }
    }

    /// Whether the receiving organization (not the sender) takes this decision.
    pub fn by_receiver(self) -> bool {
        !matches!(self, Decision::Withdraw)
    }

    /// The step the other side is told about.
    pub fn step(self) -> Step {
        match self {
            Decision::Accept => Step::Accepted,
            Decision::Decline => Step::Declined,
            Decision::Withdraw => Step::Withdrawn,
        }
    }
}

impl InterestStatus {
    /// The state machine: only an open interest is decided, once.
    pub fn decide(self, d: Decision) -> Result<InterestStatus, ApiError> {
        match self {
            InterestStatus::Open => Ok(d.outcome()),
            done => Err(ApiError::conflict(
                ErrorCode::InvalidTransition,
                Text::key("problem.invalid_transition.interest").arg(
                    "status",
                    Text::key(format!("interest.status.{}", done.as_str())),
                ),
            )),
        }
    }
}

/// Which of an interest's two organizations the caller belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// A member of the sending organization.
    pub sender: bool,
    /// A member of the receiving organization.
    pub receiver: bool,
}

impl Standing {
    pub fn party(self) -> bool {
        self.sender || self.receiver
    }

    /// The caller's view of the interest: `sent`, `received`, `both`, `bureau` or `none`.
    pub fn direction(self, bureau: bool) -> &'static str {
        match (self.sender, self.receiver) {
            (true, false) => "sent",
            (false, true) => "received",
            (true, true) => "both",
            (false, false) if bureau => "bureau",
            _ => "none",
        }
    }

    /// Who may take `d`: the receiver accepts and declines, the sender withdraws; the other
    /// party is refused (403), an outsider does not learn the interest exists (404).
    pub fn may(self, d: Decision) -> Result<(), ApiError> {
        let (mine, other) = if d.by_receiver() {
            (self.receiver, self.sender)
        } else {
            (self.sender, self.receiver)
        };
        match (mine, other) {
            (true, _) => Ok(()),
            (false, true) => Err(ApiError::forbidden(if d.by_receiver() {
                Text::key("problem.forbidden.receiver_decides")
            } else {
                Text::key("problem.forbidden.sender_withdraws")
            })),
            (false, false) => Err(ApiError::NotFound),
        }
    }
}

/// What the notice to the other side is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Sent,
    Accepted,
    Declined,
    Withdrawn,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Sent => "sent",
            Step::Accepted => "accepted",
            Step::Declined => "declined",
            Step::Withdrawn => "withdrawn",
        }
    }
}

/// The `direction` filter of the interest list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Sent,
    Received,
}

impl Direction {
    /// `sent` or `received`; anything else is refused.
    pub fn parse(raw: Option<&str>) -> Result<Option<Direction>, ApiError> {
        match raw {
            None => Ok(None),
            Some("sent") => Ok(Some(Direction::Sent)),
            Some("received") => Ok(Some(Direction::Received)),
            Some(_) => Err(ApiError::field(
                "direction",
                ErrorCode::Invalid,
                Text::key("problem.invalid.direction"),
            )),
        }
    }
}

/// The listings of a new interest: with both a need and a capability, the one the sender
/// owns is its offer and the other the target; alone, a listing is the target. Returns
/// `(target, offered)`.
pub fn target_and_offer<'a, T>(
    need: Option<&'a T>,
    capability: Option<&'a T>,
    owned: impl Fn(&T) -> bool,
) -> Result<(&'a T, Option<&'a T>), ApiError> {
    match (need, capability) {
        (Some(n), Some(c)) if owned(c) && !owned(n) => Ok((n, Some(c))),
        (Some(n), Some(c)) if owned(n) && !owned(c) => Ok((c, Some(n))),
        (Some(_), Some(_)) => Err(ApiError::rule(
            ErrorCode::PairInvalid,
            Text::key("problem.pair_invalid"),
        )),
        (Some(x), None) | (None, Some(x)) => Ok((x, None)),
        (None, None) => Err(ApiError::field(
            "need_id",
            ErrorCode::Required,
            Text::key("problem.required.need_or_capability"),
        )),
    }
}

/// The agreement's mode: the one asked for, else the first mode both listings share, else
/// the target's first mode, else joint R&D.
pub fn agreement_mode(asked: Option<Mode>, target: &[Mode], offered: &[Mode]) -> Mode {
    asked
        .or_else(|| target.iter().find(|m| offered.contains(m)).copied())
        .or_else(|| target.first().copied())
        .unwrap_or(Mode::JointRnd)
}

/// Which side of an agreement each organization is on: `(need side, provider)`. The
/// receiver of an interest in a need owns the need; in a capability, it provides.
pub fn agreement_sides<'a, T: ?Sized>(
    target_side: Side,
    sender: &'a T,
    receiver: &'a T,
) -> (&'a T, &'a T) {
    match target_side {
        Side::Need => (receiver, sender),
        Side::Capability => (sender, receiver),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(e: ApiError) -> ErrorCode {
        e.code()
    }

    #[test]
    fn only_an_open_interest_is_decided() {
        assert_eq!(
            InterestStatus::Open.decide(Decision::Accept).unwrap(),
            InterestStatus::Accepted
        );
        assert_eq!(
            InterestStatus::Open.decide(Decision::Decline).unwrap(),
            InterestStatus::Declined
        );
        assert_eq!(
            InterestStatus::Open.decide(Decision::Withdraw).unwrap(),
            InterestStatus::Withdrawn
        );
        for done in [
            InterestStatus::Accepted,
            InterestStatus::Declined,
            InterestStatus::Withdrawn,
        ] {
            for d in [Decision::Accept, Decision::Decline, Decision::Withdraw] {
                let e = done.decide(d).unwrap_err();
                assert_eq!(code(e), ErrorCode::InvalidTransition, "{done} {d:?}");
            }
        }
    }

    #[test]
    fn the_receiver_decides_and_the_sender_withdraws() {
        let sender = Standing {
            sender: true,
            receiver: false,
        };
        let receiver = Standing {
            sender: false,
            receiver: true,
        };
        let outsider = Standing {
            sender: false,
            receiver: false,
        };
        let both = Standing {
            sender: true,
            receiver: true,
        };
        for d in [Decision::Accept, Decision::Decline] {
            assert!(receiver.may(d).is_ok());
            assert!(both.may(d).is_ok());
            assert_eq!(code(sender.may(d).unwrap_err()), ErrorCode::Forbidden);
            assert!(matches!(outsider.may(d), Err(ApiError::NotFound)));
        }
        assert!(sender.may(Decision::Withdraw).is_ok());
        assert!(both.may(Decision::Withdraw).is_ok());
        assert_eq!(
            code(receiver.may(Decision::Withdraw).unwrap_err()),
            ErrorCode::Forbidden
        );
        assert!(matches!(
            outsider.may(Decision::Withdraw),
            Err(ApiError::NotFound)
        ));
    }

    #[test]
    fn direction_names_the_callers_side() {
        let s = |sender, receiver| Standing { sender, receiver };
        assert_eq!(s(true, false).direction(false), "sent");
        assert_eq!(s(false, true).direction(true), "received");
        assert_eq!(s(true, true).direction(false), "both");
        assert_eq!(s(false, false).direction(true), "bureau");
        assert_eq!(s(false, false).direction(false), "none");
    }

    #[test]
    fn direction_filter_takes_sent_or_received_only() {
        assert_eq!(Direction::parse(None).unwrap(), None);
        assert_eq!(
            Direction::parse(Some("sent")).unwrap(),
            Some(Direction::Sent)
        );
        assert_eq!(
            Direction::parse(Some("received")).unwrap(),
            Some(Direction::Received)
        );
        assert_eq!(
            code(Direction::parse(Some("both")).unwrap_err()),
            ErrorCode::Invalid
        );
    }

    #[test]
    fn the_listing_the_sender_does_not_own_is_the_target() {
        // (id, owned by the sender)
        let mine = ("mine", true);
        let theirs = ("theirs", false);
        let owned = |x: &(&str, bool)| x.1;
        let (t, o) = target_and_offer(Some(&theirs), Some(&mine), owned).unwrap();
        assert_eq!((t.0, o.map(|x| x.0)), ("theirs", Some("mine")));
        let (t, o) = target_and_offer(Some(&mine), Some(&theirs), owned).unwrap();
        assert_eq!((t.0, o.map(|x| x.0)), ("theirs", Some("mine")));
        let (t, o) = target_and_offer(None, Some(&mine), owned).unwrap();
        assert_eq!((t.0, o), ("mine", None));
        let e = target_and_offer(Some(&mine), Some(&mine), owned).unwrap_err();
        assert_eq!(code(e), ErrorCode::PairInvalid);
        let e = target_and_offer(Some(&theirs), Some(&theirs), owned).unwrap_err();
        assert_eq!(code(e), ErrorCode::PairInvalid);
        let e = target_and_offer::<(&str, bool)>(None, None, owned).unwrap_err();
        assert_eq!(code(e), ErrorCode::Required);
    }

    #[test]
    fn agreement_mode_prefers_the_asked_then_the_shared_mode() {
        use Mode::*;
        assert_eq!(
            agreement_mode(Some(Consulting), &[Licensing], &[Licensing]),
            Consulting
        );
        assert_eq!(
            agreement_mode(None, &[Licensing, PilotTesting], &[PilotTesting]),
            PilotTesting
        );
        assert_eq!(agreement_mode(None, &[Licensing], &[Consulting]), Licensing);
        assert_eq!(agreement_mode(None, &[], &[Consulting]), JointRnd);
    }

    #[test]
    fn the_owner_of_the_need_is_the_need_side() {
        assert_eq!(agreement_sides(Side::Need, "s", "r"), ("r", "s"));
        assert_eq!(agreement_sides(Side::Capability, "s", "r"), ("s", "r"));
    }
}
