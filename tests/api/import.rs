//! Bulk import of organizations from the bureau's spreadsheets: the dry-run report row by
//! row, nothing written while a row is refused, `skip_invalid`, updates by USCC, XLSX and
//! multipart uploads, the command line's import, and who may import.

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, count, spawn_app};
use crate::registry::{enterprise, uscc};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn upload(
    app: &TestApp,
    token: &str,
    query: &str,
    ct: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/organizations/import{query}")))
        .bearer_auth(token)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// A file with good and bad rows, in Chinese headers; row 7 updates an organization
/// registered with `uscc(1)`.
fn mixed_csv() -> Vec<u8> {
    format!(
        "类型,名称,英文名称,统一社会信用代码,地区代码,技术领域代码,联系人,联系邮箱\n\
         企业,钪业科技,Scandium Tech,{},zouping,red-mud,王工,wang@example.com\n\
         企业,坏代码公司,,91110000600037341I,zouping,,,\n\
         企业,远方公司,,{},atlantis,,,\n\
         企业,领域公司,,{},zouping,no-such-field,,\n\
         企业,重复公司,,{},zouping,,,\n\
         企业,魏桥铝电,Weiqiao Aluminium,{},zouping,,,\n\
         高校,滨州学院,,,bincheng,,,\n",
        uscc(11),
        uscc(12),
        uscc(13),
        uscc(11).to_lowercase(),
        uscc(1),
    )
    .into_bytes()
}

async fn organizations(app: &TestApp) -> i64 {
    count(&app.db, "SELECT count(*) AS n FROM organizations").await
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    count(
        &app.db,
        format!("SELECT count(*) AS n FROM audit_log WHERE action = '{action}'"),
    )
    .await
}

struct Setup {
    bureau: TestUser,
    owner: TestUser,
    existing: String,
}

async fn setup(app: &TestApp) -> Setup {
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let org = app
        .create_org(&owner, &enterprise("魏桥铝电", &uscc(1)))
        .await;
    Setup {
        bureau,
        owner,
        existing: org["id"].as_str().unwrap().to_owned(),
    }
}

fn problem(report: &Value, row: u64) -> (String, String) {
    let r = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["row"] == row)
        .unwrap_or_else(|| panic!("no row {row} in {report}"));
    assert_eq!(r["action"], "refuse", "row {row}: {r}");
    let p = &r["problems"][0];
    (
        p["column"].as_str().unwrap().to_owned(),
        p["code"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_dry_run_reports_row_by_row_and_writes_nothing() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (orgs, audit) = (
        organizations(&app).await,
        count(&app.db, "SELECT count(*) AS n FROM audit_log").await,
    );

    let res = upload(
        &app,
        &s.bureau.access,
        "?dry_run=true",
        "text/csv",
        mixed_csv(),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["written"], false);
    assert_eq!(
        (&report["created"], &report["updated"], &report["refused"]),
        (&json!(2), &json!(1), &json!(4)),
        "{report}"
    );
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(
        (rows[0]["row"].as_u64(), &rows[0]["action"]),
        (Some(2), &json!("create"))
    );
    assert_eq!(rows[0]["uscc"], uscc(11));
    assert_eq!(
        problem(&report, 3),
        ("统一社会信用代码".into(), "uscc_malformed".into())
    );
    assert_eq!(
        problem(&report, 4),
        ("地区代码".into(), "unknown_region".into())
    );
    assert_eq!(
        problem(&report, 5),
        ("技术领域代码".into(), "unknown_field".into())
    );
    assert_eq!(
        problem(&report, 6),
        ("统一社会信用代码".into(), "duplicate_in_file".into())
    );
    assert_eq!(rows[5]["action"], "update");
    assert_eq!(rows[5]["organization_id"], s.existing.as_str());
    assert_eq!(rows[6]["action"], "create");

    assert_eq!(organizations(&app).await, orgs, "a dry run writes nothing");
    assert_eq!(
        count(&app.db, "SELECT count(*) AS n FROM audit_log").await,
        audit
    );

    // A real import with a refused row writes nothing either, and names row and column.
    let res = upload(&app, &s.bureau.access, "", "text/csv", mixed_csv()).await;
    let body = assert_problem(res, 422, "import_refused").await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "row 3: 统一社会信用代码",
            "row 4: 地区代码",
            "row 5: 技术领域代码",
            "row 6: 统一社会信用代码"
        ]
    );
    assert_eq!(organizations(&app).await, orgs);

    // A file without a required column is refused whole, the column named, even in a
    // dry run: it is not an import at all.
    let res = upload(
        &app,
        &s.bureau.access,
        "?dry_run=true",
        "text/csv",
        "名称,工资\n钪业,1\n".as_bytes().to_vec(),
    )
    .await;
    let body = assert_problem(res, 422, "import_refused").await;
    let codes: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["field"].as_str().unwrap(), p["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("row 1: 工资", "unknown_column"),
            ("row 1: kind", "missing_column"),
            ("row 1: region_code", "missing_column")
        ]
    );
}

