//! The pages' cookie session and CSRF protection.
//!
//! Session: `cr_session` = `user_id.token_version.expires.mac`, an HMAC-SHA256 over the
//! first three parts with a key derived from the token secret. It is stateless like the
//! JWTs (any instance can check it) and ends with the account's token version: signing
//! out, a password change or disabling the account ends every page session at once.
//!
//! CSRF: signed double submit. `cr_csrf` holds 256 random bits; each form carries
//! HMAC(key, cookie) in a hidden `csrf` field, checked by [`PageForm`] before the handler
//! runs. Both cookies are HttpOnly and SameSite=Lax, and Secure when the public URL is
//! https.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpRequest, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::app::AppState;
use crate::app::AuthUser;
use crate::auth::tokens::random_token;
use crate::db::ids::UserId;
use crate::error::ApiError;

type HmacSha256 = Hmac<Sha256>;

pub const SESSION_COOKIE: &str = "cr_session";
pub const CSRF_COOKIE: &str = "cr_csrf";
pub const LANG_COOKIE: &str = "cr_lang";
/// How long a page session lasts without signing in again.
pub const SESSION_HOURS: i64 = 12;

/// Keys of the page session and CSRF tokens, and whether cookies are `Secure`.
#[derive(Clone)]
pub struct PageKeys {
    session: Vec<u8>,
    csrf: Vec<u8>,
    secure: bool,
}

impl std::fmt::Debug for PageKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageKeys")
            .field("secure", &self.secure)
            .finish_non_exhaustive()
    }
}

fn derive(secret: &SecretString, label: &[u8]) -> Vec<u8> {
    let mut mac = mac_with(secret.expose_secret().as_bytes());
    mac.update(label);
    mac.finalize().into_bytes().to_vec()
}

fn mac_with(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length, so this never fails; the fallback keeps clippy's
    // no-panic rule without an unwrap.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| HmacSha256::new(&Default::default()))
}

fn sign(key: &[u8], data: &str) -> String {
    let mut mac = mac_with(key);
    mac.update(data.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

fn verify(key: &[u8], data: &str, signature: &str) -> bool {
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    let mut mac = mac_with(key);
    mac.update(data.as_bytes());
    mac.verify_slice(&bytes).is_ok()
}

impl PageKeys {
    pub fn new(secret: &SecretString, public_url: &str) -> Self {
        PageKeys {
            session: derive(secret, b"collab-registry web session v1"),
            csrf: derive(secret, b"collab-registry web csrf v1"),
            secure: public_url.starts_with("https://"),
        }
    }

    fn cookie<'a>(&self, name: &'a str, value: String, max_age: CookieDuration) -> Cookie<'a> {
        Cookie::build(name, value)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .max_age(max_age)
            .finish()
    }

    /// A session cookie for this user at this token version.
    pub fn session_cookie(&self, user_id: &UserId, token_version: i32) -> Cookie<'static> {
        let expires = chrono::Utc::now().timestamp() + SESSION_HOURS * 3600;
        let data = format!("{user_id}.{token_version}.{expires}");
        let value = format!("{data}.{}", sign(&self.session, &data));
        self.cookie(SESSION_COOKIE, value, CookieDuration::hours(SESSION_HOURS))
    }

    /// A cookie that removes `name`.
    pub fn removal(&self, name: &'static str) -> Cookie<'static> {
        self.cookie(name, String::new(), CookieDuration::ZERO)
    }

    /// The user id and token version of a valid, unexpired session cookie.
    pub fn check_session(&self, value: &str) -> Option<(String, i32)> {
        let (data, mac) = value.rsplit_once('.')?;
        if !verify(&self.session, data, mac) {
            return None;
        }
        let mut parts = data.split('.');
        let (user, ver, exp) = (parts.next()?, parts.next()?, parts.next()?);
        let (exp, ver): (i64, i32) = (exp.parse().ok()?, ver.parse().ok()?);
        if exp <= chrono::Utc::now().timestamp() {
            return None;
        }
        Some((user.to_owned(), ver))
    }

    /// A fresh CSRF cookie value.
    pub fn new_csrf_seed(&self) -> String {
        random_token()
    }

    /// The CSRF cookie carrying `seed`.
    pub fn csrf_cookie(&self, seed: String) -> Cookie<'static> {
        self.cookie(CSRF_COOKIE, seed, CookieDuration::days(7))
    }

    /// A cookie that keeps the chosen language of an anonymous visitor.
    pub fn lang_cookie(&self, tag: &str) -> Cookie<'static> {
        self.cookie(LANG_COOKIE, tag.to_owned(), CookieDuration::days(365))
    }

    /// The form token that goes with a CSRF cookie.
    pub fn csrf_token(&self, seed: &str) -> String {
        sign(&self.csrf, seed)
    }

    /// Whether `token` was made for the CSRF cookie `seed`.
    pub fn check_csrf(&self, seed: &str, token: &str) -> bool {
        !seed.is_empty() && verify(&self.csrf, seed, token)
    }
}

/// The signed-in user of a request's session cookie, if it is still valid.
pub async fn session_user(
    state: &AppState,
    keys: &PageKeys,
    req: &HttpRequest,
) -> Result<Option<AuthUser>, ApiError> {
    let Some((id, ver)) = req
        .cookie(SESSION_COOKIE)
        .and_then(|c| keys.check_session(c.value()))
    else {
        return Ok(None);
    };
    state
        .db
        .run(move |conn| crate::app::viewer::principal(conn, &UserId::from(id), ver))
        .await
}

/// The page keys registered at startup.
pub fn keys(req: &HttpRequest) -> Result<web::Data<PageKeys>, ApiError> {
    req.app_data::<web::Data<PageKeys>>()
        .cloned()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no page keys")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> PageKeys {
        PageKeys::new(
            &SecretString::from("a test secret that is long enough 0123"),
            "https://example.org",
        )
    }

    #[test]
    fn a_session_cookie_round_trips_and_a_changed_one_fails() {
        let k = keys();
        let c = k.session_cookie(&UserId::from("0190-user"), 3);
        assert!(c.http_only().unwrap_or(false) && c.secure().unwrap_or(false));
        assert_eq!(c.same_site(), Some(SameSite::Lax));
        assert_eq!(
            k.check_session(c.value()),
            Some(("0190-user".to_owned(), 3))
        );
        let forged = c.value().replacen(".3.", ".4.", 1);
        assert_eq!(k.check_session(&forged), None);
        assert_eq!(k.check_session("garbage"), None);
    }

    #[test]
    fn a_csrf_token_only_fits_its_own_cookie() {
        let k = keys();
        let (a, b) = (k.new_csrf_seed(), k.new_csrf_seed());
        assert!(k.check_csrf(&a, &k.csrf_token(&a)));
        assert!(!k.check_csrf(&b, &k.csrf_token(&a)));
        assert!(!k.check_csrf("", &k.csrf_token("")));
    }
}
