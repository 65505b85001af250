//! Regions and technology fields: two code trees with one implementation. Both are seeded
//! from `seed/*.csv` when migrations run (rows the bureau already has are left alone), read
//! as trees named in the caller's language, and edited by the bureau through the same
//! operations ([`service`]); what differs is described by [`Taxonomy`] and kept to the
//! per-table statements of [`model`].

pub mod model;
pub mod routes;
pub mod service;

use std::collections::HashMap;

use diesel::QueryResult;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::{AppState, Locale};
use crate::db::{DbConnection, write_tx};
use crate::error::{ApiError, ErrorCode, FieldError};

pub use service::{field_tree, region_tree};

const REGIONS_CSV: &str = include_str!("../../../seed/regions.csv");
const FIELDS_CSV: &str = include_str!("../../../seed/fields.csv");

crate::text_enum! {
    /// What a region is.
    pub enum RegionKind {
        City => "city",
        District => "district",
        County => "county",
        CountyCity => "county_city",
        DevelopmentZone => "development_zone",
    }
}

/// Which code tree: everything the two differ in, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taxonomy {
    Regions,
    Fields,
}

impl Taxonomy {
    /// The singular noun of audit subjects and messages: `region`, `field`.
    pub fn noun(self) -> &'static str {
        match self {
            Taxonomy::Regions => "region",
            Taxonomy::Fields => "field",
        }
    }

    /// The error code of a code that does not exist: `unknown_region`, `unknown_field`.
    pub fn unknown_code(self) -> ErrorCode {
        match self {
            Taxonomy::Regions => ErrorCode::UnknownRegion,
            Taxonomy::Fields => ErrorCode::UnknownField,
        }
    }

    /// Regions have a kind and an administrative code; fields have neither.
    pub fn has_kind(self) -> bool {
        self == Taxonomy::Regions
    }

    /// The collection's path (the `Location` of a created entry).
    pub fn path(self) -> &'static str {
        match self {
            Taxonomy::Regions => "/api/v1/regions",
            Taxonomy::Fields => "/api/v1/fields",
        }
    }
}

/// An entry of either tree (`kind` and `admin_code` are regions' only).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Entry {
    pub code: String,
    pub parent_code: Option<String>,
    #[serde(default)]
    pub kind: Option<RegionKind>,
    pub name_zh: String,
    pub name_en: String,
    #[serde(default)]
    pub admin_code: Option<String>,
    #[serde(default)]
    pub sort_order: i32,
}

/// A node of a taxonomy tree.
#[derive(Debug, Serialize, ToSchema)]
pub struct TreeNode {
    pub code: String,
    /// The name in the caller's language (`Accept-Language`).
    pub name: String,
    pub name_zh: String,
    pub name_en: String,
    /// Regions only: `city`, `district`, `county`, `county_city`, `development_zone`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Regions only: GB/T 2260 code where the region has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_code: Option<String>,
    #[schema(no_recursion)]
    pub children: Vec<TreeNode>,
}

impl TreeNode {
    /// A node without children, named in `locale`.
    pub fn leaf(e: Entry, locale: Locale) -> Self {
        TreeNode {
            name: locale.pick(&e.name_zh, Some(&e.name_en)).to_owned(),
            code: e.code,
            name_zh: e.name_zh,
            name_en: e.name_en,
            kind: e.kind.map(|k| k.as_str().to_owned()),
            admin_code: e.admin_code,
            children: Vec::new(),
        }
    }
}

/// The forest of `rows` (in their order), named in `locale`.
pub fn tree(rows: Vec<Entry>, locale: Locale) -> Vec<TreeNode> {
    let mut by_parent: HashMap<Option<String>, Vec<Entry>> = HashMap::new();
    for r in rows {
        by_parent.entry(r.parent_code.clone()).or_default().push(r);
    }
    fn build(
        parent: Option<String>,
        by_parent: &mut HashMap<Option<String>, Vec<Entry>>,
        locale: Locale,
    ) -> Vec<TreeNode> {
        let Some(children) = by_parent.remove(&parent) else {
            return Vec::new();
        };
        children
            .into_iter()
            .map(|e| {
                let below = build(Some(e.code.clone()), by_parent, locale);
                TreeNode {
                    children: below,
                    ..TreeNode::leaf(e, locale)
                }
            })
            .collect()
    }
    build(None, &mut by_parent, locale)
}

