//! The agreements of the user's organizations, as the interests page lists them below the
//! interests: both sides by name, the cooperation mode by name, start day, value, and the
//! interest it came from. It reads `collaboration::agreements::list`, as
//! `GET /api/v1/agreements` does.

use super::page::Page;
use crate::collaboration::agreements;
use crate::db::ids::{InterestId, OrganizationId};
use crate::error::ApiError;
use crate::organizations::model as orgs;

/// An agreement as the interests page lists it.
pub struct Shown {
    pub interest_id: InterestId,
    pub need_side: String,
    pub provider: String,
    pub mode: &'static str,
    pub start: String,
    pub value: Option<String>,
}

/// The agreements the page's user may see (their organizations'; the bureau's: all).
pub async fn of_user(p: &Page, user: crate::app::AuthUser) -> Result<Vec<Shown>, ApiError> {
    let (rows, names) = p
        .state
        .db
        .run(move |conn| {
            let rows = agreements::list(conn, &user)?;
            let ids: Vec<OrganizationId> = (rows.iter())
                .flat_map(|a| {
                    [
                        a.need_organization_id.clone(),
                        a.provider_organization_id.clone(),
                    ]
                })
                .collect();
            Ok::<_, ApiError>((rows, orgs::names(conn, &ids)?))
        })
        .await?;
    let name = |id: &OrganizationId| match names.get(id) {
        Some((zh, en)) => p.locale.pick(zh, en.as_deref()).to_owned(),
        None => id.to_string(),
    };
    Ok(rows
        .into_iter()
        .map(|a| Shown {
            need_side: name(&a.need_organization_id),
            provider: name(&a.provider_organization_id),
            mode: p.t(&format!("mode.{}", a.cooperation_mode.as_str())),
            start: a.start_date.to_string(),
            value: (a.value_yuan).map(|y| {
                crate::i18n::fill(p.t("project.yuan"), &[("n", &crate::money::grouped(y))])
            }),
            interest_id: a.interest_id,
        })
        .collect())
}
