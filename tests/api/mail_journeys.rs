//! Mail as a person reads it, through the real SMTP server (issue 15): names in the
//! reader's language, one greeting.

use serde_json::{Value, json};

use crate::helpers::spawn_app;
use crate::registry::{enterprise, uscc};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_mail_names_the_organization_in_the_reader_language_and_greets_once() {
    let app = spawn_app().await;
    let owner = app.verified_user("owner@example.com").await; // an English account
    let bureau = app.bureau_admin().await;
    let mut body = enterprise("魏桥铝电", &uscc(7));
    body["name_en"] = json!("Weiqiao Aluminium");
    let org = id(&app.verified_org(&owner, &bureau, &body).await);
    app.smtp
        .wait_for_subject("owner@example.com", "Weiqiao Aluminium has been verified")
        .await;

    // A Chinese account holder: in Chinese, their name, one greeting.
    let res = app.register("li@example.com", "zh-CN").await;
    assert_eq!(res.status().as_u16(), 201);
    let token = app.verification_mail("li@example.com").await.token();
    let res = app
        .post_json("/api/v1/auth/verify-email", &json!({"token": token}))
        .await;
    assert_eq!(res.status().as_u16(), 204);
    let members = format!("/api/v1/organizations/{org}/members");
    let res = app
        .post_json_as(&members, &owner.access, &json!({"email": "li@example.com"}))
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let zh = app
        .smtp
        .wait_for_subject("li@example.com", "邀请您加入「魏桥铝电」")
        .await;
    assert!(zh.text().starts_with("Test User，您好："), "{}", zh.text());
    assert!(!zh.text().contains("您好，您好"), "{}", zh.text());

    // An address without an account: in the English inviter's language, greeted once.
    let res = app
        .post_json_as(
            &members,
            &owner.access,
            &json!({"email": "new@example.com"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let en = app.smtp.wait_for("new@example.com", 1).await.remove(0);
    assert_eq!(en.subject(), "Invitation to join Weiqiao Aluminium");
    assert!(en.text().starts_with("Hello,"), "{}", en.text());
    assert!(!en.text().contains("您好"), "{}", en.text());
}
