//! Structured fit and score assembly: field-tree relations, cooperation modes,
//! TRL, region, and the weighted sum that makes a match's score.

use std::collections::{HashMap, HashSet};

use super::{Query, Side};

/// Weight of relevance (shared terms and semantic similarity; see `hybrid`).
pub const W_TEXT: f32 = 0.55;
/// Weight of field overlap.
pub const W_FIELDS: f32 = 0.2;
/// Weight of cooperation-mode overlap.
pub const W_MODES: f32 = 0.1;
/// Weight of TRL fit.
pub const W_TRL: f32 = 0.1;
/// Weight of the same-region bonus.
pub const W_REGION: f32 = 0.05;

/// TRL part when a TRL is missing on either side.
const TRL_UNKNOWN: f32 = 0.5;

/// The industry field hierarchy (`seed/fields.csv`: code, parent code).
#[derive(Debug, Clone, Default)]
pub struct FieldTree {
    parent: HashMap<String, Option<String>>,
    children: HashMap<String, Vec<String>>,
}

impl FieldTree {
    /// Builds the tree from `(code, parent)` pairs.
    pub fn new(pairs: &[(String, Option<String>)]) -> FieldTree {
        let mut tree = FieldTree::default();
        for (code, parent) in pairs {
            let parent = parent.clone().filter(|p| !p.is_empty());
            if let Some(p) = &parent {
                tree.children
                    .entry(p.clone())
                    .or_default()
                    .push(code.clone());
            }
            tree.parent.insert(code.clone(), parent);
        }
        tree
    }

    fn parent_of(&self, code: &str) -> Option<&str> {
        self.parent.get(code).and_then(|p| p.as_deref())
    }

    /// 1.0 for the same code, 0.5 for parent/child or siblings, 0.0 otherwise.
    pub fn relation(&self, a: &str, b: &str) -> f32 {
        if a == b {
            return 1.0;
        }
        let (pa, pb) = (self.parent_of(a), self.parent_of(b));
        if pa == Some(b) || pb == Some(a) || (pa.is_some() && pa == pb) {
            0.5
        } else {
            0.0
        }
    }

    /// `code` and every code related to it (parent, children, siblings).
    pub fn related(&self, code: &str) -> Vec<String> {
        let mut out = vec![code.to_string()];
        let parent = self.parent_of(code);
        if let Some(p) = parent {
            out.push(p.to_string());
        }
        for c in self.children.get(code).into_iter().flatten() {
            out.push(c.clone());
        }
        if let Some(p) = parent {
            out.extend(
                self.children
                    .get(p)
                    .into_iter()
                    .flatten()
                    .filter(|c| *c != code)
                    .cloned(),
            );
        }
        out
    }
}

/// The structured data of one indexed listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// Listing id.
    pub id: crate::db::ids::ListingId,
    /// Owning organization.
    pub organization_id: crate::db::ids::OrganizationId,
    /// Field codes.
    pub field_codes: Vec<String>,
    /// Cooperation modes.
    pub modes: Vec<String>,
    /// TRL (required for a need, reached for a capability).
    pub trl: Option<u8>,
    /// Region code.
    pub region_code: Option<String>,
}

/// Structured fit of one listing to a query, each part in [0, 1].
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Field overlap.
    pub fields: f32,
    /// Listing codes related to a query code.
    pub shared_fields: Vec<String>,
    /// Share of the query's modes the listing offers.
    pub modes: f32,
    /// Modes in common.
    pub shared_modes: Vec<String>,
    /// TRL fit.
    pub trl: f32,
    /// `meets`, `below` or `unknown`.
    pub trl_fit: &'static str,
    /// Same region.
    pub same_region: bool,
}

