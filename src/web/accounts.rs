//! Account pages: sign in and out, register, verify email (the link of the verification
//! mail), forgot and reset password (the link of the reset mail), the language switch.
//! Each form calls the same operation as its JSON route (`accounts::service`,
//! `accounts::sessions`).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use serde::Deserialize;

use super::page::{FormErrors, Page, PageForm, ok, render, safe_next};
use super::session::{CSRF_COOKIE, SESSION_COOKIE};
use crate::accounts::domain::Locale;
use crate::accounts::views::RegisterRequest;
use crate::accounts::{service, sessions};

#[derive(Template)]
#[template(path = "message.html")]
pub struct Message<'a> {
    pub p: &'a Page,
    pub title: &'static str,
    pub message: String,
    /// `ok` or `error`: how the message is shown.
    pub tone: &'static str,
    pub link: Option<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignIn<'a> {
    p: &'a Page,
    errors: FormErrors,
    email: String,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn sign_in_page(p: Page, q: actix_web::web::Query<NextQuery>) -> HttpResponse {
    let tpl = SignIn {
        p: &p,
        errors: FormErrors::default(),
        email: String::new(),
        next: safe_next(q.next.as_deref()),
    };
    ok(&p, &tpl)
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn sign_in(p: Page, form: PageForm<SignInForm>) -> HttpResponse {
    let f = form.0;
    match sessions::authenticate(&p.state, &p.client, &f.email, f.password).await {
        Ok(user) => {
            let mut res = p.redirect(&safe_next(f.next.as_deref()));
            // A new CSRF seed with the new session: a token seen before sign-in is void.
            let _ = res.add_cookie(&p.keys.session_cookie(&user.id, user.token_version));
            let _ = res.add_cookie(&p.keys.csrf_cookie(p.keys.new_csrf_seed()));
            res
        }
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let tpl = SignIn {
                p: &p,
                errors: p.form_errors(&e),
                email: f.email,
                next: safe_next(f.next.as_deref()),
            };
            render(&p, status, &tpl)
        }
    }
}

/// Ends the session everywhere: the token version moves on, as with the API's logout.
pub async fn sign_out(p: Page, _form: PageForm<Empty>) -> HttpResponse {
    if let Some(user) = &p.user
        && let Err(e) = sessions::end_sessions(&p.state, user.id.clone()).await
    {
        return p.error(&e);
    }
    let mut res = p.redirect("/");
    let _ = res.add_cookie(&p.keys.removal(SESSION_COOKIE));
    let _ = res.add_cookie(&p.keys.removal(CSRF_COOKIE));
    res
}

#[derive(Deserialize)]
pub struct Empty {}

#[derive(Template)]
#[template(path = "register.html")]
struct Register<'a> {
    p: &'a Page,
    errors: FormErrors,
    display_name: String,
    email: String,
}

pub async fn register_page(p: Page) -> HttpResponse {
    let tpl = Register {
        p: &p,
        errors: FormErrors::default(),
        display_name: String::new(),
        email: String::new(),
    };
    ok(&p, &tpl)
}

#[derive(Deserialize)]
pub struct RegisterForm {
    display_name: String,
    email: String,
    password: String,
    locale: Option<String>,
}

pub async fn register(p: Page, form: PageForm<RegisterForm>) -> HttpResponse {
    let f = form.0;
    let request = RegisterRequest {
        email: f.email.clone(),
        password: f.password,
        display_name: f.display_name.clone(),
        locale: f.locale,
    };
    match service::register(&p.state, &p.client, request).await {
        Ok(user) => {
            let message = crate::i18n::fill(p.t("register.check_email"), &[("email", &user.email)]);
            let tpl = Message {
                p: &p,
                title: p.t("register.done_title"),
                message,
                tone: "ok",
                link: None,
            };
            render(&p, StatusCode::CREATED, &tpl)
        }
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let tpl = Register {
                p: &p,
                errors: p.form_errors(&e),
                display_name: f.display_name,
                email: f.email,
            };
            render(&p, status, &tpl)
        }
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Template)]
#[template(path = "verify_email.html")]
struct VerifyEmail<'a> {
    p: &'a Page,
    errors: FormErrors,
    token: String,
}

