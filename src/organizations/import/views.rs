//! What an import reports: row by row, what was (or would be) created, updated or refused
//! and why; and the upload's query.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::Locale;
use crate::db::ids::OrganizationId;
use crate::error::{ErrorCode, FieldError, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Create,
    Update,
    Refuse,
}

/// Why a row (or the header row) is refused.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RowProblem {
    /// The column as the file names it (or the column's key when the file lacks it).
    pub column: String,
    /// Stable snake_case code, the registration API's (`uscc_malformed`, `unknown_region`,
    /// `unknown_field`...) or the import's (`duplicate_in_file`, `missing_column`,
    /// `unknown_column`, `duplicate_column`, `too_many_rows`, `kind_mismatch`).
    #[schema(value_type = String)]
    pub code: ErrorCode,
    #[schema(value_type = String)]
    pub message: Text,
}

impl RowProblem {
    pub fn new(column: &str, code: ErrorCode, message: impl Into<Text>) -> RowProblem {
        RowProblem {
            column: column.trim().to_owned(),
            code,
            message: message.into(),
        }
    }

    /// A problem whose message is the catalog's `problem.{code}` ([`RowProblem::arg`]
    /// fills its values).
    pub fn of(column: &str, code: ErrorCode) -> RowProblem {
        RowProblem {
            column: column.trim().to_owned(),
            code,
            message: Text::key(format!("problem.{code}")),
        }
    }

    /// A refusal of the registration's checks, in the row's column.
    pub fn from_field(column: &str, e: &FieldError) -> RowProblem {
        RowProblem {
            column: column.trim().to_owned(),
            code: e.code,
            message: e.message.clone(),
        }
    }

    /// The same problem with `{name}` of its message filled by `value`.
    pub fn arg(mut self, name: &'static str, value: impl Into<Text>) -> RowProblem {
        self.message = self.message.arg(name, value);
        self
    }
}

/// One row of the file.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowReport {
    /// The row's number in the spreadsheet (the header is row 1).
    pub row: usize,
    pub action: RowAction,
    pub name: Option<String>,
    /// The USCC as normalized.
    pub uscc: Option<String>,
    /// The organization created or updated (for a dry run: the one that would be updated).
    #[schema(value_type = Option<String>)]
    pub organization_id: Option<OrganizationId>,
    pub problems: Vec<RowProblem>,
}

/// The outcome of an import or a dry run.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Whether anything was written: never for a dry run; otherwise only when no row was
    /// refused, or `skip_invalid` was asked for (then the refused rows are left out).
    pub written: bool,
    pub created: usize,
    pub updated: usize,
    pub refused: usize,
    pub rows: Vec<RowReport>,
}

impl ImportReport {
    /// The report with every problem said in `locale` (what the upload answers and the
    /// command line prints).
    pub fn in_locale(mut self, locale: Locale) -> ImportReport {
        for p in self.rows.iter_mut().flat_map(|r| r.problems.iter_mut()) {
            p.message = Text::from(p.message.in_locale(locale).into_owned());
        }
        self
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// Report what would happen and write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Import the valid rows and leave the refused ones out (otherwise one refused row
    /// means nothing is written).
    #[serde(default)]
    pub skip_invalid: bool,
}

/// The document's XLSX upload: the workbook's bytes.
pub struct Workbook;

impl utoipa::PartialSchema for Workbook {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("An XLSX workbook; its first sheet is read."))
            .into()
    }
}
impl ToSchema for Workbook {}

/// The document's form upload: a browser's file input (or `curl -F file=@机构.xlsx`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportForm {
    /// The CSV or XLSX file (told by its name, its type or its content).
    #[schema(value_type = Workbook)]
    file: Vec<u8>,
}
