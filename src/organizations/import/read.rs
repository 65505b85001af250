//! Reading a spreadsheet into rows of text cells: CSV (UTF-8, with or without a byte-order
//! mark; GB18030, as Excel on a Chinese Windows saves it) or XLSX (the first sheet, read
//! with calamine). Numbers typed into cells (a region code) come back as their digits.

use crate::error::{ApiError, ErrorCode, Text};

/// The largest file accepted, in bytes.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// The most data rows one import takes.
pub const MAX_ROWS: usize = 5000;
/// The media type of an XLSX workbook.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A spreadsheet format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// By a file name's extension.
    pub fn of_name(name: &str) -> Option<Format> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            Some(Format::Csv)
        } else if lower.ends_with(".xlsx") {
            Some(Format::Xlsx)
        } else {
            None
        }
    }

    /// By a media type; `application/octet-stream` is told by the content (an XLSX file
    /// is a ZIP archive).
    pub fn of_media_type(media: &str, body: &[u8]) -> Option<Format> {
        let essence = media.split(';').next().unwrap_or("").trim();
        match essence.to_ascii_lowercase().as_str() {
            "text/csv" | "text/plain" | "application/csv" => Some(Format::Csv),
            XLSX_TYPE => Some(Format::Xlsx),
            "application/octet-stream" if body.starts_with(b"PK\x03\x04") => Some(Format::Xlsx),
            "application/octet-stream" => Some(Format::Csv),
            _ => None,
        }
    }
}

fn unreadable(why: Text) -> ApiError {
    ApiError::field("file", ErrorCode::FileUnreadable, why)
}

/// The file is broken as the CSV or XLSX reader says (its words are technical English).
fn broken(what: impl std::fmt::Display) -> ApiError {
    unreadable(Text::key("problem.file_unreadable").arg("what", what.to_string()))
}

/// The rows of a file, header first, every row as long as the longest.
pub fn rows(bytes: &[u8], format: Format) -> Result<Vec<Vec<String>>, ApiError> {
    if bytes.len() > MAX_BYTES {
        return Err(ApiError::PayloadTooLarge { limit: MAX_BYTES });
    }
    let mut rows = match format {
        Format::Csv => csv_rows(bytes)?,
        Format::Xlsx => xlsx_rows(bytes)?,
    };
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    for r in &mut rows {
        r.resize(width, String::new());
    }
    Ok(rows)
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, ApiError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_owned(),
        Err(_) => {
            let (t, _, bad) = encoding_rs::GB18030.decode(bytes);
            if bad {
                return Err(unreadable(Text::key("problem.file_unreadable.encoding")));
            }
            t.into_owned()
        }
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(broken)?;
        rows.push(record.iter().map(str::to_owned).collect());
    }
    Ok(rows)
}

fn xlsx_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, ApiError> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(broken)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable(Text::key("problem.file_unreadable.no_sheet")))?
        .map_err(broken)?;
    Ok(range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                        format!("{}", *f as i64)
                    }
                    other => other.to_string(),
                })
                .collect()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_with_a_bom_or_in_gb18030_reads_the_same() {
        let utf8 = "\u{feff}名称,地区代码\n钪业,371602\n".as_bytes().to_vec();
        let (gbk, _, _) = encoding_rs::GB18030.encode("名称,地区代码\n钪业,371602\n");
        let want = vec![
            vec!["名称".to_owned(), "地区代码".to_owned()],
            vec!["钪业".to_owned(), "371602".to_owned()],
        ];
        assert_eq!(rows(&utf8, Format::Csv).unwrap(), want);
        assert_eq!(rows(&gbk, Format::Csv).unwrap(), want);
    }

    #[test]
    fn formats_are_told_by_name_media_type_or_content() {
        assert_eq!(Format::of_name("机构.XLSX"), Some(Format::Xlsx));
        assert_eq!(Format::of_name("a.xls"), None);
        assert_eq!(
            Format::of_media_type("text/csv; charset=utf-8", b""),
            Some(Format::Csv)
        );
        assert_eq!(
            Format::of_media_type("application/octet-stream", b"PK\x03\x04.."),
            Some(Format::Xlsx)
        );
        assert_eq!(Format::of_media_type("image/png", b""), None);
    }

    #[test]
    fn an_xlsx_sheet_reads_numbers_as_digits() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "地区代码").unwrap();
        sheet.write_number(1, 0, 371602.0).unwrap();
        sheet.write_string(1, 1, "钪业").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let got = rows(&bytes, Format::Xlsx).unwrap();
        assert_eq!(got, [["地区代码", ""], ["371602", "钪业"]]);
        assert!(rows(b"not a zip", Format::Xlsx).is_err());
    }
}
