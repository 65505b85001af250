//! Event endpoints: the bureau drafts, publishes, edits and cancels; members of the
//! organizations in the audience register attendees; everyone registered gets calendars.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use super::domain::{
    EventKind, EventStatus, Places, RegistrationStatus, allocate, registration_open,
};
use super::ics;
use super::model::{self, Audience, Event, Filter, Person, Registration};
use super::notify::{self, Target};
use super::views::*;
use crate::accounts::domain::Email;
use crate::app::AppState;
use crate::app::Locale;
use crate::app::pagination;
use crate::app::text;
use crate::app::{AuthUser, acting_organization};
use crate::auth::tokens::{hash_token, random_token};
use crate::db::DbConnection;
use crate::db::schema::users;
use crate::db::types::{new_id, now, utc};
use crate::error::{ApiError, FieldError, Problem};
use crate::notifications::templates::EventNews;
use crate::organizations::domain::OrgKind;
use crate::organizations::{model as orgs, taxonomy};

const MAX_ATTENDEES: usize = 50;
const MAX_AUDIENCE_ENTRIES: usize = 500;

fn naive(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

/// Views with audiences and counts loaded in two queries.
fn views(conn: &mut DbConnection, rows: Vec<Event>) -> Result<Vec<EventView>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|e| e.id.clone()).collect();
    let mut audiences = model::audiences(conn, &ids)?;
    let counts = model::counts(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|e| {
            let a = audiences.remove(&e.id).unwrap_or_default();
            let c = counts.get(&e.id).copied().unwrap_or_default();
            EventView::new(e, a, c)
        })
        .collect())
}

fn view(conn: &mut DbConnection, ev: Event) -> Result<EventView, ApiError> {
    views(conn, vec![ev])?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("event view lost")))
}

/// An event the caller may see: drafts are the bureau's alone.
fn visible(conn: &mut DbConnection, user: &AuthUser, id: &str) -> Result<Event, ApiError> {
    visible_to(conn, Some(user), id)
}

/// An event as someone, or a visitor without an account, may see it: a visitor sees what
/// any registered user sees (published, completed and cancelled events).
fn visible_to(
    conn: &mut DbConnection,
    user: Option<&AuthUser>,
    id: &str,
) -> Result<Event, ApiError> {
    let ev = model::find(conn, id)?.ok_or(ApiError::NotFound)?;
    if ev.status() == EventStatus::Draft && !user.is_some_and(AuthUser::is_bureau) {
        return Err(ApiError::NotFound);
    }
    Ok(ev)
}

/// One event and its calendar file as `user` may see them (the event page).
pub async fn event_with_calendar(
    state: &AppState,
    user: Option<AuthUser>,
    id: String,
) -> Result<(EventView, String), ApiError> {
    let postman = state.postman.clone();
    state
        .db
        .run(move |conn| {
            let ev = visible_to(conn, user.as_ref(), &id)?;
            let ics = ics::event_calendar(&ev, "collab-registry", &notify::link(&postman, &ev));
            Ok((view(conn, ev)?, ics))
        })
        .await
}

fn check_timezone(tz: &str, errors: &mut Vec<FieldError>) {
    if tz.parse::<chrono_tz::Tz>().is_err() {
        errors.push(FieldError::new(
            "timezone",
            "timezone_unknown",
            "use an IANA time zone such as Asia/Shanghai",
        ));
    }
}

fn check_url(field: &str, url: &str, errors: &mut Vec<FieldError>) {
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 500 {
        errors.push(FieldError::new(
            field,
            "url_invalid",
            "use an http(s) address of at most 500 characters",
        ));
    }
}

/// Rules every stored event obeys, checked after applying a create or a change.
fn check_event(ev: &Event, errors: &mut Vec<FieldError>) {
    check_timezone(&ev.timezone, errors);
    if ev.ends_at <= ev.starts_at {
        errors.push(FieldError::new(
            "ends_at",
            "ends_before_start",
            "the event must end after it starts",
        ));
    }
    if !(1..=100_000).contains(&ev.capacity) {
        errors.push(FieldError::new(
            "capacity",
            "out_of_range",
            "capacity is 1 to 100000",
        ));
    }
    if let Some(p) = ev.capacity_per_organization
        && !(1..=ev.capacity).contains(&p)
    {
        errors.push(FieldError::new(
            "capacity_per_organization",
            "out_of_range",
            "between 1 and the total capacity",
        ));
    }
    if let (Some(o), Some(c)) = (ev.registration_opens_at, ev.registration_closes_at)
        && c <= o
    {
        errors.push(FieldError::new(
            "registration_closes_at",
            "window_empty",
            "registration must close after it opens",
        ));
    }
    if ev.registration_closes_at.is_some_and(|c| c > ev.ends_at) {
        errors.push(FieldError::new(
            "registration_closes_at",
            "closes_after_end",
            "registration must close before the event ends",
        ));
    }
    if let Some(url) = &ev.online_url {
        check_url("online_url", url, errors);
    }
}

