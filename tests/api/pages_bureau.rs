//! The bureau's pages over plain HTTP with a cookie-keeping client: the review queue and
//! the register of organizations, key projects, the overview report with its charts and
//! CSV downloads, dead letters and the audit log. Each shows what its JSON route answers
//! the bureau, and refuses members and visitors as the API does (403; sign in).

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, spawn_app};
use crate::pages::{browser_like, csrf_of, get_html};
use crate::pages_member::{post_form, signed_in};
use crate::registry::{enterprise, uscc};

const CHIEF: &str = "chief@bureau.example.gov.cn";

async fn api(app: &TestApp, user: &TestUser, path: &str) -> Value {
    let res = app.get_as(path, &user.access).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// A member gets the API's 403 on each of `paths`, as a page; a visitor is asked to sign in
/// and come back.
async fn refused(app: &TestApp, member: &reqwest::Client, paths: &[&str]) {
    for path in paths {
        let (status, html) = get_html(member, &app.url(path)).await;
        assert_eq!(status, 403, "{path}: {html}");
        assert!(html.contains("<html lang="), "a page, not JSON: {html}");
        let res = browser_like().get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 303, "{path}");
        let to = res.headers()["location"].to_str().unwrap().to_owned();
        let back = serde_urlencoded::to_string([("next", path)]).unwrap();
        assert_eq!(to, format!("/sign-in?{back}"));
    }
}

