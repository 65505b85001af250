//! The match operations, called by the JSON routes and the pages: the other side's best
//! listings for a listing the viewer may see, and an ad-hoc search. The index proposes; the
//! database decides what may be shown.

use diesel::prelude::*;

use super::engine::{Engine, FieldTree, Query, Side as EngineSide};
use super::views::{MatchItem, MatchList, MatchRequest};
use crate::app::AuthUser;
use crate::app::load_viewer;
use crate::db::DbConnection;
use crate::db::ids::ListingId;
use crate::db::schema::{fields, regions};
use crate::error::{ApiError, ErrorCode, FieldError, Text};
use crate::listings::domain::Side;
use crate::listings::model::{self as listings, Lists};
use crate::listings::service::visible;
use crate::listings::views::ListingView;

/// The page size of a match list: 1 to 50, default 10.
pub fn check_limit(limit: Option<usize>) -> Result<usize, ApiError> {
    match limit {
        None => Ok(10),
        Some(n) if (1..=50).contains(&n) => Ok(n),
        Some(_) => Err(FieldError::of("limit", ErrorCode::LimitOutOfRange)
            .arg("max", 50usize)
            .into()),
    }
}

fn field_tree(conn: &mut DbConnection) -> QueryResult<FieldTree> {
    let pairs: Vec<(String, Option<String>)> = fields::table
        .select((fields::code, fields::parent_code))
        .load(conn)?;
    Ok(FieldTree::new(&pairs))
}

/// `English name (中文名)` of the field and region codes in `codes`.
fn names(
    conn: &mut DbConnection,
    codes: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    let mut out = std::collections::HashMap::new();
    let fs: Vec<(String, String, String)> = fields::table
        .filter(fields::code.eq_any(codes))
        .select((fields::code, fields::name_en, fields::name_zh))
        .load(conn)?;
    let rs: Vec<(String, String, String)> = regions::table
        .filter(regions::code.eq_any(codes))
        .select((regions::code, regions::name_en, regions::name_zh))
        .load(conn)?;
    for (code, en, zh) in fs.into_iter().chain(rs) {
        out.insert(code, format!("{en} ({zh})"));
    }
    Ok(out)
}

/// Run a query and keep only results the database still calls matchable.
pub fn ranked(
    engine: &Engine,
    conn: &mut DbConnection,
    query: &Query,
    limit: usize,
) -> Result<MatchList, ApiError> {
    let tree = field_tree(conn)?;
    let found = engine.search(query, &tree, limit * 2)?;
    // The index may trail the database by a moment; the database has the last word.
    let ids: Vec<ListingId> = found.iter().map(|m| m.id.clone()).collect();
    let mut live = listings::matchable_among(conn, &ids)?;
    let mut codes: Vec<String> = found
        .iter()
        .flat_map(|m| m.explanation.shared_fields.iter().cloned())
        .chain(query.region_code.clone())
        .collect();
    codes.sort();
    codes.dedup();
    let names = names(conn, &codes)?;
    let name = |c: &str| names.get(c).cloned().unwrap_or_else(|| c.to_string());
    let mut items = Vec::new();
    for m in found {
        if items.len() == limit {
            break;
        }
        let Some((l, lists)) = live.remove(m.id.as_str()) else {
            continue;
        };
        let mut explanation = m.explanation;
        explanation.summarize(name, query.region_code.as_deref());
        items.push(MatchItem {
            listing: ListingView::new(l, lists),
            score: m.score,
            explanation,
        });
    }
    Ok(MatchList { items })
}

/// The other side's best listings for listing `id` of `side`, which the caller must be
/// allowed to see (else 404).
pub fn matches_for(
    conn: &mut DbConnection,
    engine: &Engine,
    user: Option<AuthUser>,
    side: Side,
    id: &ListingId,
    limit: usize,
) -> Result<MatchList, ApiError> {
    let viewer = load_viewer(conn, user)?;
    let l = visible(conn, &viewer, side, id)?;
    matches_of(conn, engine, &l, limit)
}

/// The other side's best listings for `l`, which the caller has already been allowed to see.
pub fn matches_of(
    conn: &mut DbConnection,
    engine: &Engine,
    l: &crate::listings::model::Listing,
    limit: usize,
) -> Result<MatchList, ApiError> {
    let lists: Lists = listings::lists(conn, std::slice::from_ref(&l.id))?
        .remove(&l.id)
        .unwrap_or_default();
    let query = super::sync::query_for(l, &lists);
    ranked(engine, conn, &query, limit)
}

/// The query of an ad-hoc search, checked: the text's length, the side, the TRL.
pub fn search_query(b: MatchRequest) -> Result<(Query, usize), ApiError> {
    let limit = check_limit(b.limit)?;
    if b.text.trim().is_empty() || b.text.chars().count() > 10_000 {
        return Err(FieldError::of("text", ErrorCode::Length)
            .arg("max", 10_000usize)
            .into());
    }
    let codes = b.field_codes.iter().flatten().chain(b.region_code.as_ref());
    if codes
        .map(String::as_str)
        .any(crate::app::text::has_refused_control)
    {
        return Err(ApiError::field(
            if b.region_code
                .as_deref()
                .is_some_and(crate::app::text::has_refused_control)
            {
                "region_code"
            } else {
                "field_codes"
            },
            ErrorCode::ControlCharacter,
            Text::key("problem.control_character"),
        ));
    }
    if crate::app::text::has_refused_control(b.text.trim()) {
        return Err(FieldError::of("text", ErrorCode::ControlCharacter).into());
    }
    let target = match b.side.as_deref() {
        None | Some("capabilities") => EngineSide::Capability,
        Some("needs") => EngineSide::Need,
        Some(_) => {
            return Err(ApiError::field(
                "side",
                ErrorCode::SideInvalid,
                Text::key("problem.side_invalid"),
            ));
        }
    };
    if b.trl_required.is_some_and(|t| !(1..=9).contains(&t)) {
        return Err(ApiError::field(
            "trl_required",
            ErrorCode::TrlOutOfRange,
            Text::key("problem.trl_out_of_range"),
        ));
    }
    let query = Query {
        text: b.text,
        keywords: Vec::new(),
        target,
        field_codes: b.field_codes.unwrap_or_default(),
        modes: b
            .cooperation_modes
            .unwrap_or_default()
            .iter()
            .map(|m| m.as_str().to_owned())
            .collect(),
        trl: b.trl_required,
        region_code: b.region_code,
        exclude_id: None,
        exclude_organization: None,
    };
    Ok((query, limit))
}