fn check_audience(
    conn: &mut DbConnection,
    a: &AudienceBody,
    errors: &mut Vec<FieldError>,
) -> Result<(), ApiError> {
    let total =
        a.kinds.len() + a.region_codes.len() + a.field_codes.len() + a.organization_ids.len();
    if total > MAX_AUDIENCE_ENTRIES {
        errors.push(FieldError::new(
            "audience",
            "too_many",
            format!("at most {MAX_AUDIENCE_ENTRIES} entries"),
        ));
        return Ok(());
    }
    let filtered = !a.kinds.is_empty()
        || !a.region_codes.is_empty()
        || !a.field_codes.is_empty()
        || a.leading_only;
    if !a.organization_ids.is_empty() && filtered {
        errors.push(FieldError::new(
            "audience.organization_ids",
            "audience_ambiguous",
            "give either an explicit list of organizations or a filter, not both",
        ));
    }
    for (i, k) in a.kinds.iter().enumerate() {
        if k.parse::<OrgKind>().is_err() {
            errors.push(FieldError::new(
                format!("audience.kinds[{i}]"),
                "kind_unknown",
                "enterprise, university, research_institute or bureau",
            ));
        }
    }
    for (i, r) in a.region_codes.iter().enumerate() {
        if !taxonomy::region_exists(conn, r)? {
            errors.push(FieldError::new(
                format!("audience.region_codes[{i}]"),
                "region_unknown",
                "not a region code from /api/v1/regions",
            ));
        }
    }
    for f in taxonomy::unknown_fields(conn, &a.field_codes)? {
        errors.push(FieldError::new(
            "audience.field_codes",
            "field_unknown",
            format!("`{f}` is not a field code from /api/v1/fields"),
        ));
    }
    for (i, id) in a.organization_ids.iter().enumerate() {
        if orgs::find(conn, id)?.is_none() {
            errors.push(FieldError::new(
                format!("audience.organization_ids[{i}]"),
                "organization_unknown",
                "no such organization",
            ));
        }
    }
    Ok(())
}

