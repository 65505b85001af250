//! Matching: the bilingual engine (`engine/`: text analysis, glossary, index, scoring,
//! explanations), its synchronization with the database (`sync`), and the endpoints.

pub mod engine;
pub mod notices;
pub mod routes;
pub mod service;
pub mod sync;
pub mod views;

use crate::app::{ListingText, RouteTable};
use crate::db::ids::ListingId;

pub fn routes(r: &mut RouteTable) {
    r.get("/api/v1/needs/{id}/matches", routes::need_matches);
    r.get(
        "/api/v1/capabilities/{id}/matches",
        routes::capability_matches,
    );
    r.post("/api/v1/match", routes::search);
}

/// List filters (`needs?q=`) read words as the engine does.
impl ListingText for engine::Engine {
    fn ids_containing(&self, side: &str, text: &str, max: usize) -> anyhow::Result<Vec<ListingId>> {
        match engine::Side::parse(side) {
            Some(side) => engine::Engine::ids_containing(self, side, text, max),
            None => Ok(Vec::new()),
        }
    }
}
