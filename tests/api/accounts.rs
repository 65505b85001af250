//! Registration, verification, login, tokens, sessions, reset, profile, administration.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TEST_JWT_SECRET, assert_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn register_verify_login_and_me_work_end_to_end_over_smtp() {
    let app = spawn_app().await;
    let res = app.register("  Li.Wei@Example.COM ", "zh-CN").await;
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(res.headers()["location"], "/api/v1/me");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["email"], "li.wei@example.com");
    assert_eq!(body["email_verified"], false);

    let mail = app.verification_mail("li.wei@example.com").await;
    assert!(
        mail.text().contains("验证"),
        "a zh-CN user gets Chinese mail: {}",
        mail.text()
    );
    assert!(mail.header("Message-ID").contains('@'));
    let token = mail.token();

    // An unverified user can log in.
    let unverified = app.login("li.wei@example.com", PASSWORD).await;
    assert_eq!(unverified.status().as_u16(), 200);

    let res = app
        .post_json("/api/v1/auth/verify-email", &json!({"token": token}))
        .await;
    assert_eq!(res.status().as_u16(), 204);
    // Single use.
    let again = app
        .post_json("/api/v1/auth/verify-email", &json!({"token": token}))
        .await;
    assert_problem(again, 409, "token_invalid_or_expired").await;

    let res = app.login("LI.WEI@example.com", PASSWORD).await;
    assert_eq!(res.status().as_u16(), 200);
    let tokens: Value = res.json().await.unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    let me: Value = app
        .get_as("/api/v1/me", tokens["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "li.wei@example.com");
    assert_eq!(me["email_verified"], true);
    assert_eq!(me["locale"], "zh-CN");
    assert!(me.get("password_hash").is_none());
}

#[tokio::test]
async fn stored_hashes_are_argon2id_with_pinned_parameters() {
    let app = spawn_app().await;
    app.register("hash@example.com", "en").await;
    let hash = app
        .db
        .run(|conn| {
            use collab_registry::db::schema::users;
            use diesel::prelude::*;
            Ok(users::table
                .select(users::password_hash)
                .first::<String>(conn)?)
        })
        .await
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
}

#[tokio::test]
async fn registration_refuses_weak_passwords_bad_fields_and_duplicate_emails() {
    let app = spawn_app().await;
    let weak = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "w@example.com", "password": "password1", "display_name": "W"}),
        )
        .await;
    let body = assert_problem(weak, 422, "password_too_weak").await;
    assert_eq!(body["errors"][0]["field"], "password");

    let bad = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "nope", "password": PASSWORD, "display_name": " ", "locale": "fr"}),
        )
        .await;
    let body = assert_problem(bad, 422, "validation_failed").await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "display_name", "locale"]);

    assert_eq!(
        app.register("dup@example.com", "en")
            .await
            .status()
            .as_u16(),
        201
    );
    // A known address is answered like a new one; its owner is told instead.
    let again = app.register("DUP@example.com", "en").await;
    assert_eq!(again.status().as_u16(), 201);
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(again["email"], "dup@example.com");
    assert_eq!(again["email_verified"], false);
    app.smtp
        .wait_for_subject("dup@example.com", "You already have an account")
        .await;
    assert_eq!(
        crate::helpers::count(
            &app.db,
            "SELECT count(*) AS n FROM users WHERE email = 'dup@example.com'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_identical_answers() {
    let app = spawn_app().await;
    app.register("known@example.com", "en").await;
    let wrong = app
        .login("known@example.com", "not the right password at all")
        .await;
    let unknown = app
        .login("unknown@example.com", "not the right password at all")
        .await;
    assert_eq!(wrong.status(), unknown.status());
    assert_eq!(wrong.status().as_u16(), 401);
    let a: Value = wrong.json().await.unwrap();
    let b: Value = unknown.json().await.unwrap();
    assert_eq!(a, b);
    assert_eq!(a["code"], "invalid_credentials");
}

#[tokio::test]
async fn failed_logins_are_throttled_with_retry_after() {
    let app = spawn_app_with(|s| s.auth.login_attempts_per_minute = 3).await;
    app.register("t@example.com", "en").await;
    for _ in 0..3 {
        assert_eq!(
            app.login("t@example.com", "wrong password here")
                .await
                .status()
                .as_u16(),
            401
        );
    }
    let res = app.login("t@example.com", PASSWORD).await;
    assert!(
        res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_problem(res, 429, "too_many_requests").await;
}

fn forge(header: Header, claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret).unwrap()).unwrap()
}

