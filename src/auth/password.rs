//! Password rules and hashing: argon2id with pinned parameters, run off the executor.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{ApiError, ErrorCode, FieldError, Text};

/// Pinned argon2id parameters (OWASP's recommendation): m=19456 KiB, t=2, p=1.
pub const MEMORY_KIB: u32 = 19456;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 1024;

fn argon2() -> Argon2<'static> {
    // The constants are valid parameters; `Params::new` only rejects out-of-range values.
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Check length and strength; `context` holds words a guesser would try (email, name).
/// Problems are reported on `field`, the request's name for the password.
pub fn check_strength(field: &str, password: &str, context: &[&str]) -> Result<(), ApiError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(FieldError::of(field, ErrorCode::PasswordTooShort)
            .arg("min", MIN_CHARS)
            .into());
    }
    if chars > MAX_CHARS {
        return Err(FieldError::of(field, ErrorCode::PasswordTooLong)
            .arg("max", MAX_CHARS)
            .into());
    }
    // The estimator's cost grows with length; a long prefix already tells a strong password.
    let sample: String = password.chars().take(100).collect();
    let estimate = zxcvbn::zxcvbn(&sample, context);
    if (estimate.score() as u8) < 3 {
        let reason = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()))
            .map_or_else(
                || Text::key("problem.password_too_weak.guessable"),
                Text::from,
            );
        return Err(FieldError::of(field, ErrorCode::PasswordTooWeak)
            .arg("reason", reason)
            .into());
    }
    Ok(())
}

/// Hash a password (blocking: call from a blocking thread).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

/// The result of checking a password against a stored hash.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    No,
    Yes,
    /// Correct, and the stored hash uses other parameters: store a fresh hash.
    YesRehash,
}

/// Verify a password exactly as given (blocking).
pub fn verify(password: &str, stored: &str) -> Verified {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Verified::No;
    };
    if argon2()
        .verify_password(password.as_bytes(), &parsed)
        .is_err()
    {
        return Verified::No;
    }
    let current = parsed.algorithm.as_str() == "argon2id"
        && parsed.version == Some(Version::V0x13 as u32)
        && Params::try_from(&parsed)
            .map(|p| {
                p.m_cost() == MEMORY_KIB && p.t_cost() == ITERATIONS && p.p_cost() == PARALLELISM
            })
            .unwrap_or(false);
    if current {
        Verified::Yes
    } else {
        Verified::YesRehash
    }
}

/// Verify against a fixed hash, so an unknown email costs the same time as a wrong password.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored =
        DUMMY.get_or_init(|| hash("dummy password for timing equality").unwrap_or_default());
    let _ = verify(password, stored);
}

/// Run a blocking password operation on the blocking pool.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(anyhow::anyhow!("password task failed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_the_pinned_parameters() {
        let h = hash("a long and unusual passphrase").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert_eq!(verify("a long and unusual passphrase", &h), Verified::Yes);
        assert_eq!(verify("a long and unusual passphrase ", &h), Verified::No);
    }

    #[test]
    fn older_parameters_ask_for_a_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8192, 1, 1, None).unwrap(),
        );
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        let old = weak
            .hash_password(b"another fine passphrase", &salt)
            .unwrap()
            .to_string();
        assert_eq!(verify("another fine passphrase", &old), Verified::YesRehash);
    }

    #[test]
    fn short_long_and_common_passwords_are_refused_with_a_reason() {
        let code = |p: &str| match check_strength("password", p, &[]) {
            Err(ApiError::Validation { code, .. }) => code,
            other => panic!("{other:?}"),
        };
        assert_eq!(code("short1!"), ErrorCode::PasswordTooShort);
        assert_eq!(code(&"x".repeat(1025)), ErrorCode::PasswordTooLong);
        assert_eq!(code("password123"), ErrorCode::PasswordTooWeak);
        assert!(check_strength("password", "correct horse battery staple", &[]).is_ok());
        let longest = format!("Kx7#mP2q vortex lantern quasar {}", "z".repeat(993));
        assert_eq!(longest.chars().count(), 1024);
        assert!(check_strength("password", &longest, &[]).is_ok());
    }
}
