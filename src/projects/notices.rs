//! What the bureau is told about key projects (zh, en): a milestone overdue, a project in
//! operation. Delivered through the Postman inside the transaction of the change.

use super::model::{self, Project};
use crate::app::{Locale, Postman};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::notifications::inbox::{Notice, Recipient};
use crate::notifications::outbox::Topic;

/// What happened to a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// The milestone of this name is overdue.
    Overdue(&'a str),
    /// The project reached operation.
    Operation,
}

/// Subject, summary and link label of the notice of `event` about project `name`.
pub fn wording(locale: Locale, event: Event<'_>, name: &str) -> (String, String, &'static str) {
    let (subject, summary) = match (locale, event) {
        (Locale::ZhCn, Event::Overdue(m)) => (
            format!("重点项目节点逾期：{name}"),
            format!("重点项目「{name}」的节点「{m}」已逾期未完成。"),
        ),
        (Locale::ZhCn, Event::Operation) => (
            format!("重点项目已投产：{name}"),
            format!("重点项目「{name}」已进入投产运营阶段。"),
        ),
        (Locale::En, Event::Overdue(m)) => (
            format!("Milestone overdue: {name}"),
            format!("The milestone \"{m}\" of key project \"{name}\" is overdue."),
        ),
        (Locale::En, Event::Operation) => (
            format!("Project in operation: {name}"),
            format!("Key project \"{name}\" has reached operation."),
        ),
    };
    let label = match locale {
        Locale::ZhCn => "查看项目",
        Locale::En => "View project",
    };
    (subject, summary, label)
}

/// Tell every bureau administrator about `event`, once per `key` and administrator.
pub fn tell_bureau(
    conn: &mut DbConnection,
    postman: &Postman,
    key: &str,
    x: &Project,
    event: Event<'_>,
) -> Result<(), ApiError> {
    let link = format!("{}/projects/{}", postman.public_url(), x.id);
    let mut notices = Vec::new();
    for (id, email, name, locale) in model::bureau_admins(conn)? {
        let locale: Locale = locale
            .parse()
            .map_err(|e: String| ApiError::internal(anyhow::anyhow!(e)))?;
        let (subject, summary, label) = wording(locale, event, &x.name);
        notices.push(Notice::simple(
            format!("{key}:{id}"),
            Recipient {
                user_id: id,
                email,
                display_name: name,
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
    fn overdue_notices_name_the_milestone_and_the_project() {
        let (subject, summary, _) = wording(Locale::En, Event::Overdue("Permit"), "Smelter");
        assert_eq!(subject, "Milestone overdue: Smelter");
        assert!(summary.contains("\"Permit\"") && summary.contains("\"Smelter\""));
        let (subject, _, label) = wording(Locale::ZhCn, Event::Operation, "再生铝");
        assert_eq!(
            (subject.as_str(), label),
            ("重点项目已投产：再生铝", "查看项目")
        );
    }
}