/// Draft an event (bureau).
#[utoipa::path(post, path = "/api/v1/events", tag = "events", security(("bearer" = [])), request_body = NewEvent,
    responses((status = 201, body = EventView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_event(
    state: web::Data<AppState>,
    user: AuthUser,
    body: crate::extract::ApiJson<NewEvent>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let b = body.0;
    let view = state
        .db
        .write(move |conn| {
            let mut errors = Vec::new();
            let t = now();
            let ev = Event {
                id: new_id(),
                kind: b.kind.as_str().to_owned(),
                title: text::required("title", &b.title, 200, &mut errors),
                title_en: b
                    .title_en
                    .as_deref()
                    .map(|x| text::required("title_en", x, 200, &mut errors)),
                description: text::required("description", &b.description, 10_000, &mut errors),
                starts_at: naive(b.starts_at),
                ends_at: naive(b.ends_at),
                timezone: b.timezone.unwrap_or_else(|| "Asia/Shanghai".to_owned()),
                location: text::required("location", &b.location, 500, &mut errors),
                online_url: b.online_url,
                organizer: b
                    .organizer
                    .as_deref()
                    .map(|x| text::required("organizer", x, 200, &mut errors))
                    .unwrap_or_else(|| {
                        "市工业和信息化局 / Municipal Bureau of Industry and Information Technology"
                            .to_owned()
                    }),
                capacity: b.capacity,
                capacity_per_organization: b.capacity_per_organization,
                registration_opens_at: b.registration_opens_at.map(naive),
                registration_closes_at: b.registration_closes_at.map(naive),
                leading_only: b.audience.leading_only,
                status: EventStatus::Draft.as_str().to_owned(),
                sequence: 0,
                cancel_reason: None,
                published_at: None,
                created_by: Some(user.id.clone()),
                created_at: t,
                updated_at: t,
            };
            check_event(&ev, &mut errors);
            check_audience(conn, &b.audience, &mut errors)?;
            ApiError::fields(errors)?;
            model::insert(conn, &ev)?;
            model::set_audience(conn, &ev.id, &b.audience.to_audience())?;
            crate::app::audit::record(
                conn,
                Some(&user.id),
                "event_created",
                "event",
                &ev.id,
                None,
            )?;
            view(conn, ev)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/events/{}", view.id)))
        .json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// `draft` (bureau only), `published`, `completed` or `cancelled`; default: all the
    /// caller may see.
    pub status: Option<EventStatus>,
    pub kind: Option<EventKind>,
    /// Events starting at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Events starting before this instant.
    pub to: Option<DateTime<Utc>>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Events, soonest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", security(("bearer" = [])), params(EventQuery),
    responses((status = 200, body = pagination::Page<EventView>), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list_events(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<EventQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = event_list(&state, Some(&user), query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One page of events, soonest first, as `user` (or a visitor) may see them: the bureau
/// sees drafts too. The JSON route and the events page call this.
pub async fn event_list(
    state: &AppState,
    user: Option<&AuthUser>,
    q: EventQuery,
) -> Result<pagination::Page<EventView>, ApiError> {
    let limit = pagination::limit(q.limit)?;
    let after = pagination::decode_cursor(q.cursor.as_deref())?
        .map(|c| {
            c.split_once('|')
                .and_then(|(micros, id)| {
                    let t = DateTime::<Utc>::from_timestamp_micros(micros.parse().ok()?)?;
                    Some((t.naive_utc(), id.to_owned()))
                })
                .ok_or_else(|| {
                    ApiError::field(
                        "cursor",
                        "cursor_invalid",
                        "not a cursor this service issued",
                    )
                })
        })
        .transpose()?;
    let visible: Vec<EventStatus> = if user.is_some_and(AuthUser::is_bureau) {
        EventStatus::ALL.to_vec()
    } else {
        vec![
            EventStatus::Published,
            EventStatus::Completed,
            EventStatus::Cancelled,
        ]
    };
    let statuses: Vec<String> = visible
        .into_iter()
        .filter(|s| q.status.is_none_or(|w| w == *s))
        .map(|s| s.as_str().to_owned())
        .collect();
    let filter = Filter {
        statuses,
        kind: q.kind.map(|k| k.as_str().to_owned()),
        from: q.from.map(naive),
        to: q.to.map(naive),
        after,
    };
    state
        .db
        .run(move |conn| {
            let rows = model::list(conn, &filter, limit + 1)?;
            pagination::try_page(
                rows,
                limit,
                |e| format!("{}|{}", utc(e.starts_at).timestamp_micros(), e.id),
                |rows| views(conn, rows),
            )
        })
        .await
}

/// One event.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, body = EventView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get_event(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let v = state
        .db
        .run(move |conn| {
            let ev = visible(conn, &user, &id)?;
            view(conn, ev)
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Change an event (bureau). Drafts change freely; a published event keeps its audience,
/// and a change of time or place bumps its SEQUENCE and tells invitees and registrants.
#[utoipa::path(patch, path = "/api/v1/events/{id}", tag = "events", security(("bearer" = [])), request_body = EventChanges,
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, body = EventView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem, description = "invalid, or event_closed, audience_locked, capacity_below_confirmed")))]
pub async fn update_event(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: crate::extract::ApiJson<EventChanges>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let (id, c) = (id.into_inner(), body.0);
    let postman = state.postman.clone();
    let v = state
        .db
        .write(move |conn| {
            let old = model::find_for_update(conn, &id)?.ok_or(ApiError::NotFound)?;
            let status = old.status();
            if matches!(status, EventStatus::Cancelled | EventStatus::Completed) {
                return Err(ApiError::rule(
                    "event_closed",
                    "a cancelled or completed event cannot change",
                ));
            }
            if status == EventStatus::Published && c.audience.is_some() {
                return Err(ApiError::rule(
                    "audience_locked",
                    "the audience of a published event is fixed: its invitations are sent",
                ));
            }
            let mut errors = Vec::new();
            let mut ev = old.clone();
            if let Some(k) = c.kind {
                ev.kind = k.as_str().to_owned();
            }
            if let Some(x) = &c.title {
                ev.title = text::required("title", x, 200, &mut errors);
            }
            if let Some(x) = &c.title_en {
                ev.title_en = Some(text::required("title_en", x, 200, &mut errors));
            }
            if let Some(x) = &c.description {
                ev.description = text::required("description", x, 10_000, &mut errors);
            }
            if let Some(x) = &c.location {
                ev.location = text::required("location", x, 500, &mut errors);
            }
            if let Some(x) = &c.organizer {
                ev.organizer = text::required("organizer", x, 200, &mut errors);
            }
            if let Some(x) = c.starts_at {
                ev.starts_at = naive(x);
            }
            if let Some(x) = c.ends_at {
                ev.ends_at = naive(x);
            }
            if let Some(x) = &c.timezone {
                ev.timezone = x.clone();
            }
            if let Some(x) = &c.online_url {
                ev.online_url = Some(x.clone());
            }
            if let Some(x) = c.capacity {
                ev.capacity = x;
            }
            if let Some(x) = c.capacity_per_organization {
                ev.capacity_per_organization = Some(x);
            }
            if let Some(x) = c.registration_opens_at {
                ev.registration_opens_at = Some(naive(x));
            }
            if let Some(x) = c.registration_closes_at {
                ev.registration_closes_at = Some(naive(x));
            }
            if let Some(a) = &c.audience {
                ev.leading_only = a.leading_only;
                check_audience(conn, a, &mut errors)?;
            }
            check_event(&ev, &mut errors);
            ApiError::fields(errors)?;
            let (confirmed, _) = model::counts(conn, std::slice::from_ref(&ev.id))?
                .remove(&ev.id)
                .unwrap_or_default();
            if i64::from(ev.capacity) < confirmed {
                return Err(ApiError::rule(
                    "capacity_below_confirmed",
                    format!("{confirmed} attendees are confirmed; cancel registrations first"),
                ));
            }
            let moved = ev.starts_at != old.starts_at
                || ev.ends_at != old.ends_at
                || ev.location != old.location
                || ev.online_url != old.online_url
                || ev.timezone != old.timezone;
            let t = now();
            ev.updated_at = t;
            if moved && status == EventStatus::Published {
                ev.sequence += 1;
            }
            model::update(conn, &ev)?;
            if let Some(a) = &c.audience {
                model::set_audience(conn, &ev.id, &a.to_audience())?;
            }
            if status == EventStatus::Published {
                // More places, or a looser per-organization cap, may free some.
                let promoted = model::promote(conn, &ev, t)?;
                tell_registrations(conn, &postman, &ev, EventNews::Promoted, &promoted)?;
                if moved {
                    let targets = everyone(conn, &ev)?;
                    notify::tell(
                        conn,
                        &postman,
                        &ev,
                        EventNews::Changed,
                        &ev.sequence.to_string(),
                        None,
                        targets,
                    )?;
                }
            }
            crate::app::audit::record(
                conn,
                Some(&user.id),
                "event_updated",
                "event",
                &ev.id,
                None,
            )?;
            view(conn, ev)
        })
        .await?;
    state.mail_wake.notify_one();
    Ok(HttpResponse::Ok().json(v))
}

/// Invitees (members of invited organizations) and everyone with a live registration:
/// the registrants and the attendees themselves.
fn everyone(conn: &mut DbConnection, ev: &Event) -> Result<Vec<Target>, ApiError> {
    let mut targets: Vec<Target> = model::invitees(conn, &ev.id)?
        .into_iter()
        .map(Target::User)
        .collect();
    let regs: Vec<Registration> = model::registrations(conn, &ev.id, None)?
        .into_iter()
        .filter(|r| r.status != RegistrationStatus::Cancelled.as_str())
        .collect();
    targets.extend(targets_of(conn, &regs)?);
    Ok(targets)
}

/// For each registration: the member who registered and the attendee (as an account
/// holder when the address belongs to one, else as a guest in the registrant's language).
pub fn targets_of(conn: &mut DbConnection, regs: &[Registration]) -> QueryResult<Vec<Target>> {
    let registrants: Vec<String> = regs
        .iter()
        .filter_map(|r| r.registered_by.clone())
        .collect();
    let registrants: HashMap<String, Person> = model::people(conn, &registrants)?
        .into_iter()
        .map(|p| (p.user_id.clone(), p))
        .collect();
    let emails: Vec<String> = regs.iter().map(|r| r.attendee_email.clone()).collect();
    let accounts = model::people_by_email(conn, &emails)?;
    let mut out = Vec::new();
    for r in regs {
        let registrant = r.registered_by.as_ref().and_then(|id| registrants.get(id));
        if let Some(p) = registrant {
            out.push(Target::User(p.clone()));
        }
        match accounts.get(&r.attendee_email) {
            Some(p) => out.push(Target::User(p.clone())),
            None => out.push(Target::Guest {
                email: r.attendee_email.clone(),
                name: r.attendee_name.clone(),
                locale: registrant
                    .and_then(|p| p.locale.parse().ok())
                    .unwrap_or(Locale::ZhCn),
            }),
        }
    }
    Ok(out)
}

fn tell_registrations(
    conn: &mut DbConnection,
    postman: &crate::notifications::inbox::Postman,
    ev: &Event,
    news: EventNews,
    regs: &[Registration],
) -> Result<(), ApiError> {
    for r in regs {
        let targets = targets_of(conn, std::slice::from_ref(r))?;
        notify::tell(
            conn,
            postman,
            ev,
            news,
            &r.id,
            Some(&r.attendee_name),
            targets,
        )?;
    }
    Ok(())
}

/// Publish a draft (bureau): every verified organization in the audience is invited
/// and its members notified, once. Publishing a published event changes nothing.
#[utoipa::path(post, path = "/api/v1/events/{id}/publish", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, body = EventView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem, description = "event_closed or event_in_past")))]
pub async fn publish_event(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let id = id.into_inner();
    let postman = state.postman.clone();
    let v = state
        .db
        .write(move |conn| {
            let mut ev = model::find_for_update(conn, &id)?.ok_or(ApiError::NotFound)?;
            match ev.status() {
                EventStatus::Published => return view(conn, ev),
                EventStatus::Draft => {}
                EventStatus::Cancelled | EventStatus::Completed => {
                    return Err(ApiError::rule(
                        "event_closed",
                        "a cancelled or completed event cannot be published",
                    ));
                }
            }
            let t = now();
            if ev.starts_at <= t {
                return Err(ApiError::rule(
                    "event_in_past",
                    "the event has already started",
                ));
            }
            publish(conn, &postman, &mut ev, t)?;
            crate::app::audit::record(
                conn,
                Some(&user.id),
                "event_published",
                "event",
                &ev.id,
                None,
            )?;
            view(conn, ev)
        })
        .await?;
    state.mail_wake.notify_one();
    Ok(HttpResponse::Ok().json(v))
}

/// Mark `ev` published, record the invited organizations and notify their members.
/// Runs inside the caller's transaction; used by the endpoint and the benchmark.
pub fn publish(
    conn: &mut DbConnection,
    postman: &crate::notifications::inbox::Postman,
    ev: &mut Event,
    t: NaiveDateTime,
) -> Result<usize, ApiError> {
    ev.status = EventStatus::Published.as_str().to_owned();
    ev.published_at = Some(t);
    ev.updated_at = t;
    model::update(conn, ev)?;
    let audience: Audience = model::audiences(conn, std::slice::from_ref(&ev.id))?
        .remove(&ev.id)
        .unwrap_or_default();
    let orgs = model::audience_organizations(conn, &audience, ev.leading_only, None)?;
    model::invite(conn, &ev.id, &orgs, t)?;
    let targets: Vec<Target> = model::invitees(conn, &ev.id)?
        .into_iter()
        .map(Target::User)
        .collect();
    let done = notify::tell(conn, postman, ev, EventNews::Invited, "0", None, targets)?;
    Ok(done.notices)
}

/// Cancel an event (bureau): invitees and everyone registered are told, with a calendar
/// cancellation attached.
#[utoipa::path(post, path = "/api/v1/events/{id}/cancel", tag = "events", security(("bearer" = [])), request_body = CancelEvent,
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, body = EventView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem, description = "reason missing, or event_closed")))]
pub async fn cancel_event(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: crate::extract::ApiJson<CancelEvent>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let (id, b) = (id.into_inner(), body.0);
    let postman = state.postman.clone();
    let v = state
        .db
        .write(move |conn| {
            let mut errors = Vec::new();
            let reason = text::required("reason", &b.reason, 1000, &mut errors);
            ApiError::fields(errors)?;
            let mut ev = model::find_for_update(conn, &id)?.ok_or(ApiError::NotFound)?;
            match ev.status() {
                EventStatus::Cancelled => return view(conn, ev),
                EventStatus::Completed => {
                    return Err(ApiError::rule(
                        "event_closed",
                        "a completed event cannot be cancelled",
                    ));
                }
                EventStatus::Draft | EventStatus::Published => {}
            }
            let was_published = ev.status() == EventStatus::Published;
            ev.status = EventStatus::Cancelled.as_str().to_owned();
            ev.cancel_reason = Some(reason);
            ev.sequence += 1;
            ev.updated_at = now();
            model::update(conn, &ev)?;
            if was_published {
                let targets = everyone(conn, &ev)?;
                notify::tell(
                    conn,
                    &postman,
                    &ev,
                    EventNews::Cancelled,
                    "0",
                    None,
                    targets,
                )?;
            }
            crate::app::audit::record(
                conn,
                Some(&user.id),
                "event_cancelled",
                "event",
                &ev.id,
                ev.cancel_reason.as_deref(),
            )?;
            view(conn, ev)
        })
        .await?;
    state.mail_wake.notify_one();
    Ok(HttpResponse::Ok().json(v))
}

fn calendar_response(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(body)
}

/// The event as iCalendar (RFC 5545): stable UID, SEQUENCE bumped on change,
/// `METHOD:CANCEL` once cancelled.
#[utoipa::path(get, path = "/api/v1/events/{id}.ics", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn event_ics(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let postman = state.postman.clone();
    let body = state
        .db
        .run(move |conn| {
            let ev = visible(conn, &user, &id)?;
            Ok(ics::event_calendar(
                &ev,
                "collab-registry",
                &notify::link(&postman, &ev),
            ))
        })
        .await?;
    Ok(calendar_response(body))
}

/// Places in line from an event's full list of registrations (in id order).
fn queue_of(all: &[Registration]) -> HashMap<String, i64> {
    all.iter()
        .filter(|r| r.status == RegistrationStatus::Waitlisted.as_str())
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i as i64 + 1))
        .collect()
}

