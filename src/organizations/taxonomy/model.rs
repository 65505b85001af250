//! The two code tables, `regions` and `fields`, behind one entry shape. The only place the
//! two taxonomies differ in diesel: each statement is one match on [`Taxonomy`].

use diesel::prelude::*;
use serde::Deserialize;

use super::{Entry, RegionKind, Taxonomy};
use crate::db::DbConnection;
use crate::db::schema::{fields, regions};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Deserialize)]
#[diesel(table_name = regions)]
pub struct Region {
    pub code: String,
    pub parent_code: Option<String>,
    /// Strict: a stored value that is no region kind is an error.
    pub kind: RegionKind,
    pub name_zh: String,
    pub name_en: String,
    pub admin_code: Option<String>,
    #[serde(default)]
    pub sort_order: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Deserialize)]
#[diesel(table_name = fields)]
pub struct Field {
    pub code: String,
    pub parent_code: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    #[serde(default)]
    pub sort_order: i32,
}

impl From<Region> for Entry {
    fn from(r: Region) -> Self {
        Entry {
            code: r.code,
            parent_code: r.parent_code,
            kind: Some(r.kind),
            name_zh: r.name_zh,
            name_en: r.name_en,
            admin_code: r.admin_code,
            sort_order: r.sort_order,
        }
    }
}

impl From<Field> for Entry {
    fn from(f: Field) -> Self {
        Entry {
            code: f.code,
            parent_code: f.parent_code,
            kind: None,
            name_zh: f.name_zh,
            name_en: f.name_en,
            admin_code: None,
            sort_order: f.sort_order,
        }
    }
}

fn region_row(e: &Entry) -> QueryResult<Region> {
    let kind = e
        .kind
        .ok_or_else(|| diesel::result::Error::SerializationError("a region needs a kind".into()))?;
    Ok(Region {
        code: e.code.clone(),
        parent_code: e.parent_code.clone(),
        kind,
        name_zh: e.name_zh.clone(),
        name_en: e.name_en.clone(),
        admin_code: e.admin_code.clone(),
        sort_order: e.sort_order,
    })
}

fn field_row(e: &Entry) -> Field {
    Field {
        code: e.code.clone(),
        parent_code: e.parent_code.clone(),
        name_zh: e.name_zh.clone(),
        name_en: e.name_en.clone(),
        sort_order: e.sort_order,
    }
}

/// Every entry, in display order.
pub fn all(conn: &mut DbConnection, t: Taxonomy) -> QueryResult<Vec<Entry>> {
    Ok(match t {
        Taxonomy::Regions => regions::table
            .select(Region::as_select())
            .order((regions::sort_order, regions::code))
            .load(conn)?
            .into_iter()
            .map(Entry::from)
            .collect(),
        Taxonomy::Fields => fields::table
            .select(Field::as_select())
            .order((fields::sort_order, fields::code))
            .load(conn)?
            .into_iter()
            .map(Entry::from)
            .collect(),
    })
}

/// Every (code, parent) pair.
pub fn pairs(conn: &mut DbConnection, t: Taxonomy) -> QueryResult<Vec<(String, Option<String>)>> {
    match t {
        Taxonomy::Regions => regions::table
            .select((regions::code, regions::parent_code))
            .load(conn),
        Taxonomy::Fields => fields::table
            .select((fields::code, fields::parent_code))
            .load(conn),
    }
}

/// Every code.
pub fn codes(conn: &mut DbConnection, t: Taxonomy) -> QueryResult<Vec<String>> {
    match t {
        Taxonomy::Regions => regions::table.select(regions::code).load(conn),
        Taxonomy::Fields => fields::table.select(fields::code).load(conn),
    }
}

/// Which of `codes` exist.
pub fn known(conn: &mut DbConnection, t: Taxonomy, codes: &[&String]) -> QueryResult<Vec<String>> {
    match t {
        Taxonomy::Regions => regions::table
            .select(regions::code)
            .filter(regions::code.eq_any(codes))
            .load(conn),
        Taxonomy::Fields => fields::table
            .select(fields::code)
            .filter(fields::code.eq_any(codes))
            .load(conn),
    }
}

/// One entry; diesel's `NotFound` when there is none.
pub fn find(conn: &mut DbConnection, t: Taxonomy, code: &str) -> QueryResult<Entry> {
    Ok(match t {
        Taxonomy::Regions => regions::table
            .find(code)
            .select(Region::as_select())
            .first(conn)?
            .into(),
        Taxonomy::Fields => fields::table
            .find(code)
            .select(Field::as_select())
            .first(conn)?
            .into(),
    })
}

pub fn insert(conn: &mut DbConnection, t: Taxonomy, e: &Entry) -> QueryResult<()> {
    match t {
        Taxonomy::Regions => diesel::insert_into(regions::table)
            .values(region_row(e)?)
            .execute(conn)?,
        Taxonomy::Fields => diesel::insert_into(fields::table)
            .values(field_row(e))
            .execute(conn)?,
    };
    Ok(())
}

/// Store an entry's names (and, for regions, its administrative code).
pub fn set_names(conn: &mut DbConnection, t: Taxonomy, e: &Entry) -> QueryResult<()> {
    match t {
        Taxonomy::Regions => diesel::update(regions::table.find(&e.code))
            .set((
                regions::name_zh.eq(&e.name_zh),
                regions::name_en.eq(&e.name_en),
                regions::admin_code.eq(&e.admin_code),
            ))
            .execute(conn)?,
        Taxonomy::Fields => diesel::update(fields::table.find(&e.code))
            .set((
                fields::name_zh.eq(&e.name_zh),
                fields::name_en.eq(&e.name_en),
            ))
            .execute(conn)?,
    };
    Ok(())
}
