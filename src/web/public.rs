//! Public pages: the home page.

use actix_web::HttpResponse;
use askama::Template;

use super::page::{Page, ok};

#[derive(Template)]
#[template(path = "home.html")]
struct Home<'a> {
    p: &'a Page,
}

pub async fn home(p: Page) -> HttpResponse {
    ok(&p, &Home { p: &p })
}
