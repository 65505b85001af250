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
