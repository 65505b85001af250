//! Matching engine: finds capabilities for a need (and needs for a
//! capability), in Chinese and English, and explains every match.
//!
//! Pipeline: [`analysis`] segments and normalizes text; [`glossary`] maps
//! synonyms of both languages to shared concepts; [`semantic`] encodes a listing's
//! meaning as a sentence vector (Universal Sentence Encoder multilingual v3);
//! [`index`] keeps a tantivy index whose documents are expanded with concept tokens
//! and carry the vector, and [`vectors`] the vectors for nearest-neighbour search;
//! [`search`] runs BM25 over the target side; `hybrid` scores the lexical and the
//! nearest-vector candidates by shared terms, semantic similarity and [`score`]'s
//! structured fit (fields, cooperation modes, TRL, region).

pub mod analysis;
pub mod glossary;
mod hybrid;
pub mod index;
mod payload;
pub mod reuse;
pub mod schema;
pub mod score;
pub mod search;
pub mod semantic;
mod table;
pub mod vectors;

#[cfg(test)]
mod judged;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_hybrid;
#[cfg(test)]
mod tests_reuse;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::ids::{ListingId, OrganizationId};

pub use glossary::{Concept, Glossary};
pub use index::Engine;
pub use score::FieldTree;

/// Which side of the market a listing is on (the API's schema is `listings::domain::Side`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// An enterprise's technology need.
    Need,
    /// A university's or institute's capability.
    Capability,
}

impl Side {
    /// `"need"` or `"capability"`, as indexed and serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Need => "need",
            Side::Capability => "capability",
        }
    }

    /// The side named by [`Side::as_str`].
    pub fn parse(s: &str) -> Option<Side> {
        match s {
            "need" => Some(Side::Need),
            "capability" => Some(Side::Capability),
            _ => None,
        }
    }
}

/// One listing as the engine sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// Listing id (unique across both sides).
    pub id: ListingId,
    /// Need or capability.
    pub side: Side,
    /// Owning organization.
    pub organization_id: OrganizationId,
    /// Title (weighs 3x description).
    pub title: String,
    /// Free-text description.
    pub description: String,
    /// Keywords (weigh like the title).
    pub keywords: Vec<String>,
    /// Industry field codes (see `seed/fields.csv`).
    pub field_codes: Vec<String>,
    /// Cooperation modes, e.g. `joint_rnd`.
    pub modes: Vec<String>,
    /// Need: TRL required; capability: TRL reached (1-9).
    pub trl: Option<u8>,
    /// Region code.
    pub region_code: Option<String>,
}

/// A search: free text plus structured preferences.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Free text, Chinese and/or English, possibly a long paragraph.
    pub text: String,
    /// Explicit keywords (weigh twice a text term when a long text is reduced).
    pub keywords: Vec<String>,
    /// Which side to return.
    pub target: Side,
    /// Field codes wanted.
    pub field_codes: Vec<String>,
    /// Cooperation modes wanted.
    pub modes: Vec<String>,
    /// Target capability: TRL the need requires; target need: TRL the capability has.
    pub trl: Option<u8>,
    /// Region of the searcher.
    pub region_code: Option<String>,
    /// Listing to leave out (the one the search starts from).
    pub exclude_id: Option<ListingId>,
    /// Organization whose listings are left out (the searcher's own).
    pub exclude_organization: Option<OrganizationId>,
}