#[tokio::test]
async fn skip_invalid_imports_the_good_rows_verified_and_audited_and_updates_by_uscc() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let orgs = organizations(&app).await;

    let res = upload(
        &app,
        &s.bureau.access,
        "?skip_invalid=true",
        "text/csv; charset=utf-8",
        mixed_csv(),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["written"], true);
    assert_eq!(organizations(&app).await, orgs + 2);
    let created = report["rows"][0]["organization_id"].as_str().unwrap();
    let org: Value = app
        .get_as(
            &format!("/api/v1/organizations/{created}"),
            &s.bureau.access,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(org["name"], "钪业科技");
    assert_eq!(org["name_en"], "Scandium Tech");
    assert_eq!(org["status"], "verified");
    assert_eq!(org["field_codes"], json!(["red-mud"]));
    assert_eq!(org["contact"]["email"], "wang@example.com");
    let updated: Value = app
        .get_as(
            &format!("/api/v1/organizations/{}", s.existing),
            &s.bureau.access,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(updated["name_en"], "Weiqiao Aluminium");
    assert_eq!(
        updated["status"], "pending",
        "an update leaves the review alone"
    );
    assert_eq!(
        count(
            &app.db,
            format!(
                "SELECT count(*) AS n FROM audit_log WHERE action = 'organization_imported' \
                 AND actor_id = '{}' AND subject_id = '{created}'",
                s.bureau.id
            )
        )
        .await,
        1
    );
    assert_eq!(audited(&app, "organization_imported").await, 2);
    assert_eq!(audited(&app, "organization_updated_by_import").await, 1);
    let none = count(
        &app.db,
        format!(
            "SELECT count(*) AS n FROM organizations WHERE uscc = '{}'",
            uscc(12)
        ),
    )
    .await;
    assert_eq!(none, 0, "refused rows are left out");
}

#[tokio::test]
async fn an_xlsx_workbook_and_a_multipart_form_import_and_only_the_bureau_may() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Kind", "Name", "USCC", "Region code", "Field codes"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in [
        "enterprise",
        "表格科技",
        &uscc(21),
        "zouping",
        "red-mud; alumina",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    let xlsx = book.save_to_buffer().unwrap();

    let res = upload(&app, &s.owner.access, "", XLSX, xlsx.clone()).await;
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .client
        .post(app.url("/api/v1/organizations/import"))
        .header("content-type", XLSX)
        .body(xlsx.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let res = upload(&app, &s.bureau.access, "", "image/png", xlsx.clone()).await;
    assert_problem(res, 415, "unsupported_media_type").await;

    let res = upload(&app, &s.bureau.access, "", XLSX, xlsx).await;
    assert_eq!(res.status().as_u16(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(
        (&report["created"], &report["written"]),
        (&json!(1), &json!(true)),
        "{report}"
    );
    let id = report["rows"][0]["organization_id"].as_str().unwrap();
    let org: Value = app
        .get_as(&format!("/api/v1/organizations/{id}"), &s.bureau.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(org["field_codes"], json!(["alumina", "red-mud"]));

    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(
            format!(
                "kind,name,uscc,region_code\nenterprise,表单科技,{},zouping\n",
                uscc(22)
            )
            .into_bytes(),
        )
        .file_name("机构.csv"),
    );
    let res = app
        .client
        .post(app.url("/api/v1/organizations/import"))
        .bearer_auth(&s.bureau.access)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["rows"][0]["name"], "表单科技");
    assert_eq!(report["created"], 1);
}

#[tokio::test]
async fn the_command_line_import_runs_the_same_checks_with_no_acting_user() {
    let app = spawn_app().await;
    let _s = setup(&app).await;
    let path = app.dir.path().join("机构.csv");
    std::fs::write(&path, mixed_csv()).unwrap();
    let run = |dry_run, skip_invalid| {
        let db = app.db.clone();
        let path = path.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.pool().get().unwrap();
            let opts = collab_registry::organizations::import::ImportQuery {
                dry_run,
                skip_invalid,
            };
            collab_registry::organizations::import::import_file(&mut conn, &path, opts).unwrap()
        })
    };
    let orgs = organizations(&app).await;
    let refused = run(false, false).await.unwrap();
    assert!(!refused.written);
    assert_eq!(refused.refused, 4);
    assert_eq!(organizations(&app).await, orgs);
    let text = collab_registry::organizations::import::describe(
        &refused,
        collab_registry::app::Locale::En,
    );
    assert!(text.contains("row    3  REFUSE"), "{text}");
    assert!(text.contains("nothing written"), "{text}");

    let done = run(false, true).await.unwrap();
    assert!(done.written);
    assert_eq!(organizations(&app).await, orgs + 2);
    assert_eq!(
        count(
            &app.db,
            "SELECT count(*) AS n FROM audit_log WHERE action = 'organization_imported' \
             AND actor_id IS NULL"
        )
        .await,
        2
    );
    // Importing the same file again updates what the first run created; a row without a
    // USCC whose name is registered is refused, not registered twice.
    let again = run(false, true).await.unwrap();
    assert_eq!((again.created, again.updated, again.refused), (0, 2, 5));
    let university = again.rows.iter().find(|r| r.row == 8).unwrap();
    assert_eq!(university.problems[0].code, "name_registered");
    assert_eq!(university.problems[0].column, "名称");
    assert_eq!(organizations(&app).await, orgs + 2);
}

