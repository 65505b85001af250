//! What the members of an organization are told at each step of an interest (zh, en),
//! delivered through the Postman inside the transaction of the step.

use super::domain::Step;
use super::model::Interest;
use crate::app::{Locale, Postman};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::notifications::inbox::{Notice, Recipient};
use crate::notifications::outbox::Topic;
use crate::organizations::model as orgs;

/// Subject, summary and link label of the notice of `step` about the listing `title`.
pub fn wording(locale: Locale, step: Step, title: &str) -> (String, String, &'static str) {
    let (subject, summary) = match (locale, step) {
        (Locale::ZhCn, Step::Sent) => (
            format!("新的合作意向：{title}"),
            format!("有机构对「{title}」表达了合作意向，请查看并答复。"),
        ),
        (Locale::ZhCn, Step::Accepted) => (
            format!("合作意向已被接受：{title}"),
            format!("对方接受了关于「{title}」的合作意向，现在可以查看对方的联系方式。"),
        ),
        (Locale::ZhCn, Step::Declined) => (
            format!("合作意向未被接受：{title}"),
            format!("对方婉拒了关于「{title}」的合作意向。"),
        ),
        (Locale::ZhCn, Step::Withdrawn) => (
            format!("合作意向已撤回：{title}"),
            format!("对方撤回了关于「{title}」的合作意向。"),
        ),
        (Locale::En, Step::Sent) => (
            format!("New interest: {title}"),
            format!("An organization is interested in \"{title}\". Have a look and reply."),
        ),
        (Locale::En, Step::Accepted) => (
            format!("Interest accepted: {title}"),
            format!(
                "Your interest in \"{title}\" was accepted; the other side's contacts are now visible."
            ),
        ),
        (Locale::En, Step::Declined) => (
            format!("Interest declined: {title}"),
            format!("Your interest in \"{title}\" was declined."),
        ),
        (Locale::En, Step::Withdrawn) => (
            format!("Interest withdrawn: {title}"),
            format!("The interest in \"{title}\" was withdrawn."),
        ),
    };
    let label = match locale {
        Locale::ZhCn => "查看合作意向",
        Locale::En => "View interest",
    };
    (subject, summary, label)
}

/// Tell every member of `org_id` about `step` of the interest `x` in the listing `title`
/// (once per member and step: the idempotency key).
pub fn tell(
    conn: &mut DbConnection,
    postman: &Postman,
    org_id: &str,
    x: &Interest,
    step: Step,
    title: &str,
) -> Result<(), ApiError> {
    let link = format!("{}/interests/{}", postman.public_url(), x.id);
    let mut notices = Vec::new();
    for member in orgs::members(conn, org_id)? {
        let locale = member.locale;
        let (subject, summary, label) = wording(locale, step, title);
        notices.push(Notice::simple(
            format!("interest:{}:{}:{}", x.id, step.as_str(), member.user_id),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_is_worded_in_both_languages_with_the_title() {
        for step in [Step::Sent, Step::Accepted, Step::Declined, Step::Withdrawn] {
            for locale in [Locale::ZhCn, Locale::En] {
                let (subject, summary, label) = wording(locale, step, "赤泥提铁");
                assert!(subject.contains("赤泥提铁") && summary.contains("赤泥提铁"));
                assert!(!label.is_empty());
            }
        }
        assert_eq!(
            wording(Locale::En, Step::Withdrawn, "x").0,
            "Interest withdrawn: x"
        );
        assert_eq!(wording(Locale::ZhCn, Step::Sent, "x").0, "新的合作意向：x");
    }
}