#[tokio::test]
async fn forged_expired_and_misaddressed_tokens_are_refused() {
    let app = spawn_app().await;
    let user = app.verified_user("jwt@example.com").await;
    assert_eq!(
        app.get_as("/api/v1/me", &user.access)
            .await
            .status()
            .as_u16(),
        200
    );

    let now = chrono::Utc::now().timestamp();
    let good = json!({"iss": "collab-registry", "aud": "collab-registry-api", "sub": user.id, "iat": now, "nbf": now, "exp": now + 600, "ver": 0});
    let secret = TEST_JWT_SECRET.as_bytes();
    // Sanity: a token forged with the right secret and claims is accepted, so the
    // refusals below are about the one thing each case changes.
    assert_eq!(
        app.get_as(
            "/api/v1/me",
            &forge(Header::new(Algorithm::HS256), &good, secret)
        )
        .await
        .status()
        .as_u16(),
        200
    );

    let with = |key: &str, value: Value| {
        let mut c = good.clone();
        c[key] = value;
        c
    };
    let without = |key: &str| {
        let mut c = good.clone();
        c.as_object_mut().unwrap().remove(key);
        c
    };
    let enc = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    let alg_none = format!(
        "{}.{}.",
        enc(&json!({"alg": "none", "typ": "JWT"})),
        enc(&good)
    );
    let signed = forge(Header::new(Algorithm::HS256), &good, secret);
    let sig = signed.rsplit('.').next().unwrap();
    let rs256 = format!(
        "{}.{}.{}",
        enc(&json!({"alg": "RS256", "typ": "JWT"})),
        enc(&good),
        sig
    );
    let cases = [
        ("alg none", alg_none),
        ("HS512", forge(Header::new(Algorithm::HS512), &good, secret)),
        ("RS256 header", rs256),
        (
            "bad signature",
            forge(
                Header::new(Algorithm::HS256),
                &good,
                b"another-secret-another-secret-0123456789",
            ),
        ),
        (
            "missing aud",
            forge(Header::new(Algorithm::HS256), &without("aud"), secret),
        ),
        (
            "missing iss",
            forge(Header::new(Algorithm::HS256), &without("iss"), secret),
        ),
        (
            "missing ver",
            forge(Header::new(Algorithm::HS256), &without("ver"), secret),
        ),
        (
            "wrong aud",
            forge(
                Header::new(Algorithm::HS256),
                &with("aud", json!("someone-else")),
                secret,
            ),
        ),
        (
            "wrong iss",
            forge(
                Header::new(Algorithm::HS256),
                &with("iss", json!("evil")),
                secret,
            ),
        ),
        (
            "expired",
            forge(
                Header::new(Algorithm::HS256),
                &with("exp", json!(now - 3600)),
                secret,
            ),
        ),
        (
            "nbf in the future",
            forge(
                Header::new(Algorithm::HS256),
                &with("nbf", json!(now + 3600)),
                secret,
            ),
        ),
        ("refresh token as bearer", user.refresh.clone()),
    ];
    for (name, token) in cases {
        let res = app.get_as("/api/v1/me", &token).await;
        assert_eq!(res.status().as_u16(), 401, "{name}");
    }
    assert_problem(app.get("/api/v1/me").await, 401, "unauthorized").await;
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = spawn_app().await;
    let user = app.verified_user("r@example.com").await;
    let first = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": user.refresh}),
        )
        .await;
    assert_eq!(first.status().as_u16(), 200);
    let second: Value = first.json().await.unwrap();
    assert_ne!(second["refresh_token"], user.refresh);

    let reuse = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": user.refresh}),
        )
        .await;
    assert_problem(reuse, 401, "refresh_token_reused").await;
    // The whole family is revoked: the token issued by the rotation is dead too.
    let next = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": second["refresh_token"]}),
        )
        .await;
    assert_problem(next, 401, "invalid_token").await;
}

