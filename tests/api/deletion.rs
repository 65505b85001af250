//! What a DELETE may remove: a listing with history is closed, never deleted; only owners
//! delete drafts nobody answered; no delete reaches another organization's records.

use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, count, spawn_app};
use crate::listings::{post, publish};
use crate::registry::{enterprise, uscc};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn delete(app: &TestApp, user: &TestUser, path: &str) -> reqwest::Response {
    app.client
        .delete(app.url(path))
        .bearer_auth(&user.access)
        .send()
        .await
        .unwrap()
}

/// Make `user` a plain member of `org`.
pub async fn add_member(app: &TestApp, org: &str, user: &TestUser) {
    let (org, uid) = (org.to_owned(), user.id.clone());
    app.db
        .write(move |conn| {
            Ok(collab_registry::organizations::model::add_member(
                conn,
                &org.into(),
                &uid.into(),
                collab_registry::organizations::domain::MemberRole::Member,
            )?)
        })
        .await
        .unwrap();
}

fn need_body(org: &str, title: &str) -> Value {
    json!({"organization_id": org, "title": title, "description": "赤泥提铁，焙烧磁选回收铁精粉。",
           "field_codes": ["red-mud.iron-recovery"], "cooperation_modes": ["joint_rnd"]})
}

async fn audit_actions(app: &TestApp, bureau: &TestUser, subject: &str) -> Vec<(String, String)> {
    let page: Value = app
        .get_as(
            &format!("/api/v1/audit-log?subject_type=listing&subject_id={subject}"),
            &bureau.access,
        )
        .await
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["actor_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_need_with_an_agreement_is_closed_not_deleted_and_its_history_stays() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let member = app.verified_user("member@example.com").await;
    let prof = app.verified_user("prof@example.com").await;
    let ent = id(&app
        .verified_org(&owner, &bureau, &enterprise("甲企业", &uscc(1)))
        .await);
    add_member(&app, &ent, &member).await;
    let uni = id(&app
        .verified_org(
            &prof,
            &bureau,
            &json!({"kind": "university", "name": "乙大学", "region_code": "bincheng"}),
        )
        .await);
    let need = id(&post(&app, &owner, "/api/v1/needs", &need_body(&ent, "赤泥选铁")).await);
    publish(&app, &owner, "needs", &need).await;
    let interest = app
        .post_json_as(
            "/api/v1/interests",
            &prof.access,
            &json!({"from_organization_id": uni, "need_id": need, "message": "感兴趣"}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    let accepted: Value = app
        .post_json_as(
            &format!("/api/v1/interests/{}/accept", id(&interest)),
            &owner.access,
            &json!({"cooperation_mode": "joint_rnd", "value_yuan": 500000}),
        )
        .await
        .json()
        .await
        .unwrap();
    let agreement = id(&accepted["agreement"]);
    let res = app
        .post_json_as(
            "/api/v1/projects",
            &bureau.access,
            &json!({
            "name": "示范线", "owner_organization_id": ent, "region_code": "zouping",
            "category": "red_mud_utilization", "year": 2026, "agreement_ids": [agreement]}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let project = id(&res.json::<Value>().await.unwrap());
    let history = "SELECT (SELECT count(*) FROM interests) + (SELECT count(*) FROM agreements) \
                   + (SELECT count(*) FROM project_agreements) + (SELECT count(*) FROM listings) AS n";
    let before = count(&app.db, history).await;
    assert_eq!(before, 4);

    // A plain member may not delete; the owner may not delete what has history.
    let path = format!("/api/v1/needs/{need}");
    assert_problem(delete(&app, &member, &path).await, 403, "forbidden").await;
    assert_problem(
        delete(&app, &owner, &path).await,
        409,
        "listing_not_deletable",
    )
    .await;
    assert_problem(delete(&app, &bureau, &path).await, 403, "forbidden").await;
    assert_eq!(count(&app.db, history).await, before, "nothing was deleted");

    // Closing is the way out: the need leaves the public list, its history stays, and who
    // closed it is in the audit log.
    let res = app
        .post_json_as(&format!("{path}/close"), &member.access, &json!({}))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(count(&app.db, history).await, before);
    let overview: Value = app
        .get_as("/api/v1/reports/overview", &bureau.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overview["agreements"]["total"], 1);
    let p: Value = app
        .get_as(&format!("/api/v1/projects/{project}"), &bureau.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["agreement_ids"], json!([agreement]), "{p}");
    let theirs: Value = app
        .get_as("/api/v1/agreements", &prof.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        theirs["items"].as_array().unwrap().len(),
        1,
        "the partner's copy stays"
    );
    assert_eq!(
        audit_actions(&app, &bureau, &need).await,
        vec![("listing_closed".to_owned(), member.id.clone())]
    );
    // Still not deletable once closed.
    assert_problem(
        delete(&app, &owner, &path).await,
        409,
        "listing_not_deletable",
    )
    .await;

    // Nor by the database itself: no foreign key cascades from a listing, an organization,
    // an interest or an agreement into interests, agreements or project links.
    let refused = [
        format!("DELETE FROM listings WHERE id = '{need}'"),
        format!("DELETE FROM organizations WHERE id = '{uni}'"),
        format!("DELETE FROM interests WHERE id = '{}'", id(&interest)),
        format!("DELETE FROM agreements WHERE id = '{agreement}'"),
    ];
    for sql in refused {
        let shown = sql.clone();
        let res = app.db.run(move |conn| Ok(conn.batch_execute(&sql)?)).await;
        assert!(res.is_err(), "the database let `{shown}` through");
    }
    assert_eq!(count(&app.db, history).await, before, "nothing was deleted");
}

#[tokio::test]
async fn only_owners_delete_drafts_nobody_answered_and_the_deletion_is_audited() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let member = app.verified_user("member@example.com").await;
    let prof = app.verified_user("prof@example.com").await;
    let ent = id(&app
        .verified_org(&owner, &bureau, &enterprise("甲企业", &uscc(1)))
        .await);
    add_member(&app, &ent, &member).await;
    let uni = id(&app
        .verified_org(
            &prof,
            &bureau,
            &json!({"kind": "university", "name": "乙大学", "region_code": "bincheng"}),
        )
        .await);

    // A published need without interests is closed, not deleted.
    let published = id(&post(&app, &member, "/api/v1/needs", &need_body(&ent, "已发布")).await);
    publish(&app, &member, "needs", &published).await;
    let res = delete(&app, &owner, &format!("/api/v1/needs/{published}")).await;
    assert_problem(res, 409, "listing_not_deletable").await;

    // A capability offered in an interest has history of its own.
    let need = id(&post(&app, &owner, "/api/v1/needs", &need_body(&ent, "需求")).await);
    publish(&app, &owner, "needs", &need).await;
    let offered = id(&post(
        &app,
        &prof,
        "/api/v1/capabilities",
        &json!({
        "organization_id": uni, "title": "成果", "description": "磁选"}),
    )
    .await);
    publish(&app, &prof, "capabilities", &offered).await;
    let res = app
        .post_json_as("/api/v1/interests", &prof.access,
            &json!({"from_organization_id": uni, "need_id": need, "capability_id": offered, "message": "感兴趣"}))
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let res = delete(&app, &prof, &format!("/api/v1/capabilities/{offered}")).await;
    assert_problem(res, 409, "listing_not_deletable").await;

    // A draft nobody answered: members may not delete it, owners may.
    let draft = id(&post(&app, &member, "/api/v1/needs", &need_body(&ent, "草稿")).await);
    let path = format!("/api/v1/needs/{draft}");
    assert_problem(delete(&app, &member, &path).await, 403, "forbidden").await;
    assert_problem(delete(&app, &prof, &path).await, 404, "not_found").await;
    assert_eq!(delete(&app, &owner, &path).await.status().as_u16(), 204);
    assert_eq!(
        app.get_as(&path, &owner.access).await.status().as_u16(),
        404
    );
    assert_eq!(
        audit_actions(&app, &bureau, &draft).await,
        vec![("listing_deleted".to_owned(), owner.id.clone())]
    );
}

#[tokio::test]
async fn leaving_an_organization_or_cancelling_a_registration_removes_nothing_of_another() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let member = app.verified_user("member@example.com").await;
    let ent = id(&app
        .verified_org(&owner, &bureau, &enterprise("甲企业", &uscc(1)))
        .await);
    add_member(&app, &ent, &member).await;
    let need = id(&post(&app, &member, "/api/v1/needs", &need_body(&ent, "成员发布")).await);
    publish(&app, &member, "needs", &need).await;
    let event = app.open_event(&bureau, 20).await;
    let res = app
        .register_attendees(&member, &event, &ent, &["guest@guest.example.com"])
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let rid = res.json::<Value>().await.unwrap()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let all = "SELECT (SELECT count(*) FROM listings) + (SELECT count(*) FROM event_registrations) \
               + (SELECT count(*) FROM organizations) + (SELECT count(*) FROM events) AS n";
    let before = count(&app.db, all).await;

    // Cancelling is a state, not a removal.
    let res = delete(
        &app,
        &owner,
        &format!("/api/v1/events/{event}/registrations/{rid}"),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "cancelled");
    // The member leaves; what they posted stays with the organization.
    let res = delete(
        &app,
        &member,
        &format!("/api/v1/organizations/{ent}/members/{}", member.id),
    )
    .await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(count(&app.db, all).await, before);
    assert_eq!(
        app.get(&format!("/api/v1/needs/{need}"))
            .await
            .status()
            .as_u16(),
        200
    );
}
