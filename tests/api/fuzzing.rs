//! What schemathesis found with every check on (issue 17, "Fuzzing with every check"): the
//! document says what is accepted (lengths, patterns, ranges), and the service accepts
//! what it says and refuses the rest, on both backends.

use base64::Engine;
use serde_json::{Value, json};

use crate::events::event_body;
use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};
use crate::registry::{enterprise, uscc};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn member_of_enterprise(app: &TestApp) -> (TestUser, TestUser, String) {
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let ent = id(&app
        .verified_org(&owner, &bureau, &enterprise("甲企业", &uscc(1)))
        .await);
    (bureau, owner, ent)
}

/// JSON Schema's `integer` is any number without a fraction: `3.0` is 3.
#[tokio::test]
async fn a_whole_number_written_with_a_fraction_is_accepted_as_an_integer() {
    let app = spawn_app().await;
    let (_, owner, ent) = member_of_enterprise(&app).await;
    let res = app
        .post_json_as(
            "/api/v1/needs",
            &owner.access,
            &json!({"organization_id": ent, "title": "赤泥", "description": "提铁。",
                    "trl_required": 3.0, "budget_max": 2.5e5}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let need: Value = res.json().await.unwrap();
    assert_eq!(
        (need["trl_required"].clone(), need["budget_max"].clone()),
        (json!(3), json!(250000))
    );
    // A fraction is still refused.
    let res = app
        .post_json_as(
            "/api/v1/needs",
            &owner.access,
            &json!({"organization_id": ent, "title": "赤泥", "description": "提铁。", "trl_required": 3.5}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
}

/// NUL reached PostgreSQL (500) and other control characters were stored (SQLite).
#[tokio::test]
async fn control_characters_are_refused_in_filters_cursors_keywords_and_reasons() {
    let app = spawn_app().await;
    let (bureau, owner, ent) = member_of_enterprise(&app).await;
    for path in [
        "/api/v1/needs",
        "/api/v1/organizations",
        "/api/v1/admin/users",
    ] {
        let res = app.get_as(&format!("{path}?q=a%00b"), &bureau.access).await;
        let body = assert_problem(res, 422, "control_character").await;
        assert_eq!(body["errors"][0]["field"], "q", "{path}");
        // Tabs are text.
        let res = app.get_as(&format!("{path}?q=a%09b"), &bureau.access).await;
        assert_eq!(res.status().as_u16(), 200, "{path}");
    }
    let cursor = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("0193\u{0}x");
    let res = app
        .get_as(&format!("/api/v1/needs?cursor={cursor}"), &bureau.access)
        .await;
    assert_problem(res, 422, "cursor_invalid").await;

    let res = app
        .post_json_as(
            "/api/v1/needs",
            &owner.access,
            &json!({"organization_id": ent, "title": "赤泥", "description": "提铁。", "keywords": ["赤\u{0}泥"]}),
        )
        .await;
    let body = assert_problem(res, 422, "control_character").await;
    assert_eq!(body["errors"][0]["field"], "keywords");

    let other = app.verified_user("other@example.com").await;
    let pending = id(&app
        .create_org(&other, &enterprise("乙企业", &uscc(2)))
        .await);
    let res = app
        .post_json_as(
            &format!("/api/v1/organizations/{pending}/reject"),
            &bureau.access,
            &json!({"reason": "材料\u{0}不全"}),
        )
        .await;
    assert_problem(res, 422, "control_character").await;

    let res = app
        .post_json_as(
            "/api/v1/match",
            &owner.access,
            &json!({"text": "赤泥\u{1}提铁"}),
        )
        .await;
    assert_problem(res, 422, "control_character").await;
}

#[tokio::test]
async fn taxonomy_names_refuse_control_characters_and_admin_codes_are_six_digits() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let res = app
        .post_json_as(
            "/api/v1/fields",
            &bureau.access,
            &json!({"code": "fuzz-a", "name_zh": "模\u{0}糊", "name_en": "Fuzz"}),
        )
        .await;
    assert_problem(res, 422, "control_character").await;
    for bad in ["3716", "37160a", "3716000"] {
        let res = app
            .post_json_as(
                "/api/v1/regions",
                &bureau.access,
                &json!({"code": "fuzz-r", "name_zh": "模糊区", "name_en": "Fuzz", "kind": "district", "admin_code": bad}),
            )
            .await;
        let body = assert_problem(res, 422, "code_invalid").await;
        assert_eq!(body["errors"][0]["field"], "admin_code", "{bad}");
    }
    let res = app
        .post_json_as(
            "/api/v1/regions",
            &bureau.access,
            &json!({"code": "fuzz-r", "name_zh": "模糊区", "name_en": "Fuzz", "kind": "district", "admin_code": "371699"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);
}

/// An event's address is bounded in characters (the document's `maxLength`), not bytes,
/// and holds no control character.
#[tokio::test]
async fn an_event_url_is_counted_in_characters_and_refuses_control_characters() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let mut body = event_body("培训", 10, 20, json!({}));
    body["online_url"] = json!(format!("https://meeting.example.com/{}", "会".repeat(400)));
    let res = app
        .post_json_as("/api/v1/events", &bureau.access, &body)
        .await;
    assert_eq!(res.status().as_u16(), 201);
    body["online_url"] = json!("https://meeting.example.com/a\u{0}b");
    let res = app
        .post_json_as("/api/v1/events", &bureau.access, &body)
        .await;
    let problem = assert_problem(res, 422, "url_invalid").await;
    assert_eq!(problem["errors"][0]["field"], "online_url");
}

/// Every request text states the rule it is held to, and the rule refuses NUL.
#[test]
fn request_texts_state_their_length_and_the_text_pattern() {
    let doc = serde_json::to_value(collab_registry::routes::openapi()).unwrap();
    let title = &doc["components"]["schemas"]["NewNeed"]["properties"]["title"];
    assert_eq!(title["maxLength"], 200, "{title}");
    let pattern = title["pattern"].as_str().unwrap();
    let re = regex_lite::Regex::new(pattern).unwrap();
    assert!(re.is_match(" 赤泥提铁 ") && !re.is_match("赤\u{0}泥") && !re.is_match("  "));
    let q = doc["paths"]["/api/v1/needs"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "q")
        .unwrap();
    assert!(q["schema"]["pattern"].is_string(), "{q}");
    // A password states its length and no text pattern (any character may be in one).
    let password = &doc["components"]["schemas"]["RegisterRequest"]["properties"]["password"];
    assert_eq!(
        (password["minLength"].clone(), password["pattern"].clone()),
        (json!(8), Value::Null)
    );
}

/// Each route's body says what that route accepts: a need's fields for a need, a region's
/// kind for a region; the attendance list is not empty; an uploaded CSV is a file, not a
/// text (schemathesis with every check on, issue 17).
#[test]
fn each_route_documents_the_body_it_accepts() {
    let doc = serde_json::to_value(collab_registry::routes::openapi()).unwrap();
    let schemas = &doc["components"]["schemas"];
    let props = |name: &str| -> Vec<String> {
        schemas[name]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{name}"))
            .keys()
            .cloned()
            .collect()
    };
    let body = |path: &str, method: &str| {
        doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .clone()
    };
    let has = |name: &str, field: &str| props(name).iter().any(|p| p == field);
    assert!(has("NewNeed", "trl_required") && has("NewNeed", "budget_max"));
    assert!(!has("NewNeed", "trl") && has("NewCapability", "trl"));
    for side_only in ["trl_required", "budget_min", "budget_max", "deadline"] {
        assert!(!has("NewCapability", side_only) && !has("CapabilityChanges", side_only));
    }
    assert!(!has("NeedChanges", "trl"));
    assert!(!has("NewField", "kind") && !has("NewField", "admin_code"));
    assert!(!has("FieldChanges", "admin_code"));
    assert!(
        schemas["NewRegion"]["required"]
            .as_array()
            .unwrap()
            .contains(&json!("kind"))
    );
    for (path, method, schema) in [
        ("/api/v1/needs", "post", "NewNeed"),
        ("/api/v1/capabilities", "post", "NewCapability"),
        ("/api/v1/needs/{id}", "patch", "NeedChanges"),
        ("/api/v1/capabilities/{id}", "patch", "CapabilityChanges"),
        ("/api/v1/fields", "post", "NewField"),
        ("/api/v1/regions", "post", "NewRegion"),
        ("/api/v1/fields/{code}", "patch", "FieldChanges"),
    ] {
        assert_eq!(
            body(path, method),
            json!(format!("#/components/schemas/{schema}")),
            "{method} {path}"
        );
    }
    let ids = &schemas["AttendanceBody"]["properties"]["registration_ids"];
    assert_eq!(
        (ids["minItems"].clone(), ids["maxItems"].clone()),
        (json!(1), json!(1000))
    );
    let csv = &doc["paths"]["/api/v1/organizations/import"]["post"]["requestBody"]["content"]["text/csv"]
        ["schema"];
    assert!(csv.is_object() && csv.get("pattern").is_none(), "{csv}");
}
