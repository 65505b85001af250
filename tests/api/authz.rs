//! The authorization matrix: every route of the service against six callers (anonymous,
//! an unverified account, a stranger who owns another organization, a member of A, the
//! owner of A, the bureau). For each route the table says which callers must be refused and
//! with which status; the test sends those requests and checks that the status is right
//! and that no row of any table changed. A route registered without a row fails the test,
//! so a new endpoint cannot ship without deciding who may call it.
//!
//! Allowed reads are sent too and must answer 200; allowed writes are exercised by the
//! feature tests and only listed here as `OK`.

use std::collections::BTreeSet;

use diesel::QueryableByName;
use diesel::sql_types::{Nullable, Text};
use serde_json::{Value, json};

use crate::helpers::{Count, TestApp, TestUser, spawn_app};
use crate::registry::{enterprise, uscc};

/// Allowed: not sent by this test.
const OK: u16 = 0;

const ROLES: [&str; 6] = [
    "anonymous",
    "unverified",
    "stranger",
    "member_a",
    "owner_a",
    "bureau",
];

const TABLES: &[&str] = &[
    "users",
    "one_time_tokens",
    "refresh_tokens",
    "outbox_emails",
    "regions",
    "fields",
    "organizations",
    "organization_aliases",
    "organization_fields",
    "memberships",
    "invitations",
    "audit_log",
    "listings",
    "listing_fields",
    "listing_keywords",
    "listing_modes",
    "index_changes",
    "match_notices",
    "notification_preferences",
    "notifications",
    "events",
    "event_audience",
    "event_invitations",
    "event_registrations",
    "interests",
    "agreements",
    "projects",
    "project_partners",
    "project_agreements",
    "milestones",
    "project_notes",
    "organization_channels",
    "organization_channel_topics",
    "outbox_channel_messages",
];

const WITH_UPDATED_AT: &[&str] = &[
    "users",
    "outbox_emails",
    "organizations",
    "listings",
    "events",
    "event_registrations",
    "interests",
    "projects",
    "milestones",
    "organization_channels",
];

#[derive(QueryableByName)]
struct Latest {
    #[diesel(sql_type = Nullable<Text>)]
    t: Option<String>,
}

/// Row counts of every table, the latest `updated_at` where there is one, and the read
/// and disabled markers: what a refused request must leave as it was.
async fn fingerprint(app: &TestApp) -> Vec<String> {
    app.db
        .run(|conn| {
            use diesel::RunQueryDsl;
            let mut out = Vec::new();
            for t in TABLES {
                let c: Count =
                    diesel::sql_query(format!("SELECT count(*) AS n FROM {t}")).get_result(conn)?;
                out.push(format!("{t}:{}", c.n));
            }
            for t in WITH_UPDATED_AT {
                let l: Latest = diesel::sql_query(format!(
                    "SELECT CAST(max(updated_at) AS TEXT) AS t FROM {t}"
                ))
                .get_result(conn)?;
                out.push(format!("{t}.updated_at:{:?}", l.t));
            }
            for (t, cond) in [
                ("notifications", "read_at IS NOT NULL"),
                ("users", "disabled_at IS NOT NULL"),
                ("users", "calendar_token_hash IS NOT NULL"),
                ("refresh_tokens", "revoked_at IS NOT NULL"),
            ] {
                let c: Count =
                    diesel::sql_query(format!("SELECT count(*) AS n FROM {t} WHERE {cond}"))
                        .get_result(conn)?;
                out.push(format!("{t}[{cond}]:{}", c.n));
            }
            Ok(out)
        })
        .await
        .unwrap()
}

struct Row {
    method: &'static str,
    template: &'static str,
    path: String,
    body: Value,
    expect: [u16; 6],
}

struct Fixture {
    users: [Option<TestUser>; 6],
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_route_refuses_the_callers_it_must_and_changes_nothing_when_it_does() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner_a = app.verified_user("owner-a@example.com").await;
    let member_a = app.verified_user("member-a@example.com").await;
    let stranger = app.verified_user("stranger@example.com").await;
    let res = app.register("unverified@example.com", "en").await;
    assert_eq!(res.status().as_u16(), 201);
    let unverified_id = id(&res.json::<Value>().await.unwrap());
    let unverified = app
        .logged_in(
            &unverified_id,
            "unverified@example.com",
            crate::helpers::PASSWORD,
        )
        .await;