fn with_positions(regs: Vec<Registration>, queue: &HashMap<String, i64>) -> Vec<RegistrationView> {
    regs.into_iter()
        .map(|r| {
            let pos = queue.get(r.id.as_str()).copied();
            RegistrationView::new(r, pos)
        })
        .collect()
}

/// Registrations: the bureau sees all, members see their organizations'.
#[utoipa::path(get, path = "/api/v1/events/{id}/registrations", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, body = RegistrationList), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn list_registrations(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let items = state
        .db
        .run(move |conn| {
            let ev = visible(conn, &user, &id)?;
            let all = model::registrations(conn, &ev.id, None)?;
            let mine: Vec<Registration> = if user.is_bureau() {
                all.clone()
            } else {
                let orgs = orgs::organization_ids_of(conn, &user.id)?;
                all.iter()
                    .filter(|r| orgs.contains(&r.organization_id))
                    .cloned()
                    .collect()
            };
            Ok(with_positions(mine, &queue_of(&all)))
        })
        .await?;
    Ok(HttpResponse::Ok().json(RegistrationList { items }))
}

/// Register named attendees for an organization in the audience. Each gets a place while
/// places last (in total and per organization), then a waitlist position. Attendees
/// without an account count towards `COLLAB_OUTSIDE_ATTENDEES_PER_HOUR` (429 beyond).
#[utoipa::path(post, path = "/api/v1/events/{id}/registrations", tag = "events", security(("bearer" = [])), request_body = NewRegistration,
    params(("id" = String, Path, description = "Event id")),
    responses((status = 201, body = RegistrationList), (status = 401, body = Problem), (status = 403, body = Problem, description = "not a member, or not_in_audience"), (status = 404, body = Problem), (status = 409, body = Problem, description = "already_registered"), (status = 422, body = Problem, description = "invalid attendees, or event_not_published, event_cancelled, event_completed, registration_not_open, registration_closed"), (status = 429, body = Problem, description = "outside-attendee quota, with Retry-After")))]