/// The messages of each refused row of `report`, by row number.
fn messages(report: &Value) -> Vec<(u64, String)> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["problems"].as_array().unwrap().iter().map(|p| {
                (
                    r["row"].as_u64().unwrap(),
                    p["message"].as_str().unwrap().to_owned(),
                )
            })
        })
        .collect()
}

fn has_han(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

async fn set_locale(app: &TestApp, user: &TestUser, locale: &str) {
    let res = app
        .patch_json_as("/api/v1/me", &user.access, &json!({"locale": locale}))
        .await;
    assert_eq!(res.status().as_u16(), 200, "set locale {locale}");
}

async fn dry_run_as(app: &TestApp, user: &TestUser, accept_language: &str, csv: Vec<u8>) -> Value {
    let res = app
        .client
        .post(app.url("/api/v1/organizations/import?dry_run=true"))
        .bearer_auth(&user.access)
        .header("content-type", "text/csv")
        .header("accept-language", accept_language)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    res.json().await.unwrap()
}

/// Issue 15: a row's problem is said in the reader's language, the account's winning over
/// `Accept-Language`; the codes and columns stay the same.
#[tokio::test]
async fn each_row_problem_is_said_in_the_account_language() {
    let app = spawn_app().await;
    let s = setup(&app).await;

    set_locale(&app, &s.bureau, "zh-CN").await;
    let zh = dry_run_as(&app, &s.bureau, "en", mixed_csv()).await;
    let zh_messages = messages(&zh);
    assert_eq!(zh_messages.len(), 4, "{zh}");
    for (row, m) in &zh_messages {
        assert!(has_han(m), "row {row} is not in Chinese: {m}");
    }
    let said = |ms: &[(u64, String)], row: u64| {
        ms.iter()
            .find(|(r, _)| *r == row)
            .map(|(_, m)| m.clone())
            .unwrap()
    };
    assert!(
        said(&zh_messages, 3).contains("统一社会信用代码为 18 位"),
        "{zh}"
    );
    assert_eq!(said(&zh_messages, 4), "没有代码为 `atlantis` 的地区");
    assert_eq!(said(&zh_messages, 5), "未知的技术领域代码：no-such-field");
    assert_eq!(said(&zh_messages, 6), "与第 2 行的“统一社会信用代码”相同");

    set_locale(&app, &s.bureau, "en").await;
    let en = dry_run_as(&app, &s.bureau, "zh-CN", mixed_csv()).await;
    let en_messages = messages(&en);
    assert!(said(&en_messages, 3).contains("18 characters"), "{en}");
    assert_eq!(said(&en_messages, 4), "no region `atlantis`");
    assert_eq!(
        said(&en_messages, 5),
        "unknown technology field codes: no-such-field"
    );
    assert_eq!(said(&en_messages, 6), "the same 统一社会信用代码 as row 2");
    let codes = |r: &Value| {
        r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["problems"].as_array().unwrap().clone())
            .map(|p| (p["column"].clone(), p["code"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&zh), codes(&en), "the same codes in both languages");

    // A header's problems, and the refusal of a real import, in Chinese too.
    set_locale(&app, &s.bureau, "zh-CN").await;
    let res = upload(
        &app,
        &s.bureau.access,
        "?dry_run=true",
        "text/csv",
        "名称,工资\n钪业,1\n".into(),
    )
    .await;
    let header = assert_problem(res, 422, "import_refused").await;
    let said: Vec<&str> = header["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        said,
        [
            "不是导入可识别的列（列名见 docs/operations.md）",
            "缺少必需的列",
            "缺少必需的列"
        ]
    );
    let res = upload(&app, &s.bureau.access, "", "text/csv", mixed_csv()).await;
    let body = assert_problem(res, 422, "import_refused").await;
    assert_eq!(body["errors"][1]["message"], "没有代码为 `atlantis` 的地区");
    assert_eq!(body["title"], "请求内容无效");
}

/// Issue 15: the command line speaks the terminal's language (LANG / LC_ALL).
#[tokio::test]
async fn the_command_line_import_prints_chinese_under_a_chinese_locale() {
    let app = spawn_app().await;
    let _s = setup(&app).await;
    let path = app.dir.path().join("机构.csv");
    std::fs::write(&path, mixed_csv()).unwrap();
    let run = |lang: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_collab-registry"))
            .args(["import", "organizations"])
            .arg(&path)
            .arg("--dry-run")
            .env("DATABASE_URL", &app.settings.database_url)
            .env("COLLAB_DATA_DIR", app.dir.path())
            .env("COLLAB_LOG", "warn")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let zh = run("zh_CN.UTF-8");
    assert!(zh.contains("第    3 行  拒绝"), "{zh}");
    assert!(
        zh.contains("没有代码为 `atlantis` 的地区 (unknown_region)"),
        "{zh}"
    );
    assert!(zh.contains("试运行：未写入任何数据"), "{zh}");
    assert!(!zh.contains("no region"), "{zh}");
    let en = run("C.UTF-8");
    assert!(en.contains("row    3  REFUSE"), "{en}");
    assert!(en.contains("no region `atlantis` (unknown_region)"), "{en}");
    assert!(en.contains("dry run: nothing written"), "{en}");
}