#[tokio::test]
async fn logout_ends_the_session_and_its_access_token() {
    let app = spawn_app().await;
    let user = app.verified_user("out@example.com").await;
    let res = app
        .post_json(
            "/api/v1/auth/logout",
            &json!({"refresh_token": user.refresh}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(
        app.get_as("/api/v1/me", &user.access)
            .await
            .status()
            .as_u16(),
        401
    );
    let again = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": user.refresh}),
        )
        .await;
    assert_eq!(again.status().as_u16(), 401);
}

#[tokio::test]
async fn changing_the_password_kills_older_tokens() {
    let app = spawn_app().await;
    let user = app.verified_user("pw@example.com").await;
    let wrong = app
        .post_json_as("/api/v1/me/password", &user.access, &json!({"current_password": "not it at all", "new_password": "a brand new passphrase here"}))
        .await;
    assert_problem(wrong, 403, "password_incorrect").await;
    let res = app
        .post_json_as(
            "/api/v1/me/password",
            &user.access,
            &json!({"current_password": PASSWORD, "new_password": "a brand new passphrase here"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let fresh: Value = res.json().await.unwrap();
    assert_eq!(
        app.get_as("/api/v1/me", &user.access)
            .await
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        app.get_as("/api/v1/me", fresh["access_token"].as_str().unwrap())
            .await
            .status()
            .as_u16(),
        200
    );
    assert_eq!(
        app.post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": user.refresh})
        )
        .await
        .status()
        .as_u16(),
        401
    );
    assert_eq!(
        app.login("pw@example.com", PASSWORD)
            .await
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        app.login("pw@example.com", "a brand new passphrase here")
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn password_reset_answers_the_same_for_unknown_emails_and_works_once() {
    let app = spawn_app().await;
    let user = app.verified_user("reset@example.com").await;
    let known = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({"email": "reset@example.com"}),
        )
        .await;
    let unknown = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({"email": "ghost@example.com"}),
        )
        .await;
    assert_eq!(known.status().as_u16(), 202);
    assert_eq!(known.status(), unknown.status());
    assert_eq!(
        known.json::<Value>().await.unwrap(),
        unknown.json::<Value>().await.unwrap()
    );

    let mails = app.smtp.wait_for("reset@example.com", 2).await;
    let token = mails[1].token();
    assert!(mails[1].subject().contains("Reset"));
    let weak = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": token, "new_password": "12345678"}),
        )
        .await;
    assert_eq!(weak.status().as_u16(), 422);
    let ok = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": token, "new_password": "purple monkey dishwasher tango"}),
        )
        .await;
    assert_eq!(ok.status().as_u16(), 204);
    assert_eq!(
        app.get_as("/api/v1/me", &user.access)
            .await
            .status()
            .as_u16(),
        401
    );
    let reuse = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": token, "new_password": "yet another long passphrase"}),
        )
        .await;
    assert_problem(reuse, 409, "token_invalid_or_expired").await;
    assert_eq!(
        app.login("reset@example.com", "purple monkey dishwasher tango")
            .await
            .status()
            .as_u16(),
        200
    );
    assert!(app.smtp.mails_to("ghost@example.com").is_empty());
}

#[tokio::test]
async fn profile_changes_only_what_is_sent() {
    let app = spawn_app().await;
    let user = app.verified_user("p@example.com").await;
    let res = app
        .patch_json_as("/api/v1/me", &user.access, &json!({"locale": "zh-CN"}))
        .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (body["locale"].as_str(), body["display_name"].as_str()),
        (Some("zh-CN"), Some("Test User"))
    );
    let res = app
        .patch_json_as("/api/v1/me", &user.access, &json!({"role": "bureau_admin"}))
        .await;
    assert_problem(res, 422, "unknown_field").await;
}