    let a = id(&app
        .verified_org(&owner_a, &bureau, &enterprise("甲企业", &uscc(1)))
        .await);
    let b = id(&app
        .verified_org(
            &stranger,
            &bureau,
            &json!({"kind": "university", "name": "乙大学", "region_code": "bincheng"}),
        )
        .await);
    let (a2, mid) = (a.clone(), member_a.id.clone());
    app.db
        .write(move |conn| {
            Ok(collab_registry::organizations::model::add_member(
                conn,
                &a2.into(),
                &mid.into(),
                collab_registry::organizations::domain::MemberRole::Member,
            )?)
        })
        .await
        .unwrap();

    let need_body = |title: &str| json!({"organization_id": a, "title": title, "description": "赤泥提铁，焙烧磁选回收铁精粉。", "field_codes": ["red-mud.iron-recovery"], "cooperation_modes": ["joint_rnd"]});
    let need =
        id(&crate::listings::post(&app, &owner_a, "/api/v1/needs", &need_body("赤泥选铁")).await);
    crate::listings::publish(&app, &owner_a, "needs", &need).await;
    let need2 =
        id(&crate::listings::post(&app, &owner_a, "/api/v1/needs", &need_body("赤泥建材")).await);
    crate::listings::publish(&app, &owner_a, "needs", &need2).await;
    let cap = id(&crate::listings::post(&app, &stranger, "/api/v1/capabilities", &json!({
        "organization_id": b, "title": "Iron recovery from bauxite residue", "description": "Magnetic separation.", "cooperation_modes": ["joint_rnd"]
    })).await);
    crate::listings::publish(&app, &stranger, "capabilities", &cap).await;
    let interest = id(&app
        .post_json_as(
            "/api/v1/interests",
            &stranger.access,
            &json!({"from_organization_id": b, "need_id": need, "message": "感兴趣"}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap());
    let accepted = app
        .post_json_as(
            "/api/v1/interests",
            &stranger.access,
            &json!({"from_organization_id": b, "need_id": need2, "message": "感兴趣"}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    let agreement = app
        .post_json_as(
            &format!("/api/v1/interests/{}/accept", id(&accepted)),
            &owner_a.access,
            &json!({}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["agreement"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let event = app.open_event(&bureau, 20).await;
    let registration = app
        .register_attendees(&owner_a, &event, &a, &["guest@guest.example.com"])
        .await
        .json::<Value>()
        .await
        .unwrap()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let project = id(&app
        .post_json_as("/api/v1/projects", &bureau.access, &json!({"name": "示范线", "owner_organization_id": a, "region_code": "zouping", "category": "red_mud_utilization", "year": 2026}))
        .await
        .json::<Value>()
        .await
        .unwrap());
    let due = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive();
    let milestone = id(&app
        .post_json_as(
            &format!("/api/v1/projects/{project}/milestones"),
            &bureau.access,
            &json!({"name": "开工", "due_on": due}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap());
    let notice = app
        .get_as("/api/v1/me/notifications", &owner_a.access)
        .await
        .json::<Value>()
        .await
        .unwrap()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Disabled, so that no notice of the set-up is posted to the platform's host.
    let channel = id(&app
        .post_json_as(
            &format!("/api/v1/organizations/{a}/channels"),
            &owner_a.access,
            &json!({"platform": "wecom", "name": "群", "enabled": false,
                    "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=authz"}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap());
    let outbox = app
        .get_as("/api/v1/admin/outbox", &bureau.access)
        .await
        .json::<Value>()
        .await
        .unwrap()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Status per caller: anonymous, unverified, stranger (owner of B), member of A, owner
    // of A, bureau.
    const PUBLIC: [u16; 6] = [OK; 6];
    const SIGNED_IN: [u16; 6] = [401, OK, OK, OK, OK, OK];
    const VERIFIED: [u16; 6] = [401, 403, OK, OK, OK, OK];
    const BUREAU: [u16; 6] = [401, 403, 403, 403, 403, OK];
    const A_MEMBERS: [u16; 6] = [401, 403, 403, OK, OK, OK];
    const A_OWNERS: [u16; 6] = [401, 403, 403, 403, OK, OK];
    const B_MEMBERS: [u16; 6] = [401, 403, OK, 403, 403, OK];
    const A_OWNERS_ONLY: [u16; 6] = [401, 403, 403, 403, OK, 403];
    let none = json!({});
    let r = |method: &'static str,
             template: &'static str,
             path: String,
             body: Value,
             expect: [u16; 6]| Row {
        method,
        template,
        path,
        body,
        expect,
    };
    let rows = vec![
        r(
            "GET",
            "/health/live",
            "/health/live".into(),
            none.clone(),
            PUBLIC,
        ),
        r(
            "GET",
            "/health/ready",
            "/health/ready".into(),
            none.clone(),
            PUBLIC,
        ),
        // Served on the metrics listener only (tests/api/exposure.rs).
        r("GET", "/metrics", "/metrics".into(), none.clone(), [404; 6]),
        r(
            "GET",
            "/openapi.json",
            "/openapi.json".into(),
            none.clone(),
            PUBLIC,
        ),
        // Accounts: open doors, answered the same to everyone.
        r(
            "POST",
            "/api/v1/auth/register",
            "/api/v1/auth/register".into(),
            none.clone(),
            PUBLIC,
        ),
        r(
            "POST",
            "/api/v1/auth/verify-email",
            "/api/v1/auth/verify-email".into(),
            none.clone(),
            PUBLIC,
        ),
        r(
            "POST",
            "/api/v1/auth/verify-email/resend",
            "/api/v1/auth/verify-email/resend".into(),
            none.clone(),
            PUBLIC,
        ),
        r(
            "POST",
            "/api/v1/auth/login",
            "/api/v1/auth/login".into(),
            none.clone(),
            PUBLIC,
        ),
        r(
            "POST",
            "/api/v1/auth/refresh",
            "/api/v1/auth/refresh".into(),
            none.clone(),
            PUBLIC,
        ),
        r(
            "POST",
            "/api/v1/auth/logout",
            "/api/v1/auth/logout".into(),
            none.clone(),
            PUBLIC,
        ),
        r(
            "POST",
            "/api/v1/auth/password-reset",
            "/api/v1/auth/password-reset".into(),
            none.clone(),
            PUBLIC,
        ),
        r(
            "POST",
            "/api/v1/auth/password-reset/confirm",
            "/api/v1/auth/password-reset/confirm".into(),
            none.clone(),
            PUBLIC,
        ),
        r(
            "GET",
            "/api/v1/me",
            "/api/v1/me".into(),
            none.clone(),
            SIGNED_IN,
        ),
        r(
            "PATCH",
            "/api/v1/me",
            "/api/v1/me".into(),
            json!({"locale": "en"}),
            SIGNED_IN,
        ),
        r(
            "POST",
            "/api/v1/me/password",
            "/api/v1/me/password".into(),
            json!({"current_password": "x", "new_password": "y"}),
            SIGNED_IN,
        ),
        r(
            "GET",
            "/api/v1/me/organizations",
            "/api/v1/me/organizations".into(),
            none.clone(),
            SIGNED_IN,
        ),
        r(
            "GET",
            "/api/v1/me/notifications",
            "/api/v1/me/notifications".into(),
            none.clone(),
            SIGNED_IN,
        ),
        r(
            "POST",
            "/api/v1/me/notifications/read-all",
            "/api/v1/me/notifications/read-all".into(),
            none.clone(),
            SIGNED_IN,
        ),
        // Someone else's notice is not found, for everyone but its owner.
        r(
            "POST",
            "/api/v1/me/notifications/{id}/read",
            format!("/api/v1/me/notifications/{notice}/read"),
            none.clone(),
            [401, 404, 404, 404, OK, 404],
        ),
        r(
            "POST",
            "/api/v1/me/calendar-token",
            "/api/v1/me/calendar-token".into(),
            none.clone(),
            SIGNED_IN,
        ),
        r(
            "DELETE",
            "/api/v1/me/calendar-token",
            "/api/v1/me/calendar-token".into(),
            none.clone(),
            SIGNED_IN,
        ),
        r(
            "GET",
            "/api/v1/me/calendar.ics",
            "/api/v1/me/calendar.ics?token=not-a-token".into(),
            none.clone(),
            [404; 6],
        ),
        r(
            "GET",
            "/api/v1/unsubscribe",
            "/api/v1/unsubscribe?token=not.valid".into(),
            none.clone(),
            [409; 6],
        ),
        r(
            "POST",
            "/api/v1/unsubscribe",
            "/api/v1/unsubscribe?token=not.valid".into(),
            none.clone(),
            [409; 6],
        ),
        r(
            "GET",
            "/api/v1/admin/users",
            "/api/v1/admin/users".into(),
            none.clone(),
            BUREAU,
        ),
        r(
            "POST",
            "/api/v1/admin/users/{id}/disable",
            format!("/api/v1/admin/users/{}/disable", member_a.id),
            none.clone(),
            BUREAU,
        ),
        r(
            "POST",
            "/api/v1/admin/users/{id}/enable",
            format!("/api/v1/admin/users/{}/enable", member_a.id),
            none.clone(),
            BUREAU,
        ),
        r(
            "GET",
            "/api/v1/organizations/{id}/channels",
            format!("/api/v1/organizations/{a}/channels"),
            none.clone(),
            A_OWNERS,
        ),
        r(
            "POST",
            "/api/v1/organizations/{id}/channels",
            format!("/api/v1/organizations/{a}/channels"),
            json!({"platform": "wecom", "name": "群", "enabled": false,
                   "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"}),
            A_OWNERS_ONLY,
        ),
        r(
            "GET",
            "/api/v1/organizations/{id}/channels/{channel_id}",
            format!("/api/v1/organizations/{a}/channels/{channel}"),
            none.clone(),
            A_OWNERS,
        ),
        r(
            "PATCH",
            "/api/v1/organizations/{id}/channels/{channel_id}",
            format!("/api/v1/organizations/{a}/channels/{channel}"),
            json!({"name": "改名"}),
            A_OWNERS_ONLY,
        ),
        r(
            "DELETE",
            "/api/v1/organizations/{id}/channels/{channel_id}",
            format!("/api/v1/organizations/{a}/channels/{channel}"),
            none.clone(),
            A_OWNERS_ONLY,
        ),
        r(
            "POST",
            "/api/v1/organizations/{id}/channels/{channel_id}/test",
            format!("/api/v1/organizations/{a}/channels/{channel}/test"),
            none.clone(),
            A_OWNERS_ONLY,
        ),
        r(
            "GET",
            "/api/v1/admin/channel-messages",
            "/api/v1/admin/channel-messages".into(),
            none.clone(),
            BUREAU,
        ),
        r(
            "GET",
            "/api/v1/admin/outbox",
            "/api/v1/admin/outbox".into(),
            none.clone(),
            BUREAU,
        ),
        r(
            "POST",
            "/api/v1/admin/outbox/{id}/retry",
            format!("/api/v1/admin/outbox/{outbox}/retry"),
            none.clone(),
            BUREAU,
        ),
        r(
            "GET",
            "/api/v1/audit-log",
            "/api/v1/audit-log".into(),
            none.clone(),
            BUREAU,
        ),
        // Registry.
        r(
            "GET",
            "/api/v1/regions",
            "/api/v1/regions".into(),
            none.clone(),
            PUBLIC,
        ),
        r(
            "POST",
            "/api/v1/regions",
            "/api/v1/regions".into(),
            json!({"code": "new-zone", "parent_code": "zouping", "name_zh": "新区", "name_en": "New zone", "kind": "development_zone"}),
            BUREAU,
        ),
        r(
            "PATCH",
            "/api/v1/regions/{code}",
            "/api/v1/regions/zouping".into(),
            json!({"name_en": "Zouping"}),
            BUREAU,
        ),
        r(
            "GET",
            "/api/v1/fields",
            "/api/v1/fields".into(),
            none.clone(),
            PUBLIC,
        ),
        r(
            "POST",
            "/api/v1/fields",
            "/api/v1/fields".into(),
            json!({"code": "red-mud.new", "parent_code": "red-mud", "name_zh": "新方向", "name_en": "New"}),
            BUREAU,
        ),
        r(
            "PATCH",
            "/api/v1/fields/{code}",
            "/api/v1/fields/red-mud".into(),
            json!({"name_en": "Red mud"}),
            BUREAU,
        ),
        r(
            "GET",
            "/api/v1/organizations",
            "/api/v1/organizations".into(),
            none.clone(),
            PUBLIC,
        ),
        r(
            "POST",
            "/api/v1/organizations",
            "/api/v1/organizations".into(),
            enterprise("新企业", &uscc(9)),
            VERIFIED,
        ),
        r(
            "GET",
            "/api/v1/organizations/{id}",
            format!("/api/v1/organizations/{a}"),
            none.clone(),
            PUBLIC,
        ),
        r(
            "PATCH",
            "/api/v1/organizations/{id}",
            format!("/api/v1/organizations/{a}"),
            json!({"description": "改"}),
            A_OWNERS,
        ),
        r(
            "GET",
            "/api/v1/organizations/{id}/members",
            format!("/api/v1/organizations/{a}/members"),
            none.clone(),
            A_MEMBERS,
        ),
        r(
            "POST",
            "/api/v1/organizations/{id}/members",
            format!("/api/v1/organizations/{a}/members"),
            json!({"email": "new@example.com"}),
            A_OWNERS,
        ),
        r(
            "DELETE",
            "/api/v1/organizations/{id}/members/{user_id}",
            format!("/api/v1/organizations/{a}/members/{}", owner_a.id),
            none.clone(),
            A_OWNERS,
        ),
        r(
            "POST",
            "/api/v1/organizations/{id}/verify",
            format!("/api/v1/organizations/{a}/verify"),
            none.clone(),
            BUREAU,
        ),
        r(
            "POST",
            "/api/v1/organizations/{id}/reject",
            format!("/api/v1/organizations/{a}/reject"),
            json!({"reason": "x"}),
            BUREAU,
        ),
        r(
            "POST",
            "/api/v1/organizations/{id}/suspend",
            format!("/api/v1/organizations/{a}/suspend"),
            json!({"reason": "x"}),
            BUREAU,
        ),
        r(
            "POST",
            "/api/v1/organizations/{id}/reinstate",
            format!("/api/v1/organizations/{a}/reinstate"),
            none.clone(),
            BUREAU,
        ),
        r(
            "POST",
            "/api/v1/invitations/accept",
            "/api/v1/invitations/accept".into(),
            json!({"token": "not-a-token"}),
            [401, 403, 409, 409, 409, 409],
        ),
        // Listings and matching.
        r(
            "GET",
            "/api/v1/needs",
            "/api/v1/needs".into(),
            none.clone(),
            PUBLIC,
        ),
        r(
            "POST",
            "/api/v1/needs",
            "/api/v1/needs".into(),
            need_body("新需求"),
            A_MEMBERS,
        ),
        r(
            "GET",
            "/api/v1/needs/{id}",
            format!("/api/v1/needs/{need}"),
            none.clone(),
            PUBLIC,
        ),
        r(
            "PATCH",
            "/api/v1/needs/{id}",
            format!("/api/v1/needs/{need}"),
            json!({"title": "改"}),
            A_MEMBERS,
        ),
        // A published listing with an interest is never deleted (owners: 409, close it);
        // drafts are deleted by owners only (tests/api/deletion.rs).
        r(
            "DELETE",
            "/api/v1/needs/{id}",
            format!("/api/v1/needs/{need}"),
            none.clone(),
            [401, 403, 403, 403, 409, 403],
        ),
        r(
            "POST",
            "/api/v1/needs/{id}/publish",
            format!("/api/v1/needs/{need}/publish"),
            none.clone(),
            A_MEMBERS,
        ),
        r(
            "POST",
            "/api/v1/needs/{id}/close",
            format!("/api/v1/needs/{need}/close"),
            none.clone(),
            A_MEMBERS,
        ),
        r(
            "POST",
            "/api/v1/needs/{id}/fulfil",
            format!("/api/v1/needs/{need}/fulfil"),
            none.clone(),
            A_MEMBERS,
        ),
        r(
            "GET",
            "/api/v1/needs/{id}/matches",
            format!("/api/v1/needs/{need}/matches"),
            none.clone(),
            PUBLIC,
        ),
        r(
            "GET",
            "/api/v1/capabilities",
            "/api/v1/capabilities".into(),
            none.clone(),
            PUBLIC,
        ),
        r(
            "POST",
            "/api/v1/capabilities",
            "/api/v1/capabilities".into(),
            json!({"organization_id": b, "title": "新成果", "description": "描述"}),
            B_MEMBERS,
        ),
        r(
            "GET",
            "/api/v1/capabilities/{id}",
            format!("/api/v1/capabilities/{cap}"),
            none.clone(),
            PUBLIC,
        ),
        r(
            "PATCH",
            "/api/v1/capabilities/{id}",
            format!("/api/v1/capabilities/{cap}"),
            json!({"title": "改"}),
            B_MEMBERS,
        ),
        r(
            "DELETE",
            "/api/v1/capabilities/{id}",
            format!("/api/v1/capabilities/{cap}"),
            none.clone(),
            [401, 403, 409, 403, 403, 403],
        ),
        r(
            "POST",
            "/api/v1/capabilities/{id}/publish",
            format!("/api/v1/capabilities/{cap}/publish"),
            none.clone(),
            B_MEMBERS,
        ),
        r(
            "POST",
            "/api/v1/capabilities/{id}/close",
            format!("/api/v1/capabilities/{cap}/close"),
            none.clone(),
            B_MEMBERS,
        ),
        r(
            "GET",
            "/api/v1/capabilities/{id}/matches",
            format!("/api/v1/capabilities/{cap}/matches"),
            none.clone(),
            PUBLIC,
        ),
        r(
            "POST",
            "/api/v1/match",
            "/api/v1/match".into(),
            json!({"text": "赤泥"}),
            PUBLIC,
        ),
        // Events.
        r(
            "GET",
            "/api/v1/events",
            "/api/v1/events".into(),
            none.clone(),
            SIGNED_IN,
        ),
        r(
            "POST",
            "/api/v1/events",
            "/api/v1/events".into(),
            crate::events::event_body("新活动", 40, 5, json!({})),
            BUREAU,
        ),
        r(
            "GET",
            "/api/v1/events/participation",
            "/api/v1/events/participation".into(),
            none.clone(),
            SIGNED_IN,
        ),
        r(
            "GET",
            "/api/v1/events/{id}",
            format!("/api/v1/events/{event}"),
            none.clone(),
            SIGNED_IN,
        ),
        r(
            "PATCH",
            "/api/v1/events/{id}",
            format!("/api/v1/events/{event}"),
            json!({"title": "改"}),
            BUREAU,
        ),
        r(
            "GET",
            "/api/v1/events/{id}.ics",
            format!("/api/v1/events/{event}.ics"),
            none.clone(),
            SIGNED_IN,
        ),
        r(
            "POST",
            "/api/v1/events/{id}/publish",
            format!("/api/v1/events/{event}/publish"),
            none.clone(),
            BUREAU,
        ),
        r(
            "POST",
            "/api/v1/events/{id}/cancel",
            format!("/api/v1/events/{event}/cancel"),
            json!({"reason": "x"}),
            BUREAU,
        ),
        r(
            "POST",
            "/api/v1/events/{id}/attendance",
            format!("/api/v1/events/{event}/attendance"),
            json!({"registration_ids": [registration]}),
            BUREAU,
        ),
        r(
            "GET",
            "/api/v1/events/{id}/registrations",
            format!("/api/v1/events/{event}/registrations"),
            none.clone(),
            SIGNED_IN,
        ),
        r(
            "POST",
            "/api/v1/events/{id}/registrations",
            format!("/api/v1/events/{event}/registrations"),
            json!({"organization_id": a, "attendees": [{"name": "新人", "email": "new@guest.example.com"}]}),
            A_MEMBERS,
        ),
        r(
            "DELETE",
            "/api/v1/events/{id}/registrations/{registration_id}",
            format!("/api/v1/events/{event}/registrations/{registration}"),
            none.clone(),
            [401, 404, 404, OK, OK, OK],
        ),
        // Collaboration.
        r(
            "GET",
            "/api/v1/interests",
            "/api/v1/interests".into(),
            none.clone(),
            SIGNED_IN,
        ),
        r(
            "POST",
            "/api/v1/interests",
            "/api/v1/interests".into(),
            json!({"from_organization_id": b, "need_id": need2, "message": "再次"}),
            B_MEMBERS,
        ),
        r(
            "GET",
            "/api/v1/interests/{id}",
            format!("/api/v1/interests/{interest}"),
            none.clone(),
            [401, 404, OK, OK, OK, OK],
        ),
        r(
            "POST",
            "/api/v1/interests/{id}/accept",
            format!("/api/v1/interests/{interest}/accept"),
            none.clone(),
            [401, 404, 403, OK, OK, 404],
        ),
        r(
            "POST",
            "/api/v1/interests/{id}/decline",
            format!("/api/v1/interests/{interest}/decline"),
            json!({"reason": "budget"}),
            [401, 404, 403, OK, OK, 404],
        ),
        r(
            "POST",
            "/api/v1/interests/{id}/withdraw",
            format!("/api/v1/interests/{interest}/withdraw"),
            none.clone(),
            [401, 404, OK, 403, 403, 404],
        ),
        r(
            "GET",
            "/api/v1/agreements",
            "/api/v1/agreements".into(),
            none.clone(),
            SIGNED_IN,
        ),
        r(
            "POST",
            "/api/v1/agreements/{id}/fulfil-need",
            format!("/api/v1/agreements/{agreement}/fulfil-need"),
            none.clone(),
            [401, 404, 403, OK, OK, 404],
        ),
        // Oversight.
        r(
            "GET",
            "/api/v1/projects",
            "/api/v1/projects".into(),
            none.clone(),
            SIGNED_IN,
        ),
        r(
            "POST",
            "/api/v1/projects",
            "/api/v1/projects".into(),
            json!({"name": "新项目", "owner_organization_id": a, "region_code": "zouping", "category": "other", "year": 2026}),
            BUREAU,
        ),
        r(
            "GET",
            "/api/v1/projects/{id}",
            format!("/api/v1/projects/{project}"),
            none.clone(),
            [401, 404, 404, OK, OK, OK],
        ),
        r(
            "PATCH",
            "/api/v1/projects/{id}",
            format!("/api/v1/projects/{project}"),
            json!({"name": "改名"}),
            [401, 404, 404, 403, 403, OK],
        ),
        r(
            "GET",
            "/api/v1/projects/{id}/milestones",
            format!("/api/v1/projects/{project}/milestones"),
            none.clone(),
            [401, 404, 404, OK, OK, OK],
        ),
        r(
            "POST",
            "/api/v1/projects/{id}/milestones",
            format!("/api/v1/projects/{project}/milestones"),
            json!({"name": "新节点", "due_on": due}),
            BUREAU,
        ),
        r(
            "PATCH",
            "/api/v1/projects/{id}/milestones/{milestone_id}",
            format!("/api/v1/projects/{project}/milestones/{milestone}"),
            json!({"notes": "进展"}),
            [401, 404, 404, OK, OK, OK],
        ),
        r(
            "POST",
            "/api/v1/projects/{id}/notes",
            format!("/api/v1/projects/{project}/notes"),
            json!({"body": "跟踪"}),
            BUREAU,
        ),
        r(
            "POST",
            "/api/v1/organizations/import",
            "/api/v1/organizations/import".into(),
            json!({}),
            BUREAU,
        ),
        r(
            "GET",
            "/api/v1/reports/overview",
            "/api/v1/reports/overview".into(),
            none.clone(),
            BUREAU,
        ),
        r(
            "GET",
            "/api/v1/reports/{name}.csv",
            "/api/v1/reports/organizations.csv".into(),
            none.clone(),
            BUREAU,
        ),
        r(
            "GET",
            "/api/v1/reports/{name}.xlsx",
            "/api/v1/reports/organizations.xlsx".into(),
            none.clone(),
            BUREAU,
        ),
    ];

    // Every registered route has exactly one row.
    let registered: BTreeSet<(String, String)> = collab_registry::routes::table()
        .endpoints()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_owned()))
        .collect();
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_owned(), r.template.to_owned()))
        .collect();
    let missing: Vec<_> = registered.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorization matrix: {missing:?}"
    );
    let stale: Vec<_> = covered.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "rows for routes that do not exist: {stale:?}"
    );
    assert_eq!(rows.len(), covered.len(), "one row per route");

    // Let the background work the set-up caused (mail delivery, new-match notices) finish,
    // so that only the requests below could change anything.
    let mut last = fingerprint(&app).await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
        let now = fingerprint(&app).await;
        if now == last {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the set-up never settled"
        );
        last = now;
    }

    let fixture = Fixture {
        users: [
            None,
            Some(unverified),
            Some(stranger),
            Some(member_a),
            Some(owner_a),
            Some(bureau),
        ],
    };
    let mut failures = Vec::new();
    for row in &rows {
        for (i, expected) in row.expect.iter().enumerate() {
            if *expected == OK && row.method != "GET" {
                continue;
            }
            let before = fingerprint(&app).await;
            let mut req = app
                .client
                .request(row.method.parse().unwrap(), app.url(&row.path));
            if let Some(u) = &fixture.users[i] {
                req = req.bearer_auth(&u.access);
            }
            if row.method != "GET" && row.method != "DELETE" {
                req = req.json(&row.body);
            }
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let ctype = res
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let body = res.text().await.unwrap_or_default();
            if *expected == OK {
                // A read the caller may make succeeds.
                if status != 200 {
                    failures.push(format!(
                        "{} {} as {}: expected 200, got {status}: {body}",
                        row.method, row.path, ROLES[i]
                    ));
                }
                continue;
            }
            if status != *expected {
                failures.push(format!(
                    "{} {} as {}: expected {expected}, got {status}: {body}",
                    row.method, row.path, ROLES[i]
                ));
                continue;
            }
            if !ctype.starts_with("application/problem+json") {
                failures.push(format!(
                    "{} {} as {}: refusal is not problem+json ({ctype})",
                    row.method, row.path, ROLES[i]
                ));
            }
            let after = fingerprint(&app).await;
            if before != after {
                let changed: Vec<_> = before.iter().zip(&after).filter(|(x, y)| x != y).collect();
                failures.push(format!(
                    "{} {} as {}: refused but changed {changed:?}",
                    row.method, row.path, ROLES[i]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} authorization failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The contacts rule: an organization's named contact (person, email, phone) is shown to
/// the bureau, its own members, and members of an organization that has an agreement with
/// it; everyone else sees the public face only (address, website), in every view.
#[tokio::test]
async fn named_contacts_are_shown_only_to_insiders_partners_and_the_bureau() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner_a = app.verified_user("owner-a@example.com").await;
    let member_a = app.verified_user("member-a@example.com").await;
    let partner = app.verified_user("partner@example.com").await;
    let outsider = app.verified_user("outsider@example.com").await;
    let res = app.register("unverified@example.com", "en").await;
    let unverified_id = id(&res.json::<Value>().await.unwrap());
    let unverified = app
        .logged_in(
            &unverified_id,
            "unverified@example.com",
            crate::helpers::PASSWORD,
        )
        .await;
    let mut body = enterprise("甲企业", &uscc(1));
    body["address"] = json!("邹平市黛溪街道");
    let a = id(&app.verified_org(&owner_a, &bureau, &body).await);
    crate::deletion::add_member(&app, &a, &member_a).await;
    let b = id(&app
        .verified_org(
            &partner,
            &bureau,
            &json!({"kind": "university", "name": "乙大学", "region_code": "bincheng"}),
        )
        .await);
    app.verified_org(
        &outsider,
        &bureau,
        &json!({"kind": "research_institute", "name": "丙研究院", "region_code": "bincheng"}),
    )
    .await;
    let need = id(&crate::listings::post(
        &app,
        &owner_a,
        "/api/v1/needs",
        &json!({
        "organization_id": a, "title": "赤泥选铁", "description": "赤泥提铁。"}),
    )
    .await);
    crate::listings::publish(&app, &owner_a, "needs", &need).await;
    let interest = id(&app
        .post_json_as(
            "/api/v1/interests",
            &partner.access,
            &json!({"from_organization_id": b, "need_id": need, "message": "感兴趣"}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap());

    let callers: [(&str, Option<&TestUser>); 7] = [
        ("anonymous", None),
        ("unverified", Some(&unverified)),
        ("outsider", Some(&outsider)),
        ("partner", Some(&partner)),
        ("member_a", Some(&member_a)),
        ("owner_a", Some(&owner_a)),
        ("bureau", Some(&bureau)),
    ];
    let check = |stage: &'static str, sees: [bool; 7]| {
        let (app, a, callers) = (&app, &a, &callers);
        async move {
            let mut failures = Vec::new();
            for ((name, user), expected) in callers.iter().zip(sees) {
                for path in [
                    format!("/api/v1/organizations/{a}"),
                    "/api/v1/organizations?q=甲企业".to_owned(),
                ] {
                    let mut req = app.client.get(app.url(&path));
                    if let Some(u) = user {
                        req = req.bearer_auth(&u.access);
                    }
                    let v: Value = req.send().await.unwrap().json().await.unwrap();
                    let org = if v.get("items").is_some() {
                        v["items"][0].clone()
                    } else {
                        v
                    };
                    assert_eq!(
                        org["address"], "邹平市黛溪街道",
                        "{path} as {name}: public face"
                    );
                    let shown = org.get("contact").is_some();
                    if shown != expected {
                        failures.push(format!("{stage}: {path} as {name}: contact shown {shown}"));
                    }
                    if shown {
                        assert_eq!(org["contact"]["phone"], "0543-5550001");
                    }
                }
            }
            assert!(failures.is_empty(), "{}", failures.join("\n"));
        }
    };
    // An open interest reveals nothing, in the directory or in the interest.
    check(
        "open interest",
        [false, false, false, false, true, true, true],
    )
    .await;
    let seen: Value = app
        .get_as(&format!("/api/v1/interests/{interest}"), &partner.access)
        .await
        .json()
        .await
        .unwrap();
    assert!(seen["counterpart_contact"].is_null());
    // Accepted: the partner sees the contact, the outsider still does not.
    let res = app
        .post_json_as(
            &format!("/api/v1/interests/{interest}/accept"),
            &owner_a.access,
            &json!({}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    check("accepted", [false, false, false, true, true, true, true]).await;
    let seen: Value = app
        .get_as(&format!("/api/v1/interests/{interest}"), &partner.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["counterpart_contact"]["email"], "contact@example.com");
    let res = app
        .get_as(&format!("/api/v1/interests/{interest}"), &outsider.access)
        .await;
    assert_eq!(res.status().as_u16(), 404);
}
