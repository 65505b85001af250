//! The table every export produces (a header in the reader's language and rows of cells),
//! and its two writers: CSV (UTF-8 with a byte-order mark, so spreadsheet programs read
//! Chinese correctly) and XLSX. No HTTP and no database here.
//!
//! Text cells are neutralized against spreadsheet formula injection when they are made
//! ([`Cell::text`]), so both writers write the same safe rows: a cell that starts with `=`,
//! `+`, `-`, `@`, a tab or a carriage return (or their full-width forms) gets a leading `'`
//! (OWASP, "CSV Injection").

use chrono::NaiveDateTime;

use crate::app::Locale;
use crate::error::ApiError;

/// One cell of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text, already neutralized (make it with [`Cell::text`]).
    Text(String),
    /// A whole number (a number cell in XLSX).
    Int(i64),
    Empty,
}

/// Characters that make a spreadsheet program read a cell as a formula.
const FORMULA_START: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

impl Cell {
    /// A text cell; one that a spreadsheet would read as a formula starts with `'`.
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else if s.starts_with(FORMULA_START) {
            Cell::Text(format!("'{s}"))
        } else {
            Cell::Text(s)
        }
    }

    /// An optional text: empty when absent.
    pub fn opt(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, Cell::text)
    }

    /// The cell as CSV writes it.
    pub fn as_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// A stored (UTC) time as the exports show it: Beijing time, `2026-12-03 17:00:00`.
pub fn beijing(t: NaiveDateTime) -> Cell {
    let local = t.and_utc().with_timezone(&chrono_tz::Asia::Shanghai);
    Cell::Text(local.format("%Y-%m-%d %H:%M:%S").to_string())
}

/// Yes or no in the reader's language.
pub fn yes_no(locale: Locale, b: bool) -> Cell {
    let word = match (locale, b) {
        (Locale::ZhCn, true) => "是",
        (Locale::ZhCn, false) => "否",
        (Locale::En, true) => "yes",
        (Locale::En, false) => "no",
    };
    Cell::Text(word.to_owned())
}

/// A column: its header in Chinese and in English.
pub type Col = (&'static str, &'static str);

/// An export: the header in one language, then the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table whose header is `cols` in `locale`.
    pub fn new(locale: Locale, cols: &[Col]) -> Table {
        let header = cols
            .iter()
            .map(|(zh, en)| match locale {
                Locale::ZhCn => (*zh).to_owned(),
                Locale::En => (*en).to_owned(),
            })
            .collect();
        Table {
            header,
            rows: Vec::new(),
        }
    }
}

/// The table as CSV: UTF-8 with a byte-order mark.
pub fn csv(t: &Table) -> Result<Vec<u8>, ApiError> {
    let mut w = ::csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(&t.header).map_err(ApiError::internal)?;
    for r in &t.rows {
        w.write_record(r.iter().map(Cell::as_text))
            .map_err(ApiError::internal)?;
    }
    w.into_inner()
        .map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))
}

/// The table as an XLSX workbook of one sheet named `name`: a bold, frozen header row,
/// text as text (never a formula), numbers as numbers.
pub fn xlsx(t: &Table, name: &str) -> Result<Vec<u8>, ApiError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| ApiError::internal(anyhow::anyhow!("xlsx: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(fail)?;
    let bold = Format::new().set_bold();
    for (c, h) in t.header.iter().enumerate() {
        sheet
            .write_string_with_format(0, column(c)?, h, &bold)
            .map_err(fail)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(ApiError::internal)?;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(s) => sheet.write_string(r, column(c)?, s).map(|_| ()),
                Cell::Int(n) => sheet.write_number(r, column(c)?, *n as f64).map(|_| ()),
                Cell::Empty => Ok(()),
            }
            .map_err(fail)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    sheet.autofit();
    book.save_to_buffer().map_err(fail)
}

fn column(c: usize) -> Result<u16, ApiError> {
    u16::try_from(c).map_err(ApiError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_a_spreadsheet_would_run_as_a_formula_is_neutralized() {
        for bad in [
            "=cmd|' /C calc'!A0",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "＝1",
        ] {
            assert_eq!(Cell::text(bad), Cell::Text(format!("'{bad}")), "{bad:?}");
        }
        assert_eq!(
            Cell::text("赤泥 = red mud"),
            Cell::Text("赤泥 = red mud".into())
        );
        assert_eq!(Cell::text(""), Cell::Empty);
        assert_eq!(Cell::Int(-5).as_text(), "-5");
    }

    #[test]
    fn times_are_shown_in_beijing_time() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(17, 30, 0)
            .unwrap();
        assert_eq!(beijing(t), Cell::Text("2026-12-04 01:30:00".into()));
    }

    #[test]
    fn csv_starts_with_a_byte_order_mark_and_quotes_when_needed() {
        let mut t = Table::new(Locale::En, &[("甲", "a"), ("乙", "b")]);
        t.rows.push(vec![Cell::text("赤泥, 提铁"), Cell::Int(3)]);
        let bytes = csv(&t).unwrap();
        assert_eq!(&bytes[..3], [0xEF, 0xBB, 0xBF]);
        assert_eq!(
            std::str::from_utf8(&bytes[3..]).unwrap(),
            "a,b\n\"赤泥, 提铁\",3\n"
        );
        let zh = Table::new(Locale::ZhCn, &[("甲", "a")]);
        assert_eq!(zh.header, ["甲"]);
    }

    #[test]
    fn xlsx_reads_back_with_the_same_cells() {
        use calamine::{Data, Reader, Xlsx};
        let mut t = Table::new(Locale::En, &[("甲", "a"), ("乙", "b"), ("丙", "c")]);
        t.rows
            .push(vec![Cell::text("=cmd"), Cell::Int(42), Cell::Empty]);
        let bytes = xlsx(&t, "orgs").unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("orgs").unwrap();
        assert_eq!(range.get((0, 0)), Some(&Data::String("a".into())));
        assert_eq!(range.get((1, 0)), Some(&Data::String("'=cmd".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::Float(42.0)));
    }
}
