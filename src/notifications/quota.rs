//! Hourly quotas on mail to addresses outside the platform (invitations, attendees without
//! an account). The caller counts what was sent in the last hour from the database, so a
//! quota holds across instances and restarts; this decides and says when to come back.

use chrono::NaiveDateTime;

use crate::error::ApiError;

/// The window every outbound-mail quota is counted over.
pub const WINDOW: chrono::Duration = chrono::Duration::hours(1);

/// Allow `adding` more when `sent` (creation times within the last hour, any order) plus
/// `adding` stay within `quota`; otherwise 429 with `Retry-After` set to when enough of the
/// window's entries will have aged out.
pub fn check_hourly(
    mut sent: Vec<NaiveDateTime>,
    adding: usize,
    quota: u32,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let quota = quota as usize;
    if sent.len() + adding <= quota {
        return Ok(());
    }
    sent.sort();
    let must_expire = sent.len() + adding - quota;
    let wait = if adding > quota || must_expire > sent.len() {
        WINDOW
    } else {
        sent[must_expire - 1] + WINDOW - now
    };
    Err(ApiError::TooManyRequests {
        retry_after_secs: wait.num_seconds().clamp(1, WINDOW.num_seconds()) as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quota_counts_the_window_and_says_when_a_place_frees() {
        let now = chrono::Utc::now().naive_utc();
        let ago = |m: i64| now - chrono::Duration::minutes(m);
        assert!(check_hourly(vec![ago(10), ago(20)], 1, 3, now).is_ok());
        match check_hourly(vec![ago(10), ago(50)], 2, 3, now) {
            // The entry of 50 minutes ago leaves the window in 10 minutes.
            Err(ApiError::TooManyRequests { retry_after_secs }) => {
                assert!(
                    (595..=600).contains(&retry_after_secs),
                    "{retry_after_secs}"
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            check_hourly(vec![], 4, 3, now),
            Err(ApiError::TooManyRequests {
                retry_after_secs: 3600
            })
        ));
    }
}
