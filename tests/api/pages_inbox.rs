//! The inbox page and the agreements on the interests page, over plain HTTP with a
//! cookie-keeping client: what the JSON API lists, marked read by the page's buttons.

use serde_json::{Value, json};

use crate::helpers::spawn_app;
use crate::listings::{post, publish, two_sides};
use crate::pages::{browser_like, csrf_of, get_html};
use crate::pages_member::{post_form, signed_in};

#[tokio::test]
async fn the_inbox_lists_the_notices_and_marks_them_read_and_interests_list_the_agreements() {
    let app = spawn_app().await;
    let (owner, prof, bureau) = (
        app.verified_user("o@example.com").await,
        app.verified_user("p@example.com").await,
        app.bureau_admin().await,
    );
    let (ent, uni) = two_sides(&app, &owner, &prof, &bureau, 71).await;
    let need = post(&app, &owner, "/api/v1/needs", &json!({"organization_id": ent,
        "title": "压铸模具寿命", "description": "希望延长高压铸造模具的使用寿命。", "field_codes": ["forming"], "cooperation_modes": ["consulting"]})).await;
    let need_id = need["id"].as_str().unwrap().to_owned();
    publish(&app, &owner, "needs", &need_id).await;
    let interest = post(
        &app,
        &prof,
        "/api/v1/interests",
        &json!({"from_organization_id": uni,
        "need_id": need_id, "message": "Die heat-treatment consulting."}),
    )
    .await;
    let iid = interest["id"].as_str().unwrap().to_owned();

    // The owner's inbox: the new interest, unread, linking to the interest's page.
    let own_c = signed_in(&app, "o@example.com").await;
    let (status, html) = get_html(&own_c, &app.url("/inbox")).await;
    assert_eq!(status, 200, "{html}");
    let api: Value = app
        .get_as("/api/v1/me/notifications", &owner.access)
        .await
        .json()
        .await
        .unwrap();
    let first = &api["items"][0];
    let nid = first["id"].as_str().unwrap().to_owned();
    assert!(
        html.contains(first["title"].as_str().unwrap())
            && html.contains(&format!("href=\"/interests/{iid}\""))
            && html.contains(&format!("Unread: {}", api["unread_count"])),
        "{html}"
    );
    assert!(html.contains("Collaboration"), "the topic by name: {html}");

    // Nobody else reads or marks them; a form without its token changes nothing.
    let res = browser_like().get(app.url("/inbox")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let prof_c = signed_in(&app, "p@example.com").await;
    let (_, prof_html) = get_html(&prof_c, &app.url("/inbox")).await;
    assert!(!prof_html.contains(&nid));
    let mark = app.url(&format!("/inbox/{nid}/read"));
    let res = post_form(&prof_c, mark.clone(), &[("csrf", &csrf_of(&prof_html))]).await;
    assert_eq!(res.status(), 404, "another user's notice is not found");
    assert_eq!(post_form(&own_c, mark.clone(), &[]).await.status(), 403);

    let res = post_form(&own_c, mark, &[("csrf", &csrf_of(&html))]).await;
    assert_eq!(res.status(), 303);
    let api: Value = app
        .get_as("/api/v1/me/notifications", &owner.access)
        .await
        .json()
        .await
        .unwrap();
    let read: Vec<&Value> = (api["items"].as_array().unwrap().iter())
        .filter(|n| n["id"] == nid.as_str())
        .collect();
    assert_eq!(read[0]["read"], true, "the page's mark is the API's");
    let res = post_form(
        &own_c,
        app.url("/inbox/read-all"),
        &[("csrf", &csrf_of(&html))],
    )
    .await;
    assert_eq!(res.status(), 303);
    let api: Value = app
        .get_as("/api/v1/me/notifications", &owner.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["unread_count"], 0);
    let (_, html) = get_html(&own_c, &app.url("/inbox")).await;
    assert!(
        html.contains("Unread: 0") && !html.contains("/read\""),
        "{html}"
    );

    // Accepted, the interest is an agreement on both sides' interests page.
    let (_, html) = get_html(&own_c, &app.url("/interests")).await;
    assert!(html.contains("No agreement yet"), "{html}");
    let res = app
        .post_json_as(
            &format!("/api/v1/interests/{iid}/accept"),
            &owner.access,
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    for c in [&own_c, &prof_c] {
        let (_, html) = get_html(c, &app.url("/interests")).await;
        assert!(
            html.contains("甲氧化铝")
                && html.contains("Yi University")
                && html.contains("Consulting")
                && html.contains(&format!("href=\"/interests/{iid}\"")),
            "{html}"
        );
    }
}
