//! Event notices: invitations, changes, cancellations, registrations, reminders.

use super::{Letter, Rendered};
use crate::app::Locale;

/// What happened to an event, from the recipient's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventNews {
    /// The recipient's organization is in the audience of a newly published event.
    Invited,
    /// Time or place changed.
    Changed,
    /// The event was cancelled.
    Cancelled,
    /// An attendee the recipient registered (or the recipient) has a place.
    Confirmed,
    /// The event is full: on the waitlist.
    Waitlisted,
    /// A place freed up: moved from the waitlist to confirmed.
    Promoted,
    /// A registration was cancelled.
    RegistrationCancelled,
    /// The event starts soon.
    Reminder,
}

/// The facts of an event a notice shows, already in the recipient's language and the
/// event's time zone.
pub struct EventFacts<'a> {
    pub title: &'a str,
    pub when: String,
    pub place: String,
    /// The attendee the notice is about, when it is about one.
    pub attendee: Option<&'a str>,
}

/// An event notice: the email and the one-line summary for the inbox.
pub fn event_news(
    locale: Locale,
    name: &str,
    news: EventNews,
    ev: &EventFacts,
    link: String,
) -> (Rendered, String) {
    let t = ev.title;
    let who = ev.attendee.unwrap_or(name);
    let (subject, summary) = match (locale, news) {
        (Locale::ZhCn, EventNews::Invited) => (
            format!("活动邀请：{t}"),
            format!("市工信局邀请贵单位参加「{t}」。"),
        ),
        (Locale::ZhCn, EventNews::Changed) => (
            format!("活动变更：{t}"),
            format!("「{t}」的时间或地点已变更，请留意最新安排。"),
        ),
        (Locale::ZhCn, EventNews::Cancelled) => {
            (format!("活动取消：{t}"), format!("很抱歉，「{t}」已取消。"))
        }
        (Locale::ZhCn, EventNews::Confirmed) => (
            format!("报名成功：{t}"),
            format!("{who} 已成功报名「{t}」。"),
        ),
        (Locale::ZhCn, EventNews::Waitlisted) => (
            format!("已进入候补：{t}"),
            format!("「{t}」名额已满，{who} 已进入候补名单，有空位时将按顺序递补并通知您。"),
        ),
        (Locale::ZhCn, EventNews::Promoted) => (
            format!("候补转正：{t}"),
            format!("有名额空出，{who} 已由候补转为正式报名「{t}」。"),
        ),
        (Locale::ZhCn, EventNews::RegistrationCancelled) => (
            format!("报名已取消：{t}"),
            format!("{who} 参加「{t}」的报名已取消。"),
        ),
        (Locale::ZhCn, EventNews::Reminder) => (
            format!("活动提醒：{t}"),
            format!("{who} 报名的「{t}」即将开始。"),
        ),
        (Locale::En, EventNews::Invited) => (
            format!("Invitation: {t}"),
            format!("The bureau invites your organization to \"{t}\"."),
        ),
        (Locale::En, EventNews::Changed) => (
            format!("Changed: {t}"),
            format!("The time or place of \"{t}\" has changed; see the new details."),
        ),
        (Locale::En, EventNews::Cancelled) => (
            format!("Cancelled: {t}"),
            format!("We are sorry: \"{t}\" has been cancelled."),
        ),
        (Locale::En, EventNews::Confirmed) => (
            format!("Registered: {t}"),
            format!("{who} is registered for \"{t}\"."),
        ),
        (Locale::En, EventNews::Waitlisted) => (
            format!("Waitlisted: {t}"),
            format!(
                "\"{t}\" is full; {who} is on the waitlist and will be moved up in order when a place frees."
            ),
        ),
        (Locale::En, EventNews::Promoted) => (
            format!("You have a place: {t}"),
            format!(
                "A place freed up: {who} has moved from the waitlist to confirmed for \"{t}\"."
            ),
        ),
        (Locale::En, EventNews::RegistrationCancelled) => (
            format!("Registration cancelled: {t}"),
            format!("The registration of {who} for \"{t}\" has been cancelled."),
        ),
        (Locale::En, EventNews::Reminder) => (
            format!("Reminder: {t}"),
            format!("\"{t}\", which {who} registered for, starts soon."),
        ),
    };
    let details = match locale {
        Locale::ZhCn => format!("时间：{}\n地点：{}", ev.when, ev.place),
        Locale::En => format!("When: {}\nWhere: {}", ev.when, ev.place),
    };
    let label = match locale {
        Locale::ZhCn => "查看活动",
        Locale::En => "View event",
    };
    let letter = Letter::linked(
        locale,
        subject,
        name,
        vec![summary.clone(), details],
        (label, link),
    );
    (letter, summary)
}
