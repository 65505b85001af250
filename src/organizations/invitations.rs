//! Invitations in the database: single-use hashed tokens for joining an organization.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::domain::MemberRole;
use crate::db::DbConnection;
use crate::db::ids::{InvitationId, OrganizationId, UserId};
use crate::db::schema::invitations;
use crate::db::types::now;

/// A stored invitation (the token's hash aside).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub email: String,
    /// Strict: a stored value that is no role is an error, never `member`.
    pub role: MemberRole,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl Invitation {
    /// Neither accepted nor expired at `t`.
    pub fn is_open(&self, t: NaiveDateTime) -> bool {
        self.accepted_at.is_none() && self.expires_at > t
    }
}

/// The invitations of an organization created after `since`.
pub fn recent(
    conn: &mut DbConnection,
    org_id: &OrganizationId,
    since: NaiveDateTime,
) -> QueryResult<Vec<Invitation>> {
    invitations::table
        .filter(invitations::organization_id.eq(org_id))
        .filter(invitations::created_at.gt(since))
        .select(Invitation::as_select())
        .load(conn)
}

/// What a new invitation stores.
pub struct NewInvitation<'a> {
    pub id: &'a InvitationId,
    pub organization_id: &'a OrganizationId,
    pub email: &'a str,
    pub role: MemberRole,
    pub token_hash: &'a str,
    pub invited_by: &'a UserId,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, i: &NewInvitation) -> QueryResult<()> {
    diesel::insert_into(invitations::table)
        .values((
            invitations::id.eq(i.id),
            invitations::organization_id.eq(i.organization_id),
            invitations::email.eq(i.email),
            invitations::role.eq(i.role),
            invitations::token_hash.eq(i.token_hash),
            invitations::invited_by.eq(Some(i.invited_by)),
            invitations::expires_at.eq(i.expires_at),
            invitations::created_at.eq(i.created_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The open invitation with this token hash, if any.
pub fn find_open(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<Invitation>> {
    invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::expires_at.gt(now()))
        .select(Invitation::as_select())
        .first(conn)
        .optional()
}

pub fn mark_accepted(conn: &mut DbConnection, id: &InvitationId) -> QueryResult<()> {
    diesel::update(invitations::table.find(id))
        .set(invitations::accepted_at.eq(Some(now())))
        .execute(conn)?;
    Ok(())
}
