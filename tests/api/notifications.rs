//! The in-app inbox, per-topic preferences, the daily digest and one-click unsubscribe.

use chrono::{TimeZone, Utc};
use collab_registry::notifications::{digest, inbox::Postman};
use serde_json::{Value, json};

use crate::events::event_body;
use crate::helpers::{TEST_JWT_SECRET, TestApp, assert_problem, spawn_app};
use crate::registry::{enterprise, uscc};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// Outbox rows addressed to `to` whose subject starts with `prefix`.
async fn queued(app: &TestApp, to: &str, prefix: &str) -> usize {
    use collab_registry::db::schema::outbox_emails as o;
    use diesel::prelude::*;
    let (to, prefix) = (to.to_owned(), prefix.to_owned());
    app.db
        .run(move |conn| {
            let subjects: Vec<String> = o::table
                .filter(o::to_address.eq(&to))
                .select(o::subject)
                .load(conn)?;
            Ok(subjects.iter().filter(|s| s.starts_with(&prefix)).count())
        })
        .await
        .unwrap()
}

/// Path and query of an absolute link, to call it on the test server.
fn path_of(url: &str) -> String {
    let start = url.find("/api/").expect("an API link");
    url[start..].trim_end_matches('>').to_owned()
}

#[tokio::test]
async fn inbox_lists_unread_first_and_marks_read_and_never_holds_secrets() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let user = app.verified_user("member@example.com").await;
    let token = app.verification_mail("member@example.com").await.token();
    let org = app
        .verified_org(&user, &bureau, &enterprise("魏桥铝电", &uscc(1)))
        .await;
    app.open_event(&bureau, 10).await;

    let page: Value = app
        .get_as("/api/v1/me/notifications", &user.access)
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{page}");
    assert_eq!(page["unread_count"], 3);
    let topics: Vec<&str> = items.iter().map(|x| x["topic"].as_str().unwrap()).collect();
    assert_eq!(
        topics,
        vec!["events", "registry", "account"],
        "newest first"
    );
    assert!(
        !page.to_string().contains(&token),
        "the inbox never holds a one-time token"
    );

    // Reading the newest moves it behind the unread ones.
    let newest = id(&items[0]);
    let res = app
        .post_json_as(
            &format!("/api/v1/me/notifications/{newest}/read"),
            &user.access,
            &json!({}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let page: Value = app
        .get_as("/api/v1/me/notifications?limit=2", &user.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["unread_count"], 2);
    let first_two: Vec<bool> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["read"].as_bool().unwrap())
        .collect();
    assert_eq!(first_two, vec![false, false]);
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest: Value = app
        .get_as(
            &format!("/api/v1/me/notifications?limit=2&cursor={cursor}"),
            &user.access,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(id(&rest["items"][0]), newest);
    let unread: Value = app
        .get_as("/api/v1/me/notifications?unread_only=true", &user.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unread["items"].as_array().unwrap().len(), 2);

    // Someone else's notice is not found; read-all clears the rest.
    let other = app.verified_user("other@example.com").await;
    let res = app
        .post_json_as(
            &format!("/api/v1/me/notifications/{newest}/read"),
            &other.access,
            &json!({}),
        )
        .await;
    assert_problem(res, 404, "not_found").await;
    let res = app
        .post_json_as(
            "/api/v1/me/notifications/read-all",
            &user.access,
            &json!({}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["updated"], 2);
    let page: Value = app
        .get_as("/api/v1/me/notifications", &user.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["unread_count"], 0);
    let _ = org;
}

#[tokio::test]
async fn digest_mode_sends_one_digest_and_unsubscribe_stops_only_that_topic() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let digester = app.verified_user("digest@example.com").await;
    let immediate = app.verified_user("immediate@example.com").await;
    app.verified_org(&digester, &bureau, &enterprise("魏桥铝电", &uscc(1)))
        .await;
    let their_org = app
        .verified_org(&immediate, &bureau, &enterprise("滨州再生铝", &uscc(2)))
        .await;

    // Preferences live in /me; bad values are refused by name.
    let res = app
        .patch_json_as(
            "/api/v1/me",
            &digester.access,
            &json!({"notification_preferences": {"events": "digest"}, "timezone": "Asia/Shanghai"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["notification_preferences"]["events"], "digest");
    assert_eq!(me["notification_preferences"]["matches"], "immediate");
    let res = app
        .patch_json_as(
            "/api/v1/me",
            &digester.access,
            &json!({"timezone": "Mars/Olympus"}),
        )
        .await;
    assert_problem(res, 422, "timezone_unknown").await;
    let res = app
        .patch_json_as(
            "/api/v1/me",
            &digester.access,
            &json!({"notification_preferences": {"events": "weekly"}}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);

    // Two events: the digest user gets inbox notices but no single mails.
    for (title, days) in [("第一场培训", 10), ("第二场交流会", 11)] {
        let ev = app
            .create_event(&bureau, &event_body(title, days, 20, json!({})))
            .await;
        app.publish_event(&bureau, &id(&ev)).await;
    }
    assert_eq!(queued(&app, "digest@example.com", "Invitation").await, 0);
    assert_eq!(queued(&app, "immediate@example.com", "Invitation").await, 2);
    let inbox: Value = app
        .get_as("/api/v1/me/notifications", &digester.access)
        .await
        .json()
        .await
        .unwrap();
    let held: Vec<&Value> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["delivery"] == "digest")
        .collect();
    assert_eq!(held.len(), 2);

    // Tomorrow at 10:00 in Shanghai the digest is due: one email with both events.
    let postman = Postman::new(&app.settings.public_url, &TEST_JWT_SECRET.to_owned().into());
    let tomorrow = (Utc::now() + chrono::Duration::days(1))
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let ten = chrono_tz::Asia::Shanghai
        .from_local_datetime(&tomorrow.and_hms_opt(10, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc);
    let seven = ten - chrono::Duration::hours(3);
    let run = |now| {
        let (db, postman) = (app.db.clone(), postman.clone());
        async move {
            db.run(move |conn| Ok(digest::run_once(conn, &postman, 8, now)?))
                .await
                .unwrap()
        }
    };
    assert_eq!(run(seven).await, 0, "not before the digest hour");
    assert_eq!(run(ten).await, 1);
    assert_eq!(run(ten).await, 0, "one digest a day");
    let mails = app.smtp.wait_for("digest@example.com", 3).await;
    let digests: Vec<_> = mails
        .iter()
        .filter(|m| m.subject().starts_with("Daily digest"))
        .collect();
    assert_eq!(digests.len(), 1);
    let text = digests[0].text();
    assert!(
        text.contains("第一场培训") && text.contains("第二场交流会"),
        "{text}"
    );
    assert!(mails.iter().all(|m| !m.subject().starts_with("Invitation")));

    // Opening the digest's unsubscribe link with GET only leads to the page that asks.
    let link = digests[0].header("List-Unsubscribe");
    let res = app.get(&path_of(&link)).await;
    assert_eq!(res.status().as_u16(), 303);
    let page = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(page.starts_with("/unsubscribe?token="), "{page}");
    assert!(
        text.contains(&format!("{}{page}", app.address)),
        "the body links the page: {text}"
    );
    let me: Value = app
        .get_as("/api/v1/me", &digester.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["notification_preferences"]["events"], "digest");
    // The one-click POST turns its topics to in-app only.
    let res = app
        .client
        .post(app.url(&path_of(&link)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap()["topics"],
        json!(["events"])
    );
    let me: Value = app
        .get_as("/api/v1/me", &digester.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["notification_preferences"]["events"], "in_app");

    // One-click unsubscribe from event mail stops event mail only.
    let invitation = app
        .smtp
        .wait_for("immediate@example.com", 4)
        .await
        .into_iter()
        .find(|m| m.subject().starts_with("Invitation"))
        .unwrap();
    assert_eq!(
        invitation.header("List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click"
    );
    let link = invitation.header("List-Unsubscribe");
    let res = app
        .client
        .post(app.url(&path_of(&link)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let ev = app
        .create_event(&bureau, &event_body("第三场", 12, 20, json!({})))
        .await;
    app.publish_event(&bureau, &id(&ev)).await;
    assert_eq!(queued(&app, "immediate@example.com", "Invitation").await, 2);
    let inbox: Value = app
        .get_as("/api/v1/me/notifications?limit=1", &immediate.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(inbox["items"][0]["delivery"], "in_app");
    // Registry mail still arrives.
    let res = app
        .post_json_as(
            &format!("/api/v1/organizations/{}/suspend", id(&their_org)),
            &bureau.access,
            &json!({"reason": "资料核查"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        queued(
            &app,
            "immediate@example.com",
            "滨州再生铝 has been suspended"
        )
        .await,
        1
    );

    // A forged or mangled token is refused.
    let res = app.get("/api/v1/unsubscribe?token=bogus.token").await;
    assert_problem(res, 409, "unsubscribe_token_invalid").await;
}
