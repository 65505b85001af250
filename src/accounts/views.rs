//! Request and response bodies of the accounts endpoints.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::User;
use crate::db::ids::UserId;
use crate::db::types::utc;
use crate::notifications::inbox::{PreferenceChanges, Preferences};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(
        pattern = r"^[A-Za-z0-9_%+-]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$",
        max_length = 254
    )]
    pub email: String,
    /// 8 to 1024 characters; weak or common passwords are refused.
    #[schema(format = Password, min_length = 8, max_length = 1024)]
    pub password: String,
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: String,
    /// `zh-CN` (default) or `en`.
    #[schema(pattern = r"^([zZ][hH]|[eE][nN])(-[A-Za-z0-9]{1,8})*$")]
    pub locale: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    #[schema(format = Password)]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    #[schema(
        pattern = r"^[A-Za-z0-9_%+-]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$",
        max_length = 254
    )]
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirm {
    pub token: String,
    /// 8 to 1024 characters; weak or common passwords are refused.
    #[schema(format = Password, min_length = 8, max_length = 1024)]
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[schema(format = Password)]
    pub current_password: String,
    /// 8 to 1024 characters; weak or common passwords are refused.
    #[schema(format = Password, min_length = 8, max_length = 1024)]
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileChanges {
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: Option<String>,
    /// `zh-CN` or `en`.
    #[schema(pattern = r"^([zZ][hH]|[eE][nN])(-[A-Za-z0-9]{1,8})*$")]
    pub locale: Option<String>,
    /// IANA time zone, e.g. `Asia/Shanghai`: the daily digest goes out at the configured
    /// hour there.
    #[schema(
        pattern = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$",
        max_length = 64
    )]
    pub timezone: Option<String>,
    /// Per topic: `immediate` email, a daily `digest`, or `in_app` only. Only the topics
    /// sent change; account and security mail is always immediate.
    pub notification_preferences: Option<PreferenceChanges>,
}

/// The caller's own profile, with notification preferences.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileView {
    #[serde(flatten)]
    pub user: UserView,
    pub notification_preferences: Preferences,
}

/// Tokens issued at login, refresh and password change.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    /// Opaque; rotated on every refresh.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Access-token lifetime in seconds.
    pub expires_in: u64,
}

/// A user as shown to themself and to the bureau.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    #[schema(value_type = String)]
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub locale: String,
    pub timezone: String,
    /// `user` or `bureau_admin`.
    pub role: String,
    pub email_verified: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            email_verified: u.email_verified_at.is_some(),
            disabled: u.disabled_at.is_some(),
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            locale: u.locale.as_str().to_owned(),
            timezone: u.timezone,
            role: u.role.as_str().to_owned(),
            created_at: utc(u.created_at),
            updated_at: utc(u.updated_at),
        }
    }
}

/// Acknowledgement of a request whose outcome is not disclosed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    pub status: &'static str,
}
