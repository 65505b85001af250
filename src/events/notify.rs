//! Who hears what about events, and telling them: account holders through the inbox and
//! their preferences, attendees without an account by email alone. Each notice has an idempotency key, so a
//! retried request or a second pass of a job sends nothing new.

use std::collections::{HashMap, HashSet};

use diesel::QueryResult;

use super::calendar::ics;
use super::domain::{RegistrationStatus, local_time};
use super::model::{self, Event, Person};
use super::registrations::model::{self as registrations, Registration};
use crate::app::Locale;
use crate::db::DbConnection;
use crate::db::ids::UserId;
use crate::notifications::inbox::{Delivered, Notice, Postman, Recipient};
use crate::notifications::outbox::{self, NewEmail, Topic};
use crate::notifications::templates::{self, EventFacts, EventNews};

/// Someone to tell.
#[derive(Debug, Clone)]
pub enum Target {
    /// An account: inbox plus email per preference.
    User(Person),
    /// An attendee without an account: email only, in `locale`.
    Guest {
        email: String,
        name: String,
        locale: Locale,
    },
}

impl Target {
    fn email(&self) -> &str {
        match self {
            Target::User(p) => &p.email,
            Target::Guest { email, .. } => email,
        }
    }
}

/// Where an event is shown in the app.
pub fn link(postman: &Postman, ev: &Event) -> String {
    format!("{}/events/{}", postman.public_url(), ev.id)
}

fn facts<'a>(ev: &'a Event, locale: Locale, attendee: Option<&'a str>) -> EventFacts<'a> {
    let title = locale.pick(&ev.title, ev.title_en.as_deref());
    let mut place = ev.location.clone();
    if let Some(url) = &ev.online_url {
        place.push_str(&format!(" / {url}"));
    }
    EventFacts {
        title,
        when: format!(
            "{} - {}",
            local_time(ev.starts_at, ev.timezone),
            local_time(ev.ends_at, ev.timezone)
        ),
        place,
        attendee,
    }
}

fn news_name(news: EventNews) -> &'static str {
    match news {
        EventNews::Invited => "invited",
        EventNews::Changed => "changed",
        EventNews::Cancelled => "cancelled",
        EventNews::Confirmed => "confirmed",
        EventNews::Waitlisted => "waitlisted",
        EventNews::Promoted => "promoted",
        EventNews::RegistrationCancelled => "registration-cancelled",
        EventNews::Reminder => "reminder",
    }
}

fn carries_calendar(news: EventNews) -> bool {
    matches!(
        news,
        EventNews::Invited
            | EventNews::Changed
            | EventNews::Cancelled
            | EventNews::Confirmed
            | EventNews::Promoted
    )
}

/// The calendar object a notice of `news` carries to `target`: the event itself for news
/// that puts it in (or updates it in) a calendar; for a cancelled registration, the
/// cancellation of that attendee's place, to the attendee alone (the registrant's calendar
/// may hold the event for other attendees).
fn calendar_for(
    postman: &Postman,
    ev: &Event,
    news: EventNews,
    link: &str,
    attendee: Option<&Registration>,
    target: &Target,
) -> Option<String> {
    match (news, attendee) {
        (EventNews::RegistrationCancelled, Some(r)) if target.email() == r.attendee_email => {
            Some(ics::attendee_cancellation(
                ev,
                postman.sender(),
                link,
                (&r.attendee_email, &r.attendee_name),
            ))
        }
        _ if carries_calendar(news) => Some(ics::event_calendar(ev, postman.sender(), link)),
        _ => None,
    }
}

