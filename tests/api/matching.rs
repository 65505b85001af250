//! Matching through the HTTP API: across languages with explanations, only what may be
//! shown, fresh within a second, and rebuilt after the index is lost.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, spawn_app};
use crate::listings::{post, publish, two_sides};

/// Poll `path` until `check` holds (at most 1 s, the freshness promise).
pub async fn within_a_second(
    app: &TestApp,
    user: &TestUser,
    path: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    loop {
        let body: Value = app.get_as(path, &user.access).await.json().await.unwrap();
        if check(&body) {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not reflected within a second: {body}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn ids(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["listing"]["id"].as_str().unwrap().to_owned())
        .collect()
}

struct World {
    owner: TestUser,
    prof: TestUser,
    bureau: TestUser,
    uni: String,
    need: String,
    iron: String,
    bricks: String,
    moulds: String,
}

async fn world(app: &TestApp) -> World {
    let (owner, prof, bureau) = (
        app.verified_user("o@example.com").await,
        app.verified_user("p@example.com").await,
        app.bureau_admin().await,
    );
    let (ent, uni) = two_sides(app, &owner, &prof, &bureau, 77).await;
    let cap = |title: &str, desc: &str, field: &str| json!({"organization_id": uni, "title": title, "description": desc, "field_codes": [field], "cooperation_modes": ["joint_rnd"], "trl": 6});
    let iron = post(app, &prof, "/api/v1/capabilities", &cap(
        "Iron recovery from bauxite residue",
        "Magnetic separation and reduction roasting recover iron concentrate from bauxite residue produced by Bayer refineries.",
        "red-mud.iron-recovery")).await;
    let bricks = post(
        app,
        &prof,
        "/api/v1/capabilities",
        &cap(
            "Building materials from red mud",
            "Sintered bricks and cement admixtures made from red mud.",
            "red-mud",
        ),
    )
    .await;
    let moulds = post(app, &prof, "/api/v1/capabilities", &cap(
        "Die casting mould design",
        "Thermal simulation and design of high pressure die casting moulds for automotive parts.",
        "forming")).await;
    for c in [&iron, &bricks, &moulds] {
        publish(app, &prof, "capabilities", c["id"].as_str().unwrap()).await;
    }
    let need = post(app, &owner, "/api/v1/needs", &json!({
        "organization_id": ent, "title": "赤泥中铁的回收", "description": "我公司拜耳法氧化铝生产每年产生大量赤泥，希望回收其中的铁，实现综合利用。",
        "keywords": ["赤泥", "铁回收"], "field_codes": ["red-mud.iron-recovery"], "cooperation_modes": ["joint_rnd"], "trl_required": 5})).await;
    publish(app, &owner, "needs", need["id"].as_str().unwrap()).await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    World {
        uni,
        need: id(&need),
        iron: id(&iron),
        bricks: id(&bricks),
        moulds: id(&moulds),
        owner,
        prof,
        bureau,
    }
}

#[tokio::test]
async fn a_chinese_need_finds_an_english_capability_through_the_glossary() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let path = format!("/api/v1/needs/{}/matches", w.need);
    let body = within_a_second(&app, &w.owner, &path, |b| ids(b).len() >= 2).await;
    let ranked = ids(&body);
    assert_eq!(ranked[0], w.iron, "{body}");
    let pos = |id: &str| ranked.iter().position(|r| r == id).unwrap_or(usize::MAX);
    assert!(pos(&w.iron) < pos(&w.bricks), "near miss ranks lower");
    assert!(pos(&w.bricks) < pos(&w.moulds), "unrelated ranks lowest");
    let best = &body["items"][0];
    let score = best["score"].as_f64().unwrap();
    assert!(score > 0.0 && score <= 1.0);
    let terms = best["explanation"]["matched_terms"].as_array().unwrap();
    let link = terms
        .iter()
        .filter_map(|t| t["glossary"].as_str())
        .find(|g| g.contains("赤泥"))
        .unwrap_or_default();
    assert!(
        link.contains("bauxite residue"),
        "explanation names the glossary link: {terms:?}"
    );
    assert_eq!(
        best["explanation"]["shared_fields"],
        json!(["red-mud.iron-recovery"])
    );

    // And the reverse: the English capability finds the Chinese need.
    let back_path = format!("/api/v1/capabilities/{}/matches", w.iron);
    within_a_second(&app, &w.prof, &back_path, |b| {
        ids(b) == vec![w.need.clone()]
    })
    .await;
    // Ad-hoc search before posting.
    let res = app
        .post_json(
            "/api/v1/match",
            &json!({"text": "bauxite residue iron", "side": "capabilities", "limit": 1}),
        )
        .await;
    assert_eq!(
        ids(&res.json::<Value>().await.unwrap()),
        vec![w.iron.clone()]
    );
}

#[tokio::test]
async fn drafts_and_suspended_organizations_never_appear_and_changes_show_within_a_second() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let draft = post(&app, &w.prof, "/api/v1/capabilities", &json!({"organization_id": w.uni, "title": "赤泥铁回收新工艺", "description": "赤泥 铁 回收"})).await;
    let path = format!("/api/v1/needs/{}/matches", w.need);
    let body = within_a_second(&app, &w.owner, &path, |b| ids(b).contains(&w.iron)).await;
    assert!(!ids(&body).contains(&draft["id"].as_str().unwrap().to_owned()));

    // Closing a listing removes it.
    app.post_json_as(
        &format!("/api/v1/capabilities/{}/close", w.bricks),
        &w.prof.access,
        &json!({}),
    )
    .await;
    within_a_second(&app, &w.owner, &path, |b| !ids(b).contains(&w.bricks)).await;
    // Editing is reflected: the mould capability now talks about red mud iron.
    app.patch_json_as(&format!("/api/v1/capabilities/{}", w.moulds), &w.prof.access,
        &json!({"title": "赤泥选铁", "description": "赤泥磁选回收铁精矿", "field_codes": ["red-mud.iron-recovery"]})).await;
    within_a_second(&app, &w.owner, &path, |b| {
        ids(b).first() == Some(&w.moulds) || ids(b).get(1) == Some(&w.moulds)
    })
    .await;
    // Suspending the university removes all its capabilities.
    let res = app
        .post_json_as(
            &format!("/api/v1/organizations/{}/suspend", w.uni),
            &w.bureau.access,
            &json!({"reason": "review"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    within_a_second(&app, &w.owner, &path, |b| ids(b).is_empty()).await;
    let search: Value = app
        .post_json("/api/v1/match", &json!({"text": "bauxite residue iron"}))
        .await
        .json()
        .await
        .unwrap();
    assert!(ids(&search).is_empty());
}

#[tokio::test]
async fn a_deleted_index_is_rebuilt_at_start() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let path = format!("/api/v1/needs/{}/matches", w.need);
    within_a_second(&app, &w.owner, &path, |b| ids(b).contains(&w.iron)).await;

    // A second instance on the same database with its own, missing, index folder.
    let dir = tempfile::tempdir().unwrap();
    let mut settings = app.settings.clone();
    settings.data_dir = dir.path().to_owned();
    settings.run_migrations = false;
    let index = dir.path().join("index");
    assert!(!index.exists());
    let second = collab_registry::startup::Application::build(settings)
        .await
        .unwrap();
    assert!(index.exists());
    let port = second.port();
    tokio::spawn(second.run_until_stopped());
    let body: Value = app
        .client
        .get(format!("http://127.0.0.1:{port}{path}"))
        .bearer_auth(&w.owner.access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&body)[0], w.iron);
}

#[tokio::test]
async fn publishing_a_need_notifies_owners_of_matching_capabilities_once() {
    let app = spawn_app().await;
    let w = world(&app).await;
    // The professor owns the capabilities; the need's publication is announced to them.
    // Verification, the university's verification, then the announcement.
    let mails = app.smtp.wait_for("p@example.com", 3).await;
    let announced: Vec<_> = mails
        .iter()
        .filter(|m| m.subject().contains("A new need matches"))
        .collect();
    assert_eq!(
        announced.len(),
        1,
        "one mail for the iron-recovery pair: {:?}",
        mails.iter().map(|m| m.subject()).collect::<Vec<_>>()
    );
    assert!(
        announced[0]
            .text()
            .contains("Iron recovery from bauxite residue")
    );

    // Close and publish again: the pair was announced already.
    let need = format!("/api/v1/needs/{}", w.need);
    app.post_json_as(&format!("{need}/close"), &w.owner.access, &json!({}))
        .await;
    app.post_json_as(&format!("{need}/publish"), &w.owner.access, &json!({}))
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // Another capability may cross the threshold now (scores move as the corpus changes),
    // but the iron-recovery pair is never announced twice.
    let again = app
        .smtp
        .mails_to("p@example.com")
        .into_iter()
        .filter(|m| {
            m.subject().contains("A new need matches")
                && m.text().contains("Iron recovery from bauxite residue")
        })
        .count();
    assert_eq!(again, 1);
}

#[tokio::test]
async fn explanations_say_in_words_what_matched_and_scores_stay_put() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let path = format!("/api/v1/needs/{}/matches", w.need);
    let body = within_a_second(&app, &w.owner, &path, |b| ids(b).len() >= 2).await;
    let best = &body["items"][0];
    assert_eq!(best["listing"]["id"], json!(w.iron));
    assert!(!ids(&body).contains(&w.moulds), "nothing in common: {body}");
    let e = &best["explanation"];
    let sim = e["semantic_similarity"].as_f64().unwrap();
    assert!(sim > 0.3 && sim <= 1.0, "{e}");
    assert!(e["contributions"]["semantic"].as_f64().unwrap() > 0.0);
    let summary: Vec<&str> = e["summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        summary
            .iter()
            .any(|s| s.starts_with("semantically") && s.ends_with(&format!("{sim:.2}"))),
        "{summary:?}"
    );
    assert!(
        summary
            .iter()
            .any(|s| s.contains("Iron recovery from red mud (赤泥选铁与提铁)")),
        "field named, not coded: {summary:?}"
    );
    assert!(
        summary.iter().any(|s| s.contains("bauxite residue")),
        "{summary:?}"
    );
    let scores = |b: &Value| -> Vec<(String, f64)> {
        b["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let s = i["score"].as_f64().unwrap();
                assert_eq!(s, (s * 1000.0).round() / 1000.0, "three decimals");
                (i["listing"]["id"].as_str().unwrap().to_owned(), s)
            })
            .collect()
    };
    let before = scores(&body);

    // An unrelated capability and an unrelated need appear: the pairs keep their scores.
    let cold = post(&app, &w.prof, "/api/v1/capabilities", &json!({"organization_id": w.uni, "title": "Cold chain logistics for fruit", "description": "Refrigerated transport and storage of fresh fruit.", "trl": 7})).await;
    publish(&app, &w.prof, "capabilities", cold["id"].as_str().unwrap()).await;
    let cold_id = cold["id"].as_str().unwrap().to_owned();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    loop {
        let res = app
            .post_json(
                "/api/v1/match",
                &json!({"text": "refrigerated transport of fresh fruit"}),
            )
            .await;
        if ids(&res.json::<Value>().await.unwrap()).first() == Some(&cold_id) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "new capability not indexed"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let after = scores(
        &app.get_as(&path, &w.owner.access)
            .await
            .json::<Value>()
            .await
            .unwrap(),
    );
    for (id, s) in &before {
        let again = after.iter().find(|(i, _)| i == id).map(|p| p.1);
        assert_eq!(again, Some(*s), "{id} moved: {before:?} -> {after:?}");
    }
    let _ = &w.bureau;
}

