//! The import itself: each row becomes the registration API's request and goes through
//! the same checks (`input::draft`) and the same operations (`service::register` for a new
//! organization, `service::edit` for one whose USCC is registered), all in one
//! transaction, each row in a savepoint of its own. A dry run, or a refused row without
//! `skip_invalid`, rolls the whole transaction back: the report says what would happen
//! because it is what happened, undone.

use std::collections::HashMap;

use diesel::Connection;

use super::columns::{Column, Layout};
use super::read::MAX_ROWS;
use super::views::{ImportQuery, ImportReport, RowAction, RowProblem, RowReport};
use crate::app::{Locale, Viewer};
use crate::db::{DbConnection, write_tx};
use crate::error::{ApiError, ErrorCode, FieldError, Text};
use crate::organizations::domain::{OrgKind, OrgStatus};
use crate::organizations::input::{self, Draft};
use crate::organizations::model;
use crate::organizations::service::{edit, register};
use crate::organizations::views::{Contact, NewOrganization, OrganizationChanges};

/// How the transaction ends: kept, or rolled back with the report of what it did.
enum Halt {
    Rollback(ImportReport),
    Failed(ApiError),
}

impl From<diesel::result::Error> for Halt {
    fn from(e: diesel::result::Error) -> Self {
        Halt::Failed(e.into())
    }
}

/// Import `rows` (header first) as `viewer` (the bureau; no user for the command line).
/// Imported organizations are verified: the bureau vouches for its own records.
pub fn import(
    conn: &mut DbConnection,
    viewer: &Viewer,
    rows: Vec<Vec<String>>,
    opts: ImportQuery,
) -> Result<ImportReport, ApiError> {
    let outcome = write_tx(conn, |conn| {
        let report = rows_in_tx(conn, viewer, rows, opts).map_err(Halt::Failed)?;
        if report.written {
            Ok(report)
        } else {
            Err(Halt::Rollback(report))
        }
    });
    match outcome {
        Ok(r) | Err(Halt::Rollback(r)) => Ok(r),
        Err(Halt::Failed(e)) => Err(e),
    }
}

fn rows_in_tx(
    conn: &mut DbConnection,
    viewer: &Viewer,
    mut rows: Vec<Vec<String>>,
    opts: ImportQuery,
) -> Result<ImportReport, ApiError> {
    let mut report = ImportReport {
        dry_run: opts.dry_run,
        written: false,
        created: 0,
        updated: 0,
        refused: 0,
        rows: Vec::new(),
    };
    let header = if rows.is_empty() {
        Vec::new()
    } else {
        rows.remove(0)
    };
    let (layout, mut problems) = Layout::read(&header);
    if rows.len() > MAX_ROWS {
        problems.push(RowProblem::of("", ErrorCode::TooManyRows).arg("max", MAX_ROWS));
    }
    if !problems.is_empty() {
        report.refused = 1;
        report.rows.push(refused(1, None, None, problems));
        return Ok(report);
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, cells) in rows.iter().enumerate() {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let r = row(conn, viewer, &layout, i + 2, cells, &mut seen)?;
        match r.action {
            RowAction::Create => report.created += 1,
            RowAction::Update => report.updated += 1,
            RowAction::Refuse => report.refused += 1,
        }
        report.rows.push(r);
    }
    report.written = !opts.dry_run && (report.refused == 0 || opts.skip_invalid);
    Ok(report)
}

fn refused(
    row: usize,
    name: Option<String>,
    uscc: Option<String>,
    problems: Vec<RowProblem>,
) -> RowReport {
    RowReport {
        row,
        action: RowAction::Refuse,
        name,
        uscc,
        organization_id: None,
        problems,
    }
}

/// A kind by its code or its name in either language (`企业`, `Enterprise`); else as written,
/// for the registration's check to refuse.
fn kind(v: &str) -> String {
    OrgKind::ALL
        .iter()
        .find(|k| {
            let key = format!("kind.{}", k.as_str());
            v.eq_ignore_ascii_case(k.as_str())
                || [Locale::ZhCn, Locale::En]
                    .iter()
                    .any(|l| crate::i18n::get(*l, &key).is_some_and(|n| n.eq_ignore_ascii_case(v)))
        })
        .map_or_else(|| v.to_owned(), |k| k.as_str().to_owned())
}

