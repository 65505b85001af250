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

/// A request as `token` in `lang`, its body sent as `content_type`: the problem it answers.
async fn refused(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    lang: &str,
    (content_type, body): (&str, String),
    (status, code): (u16, &str),
) -> Value {
    let mut req = app
        .client
        .post(app.url(path))
        .header("accept-language", lang)
        .header("content-type", content_type)
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    assert_problem(req.send().await.unwrap(), status, code).await
}

fn json_body(v: Value) -> (&'static str, String) {
    ("application/json", v.to_string())
}

/// `(field, message)` of each field error.
fn messages(problem: &Value) -> Vec<(String, String)> {
    (problem["errors"].as_array().unwrap().iter())
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_owned();
            (s("field"), s("message"))
        })
        .collect()
}

/// Attendees, keywords, taxonomy edits and 415s were English in every language; each is
/// now said in the account's language, whatever `Accept-Language` asks for.
#[tokio::test]
async fn checks_once_written_in_english_follow_the_account_language() {
    let app = spawn_app().await;
    let user = app.verified_user("zhao@example.com").await;
    let bureau = app.bureau_admin().await;
    let no_event = "/api/v1/events/0190b9c4-0000-7000-8000-000000000000/registrations";
    let many: Vec<String> = (0..21).map(|i| format!("词{i}")).collect();
    let need = json!({"organization_id": "x", "title": "赤泥", "description": "赤泥综合利用",
        "keywords": many});
    let region = json!({"code": "Bad Code", "name_zh": "甲", "name_en": "A",
        "kind": "planet", "admin_code": "12"});
    for (locale, asks, words) in [
        (
            "zh-CN",
            "en",
            [
                "每次登记 1 到 50 名参会人员",
                "最多 20 个关键词",
                "六位数字",
            ],
        ),
        (
            "en",
            "zh-CN",
            [
                "register 1 to 50 attendees at a time",
                "at most 20 keywords",
                "six digits",
            ],
        ),
    ] {
        set_locale(&app, &user, locale).await;
        set_locale(&app, &bureau, locale).await;
        let (u, b) = (Some(user.access.as_str()), Some(bureau.access.as_str()));
        let none = json_body(json!({"organization_id": "x", "attendees": []}));
        let p = refused(&app, no_event, u, asks, none, (422, "count_out_of_range")).await;
        assert_eq!(messages(&p), [("attendees".into(), words[0].into())], "{p}");
        assert_eq!(p["detail"], words[0]);
        let body = json_body(need.clone());
        let p = refused(&app, "/api/v1/needs", u, asks, body, (422, "too_many")).await;
        assert_eq!(messages(&p), [("keywords".into(), words[1].into())], "{p}");
        let body = json_body(region.clone());
        let p = refused(
            &app,
            "/api/v1/regions",
            b,
            asks,
            body,
            (422, "validation_failed"),
        )
        .await;
        let m = messages(&p);
        let fields: Vec<&str> = m.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["code", "admin_code", "kind"], "{p}");
        assert!(m[1].1.starts_with(words[2]), "{p}");
        for (_, message) in &m {
            assert_eq!(has_han(message), locale == "zh-CN", "{p}");
        }
        // An unknown parent and a taken code say which tree they are about.
        let field = json_body(json!({"code": "red-mud.new", "parent_code": "nowhere",
            "name_zh": "甲", "name_en": "A"}));
        let p = refused(
            &app,
            "/api/v1/fields",
            b,
            asks,
            field,
            (422, "unknown_field"),
        )
        .await;
        let expected = if locale == "en" {
            "no such field"
        } else {
            "没有这个技术领域"
        };
        assert_eq!(p["detail"], expected, "{p}");
        let taken = json_body(json!({"code": "red-mud", "name_zh": "甲", "name_en": "A"}));
        let p = refused(&app, "/api/v1/fields", b, asks, taken, (409, "code_taken")).await;
        assert_eq!(
            has_han(p["detail"].as_str().unwrap()),
            locale == "zh-CN",
            "{p}"
        );
        // Refused before the account is looked up: still the account's language.
        let text = ("text/plain", "{}".to_owned());
        let p = refused(
            &app,
            "/api/v1/needs",
            u,
            asks,
            text,
            (415, "unsupported_media_type"),
        )
        .await;
        assert_eq!(
            has_han(p["detail"].as_str().unwrap()),
            locale == "zh-CN",
            "{p}"
        );
        assert!(
            p["detail"].as_str().unwrap().contains("application/json"),
            "{p}"
        );
        let broken = ("application/json", r#"{"title": "#.to_owned());
        let p = refused(
            &app,
            "/api/v1/needs",
            u,
            asks,
            broken,
            (400, "malformed_json"),
        )
        .await;
        assert_eq!(
            has_han(p["detail"].as_str().unwrap()),
            locale == "zh-CN",
            "{p}"
        );
    }
    // With no account, Accept-Language decides the 415 too.
    for (lang, han) in [("zh-CN", true), ("en", false)] {
        let text = ("text/plain", "{}".to_owned());
        let p = refused(
            &app,
            "/api/v1/auth/login",
            None,
            lang,
            text,
            (415, "unsupported_media_type"),
        )
        .await;
        assert_eq!(has_han(p["detail"].as_str().unwrap()), han, "{p}");
    }
}
