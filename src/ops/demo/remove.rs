//! `demo-data --remove`: delete exactly the samples, in one transaction. The samples are
//! the organizations marked `is_sample`, the accounts at the sample domain that belong to
//! no other organization, and what hangs on them: their listings (the search index is told),
//! interests and agreements (deleted by name: no cascade reaches history), registrations, the events and key projects the sample bureau
//! account made, the mail queued to sample addresses and the audit rows about samples.

use diesel::prelude::*;

use super::SAMPLE_DOMAIN;
use crate::db::schema::{
    agreements, audit_log, events, interests, listings, memberships, organizations, outbox_emails,
    projects, users,
};
use crate::db::{DbConnection, write_tx};

/// What was removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Removed {
    pub organizations: usize,
    pub accounts: usize,
    pub listings: usize,
    pub events: usize,
    pub projects: usize,
    pub emails: usize,
}

/// Delete every sample and nothing else.
pub fn remove(conn: &mut DbConnection) -> anyhow::Result<Removed> {
    write_tx(conn, |conn| -> anyhow::Result<Removed> {
        let orgs: Vec<String> = organizations::table
            .filter(organizations::is_sample.eq(true))
            .select(organizations::id)
            .load(conn)?;
        let at_domain = format!("%@{SAMPLE_DOMAIN}");
        // An address at the sample domain that joined a real organization is not a sample.
        let elsewhere: Vec<String> = memberships::table
            .filter(memberships::organization_id.ne_all(&orgs))
            .select(memberships::user_id)
            .load(conn)?;
        let people: Vec<String> = users::table
            .filter(users::email.like(&at_domain))
            .filter(users::id.ne_all(&elsewhere))
            .select(users::id)
            .load(conn)?;
        let posted: Vec<String> = listings::table
            .filter(listings::organization_id.eq_any(&orgs))
            .select(listings::id)
            .load(conn)?;
        let made_events: Vec<String> = events::table
            .filter(events::created_by.eq_any(&people))
            .select(events::id)
            .load(conn)?;
        let made_projects: Vec<String> = projects::table
            .filter(
                projects::owner_organization_id
                    .eq_any(&orgs)
                    .or(projects::created_by.eq_any(&people)),
            )
            .select(projects::id)
            .load(conn)?;
        let mut subjects: Vec<&String> = orgs.iter().chain(&people).chain(&posted).collect();
        subjects.extend(made_events.iter().chain(&made_projects));
        diesel::delete(
            audit_log::table.filter(
                audit_log::actor_id
                    .eq_any(&people)
                    .or(audit_log::subject_id.eq_any(subjects)),
            ),
        )
        .execute(conn)?;
        // Milestones, partners, notes and registrations go with their rows (cascades).
        let projects_gone =
            diesel::delete(projects::table.filter(projects::id.eq_any(&made_projects)))
                .execute(conn)?;
        let events_gone =
            diesel::delete(events::table.filter(events::id.eq_any(&made_events))).execute(conn)?;
        // History is never deleted by a cascade: the samples' agreements and interests go
        // by name, after the projects that link them (a real project linking a sample
        // agreement stops the removal, as the database's restriction says).
        let orgs_of_agreement = agreements::need_organization_id
            .eq_any(&orgs)
            .or(agreements::provider_organization_id.eq_any(&orgs));
        diesel::delete(agreements::table.filter(orgs_of_agreement)).execute(conn)?;
        let orgs_of_interest = interests::from_organization_id
            .eq_any(&orgs)
            .or(interests::to_organization_id.eq_any(&orgs));
        diesel::delete(interests::table.filter(orgs_of_interest)).execute(conn)?;
        for id in &posted {
            crate::app::reindex::record_change(conn, &id.as_str().into())?;
        }
        let listings_gone =
            diesel::delete(listings::table.filter(listings::id.eq_any(&posted))).execute(conn)?;
        // Aliases, fields, memberships, invitations, registrations and robots of the
        // organizations cascade; a parent inside the samples goes in the
        // same statement.
        let orgs_gone =
            diesel::delete(organizations::table.filter(organizations::id.eq_any(&orgs)))
                .execute(conn)?;
        let emails = diesel::delete(
            outbox_emails::table.filter(
                outbox_emails::to_address
                    .like(&at_domain)
                    .or(outbox_emails::user_id.eq_any(&people)),
            ),
        )
        .execute(conn)?;
        // Tokens, sessions, the inbox and preferences go with the accounts.
        let accounts =
            diesel::delete(users::table.filter(users::id.eq_any(&people))).execute(conn)?;
        Ok(Removed {
            organizations: orgs_gone,
            accounts,
            listings: listings_gone,
            events: events_gone,
            projects: projects_gone,
            emails,
        })
    })
}
