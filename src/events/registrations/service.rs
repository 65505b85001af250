//! Registration operations: register attendees (a place while places last, then the
//! waitlist), cancel one (the freed place goes to the first in line who fits), list them,
//! record attendance, report participation. Each write is one transaction with its notices:
//! `register` and `cancel` run in the caller's (`AppState::write_and_mail`, which wakes the
//! mail worker after commit), `record_attendance` opens its own.

use chrono::NaiveDateTime;

use super::domain::{AttendeeInput, attendees, queue_of};
use super::model::{self, Registration};
use crate::app::{AppState, AuthUser, Postman, acting_organization};
use crate::db::ids::{EventId, OrganizationId, RegistrationId};
use crate::db::types::now;
use crate::db::{DbConnection, write_tx};
use crate::error::{ApiError, ErrorCode, FieldError, Text};
use crate::events::access::visible_to;
use crate::events::domain::{EventStatus, Places, RegistrationStatus, allocate, registration_open};
use crate::events::model::{self as events, Event};
use crate::events::notify::tell_registrations;
use crate::events::views::{NewRegistration, ParticipationRow, RegistrationView};
use crate::notifications::quota;
use crate::notifications::templates::EventNews;
use crate::organizations::model as orgs;

fn with_positions(
    regs: Vec<Registration>,
    queue: &std::collections::HashMap<RegistrationId, i64>,
) -> Vec<RegistrationView> {
    regs.into_iter()
        .map(|r| {
            let pos = queue.get(&r.id).copied();
            RegistrationView::new(r, pos)
        })
        .collect()
}

/// The registrations of an event `user` may see: the bureau sees all, members see their
/// organizations'.
pub fn list(
    conn: &mut DbConnection,
    user: &AuthUser,
    event_id: &EventId,
) -> Result<Vec<RegistrationView>, ApiError> {
    let ev = visible_to(conn, Some(user), event_id)?;
    let all = model::registrations(conn, &ev.id, None)?;
    let queue = queue_of(&all);
    let mine: Vec<Registration> = if user.is_bureau() {
        all
    } else {
        let orgs = orgs::organization_ids_of(conn, &user.id)?;
        all.into_iter()
            .filter(|r| orgs.contains(&r.organization_id))
            .collect()
    };
    Ok(with_positions(mine, &queue))
}

/// The registrations of an event `user` may see ([`list`]; the JSON route and the pages).
pub async fn registrations_of(
    state: &AppState,
    user: AuthUser,
    event_id: EventId,
) -> Result<Vec<RegistrationView>, ApiError> {
    state.db.run(move |conn| list(conn, &user, &event_id)).await
}

/// Cancel registration `id` ([`cancel`]) through `write_and_mail`: the JSON route and the
/// registrations page call this.
pub async fn cancel_registration(
    state: &AppState,
    user: AuthUser,
    event_id: EventId,
    id: RegistrationId,
) -> Result<RegistrationView, ApiError> {
    state
        .write_and_mail(move |conn, postman| cancel(conn, postman, &user, &event_id, &id))
        .await
}

/// Register attendees of one of the caller's organizations, from a request body: the JSON
/// route and the event page call this: [`register`] through `write_and_mail`.
pub async fn register_attendees(
    state: &AppState,
    user: AuthUser,
    event_id: EventId,
    b: NewRegistration,
) -> Result<Vec<RegistrationView>, ApiError> {
    user.require_verified()?;
    let people = attendees(&b.attendees)?;
    let quota = state.settings.quotas.outside_attendees_per_hour;
    let org_id = b.organization_id;
    state
        .write_and_mail(move |conn, postman| {
            register(conn, postman, quota, &user, &event_id, &org_id, people)
        })
        .await
}

/// Register `people` for `org_id` at event `event_id`, as `user` (a member of `org_id`).
/// Each gets a place while places last (in total and per organization), then a waitlist
/// position; attendees without an account count towards `outside_quota` per hour. Runs in
/// the caller's write transaction (it locks the event row there).
pub fn register(
    conn: &mut DbConnection,
    postman: &Postman,
    outside_quota: u32,
    user: &AuthUser,
    event_id: &EventId,
    org_id: &OrganizationId,
    people: Vec<AttendeeInput>,
) -> Result<Vec<RegistrationView>, ApiError> {
    user.require_verified()?;
    // A draft answers `event_not_published` below: its id is unguessable, and the
    // registrant learns nothing else about it.
    let ev = events::find_for_update(conn, event_id)?.ok_or(ApiError::NotFound)?;
    acting_organization(
        conn,
        &user.id,
        org_id,
        "organization_id",
        Text::key("problem.forbidden.register_attendees"),
    )?;
    let t = now();
    registration_open(
        ev.status,
        ev.registration_opens_at,
        ev.registration_closes_at,
        ev.starts_at,
        t,
    )
    .map_err(|c| ApiError::rule(c.code(), c.detail()))?;
    require_audience(conn, &ev, org_id)?;
    let emails: Vec<String> = people.iter().map(|p| p.email.clone()).collect();
    require_unregistered(conn, &ev, org_id, &emails)?;
    let outside = model::outside_addresses(conn, &emails)?;
    if !outside.is_empty() {
        let since = t - quota::WINDOW;
        let sent = model::outside_registrations_since(conn, &ev.id, org_id, since)?;
        quota::check_hourly(sent, outside.len(), outside_quota, t)?;
    }
    let rows = new_registrations(conn, &ev, user, org_id, people, t)?;
    model::insert_registrations(conn, &rows)?;
    let (confirmed, waiting): (Vec<Registration>, Vec<Registration>) = rows
        .iter()
        .cloned()
        .partition(|r| r.status == RegistrationStatus::Confirmed);
    tell_registrations(conn, postman, &ev, EventNews::Confirmed, &confirmed)?;
    tell_registrations(conn, postman, &ev, EventNews::Waitlisted, &waiting)?;
    let queue = model::queue_positions(conn, &ev.id, &rows)?;
    Ok(with_positions(rows, &queue))
}

