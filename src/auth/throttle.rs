//! Request throttling per account and per client address (in-memory, per instance).

use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::error::ApiError;

type Keyed = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>;

/// Which action a limit applies to.
#[derive(Debug, Clone, Copy)]
pub enum Action {
    LoginAccount,
    LoginAddress,
    Register,
    ResetAccount,
    ResetAddress,
    /// Expressions of interest sent, per user (each one mails a whole organization).
    Interest,
}

/// One keyed limiter per action.
pub struct Limiters {
    login_account: Keyed,
    login_address: Keyed,
    register: Keyed,
    reset_account: Keyed,
    reset_address: Keyed,
    interest: Keyed,
}

fn per_minute(n: u32) -> Keyed {
    RateLimiter::keyed(Quota::per_minute(
        NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN),
    ))
}

impl Limiters {
    /// `login_per_minute` attempts per account; addresses get three times that (shared NATs).
    pub fn new(login_per_minute: u32) -> Self {
        Limiters {
            login_account: per_minute(login_per_minute),
            login_address: per_minute(login_per_minute.saturating_mul(3)),
            register: per_minute(login_per_minute.saturating_mul(2)),
            reset_account: per_minute(3),
            reset_address: per_minute(login_per_minute),
            interest: per_minute(20),
        }
    }

    /// Count one attempt of `action` by `key`; 429 with `Retry-After` past the quota.
    pub fn check(&self, action: Action, key: &str) -> Result<(), ApiError> {
        let limiter = match action {
            Action::LoginAccount => &self.login_account,
            Action::LoginAddress => &self.login_address,
            Action::Register => &self.register,
            Action::ResetAccount => &self.reset_account,
            Action::ResetAddress => &self.reset_address,
            Action::Interest => &self.interest,
        };
        if limiter.len() > 100_000 {
            limiter.retain_recent();
        }
        limiter.check_key(&key.to_owned()).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::TooManyRequests {
                retry_after_secs: wait.as_secs().max(1),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quota_is_counted_per_key() {
        let l = Limiters::new(2);
        assert!(l.check(Action::LoginAccount, "a").is_ok());
        assert!(l.check(Action::LoginAccount, "a").is_ok());
        assert!(matches!(
            l.check(Action::LoginAccount, "a"),
            Err(ApiError::TooManyRequests { retry_after_secs }) if retry_after_secs >= 1
        ));
        assert!(l.check(Action::LoginAccount, "b").is_ok());
    }
}
