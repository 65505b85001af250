//! Authentication infrastructure: argon2id passwords, JWT access tokens and opaque refresh
//! tokens, throttling. It knows no feature; the request's caller (`AuthUser`, an
//! extractor) lives in `app::viewer`.

pub mod password;
pub mod proxy;
pub mod throttle;
pub mod tokens;