pub async fn register(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: crate::extract::ApiJson<NewRegistration>,
) -> Result<HttpResponse, ApiError> {
    let items = register_attendees(&state, user, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(RegistrationList { items }))
}

/// Register named attendees of one of the caller's organizations for an event; each gets
/// a place while places last, then a waitlist position. The JSON route and the event
/// page call this.
pub async fn register_attendees(
    state: &AppState,
    user: AuthUser,
    id: String,
    b: NewRegistration,
) -> Result<Vec<RegistrationView>, ApiError> {
    user.require_verified()?;
    let mut errors = Vec::new();
    if b.attendees.is_empty() || b.attendees.len() > MAX_ATTENDEES {
        errors.push(FieldError::new(
            "attendees",
            "count_out_of_range",
            format!("register 1 to {MAX_ATTENDEES} attendees at a time"),
        ));
    }
    let mut people: Vec<(String, String, Option<String>)> = Vec::new();
    for (i, a) in b.attendees.iter().enumerate() {
        let name = text::required(&format!("attendees[{i}].name"), &a.name, 100, &mut errors);
        let email = match Email::parse(&a.email) {
            Ok(e) => e.as_str().to_owned(),
            Err(_) => {
                errors.push(FieldError::new(
                    format!("attendees[{i}].email"),
                    "email_invalid",
                    "not a valid email address",
                ));
                continue;
            }
        };
        if people.iter().any(|(_, e, _)| *e == email) {
            errors.push(FieldError::new(
                format!("attendees[{i}].email"),
                "duplicate",
                "each attendee once",
            ));
        }
        let phone = a.phone.as_deref().map(str::trim).filter(|p| !p.is_empty());
        if phone.is_some_and(|p| {
            p.chars().count() > 30 || !p.chars().all(|c| c.is_ascii_digit() || "+-() ".contains(c))
        }) {
            errors.push(FieldError::new(
                format!("attendees[{i}].phone"),
                "phone_invalid",
                "digits, spaces and + - ( ), at most 30",
            ));
        }
        people.push((name, email, phone.map(str::to_owned)));
    }
    ApiError::fields(errors)?;
    let postman = state.postman.clone();
    let quota = state.settings.quotas.outside_attendees_per_hour;
    let items = state
        .db
        .write(move |conn| {
            // A draft answers `event_not_published` below: its id is unguessable, and
            // the registrant learns nothing else about it.
            let ev = model::find_for_update(conn, &id)?.ok_or(ApiError::NotFound)?;
            acting_organization(
                conn,
                &user.id,
                &b.organization_id,
                "organization_id",
                "only members of the organization register its attendees",
            )?;
            let org_id = b.organization_id.clone();
            let t = now();
            registration_open(
                ev.status(),
                ev.registration_opens_at,
                ev.registration_closes_at,
                ev.starts_at,
                t,
            )
            .map_err(|c| ApiError::rule(c.code(), c.detail()))?;
            let audience = model::audiences(conn, std::slice::from_ref(&ev.id))?
                .remove(&ev.id)
                .unwrap_or_default();
            let in_audience = model::is_invited(conn, &ev.id, &org_id)?
                || !model::audience_organizations(conn, &audience, ev.leading_only, Some(&org_id))?
                    .is_empty();
            if !in_audience {
                return Err(ApiError::Forbidden {
                    code: "not_in_audience",
                    detail: "this event is not open to the organization".to_owned(),
                });
            }
            let emails: Vec<String> = people.iter().map(|(_, e, _)| e.clone()).collect();
            let taken_emails = model::active_email_taken(conn, &ev.id, &emails)?;
            if !taken_emails.is_empty() {
                // Which attendee, by position only: the answer must not tell an outsider
                // which addresses another organization registered.
                let at: Vec<String> = emails
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| taken_emails.contains(e))
                    .map(|(i, _)| format!("attendees[{i}]"))
                    .collect();
                return Err(ApiError::conflict(
                    "already_registered",
                    format!("already registered for this event: {}", at.join(", ")),
                ));
            }
            let outside = model::outside_addresses(conn, &emails)?;
            if !outside.is_empty() {
                let sent = model::outside_registrations_since(
                    conn,
                    &ev.id,
                    &org_id,
                    t - crate::notifications::quota::WINDOW,
                )?;
                crate::notifications::quota::check_hourly(sent, outside.len(), quota, t)?;
            }
            let (total, by_org) = model::taken(conn, &ev.id, &org_id)?;
            let mut places = Places::new(
                i64::from(ev.capacity),
                ev.capacity_per_organization.map(i64::from),
            )
            .held(&org_id, by_org)
            .held_elsewhere(total - by_org);
            let places = allocate(&mut places, people.iter().map(|_| org_id.as_str()));
            let rows: Vec<Registration> = people
                .into_iter()
                .zip(places)
                .map(|((name, email, phone), confirmed)| Registration {
                    id: new_id(),
                    event_id: ev.id.clone(),
                    organization_id: org_id.clone(),
                    registered_by: Some(user.id.clone()),
                    attendee_name: name,
                    attendee_email: email,
                    attendee_phone: phone,
                    status: if confirmed {
                        RegistrationStatus::Confirmed
                    } else {
                        RegistrationStatus::Waitlisted
                    }
                    .as_str()
                    .to_owned(),
                    attended: false,
                    reminded_for: None,
                    cancelled_at: None,
                    created_at: t,
                    updated_at: t,
                })
                .collect();
            model::insert_registrations(conn, &rows)?;
            let (confirmed, waiting): (Vec<Registration>, Vec<Registration>) = rows
                .iter()
                .cloned()
                .partition(|r| r.status == RegistrationStatus::Confirmed.as_str());
            tell_registrations(conn, &postman, &ev, EventNews::Confirmed, &confirmed)?;
            tell_registrations(conn, &postman, &ev, EventNews::Waitlisted, &waiting)?;
            let queue = model::queue_positions(conn, &ev.id, &rows)?;
            Ok(with_positions(rows, &queue))
        })
        .await?;
    state.mail_wake.notify_one();
    Ok(items)
}

