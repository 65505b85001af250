//! Regions and technology fields: two code trees, seeded from `seed/*.csv` when migrations
//! run (rows the bureau already has are left alone), named in the caller's language.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::app::AuthUser;
use crate::app::Locale;
use crate::db::schema::{fields, regions};
use crate::db::{DbConnection, write_tx};
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::{ApiJson, request_locale};

const REGIONS_CSV: &str = include_str!("../../seed/regions.csv");
const FIELDS_CSV: &str = include_str!("../../seed/fields.csv");

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Deserialize)]
#[diesel(table_name = regions)]
pub struct Region {
    pub code: String,
    pub parent_code: Option<String>,
    pub kind: String,
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

fn read_csv<T: serde::de::DeserializeOwned>(text: &str) -> anyhow::Result<Vec<T>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows = reader.deserialize().collect::<Result<Vec<T>, _>>()?;
    Ok(rows)
}

/// Insert the shipped regions and fields that the database does not have yet.
pub fn seed(conn: &mut DbConnection) -> anyhow::Result<(usize, usize)> {
    let mut region_rows: Vec<Region> = read_csv(REGIONS_CSV)?;
    let mut field_rows: Vec<Field> = read_csv(FIELDS_CSV)?;
    for (i, r) in region_rows.iter_mut().enumerate() {
        r.sort_order = i as i32;
        r.parent_code = r.parent_code.take().filter(|p| !p.is_empty());
        r.admin_code = r.admin_code.take().filter(|p| !p.is_empty());
    }
    for (i, f) in field_rows.iter_mut().enumerate() {
        f.sort_order = i as i32;
        f.parent_code = f.parent_code.take().filter(|p| !p.is_empty());
    }
    let added = write_tx(conn, |conn| -> QueryResult<(usize, usize)> {
        let have: Vec<String> = regions::table.select(regions::code).load(conn)?;
        let new_regions: Vec<&Region> = region_rows
            .iter()
            .filter(|r| !have.contains(&r.code))
            .collect();
        for r in &new_regions {
            diesel::insert_into(regions::table)
                .values(*r)
                .execute(conn)?;
        }
        let have: Vec<String> = fields::table.select(fields::code).load(conn)?;
        let new_fields: Vec<&Field> = field_rows
            .iter()
            .filter(|f| !have.contains(&f.code))
            .collect();
        for f in &new_fields {
            diesel::insert_into(fields::table)
                .values(*f)
                .execute(conn)?;
        }
        Ok((new_regions.len(), new_fields.len()))
    })?;
    Ok(added)
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

pub fn field_subtree(conn: &mut DbConnection, code: &str) -> QueryResult<Vec<String>> {
    let pairs: Vec<(String, Option<String>)> = fields::table
        .select((fields::code, fields::parent_code))
        .load(conn)?;
    Ok(subtree(&pairs, code))
}

pub fn region_subtree(conn: &mut DbConnection, code: &str) -> QueryResult<Vec<String>> {
    let pairs: Vec<(String, Option<String>)> = regions::table
        .select((regions::code, regions::parent_code))
        .load(conn)?;
    Ok(subtree(&pairs, code))
}

/// Which of `codes` are not known field codes.
pub fn unknown_fields(conn: &mut DbConnection, codes: &[String]) -> QueryResult<Vec<String>> {
    let storable: Vec<&String> = codes.iter().filter(|c| crate::db::storable(c)).collect();
    let known: Vec<String> = fields::table
        .select(fields::code)
        .filter(fields::code.eq_any(storable))
        .load(conn)?;
    Ok(codes
        .iter()
        .filter(|c| !known.contains(c))
        .cloned()
        .collect())
}

pub fn region_exists(conn: &mut DbConnection, code: &str) -> QueryResult<bool> {
    if !crate::db::storable(code) {
        return Ok(false);
    }
    Ok(regions::table.find(code).count().get_result::<i64>(conn)? > 0)
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

struct Flat {
    code: String,
    parent: Option<String>,
    name_zh: String,
    name_en: String,
    kind: Option<String>,
    admin_code: Option<String>,
}

fn tree(rows: Vec<Flat>, locale: Locale) -> Vec<TreeNode> {
    let mut by_parent: HashMap<Option<String>, Vec<Flat>> = HashMap::new();
    for r in rows {
        by_parent.entry(r.parent.clone()).or_default().push(r);
    }
    fn build(
        parent: Option<String>,
        by_parent: &mut HashMap<Option<String>, Vec<Flat>>,
        locale: Locale,
    ) -> Vec<TreeNode> {
        let Some(children) = by_parent.remove(&parent) else {
            return Vec::new();
        };
        children
            .into_iter()
            .map(|f| TreeNode {
                name: match locale {
                    Locale::ZhCn => f.name_zh.clone(),
                    Locale::En => f.name_en.clone(),
                },
                children: build(Some(f.code.clone()), by_parent, locale),
                code: f.code,
                name_zh: f.name_zh,
                name_en: f.name_en,
                kind: f.kind,
                admin_code: f.admin_code,
            })
            .collect()
    }
    build(None, &mut by_parent, locale)
}

/// The region tree (counties, districts, development zones).
#[utoipa::path(get, path = "/api/v1/regions", tag = "registry",
    params(("Accept-Language" = Option<String>, Header, description = "zh-CN (default) or en")),
    responses((status = 200, body = Vec<TreeNode>)))]
