//! Expressions of interest and the agreements they become.
//!
//! An organization's member expresses interest in another organization's published need or
//! capability (optionally offering one of its own listings of the other side). The other
//! side accepts (an agreement is recorded, contacts are revealed) or declines with a reason;
//! the sender may withdraw while it is open. One open interest per organization and listing.

use actix_web::{HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::app::Locale;
use crate::app::pagination;
use crate::app::text;
use crate::app::{AuthUser, acting_organization};
use crate::db::DbConnection;
use crate::db::schema::{agreements as ag, interests as i, listings as l};
use crate::db::types::{new_id, now, utc};
use crate::error::{ApiError, FieldError, Problem};
use crate::listings::domain::{ListingStatus, Mode, Side};
use crate::listings::model::{self as listing_model, Listing};
use crate::notifications::inbox::{Notice, Postman, Recipient};
use crate::notifications::outbox::Topic;
use crate::organizations::domain::OrgStatus;
use crate::organizations::model::{self as orgs, Organization};

crate::text_enum! {
    /// Where an interest stands.
    pub enum InterestStatus {
        Open => "open",
        Accepted => "accepted",
        Declined => "declined",
        Withdrawn => "withdrawn",
    }
}

crate::text_enum! {
    /// Why an interest was declined (a fixed list, so the bureau can count them).
    pub enum DeclineReason {
        NotRelevant => "not_relevant",
        TooEarly => "too_early",
        Budget => "budget",
        Timing => "timing",
        AlreadySolved => "already_solved",
        Other => "other",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = i)]
pub struct Interest {
    pub id: String,
    pub from_organization_id: String,
    pub to_organization_id: String,
    pub target_listing_id: String,
    pub offered_listing_id: Option<String>,
    pub message: String,
    pub status: String,
    pub decline_reason: Option<String>,
    pub decline_comment: Option<String>,
    pub created_by: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ag)]