/// Tell `targets` about `news`; `occasion` makes the idempotency key unique per occasion
/// (e.g. the sequence for a change, the registration for a confirmation). A person listed
/// twice (an attendee who is also the registrant) hears once.
pub fn tell(
    conn: &mut DbConnection,
    postman: &Postman,
    ev: &Event,
    news: EventNews,
    occasion: &str,
    attendee: Option<&Registration>,
    targets: Vec<Target>,
) -> QueryResult<Delivered> {
    let link = link(postman, ev);
    let name = attendee.map(|r| r.attendee_name.as_str());
    let mut seen = HashSet::new();
    let mut notices = Vec::new();
    let mut guests = Vec::new();
    for target in targets {
        if !seen.insert(target.email().to_owned()) {
            continue;
        }
        let calendar = calendar_for(postman, ev, news, &link, attendee, &target);
        match target {
            Target::User(p) => {
                let locale = p.locale;
                let (letter, summary) = templates::event_news(
                    locale,
                    &p.display_name,
                    news,
                    &facts(ev, locale, name),
                    link.clone(),
                );
                notices.push(Notice {
                    key: format!(
                        "event:{}:{}:{occasion}:{}",
                        ev.id,
                        news_name(news),
                        p.user_id
                    ),
                    recipient: Recipient {
                        user_id: p.user_id,
                        email: p.email,
                        display_name: p.display_name,
                        locale,
                    },
                    topic: Topic::Events,
                    letter,
                    summary,
                    link: Some(link.clone()),
                    ics: calendar,
                });
            }
            Target::Guest {
                email,
                name: guest,
                locale,
            } => {
                let (letter, _) = templates::event_news(
                    locale,
                    &guest,
                    news,
                    &facts(ev, locale, name),
                    link.clone(),
                );
                guests.push(NewEmail {
                    idempotency_key: format!(
                        "event:{}:{}:{occasion}:{email}",
                        ev.id,
                        news_name(news)
                    ),
                    user_id: None,
                    topic: Topic::Events,
                    to: email,
                    subject: letter.subject,
                    text: letter.text,
                    html: letter.html,
                    unsubscribe_url: None,
                    calendar_ics: calendar,
                });
            }
        }
    }
    let mut done = postman.deliver_all(conn, notices)?;
    done.emails += outbox::enqueue_all(conn, &guests)?;
    Ok(done)
}

/// The members of the organizations invited to `ev`.
pub fn invitees(conn: &mut DbConnection, ev: &Event) -> QueryResult<Vec<Target>> {
    Ok(model::invitees(conn, &ev.id)?
        .into_iter()
        .map(Target::User)
        .collect())
}

/// Invitees (members of invited organizations) and everyone with a live registration:
/// the registrants and the attendees themselves.
pub fn everyone(conn: &mut DbConnection, ev: &Event) -> QueryResult<Vec<Target>> {
    let mut targets = invitees(conn, ev)?;
    let regs: Vec<Registration> = registrations::registrations(conn, &ev.id, None)?
        .into_iter()
        .filter(|r| r.status != RegistrationStatus::Cancelled)
        .collect();
    targets.extend(targets_of(conn, &regs)?);
    Ok(targets)
}

/// For each registration: the member who registered and the attendee (as an account
/// holder when the address belongs to one, else as a guest in the registrant's language).
pub fn targets_of(conn: &mut DbConnection, regs: &[Registration]) -> QueryResult<Vec<Target>> {
    let registrants: Vec<UserId> = regs
        .iter()
        .filter_map(|r| r.registered_by.clone())
        .collect();
    let registrants: HashMap<UserId, Person> = model::people(conn, &registrants)?
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
                locale: registrant.map_or(Locale::ZhCn, |p| p.locale),
            }),
        }
    }
    Ok(out)
}

/// Tell the registrant and the attendee of each of `regs` about `news`, one occasion per
/// registration.
pub fn tell_registrations(
    conn: &mut DbConnection,
    postman: &Postman,
    ev: &Event,
    news: EventNews,
    regs: &[Registration],
) -> QueryResult<()> {
    for r in regs {
        let targets = targets_of(conn, std::slice::from_ref(r))?;
        tell(conn, postman, ev, news, &r.id, Some(r), targets)?;
    }
    Ok(())
}

/// A reminder to the attendee (and registrant) of `reg`, once per start time of `ev`.
pub fn remind(
    conn: &mut DbConnection,
    postman: &Postman,
    ev: &Event,
    reg: &Registration,
) -> QueryResult<()> {
    let occasion = format!("{}:{}", reg.id, ev.starts_at.and_utc().timestamp());
    let targets = targets_of(conn, std::slice::from_ref(reg))?;
    tell(
        conn,
        postman,
        ev,
        EventNews::Reminder,
        &occasion,
        Some(reg),
        targets,
    )?;
    Ok(())
}
