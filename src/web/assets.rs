//! Files the pages and the API browser load, embedded in the binary. Each lives in the
//! repository under `assets/` (`assets/web`: ours; `assets/vendor/<name>`: unchanged
//! third-party files with their licence; see `assets/README.md`).

use actix_web::http::header;
use actix_web::{HttpResponse, web};

struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        path: "style.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../assets/web/style.css"),
    },
    Asset {
        path: "docs.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../assets/web/docs.css"),
    },
    Asset {
        path: "docs.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/web/docs.js"),
    },
    Asset {
        path: "vendor/swagger-ui/swagger-ui-bundle.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/vendor/swagger-ui/swagger-ui-bundle.js"),
    },
    Asset {
        path: "vendor/swagger-ui/swagger-ui.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../assets/vendor/swagger-ui/swagger-ui.css"),
    },
];

/// `GET /assets/{path}`: an embedded file, cacheable for an hour (names carry no hash).
pub async fn asset(path: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|a| a.path == path.as_str()) {
        Some(a) => HttpResponse::Ok()
            .content_type(a.content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .body(a.body),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("not found"),
    }
}
