//! `demo-data`: a newcomer sees matching and events at once, a second run adds nothing, and
//! `--remove` removes exactly the samples.

use std::time::Duration;

use collab_registry::app::Postman;
use collab_registry::ops::demo::{self, Loaded};
use serde_json::Value;

use crate::helpers::{TEST_JWT_SECRET, TestApp, count, spawn_app};
use crate::registry::{enterprise, uscc};

async fn load(app: &TestApp) -> Loaded {
    let db = app.db.clone();
    let postman = Postman::new(&app.settings.public_url, &TEST_JWT_SECRET.to_owned().into());
    tokio::task::spawn_blocking(move || {
        let mut conn = db.pool().get().unwrap();
        demo::load(&mut conn, &postman).unwrap()
    })
    .await
    .unwrap()
}

/// Rows of every table the samples write to (the inbox and mail follow the indexer's
/// match notices in their own time, so they are compared only after removal).
async fn counts(app: &TestApp, with_mail: bool) -> Vec<(&'static str, i64)> {
    let mut tables = vec![
        "users",
        "organizations",
        "memberships",
        "listings",
        "events",
        "event_registrations",
        "interests",
        "agreements",
        "projects",
        "milestones",
        "audit_log",
    ];
    if with_mail {
        tables.extend(["notifications", "outbox_emails"]);
    }
    let mut out = Vec::new();
    for t in tables {
        out.push((
            t,
            count(&app.db, format!("SELECT count(*) AS n FROM {t}")).await,
        ));
    }
    out
}

#[tokio::test]
async fn demo_data_shows_matching_and_events_and_removes_exactly_the_samples() {
    let app = spawn_app().await;
    // Someone real was there first.
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let real = app
        .verified_org(&owner, &bureau, &enterprise("魏桥铝电", &uscc(1)))
        .await;
    let real = real["id"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(300)).await; // the real mail is queued
    let before = counts(&app, true).await;

    let first = load(&app).await;
    assert!(first.organizations >= 20, "{first:?}");
    assert_eq!(
        (
            first.accounts,
            first.listings,
            first.events,
            first.registrations
        ),
        (5, 4, 1, 3),
        "{first:?}"
    );
    assert_eq!((first.interests, first.projects), (1, 1), "{first:?}");
    let once = counts(&app, false).await;
    assert_eq!(load(&app).await, Loaded::default());
    assert_eq!(counts(&app, false).await, once);

    // A sample member signs in with the printed credentials and sees their need matched
    // across languages, the training and the interest.
    let email = demo::sample_address(demo::MEMBERS[0].local);
    let res = app.login(&email, demo::SAMPLE_PASSWORD).await;
    assert_eq!(res.status().as_u16(), 200, "sample login");
    let token = res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let needs: Value = app
        .get_as("/api/v1/needs?q=赤泥", &token)
        .await
        .json()
        .await
        .unwrap();
    let need = needs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["title"].as_str().unwrap().contains("示例"))
        .unwrap_or_else(|| panic!("no sample need in {needs}"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let m: Value = app
            .get_as(&format!("/api/v1/needs/{need}/matches"), &token)
            .await
            .json()
            .await
            .unwrap();
        let found = m["items"].as_array().is_some_and(|items| {
            items.iter().any(|x| {
                x["listing"]["title"]
                    .as_str()
                    .unwrap_or("")
                    .contains("bauxite residue")
            })
        });
        if found {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "no match: {m}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let events: Value = app
        .get_as("/api/v1/events", &token)
        .await
        .json()
        .await
        .unwrap();
    let training = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["status"] == "published")
        .unwrap_or_else(|| panic!("no published training in {events}"))
        .clone();
    assert_eq!(training["confirmed_count"], 3, "{training}");
    let interests: Value = app
        .get_as("/api/v1/interests", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        interests["items"].as_array().unwrap().len(),
        1,
        "{interests}"
    );

    // Removing leaves what was there before, and no sample.
    let db = app.db.clone();
    let gone = tokio::task::spawn_blocking(move || {
        let mut conn = db.pool().get().unwrap();
        demo::remove(&mut conn).unwrap()
    })
    .await
    .unwrap();
    assert_eq!(gone.organizations, first.organizations, "{gone:?}");
    assert_eq!(counts(&app, true).await, before);
    let samples = "SELECT count(*) AS n FROM organizations WHERE is_sample";
    assert_eq!(count(&app.db, samples).await, 0);
    let res = app.login(&email, demo::SAMPLE_PASSWORD).await;
    assert_eq!(res.status().as_u16(), 401);
    let res = app
        .get_as(&format!("/api/v1/organizations/{real}"), &owner.access)
        .await;
    assert_eq!(res.status().as_u16(), 200);
}
