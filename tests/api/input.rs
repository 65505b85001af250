//! What users type (issue 15): an unknown region in any filter, codes typed with a Chinese
//! input method, plain and local dates, raw UTF-8 in a query string.

use crate::helpers::*;

/// Every list, report and export that filters by region answers an unknown code the same
/// way: 422 `region_unknown` naming the parameter and the code (the lists answered 200 with
/// an empty list, the overview 422).
#[actix_web::test]
async fn an_unknown_region_is_the_same_422_everywhere() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    for path in [
        "/api/v1/organizations",
        "/api/v1/needs",
        "/api/v1/capabilities",
        "/api/v1/projects",
        "/api/v1/reports/overview",
        "/api/v1/reports/organizations.csv",
    ] {
        let res = app
            .get_as(&format!("{path}?region=atlantis"), &bureau.access)
            .await;
        let body = assert_problem(res, 422, "region_unknown").await;
        assert_eq!(body["errors"][0]["field"], "region", "{path}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("atlantis"), "{path}: {message}");
        let known = app
            .get_as(&format!("{path}?region=zouping"), &bureau.access)
            .await;
        assert_eq!(known.status().as_u16(), 200, "{path} with a known region");
    }
}

fn warning_codes(org: &serde_json::Value) -> Vec<String> {
    org["warnings"]
        .as_array()
        .unwrap_or_else(|| panic!("no warnings list in {org}"))
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_owned())
        .collect()
}

/// A USCC typed with a Chinese input method is normalized (NFKC, spaces and hyphens
/// dropped, upper-cased) on registration and edit; a wrong check character or a division
/// code outside the region is accepted with a warning that says why, shown to the owner
/// and in the bureau's review list; a malformed code is refused saying what is accepted.
#[actix_web::test]
async fn a_uscc_is_normalized_and_its_doubts_are_explained() {
    use crate::registry::{enterprise, uscc};
    let app = spawn_app().await;
    let owner = app.verified_user("owner@example.com").await;
    let bureau = app.bureau_admin().await;
    // 91371600MA0000001?, typed full-width with an ideographic space and a hyphen.
    let code = uscc(1);
    let typed: String = code
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect();
    let typed = format!("{}　{}－{}", &typed[..12], &typed[12..24], &typed[24..]);
    let org = app.create_org(&owner, &enterprise("甲企业", &typed)).await;
    assert_eq!(org["uscc"], code.as_str());
    assert_eq!(org["uscc_flagged"], false);
    assert!(warning_codes(&org).is_empty());

    let flagged = app
        .create_org(&owner, &enterprise("乙企业", "91350100M0001TGQXM"))
        .await;
    assert_eq!(flagged["uscc_flagged"], true);
    let w = warning_codes(&flagged);
    assert_eq!(
        w,
        ["uscc_check_character", "uscc_region_mismatch"],
        "{flagged}"
    );
    assert!(
        flagged["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("check character"),
        "{flagged}"
    );
    // Changsha's division code for an organization of Zouping: a warning, not a refusal.
    let elsewhere = app
        .create_org(&owner, &enterprise("丙企业", "91430111ma4l41yt1u"))
        .await;
    assert_eq!(warning_codes(&elsewhere), ["uscc_region_mismatch"]);
    assert_eq!(elsewhere["uscc_flagged"], false);

    // The bureau's review list shows the warnings; outsiders see none of it.
    let res = app
        .get_as(
            "/api/v1/organizations?status=pending&limit=100",
            &bureau.access,
        )
        .await;
    let page: serde_json::Value = res.json().await.unwrap();
    let listed = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == flagged["id"])
        .unwrap();
    assert_eq!(
        warning_codes(listed),
        ["uscc_check_character", "uscc_region_mismatch"]
    );
    let path = format!(
        "/api/v1/organizations/{}",
        elsewhere["id"].as_str().unwrap()
    );
    let res = app
        .post_json_as(
            &format!("{path}/verify"),
            &bureau.access,
            &serde_json::json!({}),
        )
        .await;
    let verified: serde_json::Value = res.json().await.unwrap();
    assert_eq!(warning_codes(&verified), ["uscc_region_mismatch"]);
    let public: serde_json::Value = app.get(&path).await.json().await.unwrap();
    assert!(public.get("warnings").is_none(), "{public}");

    // An edit goes through the same rule.
    let res = app
        .patch_json_as(
            &path,
            &owner.access,
            &serde_json::json!({"uscc": format!("９１３７ １６００ ｍａ{}", &uscc(2)[10..])}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let edited: serde_json::Value = res.json().await.unwrap();
    assert_eq!(edited["uscc"], uscc(2).as_str());
    assert!(warning_codes(&edited).is_empty(), "{edited}");

    let res = app
        .post_json_as(
            "/api/v1/organizations",
            &owner.access,
            &enterprise("丁企业", "９１３７１６"),
        )
        .await;
    let body = assert_problem(res, 422, "uscc_malformed").await;
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("18 characters") && message.contains("full-width"),
        "{message}"
    );
}
