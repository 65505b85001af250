//! Pages behind the links of notification mail that need no account page of their own:
//! unsubscribe (the topic is shown and a button asks; `GET` changes nothing) and
//! accepting an invitation to an organization. Each calls the JSON route's function.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::accounts::Message;
use super::page::{FormErrors, Page, PageForm, ok, render};
use crate::notifications::inbox::topic_name;
use crate::notifications::unsubscribe::{unsubscribe_now, unsubscribe_preview};

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct Unsubscribe<'a> {
    p: &'a Page,
    errors: FormErrors,
    token: String,
    /// Names of the topics whose email would stop, in the page's language.
    topics: Vec<&'static str>,
    digest: bool,
}

pub async fn unsubscribe_page(p: Page, q: web::Query<TokenQuery>) -> HttpResponse {
    let token = q.into_inner().token;
    match unsubscribe_preview(&p.state, &token).await {
        Ok((topics, digest)) => {
            let tpl = Unsubscribe {
                p: &p,
                errors: FormErrors::default(),
                topics: topics
                    .iter()
                    .map(|t| topic_name(p.locale, t.as_str()))
                    .collect(),
                token,
                digest,
            };
            ok(&p, &tpl)
        }
        Err(e) => p.error(&e),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

pub async fn unsubscribe(p: Page, form: PageForm<TokenForm>) -> HttpResponse {
    match unsubscribe_now(&p.state, &form.0.token).await {
        Ok(topics) => {
            let names: Vec<&str> = topics
                .iter()
                .map(|t| topic_name(p.locale, t.as_str()))
                .collect();
            let message = if names.is_empty() {
                p.t("unsubscribe.nothing").to_owned()
            } else {
                crate::i18n::fill(
                    p.t("unsubscribe.done"),
                    &[("topics", &names.join(if p.is_en() { ", " } else { "、" }))],
                )
            };
            let tpl = Message {
                p: &p,
                title: p.t("unsubscribe.done_title"),
                message,
                tone: "ok",
                link: Some(("/", p.t("nav.home"))),
            };
            ok(&p, &tpl)
        }
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let tpl = Unsubscribe {
                p: &p,
                errors: p.form_errors(&e),
                token: form.0.token,
                topics: Vec::new(),
                digest: false,
            };
            render(&p, status, &tpl)
        }
    }
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct Invitation<'a> {
    p: &'a Page,
    errors: FormErrors,
    token: String,
    /// Where sign-in sends the user back to: this page with its token.
    back: String,
}

/// The link of an invitation mail: signed in, a button to join; otherwise sign in (or
/// register) with the invited address first.
pub async fn invitation_page(p: Page, q: web::Query<TokenQuery>) -> HttpResponse {
    let token = q.into_inner().token;
    let tpl = Invitation {
        p: &p,
        errors: FormErrors::default(),
        back: serde_urlencoded::to_string([("next", format!("/invitations/accept?token={token}"))])
            .unwrap_or_default(),
        token,
    };
    ok(&p, &tpl)
}

pub async fn accept_invitation(p: Page, form: PageForm<TokenForm>) -> HttpResponse {
    let token = form.0.token;
    let Some(user) = p.user.clone() else {
        return p.redirect("/sign-in");
    };
    match crate::organizations::membership::accept_invitation(&p.state, user, &token).await {
        Ok(_) => {
            let tpl = Message {
                p: &p,
                title: p.t("invitation.done_title"),
                message: p.t("invitation.done").to_owned(),
                tone: "ok",
                link: Some(("/organizations", p.t("nav.directory"))),
            };
            ok(&p, &tpl)
        }
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let tpl = Invitation {
                p: &p,
                errors: p.form_errors(&e),
                back: String::new(),
                token,
            };
            render(&p, status, &tpl)
        }
    }
}