pub async fn list_regions(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let tree = region_tree(&state, request_locale(&req)).await?;
    Ok(HttpResponse::Ok().json(tree))
}

/// The region tree with names in `locale` (the JSON route and the pages' filters).
pub async fn region_tree(state: &AppState, locale: Locale) -> Result<Vec<TreeNode>, ApiError> {
    let rows: Vec<Region> = state
        .db
        .run(|conn| {
            Ok(regions::table
                .select(Region::as_select())
                .order((regions::sort_order, regions::code))
                .load(conn)?)
        })
        .await?;
    let flat = rows
        .into_iter()
        .map(|r| Flat {
            code: r.code,
            parent: r.parent_code,
            name_zh: r.name_zh,
            name_en: r.name_en,
            kind: Some(r.kind),
            admin_code: r.admin_code,
        })
        .collect();
    Ok(tree(flat, locale))
}

/// The technology-field tree.
#[utoipa::path(get, path = "/api/v1/fields", tag = "registry",
    params(("Accept-Language" = Option<String>, Header, description = "zh-CN (default) or en")),
    responses((status = 200, body = Vec<TreeNode>)))]
pub async fn list_fields(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let tree = field_tree(&state, request_locale(&req)).await?;
    Ok(HttpResponse::Ok().json(tree))
}

/// The technology-field tree with names in `locale` (the JSON route and the pages).
pub async fn field_tree(state: &AppState, locale: Locale) -> Result<Vec<TreeNode>, ApiError> {
    let rows: Vec<Field> = state
        .db
        .run(|conn| {
            Ok(fields::table
                .select(Field::as_select())
                .order((fields::sort_order, fields::code))
                .load(conn)?)
        })
        .await?;
    let flat = rows
        .into_iter()
        .map(|f| Flat {
            code: f.code,
            parent: f.parent_code,
            name_zh: f.name_zh,
            name_en: f.name_en,
            kind: None,
            admin_code: None,
        })
        .collect();
    Ok(tree(flat, locale))
}

/// A new taxonomy entry (bureau).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    /// Lowercase ASCII code: letters, digits, `.` and `-`.
    pub code: String,
    pub parent_code: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    /// Regions: `city`, `district`, `county`, `county_city` or `development_zone`.
    pub kind: Option<String>,
    /// Regions: administrative code, if any.
    pub admin_code: Option<String>,
}

/// Changes to a taxonomy entry (bureau); codes never change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryChanges {
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub admin_code: Option<String>,
}

const REGION_KINDS: &[&str] = &[
    "city",
    "district",
    "county",
    "county_city",
    "development_zone",
];

