//! What the members of an organization are told at each step of an interest (zh, en),
//! delivered through the Postman inside the transaction of the step.

use super::domain::Step;
use super::model::Interest;
use crate::app::{Locale, Postman};
use crate::db::DbConnection;
use crate::db::ids::OrganizationId;
use crate::error::ApiError;
use crate::notifications::inbox::{Notice, Recipient};
use crate::notifications::outbox::Topic;
use crate::notifications::templates::Letter;
use crate::organizations::model as orgs;

/// Subject, summary and link label of the notice of `step` about the listing `title`;
/// `other` is the organization on the other side (the one that sent, accepted, declined or
/// withdrew), named in the reader's language.
pub fn wording(
    locale: Locale,
    step: Step,
    title: &str,
    other: &str,
) -> (String, String, &'static str) {
    let (subject, summary) = match (locale, step) {
        (Locale::ZhCn, Step::Sent) => (
            format!("新的合作意向：{title}"),
            format!("「{other}」对「{title}」表达了合作意向，请查看并答复。"),
        ),
        (Locale::ZhCn, Step::Accepted) => (
            format!("合作意向已被接受：{title}"),
            format!("「{other}」接受了关于「{title}」的合作意向，现在可以查看对方的联系方式。"),
        ),
        (Locale::ZhCn, Step::Declined) => (
            format!("合作意向未被接受：{title}"),
            format!("「{other}」婉拒了关于「{title}」的合作意向。"),
        ),
        (Locale::ZhCn, Step::Withdrawn) => (
            format!("合作意向已撤回：{title}"),
            format!("「{other}」撤回了关于「{title}」的合作意向。"),
        ),
        (Locale::En, Step::Sent) => (
            format!("New interest: {title}"),
            format!("{other} is interested in \"{title}\". Have a look and reply."),
        ),
        (Locale::En, Step::Accepted) => (
            format!("Interest accepted: {title}"),
            format!(
                "{other} accepted your interest in \"{title}\"; their contacts are now visible."
            ),
        ),
        (Locale::En, Step::Declined) => (
            format!("Interest declined: {title}"),
            format!("{other} declined your interest in \"{title}\"."),
        ),
        (Locale::En, Step::Withdrawn) => (
            format!("Interest withdrawn: {title}"),
            format!("{other} withdrew its interest in \"{title}\"."),
        ),
    };
    let label = match locale {
        Locale::ZhCn => "查看合作意向",
        Locale::En => "View interest",
    };
    (subject, summary, label)
}

/// The line that leads to the other organization: its page (verified, so every member
/// of a verified organization may open it).
fn organization_line(locale: Locale, name: &str, id: &OrganizationId, public_url: &str) -> String {
    let link = format!("{public_url}/organizations/{id}");
    match locale {
        Locale::ZhCn => format!("「{name}」的机构信息：{link}"),
        Locale::En => format!("About {name}: {link}"),
    }
}

/// Tell every member of `org_id` about `step` of the interest `x` in the listing `title`
/// (once per member and step: the idempotency key), naming the organization on the other
/// side and linking to it.
pub fn tell(
    conn: &mut DbConnection,
    postman: &Postman,
    org_id: &OrganizationId,
    x: &Interest,
    step: Step,
    title: &str,
) -> Result<(), ApiError> {
    let link = format!("{}/interests/{}", postman.public_url(), x.id);
    let other_id = if *org_id == x.to_organization_id {
        &x.from_organization_id
    } else {
        &x.to_organization_id
    };
    let other = orgs::find(conn, other_id)?.ok_or(ApiError::NotFound)?;
    let mut notices = Vec::new();
    for member in orgs::members(conn, org_id)? {
        let locale = member.locale;
        let name = other.name_in(locale);
        let (subject, summary, label) = wording(locale, step, title, name);
        // The interest is the mail's first link; the other side's entry follows it.
        let letter = Letter {
            locale,
            subject,
            name: &member.display_name,
            paragraphs: vec![summary.clone()],
            action: Some((label, link.clone())),
            footer: Some(organization_line(
                locale,
                name,
                &other.id,
                postman.public_url(),
            )),
        }
        .render();
        notices.push(Notice {
            key: format!("interest:{}:{}:{}", x.id, step.as_str(), member.user_id),
            recipient: Recipient {
                user_id: member.user_id,
                email: member.email,
                display_name: member.display_name,
                locale,
            },
            topic: Topic::Collaboration,
            letter,
            summary,
            link: Some(link.clone()),
            ics: None,
        });
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
                let (subject, summary, label) = wording(locale, step, "赤泥提铁", "魏桥");
                assert!(subject.contains("赤泥提铁") && summary.contains("赤泥提铁"));
                assert!(summary.contains("魏桥"), "{summary}");
                assert!(!label.is_empty());
            }
        }
        assert_eq!(
            wording(Locale::En, Step::Withdrawn, "x", "y").0,
            "Interest withdrawn: x"
        );
        assert_eq!(
            wording(Locale::ZhCn, Step::Sent, "x", "y").0,
            "新的合作意向：x"
        );
        let line = organization_line(Locale::En, "Weiqiao Al", &"o-1".into(), "http://x.test");
        assert_eq!(line, "About Weiqiao Al: http://x.test/organizations/o-1");
    }
}
