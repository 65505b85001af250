//! The bottom layer every feature stands on, and which knows none of them: the application
//! context ([`AppState`]), the reader's [`Locale`], the caller ([`AuthUser`]) and their
//! standing in the registry ([`Viewer`], [`acting_organization`]), the audit log, text
//! cleaning, pagination and the route table.
//!
//! Rule: `app` imports infrastructure only (`config`, `db`, `error`, `auth`'s passwords,
//! tokens and throttles); features import `app`, never the reverse. See docs/architecture.md.

pub mod audit;
pub mod doc_schema;
pub mod locale;
pub mod pagination;
pub mod postman;
pub mod reindex;
pub mod routes;
pub mod state;
pub mod text;
pub mod text_schema;
pub mod viewer;
pub mod when;

pub use locale::Locale;
pub use pagination::Page;
pub use postman::Postman;
pub use routes::RouteTable;
pub use state::{AppState, ListingText};
pub use viewer::{
    AuthUser, MaybeUser, MemberRole, OrgStatus, Role, Viewer, acting_organization, load_viewer,
};