/// Computes the structured fit of `meta` to `q`.
pub fn fit(q: &Query, meta: &Meta, tree: &FieldTree) -> Fit {
    // Fields: for each query code its best relation to a listing code, averaged.
    let mut shared_fields = Vec::new();
    let mut fields = 0.0;
    if !q.field_codes.is_empty() {
        for qc in &q.field_codes {
            fields += meta
                .field_codes
                .iter()
                .map(|dc| tree.relation(qc, dc))
                .fold(0.0, f32::max);
        }
        fields /= q.field_codes.len() as f32;
        for dc in &meta.field_codes {
            if q.field_codes.iter().any(|qc| tree.relation(qc, dc) > 0.0)
                && !shared_fields.contains(dc)
            {
                shared_fields.push(dc.clone());
            }
        }
    }
    // Modes: share of the query's (distinct) modes the listing names.
    let wanted: HashSet<&str> = q.modes.iter().map(String::as_str).collect();
    let mut shared_modes: Vec<String> = Vec::new();
    for m in &meta.modes {
        if wanted.contains(m.as_str()) && !shared_modes.contains(m) {
            shared_modes.push(m.clone());
        }
    }
    let modes = if wanted.is_empty() {
        0.0
    } else {
        shared_modes.len() as f32 / wanted.len() as f32
    };
    // TRL: the capability's reached level against the need's required level.
    let (required, reached) = match q.target {
        Side::Capability => (q.trl, meta.trl),
        Side::Need => (meta.trl, q.trl),
    };
    let (trl, trl_fit) = match (required, reached) {
        (Some(req), Some(got)) if got >= req => (1.0, "meets"),
        (Some(req), Some(got)) => (f32::from(got) / f32::from(req.max(1)), "below"),
        _ => (TRL_UNKNOWN, "unknown"),
    };
    let same_region = matches!((&q.region_code, &meta.region_code), (Some(a), Some(b)) if a == b);
    Fit {
        fields,
        shared_fields,
        modes,
        shared_modes,
        trl,
        trl_fit,
        same_region,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> FieldTree {
        let p = |c: &str, p: Option<&str>| (c.to_string(), p.map(str::to_string));
        FieldTree::new(&[
            p("alumina", None),
            p("alumina.bauxite", Some("alumina")),
            p("alumina.bayer-process", Some("alumina")),
            p("casting", None),
            p("casting.die", Some("casting")),
        ])
    }

    #[test]
    fn relations() {
        let t = tree();
        assert_eq!(t.relation("alumina", "alumina"), 1.0);
        assert_eq!(t.relation("alumina", "alumina.bauxite"), 0.5);
        assert_eq!(t.relation("alumina.bauxite", "alumina"), 0.5);
        assert_eq!(t.relation("alumina.bauxite", "alumina.bayer-process"), 0.5);
        assert_eq!(t.relation("alumina", "casting"), 0.0);
        assert_eq!(t.relation("alumina.bauxite", "casting.die"), 0.0);
        assert_eq!(t.relation("unknown", "alumina"), 0.0);
        let mut r = t.related("alumina.bauxite");
        r.sort();
        assert_eq!(r, ["alumina", "alumina.bauxite", "alumina.bayer-process"]);
    }

    #[test]
    fn trl_fit_both_directions() {
        let meta = |trl| Meta {
            id: "x".into(),
            organization_id: "o".into(),
            field_codes: vec![],
            modes: vec![],
            trl,
            region_code: None,
        };
        let mut q = Query::text("", Side::Capability);
        q.trl = Some(6);
        assert_eq!(fit(&q, &meta(Some(7)), &tree()).trl_fit, "meets");
        let below = fit(&q, &meta(Some(3)), &tree());
        assert_eq!((below.trl_fit, below.trl), ("below", 0.5));
        assert_eq!(fit(&q, &meta(None), &tree()).trl_fit, "unknown");
        // Searching needs with a capability at TRL 6: a need requiring 8 is above it.
        q.target = Side::Need;
        assert_eq!(fit(&q, &meta(Some(8)), &tree()).trl_fit, "below");
        assert_eq!(fit(&q, &meta(Some(5)), &tree()).trl_fit, "meets");
    }
}
