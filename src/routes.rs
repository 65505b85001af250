//! The whole API: every feature's routes in matching order ([`table`]) and the OpenAPI
//! document ([`openapi`]). Nothing imports this but startup, the CLI and `/openapi.json`.

use utoipa::OpenApi;

use crate::app::text_schema::TextPatterns;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

pub use crate::app::routes::{RouteTable, not_found};

/// Every route of the service, in matching order.
pub fn table() -> RouteTable {
    let mut r = RouteTable::default();
    crate::ops::routes(&mut r);
    crate::accounts::routes(&mut r);
    crate::notifications::routes(&mut r);
    crate::organizations::routes(&mut r);
    crate::listings::routes(&mut r);
    crate::matching::routes(&mut r);
    crate::events::routes(&mut r);
    crate::collaboration::routes(&mut r);
    crate::projects::routes(&mut r);
    crate::reports::routes(&mut r);
    crate::channels::routes(&mut r);
    r
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "collab-registry",
        description = "Registry, needs-and-capabilities matching, events and notifications for an industrial cluster's cooperation with universities and research institutes. Errors are RFC 9457 problem+json with a stable `code`.",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(
        crate::ops::live,
        crate::ops::ready,
        crate::ops::openapi_json,
        crate::accounts::routes::register,
        crate::accounts::routes::verify_email,
        crate::accounts::routes::resend_verification,
        crate::accounts::routes::login,
        crate::accounts::routes::refresh,
        crate::accounts::routes::logout,
        crate::accounts::routes::request_password_reset,
        crate::accounts::routes::confirm_password_reset,
        crate::accounts::routes::me,
        crate::accounts::routes::update_me,
        crate::accounts::routes::change_password,
        crate::accounts::admin::list_users,
        crate::accounts::admin::disable_user,
        crate::accounts::admin::enable_user,
        crate::notifications::routes::list_outbox,
        crate::notifications::routes::retry_outbox,
        crate::notifications::routes::list_notifications,
        crate::notifications::routes::read_notification,
        crate::notifications::routes::read_all_notifications,
        crate::notifications::routes::unsubscribe,
        crate::notifications::routes::unsubscribe_post,
        crate::organizations::taxonomy::routes::list_regions,
        crate::organizations::taxonomy::routes::create_region,
        crate::organizations::taxonomy::routes::update_region,
        crate::organizations::taxonomy::routes::list_fields,
        crate::organizations::taxonomy::routes::create_field,
        crate::organizations::taxonomy::routes::update_field,
        crate::organizations::routes::list,
        crate::organizations::routes::create,
        crate::organizations::import::routes::import,
        crate::organizations::routes::get,
        crate::organizations::routes::update,
        crate::organizations::routes::mine,
        crate::organizations::review::verify,
        crate::organizations::review::reject,
        crate::organizations::review::suspend,
        crate::organizations::review::reinstate,
        crate::organizations::members::list,
        crate::organizations::members::invite,
        crate::organizations::members::remove,
        crate::organizations::members::accept,
        crate::organizations::audit::list,
        crate::listings::create_need,
        crate::listings::list_needs,
        crate::listings::get_need,
        crate::listings::update_need,
        crate::listings::delete_need,
        crate::listings::publish_need,
        crate::listings::close_need,
        crate::listings::create_capability,
        crate::listings::list_capabilities,
        crate::listings::get_capability,
        crate::listings::update_capability,
        crate::listings::delete_capability,
        crate::listings::publish_capability,
        crate::listings::close_capability,
        crate::listings::fulfil_need,
        crate::matching::routes::need_matches,
        crate::matching::routes::capability_matches,
        crate::matching::routes::search,
        crate::events::routes::create_event,
        crate::events::routes::list_events,
        crate::events::routes::get_event,
        crate::events::routes::update_event,
        crate::events::routes::publish_event,
        crate::events::routes::cancel_event,
        crate::events::calendar::routes::event_ics,
        crate::events::registrations::routes::list_registrations,
        crate::events::registrations::routes::register,
        crate::events::registrations::routes::cancel_registration,
        crate::events::registrations::routes::record_attendance,
        crate::events::registrations::routes::participation,
        crate::events::calendar::routes::create_calendar_token,
        crate::events::calendar::routes::revoke_calendar_token,
        crate::events::calendar::routes::calendar_feed,
        crate::collaboration::routes::list,
        crate::collaboration::routes::create,
        crate::collaboration::routes::get,
        crate::collaboration::routes::accept,
        crate::collaboration::routes::decline,
        crate::collaboration::routes::withdraw,
        crate::collaboration::routes::list_agreements,
        crate::collaboration::routes::fulfil_need,
        crate::projects::routes::list,
        crate::projects::routes::create,
        crate::projects::routes::get,
        crate::projects::routes::update,
        crate::projects::routes::list_milestones,
        crate::projects::routes::create_milestone,
        crate::projects::routes::update_milestone,
        crate::projects::routes::add_note,
        crate::reports::routes::get_overview,
        crate::reports::routes::export_csv,
        crate::reports::routes::export_xlsx,
        crate::channels::routes::list,
        crate::channels::routes::create,
        crate::channels::routes::get,
        crate::channels::routes::update,
        crate::channels::routes::delete,
        crate::channels::routes::test,
        crate::channels::routes::messages,
    ),
    components(schemas(
        crate::error::Problem,
        crate::error::FieldError,
        crate::notifications::outbox::OutboxStatus,
        crate::notifications::outbox::Topic,
        crate::notifications::inbox::Delivery,
        crate::listings::domain::ListingStatus,
        crate::listings::domain::Side,
        crate::listings::domain::Mode,
        crate::listings::domain::Language,
        crate::organizations::domain::OrgKind,
        crate::organizations::taxonomy::RegionKind,
        crate::app::OrgStatus,
        crate::app::MemberRole,
        crate::events::domain::EventKind,
        crate::events::domain::EventStatus,
        crate::events::domain::RegistrationStatus,
        crate::collaboration::domain::InterestStatus,
        crate::collaboration::domain::DeclineReason,
        crate::projects::domain::Stage,
        crate::projects::domain::Category,
        crate::reports::domain::Export,
        crate::app::Locale,
        crate::app::Role,
        crate::app::when::Day,
        crate::app::when::Moment,
        crate::app::when::Bound,
        crate::app::pagination::Limit,
    )),
    modifiers(
        &BearerAuth,
        &ProblemResponses,
        &UniqueOperationIds,
        &TextPatterns,
    ),
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Errors are `application/problem+json`, and every operation can meet the errors the
/// framework raises before a handler runs (malformed or oversized bodies, unknown fields,
/// throttling, an exhausted pool): say so on every operation rather than in each handler.
struct ProblemResponses;

impl utoipa::Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Content, Ref, RefOr, Response};
        let problem = || Content::new(Some(RefOr::Ref(Ref::from_schema_name("Problem"))));
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                (false, &mut item.get),
                (true, &mut item.put),
                (true, &mut item.post),
                (true, &mut item.delete),
                (true, &mut item.patch),
            ];
            for (changes, op) in ops {
                let Some(op) = op else { continue };
                let has_body = op.request_body.is_some();
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                for (status, response) in op.responses.responses.iter_mut() {
                    let RefOr::T(r) = response else { continue };
                    let is_error = status.starts_with('4') || status.starts_with('5');
                    if is_error && let Some(c) = r.content.shift_remove("application/json") {
                        r.content.insert("application/problem+json".to_owned(), c);
                    }
                }
                let mut add = |status: &str, why: &str| {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| {
                            let mut r = Response::new(why);
                            r.content
                                .insert("application/problem+json".to_owned(), problem());
                            RefOr::T(r)
                        });
                };
                add("400", "malformed request (query, path or body)");
                add("404", "not found");
                add("405", "method not allowed");
                add("422", "invalid request");
                add("429", "too many requests");
                add("503", "service temporarily unavailable");
                if changes {
                    add(
                        "409",
                        "conflicts with the current state (a rule of the domain)",
                    );
                }
                if has_body {
                    add("413", "body too large");
                    add("415", "body is not JSON");
                }
                if secured {
                    add("401", "authentication required");
                }
            }
        }
    }
}

