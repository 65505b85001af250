//! Dates, times and numbers as people type them (issue 15, defect 3): plain and Chinese
//! dates where a day is meant, local times read in the event's zone, `from`/`to` filters
//! that take a day, and every value that cannot be read named with its field or parameter
//! and the expected format in plain words, in the caller's language.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::events::event_body;
use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};
use crate::listings::{post, two_sides};

fn instant(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

impl TestApp {
    /// A request in `lang` (`None`: no `Accept-Language`).
    async fn send_in(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        lang: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token);
        if let Some(lang) = lang {
            req = req.header("Accept-Language", lang);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        req.send().await.expect("request")
    }
}

/// The one field error of a 422 (or the one parameter error of a 400).
/// The account's language, which its messages are said in (over `Accept-Language`).
async fn speaks(app: &TestApp, users: &[&TestUser], locale: &str) {
    for u in users {
        let res = app
            .patch_json_as("/api/v1/me", &u.access, &json!({"locale": locale}))
            .await;
        assert_eq!(res.status().as_u16(), 200);
    }
}

async fn field_error(res: reqwest::Response, status: u16, code: &str) -> (String, String) {
    let body = assert_problem(res, status, code).await;
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{body}");
    (
        errors[0]["field"].as_str().unwrap().to_owned(),
        errors[0]["message"].as_str().unwrap().to_owned(),
    )
}

fn event_at(starts: &str, ends: &str, zone: Option<&str>) -> Value {
    let mut b = event_body("赤泥培训", 30, 50, json!({}));
    b["starts_at"] = json!(starts);
    b["ends_at"] = json!(ends);
    if let Some(z) = zone {
        b["timezone"] = json!(z);
    }
    b
}

#[tokio::test]
async fn an_event_reads_local_times_in_its_own_zone_and_keeps_rfc_3339() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;

    let ev = app
        .create_event(
            &bureau,
            &event_at("2027-01-10 09:00", "2027-01-10T12:00", None),
        )
        .await;
    assert_eq!(instant(&ev["starts_at"]), utc("2027-01-10T01:00:00Z"));
    assert_eq!(instant(&ev["ends_at"]), utc("2027-01-10T04:00:00Z"));

    let berlin = app
        .create_event(
            &bureau,
            &event_at(
                "2027年1月10日 09:00",
                "2027/1/10 12:30:00",
                Some("Europe/Berlin"),
            ),
        )
        .await;
    assert_eq!(instant(&berlin["starts_at"]), utc("2027-01-10T08:00:00Z"));
    assert_eq!(instant(&berlin["ends_at"]), utc("2027-01-10T11:30:00Z"));

    let offset = app
        .create_event(
            &bureau,
            &event_at(
                "2027-01-10T09:00:00+08:00",
                "2027-01-10T04:00:00Z",
                Some("Europe/Berlin"),
            ),
        )
        .await;
    assert_eq!(instant(&offset["starts_at"]), utc("2027-01-10T01:00:00Z"));

    // A change reads local times in the event's zone, or in the zone it sets.
    let id = berlin["id"].as_str().unwrap();
    let res = app
        .patch_json_as(
            &format!("/api/v1/events/{id}"),
            &bureau.access,
            &json!({"registration_closes_at": "2027-01-09 18:00"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(
        instant(&changed["registration_closes_at"]),
        utc("2027-01-09T17:00:00Z")
    );
    let res = app
        .patch_json_as(
            &format!("/api/v1/events/{id}"),
            &bureau.access,
            &json!({"timezone": "Asia/Shanghai", "starts_at": "2027-01-10 09:00"}),
        )
        .await;
    let changed: Value = res.json().await.unwrap();
    assert_eq!(instant(&changed["starts_at"]), utc("2027-01-10T01:00:00Z"));
}

#[tokio::test]
async fn plain_and_chinese_dates_are_days_for_deadlines_and_milestones() {
    let app = spawn_app().await;
    let (owner, prof, bureau) = (
        app.verified_user("o@example.com").await,
        app.verified_user("p@example.com").await,
        app.bureau_admin().await,
    );
    let (ent, _) = two_sides(&app, &owner, &prof, &bureau, 1).await;
    let need = post(
        &app,
        &owner,
        "/api/v1/needs",
        &json!({
        "organization_id": ent, "title": "赤泥中铁的回收", "description": "希望回收赤泥中的铁。",
        "field_codes": ["red-mud.iron-recovery"], "cooperation_modes": ["joint_rnd"],
        "trl_required": 6, "deadline": "2027年6月30日"}),
    )
    .await;
    assert_eq!(need["deadline"], "2027-06-30");
    let res = app
        .patch_json_as(
            &format!("/api/v1/needs/{}", need["id"].as_str().unwrap()),
            &owner.access,
            &json!({"deadline": "2027/7/1"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["deadline"], "2027-07-01");

    let res = app
        .post_json_as(
            "/api/v1/projects",
            &bureau.access,
            &json!({
            "name": "赤泥提铁示范线", "owner_organization_id": ent, "region_code": "zouping",
            "category": "red_mud_utilization", "year": 2027}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let pid = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (due, stored) in [
        ("2027-06-30", "2027-06-30"),
        ("2027年6月30日", "2027-06-30"),
    ] {
        let res = app
            .post_json_as(
                &format!("/api/v1/projects/{pid}/milestones"),
                &bureau.access,
                &json!({"name": "开工建设", "due_on": due}),
            )
            .await;
        assert_eq!(res.status().as_u16(), 201, "{due}");
        let m: Value = res.json().await.unwrap();
        assert_eq!(m["due_on"], stored);
        let today = chrono::Utc::now()
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .date_naive();
        let res = app
            .patch_json_as(
                &format!(
                    "/api/v1/projects/{pid}/milestones/{}",
                    m["id"].as_str().unwrap()
                ),
                &owner.access,
                &json!({"done_on": today.format("%Y年%-m月%-d日").to_string()}),
            )
            .await;
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(
            res.json::<Value>().await.unwrap()["done_on"],
            today.to_string()
        );
    }
}

#[tokio::test]
async fn report_and_event_filters_take_a_day_and_a_day_includes_all_of_itself() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    // 2027-01-10 07:30 in the city is still 2027-01-09 in UTC.
    app.create_event(
        &bureau,
        &event_at("2027-01-10 07:30", "2027-01-10 12:00", None),
    )
    .await;
    let listed = |q: &'static str| {
        let (app, bureau) = (&app, &bureau);
        async move {
            let res = app
                .get_as(&format!("/api/v1/events?{q}"), &bureau.access)
                .await;
            assert_eq!(res.status().as_u16(), 200, "{q}");
            res.json::<Value>().await.unwrap()["items"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(listed("from=2027-01-10&to=2027-01-10").await, 1);
    assert_eq!(
        listed("from=2027%E5%B9%B41%E6%9C%8810%E6%97%A5").await,
        1,
        "2027年1月10日"
    );
    assert_eq!(listed("to=2027-01-09").await, 0);
    assert_eq!(listed("from=2027-01-11").await, 0);
    assert_eq!(
        listed("from=2027-01-10%2007:00&to=2027-01-10T07:31").await,
        1
    );
    assert_eq!(listed("from=2027-01-09T23:31:00%2B00:00").await, 0);

    for path in [
        "/api/v1/reports/overview?from=2026-01-01&to=2027-12-31",
        "/api/v1/reports/organizations.csv?from=2026-01-01",
        "/api/v1/events/participation?from=2026-01-01&to=2027/12/31",
        "/api/v1/audit-log?since=2026-01-01&until=2099-12-31",
    ] {
        let res = app.get_as(path, &bureau.access).await;
        assert_eq!(res.status().as_u16(), 200, "{path}");
    }
    let overview: Value = app
        .get_as(
            "/api/v1/reports/overview?from=2027-01-10&to=2027-01-10",
            &bureau.access,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overview["events"]["total"], 1, "{overview}");
}

/// What the example bodies and queries of the issue answer, in `lang`.
async fn unreadable_values(
    app: &TestApp,
    bureau: &TestUser,
    owner: &TestUser,
    ent: &str,
    lang: Option<&str>,
) -> Vec<(String, String)> {
    use reqwest::Method;
    let mut out = Vec::new();
    let cases: [(&str, Value); 3] = [
        (
            "starts_at",
            event_at("next tuesday 9am", "2027-01-10 12:00", None),
        ),
        ("capacity", {
            let mut b = event_at("2027-01-10 09:00", "2027-01-10 12:00", None);
            b["capacity"] = json!(3_000_000_000_i64);
            b
        }),
        ("registration_opens_at", {
            let mut b = event_at("2027-01-10 09:00", "2027-01-10 12:00", None);
            b["registration_opens_at"] = json!("2027-01-10 9");
            b
        }),
    ];
    for (field, body) in cases {
        let res = app
            .send_in(
                Method::POST,
                "/api/v1/events",
                &bureau.access,
                lang,
                Some(&body),
            )
            .await;
        let (f, message) = field_error(res, 422, "invalid").await;
        assert_eq!(f, field);
        out.push((f, message));
    }
    for (field, value) in [
        ("budget_min", json!(1e23)),
        ("deadline", json!("30/06/2027")),
    ] {
        let mut body = json!({
            "organization_id": ent, "title": "赤泥中铁的回收", "description": "希望回收赤泥中的铁。",
            "field_codes": ["red-mud.iron-recovery"], "cooperation_modes": ["joint_rnd"]});
        body[field] = value;
        let res = app
            .send_in(
                Method::POST,
                "/api/v1/needs",
                &owner.access,
                lang,
                Some(&body),
            )
            .await;
        let (f, message) = field_error(res, 422, "invalid").await;
        assert_eq!(f, field);
        out.push((f, message));
    }
    for (param, path) in [
        ("limit", "/api/v1/events?limit=abc"),
        ("from", "/api/v1/reports/overview?from=yesterday"),
        ("to", "/api/v1/events?to=2027-02-30"),
    ] {
        let res = app
            .send_in(Method::GET, path, &bureau.access, lang, None)
            .await;
        let (p, message) = field_error(res, 400, "invalid_query").await;
        assert_eq!(p, param, "{path}");
        out.push((p, message));
    }
    out
}

#[tokio::test]
async fn every_unreadable_value_names_its_field_and_format_in_the_callers_language() {
    let app = spawn_app().await;
    let (owner, prof, bureau) = (
        app.verified_user("o@example.com").await,
        app.verified_user("p@example.com").await,
        app.bureau_admin().await,
    );
    let (ent, _) = two_sides(&app, &owner, &prof, &bureau, 1).await;

    // The account's language wins over Accept-Language, for values that do not parse too
    // (they fail before the caller is looked up): each run speaks the language it asks in.
    speaks(&app, &[&owner, &bureau], "en").await;
    let en = unreadable_values(&app, &bureau, &owner, &ent, Some("en-US,en;q=0.9")).await;
    let expected_en = [
        ("starts_at", "a date and time such as 2027-01-10 09:00"),
        (
            "capacity",
            "a whole number between -2147483648 and 2147483647",
        ),
        (
            "registration_opens_at",
            "a date and time such as 2027-01-10 09:00",
        ),
        (
            "budget_min",
            "a whole number between -9223372036854775808 and 9223372036854775807",
        ),
        ("deadline", "a date such as 2027-06-30"),
        ("limit", "expected a whole number from 1 to 100; got “abc”"),
        ("from", "a date such as 2026-01-01"),
        ("to", "a date such as 2026-01-01"),
    ];
    for ((field, message), (f, words)) in en.iter().zip(expected_en) {
        assert_eq!(field, f);
        assert!(message.contains(words), "{field}: {message}");
    }
    speaks(&app, &[&owner, &bureau], "zh-CN").await;
    for lang in [None, Some("zh-CN,zh;q=0.9")] {
        let zh = unreadable_values(&app, &bureau, &owner, &ent, lang).await;
        let expected_zh = [
            "日期和时间",
            "-2147483648 到 2147483647 之间的整数",
            "日期和时间",
            "之间的整数",
            "日期，如 2027-06-30",
            "应为1 到 100 之间的整数",
            "日期，如 2026-01-01",
            "日期，如 2026-01-01",
        ];
        for ((field, message), words) in zh.iter().zip(expected_zh) {
            assert!(message.contains(words), "{lang:?} {field}: {message}");
        }
    }
    for (_, message) in &en {
        for jargon in [
            "i32",
            "i64",
            "premature",
            "invalid characters",
            "invalid digit",
            "format.",
        ] {
            assert!(!message.contains(jargon), "{message}");
        }
    }

    // A body that is not JSON at all is a 400 in the caller's language too: an English
    // account's (the Chinese bureau asking in English now hears Chinese, as for any error).
    speaks(&app, &[&owner], "en").await;
    let broken = app
        .client
        .post(app.url("/api/v1/events"))
        .bearer_auth(&owner.access)
        .header("Accept-Language", "en")
        .header("Content-Type", "application/json")
        .body(r#"{"title": "#)
        .send()
        .await
        .unwrap();
    let body = assert_problem(broken, 400, "malformed_json").await;
    assert!(
        body["detail"].as_str().unwrap().contains("ends too early"),
        "{body}"
    );
    let broken = app
        .client
        .post(app.url("/api/v1/events"))
        .bearer_auth(&bureau.access)
        .header("Content-Type", "application/json")
        .body("{\"title\": x}")
        .send()
        .await
        .unwrap();
    let body = assert_problem(broken, 400, "malformed_json").await;
    assert!(
        body["detail"].as_str().unwrap().contains("第 1 行"),
        "{body}"
    );
}