/// A code with everything below it, from (code, parent) pairs.
pub fn subtree(pairs: &[(String, Option<String>)], root: &str) -> Vec<String> {
    let mut out = vec![root.to_owned()];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i].clone();
        out.extend(
            pairs
                .iter()
                .filter(|(_, p)| p.as_deref() == Some(parent.as_str()))
                .map(|(c, _)| c.clone()),
        );
        i += 1;
    }
    out
}

/// A code of `t` with every code below it.
pub fn subtree_of(conn: &mut DbConnection, t: Taxonomy, code: &str) -> QueryResult<Vec<String>> {
    Ok(subtree(&model::pairs(conn, t)?, code))
}

pub fn field_subtree(conn: &mut DbConnection, code: &str) -> QueryResult<Vec<String>> {
    subtree_of(conn, Taxonomy::Fields, code)
}

pub fn region_subtree(conn: &mut DbConnection, code: &str) -> QueryResult<Vec<String>> {
    subtree_of(conn, Taxonomy::Regions, code)
}

/// The regions a query's region filter stands for: `code` with everything below it. A code
/// that names no region is a 422 `region_unknown` naming the query parameter `param` and the
/// code, never an empty result: every list, report and export filters through this one
/// function, so an unknown region is the same answer everywhere.
pub fn region_filter(
    conn: &mut DbConnection,
    param: &str,
    code: &str,
) -> Result<Vec<String>, ApiError> {
    if !region_exists(conn, code)? {
        return Err(FieldError::of(param, ErrorCode::RegionUnknown)
            .arg("code", code)
            .into());
    }
    Ok(region_subtree(conn, code)?)
}

/// Which of `codes` are not codes of `t`.
pub fn unknown(conn: &mut DbConnection, t: Taxonomy, codes: &[String]) -> QueryResult<Vec<String>> {
    let storable: Vec<&String> = codes.iter().filter(|c| crate::db::storable(c)).collect();
    let known = model::known(conn, t, &storable)?;
    Ok(codes
        .iter()
        .filter(|c| !known.contains(c))
        .cloned()
        .collect())
}

/// Whether `code` is a code of `t`.
pub fn exists(conn: &mut DbConnection, t: Taxonomy, code: &str) -> QueryResult<bool> {
    Ok(unknown(conn, t, &[code.to_owned()])?.is_empty())
}

/// Which of `codes` are not known field codes.
pub fn unknown_fields(conn: &mut DbConnection, codes: &[String]) -> QueryResult<Vec<String>> {
    unknown(conn, Taxonomy::Fields, codes)
}

pub fn region_exists(conn: &mut DbConnection, code: &str) -> QueryResult<bool> {
    exists(conn, Taxonomy::Regions, code)
}

fn read_csv(text: &str) -> anyhow::Result<Vec<Entry>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rows = reader.deserialize().collect::<Result<Vec<Entry>, _>>()?;
    for (i, r) in rows.iter_mut().enumerate() {
        r.sort_order = i as i32;
        r.parent_code = r.parent_code.take().filter(|p| !p.is_empty());
        r.admin_code = r.admin_code.take().filter(|p| !p.is_empty());
    }
    Ok(rows)
}

/// The shipped entries of `t`, in file order.
pub fn shipped(t: Taxonomy) -> anyhow::Result<Vec<Entry>> {
    read_csv(match t {
        Taxonomy::Regions => REGIONS_CSV,
        Taxonomy::Fields => FIELDS_CSV,
    })
}