/// The organization was invited, or the audience selects it now.
fn require_audience(
    conn: &mut DbConnection,
    ev: &Event,
    org_id: &OrganizationId,
) -> Result<(), ApiError> {
    let audience = events::audiences(conn, std::slice::from_ref(&ev.id))?
        .remove(&ev.id)
        .unwrap_or_default();
    let in_audience = events::is_invited(conn, &ev.id, org_id)?
        || !events::audience_organizations(conn, &audience, ev.leading_only, Some(org_id))?
            .is_empty();
    if !in_audience {
        return Err(ApiError::Forbidden {
            code: ErrorCode::NotInAudience,
            detail: Text::key("problem.not_in_audience"),
        });
    }
    Ok(())
}

/// None of `emails` holds a live registration of `org_id` for the event. An address
/// another organization registered is not looked at: refusing it would tell an outsider
/// who is registered, so each organization's registration of a person is its own (the
/// bureau sees both).
fn require_unregistered(
    conn: &mut DbConnection,
    ev: &Event,
    org_id: &OrganizationId,
    emails: &[String],
) -> Result<(), ApiError> {
    let taken = model::active_email_taken(conn, &ev.id, org_id, emails)?;
    if taken.is_empty() {
        return Ok(());
    }
    let at: Vec<String> = emails
        .iter()
        .enumerate()
        .filter(|(_, e)| taken.contains(e))
        .map(|(i, _)| format!("attendees[{i}]"))
        .collect();
    Err(ApiError::conflict(
        ErrorCode::AlreadyRegistered,
        Text::key("problem.already_registered").arg("which", at.join(", ")),
    ))
}

/// The rows for `people`, confirmed or waitlisted by the allocation rule.
fn new_registrations(
    conn: &mut DbConnection,
    ev: &Event,
    user: &AuthUser,
    org_id: &OrganizationId,
    people: Vec<AttendeeInput>,
    t: NaiveDateTime,
) -> Result<Vec<Registration>, ApiError> {
    let (total, by_org) = model::taken(conn, &ev.id, org_id)?;
    let mut places = places_of(ev)
        .held(org_id.as_str(), by_org)
        .held_elsewhere(total - by_org);
    let places = allocate(&mut places, people.iter().map(|_| org_id.as_str()));
    Ok(people
        .into_iter()
        .zip(places)
        .map(|(p, confirmed)| Registration {
            id: RegistrationId::new(),
            event_id: ev.id.clone(),
            organization_id: org_id.clone(),
            registered_by: Some(user.id.clone()),
            attendee_name: p.name,
            attendee_email: p.email,
            attendee_phone: p.phone,
            status: if confirmed {
                RegistrationStatus::Confirmed
            } else {
                RegistrationStatus::Waitlisted
            },
            attended: false,
            reminded_for: None,
            cancelled_at: None,
            created_at: t,
            updated_at: t,
        })
        .collect())
}

fn places_of(ev: &Event) -> Places {
    Places::new(
        i64::from(ev.capacity),
        ev.capacity_per_organization.map(i64::from),
    )
}

/// Cancel registration `id` of event `event_id` (a member of the registering organization,
/// or the bureau). A freed place goes to the first in line who fits, who is told. Runs in
/// the caller's write transaction.
pub fn cancel(
    conn: &mut DbConnection,
    postman: &Postman,
    user: &AuthUser,
    event_id: &EventId,
    id: &RegistrationId,
) -> Result<RegistrationView, ApiError> {
    let ev = events::find_for_update(conn, event_id)?.ok_or(ApiError::NotFound)?;
    let r = model::registration(conn, &ev.id, id)?.ok_or(ApiError::NotFound)?;
    // Outsiders learn nothing about other organizations' registrations.
    if !user.is_bureau() && orgs::role_of(conn, &r.organization_id, &user.id)?.is_none() {
        return Err(ApiError::NotFound);
    }
    if r.status == RegistrationStatus::Cancelled {
        return Ok(RegistrationView::new(r, None));
    }
    if ev.status == EventStatus::Completed {
        return Err(ApiError::rule(
            ErrorCode::EventCompleted,
            Text::key("problem.event_completed"),
        ));
    }
    let t = now();
    model::set_status(conn, &r.id, RegistrationStatus::Cancelled, t)?;
    let r = model::registration(conn, &ev.id, &r.id)?.ok_or(ApiError::NotFound)?;
    if ev.status == EventStatus::Published {
        let news = EventNews::RegistrationCancelled;
        tell_registrations(conn, postman, &ev, news, std::slice::from_ref(&r))?;
        promote(conn, postman, &ev, t)?;
    }
    Ok(RegistrationView::new(r, None))
}

