//! Who is asking: the authenticated caller ([`AuthUser`], an actix extractor), their standing
//! in the registry ([`Viewer`]), and the one check for acting on behalf of an organization
//! ([`acting_organization`]: it exists, the caller is a member, the bureau verified it).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{AppState, Locale};
use crate::db::DbConnection;
use crate::db::ids::{OrganizationId, UserId};
use crate::db::schema::{memberships, organizations, users};
use crate::error::{ApiError, ErrorCode, Text};

crate::text_enum! {
    /// Platform role. Organization roles live in memberships.
    pub enum Role {
        User => "user",
        BureauAdmin => "bureau_admin",
    }
}

crate::text_enum! {
    /// Where an organization stands with the bureau.
    pub enum OrgStatus {
        Pending => "pending",
        Verified => "verified",
        Rejected => "rejected",
        Suspended => "suspended",
    }
}

impl OrgStatus {
    /// Whether members may act for an organization in this state: only once the bureau
    /// verified it (the rule of [`acting_organization`] and [`Viewer::acting_for`]).
    pub fn may_act(self) -> bool {
        self == OrgStatus::Verified
    }
}

crate::text_enum! {
    /// A member's role in an organization.
    pub enum MemberRole {
        Owner => "owner",
        Member => "member",
    }
}

/// The authenticated caller, loaded fresh from the database on each request so that a
/// disabled account or a bumped token version takes effect at once.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: UserId,
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
            Err(ApiError::forbidden(Text::key(
                "problem.forbidden.bureau_only",
            )))
        }
    }

    /// Only users who proved their email may do this.
    pub fn require_verified(&self) -> Result<(), ApiError> {
        if self.email_verified {
            Ok(())
        } else {
            Err(ApiError::Forbidden {
                code: ErrorCode::EmailNotVerified,
                detail: Text::key("problem.email_not_verified"),
            })
        }
    }
}

/// The columns of a user row the caller is made of. Locale and role are read strictly: a
/// stored value that is neither is an error (a logged 500), never Chinese or a plain user.
#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct Principal {
    id: UserId,
    email: String,
    display_name: String,
    locale: Locale,
    role: Role,
    email_verified_at: Option<NaiveDateTime>,
    token_version: i32,
    disabled_at: Option<NaiveDateTime>,
}

