//! Access tokens (JWT, HS256 only, every claim required) and opaque random tokens
//! (refresh, email verification, password reset), which are stored only as hashes.

use std::path::Path;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::{AuthSettings, Backend};
use crate::db::ids::UserId;

/// The claims of an access token; all are required when decoding.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    /// The user's token version when issued; a bump invalidates the token.
    pub ver: i32,
}

/// Signing and checking keys plus the validation rules.
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
}

impl Keys {
    pub fn new(secret: &SecretString, auth: &AuthSettings) -> anyhow::Result<Self> {
        let bytes = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_required_spec_claims(&["iss", "aud", "sub", "exp", "nbf", "iat"]);
        validation.set_issuer(&[&auth.issuer]);
        validation.set_audience(&[&auth.audience]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = 30;
        Ok(Keys {
            encoding: EncodingKey::from_secret(bytes)?,
            decoding: DecodingKey::from_secret(bytes)?,
            validation,
            issuer: auth.issuer.clone(),
            audience: auth.audience.clone(),
            access_ttl: auth.access_ttl,
            refresh_ttl: auth.refresh_ttl,
        })
    }

    /// A signed access token for `user_id` at `version`.
    pub fn issue(&self, user_id: &UserId, version: i32) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id.to_string(),
            iat: now,
            nbf: now,
            exp: now + self.access_ttl.as_secs() as i64,
            ver: version,
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// The claims of a valid token, or `None` for anything else.
    pub fn decode(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|d| d.claims)
    }
}

/// The signing secret: configured, or (SQLite, development) generated once into the data folder.
pub fn load_secret(
    auth: &AuthSettings,
    backend: Backend,
    data_dir: &Path,
) -> anyhow::Result<SecretString> {
    if let Some(secret) = &auth.jwt_secret {
        return Ok(secret.clone());
    }
    if backend == Backend::Postgres {
        anyhow::bail!("COLLAB_JWT_SECRET is required with PostgreSQL (at least 32 bytes)");
    }
    let path = data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= 32 {
            return Ok(SecretString::from(existing));
        }
        anyhow::bail!("{} holds a secret shorter than 32 bytes", path.display());
    }
    crate::files::private_dir(data_dir)?;
    let secret = random_token();
    write_private(&path, &secret)?;
    tracing::warn!(path = %path.display(), "generated a development JWT secret; set COLLAB_JWT_SECRET in production");
    Ok(SecretString::from(secret))
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

/// 256 random bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// How a random token is stored: its SHA-256, hex. (The token has 256 bits of entropy,
/// so a fast hash is enough; the database never holds a usable token.)
pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        let settings = crate::config::Settings::default();
        Keys::new(
            &SecretString::from("0123456789abcdef0123456789abcdef".to_owned()),
            &settings.auth,
        )
        .unwrap()
    }

    #[test]
    fn issued_tokens_decode_and_tampered_ones_do_not() {
        let k = keys();
        let t = k.issue(&UserId::from("user-1"), 3).unwrap();
        let c = k.decode(&t).unwrap();
        assert_eq!((c.sub.as_str(), c.ver), ("user-1", 3));
        let mut tampered = t.clone();
        tampered.pop();
        tampered.push(if t.ends_with('A') { 'B' } else { 'A' });
        assert!(k.decode(&tampered).is_none());
    }

    #[test]
    fn token_hashes_are_stable_and_tokens_random() {
        assert_eq!(hash_token("abc"), hash_token("abc"));
        assert_ne!(random_token(), random_token());
        assert_eq!(hash_token("abc").len(), 64);
    }
}
