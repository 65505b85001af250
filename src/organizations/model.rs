//! Organizations, their aliases, fields and members in the database.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::domain::{MemberRole, OrgKind, OrgStatus};
use crate::app::Locale;
use crate::db::DbConnection;
use crate::db::ids::{OrganizationId, UserId};
use crate::db::schema::{
    memberships, organization_aliases, organization_fields, organizations, users,
};
use crate::db::types::now;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// A stored organization.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = organizations, treat_none_as_null = true)]
pub struct Organization {
    pub id: OrganizationId,
    pub kind: OrgKind,
    pub name: String,
    pub name_en: Option<String>,
    pub uscc: Option<String>,
    pub uscc_flagged: bool,
    pub region_code: String,
    pub description: String,
    pub website: Option<String>,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub is_leading: bool,
    pub is_sample: bool,
    pub parent_id: Option<OrganizationId>,
    /// Strict: a stored value that is no status is an error, never `pending`.
    pub status: OrgStatus,
    pub status_reason: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Organization {
    pub fn status(&self) -> OrgStatus {
        self.status
    }

    /// The name a reader of `locale` sees (English when the organization has one).
    pub fn name_in(&self, locale: Locale) -> &str {
        locale.pick(&self.name, self.name_en.as_deref())
    }
}

pub fn find(conn: &mut DbConnection, id: &OrganizationId) -> QueryResult<Option<Organization>> {
    if !crate::db::storable(id) {
        return Ok(None);
    }
    organizations::table
        .find(id)
        .select(Organization::as_select())
        .first(conn)
        .optional()
}

/// The organization registered with Unified Social Credit Code `uscc`, if any.
pub fn find_by_uscc(conn: &mut DbConnection, uscc: &str) -> QueryResult<Option<Organization>> {
    if !crate::db::storable(uscc) {
        return Ok(None);
    }
    organizations::table
        .filter(organizations::uscc.eq(uscc))
        .select(Organization::as_select())
        .first(conn)
        .optional()
}

/// Whether an organization of `kind` named exactly `name` is registered.
pub fn name_registered(conn: &mut DbConnection, kind: OrgKind, name: &str) -> QueryResult<bool> {
    if !crate::db::storable(name) {
        return Ok(false);
    }
    Ok(organizations::table
        .filter(organizations::kind.eq(kind))
        .filter(organizations::name.eq(name))
        .select(organizations::id)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

pub fn uscc_taken(
    conn: &mut DbConnection,
    uscc: &str,
    except: Option<&OrganizationId>,
) -> QueryResult<bool> {
    let mut q = organizations::table
        .filter(organizations::uscc.eq(uscc))
        .select(organizations::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(organizations::id.ne(id.clone()));
    }
    Ok(q.first::<String>(conn).optional()?.is_some())
}

/// Insert an organization with its aliases and fields.
pub fn insert(
    conn: &mut DbConnection,
    org: &Organization,
    aliases: &[String],
    field_codes: &[String],
) -> QueryResult<()> {
    diesel::insert_into(organizations::table)
        .values(org)
        .execute(conn)?;
    set_aliases(conn, &org.id, aliases)?;
    set_fields(conn, &org.id, field_codes)
}

pub fn update(conn: &mut DbConnection, org: &Organization) -> QueryResult<()> {
    diesel::update(organizations::table.find(&org.id))
        .set(org)
        .execute(conn)?;
    Ok(())
}

pub fn set_aliases(
    conn: &mut DbConnection,
    id: &OrganizationId,
    aliases: &[String],
) -> QueryResult<()> {
    diesel::delete(
        organization_aliases::table.filter(organization_aliases::organization_id.eq(id)),
    )
    .execute(conn)?;
    for a in aliases {
        diesel::insert_into(organization_aliases::table)
            .values((
                organization_aliases::organization_id.eq(id),
                organization_aliases::alias.eq(a),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn set_fields(
    conn: &mut DbConnection,
    id: &OrganizationId,
    codes: &[String],
) -> QueryResult<()> {
    diesel::delete(organization_fields::table.filter(organization_fields::organization_id.eq(id)))
        .execute(conn)?;
    for c in codes {
        diesel::insert_into(organization_fields::table)
            .values((
                organization_fields::organization_id.eq(id),
                organization_fields::field_code.eq(c),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Text lists keyed by organization id.
pub type ListsById = HashMap<OrganizationId, Vec<String>>;

/// Aliases and field codes of many organizations at once.
pub fn details(
    conn: &mut DbConnection,
    ids: &[OrganizationId],
) -> QueryResult<(ListsById, ListsById)> {
    let mut aliases: ListsById = HashMap::new();
    for (id, alias) in organization_aliases::table
        .filter(organization_aliases::organization_id.eq_any(ids))
        .select((
            organization_aliases::organization_id,
            organization_aliases::alias,
        ))
        .order(organization_aliases::alias)
        .load::<(OrganizationId, String)>(conn)?
    {
        aliases.entry(id).or_default().push(alias);
    }
    let mut fields: ListsById = HashMap::new();
    for (id, code) in organization_fields::table
        .filter(organization_fields::organization_id.eq_any(ids))
        .select((
            organization_fields::organization_id,
            organization_fields::field_code,
        ))
        .order(organization_fields::field_code)
        .load::<(OrganizationId, String)>(conn)?
    {
        fields.entry(id).or_default().push(code);
    }
    Ok((aliases, fields))
}

/// Directory filters, already resolved to code lists.
#[derive(Debug, Default)]
pub struct Filter {
    pub kind: Option<OrgKind>,
    pub regions: Option<Vec<String>>,
    pub fields: Option<Vec<String>>,
    pub statuses: Vec<OrgStatus>,
    pub is_leading: Option<bool>,
    pub q: Option<String>,
    pub after: Option<OrganizationId>,
}

pub fn list(conn: &mut DbConnection, f: &Filter, limit: i64) -> QueryResult<Vec<Organization>> {
    let mut q = organizations::table
        .select(Organization::as_select())
        .filter(organizations::status.eq_any(&f.statuses))
        .order(organizations::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(k) = f.kind {
        q = q.filter(organizations::kind.eq(k));
    }
    if let Some(r) = &f.regions {
        q = q.filter(organizations::region_code.eq_any(r));
    }
    if let Some(codes) = &f.fields {
        let with_field = organization_fields::table
            .filter(organization_fields::field_code.eq_any(codes.clone()))
            .select(organization_fields::organization_id);
        q = q.filter(organizations::id.eq_any(with_field));
    }
    if let Some(l) = f.is_leading {
        q = q.filter(organizations::is_leading.eq(l));
    }
    if let Some(text) = &f.q {
        let pattern = format!(
            "%{}%",
            text.to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let by_alias = organization_aliases::table
            .filter(
                lower(organization_aliases::alias)
                    .like(pattern.clone())
                    .escape('\\'),
            )
            .select(organization_aliases::organization_id);
        q = q.filter(
            lower(organizations::name)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(organizations::name_en.assume_not_null())
                    .like(pattern)
                    .escape('\\'))
                .or(organizations::id.eq_any(by_alias)),
        );
    }
    if let Some(a) = &f.after {
        q = q.filter(organizations::id.gt(a));
    }
    q.load(conn)
}

// --- memberships ---

/// The caller's organizations: id -> (role, organization status).
/// Ids of the organizations `user_id` belongs to.
pub fn organization_ids_of(
    conn: &mut DbConnection,
    user_id: &UserId,
) -> QueryResult<Vec<OrganizationId>> {
    memberships::table
        .filter(memberships::user_id.eq(user_id))
        .select(memberships::organization_id)
        .load(conn)
}

/// The organizations that have an agreement (an accepted interest) with any of `org_ids`.
pub fn partners_of(
    conn: &mut DbConnection,
    org_ids: &[OrganizationId],
) -> QueryResult<std::collections::HashSet<OrganizationId>> {
    use crate::db::schema::agreements as ag;
    if org_ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(OrganizationId, OrganizationId)> = ag::table
        .filter(
            ag::need_organization_id
                .eq_any(org_ids)
                .or(ag::provider_organization_id.eq_any(org_ids)),
        )
        .select((ag::need_organization_id, ag::provider_organization_id))
        .load(conn)?;
    Ok(rows.into_iter().flat_map(|(a, b)| [a, b]).collect())
}

pub fn add_member(
    conn: &mut DbConnection,
    org_id: &OrganizationId,
    user_id: &UserId,
    role: MemberRole,
) -> QueryResult<()> {
    diesel::insert_into(memberships::table)
        .values((
            memberships::organization_id.eq(org_id),
            memberships::user_id.eq(user_id),
            memberships::role.eq(role),
            memberships::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn role_of(
    conn: &mut DbConnection,
    org_id: &OrganizationId,
    user_id: &UserId,
) -> QueryResult<Option<MemberRole>> {
    memberships::table
        .find((org_id, user_id))
        .select(memberships::role)
        .first(conn)
        .optional()
}

pub fn remove_member(
    conn: &mut DbConnection,
    org_id: &OrganizationId,
    user_id: &UserId,
) -> QueryResult<usize> {
    diesel::delete(memberships::table.find((org_id, user_id))).execute(conn)
}

pub fn owner_count(conn: &mut DbConnection, org_id: &OrganizationId) -> QueryResult<i64> {
    memberships::table
        .filter(memberships::organization_id.eq(org_id))
        .filter(memberships::role.eq(MemberRole::Owner))
        .count()
        .get_result(conn)
}

/// A member with the account details shown to fellow members. Role and language are read
/// strictly: an unknown stored value is an error, not a member who reads Chinese.
#[derive(Debug, Queryable)]
pub struct MemberRow {
    pub user_id: UserId,
    pub role: MemberRole,
    pub created_at: NaiveDateTime,
    pub display_name: String,
    pub email: String,
    pub locale: Locale,
}

pub fn members(conn: &mut DbConnection, org_id: &OrganizationId) -> QueryResult<Vec<MemberRow>> {
    memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq(org_id))
        .filter(users::disabled_at.is_null())
        .select((
            memberships::user_id,
            memberships::role,
            memberships::created_at,
            users::display_name,
            users::email,
            users::locale,
        ))
        .order(memberships::created_at.asc())
        .load(conn)
}

/// `(name, name_en)` of each organization of `ids`, to show names next to ids.
pub fn names(
    conn: &mut DbConnection,
    ids: &[OrganizationId],
) -> QueryResult<std::collections::HashMap<OrganizationId, (String, Option<String>)>> {
    let rows: Vec<(OrganizationId, String, Option<String>)> = organizations::table
        .filter(organizations::id.eq_any(ids))
        .select((
            organizations::id,
            organizations::name,
            organizations::name_en,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, n, en)| (id, (n, en))).collect())
}