fn check_entry(e: &NewEntry, region: bool) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let code_ok = !e.code.is_empty()
        && e.code.len() <= 64
        && e.code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    if !code_ok {
        errors.push(FieldError::new(
            "code",
            "code_invalid",
            "use 1-64 of a-z, 0-9, '.', '-'",
        ));
    }
    for (field, value) in [("name_zh", &e.name_zh), ("name_en", &e.name_en)] {
        let n = value.trim().chars().count();
        if n == 0 || n > 100 {
            errors.push(FieldError::new(
                field,
                "name_invalid",
                "use 1 to 100 characters",
            ));
        }
    }
    if region && !e.kind.as_deref().is_some_and(|k| REGION_KINDS.contains(&k)) {
        errors.push(FieldError::new(
            "kind",
            "kind_invalid",
            format!("one of {}", REGION_KINDS.join(", ")),
        ));
    }
    if !region && (e.kind.is_some() || e.admin_code.is_some()) {
        errors.push(FieldError::new(
            "kind",
            "not_applicable",
            "fields have no kind or administrative code",
        ));
    }
    ApiError::fields(errors)
}

/// Add a region (bureau).
#[utoipa::path(post, path = "/api/v1/regions", tag = "registry", security(("bearer" = [])), request_body = NewEntry,
    responses((status = 201, body = TreeNode), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_region(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    body: ApiJson<NewEntry>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let e = body.0;
    check_entry(&e, true)?;
    let locale = request_locale(&req);
    let region = Region {
        code: e.code,
        parent_code: e.parent_code,
        kind: e.kind.unwrap_or_default(),
        name_zh: e.name_zh.trim().to_owned(),
        name_en: e.name_en.trim().to_owned(),
        admin_code: e.admin_code,
        sort_order: 10_000,
    };
    let r = region.clone();
    state
        .db
        .write(move |conn| {
            if let Some(p) = &r.parent_code
                && !region_exists(conn, p)?
            {
                return Err(ApiError::field(
                    "parent_code",
                    "unknown_region",
                    "no such region",
                ));
            }
            if region_exists(conn, &r.code)? {
                return Err(ApiError::conflict(
                    "code_taken",
                    "a region with this code exists",
                ));
            }
            diesel::insert_into(regions::table)
                .values(&r)
                .execute(conn)?;
            crate::app::audit::record(
                conn,
                Some(&user.id),
                "region_created",
                "region",
                &r.code,
                None,
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", "/api/v1/regions"))
        .json(node_of_region(region, locale)))
}

fn node_of_region(r: Region, locale: Locale) -> TreeNode {
    TreeNode {
        name: if locale == Locale::En {
            r.name_en.clone()
        } else {
            r.name_zh.clone()
        },
        code: r.code,
        name_zh: r.name_zh,
        name_en: r.name_en,
        kind: Some(r.kind),
        admin_code: r.admin_code,
        children: Vec::new(),
    }
}

fn node_of_field(f: Field, locale: Locale) -> TreeNode {
    TreeNode {
        name: if locale == Locale::En {
            f.name_en.clone()
        } else {
            f.name_zh.clone()
        },
        code: f.code,
        name_zh: f.name_zh,
        name_en: f.name_en,
        kind: None,
        admin_code: None,
        children: Vec::new(),
    }
}

/// Rename a region or set its administrative code (bureau).
#[utoipa::path(patch, path = "/api/v1/regions/{code}", tag = "registry", security(("bearer" = [])), request_body = EntryChanges,
    params(("code" = String, Path)),
    responses((status = 200, body = TreeNode), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_region(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    code: web::Path<String>,
    body: ApiJson<EntryChanges>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let (code, c, locale) = (code.into_inner(), body.0, request_locale(&req));
    check_names(&c)?;
    let region = state
        .db
        .write(move |conn| {
            let mut r: Region = regions::table
                .find(&code)
                .select(Region::as_select())
                .first(conn)?;
            if let Some(n) = c.name_zh {
                r.name_zh = n.trim().to_owned();
            }
            if let Some(n) = c.name_en {
                r.name_en = n.trim().to_owned();
            }
            if let Some(a) = c.admin_code {
                r.admin_code = Some(a).filter(|a| !a.is_empty());
            }
            diesel::update(regions::table.find(&code))
                .set((
                    regions::name_zh.eq(&r.name_zh),
                    regions::name_en.eq(&r.name_en),
                    regions::admin_code.eq(&r.admin_code),
                ))
                .execute(conn)?;
            crate::app::audit::record(
                conn,
                Some(&user.id),
                "region_updated",
                "region",
                &code,
                None,
            )?;
            Ok(r)
        })
        .await?;
    Ok(HttpResponse::Ok().json(node_of_region(region, locale)))
}

fn check_names(c: &EntryChanges) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    for (field, value) in [("name_zh", &c.name_zh), ("name_en", &c.name_en)] {
        if let Some(v) = value {
            let n = v.trim().chars().count();
            if n == 0 || n > 100 {
                errors.push(FieldError::new(
                    field,
                    "name_invalid",
                    "use 1 to 100 characters",
                ));
            }
        }
    }
    ApiError::fields(errors)
}

/// Add a technology field (bureau).
#[utoipa::path(post, path = "/api/v1/fields", tag = "registry", security(("bearer" = [])), request_body = NewEntry,
    responses((status = 201, body = TreeNode), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_field(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    body: ApiJson<NewEntry>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let e = body.0;
    check_entry(&e, false)?;
    let locale = request_locale(&req);
    let field = Field {
        code: e.code,
        parent_code: e.parent_code,
        name_zh: e.name_zh.trim().to_owned(),
        name_en: e.name_en.trim().to_owned(),
        sort_order: 10_000,
    };
    let f = field.clone();
    state
        .db
        .write(move |conn| {
            let exists = |conn: &mut DbConnection, code: &str| -> QueryResult<bool> {
                Ok(fields::table.find(code).count().get_result::<i64>(conn)? > 0)
            };
            if let Some(p) = &f.parent_code
                && !exists(conn, p)?
            {
                return Err(ApiError::field(
                    "parent_code",
                    "unknown_field",
                    "no such field",
                ));
            }
            if exists(conn, &f.code)? {
                return Err(ApiError::conflict(
                    "code_taken",
                    "a field with this code exists",
                ));
            }
            diesel::insert_into(fields::table)
                .values(&f)
                .execute(conn)?;
            crate::app::audit::record(
                conn,
                Some(&user.id),
                "field_created",
                "field",
                &f.code,
                None,
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", "/api/v1/fields"))
        .json(node_of_field(field, locale)))
}

/// Rename a technology field (bureau).
#[utoipa::path(patch, path = "/api/v1/fields/{code}", tag = "registry", security(("bearer" = [])), request_body = EntryChanges,
    params(("code" = String, Path)),
    responses((status = 200, body = TreeNode), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_field(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    code: web::Path<String>,
    body: ApiJson<EntryChanges>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let (code, c, locale) = (code.into_inner(), body.0, request_locale(&req));
    if c.admin_code.is_some() {
        return Err(ApiError::field(
            "admin_code",
            "not_applicable",
            "fields have no administrative code",
        ));
    }
    check_names(&c)?;
    let field = state
        .db
        .write(move |conn| {
            let mut f: Field = fields::table
                .find(&code)
                .select(Field::as_select())
                .first(conn)?;
            if let Some(n) = c.name_zh {
                f.name_zh = n.trim().to_owned();
            }
            if let Some(n) = c.name_en {
                f.name_en = n.trim().to_owned();
            }
            diesel::update(fields::table.find(&code))
                .set((
                    fields::name_zh.eq(&f.name_zh),
                    fields::name_en.eq(&f.name_en),
                ))
                .execute(conn)?;
            crate::app::audit::record(conn, Some(&user.id), "field_updated", "field", &code, None)?;
            Ok(f)
        })
        .await?;
    Ok(HttpResponse::Ok().json(node_of_field(field, locale)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_taxonomies_parse_and_every_parent_exists() {
        let regions: Vec<Region> = read_csv(REGIONS_CSV).unwrap();
        let fields: Vec<Field> = read_csv(FIELDS_CSV).unwrap();
        assert!(regions.len() >= 8 && fields.len() >= 50);
        let region_codes: Vec<&str> = regions.iter().map(|r| r.code.as_str()).collect();
        for r in &regions {
            if let Some(p) = r.parent_code.as_deref().filter(|p| !p.is_empty()) {
                assert!(region_codes.contains(&p), "{p}");
            }
        }
        let field_codes: Vec<&str> = fields.iter().map(|f| f.code.as_str()).collect();
        for f in &fields {
            if let Some(p) = f.parent_code.as_deref().filter(|p| !p.is_empty()) {
                assert!(field_codes.contains(&p), "{p}");
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
}