/// utoipa names an operation after its handler, and several rooms have a `list`, `get` or
/// `create`: an operation id must be unique (generated clients key on it), so a repeated
/// one becomes `{method}_{path}` (`get_interests_id`); unique ones keep the handler's name.
struct UniqueOperationIds;

impl utoipa::Modify for UniqueOperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let mut seen: std::collections::HashMap<String, usize> = Default::default();
        for item in openapi.paths.paths.values() {
            for op in item_operations(item) {
                if let Some(id) = &op.operation_id {
                    *seen.entry(id.clone()).or_default() += 1;
                }
            }
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let ops = [
                ("get", &mut item.get),
                ("put", &mut item.put),
                ("post", &mut item.post),
                ("delete", &mut item.delete),
                ("patch", &mut item.patch),
            ];
            for (method, op) in ops {
                let Some(op) = op else { continue };
                if op.operation_id.as_ref().is_some_and(|id| seen[id] > 1) {
                    let words: Vec<String> = path
                        .trim_start_matches("/api/v1")
                        .split(|c: char| !c.is_ascii_alphanumeric())
                        .filter(|w| !w.is_empty())
                        .map(str::to_owned)
                        .collect();
                    op.operation_id = Some(format!("{method}_{}", words.join("_")));
                }
            }
        }
    }
}

fn item_operations(
    item: &utoipa::openapi::PathItem,
) -> impl Iterator<Item = &utoipa::openapi::path::Operation> {
    [&item.get, &item.put, &item.post, &item.delete, &item.patch]
        .into_iter()
        .flatten()
}

/// The OpenAPI 3.1 document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
