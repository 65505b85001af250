//! The bureau's journey in headless Chromium (harness: `browser.rs`): it opens the link of
//! the new-organization mail, finds the organization in the review queue, verifies it with
//! the page's button, then reads a key project with an overdue and a done milestone, its
//! inbox and the interests page, the key projects list, the register of organizations,
//! the overview report with its charts, the outbox and the audit log. Screenshots under
//! `target/screenshots/bureau/`; every page is checked as in `browser_journeys`.

use fantoccini::Locator;
use serde_json::json;

use crate::browser::Browser;
use crate::helpers::{PASSWORD, spawn_app};
use crate::pages::{link_in, mail_with};
use crate::registry::{enterprise, uscc};

const CHIEF: &str = "chief@bureau.example.gov.cn";

#[tokio::test]
async fn browser_the_bureau_verifies_an_organization_from_its_mail_and_reads_a_key_project() {
    let Some(mut b) = Browser::start("bureau").await else {
        return;
    };
    let app = spawn_app().await;
    let bureau = app.bureau_admin_at(CHIEF).await;
    let (owner, prof) = (
        app.verified_user("engineer@example.com").await,
        app.verified_user("transfer@example.com").await,
    );
    let mut body = enterprise("滨州再生铝有限公司", &uscc(9));
    body["name_en"] = json!("Binzhou Recycled Aluminium Co.");
    body["address"] = json!("山东省滨州市邹平市经济开发区会仙一路 8 号");
    body["description"] = json!("再生铝熔炼与压铸，年产 20 万吨。");
    let org = app.create_org(&owner, &body).await;
    let org_id = org["id"].as_str().unwrap().to_owned();
    let uni = app
        .verified_org(&prof, &bureau, &json!({"kind": "university", "name": "滨州学院", "name_en": "Binzhou University", "region_code": "binzhou"}))
        .await;

    let mail = mail_with(&app, CHIEF, &format!("/organizations/{org_id}")).await;
    let link = link_in(&app, &mail.text());
    b.goto(&app.url(&format!("/sign-in?next={link}"))).await;
    b.fill("email", CHIEF).await;
    b.fill("password", PASSWORD).await;
    b.submit().await;
    assert_eq!(b.path().await, link);
    assert!(b.main_text().await.contains("待审核"));
    b.check_page(true).await;

    // The same organization waits in the review queue, which links to its page.
    b.goto(&app.url("/bureau/review")).await;
    let text = b.main_text().await;
    assert!(
        text.contains("滨州再生铝有限公司") && text.contains(&uscc(9)),
        "{text}"
    );
    b.check_page(true).await;
    b.shot("review-queue").await;
    b.click_and_wait(Locator::Css(&format!("main a[href='{link}']")))
        .await;
    assert_eq!(b.path().await, link);
    b.shot("organization-review").await;
    b.click_and_wait(Locator::Css("button[value=verify]")).await;
    let text = b.main_text().await;
    assert!(text.contains("已认证"), "{text}");
    b.check_page(true).await;
    b.shot("organization-verified").await;

    let res = app
        .post_json_as(
            "/api/v1/projects",
            &bureau.access,
            &json!({
                "name": "再生铝保级利用项目", "owner_organization_id": org_id,
                "partner_organization_ids": [uni["id"]], "region_code": "zouping",
                "category": "recycled_aluminum", "year": 2026, "planned_investment": 120_000_000,
                "capacity": "年产 20 万吨再生铝", "stage": "construction"
            }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let pid = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let day = |d: i64| (chrono::Utc::now() + chrono::Duration::days(d)).date_naive();
    let milestones = [
        json!({"name": "环评批复", "due_on": day(-60)}),
        json!({"name": "设备安装调试", "due_on": day(-3), "responsible": "滨州再生铝设备部"}),
        json!({"name": "试生产", "due_on": day(45), "stage": "trial_production"}),
    ];
    for (n, m) in milestones.iter().enumerate() {
        let path = format!("/api/v1/projects/{pid}/milestones");
        let res = app.post_json_as(&path, &bureau.access, m).await;
        assert_eq!(res.status(), 201);
        if n == 0 {
            let mid = res.json::<serde_json::Value>().await.unwrap()["id"].clone();
            let res = app
                .patch_json_as(
                    &format!("{path}/{}", mid.as_str().unwrap()),
                    &bureau.access,
                    &json!({"done_on": day(-62)}),
                )
                .await;
            assert_eq!(res.status(), 200);
        }
    }
    // Two needs of the verified enterprise, for the report's chart by field.
    for (title, field) in [
        ("赤泥脱碱技术", "red-mud"),
        ("电解槽节电控制", "alumina.cell-control"),
    ] {
        let need = json!({"organization_id": org_id, "title": title,
            "description": "寻求合作伙伴。", "field_codes": [field]});
        let res = app
            .post_json_as("/api/v1/needs", &owner.access, &need)
            .await;
        assert_eq!(res.status(), 201);
    }
    b.goto(&app.url(&format!("/projects/{pid}"))).await;
    let text = b.main_text().await;
    assert!(
        text.contains("已逾期") && text.contains("滨州学院"),
        "{text}"
    );
    b.check_page(true).await;
    b.shot("project").await;

    // The inbox holds the notice of the registration; the interests page, no agreement yet.
    b.goto(&app.url("/inbox")).await;
    assert!(b.main_text().await.contains("滨州再生铝有限公司"));
    b.check_page(true).await;
    b.shot("inbox").await;
    b.click_and_wait(Locator::Css("form[action='/inbox/read-all'] button"))
        .await;
    assert!(b.main_text().await.contains("未读： 0"));
    b.goto(&app.url("/interests")).await;
    b.check_page(true).await;

    // The bureau's lists: projects with the overdue milestone marked, the register, the
    // report with its charts, the outbox and the audit log with the verification.
    b.goto(&app.url("/projects")).await;
    assert!(b.main_text().await.contains("再生铝保级利用项目"));
    b.check_page(true).await;
    b.shot("projects").await;
    b.goto(&app.url("/bureau/organizations")).await;
    assert!(b.main_text().await.contains("滨州学院"));
    b.check_page(true).await;
    b.shot("organizations").await;
    b.goto(&app.url("/bureau/report")).await;
    let text = b.main_text().await;
    assert!(
        text.contains("各地区单位数") && text.contains("邹平市"),
        "{text}"
    );
    b.check_page(true).await;
    b.shot("report").await;
    b.goto(&app.url("/bureau/outbox")).await;
    b.check_page(true).await;
    b.goto(&app.url("/bureau/audit-log")).await;
    assert!(b.main_text().await.contains("organization_verified"));
    b.check_page(true).await;
    b.shot("audit-log").await;
    b.quit().await;
}
