//! Bulk import of organizations from the bureau's spreadsheets, on the command line
//! (`collab-registry import organizations FILE`) and as an upload
//! (`POST /api/v1/organizations/import`).
//!
//! `read` turns a CSV or XLSX file into rows of text, `columns` knows the headers (Chinese
//! or English), `service` runs the rows through the registration's own checks and
//! operations in one transaction, `upload` and `routes` are HTTP only.

pub mod columns;
pub mod read;
pub mod routes;
pub mod service;
pub mod upload;
pub mod views;

pub use read::Format;
pub use service::import;
pub use views::{ImportQuery, ImportReport};

use crate::app::Locale;
use crate::error::ErrorCode;
use crate::i18n::{fill, t};

/// Import the file at `path` (its extension says CSV or XLSX) from the command line: no
/// acting user (the audit log names none), the same checks and report as the upload.
pub fn import_file(
    conn: &mut crate::db::DbConnection,
    path: &std::path::Path,
    opts: ImportQuery,
) -> anyhow::Result<ImportReport> {
    let name = path.to_string_lossy();
    let format = Format::of_name(&name)
        .ok_or_else(|| anyhow::anyhow!("{name}: name a .csv or .xlsx file"))?;
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let rows = read::rows(&bytes, format).map_err(|e| anyhow::anyhow!("{name}: {e:?}"))?;
    let viewer = crate::app::Viewer {
        user: None,
        memberships: Default::default(),
    };
    service::import(conn, &viewer, rows, opts).map_err(|e| anyhow::anyhow!("{e:?}"))
}

/// Every code a row (or the header row) of an import can be refused with: the import's own
/// and those of the registration's checks it runs. Each has its words in both catalogs
/// (`problem.{code}`), so a report is said wholly in the reader's language.
pub const CODES: &[ErrorCode] = &[
    // The import's own.
    ErrorCode::TooManyRows,
    ErrorCode::UnknownColumn,
    ErrorCode::DuplicateColumn,
    ErrorCode::MissingColumn,
    ErrorCode::DuplicateInFile,
    ErrorCode::NameRegistered,
    ErrorCode::KindMismatch,
    // The registration's (organizations::input, app::text, organizations::service).
    ErrorCode::KindInvalid,
    ErrorCode::UsccRequired,
    ErrorCode::UsccMalformed,
    ErrorCode::UsccTaken,
    ErrorCode::Required,
    ErrorCode::Length,
    ErrorCode::TooLong,
    ErrorCode::TooMany,
    ErrorCode::ControlCharacter,
    ErrorCode::EmailInvalid,
    ErrorCode::UrlInvalid,
    ErrorCode::UnknownRegion,
    ErrorCode::UnknownField,
    ErrorCode::ParentNotAllowed,
];

/// The report as lines for a terminal, in `locale`: one per row, then the totals.
pub fn describe(r: &ImportReport, locale: Locale) -> String {
    let r = r.clone().in_locale(locale);
    let word = |key: &str| t(locale, key);
    let mut out = String::new();
    for row in &r.rows {
        let what = match row.action {
            views::RowAction::Create => word("import.create"),
            views::RowAction::Update => word("import.update"),
            views::RowAction::Refuse => word("import.refuse"),
        };
        let name = row.name.as_deref().unwrap_or("");
        let uscc = row.uscc.as_deref().unwrap_or("");
        let n = fill(word("import.row"), &[("n", &format!("{:>4}", row.row))]);
        out.push_str(&format!("{n}  {what:<6}  {name} {uscc}\n"));
        for p in &row.problems {
            out.push_str(&format!(
                "           {}: {} ({})\n",
                p.column, p.message, p.code
            ));
        }
    }
    let verdict = if r.written {
        word("import.written")
    } else if r.dry_run {
        word("import.dry_run")
    } else {
        word("import.not_written")
    };
    let (created, updated, refused) = (
        r.created.to_string(),
        r.updated.to_string(),
        r.refused.to_string(),
    );
    out.push_str(&fill(
        word("import.summary"),
        &[
            ("created", &created),
            ("updated", &updated),
            ("refused", &refused),
            ("verdict", verdict),
        ],
    ));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The codes the import's and the registration's sources name.
    fn codes_in_sources() -> BTreeSet<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        // The rows' checks; read.rs and upload.rs refuse a whole file, not a row.
        let files = [
            "organizations/import/service.rs",
            "organizations/import/columns.rs",
            "organizations/input.rs",
            "organizations/uscc.rs",
            "app/text.rs",
        ]
        .map(|f| root.join(f));
        let mut out = BTreeSet::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let body = text.split("#[cfg(test)]").next().unwrap_or("");
            for part in body.split("ErrorCode::").skip(1) {
                let name: String = part.chars().take_while(|c| c.is_alphanumeric()).collect();
                out.insert(name);
            }
        }
        out
    }

    #[test]
    fn every_code_the_import_reports_has_words_in_both_catalogs() {
        let mut missing = Vec::new();
        for code in CODES {
            for locale in [Locale::ZhCn, Locale::En] {
                if crate::i18n::get(locale, &format!("problem.{code}")).is_none() {
                    missing.push(format!("{}: problem.{code}", crate::i18n::lang_tag(locale)));
                }
            }
        }
        assert!(missing.is_empty(), "missing catalog entries: {missing:?}");
        let listed: BTreeSet<String> = CODES.iter().map(|c| format!("{c:?}")).collect();
        let unlisted: Vec<_> = codes_in_sources()
            .into_iter()
            // A whole refusal's code, and the USCC's warnings (which refuse nothing).
            .filter(|c| {
                !["ImportRefused", "UsccCheckCharacter", "UsccRegionMismatch"].contains(&c.as_str())
            })
            .filter(|c| !listed.contains(c))
            .collect();
        assert!(
            unlisted.is_empty(),
            "codes the import can report but CODES lacks: {unlisted:?}"
        );
    }

    #[test]
    fn a_report_is_described_in_the_reader_language() {
        let report = ImportReport {
            dry_run: true,
            written: false,
            created: 0,
            updated: 0,
            refused: 1,
            rows: vec![views::RowReport {
                row: 3,
                action: views::RowAction::Refuse,
                name: Some("坏代码公司".into()),
                uscc: None,
                organization_id: None,
                problems: vec![
                    views::RowProblem::of("地区代码", ErrorCode::UnknownRegion)
                        .arg("code", "atlantis"),
                ],
            }],
        };
        let en = describe(&report, Locale::En);
        assert!(en.contains("row    3  REFUSE"), "{en}");
        assert!(en.contains("atlantis") && en.contains("dry run"), "{en}");
        let zh = describe(&report, Locale::ZhCn);
        assert!(zh.contains("第    3 行") && zh.contains("拒绝"), "{zh}");
        assert!(zh.contains("atlantis") && zh.contains("未写入"), "{zh}");
        assert!(!zh.contains("refused") && !zh.contains("no region"), "{zh}");
    }
}
