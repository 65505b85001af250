//! The postman's handle: the public address links point to and the key that signs
//! unsubscribe links. Delivering notices (inbox rows, preferences, the email outbox) is the
//! notifications room's half of the type, in `notifications::inbox`. A [`NoticeTap`] set
//! at startup sees every notice delivered, in the same transaction (the channels room copies
//! them to group-chat robots); `app` knows no feature, so the tap is a plain function.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::db::ids::UserId;

/// Delivers notices and signs the unsubscribe links they carry.
#[derive(Clone)]
pub struct Postman {
    public_url: String,
    /// The address mail comes from (`COLLAB_MAIL_FROM`, without its display name): the
    /// ORGANIZER of the calendar objects mail carries.
    sender: String,
    key: Arc<[u8]>,
    tap: Option<NoticeTap>,
}

/// A delivered notice as a tap sees it.
#[derive(Debug, Clone, Copy)]
pub struct NoticeCopy<'a> {
    /// The notice's idempotency key (per user and occasion; it ends with `:{user_id}`).
    pub key: &'a str,
    pub user_id: &'a UserId,
    pub topic: &'a str,
    pub locale: crate::app::Locale,
    pub title: &'a str,
    pub summary: &'a str,
    pub link: Option<&'a str>,
}

/// Called with every batch of new notices inside the delivering transaction; returns how
/// many rows it wrote.
pub type NoticeTap =
    fn(&mut crate::db::DbConnection, &[NoticeCopy<'_>]) -> diesel::QueryResult<usize>;

impl std::fmt::Debug for Postman {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postman")
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

type HmacSha256 = Hmac<Sha256>;

impl Postman {
    /// The unsubscribe key is derived from the token secret, so no new secret is needed;
    /// rotating the token secret invalidates old unsubscribe links.
    pub fn new(public_url: &str, secret: &SecretString) -> Self {
        let mut mac = HmacSha256::new_from_slice(secret.expose_secret().as_bytes())
            .unwrap_or_else(|_| unreachable_hmac());
        mac.update(b"collab-registry unsubscribe v1");
        let key: Vec<u8> = mac.finalize().into_bytes().to_vec();
        Postman {
            public_url: public_url.trim_end_matches('/').to_owned(),
            sender: "noreply@localhost".to_owned(),
            key: key.into(),
            tap: None,
        }
    }

    /// The same postman, with the sender of mail (`Name <addr>` or a bare address).
    pub fn with_sender(mut self, from: &str) -> Self {
        let addr = match (from.rfind('<'), from.rfind('>')) {
            (Some(a), Some(b)) if a < b => &from[a + 1..b],
            _ => from,
        };
        if !addr.trim().is_empty() {
            self.sender = addr.trim().to_owned();
        }
        self
    }

    /// The bare address mail comes from.
    pub fn sender(&self) -> &str {
        &self.sender
    }

    /// The same postman, showing every delivered notice to `tap` too.
    pub fn with_tap(mut self, tap: NoticeTap) -> Self {
        self.tap = Some(tap);
        self
    }

    /// Show new notices to the tap, if one is set (inside the caller's transaction).
    pub fn tap(
        &self,
        conn: &mut crate::db::DbConnection,
        notices: &[NoticeCopy<'_>],
    ) -> diesel::QueryResult<usize> {
        match self.tap {
            Some(tap) if !notices.is_empty() => tap(conn, notices),
            _ => Ok(0),
        }
    }

    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.key).unwrap_or_else(|_| unreachable_hmac())
    }

    /// A token that unsubscribes `user_id` from `scope` (a topic, or `digest`).
    pub fn unsubscribe_token(&self, user_id: &UserId, scope: &str) -> String {
        let payload = format!("{user_id}:{scope}");
        let mut mac = self.mac();
        mac.update(payload.as_bytes());
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }

    /// The user and scope of a genuine token.
    pub fn check_unsubscribe(&self, token: &str) -> Option<(UserId, String)> {
        let (payload, sig) = token.split_once('.')?;
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
        let mut mac = self.mac();
        mac.update(&payload);
        mac.verify_slice(&sig).ok()?;
        let text = String::from_utf8(payload).ok()?;
        let (user, scope) = text.rsplit_once(':')?;
        Some((UserId::from(user), scope.to_owned()))
    }

    /// The page a person opens from the mail's body: it shows the topic and asks before
    /// anything changes (mail scanners follow links).
    pub fn unsubscribe_page_url(&self, user_id: &UserId, scope: &str) -> String {
        format!(
            "{}/unsubscribe?token={}",
            self.public_url,
            self.unsubscribe_token(user_id, scope)
        )
    }

    /// The RFC 8058 one-click address for the `List-Unsubscribe` header (a `POST`).
    pub fn unsubscribe_url(&self, user_id: &UserId, scope: &str) -> String {
        format!(
            "{}/api/v1/unsubscribe?token={}",
            self.public_url,
            self.unsubscribe_token(user_id, scope)
        )
    }
}

fn unreachable_hmac() -> HmacSha256 {
    // HMAC accepts keys of any length; this cannot happen.
    panic!("HMAC rejected a key")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn postman() -> Postman {
        Postman::new(
            "http://x.test",
            &SecretString::from("a-secret-that-is-long-enough-0123456789".to_owned()),
        )
    }

    #[test]
    fn unsubscribe_tokens_round_trip_and_resist_tampering() {
        let p = postman();
        let user = UserId::from("user-1");
        let t = p.unsubscribe_token(&user, "events");
        assert_eq!(
            p.check_unsubscribe(&t),
            Some((user.clone(), "events".to_owned()))
        );
        let forged = p.unsubscribe_token(&user, "matches");
        let (_, sig) = forged.split_once('.').unwrap();
        let (payload, _) = t.split_once('.').unwrap();
        assert_eq!(p.check_unsubscribe(&format!("{payload}.{sig}")), None);
        let other = Postman::new(
            "http://x.test",
            &SecretString::from("another-secret-that-is-long-enough-012345".to_owned()),
        );
        assert_eq!(other.check_unsubscribe(&t), None);
        assert_eq!(p.check_unsubscribe("garbage"), None);
    }

    #[test]
    fn the_sender_is_the_bare_address_of_mail_from() {
        assert_eq!(postman().sender(), "noreply@localhost");
        let p = postman().with_sender("市工信局 <bureau@gxj.example.cn>");
        assert_eq!(p.sender(), "bureau@gxj.example.cn");
        assert_eq!(postman().with_sender("a@b.cn").sender(), "a@b.cn");
    }
}