pub struct Agreement {
    pub id: String,
    pub interest_id: String,
    pub need_id: Option<String>,
    pub capability_id: Option<String>,
    pub need_organization_id: String,
    pub provider_organization_id: String,
    pub cooperation_mode: String,
    pub start_date: NaiveDate,
    pub value_yuan: Option<i64>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInterest {
    /// The sender's organization (the caller must be a member).
    pub from_organization_id: String,
    /// A need. With `capability_id` too, one of the two must be the sender's own (its
    /// offer) and the other another organization's (the target); alone, it is the target.
    pub need_id: Option<String>,
    /// A capability (same rule as `need_id`).
    pub capability_id: Option<String>,
    pub message: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInterest {
    /// Default: the first mode both listings share, else the target's first mode, else
    /// `joint_rnd`.
    pub cooperation_mode: Option<Mode>,
    /// Default: today.
    pub start_date: Option<NaiveDate>,
    /// Contract value in yuan, 0 to 10^12.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub value_yuan: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineInterest {
    pub reason: DeclineReason,
    pub comment: Option<String>,
}

/// The other side's contact details, shown once an interest is accepted.
#[derive(Debug, Serialize, ToSchema)]
pub struct CounterpartContact {
    pub organization_id: String,
    pub organization_name: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementView {
    pub id: String,
    pub interest_id: String,
    pub need_id: Option<String>,
    pub capability_id: Option<String>,
    /// The organization whose need it is (or which took up the capability).
    pub need_organization_id: String,
    /// The organization providing the capability.
    pub provider_organization_id: String,
    pub cooperation_mode: String,
    pub start_date: NaiveDate,
    pub value_yuan: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<Agreement> for AgreementView {
    fn from(a: Agreement) -> Self {
        AgreementView {
            id: a.id,
            interest_id: a.interest_id,
            need_id: a.need_id,
            capability_id: a.capability_id,
            need_organization_id: a.need_organization_id,
            provider_organization_id: a.provider_organization_id,
            cooperation_mode: a.cooperation_mode,
            start_date: a.start_date,
            value_yuan: a.value_yuan,
            created_at: utc(a.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InterestView {
    pub id: String,
    pub from_organization_id: String,
    pub to_organization_id: String,
    /// The listing the interest is in (the other organization's).
    pub target_listing_id: String,
    pub target_side: String,
    pub target_title: String,
    /// The sender's own listing it offers, if any.
    pub offered_listing_id: Option<String>,
    pub message: String,
    /// `open`, `accepted`, `declined` or `withdrawn`.
    pub status: String,
    pub decline_reason: Option<String>,
    pub decline_comment: Option<String>,
    /// The caller's view: `sent` or `received` (`both`/`bureau` otherwise).
    pub direction: String,
    /// The other side's contacts: only once accepted, and only to the two parties.
    pub counterpart_contact: Option<CounterpartContact>,
    pub agreement: Option<AgreementView>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

fn contact(org: &Organization) -> CounterpartContact {
    CounterpartContact {
        organization_id: org.id.clone(),
        organization_name: org.name.clone(),
        name: org.contact_name.clone(),
        email: org.contact_email.clone(),
        phone: org.contact_phone.clone(),
    }
}

fn view(
    conn: &mut DbConnection,
    x: Interest,
    user: &AuthUser,
    mine: &[String],
) -> Result<InterestView, ApiError> {
    let target = listing_model::find(conn, &x.target_listing_id)?;
    let sent = mine.contains(&x.from_organization_id);
    let received = mine.contains(&x.to_organization_id);
    let direction = match (sent, received) {
        (true, false) => "sent",
        (false, true) => "received",
        (true, true) => "both",
        (false, false) if user.is_bureau() => "bureau",
        _ => "none",
    };
    let accepted = x.status == InterestStatus::Accepted.as_str();
    let counterpart_contact = if accepted && (sent || received) {
        let other = if sent {
            &x.to_organization_id
        } else {
            &x.from_organization_id
        };
        orgs::find(conn, other)?.as_ref().map(contact)
    } else {
        None
    };
    let agreement = ag::table
        .filter(ag::interest_id.eq(&x.id))
        .select(Agreement::as_select())
        .first(conn)
        .optional()?
        .map(AgreementView::from);
    Ok(InterestView {
        target_side: target.as_ref().map(|t| t.side.clone()).unwrap_or_default(),
        target_title: target.map(|t| t.title).unwrap_or_default(),
        id: x.id,
        from_organization_id: x.from_organization_id,
        to_organization_id: x.to_organization_id,
        target_listing_id: x.target_listing_id,
        offered_listing_id: x.offered_listing_id,
        message: x.message,
        status: x.status,
        decline_reason: x.decline_reason,
        decline_comment: x.decline_comment,
        direction: direction.to_owned(),
        counterpart_contact,
        agreement,
        decided_at: x.decided_at.map(utc),
        created_at: utc(x.created_at),
        updated_at: utc(x.updated_at),
    })
}

/// Tell every member of `org_id` about a step of an interest.
fn tell(
    conn: &mut DbConnection,
    postman: &Postman,
    org_id: &str,
    x: &Interest,
    step: &str,
    title: &str,
) -> Result<(), ApiError> {
    let link = format!("{}/interests/{}", postman.public_url(), x.id);
    let mut notices = Vec::new();
    for member in orgs::members(conn, org_id)? {
        let locale: Locale = member.locale.parse().unwrap_or(Locale::ZhCn);
        let (subject, summary) = match (locale, step) {
            (Locale::ZhCn, "sent") => (
                format!("新的合作意向：{title}"),
                format!("有机构对「{title}」表达了合作意向，请查看并答复。"),
            ),
            (Locale::ZhCn, "accepted") => (
                format!("合作意向已被接受：{title}"),
                format!("对方接受了关于「{title}」的合作意向，现在可以查看对方的联系方式。"),
            ),
            (Locale::ZhCn, "declined") => (
                format!("合作意向未被接受：{title}"),
                format!("对方婉拒了关于「{title}」的合作意向。"),
            ),
            (Locale::ZhCn, _) => (
                format!("合作意向已撤回：{title}"),
                format!("对方撤回了关于「{title}」的合作意向。"),
            ),
            (Locale::En, "sent") => (
                format!("New interest: {title}"),
                format!("An organization is interested in \"{title}\". Have a look and reply."),
            ),
            (Locale::En, "accepted") => (
                format!("Interest accepted: {title}"),
                format!(
                    "Your interest in \"{title}\" was accepted; the other side's contacts are now visible."
                ),
            ),
            (Locale::En, "declined") => (
                format!("Interest declined: {title}"),
                format!("Your interest in \"{title}\" was declined."),
            ),
            (Locale::En, _) => (
                format!("Interest withdrawn: {title}"),
                format!("The interest in \"{title}\" was withdrawn."),
            ),
        };
        let label = match locale {
            Locale::ZhCn => "查看合作意向",
            Locale::En => "View interest",
        };
        notices.push(Notice::simple(
            format!("interest:{}:{step}:{}", x.id, member.user_id),
            Recipient {
                user_id: member.user_id,
                email: member.email,
                display_name: member.display_name,
                locale,
            },
            Topic::Collaboration,
            (subject, summary),
            (label, link.clone()),
        ));
    }
    postman.deliver_all(conn, notices)?;
    Ok(())
}

fn published_of_verified(
    conn: &mut DbConnection,
    id: &str,
    field: &str,
) -> Result<(Listing, Organization), ApiError> {
    let unknown = || ApiError::field(field, "listing_unknown", "no such published listing");
    let listing = listing_model::find(conn, id)?.ok_or_else(unknown)?;
    let org = orgs::find(conn, &listing.organization_id)?.ok_or_else(unknown)?;
    Ok((listing, org))
}

/// Express interest in another organization's published need or capability.
#[utoipa::path(post, path = "/api/v1/interests", tag = "collaboration", security(("bearer" = [])), request_body = NewInterest,
    responses((status = 201, body = InterestView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem, description = "interest_open: one open interest per organization and listing"), (status = 422, body = Problem)))]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: crate::extract::ApiJson<NewInterest>,
) -> Result<HttpResponse, ApiError> {
    user.require_verified()?;
    state
        .limits
        .check(crate::auth::throttle::Action::Interest, &user.id)?;
    let b = body.0;
    let mut errors = Vec::new();
    let message = text::required("message", &b.message, 2000, &mut errors);
    if b.need_id.is_none() && b.capability_id.is_none() {
        errors.push(FieldError::new(
            "need_id",
            "required",
            "give need_id, capability_id or both",
        ));
    }
    ApiError::fields(errors)?;
    let postman = state.postman.clone();
    let v = state
        .db
        .write(move |conn| {
            acting_organization(
                conn,
                &user.id,
                &b.from_organization_id,
                "from_organization_id",
                "only members of the organization speak for it",
            )?;
            let from_id = b.from_organization_id.clone();
            let need = b
                .need_id
                .as_deref()
                .map(|id| published_of_verified(conn, id, "need_id"))
                .transpose()?;
            let cap = b
                .capability_id
                .as_deref()
                .map(|id| published_of_verified(conn, id, "capability_id"))
                .transpose()?;
            if let Some((n, _)) = &need
                && n.side != Side::Need.as_str()
            {
                return Err(ApiError::field(
                    "need_id",
                    "not_a_need",
                    "this listing is a capability",
                ));
            }
            if let Some((c, _)) = &cap
                && c.side != Side::Capability.as_str()
            {
                return Err(ApiError::field(
                    "capability_id",
                    "not_a_capability",
                    "this listing is a need",
                ));
            }
            // The target is the listing the sender does not own; the other, if given, is
            // the sender's own offer.
            let owns = |x: &Option<(Listing, Organization)>| {
                x.as_ref()
                    .is_some_and(|(l, _)| l.organization_id == from_id)
            };
            let (target, offered) = match (&need, &cap) {
                (Some(n), Some(c)) if owns(&cap) && !owns(&need) => (n, Some(&c.0)),
                (Some(n), Some(c)) if owns(&need) && !owns(&cap) => (c, Some(&n.0)),
                (Some(_), Some(_)) => {
                    return Err(ApiError::rule(
                        "pair_invalid",
                        "one listing must be the sender's and the other another organization's",
                    ));
                }
                (Some(x), None) | (None, Some(x)) => (x, None),
                (None, None) => {
                    return Err(ApiError::field(
                        "need_id",
                        "required",
                        "give need_id or capability_id",
                    ));
                }
            };
            let (target_listing, target_org) = target;
            if target_listing.organization_id == from_id {
                return Err(ApiError::rule(
                    "own_listing",
                    "an organization cannot express interest in its own listing",
                ));
            }
            if target_listing.status != ListingStatus::Published.as_str()
                || target_org.status() != OrgStatus::Verified
            {
                return Err(ApiError::rule(
                    "listing_not_open",
                    "only published listings of verified organizations take interest",
                ));
            }
            let open: i64 = i::table
                .filter(i::from_organization_id.eq(&from_id))
                .filter(i::target_listing_id.eq(&target_listing.id))
                .filter(i::status.eq(InterestStatus::Open.as_str()))
                .count()
                .get_result(conn)?;
            if open > 0 {
                return Err(ApiError::conflict(
                    "interest_open",
                    "this organization already has an open interest in this listing",
                ));
            }
            let t = now();
            let x = Interest {
                id: new_id(),
                from_organization_id: from_id.clone(),
                to_organization_id: target_listing.organization_id.clone(),
                target_listing_id: target_listing.id.clone(),
                offered_listing_id: offered.map(|o| o.id.clone()),
                message,
                status: InterestStatus::Open.as_str().to_owned(),
                decline_reason: None,
                decline_comment: None,
                created_by: Some(user.id.clone()),
                decided_by: None,
                decided_at: None,
                created_at: t,
                updated_at: t,
            };
            diesel::insert_into(i::table).values(&x).execute(conn)?;
            tell(
                conn,
                &postman,
                &x.to_organization_id,
                &x,
                "sent",
                &target_listing.title,
            )?;
            let mine = orgs::organization_ids_of(conn, &user.id)?;
            view(conn, x, &user, &mine)
        })
        .await?;
    state.mail_wake.notify_one();
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/interests/{}", v.id)))
        .json(v))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InterestQuery {
    /// `sent` or `received`; default both.
    pub direction: Option<String>,
    pub status: Option<InterestStatus>,
    /// Only this one of the caller's organizations.
    pub organization_id: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Interests the caller's organizations sent and received, newest first (the bureau: all).
#[utoipa::path(get, path = "/api/v1/interests", tag = "collaboration", security(("bearer" = [])), params(InterestQuery),
    responses((status = 200, body = pagination::Page<InterestView>), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<InterestQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let limit = pagination::limit(q.limit)?;
    let before = pagination::decode_cursor(q.cursor.as_deref())?;
    if q.direction
        .as_deref()
        .is_some_and(|d| d != "sent" && d != "received")
    {
        return Err(ApiError::field("direction", "invalid", "sent or received"));
    }
    let page = state
        .db
        .run(move |conn| {
            let mut mine = orgs::organization_ids_of(conn, &user.id)?;
            if let Some(o) = &q.organization_id {
                mine.retain(|x| x == o);
            }
            let mut query = i::table
                .select(Interest::as_select())
                .order(i::id.desc())
                .limit(limit + 1)
                .into_boxed();
            let everything = user.is_bureau() && q.organization_id.is_none();
            if !everything {
                query = match q.direction.as_deref() {
                    Some("sent") => query.filter(i::from_organization_id.eq_any(mine.clone())),
                    Some(_) => query.filter(i::to_organization_id.eq_any(mine.clone())),
                    None => query.filter(
                        i::from_organization_id
                            .eq_any(mine.clone())
                            .or(i::to_organization_id.eq_any(mine.clone())),
                    ),
                };
            }
            if let Some(s) = q.status {
                query = query.filter(i::status.eq(s.as_str()));
            }
            if let Some(b) = before {
                query = query.filter(i::id.lt(b));
            }
            let rows = query.load(conn)?;
            let mine = orgs::organization_ids_of(conn, &user.id)?;
            pagination::try_page(
                rows,
                limit,
                |x: &Interest| x.id.clone(),
                |rows| {
                    rows.into_iter()
                        .map(|x| view(conn, x, &user, &mine))
                        .collect()
                },
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// An interest the caller is party to (or the bureau), else 404.
fn visible(
    conn: &mut DbConnection,
    user: &AuthUser,
    id: &str,
) -> Result<(Interest, Vec<String>), ApiError> {
    let x = i::table
        .find(id)
        .select(Interest::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound)?;
    let mine = orgs::organization_ids_of(conn, &user.id)?;
    if !(user.is_bureau()
        || mine.contains(&x.from_organization_id)
        || mine.contains(&x.to_organization_id))
    {
        return Err(ApiError::NotFound);
    }
    Ok((x, mine))
}

/// One interest.
#[utoipa::path(get, path = "/api/v1/interests/{id}", tag = "collaboration", security(("bearer" = [])),
    params(("id" = String, Path, description = "Interest id")),
    responses((status = 200, body = InterestView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let v = state
        .db
        .run(move |conn| {
            let (x, mine) = visible(conn, &user, &id)?;
            view(conn, x, &user, &mine)
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Load an open interest for a decision by `side` (`to` for the receiver, `from` for the
/// sender); answers 404 to outsiders, 403 to the wrong party, 409 once decided.
fn for_decision(
    conn: &mut DbConnection,
    user: &AuthUser,
    id: &str,
    receiver: bool,
) -> Result<(Interest, Vec<String>), ApiError> {
    let x = i::table
        .find(id)
        .select(Interest::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound)?;
    let mine = orgs::organization_ids_of(conn, &user.id)?;
    let (party, other) = if receiver {
        (&x.to_organization_id, &x.from_organization_id)
    } else {
        (&x.from_organization_id, &x.to_organization_id)
    };
    if !mine.contains(party) {
        return Err(if mine.contains(other) {
            ApiError::forbidden(if receiver {
                "only the receiving organization decides"
            } else {
                "only the sender withdraws"
            })
        } else {
            ApiError::NotFound
        });
    }
    if x.status != InterestStatus::Open.as_str() {
        return Err(ApiError::conflict(
            "invalid_transition",
            format!("the interest is already {}", x.status),
        ));
    }
    Ok((x, mine))
}

fn decide(
    conn: &mut DbConnection,
    x: &mut Interest,
    user: &AuthUser,
    status: InterestStatus,
) -> QueryResult<()> {
    let t = now();
    x.status = status.as_str().to_owned();
    x.decided_by = Some(user.id.clone());
    x.decided_at = Some(t);
    x.updated_at = t;
    diesel::update(i::table.find(&x.id))
        .set((
            i::status.eq(&x.status),
            i::decided_by.eq(&x.decided_by),
            i::decided_at.eq(x.decided_at),
            i::decline_reason.eq(&x.decline_reason),
            i::decline_comment.eq(&x.decline_comment),
            i::updated_at.eq(t),
        ))
        .execute(conn)?;
    Ok(())
}

fn title_of(conn: &mut DbConnection, listing: &str) -> QueryResult<String> {
    Ok(l::table
        .find(listing)
        .select(l::title)
        .first::<String>(conn)
        .optional()?
        .unwrap_or_default())
}

/// Accept (the receiving organization): an agreement is recorded and each side sees the
/// other's contacts.
#[utoipa::path(post, path = "/api/v1/interests/{id}/accept", tag = "collaboration", security(("bearer" = [])), request_body = AcceptInterest,
    params(("id" = String, Path, description = "Interest id")),
    responses((status = 200, body = InterestView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn accept(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: crate::extract::MaybeJson<AcceptInterest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let b = body.0.unwrap_or(AcceptInterest {
        cooperation_mode: None,
        start_date: None,
        value_yuan: None,
    });
    let mut errors = Vec::new();
    crate::money::check_yuan("value_yuan", b.value_yuan, &mut errors);
    ApiError::fields(errors)?;
    let postman = state.postman.clone();
    let v = state
        .db
        .write(move |conn| {
            let (mut x, mine) = for_decision(conn, &user, &id, true)?;
            let target =
                listing_model::find(conn, &x.target_listing_id)?.ok_or(ApiError::NotFound)?;
            let offered = match &x.offered_listing_id {
                Some(o) => listing_model::find(conn, o)?,
                None => None,
            };
            let mut ids = vec![target.id.clone()];
            ids.extend(offered.iter().map(|o| o.id.clone()));
            let lists = listing_model::lists(conn, &ids)?;
            let target_modes = lists
                .get(&target.id)
                .map(|l| l.modes.clone())
                .unwrap_or_default();
            let offered_modes = offered
                .as_ref()
                .and_then(|o| lists.get(&o.id))
                .map(|l| l.modes.clone())
                .unwrap_or_default();
            let mode = b
                .cooperation_mode
                .map(|m| m.as_str().to_owned())
                .or_else(|| {
                    target_modes
                        .iter()
                        .find(|m| offered_modes.contains(m))
                        .cloned()
                })
                .or_else(|| target_modes.first().cloned())
                .unwrap_or_else(|| Mode::JointRnd.as_str().to_owned());
            let (need, cap) = if target.side == Side::Need.as_str() {
                (
                    Some(target.id.clone()),
                    offered.as_ref().map(|o| o.id.clone()),
                )
            } else {
                (
                    offered.as_ref().map(|o| o.id.clone()),
                    Some(target.id.clone()),
                )
            };
            let (need_org, provider_org) = if target.side == Side::Need.as_str() {
                (x.to_organization_id.clone(), x.from_organization_id.clone())
            } else {
                (x.from_organization_id.clone(), x.to_organization_id.clone())
            };
            decide(conn, &mut x, &user, InterestStatus::Accepted)?;
            let agreement = Agreement {
                id: new_id(),
                interest_id: x.id.clone(),
                need_id: need,
                capability_id: cap,
                need_organization_id: need_org,
                provider_organization_id: provider_org,
                cooperation_mode: mode,
                start_date: b.start_date.unwrap_or_else(|| now().date()),
                value_yuan: b.value_yuan,
                created_by: Some(user.id.clone()),
                created_at: now(),
            };
            diesel::insert_into(ag::table)
                .values(&agreement)
                .execute(conn)?;
            tell(
                conn,
                &postman,
                &x.from_organization_id,
                &x,
                "accepted",
                &target.title,
            )?;
            view(conn, x, &user, &mine)
        })
        .await?;
    state.mail_wake.notify_one();
    Ok(HttpResponse::Ok().json(v))
}

/// Decline (the receiving organization) with a reason from the fixed list.
#[utoipa::path(post, path = "/api/v1/interests/{id}/decline", tag = "collaboration", security(("bearer" = [])), request_body = DeclineInterest,
    params(("id" = String, Path, description = "Interest id")),
    responses((status = 200, body = InterestView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decline(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: crate::extract::ApiJson<DeclineInterest>,
) -> Result<HttpResponse, ApiError> {
    let (id, b) = (id.into_inner(), body.0);
    let mut errors = Vec::new();
    let comment = b
        .comment
        .as_deref()
        .map(|c| text::required("comment", c, 2000, &mut errors));
    ApiError::fields(errors)?;
    let postman = state.postman.clone();
    let v = state
        .db
        .write(move |conn| {
            let (mut x, mine) = for_decision(conn, &user, &id, true)?;
            x.decline_reason = Some(b.reason.as_str().to_owned());
            x.decline_comment = comment;
            decide(conn, &mut x, &user, InterestStatus::Declined)?;
            let title = title_of(conn, &x.target_listing_id)?;
            tell(
                conn,
                &postman,
                &x.from_organization_id,
                &x,
                "declined",
                &title,
            )?;
            view(conn, x, &user, &mine)
        })
        .await?;
    state.mail_wake.notify_one();
    Ok(HttpResponse::Ok().json(v))
}

/// Withdraw (the sending organization) while the interest is open.
#[utoipa::path(post, path = "/api/v1/interests/{id}/withdraw", tag = "collaboration", security(("bearer" = [])),
    params(("id" = String, Path, description = "Interest id")),
    responses((status = 200, body = InterestView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn withdraw(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let postman = state.postman.clone();
    let v = state
        .db
        .write(move |conn| {
            let (mut x, mine) = for_decision(conn, &user, &id, false)?;
            decide(conn, &mut x, &user, InterestStatus::Withdrawn)?;
            let title = title_of(conn, &x.target_listing_id)?;
            tell(
                conn,
                &postman,
                &x.to_organization_id,
                &x,
                "withdrawn",
                &title,
            )?;
            view(conn, x, &user, &mine)
        })
        .await?;
    state.mail_wake.notify_one();
    Ok(HttpResponse::Ok().json(v))
}

/// Agreements of the caller's organizations (the bureau: all), newest first.
#[utoipa::path(get, path = "/api/v1/agreements", tag = "collaboration", security(("bearer" = [])),
    responses((status = 200, body = pagination::Page<AgreementView>), (status = 401, body = Problem)))]
pub async fn list_agreements(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let items = state
        .db
        .run(move |conn| {
            let mut q = ag::table
                .select(Agreement::as_select())
                .order(ag::id.desc())
                .limit(pagination::MAX_LIMIT)
                .into_boxed();
            if !user.is_bureau() {
                let mine = orgs::organization_ids_of(conn, &user.id)?;
                q = q.filter(
                    ag::need_organization_id
                        .eq_any(mine.clone())
                        .or(ag::provider_organization_id.eq_any(mine)),
                );
            }
            Ok(q.load(conn)?
                .into_iter()
                .map(AgreementView::from)
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(pagination::Page {
        items,
        next_cursor: None,
    }))
}

/// Mark the agreement's need fulfilled (members of the need's organization).
#[utoipa::path(post, path = "/api/v1/agreements/{id}/fulfil-need", tag = "collaboration", security(("bearer" = [])),
    params(("id" = String, Path, description = "Agreement id")),
    responses((status = 200, body = crate::listings::views::ListingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem, description = "no_need")))]
pub async fn fulfil_need(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let u = user.clone();
    let need = state
        .db
        .run(move |conn| {
            let a = ag::table
                .find(&id)
                .select(Agreement::as_select())
                .first(conn)
                .optional()?
                .ok_or(ApiError::NotFound)?;
            let mine = orgs::organization_ids_of(conn, &u.id)?;
            if !(mine.contains(&a.need_organization_id)
                || mine.contains(&a.provider_organization_id))
            {
                return Err(ApiError::NotFound);
            }
            a.need_id.ok_or_else(|| {
                ApiError::rule(
                    "no_need",
                    "this agreement is about a capability, not a need",
                )
            })
        })
        .await?;
    crate::listings::routes::act(
        state,
        user,
        Side::Need,
        need,
        crate::listings::domain::Action::Fulfil,
    )
    .await
}
