//! The words of API errors in the caller's language (issue 14): the account's locale wins,
//! else `Accept-Language`, else Chinese; `title`, `detail` and field messages change with
//! the language, `code`, `field` and the document's shape do not.

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};
use crate::registry::{enterprise, uscc};

async fn post(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    accept_language: &str,
    body: &Value,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url(path))
        .header("accept-language", accept_language)
        .json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

fn has_han(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[tokio::test]
async fn the_same_bad_request_is_told_in_chinese_or_english_with_the_same_code() {
    let app = spawn_app().await;
    app.verified_user("li@example.com").await;
    let wrong = json!({"email": "li@example.com", "password": "not the password at all"});

    let zh = post(&app, "/api/v1/auth/login", None, "zh-CN", &wrong).await;
    assert_eq!(zh.headers()["content-language"], "zh-CN");
    let zh = assert_problem(zh, 401, "invalid_credentials").await;
    let en = post(&app, "/api/v1/auth/login", None, "en-US,en;q=0.9", &wrong).await;
    assert_eq!(en.headers()["content-language"], "en");
    let en = assert_problem(en, 401, "invalid_credentials").await;
    assert_eq!(
        (&zh["title"], &zh["detail"]),
        (&json!("未登录或凭据无效"), &json!("邮箱地址或密码不正确"))
    );
    assert_eq!(
        (&en["title"], &en["detail"]),
        (
            &json!("Unauthorized"),
            &json!("the email address or the password is not correct")
        )
    );
    assert_eq!(keys(&zh), keys(&en), "the same shape");
    assert_eq!(zh["type"], en["type"]);

    // No language asked for: Chinese, as the pages.
    let none = app.login("li@example.com", "not the password at all").await;
    let none = assert_problem(none, 401, "invalid_credentials").await;
    assert_eq!(none["detail"], zh["detail"]);

    // A refused link and a 404 say so in words too.
    let bad_link = json!({"token": "nope"});
    let zh = post(&app, "/api/v1/auth/verify-email", None, "zh-CN", &bad_link).await;
    let zh: Value = zh.json().await.unwrap();
    let en = post(&app, "/api/v1/auth/verify-email", None, "en", &bad_link).await;
    let en: Value = en.json().await.unwrap();
    assert_eq!(zh["code"], en["code"]);
    assert!(has_han(zh["detail"].as_str().unwrap()), "{zh}");
    assert!(!has_han(en["detail"].as_str().unwrap()), "{en}");
    let nowhere = "/api/v1/organizations/0190b9c4-0000-7000-8000-000000000000";
    for (lang, title) in [("zh-CN", "未找到"), ("en", "Not Found")] {
        let res = app
            .client
            .get(app.url(nowhere))
            .header("accept-language", lang)
            .send()
            .await
            .unwrap();
        let body = assert_problem(res, 404, "not_found").await;
        assert_eq!(body["title"], title);
        assert_eq!(
            has_han(body["detail"].as_str().unwrap()),
            lang == "zh-CN",
            "{body}"
        );
    }
}

async fn set_locale(app: &TestApp, user: &TestUser, locale: &str) {
    let res = app
        .patch_json_as("/api/v1/me", &user.access, &json!({"locale": locale}))
        .await;
    assert_eq!(res.status().as_u16(), 200);
}

#[tokio::test]
async fn the_account_locale_wins_over_accept_language() {
    let app = spawn_app().await;
    let user = app.verified_user("wang@example.com").await;
    let mut body = enterprise("控制\u{0}字符公司", &uscc(5));
    body["website"] = json!("ftp://example.com");
    body["region_code"] = json!("atlantis");

    // An English account asking in Chinese hears English.
    let res = post(
        &app,
        "/api/v1/organizations",
        Some(&user.access),
        "zh-CN",
        &body,
    )
    .await;
    let en = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(en["title"], "Unprocessable Entity");
    let en_errors: Vec<(String, String)> = en["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().into(),
                e["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    for e in en["errors"].as_array().unwrap() {
        assert!(!has_han(e["message"].as_str().unwrap()), "{en}");
    }
    assert_eq!(en["detail"], "some fields are invalid: see errors");

    // The same account in Chinese, asking in English, hears Chinese, with the same codes.
    set_locale(&app, &user, "zh-CN").await;
    let res = post(
        &app,
        "/api/v1/organizations",
        Some(&user.access),
        "en",
        &body,
    )
    .await;
    let zh = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(zh["title"], "请求内容无效");
    let zh_errors: Vec<(String, String)> = zh["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().into(),
                e["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(zh_errors, en_errors);
    for e in zh["errors"].as_array().unwrap() {
        assert!(has_han(e["message"].as_str().unwrap()), "{zh}");
    }

    // A refusal of the service (403) follows the account too.
    let res = post(&app, "/api/v1/organizations", Some(&user.access), "en", &{
        let mut b = enterprise("某局", &uscc(6));
        b["kind"] = json!("bureau");
        b
    })
    .await;
    let zh = assert_problem(res, 403, "forbidden").await;
    assert_eq!(zh["detail"], "只有主管部门可以登记主管部门类机构");
    set_locale(&app, &user, "en").await;
    let res = post(
        &app,
        "/api/v1/organizations",
        Some(&user.access),
        "zh-CN",
        &{
            let mut b = enterprise("某局", &uscc(6));
            b["kind"] = json!("bureau");
            b
        },
    )
    .await;
    let en = assert_problem(res, 403, "forbidden").await;
    assert_eq!(
        en["detail"],
        "only the bureau registers bureau organizations"
    );
}

/// Checks written with values (a limit, a transition) say their values in both languages.
#[tokio::test]
async fn a_refusal_with_values_says_them_in_either_language() {
    let app = spawn_app().await;
    for (lang, message) in [("zh-CN", "请使用 1 到 100"), ("en", "use 1 to 100")] {
        let res = app
            .client
            .get(app.url("/api/v1/organizations?limit=500"))
            .header("accept-language", lang)
            .send()
            .await
            .unwrap();
        let body = assert_problem(res, 422, "limit_out_of_range").await;
        assert_eq!(body["errors"][0]["field"], "limit");
        assert_eq!(body["errors"][0]["message"], message, "{body}");
        assert_eq!(body["detail"], message, "{body}");
    }
}