/// Cancel one registration (a member of the registering organization, or the bureau).
/// A freed place goes to the first in line, who is told.
#[utoipa::path(delete, path = "/api/v1/events/{id}/registrations/{registration_id}", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id"), ("registration_id" = String, Path, description = "Registration id")),
    responses((status = 200, body = RegistrationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem, description = "event_completed")))]
pub async fn cancel_registration(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, rid) = path.into_inner();
    let postman = state.postman.clone();
    let v = state
        .db
        .write(move |conn| {
            let ev = model::find_for_update(conn, &id)?.ok_or(ApiError::NotFound)?;
            let r = model::registration(conn, &ev.id, &rid)?.ok_or(ApiError::NotFound)?;
            // Outsiders learn nothing about other organizations' registrations.
            if !user.is_bureau() && orgs::role_of(conn, &r.organization_id, &user.id)?.is_none() {
                return Err(ApiError::NotFound);
            }
            if r.status == RegistrationStatus::Cancelled.as_str() {
                return Ok(RegistrationView::new(r, None));
            }
            if ev.status() == EventStatus::Completed {
                return Err(ApiError::rule("event_completed", "the event is over"));
            }
            let t = now();
            model::set_status(conn, &r.id, RegistrationStatus::Cancelled, t)?;
            let r = model::registration(conn, &ev.id, &r.id)?.ok_or(ApiError::NotFound)?;
            if ev.status() == EventStatus::Published {
                tell_registrations(
                    conn,
                    &postman,
                    &ev,
                    EventNews::RegistrationCancelled,
                    std::slice::from_ref(&r),
                )?;
                let promoted = model::promote(conn, &ev, t)?;
                tell_registrations(conn, &postman, &ev, EventNews::Promoted, &promoted)?;
            }
            Ok(RegistrationView::new(r, None))
        })
        .await?;
    state.mail_wake.notify_one();
    Ok(HttpResponse::Ok().json(v))
}

