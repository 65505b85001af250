//! Accounts made by the operator's commands rather than by registration: a bureau
//! administrator (`create-admin`) and the sample members of `demo-data`. The same rules as
//! registration (address, name, password strength, argon2id), verified at once.

use super::domain::{Email, Locale, Role, display_name};
use super::model::{self, NewUser};
use crate::auth::password;
use crate::db::DbConnection;
use crate::db::ids::UserId;
use crate::db::types::now;
use crate::error::ApiError;

/// A verified account with `role`; the caller has checked the address is free. Returns
/// its id. Errors name the option or field at fault.
pub fn create_verified(
    conn: &mut DbConnection,
    (email, name): (&str, &str),
    password: &str,
    locale: Locale,
    role: Role,
) -> anyhow::Result<UserId> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {}", e.message))?;
    let name = display_name(name).map_err(|e| anyhow::anyhow!("--name: {}", e.message))?;
    password::check_strength("password", password, &[email.as_str(), &name]).map_err(
        |e| match e {
            ApiError::Validation { errors, .. } => {
                anyhow::anyhow!("password: {}", errors[0].message)
            }
            other => anyhow::anyhow!("{other}"),
        },
    )?;
    let hash = password::hash(password)?;
    let id = UserId::new();
    let t = now();
    model::insert(
        conn,
        &NewUser {
            id: &id,
            email: email.as_str(),
            password_hash: &hash,
            display_name: &name,
            locale,
            role,
            email_verified_at: Some(t),
            token_version: 0,
            created_at: t,
            updated_at: t,
        },
    )?;
    Ok(id)
}