/// Insert the shipped regions and fields that the database does not have yet; answers how
/// many of each were added.
pub fn seed(conn: &mut DbConnection) -> anyhow::Result<(usize, usize)> {
    let regions = shipped(Taxonomy::Regions)?;
    let fields = shipped(Taxonomy::Fields)?;
    let added = write_tx(conn, |conn| -> QueryResult<(usize, usize)> {
        let mut added = [0, 0];
        for (n, t, rows) in [
            (0, Taxonomy::Regions, &regions),
            (1, Taxonomy::Fields, &fields),
        ] {
            let have = model::codes(conn, t)?;
            for e in rows.iter().filter(|e| !have.contains(&e.code)) {
                model::insert(conn, t, e)?;
                added[n] += 1;
            }
        }
        Ok((added[0], added[1]))
    })?;
    Ok(added)
}

/// The tree of `t` with names in `locale`.
pub async fn tree_of(
    state: &AppState,
    t: Taxonomy,
    locale: Locale,
) -> Result<Vec<TreeNode>, ApiError> {
    let rows = state.db.run(move |conn| Ok(model::all(conn, t)?)).await?;
    Ok(tree(rows, locale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_taxonomies_parse_and_every_parent_exists() {
        let regions = shipped(Taxonomy::Regions).unwrap();
        let fields = shipped(Taxonomy::Fields).unwrap();
        assert!(regions.len() >= 8 && fields.len() >= 50);
        assert!(regions.iter().all(|r| r.kind.is_some()));
        assert!(
            fields
                .iter()
                .all(|f| f.kind.is_none() && f.admin_code.is_none())
        );
        for rows in [&regions, &fields] {
            let codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
            for r in rows.iter() {
                if let Some(p) = r.parent_code.as_deref() {
                    assert!(codes.contains(&p), "{p}");
                }
            }
        }
    }

    #[test]
    fn a_subtree_holds_the_root_and_all_descendants() {
        let pairs = vec![
            ("a".to_owned(), None),
            ("a.1".to_owned(), Some("a".to_owned())),
            ("a.1.x".to_owned(), Some("a.1".to_owned())),
            ("b".to_owned(), None),
        ];
        assert_eq!(subtree(&pairs, "a"), vec!["a", "a.1", "a.1.x"]);
        assert_eq!(subtree(&pairs, "b"), vec!["b"]);
    }

    #[test]
    fn seeding_twice_adds_nothing_and_keeps_the_bureaus_names() {
        let mut conn = crate::db::scratch::sqlite();
        let (r, f) = seed(&mut conn).unwrap();
        assert!(r >= 8 && f >= 50);
        let mut e = model::find(&mut conn, Taxonomy::Fields, "alumina").unwrap();
        e.name_en = "Aluminium".to_owned();
        model::set_names(&mut conn, Taxonomy::Fields, &e).unwrap();
        assert_eq!(seed(&mut conn).unwrap(), (0, 0));
        assert_eq!(
            model::find(&mut conn, Taxonomy::Fields, "alumina")
                .unwrap()
                .name_en,
            "Aluminium"
        );
        assert!(region_exists(&mut conn, "binzhou").unwrap());
        assert!(!region_exists(&mut conn, "bin\0zhou").unwrap());
        assert_eq!(
            unknown_fields(&mut conn, &["alumina".into(), "nope".into()]).unwrap(),
            ["nope"]
        );
    }

    #[test]
    fn trees_nest_children_in_order_and_name_them_in_the_callers_language() {
        let e = |code: &str, parent: Option<&str>| Entry {
            code: code.to_owned(),
            parent_code: parent.map(str::to_owned),
            kind: None,
            name_zh: format!("{code}-zh"),
            name_en: format!("{code}-en"),
            admin_code: None,
            sort_order: 0,
        };
        let t = tree(
            vec![
                e("a", None),
                e("a.2", Some("a")),
                e("a.1", Some("a")),
                e("b", None),
            ],
            Locale::En,
        );
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].name, "a-en");
        let kids: Vec<&str> = t[0].children.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(kids, ["a.2", "a.1"]);
    }
}