impl From<Principal> for AuthUser {
    fn from(u: Principal) -> Self {
        AuthUser {
            locale: u.locale,
            role: u.role,
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

fn invalid() -> ApiError {
    ApiError::Unauthorized {
        code: ErrorCode::InvalidToken,
        detail: Text::key("problem.invalid_token"),
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no app state")))?;
            let token = token.ok_or(ApiError::Unauthorized {
                code: ErrorCode::Unauthorized,
                detail: Text::key("problem.unauthorized"),
            })?;
            let claims = state.keys.decode(&token).ok_or_else(invalid)?;
            let user = state
                .db
                .run(move |conn| principal(conn, &UserId::from(claims.sub), claims.ver))
                .await?
                .ok_or_else(invalid)?;
            // The messages of this request are said in the account's language.
            req.extensions_mut()
                .insert(super::locale::AccountLocale(user.locale));
            Ok(user)
        })
    }
}

/// The user `id` if the credential's token version `ver` is still current and the account
/// is not disabled (bearer tokens and page sessions both end this way).
pub fn principal(
    conn: &mut DbConnection,
    id: &UserId,
    ver: i32,
) -> Result<Option<AuthUser>, ApiError> {
    Ok(users::table
        .find(id)
        .select(Principal::as_select())
        .first(conn)
        .optional()?
        .filter(|u| u.token_version == ver && u.disabled_at.is_none())
        .map(AuthUser::from))
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

/// What the caller is, relative to the registry.
#[derive(Debug, Default)]
pub struct Viewer {
    pub user: Option<AuthUser>,
    pub memberships: HashMap<OrganizationId, (MemberRole, OrgStatus)>,
}

impl Viewer {
    pub fn is_bureau(&self) -> bool {
        self.user.as_ref().is_some_and(AuthUser::is_bureau)
    }

    pub fn role_in(&self, org_id: &OrganizationId) -> Option<MemberRole> {
        self.memberships.get(org_id).map(|(r, _)| *r)
    }

    /// Members and the bureau see everything about an organization.
    pub fn is_insider(&self, org_id: &OrganizationId) -> bool {
        self.is_bureau() || self.memberships.contains_key(org_id)
    }

    /// Pending, rejected and suspended organizations are visible to insiders only.
    pub fn can_see(&self, org_id: &OrganizationId, status: OrgStatus) -> bool {
        status == OrgStatus::Verified || self.is_insider(org_id)
    }

    /// The caller's organizations they may act for (member, and verified by the bureau).
    pub fn acting_for(&self) -> Vec<&OrganizationId> {
        let mut ids: Vec<&OrganizationId> = (self.memberships.iter())
            .filter(|(_, (_, status))| status.may_act())
            .map(|(id, _)| id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// Named contacts are for insiders and for partners: organizations of the viewer's
    /// that have an agreement with this one (`partners`, from
    /// `organizations::model::partners_of`).
    pub fn can_see_contact(
        &self,
        org_id: &OrganizationId,
        partners: &HashSet<OrganizationId>,
    ) -> bool {
        self.is_insider(org_id) || partners.contains(org_id)
    }
}

/// The caller's organizations, with their role and each organization's status (both read
/// strictly: an unknown stored value is an error, not a member of a pending organization).
pub fn memberships_of(
    conn: &mut DbConnection,
    user_id: &UserId,
) -> QueryResult<HashMap<OrganizationId, (MemberRole, OrgStatus)>> {
    let rows: Vec<(OrganizationId, MemberRole, OrgStatus)> = memberships::table
        .inner_join(organizations::table)
        .filter(memberships::user_id.eq(user_id))
        .select((
            memberships::organization_id,
            memberships::role,
            organizations::status,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, role, status)| (id, (role, status)))
        .collect())
}

/// The caller's standing in the registry.
pub fn load_viewer(conn: &mut DbConnection, user: Option<AuthUser>) -> Result<Viewer, ApiError> {
    let memberships = match &user {
        Some(u) => memberships_of(conn, &u.id)?,
        None => Default::default(),
    };
    Ok(Viewer { user, memberships })
}

/// May `user_id` act for organization `org_id`? It must exist (else a field error on
/// `field`), the caller must be a member (else 403 with `not_member`), and the bureau must
/// have verified it (else 403 `organization_not_verified`).
pub fn acting_organization(
    conn: &mut DbConnection,
    user_id: &UserId,
    org_id: &OrganizationId,
    field: &str,
    not_member: impl Into<Text>,
) -> Result<(), ApiError> {
    let status: OrgStatus = organizations::table
        .find(org_id)
        .select(organizations::status)
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            ApiError::field(
                field,
                ErrorCode::OrganizationUnknown,
                Text::key("problem.organization_unknown"),
            )
        })?;
    let member: Option<MemberRole> = memberships::table
        .find((org_id, user_id))
        .select(memberships::role)
        .first(conn)
        .optional()?;
    if member.is_none() {
        return Err(ApiError::forbidden(not_member));
    }
    if !status.may_act() {
        return Err(ApiError::Forbidden {
            code: ErrorCode::OrganizationNotVerified,
            detail: Text::key("problem.organization_not_verified"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;

    use super::*;
    use crate::db::scratch;

    /// A user `u1` (locale zh-CN, role user) who owns organization `o1` (verified).
    fn setup() -> DbConnection {
        let mut c = scratch::sqlite();
        c.batch_execute(
            "INSERT INTO regions (code, kind, name_zh, name_en, sort_order)
                 VALUES ('r', 'county', '县', 'County', 0);
             INSERT INTO users (id, email, password_hash, display_name, locale, role,
                 token_version, created_at, updated_at, timezone)
                 VALUES ('u1', 'a@x.cn', 'h', 'A', 'zh-CN', 'user', 0,
                 '2026-12-01 00:00:00', '2026-12-01 00:00:00', 'Asia/Shanghai');
             INSERT INTO organizations (id, kind, name, region_code, status, created_at,
                 updated_at)
                 VALUES ('o1', 'enterprise', 'O', 'r', 'verified', '2026-12-01 00:00:00',
                 '2026-12-01 00:00:00');
             INSERT INTO memberships (organization_id, user_id, role, created_at)
                 VALUES ('o1', 'u1', 'owner', '2026-12-01 00:00:00');",
        )
        .unwrap();
        c
    }

    #[test]
    fn stored_values_are_read_as_they_are() {
        let mut c = setup();
        let u = principal(&mut c, &"u1".into(), 0).unwrap().unwrap();
        assert_eq!((u.locale, u.role), (Locale::ZhCn, Role::User));
        let m = memberships_of(&mut c, &"u1".into()).unwrap();
        assert_eq!(m["o1"], (MemberRole::Owner, OrgStatus::Verified));
        assert!(
            acting_organization(&mut c, &"u1".into(), &"o1".into(), "organization_id", "no")
                .is_ok()
        );
    }

    #[test]
    fn a_corrupt_stored_locale_or_role_is_an_error_not_a_default() {
        for corrupt in ["locale = 'fr'", "role = 'bureau_admn'"] {
            let mut c = setup();
            c.batch_execute(&format!("UPDATE users SET {corrupt}"))
                .unwrap();
            assert!(
                principal(&mut c, &"u1".into(), 0).is_err(),
                "{corrupt} was read"
            );
        }
    }

    #[test]
    fn a_corrupt_member_role_or_organization_status_is_an_error_not_a_default() {
        for corrupt in [
            "UPDATE memberships SET role = 'ownr'",
            "UPDATE organizations SET status = 'verifed'",
        ] {
            let mut c = setup();
            c.batch_execute(corrupt).unwrap();
            assert!(
                memberships_of(&mut c, &"u1".into()).is_err(),
                "{corrupt} was read"
            );
            assert!(load_viewer(&mut c, None).is_ok());
            let acting =
                acting_organization(&mut c, &"u1".into(), &"o1".into(), "organization_id", "no");
            assert!(acting.is_err(), "{corrupt} was read");
        }
    }
}