/// The link of the verification mail: a page with a button; nothing changes on GET
/// (mail scanners follow links).
pub async fn verify_email_page(p: Page, q: actix_web::web::Query<TokenQuery>) -> HttpResponse {
    let tpl = VerifyEmail {
        p: &p,
        errors: FormErrors::default(),
        token: q.into_inner().token,
    };
    ok(&p, &tpl)
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

pub async fn verify_email(p: Page, form: PageForm<TokenForm>) -> HttpResponse {
    match service::confirm_email(&p.state, &form.0.token).await {
        Ok(_) => {
            let link = if p.user.is_some() {
                ("/", p.t("nav.home"))
            } else {
                ("/sign-in", p.t("nav.sign_in"))
            };
            let tpl = Message {
                p: &p,
                title: p.t("verify.done_title"),
                message: p.t("verify.done").to_owned(),
                tone: "ok",
                link: Some(link),
            };
            ok(&p, &tpl)
        }
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let tpl = VerifyEmail {
                p: &p,
                errors: p.form_errors(&e),
                token: form.0.token,
            };
            render(&p, status, &tpl)
        }
    }
}

#[derive(Template)]
#[template(path = "forgot_password.html")]
struct Forgot<'a> {
    p: &'a Page,
    errors: FormErrors,
}

pub async fn forgot_password_page(p: Page) -> HttpResponse {
    let tpl = Forgot {
        p: &p,
        errors: FormErrors::default(),
    };
    ok(&p, &tpl)
}

#[derive(Deserialize)]
pub struct EmailForm {
    email: String,
}

pub async fn forgot_password(p: Page, form: PageForm<EmailForm>) -> HttpResponse {
    match sessions::send_reset_link(&p.state, &p.client, &form.0.email).await {
        Ok(()) => {
            let tpl = Message {
                p: &p,
                title: p.t("forgot.title"),
                message: p.t("forgot.sent").to_owned(),
                tone: "ok",
                link: None,
            };
            ok(&p, &tpl)
        }
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let tpl = Forgot {
                p: &p,
                errors: p.form_errors(&e),
            };
            render(&p, status, &tpl)
        }
    }
}

#[derive(Template)]
#[template(path = "reset_password.html")]
struct Reset<'a> {
    p: &'a Page,
    errors: FormErrors,
    token: String,
}

/// The link of the reset mail: a form for the new password.
pub async fn reset_password_page(p: Page, q: actix_web::web::Query<TokenQuery>) -> HttpResponse {
    let tpl = Reset {
        p: &p,
        errors: FormErrors::default(),
        token: q.into_inner().token,
    };
    ok(&p, &tpl)
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    new_password: String,
}

pub async fn reset_password(p: Page, form: PageForm<ResetForm>) -> HttpResponse {
    let f = form.0;
    match sessions::reset_password(&p.state, &f.token, f.new_password).await {
        Ok(()) => {
            let tpl = Message {
                p: &p,
                title: p.t("reset.done_title"),
                message: p.t("reset.done").to_owned(),
                tone: "ok",
                link: Some(("/sign-in", p.t("nav.sign_in"))),
            };
            let mut res = ok(&p, &tpl);
            let _ = res.add_cookie(&p.keys.removal(SESSION_COOKIE));
            res
        }
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let tpl = Reset {
                p: &p,
                errors: p.form_errors(&e),
                token: f.token,
            };
            render(&p, status, &tpl)
        }
    }
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    next: Option<String>,
}

/// Switch the language: a signed-in user's account locale changes (the same change as
/// `PATCH /api/v1/me`); a visitor's choice is kept in a cookie.
pub async fn language(p: Page, form: PageForm<LanguageForm>) -> HttpResponse {
    let f = form.0;
    let Some(locale) = Locale::parse(&f.lang) else {
        return p.redirect(&safe_next(f.next.as_deref()));
    };
    if let Some(user) = &p.user
        && let Err(e) = service::set_locale(&p.state, user.id.clone(), locale).await
    {
        return p.error(&e);
    }
    let mut res = p.redirect(&safe_next(f.next.as_deref()));
    let _ = res.add_cookie(&p.keys.lang_cookie(locale.as_str()));
    res
}