/// Record who attended (bureau).
#[utoipa::path(post, path = "/api/v1/events/{id}/attendance", tag = "events", security(("bearer" = [])), request_body = AttendanceBody,
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, body = AttendanceResult), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem, description = "event_not_started, or too many ids")))]
pub async fn record_attendance(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: crate::extract::ApiJson<AttendanceBody>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let (id, b) = (id.into_inner(), body.0);
    if b.registration_ids.is_empty() || b.registration_ids.len() > 1000 {
        return Err(ApiError::field(
            "registration_ids",
            "count_out_of_range",
            "1 to 1000 registrations at a time",
        ));
    }
    let updated = state
        .db
        .write(move |conn| {
            let ev = model::find(conn, &id)?.ok_or(ApiError::NotFound)?;
            if !matches!(ev.status(), EventStatus::Published | EventStatus::Completed)
                || ev.starts_at > now()
            {
                return Err(ApiError::rule(
                    "event_not_started",
                    "attendance is recorded once a held event has started",
                ));
            }
            let n = model::set_attended(
                conn,
                &ev.id,
                &b.registration_ids,
                b.attended.unwrap_or(true),
                now(),
            )?;
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
        .await?;
    Ok(HttpResponse::Ok().json(AttendanceResult { updated }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ParticipationQuery {
    /// One organization (members may ask for their own; the bureau for any).
    pub organization_id: Option<String>,
    /// Events starting at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Events starting before this instant.
    pub to: Option<DateTime<Utc>>,
}

/// Per-organization participation in events: invitations, registered attendees,
/// attendance. The bureau sees every organization; members see their own.
#[utoipa::path(get, path = "/api/v1/events/participation", tag = "events", security(("bearer" = [])), params(ParticipationQuery),
    responses((status = 200, body = ParticipationReport), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn participation(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ParticipationQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let items = state
        .db
        .run(move |conn| {
            let scope: Option<Vec<String>> = match (&q.organization_id, user.is_bureau()) {
                (Some(id), true) => Some(vec![id.clone()]),
                (None, true) => None,
                (Some(id), false) => {
                    if orgs::role_of(conn, id, &user.id)?.is_none() {
                        return Err(ApiError::forbidden(
                            "members see their own organization's participation",
                        ));
                    }
                    Some(vec![id.clone()])
                }
                (None, false) => Some(orgs::organization_ids_of(conn, &user.id)?),
            };
            let counts =
                model::participation(conn, scope.as_deref(), q.from.map(naive), q.to.map(naive))?;
            let ids: Vec<String> = counts.keys().cloned().collect();
            let names: HashMap<String, String> = crate::db::schema::organizations::table
                .filter(crate::db::schema::organizations::id.eq_any(&ids))
                .select((
                    crate::db::schema::organizations::id,
                    crate::db::schema::organizations::name,
                ))
                .load::<(String, String)>(conn)?
                .into_iter()
                .collect();
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
        })
        .await?;
    Ok(HttpResponse::Ok().json(ParticipationReport { items }))
}

/// Create (or replace) the caller's calendar-feed token. The token is shown once; the
/// previous one stops working.
#[utoipa::path(post, path = "/api/v1/me/calendar-token", tag = "events", security(("bearer" = [])),
    responses((status = 201, body = CalendarFeed), (status = 401, body = Problem)))]
pub async fn create_calendar_token(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let token = random_token();
    let hash = hash_token(&token);
    state
        .db
        .write(move |conn| {
            diesel::update(users::table.find(&user.id))
                .set(users::calendar_token_hash.eq(Some(hash)))
                .execute(conn)?;
            Ok(())
        })
        .await?;
    let url = format!(
        "{}/api/v1/me/calendar.ics?token={token}",
        state.settings.public_url
    );
    Ok(HttpResponse::Created().json(CalendarFeed { token, url }))
}

/// Revoke the caller's calendar-feed token.
#[utoipa::path(delete, path = "/api/v1/me/calendar-token", tag = "events", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = Problem)))]
pub async fn revoke_calendar_token(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    state
        .db
        .write(move |conn| {
            diesel::update(users::table.find(&user.id))
                .set(users::calendar_token_hash.eq(None::<String>))
                .execute(conn)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FeedQuery {
    /// The secret from `POST /api/v1/me/calendar-token`.
    pub token: String,
}

/// The caller's calendar feed (no login: the token is the key): every event they or
/// their registrations are in, cancelled ones marked cancelled.
#[utoipa::path(get, path = "/api/v1/me/calendar.ics", tag = "events", params(FeedQuery),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = Problem, description = "unknown or revoked token")))]
pub async fn calendar_feed(
    state: web::Data<AppState>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let hash = hash_token(&query.into_inner().token);
    let postman = state.postman.clone();
    let body = state
        .db
        .run(move |conn| {
            let (id, email): (String, String) = users::table
                .filter(users::calendar_token_hash.eq(&hash))
                .filter(users::disabled_at.is_null())
                .select((users::id, users::email))
                .first(conn)
                .optional()?
                .ok_or(ApiError::NotFound)?;
            let events = model::calendar_of(conn, &id, &email)?;
            Ok(ics::feed(&events, "collab-registry", |e| {
                notify::link(&postman, e)
            }))
        })
        .await?;
    Ok(calendar_response(body))
}