/// Move waitlisted attendees up, in order, while places are free (the one allocation rule,
/// [`allocate`]), and tell each promoted one. Runs in the caller's transaction.
pub fn promote(
    conn: &mut DbConnection,
    postman: &Postman,
    ev: &Event,
    at: NaiveDateTime,
) -> Result<Vec<Registration>, ApiError> {
    let all = model::registrations(conn, &ev.id, None)?;
    let mut places = places_of(ev).held_by(
        all.iter()
            .filter(|r| r.status == RegistrationStatus::Confirmed)
            .map(|r| r.organization_id.as_str()),
    );
    let waiting: Vec<Registration> = all
        .into_iter()
        .filter(|r| r.status == RegistrationStatus::Waitlisted)
        .collect();
    let fits = allocate(
        &mut places,
        waiting.iter().map(|r| r.organization_id.as_str()),
    );
    let mut promoted = Vec::new();
    for (r, confirmed) in waiting.into_iter().zip(fits) {
        if confirmed {
            model::set_status(conn, &r.id, RegistrationStatus::Confirmed, at)?;
            promoted.push(Registration {
                status: RegistrationStatus::Confirmed,
                ..r
            });
        }
    }
    tell_registrations(conn, postman, ev, EventNews::Promoted, &promoted)?;
    Ok(promoted)
}

/// Mark confirmed registrations of a held event as attended (or not), as the bureau;
/// returns how many changed.
pub fn record_attendance(
    conn: &mut DbConnection,
    user: &AuthUser,
    event_id: &EventId,
    ids: &[RegistrationId],
    attended: bool,
) -> Result<usize, ApiError> {
    user.require_bureau()?;
    if ids.is_empty() || ids.len() > 1000 {
        let e = FieldError::of("registration_ids", ErrorCode::CountOutOfRange);
        return Err(e.arg("max", 1000usize).into());
    }
    write_tx(conn, |conn| {
        let ev = events::find(conn, event_id)?.ok_or(ApiError::NotFound)?;
        if !matches!(ev.status, EventStatus::Published | EventStatus::Completed)
            || ev.starts_at > now()
        {
            return Err(ApiError::rule(
                ErrorCode::EventNotStarted,
                Text::key("problem.event_not_started"),
            ));
        }
        let n = model::set_attended(conn, &ev.id, ids, attended, now())?;
        crate::app::audit::record(
            conn,
            Some(&user.id),
            "attendance_recorded",
            "event",
            &ev.id,
            None,
        )?;
        Ok(n)
    })
}

/// [`record_attendance`] from a request body, on the blocking pool: the JSON route and the
/// bureau's event page (`attended` defaults to true).
pub async fn mark_attendance(
    state: &AppState,
    user: AuthUser,
    event_id: EventId,
    b: crate::events::views::AttendanceBody,
) -> Result<usize, ApiError> {
    let attended = b.attended.unwrap_or(true);
    let ids: Vec<RegistrationId> = b.registration_ids;
    (state.db)
        .run(move |conn| record_attendance(conn, &user, &event_id, &ids, attended))
        .await
}

/// Per-organization participation in events starting in `[from, to)`: invitations,
/// registered attendees, attendance. The bureau sees every organization (or the one
/// asked for); members see their own, most attended first.
pub fn participation(
    conn: &mut DbConnection,
    user: &AuthUser,
    organization_id: Option<&OrganizationId>,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
) -> Result<Vec<ParticipationRow>, ApiError> {
    let scope: Option<Vec<OrganizationId>> = match (organization_id, user.is_bureau()) {
        (Some(id), true) => Some(vec![id.clone()]),
        (None, true) => None,
        (Some(id), false) => {
            if orgs::role_of(conn, id, &user.id)?.is_none() {
                return Err(ApiError::forbidden(Text::key(
                    "problem.forbidden.participation",
                )));
            }
            Some(vec![id.clone()])
        }
        (None, false) => Some(orgs::organization_ids_of(conn, &user.id)?),
    };
    let counts = events::participation(conn, scope.as_deref(), from, to)?;
    let ids: Vec<OrganizationId> = counts.keys().cloned().collect();
    let names = events::organization_names(conn, &ids)?;
    let mut items: Vec<ParticipationRow> = counts
        .into_iter()
        .map(|(id, p)| ParticipationRow {
            organization_name: names.get(&id).cloned().unwrap_or_default(),
            organization_id: id,
            invited: p.invited,
            registered: p.registered,
            attended: p.attended,
        })
        .collect();
    items.sort_by(|a, b| {
        b.attended
            .cmp(&a.attended)
            .then(b.registered.cmp(&a.registered))
            .then(a.organization_id.cmp(&b.organization_id))
    });
    Ok(items)
}