fn list(v: &str) -> Option<Vec<String>> {
    let items: Vec<String> = v
        .split([';', '；', ',', '，', '、', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    Some(items).filter(|i| !i.is_empty())
}

fn some(v: &str) -> Option<String> {
    Some(v.to_owned()).filter(|v| !v.is_empty())
}

/// The registration request a row stands for.
fn request(l: &Layout, cells: &[String]) -> NewOrganization {
    let v = |c| l.value(cells, c);
    let contact = [
        Column::ContactName,
        Column::ContactEmail,
        Column::ContactPhone,
    ]
    .iter()
    .any(|c| !v(*c).is_empty())
    .then(|| Contact {
        name: v(Column::ContactName).to_owned(),
        email: v(Column::ContactEmail).to_owned(),
        phone: some(v(Column::ContactPhone)),
    });
    NewOrganization {
        kind: kind(v(Column::Kind)),
        name: v(Column::Name).to_owned(),
        name_en: some(v(Column::NameEn)),
        aliases: list(v(Column::Aliases)),
        uscc: some(v(Column::Uscc)),
        region_code: v(Column::RegionCode).to_owned(),
        field_codes: list(v(Column::FieldCodes)),
        description: some(v(Column::Description)),
        website: some(v(Column::Website)),
        address: some(v(Column::Address)),
        contact,
        parent_id: None,
    }
}

/// The changes an existing organization gets: what the row fills in (an empty cell keeps
/// what is registered).
fn changes(b: &NewOrganization) -> OrganizationChanges {
    OrganizationChanges {
        name: some(&b.name),
        name_en: b.name_en.clone(),
        aliases: b.aliases.clone(),
        uscc: None,
        region_code: some(&b.region_code),
        field_codes: b.field_codes.clone(),
        description: b.description.clone(),
        website: b.website.clone(),
        address: b.address.clone(),
        contact: b.contact.clone(),
        parent_id: None,
        is_leading: None,
    }
}

/// A service's refusal as the row's problems; anything else stops the import.
fn problems(l: &Layout, e: ApiError) -> Result<Vec<RowProblem>, ApiError> {
    let column = |f: &FieldError| {
        Column::of_field(&f.field).map_or_else(|| f.field.clone(), |c| l.header(c))
    };
    Ok(match e {
        ApiError::Validation { errors, .. } => errors
            .iter()
            .map(|f| RowProblem::from_field(&column(f), f))
            .collect(),
        ApiError::Conflict { code, detail } => {
            vec![RowProblem::new(&l.header(Column::Uscc), code, detail)]
        }
        ApiError::Forbidden { code, detail } | ApiError::Rule { code, detail } => {
            vec![RowProblem::new(&l.header(Column::Kind), code, detail)]
        }
        other => return Err(other),
    })
}

fn row(
    conn: &mut DbConnection,
    viewer: &Viewer,
    l: &Layout,
    n: usize,
    cells: &[String],
    seen: &mut HashMap<String, usize>,
) -> Result<RowReport, ApiError> {
    let body = request(l, cells);
    let name = some(&body.name);
    let actor = viewer.user.as_ref().map(|u| u.id.clone());
    let changes = changes(&body);
    let mut d: Draft = match input::draft(body, actor.as_ref(), true) {
        Ok(d) => d,
        Err(e) => return Ok(refused(n, name, None, problems(l, e)?)),
    };
    d.org.created_by = actor.clone();
    d.org.status = OrgStatus::Verified;
    let uscc = d.org.uscc.clone();
    // Rows are told apart by USCC; a row without one (a university) by its kind and name.
    let (key, column) = match &uscc {
        Some(u) => (u.clone(), Column::Uscc),
        None => (format!("{}\n{}", d.org.kind, d.org.name), Column::Name),
    };
    if let Some(first) = seen.get(&key) {
        let p = RowProblem::of(&l.header(column), ErrorCode::DuplicateInFile)
            .arg("column", l.header(column))
            .arg("row", *first);
        return Ok(refused(n, name, uscc, vec![p]));
    }
    seen.insert(key, n);
    let existing = match &uscc {
        Some(u) => model::find_by_uscc(conn, u)?,
        None => {
            if model::name_registered(conn, d.org.kind, &d.org.name)? {
                let p = RowProblem::of(&l.header(Column::Name), ErrorCode::NameRegistered);
                return Ok(refused(n, name, uscc, vec![p]));
            }
            None
        }
    };
    let reason = format!("row {n} of a spreadsheet import");
    let (action, id, outcome) = match existing {
        Some(mut org) => {
            if org.kind != d.org.kind && l.has(Column::Kind) {
                let p = RowProblem::of(&l.header(Column::Kind), ErrorCode::KindMismatch)
                    .arg("kind", Text::key(format!("kind.{}", org.kind.as_str())));
                return Ok(refused(n, name, uscc, vec![p]));
            }
            let id = org.id.clone();
            let outcome = conn.transaction(|conn| {
                edit(conn, viewer, &mut org, &changes)?;
                crate::app::audit::record(
                    conn,
                    actor.as_ref(),
                    "organization_updated_by_import",
                    "organization",
                    &org.id,
                    Some(&reason),
                )?;
                Ok::<_, ApiError>(())
            });
            (RowAction::Update, id, outcome)
        }
        None => {
            let id = d.org.id.clone();
            let outcome = conn.transaction(|conn| {
                let action = "organization_imported";
                register(conn, viewer, &d, actor.as_ref(), action, Some(&reason))
            });
            (RowAction::Create, id, outcome)
        }
    };
    match outcome {
        Ok(()) => Ok(RowReport {
            row: n,
            action,
            name,
            uscc,
            organization_id: Some(id),
            problems: Vec::new(),
        }),
        Err(e) => Ok(refused(n, name, uscc, problems(l, e)?)),
    }
}

impl ImportReport {
    /// Whether the header row was refused (a required column missing, an unknown or
    /// repeated column, too many rows): the file is not an import, dry run or not.
    pub fn header_refused(&self) -> bool {
        self.rows
            .first()
            .is_some_and(|r| r.row == 1 && r.action == RowAction::Refuse)
    }

    /// The refusal of a real import that wrote nothing: 422 `import_refused`, each row's
    /// problem as a field error named `row N: column`.
    pub fn refusal(&self) -> ApiError {
        let errors = self
            .rows
            .iter()
            .flat_map(|r| {
                r.problems.iter().map(move |p| {
                    FieldError::new(format!("row {}: {}", r.row, p.column), p.code, &p.message)
                })
            })
            .collect();
        ApiError::Validation {
            code: ErrorCode::ImportRefused,
            errors,
        }
    }
}
