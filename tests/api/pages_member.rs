//! The member pages behind the links of match and interest mail, over plain HTTP with a
//! cookie-keeping client: a need's page with its matches explained in the reader's
//! language, expressing interest from a capability's page, answering it from the link in
//! the mail, and who may open what.

use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, spawn_app};
use crate::listings::{post, publish, two_sides};
use crate::matching::within_a_second;
use crate::pages::{browser_like, csrf_of, get_html, link_in, mail_with};
use crate::registry::{enterprise, uscc};

/// A client signed in through the sign-in page.
pub async fn signed_in(app: &TestApp, email: &str) -> reqwest::Client {
    let c = browser_like();
    let (_, html) = get_html(&c, &app.url("/sign-in")).await;
    let form = [
        ("csrf", csrf_of(&html)),
        ("email", email.into()),
        ("password", PASSWORD.into()),
    ];
    let res = c
        .post(app.url("/sign-in"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "signed in");
    c
}

pub async fn post_form(
    c: &reqwest::Client,
    url: String,
    form: &[(&str, &str)],
) -> reqwest::Response {
    c.post(url).form(form).send().await.unwrap()
}

#[tokio::test]
async fn a_need_page_explains_its_matches_and_an_interest_is_answered_from_the_mail_link() {
    let app = spawn_app().await;
    let (owner, prof, bureau) = (
        app.verified_user("o@example.com").await,
        app.verified_user("p@example.com").await,
        app.bureau_admin().await,
    );
    let (ent, uni) = two_sides(&app, &owner, &prof, &bureau, 41).await;
    // The enterprise reads Chinese, the institute English.
    let res = app
        .patch_json_as("/api/v1/me", &owner.access, &json!({"locale": "zh-CN"}))
        .await;
    assert_eq!(res.status(), 200);
    let cap = post(&app, &prof, "/api/v1/capabilities", &json!({"organization_id": uni,
        "title": "Iron recovery from bauxite residue",
        "description": "Magnetic separation and reduction roasting recover iron concentrate from bauxite residue produced by Bayer refineries.",
        "field_codes": ["red-mud.iron-recovery"], "cooperation_modes": ["joint_rnd"], "trl": 6})).await;
    let cap_id = cap["id"].as_str().unwrap().to_owned();
    publish(&app, &prof, "capabilities", &cap_id).await;
    let need = post(&app, &owner, "/api/v1/needs", &json!({"organization_id": ent,
        "title": "赤泥中铁的回收", "description": "我公司拜耳法氧化铝生产每年产生大量赤泥，希望回收其中的铁，实现综合利用。",
        "keywords": ["赤泥", "铁回收"], "field_codes": ["red-mud.iron-recovery"], "cooperation_modes": ["joint_rnd"], "trl_required": 5})).await;
    let need_id = need["id"].as_str().unwrap().to_owned();
    publish(&app, &owner, "needs", &need_id).await;
    let path = format!("/api/v1/needs/{need_id}/matches");
    within_a_second(&app, &owner, &path, |b: &Value| {
        b["items"].as_array().is_some_and(|a| !a.is_empty())
    })
    .await;

    // The owner (a zh account) sees the English capability, why it matched in Chinese,
    // with the field's Chinese name, and no interest form on its own need.
    let ent_c = signed_in(&app, "o@example.com").await;
    let (status, html) = get_html(&ent_c, &app.url(&format!("/needs/{need_id}"))).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("赤泥中铁的回收") && html.contains("匹配结果"),
        "{html}"
    );
    assert!(
        html.contains(&format!("href=\"/capabilities/{cap_id}\"")),
        "the match links to its page: {html}"
    );
    assert!(html.contains("乙大学"), "the provider by name: {html}");
    assert!(
        html.contains("相同或相邻的技术领域：赤泥选铁与提铁"),
        "the shared field by its Chinese name: {html}"
    );
    assert!(
        !html.contains("shared terms") && !html.contains("/interest\""),
        "{html}"
    );
    let (_, dash) = get_html(&ent_c, &app.url("/dashboard")).await;
    assert!(
        dash.contains(&format!("href=\"/needs/{need_id}\"")) && dash.contains("已认证"),
        "the dashboard lists the need and the organization's status: {dash}"
    );

    // The institute expresses interest from the need's page.
    let uni_c = signed_in(&app, "p@example.com").await;
    let (status, html) = get_html(&uni_c, &app.url(&format!("/needs/{need_id}"))).await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("匹配结果"),
        "matches are the owner's: {html}"
    );
    let action = format!("/needs/{need_id}/interest");
    assert!(html.contains(&format!("action=\"{action}\"")), "{html}");
    let empty = post_form(
        &uni_c,
        app.url(&action),
        &[
            ("csrf", &csrf_of(&html)),
            ("organization_id", &uni),
            ("message", ""),
        ],
    )
    .await;
    assert_eq!(
        empty.status(),
        422,
        "an empty message is refused on the page"
    );
    let res = post_form(
        &uni_c,
        app.url(&action),
        &[
            ("csrf", &csrf_of(&html)),
            ("organization_id", &uni),
            ("message", "We recover iron from red mud at pilot scale."),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let at = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(at.starts_with("/interests/"), "{at}");

    // The enterprise follows the link in the mail and accepts.
    let mail = mail_with(&app, "o@example.com", "/interests/").await;
    let link = link_in(&app, &mail.text());
    assert_eq!(link, at, "the mail links to the interest's page");
    let (status, html) = get_html(&ent_c, &app.url(&link)).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("We recover iron") && html.contains("待回复"),
        "{html}"
    );
    assert!(html.contains("value=\"accept\"") && !html.contains("value=\"withdraw\""));

    // Nobody else opens it: a signed-in outsider gets 404, a visitor the sign-in page.
    let outsider = app.verified_user("x@example.com").await;
    app.verified_org(&outsider, &bureau, &enterprise("丙铝业", &uscc(42)))
        .await;
    let out_c = signed_in(&app, "x@example.com").await;
    assert_eq!(get_html(&out_c, &app.url(&link)).await.0, 404);
    let res = browser_like().get(app.url(&link)).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/sign-in?next=/interests/")
    );

    // A form without its CSRF token changes nothing.
    let forged = post_form(&ent_c, app.url(&link), &[("action", "accept")]).await;
    assert_eq!(forged.status(), 403);
    let res = post_form(
        &ent_c,
        app.url(&link),
        &[("csrf", &csrf_of(&html)), ("action", "accept")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let (_, html) = get_html(&ent_c, &app.url(&link)).await;
    assert!(
        html.contains("已接受") && html.contains("对方联系方式"),
        "{html}"
    );
    assert!(
        !html.contains("value=\"accept\""),
        "decided: no more buttons"
    );
    let v: Value = app
        .get_as(&format!("/api/v1{link}"), &owner.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "accepted", "the page's decision is the API's");

    // The institute sees it in its list, in its own list page.
    let (_, list) = get_html(&uni_c, &app.url("/interests")).await;
    assert!(
        list.contains(&format!("href=\"{link}\"")) && list.contains("Accepted"),
        "{list}"
    );
}

#[tokio::test]
async fn a_receiver_declines_with_a_reason_and_the_sender_may_withdraw_only_its_own() {
    let app = spawn_app().await;
    let (owner, prof, bureau) = (
        app.verified_user("o@example.com").await,
        app.verified_user("p@example.com").await,
        app.bureau_admin().await,
    );
    let (ent, uni) = two_sides(&app, &owner, &prof, &bureau, 43).await;
    let need = post(&app, &owner, "/api/v1/needs", &json!({"organization_id": ent,
        "title": "压铸模具寿命", "description": "希望延长高压铸造模具的使用寿命。", "field_codes": ["forming"], "cooperation_modes": ["consulting"]})).await;
    let need_id = need["id"].as_str().unwrap().to_owned();
    publish(&app, &owner, "needs", &need_id).await;
    let uni_c = signed_in(&app, "p@example.com").await;
    let (_, html) = get_html(&uni_c, &app.url(&format!("/needs/{need_id}"))).await;
    let res = post_form(
        &uni_c,
        app.url(&format!("/needs/{need_id}/interest")),
        &[
            ("csrf", &csrf_of(&html)),
            ("organization_id", &uni),
            ("message", "模具热处理咨询"),
        ],
    )
    .await;
    let link = res.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = get_html(&uni_c, &app.url(&link)).await;
    assert!(
        html.contains("value=\"withdraw\"") && !html.contains("value=\"accept\""),
        "{html}"
    );
    // The sender cannot accept its own interest, even by forging the button.
    let res = post_form(
        &uni_c,
        app.url(&link),
        &[("csrf", &csrf_of(&html)), ("action", "accept")],
    )
    .await;
    assert_eq!(res.status(), 403);
    let ent_c = signed_in(&app, "o@example.com").await;
    let (_, html) = get_html(&ent_c, &app.url(&link)).await;
    let bad = post_form(
        &ent_c,
        app.url(&link),
        &[
            ("csrf", &csrf_of(&html)),
            ("action", "decline"),
            ("reason", "because"),
        ],
    )
    .await;
    assert_eq!(bad.status(), 422, "an unknown reason is a field error");
    let res = post_form(
        &ent_c,
        app.url(&link),
        &[
            ("csrf", &csrf_of(&html)),
            ("action", "decline"),
            ("reason", "budget"),
            ("comment", "今年预算已满"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let (_, html) = get_html(&uni_c, &app.url(&link)).await;
    assert!(
        html.contains("Declined")
            && html.contains("Budget does not fit")
            && html.contains("今年预算已满"),
        "{html}"
    );
}