#[tokio::test]
async fn only_the_bureau_administers_users_and_disabling_kills_tokens() {
    let app = spawn_app().await;
    let user = app.verified_user("u@example.com").await;
    let admin = app.bureau_admin().await;
    assert_problem(
        app.get_as("/api/v1/admin/users", &user.access).await,
        403,
        "forbidden",
    )
    .await;
    let path = format!("/api/v1/admin/users/{}/disable", user.id);
    assert_problem(
        app.post_json_as(&path, &user.access, &json!({})).await,
        403,
        "forbidden",
    )
    .await;

    let list: Value = app
        .get_as("/api/v1/admin/users?limit=1", &admin.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let next = list["next_cursor"].as_str().unwrap();
    let rest: Value = app
        .get_as(&format!("/api/v1/admin/users?cursor={next}"), &admin.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest["next_cursor"].is_null());

    let res = app.post_json_as(&path, &admin.access, &json!({})).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        app.get_as("/api/v1/me", &user.access)
            .await
            .status()
            .as_u16(),
        401
    );
    assert_problem(
        app.login("u@example.com", PASSWORD).await,
        403,
        "account_disabled",
    )
    .await;
    let enable = format!("/api/v1/admin/users/{}/enable", user.id);
    assert_eq!(
        app.post_json_as(&enable, &admin.access, &json!({}))
            .await
            .status()
            .as_u16(),
        200
    );
    assert_eq!(
        app.login("u@example.com", PASSWORD).await.status().as_u16(),
        200
    );
    assert_problem(
        app.post_json_as(
            "/api/v1/admin/users/00000000-0000-0000-0000-000000000000/disable",
            &admin.access,
            &json!({}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn create_admin_command_creates_a_bureau_admin_who_can_log_in() {
    let app = spawn_app().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_collab-registry"))
        .args(["create-admin", "--email", "Chief@Bureau.gov.cn"])
        .env("DATABASE_URL", &app.settings.database_url)
        .env("COLLAB_DATA_DIR", app.dir.path())
        .env("COLLAB_ADMIN_PASSWORD", "bureau chief strong passphrase")
        .env("COLLAB_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let res = app
        .login("chief@bureau.gov.cn", "bureau chief strong passphrase")
        .await;
    let tokens: Value = res.json().await.unwrap();
    let me: Value = app
        .get_as("/api/v1/me", tokens["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "bureau_admin");
    assert_eq!(me["email_verified"], true);
}

/// Issue 15, defect 2: each 401 says what was wrong with what was presented, not "a valid
/// bearer token is required" for a password or a refresh token.
#[tokio::test]
async fn a_wrong_password_and_a_garbage_refresh_token_each_get_their_own_401_text() {
    let app = spawn_app().await;
    app.verified_user("honest@example.com").await;
    // Without Accept-Language the words are Chinese (problem_language.rs has English).
    let bearer_text = "需要有效的访问令牌（Bearer）";

    let wrong = app
        .login("honest@example.com", "not the right password at all")
        .await;
    assert_eq!(wrong.status().as_u16(), 401);
    let wrong: Value = wrong.json().await.unwrap();
    assert_eq!(wrong["code"], "invalid_credentials");
    let detail = wrong["detail"].as_str().unwrap();
    assert_ne!(detail, bearer_text);
    assert!(detail.contains("密码"), "{detail}");

    let garbage = app
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": "garbage"}))
        .await;
    assert_eq!(garbage.status().as_u16(), 401);
    let garbage: Value = garbage.json().await.unwrap();
    assert_eq!(garbage["code"], "invalid_token");
    let detail = garbage["detail"].as_str().unwrap();
    assert_ne!(detail, bearer_text);
    assert!(detail.contains("刷新令牌"), "{detail}");

    // A bad bearer token is still told as such.
    let me = app.get_as("/api/v1/me", "garbage").await;
    assert_eq!(me.status().as_u16(), 401);
    assert_eq!(me.json::<Value>().await.unwrap()["detail"], bearer_text);
}

/// Issue 15, defect 8: a weak new password is reported on `new_password`, the field the
/// request has, at reset-confirm and at password change alike.
#[tokio::test]
async fn a_weak_new_password_is_reported_on_the_new_password_field() {
    let app = spawn_app().await;
    let user = app.verified_user("field@example.com").await;
    app.post_json(
        "/api/v1/auth/password-reset",
        &json!({"email": "field@example.com"}),
    )
    .await;
    let mails = app.smtp.wait_for("field@example.com", 2).await;
    let token = mails[1].token();
    let weak = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": token, "new_password": "12345678"}),
        )
        .await;
    assert_eq!(weak.status().as_u16(), 422);
    let body: Value = weak.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "new_password", "{body}");

    let change = app
        .post_json_as(
            "/api/v1/me/password",
            &user.access,
            &json!({"current_password": PASSWORD, "new_password": "12345678"}),
        )
        .await;
    assert_eq!(change.status().as_u16(), 422);
    let body: Value = change.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "new_password", "{body}");
}

#[tokio::test]
async fn a_changed_password_is_told_by_mail_without_a_secret_link() {
    let app = spawn_app().await;
    let user = app.verified_user("changed@example.com").await;
    let changed = |app: &crate::helpers::TestApp| {
        app.smtp
            .mails_to("changed@example.com")
            .into_iter()
            .filter(|m| m.subject() == "Your password was changed")
            .collect::<Vec<_>>()
    };
    // Changed by the account itself.
    let res = app
        .post_json_as(
            "/api/v1/me/password",
            &user.access,
            &json!({"current_password": PASSWORD, "new_password": "a brand new passphrase here"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    app.smtp
        .wait_for_subject("changed@example.com", "Your password was changed")
        .await;
    let mail = changed(&app).remove(0);
    assert!(mail.text().contains("/forgot-password"), "{}", mail.text());
    assert!(
        !mail.text().contains("token="),
        "a secret link: {}",
        mail.text()
    );

    // Changed through a reset: a second notice.
    app.post_json(
        "/api/v1/auth/password-reset",
        &json!({"email": "changed@example.com"}),
    )
    .await;
    let reset = app
        .smtp
        .wait_for_subject("changed@example.com", "Reset your password")
        .await;
    let res = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": reset.token(), "new_password": "purple monkey dishwasher tango"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 204);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    while changed(&app).len() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no mail after the reset"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
