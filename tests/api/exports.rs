//! The exports people read, through HTTP: CSV and XLSX of the same rows, headers in the
//! caller's language, names next to ids and codes, times in Beijing time, and text that a
//! spreadsheet would run as a formula neutralized.

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};
use crate::registry::{enterprise, uscc};

/// A CSV export's rows (after the byte-order mark).
pub fn parse_csv(body: &[u8]) -> Vec<Vec<String>> {
    assert_eq!(&body[..3], [0xEF, 0xBB, 0xBF], "a byte-order mark");
    ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&body[3..])
        .records()
        .map(|x| x.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// An XLSX export's first sheet as text.
pub fn parse_xlsx(body: &[u8]) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(body.to_vec())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => format!("{f}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

async fn get(app: &TestApp, user: &TestUser, path: &str) -> (String, Vec<u8>) {
    let res = app.get_as(path, &user.access).await;
    assert_eq!(res.status().as_u16(), 200, "{path}");
    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
    (ct, res.bytes().await.unwrap().to_vec())
}

fn column(rows: &[Vec<String>], header: &str) -> usize {
    rows[0]
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("no column {header} in {:?}", rows[0]))
}

fn row_of<'a>(rows: &'a [Vec<String>], id: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r.first().map(String::as_str) == Some(id))
        .unwrap_or_else(|| panic!("no row {id}"))
}

#[tokio::test]
async fn exports_speak_the_callers_language_name_codes_show_beijing_time_and_defuse_formulas() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let mut body = enterprise("=cmd|' /C calc'!A0", &uscc(1));
    body["name_en"] = json!("Weiqiao Aluminium");
    let org = app.verified_org(&owner, &bureau, &body).await;
    let id = org["id"].as_str().unwrap();
    let created: DateTime<Utc> = org["created_at"].as_str().unwrap().parse().unwrap();
    let beijing = created
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let need = app
        .post_json_as(
            "/api/v1/needs",
            &owner.access,
            &json!({"organization_id": id, "title": "@赤泥选铁", "description": "回收铁精粉"}),
        )
        .await;
    assert_eq!(need.status().as_u16(), 201);
    let need: Value = need.json().await.unwrap();

    // The bureau's account is Chinese: Chinese headers and names.
    let (ct, csv) = get(&app, &bureau, "/api/v1/reports/organizations.csv").await;
    assert!(ct.starts_with("text/csv"));
    let rows = parse_csv(&csv);
    assert_eq!(rows[0][..3], ["编号", "类型", "名称"]);
    let r = row_of(&rows, id);
    assert_eq!(
        r[column(&rows, "名称")],
        "'=cmd|' /C calc'!A0",
        "neutralized"
    );
    assert_eq!(r[column(&rows, "类型")], "企业");
    assert_eq!(r[column(&rows, "地区代码")], "zouping");
    assert_eq!(
        r[column(&rows, "地区")],
        "邹平市",
        "the name next to the code"
    );
    assert_eq!(r[column(&rows, "创建时间（北京时间）")], beijing);

    // XLSX: the same rows, read back with calamine.
    let (ct, xlsx) = get(&app, &bureau, "/api/v1/reports/organizations.xlsx").await;
    assert_eq!(
        ct,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(parse_xlsx(&xlsx), rows);

    // An English account gets English headers and names.
    let res = app
        .patch_json_as("/api/v1/me", &bureau.access, &json!({"locale": "en"}))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let (_, xlsx) = get(&app, &bureau, "/api/v1/reports/needs.xlsx").await;
    let rows = parse_xlsx(&xlsx);
    assert_eq!(
        rows[0][..4],
        ["ID", "Organization ID", "Organization", "Title"]
    );
    let r = row_of(&rows, need["id"].as_str().unwrap());
    assert_eq!(r[1], id);
    assert_eq!(r[2], "Weiqiao Aluminium", "the name next to the id");
    assert_eq!(r[3], "'@赤泥选铁");
    assert_eq!(r[column(&rows, "Region")], "Zouping City");
    let (_, csv) = get(&app, &bureau, "/api/v1/reports/organizations.csv").await;
    let rows = parse_csv(&csv);
    let r = row_of(&rows, id);
    assert_eq!(r[column(&rows, "Kind")], "Enterprise");
    assert_eq!(r[column(&rows, "Created (Beijing time)")], beijing);
    for name in ["capabilities", "interests", "participation", "projects"] {
        let (_, xlsx) = get(&app, &bureau, &format!("/api/v1/reports/{name}.xlsx")).await;
        assert!(!parse_xlsx(&xlsx).is_empty(), "{name}");
    }

    // The bureau's alone; an unknown export is not there.
    let res = app
        .get_as("/api/v1/reports/organizations.xlsx", &owner.access)
        .await;
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .get_as("/api/v1/reports/salaries.xlsx", &bureau.access)
        .await;
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn status_stage_and_category_columns_show_names_in_the_header_language() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let org = app
        .verified_org(&owner, &bureau, &enterprise("魏桥铝业", &uscc(2)))
        .await;
    let id = org["id"].as_str().unwrap();
    let res = app
        .post_json_as(
            "/api/v1/projects",
            &bureau.access,
            &json!({
            "name": "赤泥提铁示范线", "owner_organization_id": id, "region_code": "zouping",
            "category": "red_mud_utilization", "year": 2026, "stage": "operation"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let project = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    for (locale, status, stage, category, headers) in [
        (
            "zh-CN",
            "已认证",
            "投产运营",
            "赤泥综合利用",
            ["状态", "阶段", "类别"],
        ),
        (
            "en",
            "Verified",
            "In operation",
            "Red-mud utilization",
            ["Status", "Stage", "Category"],
        ),
    ] {
        let res = app
            .patch_json_as("/api/v1/me", &bureau.access, &json!({"locale": locale}))
            .await;
        assert_eq!(res.status().as_u16(), 200);
        for format in ["csv", "xlsx"] {
            let read = |b: &[u8]| {
                if format == "csv" {
                    parse_csv(b)
                } else {
                    parse_xlsx(b)
                }
            };
            let (_, body) = get(
                &app,
                &bureau,
                &format!("/api/v1/reports/organizations.{format}"),
            )
            .await;
            let rows = read(&body);
            assert_eq!(
                row_of(&rows, id)[column(&rows, headers[0])],
                status,
                "{locale} {format}"
            );
            let (_, body) = get(&app, &bureau, &format!("/api/v1/reports/projects.{format}")).await;
            let rows = read(&body);
            let r = row_of(&rows, &project);
            assert_eq!(r[column(&rows, headers[1])], stage, "{locale} {format}");
            assert_eq!(r[column(&rows, headers[2])], category, "{locale} {format}");
            for code in ["verified", "operation", "red_mud_utilization"] {
                assert!(!r.iter().any(|c| c == code), "{locale} {format}: {r:?}");
            }
        }
    }
}
