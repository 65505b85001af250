//! Authentication and access: passwords, tokens, throttling, the `AuthUser` extractor
//! and small policy functions that handlers call.

pub mod password;
pub mod proxy;
pub mod throttle;
pub mod tokens;

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use crate::accounts::domain::{Locale, Role};
use crate::accounts::model::{self, User};
use crate::error::ApiError;
use crate::startup::AppState;

/// The authenticated caller, loaded fresh from the database on each request so that a
/// disabled account or a bumped token version takes effect at once.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub locale: Locale,
    pub role: Role,
    pub email_verified: bool,
}

impl AuthUser {
    pub fn is_bureau(&self) -> bool {
        self.role == Role::BureauAdmin
    }

    /// Only the bureau may do this.
    pub fn require_bureau(&self) -> Result<(), ApiError> {
        if self.is_bureau() {
            Ok(())
        } else {
            Err(ApiError::forbidden("only the bureau may do this"))
        }
    }

    /// Only users who proved their email may do this.
    pub fn require_verified(&self) -> Result<(), ApiError> {
        if self.email_verified {
            Ok(())
        } else {
            Err(ApiError::Forbidden {
                code: "email_not_verified",
                detail: "verify your email address first".to_owned(),
            })
        }
    }
}

impl From<User> for AuthUser {
    fn from(u: User) -> Self {
        AuthUser {
            locale: u.locale.parse().unwrap_or(Locale::ZhCn),
            role: u.role.parse().unwrap_or(Role::User),
            email_verified: u.email_verified_at.is_some(),
            id: u.id,
            email: u.email,
            display_name: u.display_name,
        }
    }
}

/// The bearer token of a request, if it has one.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_owned())
}

const INVALID: ApiError = ApiError::Unauthorized {
    code: "invalid_token",
};

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no app state")))?;
            let token = token.ok_or(ApiError::Unauthorized {
                code: "unauthorized",
            })?;
            let claims = state.keys.decode(&token).ok_or(INVALID)?;
            let user = state
                .db
                .run(move |conn| {
                    Ok(model::find(conn, &claims.sub)?.filter(|u| u.token_version == claims.ver))
                })
                .await?
                .ok_or(INVALID)?;
            if user.disabled_at.is_some() {
                return Err(INVALID);
            }
            Ok(AuthUser::from(user))
        })
    }
}

/// An optional caller: anonymous requests get `None`; a bad token still fails with 401.
pub struct MaybeUser(pub Option<AuthUser>);

impl FromRequest for MaybeUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if req.headers().contains_key(header::AUTHORIZATION) {
            let fut = AuthUser::from_request(req, payload);
            Box::pin(async move { fut.await.map(|u| MaybeUser(Some(u))) })
        } else {
            Box::pin(async { Ok(MaybeUser(None)) })
        }
    }
}