#[tokio::test]
async fn list_search_finds_a_chinese_need_from_english_words() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let ent = within_a_second(&app, &w.owner, &format!("/api/v1/needs/{}", w.need), |b| {
        b["organization_id"].is_string()
    })
    .await["organization_id"]
        .clone();
    let sc = post(&app, &w.owner, "/api/v1/needs", &json!({"organization_id": ent, "title": "赤泥中钪的提取", "description": "希望从氧化铝厂赤泥中提取钪，获得氧化钪产品。", "trl_required": 4})).await;
    let id = sc["id"].as_str().unwrap().to_owned();
    publish(&app, &w.owner, "needs", &id).await;
    let found = |b: &Value| {
        b["items"]
            .as_array()
            .is_some_and(|v| v.iter().any(|i| i["id"] == json!(id)))
    };
    // Anyone browsing the published needs: English finds Chinese through the glossary.
    let body = within_a_second(&app, &w.prof, "/api/v1/needs?q=scandium", found).await;
    assert!(
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["id"] == json!(id)),
        "only the scandium need: {body}"
    );
    let body: Value = app
        .get_as("/api/v1/needs?q=%E9%92%AA", &w.prof.access)
        .await
        .json()
        .await
        .unwrap();
    assert!(found(&body), "钪 still finds it: {body}");
    let body: Value = app
        .get_as("/api/v1/needs?q=gallium", &w.prof.access)
        .await
        .json()
        .await
        .unwrap();
    assert!(!found(&body), "{body}");
}

/// `reindex` as an operator runs it: the first rebuild of an empty index encodes every
/// listing; the second finds every text unchanged and takes the stored vectors.
#[tokio::test]
async fn reindex_encodes_each_listing_once_then_reuses_its_stored_vector() {
    let app = spawn_app().await;
    world(&app).await;
    let data = tempfile::tempdir().unwrap();
    let reindex = || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_collab-registry"))
            .arg("reindex")
            .env("DATABASE_URL", &app.settings.database_url)
            .env("COLLAB_DATA_DIR", data.path())
            .env("COLLAB_LOG", "warn")
            .env_remove("COLLAB_SEMANTIC")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    };
    let first = reindex();
    assert!(
        first.contains("search index rebuilt: 4 listings, 0 vectors reused, 4 encoded"),
        "{first}"
    );
    let second = reindex();
    assert!(
        second.contains("search index rebuilt: 4 listings, 4 vectors reused, 0 encoded"),
        "{second}"
    );
}
