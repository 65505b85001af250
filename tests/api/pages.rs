//! The server-rendered pages over plain HTTP: headers, language, CSRF, escaping and the
//! account pages behind the verification and reset mails. (In a real browser: `browser`.)

use serde_json::Value;

use crate::helpers::{PASSWORD, TestApp, spawn_app};

/// A client that keeps cookies, like a browser, and does not follow redirects.
pub fn browser_like() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the hidden `csrf` field of a page.
pub fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[at..].chars().take_while(|c| *c != '"').collect()
}

/// The path and query of the first link in a mail that starts with the server's address.
pub fn link_in(app: &TestApp, text: &str) -> String {
    let at = text.find(&app.address).expect("a link to this server");
    text[at + app.address.len()..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect()
}

/// The first mail to `to` whose text contains `needle`, waiting for it to arrive.
pub async fn mail_with(app: &TestApp, to: &str, needle: &str) -> crate::smtp::Mail {
    for _ in 0..300 {
        if let Some(m) = app
            .smtp
            .mails_to(to)
            .into_iter()
            .find(|m| m.text().contains(needle))
        {
            return m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no mail to {to} containing {needle}");
}

pub async fn get_html(c: &reqwest::Client, url: &str) -> (u16, String) {
    let res = c.get(url).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn pages_are_html_with_a_strict_policy_a_language_and_a_title() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/"))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let h = res.headers();
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(
        !csp.contains("script-src") && !csp.contains("unsafe"),
        "{csp}"
    );
    assert_eq!(h["cache-control"], "no-store");
    let cookie = h["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("cr_csrf="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http public URL: {cookie}"
    );
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"), "{html}");
    assert!(html.contains("<title>Home · Collab Registry</title>"));
    assert!(!html.contains("<script"), "pages carry no script");

    // Chinese without an Accept-Language, and when it asks for it.
    let (_, zh) = get_html(&app.client, &app.url("/")).await;
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("登录"));
}

#[tokio::test]
async fn cookies_are_secure_when_the_public_url_is_https() {
    let app =
        crate::helpers::spawn_app_with(|s| s.public_url = "https://registry.example.org".into())
            .await;
    let res = app.client.get(app.url("/sign-in")).send().await.unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

#[tokio::test]
async fn a_form_without_its_csrf_token_changes_nothing() {
    let app = spawn_app().await;
    let c = browser_like();
    let (_, html) = get_html(&c, &app.url("/register")).await;
    let form = [
        ("display_name", "Mallory"),
        ("email", "mallory@example.com"),
        ("password", PASSWORD),
    ];
    let res = c
        .post(app.url("/register"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("<html lang=") && body.contains("表单已过期"),
        "{body}"
    );
    // Another visitor's token does not fit this visitor's cookie either.
    let other = browser_like();
    let (_, other_html) = get_html(&other, &app.url("/register")).await;
    let mut forged = form.to_vec();
    let stolen = csrf_of(&other_html);
    forged.push(("csrf", &stolen));
    let res = c
        .post(app.url("/register"))
        .form(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(app.smtp.mails_to("mallory@example.com").is_empty());
    assert!(!csrf_of(&html).is_empty());
    assert_eq!(
        app.login("mallory@example.com", PASSWORD).await.status(),
        401
    );
}

#[tokio::test]
async fn a_newcomer_registers_verifies_and_signs_in_through_the_pages() {
    let app = spawn_app().await;
    let c = browser_like();
    let (_, html) = get_html(&c, &app.url("/register")).await;
    let csrf = csrf_of(&html);
    let form = [
        ("csrf", csrf.as_str()),
        ("display_name", "王工 <b>&"),
        ("email", "wang.gong@example.com"),
        ("password", PASSWORD),
        ("locale", "zh-CN"),
    ];
    let res = c
        .post(app.url("/register"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert!(res.text().await.unwrap().contains("wang.gong@example.com"));

    // The mail's link is a page on this server (its own address by default).
    let mail = app.verification_mail("wang.gong@example.com").await;
    let link = link_in(&app, &mail.text());
    assert!(link.starts_with("/verify-email?token="), "{link}");
    let (status, page) = get_html(&c, &app.url(&link)).await;
    assert_eq!(status, 200);
    assert!(page.contains("确认我的邮箱"));
    // Opening the link changes nothing (mail scanners follow links).
    let token = app
        .login("wang.gong@example.com", PASSWORD)
        .await
        .json::<Value>()
        .await
        .unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let me: Value = app.get_as("/api/v1/me", &token).await.json().await.unwrap();
    assert_eq!(me["email_verified"], false, "{me}");

    let confirm = [("csrf", csrf_of(&page)), ("token", mail.token())];
    let res = c
        .post(app.url("/verify-email"))
        .form(&confirm)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("邮箱已确认"));
    let me: Value = app.get_as("/api/v1/me", &token).await.json().await.unwrap();
    assert_eq!(me["email_verified"], true);
    // The link works once.
    let res = c
        .post(app.url("/verify-email"))
        .form(&confirm)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);

    // Sign in: a session cookie, then the home page greets the user, escaped.
    let (_, page) = get_html(&c, &app.url("/sign-in")).await;
    let wrong = [
        ("csrf", csrf_of(&page)),
        ("email", "wang.gong@example.com".into()),
        ("password", "nope".into()),
    ];
    let res = c
        .post(app.url("/sign-in"))
        .form(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.text().await.unwrap().contains("邮箱或密码不正确"));
    let form = [
        ("csrf", csrf_of(&page)),
        ("email", "Wang.Gong@example.com".into()),
        ("password", PASSWORD.into()),
    ];
    let res = c
        .post(app.url("/sign-in"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("cr_session="))
        .expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    let (_, home) = get_html(&c, &app.url("/")).await;
    assert!(
        home.contains("王工 &#60;b&#62;&#38;") || home.contains("王工 &lt;b&gt;&amp;"),
        "{home}"
    );
    assert!(!home.contains("<b>&"));

    // Signing out ends the session (and the API tokens, as the API's logout does).
    let res = c
        .post(app.url("/sign-out"))
        .form(&[("csrf", csrf_of(&home))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let (_, home) = get_html(&c, &app.url("/")).await;
    assert!(!home.contains("王工"));
    assert_eq!(app.get_as("/api/v1/me", &token).await.status(), 401);
}

#[tokio::test]
async fn the_reset_mail_opens_a_form_that_sets_the_new_password() {
    let app = spawn_app().await;
    app.verified_user("reset.me@example.com").await;
    let c = browser_like();
    let (_, page) = get_html(&c, &app.url("/forgot-password")).await;
    let form = [
        ("csrf", csrf_of(&page)),
        ("email", "reset.me@example.com".into()),
    ];
    let res = c
        .post(app.url("/forgot-password"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mail = app.smtp.wait_for("reset.me@example.com", 2).await.remove(1);
    let link = link_in(&app, &mail.text());
    assert!(link.starts_with("/reset-password?token="), "{link}");
    let (status, page) = get_html(&c, &app.url(&link)).await;
    assert_eq!(status, 200);
    let weak = [
        ("csrf", csrf_of(&page)),
        ("token", mail.token()),
        ("new_password", "password".into()),
    ];
    let res = c
        .post(app.url("/reset-password"))
        .form(&weak)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let new = "a completely different long passphrase";
    let good = [
        ("csrf", csrf_of(&page)),
        ("token", mail.token()),
        ("new_password", new.into()),
    ];
    let res = c
        .post(app.url("/reset-password"))
        .form(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(app.login("reset.me@example.com", new).await.status(), 200);
    assert_eq!(
        app.login("reset.me@example.com", PASSWORD).await.status(),
        401
    );
}