#[tokio::test]
async fn the_review_queue_lists_what_the_api_lists_pending_and_flags_a_doubtful_uscc() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin_at(CHIEF).await;
    let owner = app.verified_user("o@example.com").await;
    let a = id(&app
        .create_org(&owner, &enterprise("甲氧化铝", &uscc(71)))
        .await);
    let b = id(&app
        .create_org(&owner, &enterprise("乙企业", "91350100M0001TGQXM"))
        .await);
    let c = id(&app
        .verified_org(&owner, &bureau, &enterprise("丙铝业", &uscc(72)))
        .await);

    let chief = signed_in(&app, CHIEF).await;
    let (status, html) = get_html(&chief, &app.url("/bureau/review")).await;
    assert_eq!(status, 200, "{html}");
    let listed = api(&app, &bureau, "/api/v1/organizations?status=pending").await;
    let ids: Vec<String> = listed["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids.len(), 2);
    for i in &ids {
        assert!(
            html.contains(&format!("href=\"/organizations/{i}\"")),
            "{html}"
        );
    }
    assert!(
        !html.contains(&c) && !html.contains("丙铝业"),
        "verified ones are not queued"
    );
    assert!(html.contains(&uscc(71)) && html.contains("91350100M0001TGQXM"));
    assert_eq!(
        html.matches("请核查此代码").count(),
        1,
        "only the doubtful code: {html}"
    );
    assert!(
        html.contains("校验位"),
        "why, in the page's language: {html}"
    );
    assert!(
        html.contains("邹平市") && !html.contains(">zouping<"),
        "names, not codes"
    );

    // The API's filters: search, kind.
    let (_, html) = get_html(&chief, &app.url("/bureau/review?q=%E4%B9%99")).await;
    assert!(html.contains(&b) && !html.contains(&a), "{html}");
    let (_, html) = get_html(&chief, &app.url("/bureau/review?kind=university")).await;
    assert!(html.contains("目前没有待审核的单位"), "{html}");
    let (status, _) = get_html(&chief, &app.url("/bureau/review?kind=bank")).await;
    assert_eq!(
        status, 422,
        "a kind that is none is refused as the API refuses it"
    );

    // Verifying from the organization's page takes it off the queue.
    let (_, page) = get_html(&chief, &app.url(&format!("/organizations/{a}"))).await;
    let form = [("csrf", csrf_of(&page)), ("action", "verify".into())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = post_form(
        &chief,
        app.url(&format!("/organizations/{a}/review")),
        &form,
    )
    .await;
    assert_eq!(res.status(), 303);
    let (_, html) = get_html(&chief, &app.url("/bureau/review")).await;
    assert!(!html.contains(&a) && html.contains(&b), "{html}");
    let log = "/bureau/audit-log?action=organization_verified";
    let (_, html) = get_html(&chief, &app.url(log)).await;
    assert!(
        html.contains(&format!("<a href=\"/organizations/{a}\">甲氧化铝</a>")),
        "the organization by name: {html}"
    );

    // The API refuses a member the status filter; the page too. Visitors sign in first.
    let res = app
        .get_as("/api/v1/organizations?status=pending", &owner.access)
        .await;
    assert_eq!(res.status(), 403);
    let member = signed_in(&app, "o@example.com").await;
    refused(&app, &member, &["/bureau/review", "/bureau/organizations"]).await;
    let (_, dash) = get_html(&member, &app.url("/dashboard")).await;
    assert!(
        !dash.contains("href=\"/bureau/review\""),
        "no bureau links for members"
    );
    let (_, dash) = get_html(&chief, &app.url("/dashboard")).await;
    for link in [
        "/bureau/review",
        "/bureau/organizations",
        "/projects",
        "/bureau/report",
        "/bureau/outbox",
        "/bureau/audit-log",
    ] {
        assert!(dash.contains(&format!("href=\"{link}\"")), "{link}: {dash}");
    }
}

#[tokio::test]
async fn the_register_lists_every_status_by_name_filters_and_pages_like_the_api() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin_at(CHIEF).await;
    let owner = app.verified_user("o@example.com").await;
    let pending = id(&app
        .create_org(&owner, &enterprise("待审铝业", &uscc(81)))
        .await);
    let verified = id(&app
        .verified_org(&owner, &bureau, &enterprise("认证铝业", &uscc(82)))
        .await);
    let rejected = id(&app
        .create_org(&owner, &enterprise("驳回铝业", &uscc(83)))
        .await);
    let path = format!("/api/v1/organizations/{rejected}/reject");
    let res = app
        .post_json_as(&path, &bureau.access, &json!({"reason": "材料不全"}))
        .await;
    assert_eq!(res.status(), 200);
    let uni = json!({"kind": "university", "name": "乙大学", "name_en": "Yi University", "region_code": "bincheng"});
    let uni = id(&app.create_org(&owner, &uni).await);

    let chief = signed_in(&app, CHIEF).await;
    let (status, html) = get_html(&chief, &app.url("/bureau/organizations")).await;
    assert_eq!(status, 200, "{html}");
    for i in [&pending, &verified, &rejected, &uni] {
        assert!(
            html.contains(&format!("href=\"/organizations/{i}\"")),
            "{i}: {html}"
        );
    }
    for name in ["待审核", "已认证", "未通过", "高校", "滨城区"] {
        assert!(html.contains(name), "{name}: {html}");
    }
    let (_, html) = get_html(&chief, &app.url("/bureau/organizations?status=rejected")).await;
    assert!(html.contains(&rejected) && !html.contains(&pending) && !html.contains(&verified));
    let (_, html) = get_html(
        &chief,
        &app.url("/bureau/organizations?kind=university&region=bincheng"),
    )
    .await;
    assert!(html.contains(&uni) && !html.contains(&pending), "{html}");

    // 26 more: the first page holds 25 and links to the next with the filters kept.
    for n in 0..26 {
        app.create_org(
            &owner,
            &enterprise(&format!("批量企业{n:02}"), &uscc(100 + n)),
        )
        .await;
    }
    let (_, first) = get_html(&chief, &app.url("/bureau/organizations?kind=enterprise")).await;
    assert_eq!(
        first.matches("href=\"/organizations/").count(),
        25,
        "{first}"
    );
    let at = first
        .find("href=\"/bureau/organizations?")
        .expect("a next page");
    let next: String = first[at + 6..].chars().take_while(|c| *c != '"').collect();
    let next = next.replace("&#38;", "&").replace("&amp;", "&");
    assert!(
        next.contains("kind=enterprise") && next.contains("cursor="),
        "{next}"
    );
    let (_, second) = get_html(&chief, &app.url(&next)).await;
    assert_eq!(
        second.matches("href=\"/organizations/").count(),
        4,
        "29 enterprises: {second}"
    );
    assert!(
        !second.contains("href=\"/bureau/organizations?"),
        "the last page"
    );
}