impl Query {
    /// A text-only query for `target`.
    pub fn text(text: impl Into<String>, target: Side) -> Query {
        Query {
            text: text.into(),
            keywords: Vec::new(),
            target,
            field_codes: Vec::new(),
            modes: Vec::new(),
            trl: None,
            region_code: None,
            exclude_id: None,
            exclude_organization: None,
        }
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Match {
    /// Listing id.
    #[schema(value_type = String)]
    pub id: ListingId,
    /// Owning organization.
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    /// Overall fit in [0, 1]; the sum of `explanation.contributions`.
    pub score: f32,
    /// Why it matched.
    pub explanation: Explanation,
}

/// A query term or concept that the listing matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MatchedTerm {
    /// The term as written in the query.
    pub term: String,
    /// When the listing matched through another synonym (typically the other
    /// language): the glossary line, e.g. `赤泥 = red mud = bauxite residue`.
    pub glossary: Option<String>,
}

/// Each part's share of the score (three decimals); the parts add up to the score.
///
/// Relevance (shared terms plus semantic similarity) weighs 0.55, fields 0.2, modes 0.1,
/// TRL 0.1, region 0.05; a part the query does not state (no fields, no modes, no TRL, no
/// region) gives its weight to relevance. The structured parts count in full only for a
/// listing whose relevance reaches 0.3, and proportionally below.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, ToSchema)]
pub struct Contributions {
    /// Shared terms and glossary links.
    pub text: f32,
    /// Semantic similarity of the two texts (0 when the semantic part is off).
    pub semantic: f32,
    /// Field overlap.
    pub fields: f32,
    /// Cooperation-mode overlap.
    pub modes: f32,
    /// TRL fit.
    pub trl: f32,
    /// Same region.
    pub region: f32,
}

impl Contributions {
    /// Sum of the parts.
    pub fn total(&self) -> f32 {
        self.text + self.semantic + self.fields + self.modes + self.trl + self.region
    }
}

/// Why a listing matched.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Explanation {
    /// Query terms and concepts found in the listing.
    pub matched_terms: Vec<MatchedTerm>,
    /// Cosine similarity of the two texts' sentence vectors (three decimals; about 0.2 for
    /// unrelated texts, 0.6 and more for the same subject), absent when semantic is off.
    pub semantic_similarity: Option<f32>,
    /// The listing's field codes that equal or neighbour a query field code.
    pub shared_fields: Vec<String>,
    /// Cooperation modes both sides name.
    pub shared_modes: Vec<String>,
    /// `meets`, `below` (capability below the required TRL) or `unknown`.
    pub trl_fit: String,
    /// Both sides are in the same region.
    pub same_region: bool,
    /// Each part's contribution to the score.
    pub contributions: Contributions,
    /// The same in plain words, one line per reason, e.g. `semantically close: 0.71`.
    pub summary: Vec<String>,
}

/// Plain words for a cooperation mode.
fn mode_words(mode: &str) -> &str {
    match mode {
        "joint_rnd" => "joint R&D",
        "commissioned_development" => "commissioned development",
        "licensing" => "licensing or transfer",
        "consulting" => "consulting",
        "pilot_testing" => "pilot testing",
        "talent_training" => "talent training",
        "equipment_sharing" => "equipment sharing",
        other => other,
    }
}

impl Explanation {
    /// Writes [`Explanation::summary`]: `name` turns a field or region code into its name,
    /// `region` is the searcher's region code.
    pub fn summarize(&mut self, name: impl Fn(&str) -> String, region: Option<&str>) {
        let mut s = Vec::new();
        let (same, linked): (Vec<&MatchedTerm>, Vec<&MatchedTerm>) = self
            .matched_terms
            .iter()
            .partition(|m| m.glossary.is_none());
        if !same.is_empty() {
            let words: Vec<&str> = same.iter().map(|m| m.term.as_str()).collect();
            s.push(format!("shared terms: {}", words.join(", ")));
        }
        for m in linked {
            if let Some(g) = &m.glossary {
                s.push(format!("glossary link: {} ({g})", m.term));
            }
        }
        if let Some(c) = self.semantic_similarity {
            let how = if c >= 0.6 {
                "semantically close"
            } else if c >= 0.4 {
                "semantically related"
            } else {
                "semantically distant"
            };
            s.push(format!("{how}: {c:.2}"));
        }
        if !self.shared_fields.is_empty() {
            let names: Vec<String> = self.shared_fields.iter().map(|c| name(c)).collect();
            s.push(format!("same or neighbouring field: {}", names.join("; ")));
        }
        if !self.shared_modes.is_empty() {
            let modes: Vec<&str> = self.shared_modes.iter().map(|m| mode_words(m)).collect();
            s.push(format!("cooperation both want: {}", modes.join(", ")));
        }
        match self.trl_fit.as_str() {
            "meets" => s.push("technology readiness meets the need".to_string()),
            "below" => s.push("technology readiness below what the need asks".to_string()),
            _ => {}
        }
        if let Some(r) = region.filter(|_| self.same_region) {
            s.push(format!("same region: {}", name(r)));
        }
        self.summary = s;
    }
}
