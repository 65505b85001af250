//! `collab-registry demo-data`: a sample registry that shows the product at once. Besides
//! the 25 fictional organizations (`organizations::demo`), sample members who can sign in,
//! needs and capabilities in both languages that match each other, a published training
//! with registrations, an accepted interest and a key project grown from it.
//!
//! Everything goes through the services (the rules, audit rows, notices and index rows of
//! each step), acting as the sample members and a sample bureau account. Every sample is
//! marked: organizations by `is_sample`, accounts by their address at [`SAMPLE_DOMAIN`]
//! (a reserved domain that receives no mail), the rest by belonging to them. A second run
//! finds what is there and adds only what is missing; [`remove`] deletes exactly the
//! samples.

mod content;
mod remove;

use diesel::prelude::*;

pub use content::MEMBERS;
pub use remove::{Removed, remove};

use crate::accounts::{model as accounts, provision};
use crate::app::{AuthUser, Locale, Postman, Role};
use crate::db::DbConnection;
use crate::db::ids::{EventId, InterestId, ListingId, OrganizationId};
use crate::db::schema::{agreements, event_registrations, events, interests, listings, projects};
use crate::listings::domain::{Action, Side};
use crate::organizations::demo::id_of;
use crate::organizations::domain::MemberRole;
use crate::organizations::model as orgs;

/// The domain of every sample account (RFC 2606 reserves `.invalid`).
pub const SAMPLE_DOMAIN: &str = "sample.invalid";

/// The password of every sample member (printed by the command; samples only).
pub const SAMPLE_PASSWORD: &str = "sample-red-mud-binhai-2026";

/// The address of a sample account.
pub fn sample_address(local: &str) -> String {
    format!("{local}@{SAMPLE_DOMAIN}")
}

/// What a run added (zero everywhere on a second run).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    pub organizations: usize,
    pub accounts: usize,
    pub listings: usize,
    pub events: usize,
    pub registrations: usize,
    pub interests: usize,
    pub projects: usize,
}

fn json<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> anyhow::Result<T> {
    Ok(serde_json::from_value(v)?)
}

/// The sample account at `local`, created (verified) when missing; `added` counts it.
fn account(
    conn: &mut DbConnection,
    (local, name): (&str, &str),
    (locale, role): (Locale, Role),
    password: &str,
    added: &mut usize,
) -> anyhow::Result<AuthUser> {
    let email = sample_address(local);
    if accounts::find_by_email(conn, &email)?.is_none() {
        provision::create_verified(conn, (&email, name), password, locale, role)?;
        *added += 1;
    }
    let u = accounts::find_by_email(conn, &email)?
        .ok_or_else(|| anyhow::anyhow!("sample account {email} vanished"))?;
    Ok(AuthUser {
        id: u.id,
        email: u.email,
        display_name: u.display_name,
        locale: u.locale,
        role: u.role,
        email_verified: true,
    })
}

/// The id of the sample organization `key`, which must be there.
fn sample_org(conn: &mut DbConnection, key: &str) -> anyhow::Result<OrganizationId> {
    let id = id_of(key);
    orgs::find(conn, &id)?
        .filter(|o| o.is_sample)
        .map(|o| o.id)
        .ok_or_else(|| anyhow::anyhow!("sample organization {key} is missing"))
}

/// Load what is missing of the sample registry; see the module's documentation.
pub fn load(conn: &mut DbConnection, postman: &Postman) -> anyhow::Result<Loaded> {
    let mut n = Loaded {
        organizations: crate::organizations::demo::load(conn)?,
        ..Loaded::default()
    };
    let staff = (content::BUREAU_LOCAL, content::BUREAU_NAME);
    let secret = crate::auth::tokens::random_token();
    let bureau = account(
        conn,
        staff,
        (Locale::ZhCn, Role::BureauAdmin),
        &secret,
        &mut n.accounts,
    )?;
    let mut members = Vec::new();
    for m in &MEMBERS {
        let org = sample_org(conn, m.org_key)?;
        let who = (m.local, m.name);
        let u = account(
            conn,
            who,
            (m.locale, Role::User),
            SAMPLE_PASSWORD,
            &mut n.accounts,
        )?;
        if orgs::role_of(conn, &org, &u.id)?.is_none() {
            orgs::add_member(conn, &org, &u.id, MemberRole::Owner)?;
        }
        members.push((u, org));
    }
    let mut posted = Vec::new();
    for p in &content::POSTS {
        let (user, org) = &members[p.member];
        posted.push(listing(conn, user, org, p, &mut n.listings)?);
    }
    training(conn, postman, &bureau, &members, &mut n)?;
    let agreement = interest(conn, postman, &members, &posted, &mut n.interests)?;
    project(conn, &bureau, &members, agreement, &mut n.projects)?;
    Ok(n)
}