async fn project(
    app: &TestApp,
    bureau: &TestUser,
    owner: &str,
    name: &str,
    due_days: i64,
) -> String {
    let body = json!({"name": name, "owner_organization_id": owner, "region_code": "zouping",
        "category": "recycled_aluminum", "year": 2026, "stage": "construction"});
    let res = app
        .post_json_as("/api/v1/projects", &bureau.access, &body)
        .await;
    assert_eq!(res.status(), 201);
    let pid = id(&res.json().await.unwrap());
    let due = (chrono::Utc::now() + chrono::Duration::days(due_days)).date_naive();
    let path = format!("/api/v1/projects/{pid}/milestones");
    let m = json!({"name": format!("{name}设备安装"), "due_on": due});
    assert_eq!(
        app.post_json_as(&path, &bureau.access, &m).await.status(),
        201
    );
    pid
}

#[tokio::test]
async fn key_projects_list_marks_overdue_milestones_and_members_see_their_own() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin_at(CHIEF).await;
    let (o1, o2) = (
        app.verified_user("o1@example.com").await,
        app.verified_user("o2@example.com").await,
    );
    let e1 = id(&app
        .verified_org(&o1, &bureau, &enterprise("魏桥铝电", &uscc(91)))
        .await);
    let e2 = id(&app
        .verified_org(&o2, &bureau, &enterprise("创新金属", &uscc(92)))
        .await);
    let late = project(&app, &bureau, &e1, "再生铝项目", -3).await;
    let fine = project(&app, &bureau, &e2, "压铸项目", 30).await;

    let chief = signed_in(&app, CHIEF).await;
    let (status, html) = get_html(&chief, &app.url("/projects")).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains(&format!("href=\"/projects/{late}\""))
            && html.contains(&format!("href=\"/projects/{fine}\""))
    );
    assert!(
        html.contains("魏桥铝电") && html.contains("再生铝") && html.contains("建设中"),
        "{html}"
    );
    assert_eq!(html.matches("<tr class=\"overdue\">").count(), 1, "{html}");
    let (_, html) = get_html(&chief, &app.url("/projects?overdue=yes")).await;
    let api_late = api(&app, &bureau, "/api/v1/projects?overdue=true").await;
    assert_eq!(api_late["items"].as_array().unwrap().len(), 1);
    assert!(html.contains(&late) && !html.contains(&fine), "{html}");

    // A member sees the projects of their organization, as the API shows them.
    let member = signed_in(&app, "o2@example.com").await;
    let (status, html) = get_html(&member, &app.url("/projects")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&fine) && !html.contains(&late), "{html}");
    let res = browser_like()
        .get(app.url("/projects"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn the_report_shows_the_overview_with_charts_and_downloads_the_api_csv() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin_at(CHIEF).await;
    let owner = app.verified_user("o@example.com").await;
    app.verified_org(&owner, &bureau, &enterprise("甲氧化铝", &uscc(95)))
        .await;
    app.create_org(&owner, &enterprise("乙铝业", &uscc(96)))
        .await;

    let chief = signed_in(&app, CHIEF).await;
    let (status, html) = get_html(&chief, &app.url("/bureau/report")).await;
    assert_eq!(status, 200, "{html}");
    let v = api(&app, &bureau, "/api/v1/reports/overview").await;
    assert_eq!(v["organizations"]["total"], 2);
    assert_eq!(
        html.matches("<svg role=\"img\"").count(),
        1,
        "organizations only: no needs or projects, no chart: {html}"
    );
    assert!(html.contains("该地区和时间段内暂无数据"), "{html}");
    assert!(
        html.contains("各地区单位数") && html.contains("邹平市"),
        "{html}"
    );
    assert!(
        html.contains("<th scope=\"row\">待审核</th><td class=\"num\">1</td>"),
        "{html}"
    );
    assert!(!html.contains("style="), "no inline style under the policy");

    // The page's CSV is the API's, byte for byte, with the same filters.
    let link = "/bureau/report/organizations.csv?region=zouping";
    assert!(
        html.contains("href=\"/bureau/report/organizations.csv\""),
        "{html}"
    );
    let page_csv = chief.get(app.url(link)).send().await.unwrap();
    assert_eq!(page_csv.status(), 200);
    assert!(
        page_csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let page_csv = page_csv.bytes().await.unwrap();
    let api_csv = app
        .get_as(
            "/api/v1/reports/organizations.csv?region=zouping",
            &bureau.access,
        )
        .await;
    assert_eq!(page_csv, api_csv.bytes().await.unwrap());
    assert_eq!(
        get_html(&chief, &app.url("/bureau/report/nothing.csv"))
            .await
            .0,
        404
    );
    let (status, html) = get_html(&chief, &app.url("/bureau/report?from=yesterday")).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("应为日期") && html.contains("yesterday"),
        "in Chinese: {html}"
    );

    // In English for an English account: the figures' names and the charts' titles.
    let res = app
        .patch_json_as("/api/v1/me", &bureau.access, &json!({"locale": "en"}))
        .await;
    assert_eq!(res.status(), 200);
    let (_, html) = get_html(&chief, &app.url("/bureau/report")).await;
    assert!(
        html.contains("lang=\"en\"")
            && html.contains("Organizations by region")
            && html.contains("<th scope=\"row\">Awaiting review</th><td class=\"num\">1</td>")
            && html.contains("Zouping City"),
        "{html}"
    );

    let member = signed_in(&app, "o@example.com").await;
    let res = app.get_as("/api/v1/reports/overview", &owner.access).await;
    assert_eq!(res.status(), 403);
    refused(
        &app,
        &member,
        &["/bureau/report", "/bureau/report/organizations.csv"],
    )
    .await;
}

#[tokio::test]
async fn dead_letters_are_retried_from_the_outbox_and_the_audit_log_shows_it() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin_at(CHIEF).await;
    let owner = app.verified_user("o@example.com").await;
    app.smtp.reject_all();
    app.register("bounce@example.com", "en").await;
    let dead = loop {
        let list = api(&app, &bureau, "/api/v1/admin/outbox?status=dead").await;
        if let Some(item) = list["items"].as_array().unwrap().first() {
            break item.clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let chief = signed_in(&app, CHIEF).await;
    let (status, html) = get_html(&chief, &app.url("/bureau/outbox")).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("bounce@example.com") && html.contains("550"),
        "{html}"
    );
    assert!(
        html.contains("账户") && html.contains("未送达"),
        "topic and status by name: {html}"
    );
    let action = app.url(&format!("/bureau/outbox/{}/retry", id(&dead)));
    assert_eq!(
        post_form(&chief, action.clone(), &[]).await.status(),
        403,
        "no CSRF token"
    );
    let member = signed_in(&app, "o@example.com").await;
    let (_, mine) = get_html(&member, &app.url("/")).await;
    let res = post_form(&member, action.clone(), &[("csrf", &csrf_of(&mine))]).await;
    assert_eq!(res.status(), 403, "only the bureau retries");
    let res = post_form(&chief, action, &[("csrf", &csrf_of(&html))]).await;
    assert_eq!(res.status(), 303);
    let (_, html) = get_html(&chief, &app.url("/bureau/outbox?retried=1")).await;
    assert!(html.contains("重新排队"), "{html}");
    let log = api(&app, &bureau, "/api/v1/audit-log?action=outbox_retried").await;
    assert_eq!(
        log["items"][0]["subject_id"], dead["id"],
        "the page's retry is the API's: {log}"
    );

    // The audit log: the retry, by name, and the API's filters.
    let (status, html) =
        get_html(&chief, &app.url("/bureau/audit-log?action=outbox_retried")).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("outbox_retried") && html.contains("Bureau Admin"),
        "{html}"
    );
    let (_, html) = get_html(
        &chief,
        &app.url("/bureau/audit-log?action=organization_verified"),
    )
    .await;
    assert!(html.contains("没有符合条件的记录"), "{html}");
    let (status, _) = get_html(&chief, &app.url("/bureau/audit-log?since=someday")).await;
    assert_eq!(status, 422);
    let res = app.get_as("/api/v1/audit-log", &owner.access).await;
    assert_eq!(res.status(), 403);
    refused(&app, &member, &["/bureau/outbox", "/bureau/audit-log"]).await;
}