/// The sample listing `p` of `org`, created and published when missing.
fn listing(
    conn: &mut DbConnection,
    user: &AuthUser,
    org: &OrganizationId,
    p: &content::Post,
    added: &mut usize,
) -> anyhow::Result<ListingId> {
    let mut body = (p.body)();
    body["organization_id"] = org.as_str().into();
    let title = body["title"].as_str().unwrap_or_default().to_owned();
    let found: Option<ListingId> = listings::table
        .filter(listings::organization_id.eq(org))
        .filter(listings::title.eq(&title))
        .select(listings::id)
        .first(conn)
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let side = if p.need { Side::Need } else { Side::Capability };
    let created = crate::listings::service::create(conn, user.clone(), side, json(body)?)?;
    let id = created.id;
    crate::listings::service::act(conn, user.clone(), side, &id, Action::Publish)?;
    *added += 1;
    Ok(id)
}

/// The published training and its registrations.
fn training(
    conn: &mut DbConnection,
    postman: &Postman,
    bureau: &AuthUser,
    members: &[(AuthUser, OrganizationId)],
    n: &mut Loaded,
) -> anyhow::Result<()> {
    let found: Option<EventId> = events::table
        .filter(events::title.eq(content::TRAINING_TITLE))
        .filter(events::created_by.eq(&bureau.id))
        .select(events::id)
        .first(conn)
        .optional()?;
    let event = match found {
        Some(id) => id,
        None => {
            let audience: Vec<String> = members.iter().map(|(_, o)| o.to_string()).collect();
            let body = json(content::training(&audience))?;
            let ev = crate::events::service::create(conn, bureau, body)?.id;
            crate::db::write_tx(conn, |c| {
                crate::events::service::publish_event(c, postman, bureau, &ev)
            })?;
            n.events += 1;
            ev
        }
    };
    for (member, people) in content::REGISTRATIONS {
        let (user, org) = &members[member];
        let there: i64 = event_registrations::table
            .filter(event_registrations::event_id.eq(&event))
            .filter(event_registrations::organization_id.eq(org))
            .count()
            .get_result(conn)?;
        if there > 0 {
            continue;
        }
        let list: Vec<crate::events::views::Attendee> = people
            .iter()
            .map(|(name, local)| {
                json(serde_json::json!({"name": name, "email": sample_address(local)}))
            })
            .collect::<anyhow::Result<_>>()?;
        let people = crate::events::registrations::domain::attendees(&list)?;
        let done = crate::db::write_tx(conn, |c| {
            crate::events::registrations::service::register(
                c,
                postman,
                u32::MAX,
                user,
                &event,
                org,
                people,
            )
        })?;
        n.registrations += done.len();
    }
    Ok(())
}

/// The institute's interest in the alumina refinery's need, offering its capability, and
/// the refinery's acceptance; returns the agreement.
fn interest(
    conn: &mut DbConnection,
    postman: &Postman,
    members: &[(AuthUser, OrganizationId)],
    posted: &[ListingId],
    added: &mut usize,
) -> anyhow::Result<Option<String>> {
    let ((refinery, _), (institute, from)) = (&members[0], &members[1]);
    let found: Option<InterestId> = interests::table
        .filter(interests::from_organization_id.eq(from))
        .filter(interests::target_listing_id.eq(&posted[0]))
        .select(interests::id)
        .first(conn)
        .optional()?;
    let id = match found {
        Some(id) => id,
        None => {
            let body = serde_json::json!({"from_organization_id": from, "need_id": posted[0],
                "capability_id": posted[1], "message": content::INTEREST_MESSAGE});
            let x = crate::collaboration::service::create(conn, postman, institute, json(body)?)?;
            let x = x.id;
            let terms = json(serde_json::json!({"value_yuan": 3_000_000}))?;
            crate::collaboration::service::accept(conn, postman, refinery, &x, terms)?;
            *added += 1;
            x
        }
    };
    Ok(agreements::table
        .filter(agreements::interest_id.eq(&id))
        .select(agreements::id)
        .first(conn)
        .optional()?)
}

/// The key project grown from the agreement, with a milestone.
fn project(
    conn: &mut DbConnection,
    bureau: &AuthUser,
    members: &[(AuthUser, OrganizationId)],
    agreement: Option<String>,
    added: &mut usize,
) -> anyhow::Result<()> {
    let (owner, partner) = (&members[0].1, &members[1].1);
    let found: i64 = projects::table
        .filter(projects::name.eq(content::PROJECT_NAME))
        .filter(projects::owner_organization_id.eq(owner))
        .count()
        .get_result(conn)?;
    if found > 0 {
        return Ok(());
    }
    let body = json(content::project(owner, partner, agreement.as_deref()))?;
    let x = crate::projects::service::create(conn, bureau, body)?;
    let x = x.id;
    crate::projects::milestones::create(conn, bureau, &x, json(content::milestone())?)?;
    *added += 1;
    Ok(())
}
