//! The columns a spreadsheet of organizations may have, by their names in Chinese or
//! English (the headers of the organizations export among them, so an export imports
//! back), and which request field each one fills.

use super::views::RowProblem;
use crate::error::ErrorCode;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Kind,
    Name,
    NameEn,
    Uscc,
    RegionCode,
    FieldCodes,
    Aliases,
    Description,
    Website,
    Address,
    ContactName,
    ContactEmail,
    ContactPhone,
    /// Read and ignored: what the organizations export adds (id, region name, status...).
    Ignored,
}

use Column::*;

/// Each column's accepted headers, compared after [`normalize`]. The first is its key.
const NAMES: &[(Column, &[&str])] = &[
    (Kind, &["kind", "type", "类型", "机构类型", "单位类型"]),
    (
        Name,
        &[
            "name",
            "name_zh",
            "名称",
            "机构名称",
            "单位名称",
            "企业名称",
        ],
    ),
    (NameEn, &["name_en", "english_name", "英文名称", "英文名"]),
    (
        Uscc,
        &["uscc", "统一社会信用代码", "社会信用代码", "信用代码"],
    ),
    (
        RegionCode,
        &["region_code", "地区代码", "区域代码", "行政区划代码"],
    ),
    (
        FieldCodes,
        &[
            "field_codes",
            "fields",
            "技术领域代码",
            "领域代码",
            "技术领域",
        ],
    ),
    (Aliases, &["aliases", "别名", "简称"]),
    (Description, &["description", "简介", "机构简介", "介绍"]),
    (Website, &["website", "网站", "网址"]),
    (Address, &["address", "地址"]),
    (ContactName, &["contact_name", "联系人"]),
    (
        ContactEmail,
        &["contact_email", "email", "联系邮箱", "邮箱", "电子邮箱"],
    ),
    (
        ContactPhone,
        &["contact_phone", "phone", "联系电话", "电话"],
    ),
    (
        Ignored,
        &[
            "id",
            "编号",
            "region",
            "地区",
            "status",
            "状态",
            "leading_enterprise",
            "龙头企业",
            "created_(beijing_time)",
            "创建时间（北京时间）",
        ],
    ),
];

/// Columns a file must have.
pub const REQUIRED: [Column; 3] = [Kind, Name, RegionCode];

/// A header as compared: trimmed, lower case, spaces and hyphens as `_`, a trailing `*`
/// (templates mark required columns so) dropped.
pub fn normalize(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['*', '＊'])
        .trim()
        .to_lowercase()
        .replace([' ', '-'], "_")
}

impl Column {
    /// The column a header names, if any.
    pub fn parse(header: &str) -> Option<Column> {
        let h = normalize(header);
        NAMES
            .iter()
            .find(|(_, names)| names.contains(&h.as_str()))
            .map(|(c, _)| *c)
    }

    /// The column's key (its English header).
    pub fn key(self) -> &'static str {
        NAMES
            .iter()
            .find(|(c, _)| *c == self)
            .map_or("", |(_, names)| names[0])
    }

    /// The column a request field's error is about (`contact.email` -> contact_email).
    pub fn of_field(field: &str) -> Option<Column> {
        let key = field.replace('.', "_");
        NAMES
            .iter()
            .find(|(c, names)| *c != Ignored && names[0] == key)
            .map(|(c, _)| *c)
    }
}

/// Which column each position of the header row holds.
#[derive(Debug, Clone)]
pub struct Layout {
    header: Vec<String>,
    columns: Vec<Option<Column>>,
}

impl Layout {
    /// Read a header row; problems: unknown, repeated or missing columns.
    pub fn read(header: &[String]) -> (Layout, Vec<RowProblem>) {
        let mut problems = Vec::new();
        let mut columns: Vec<Option<Column>> = Vec::new();
        for h in header {
            let c = Column::parse(h);
            if h.trim().is_empty() {
                columns.push(None);
                continue;
            }
            match c {
                None => problems.push(RowProblem::of(h, ErrorCode::UnknownColumn)),
                Some(c) if c != Ignored && columns.contains(&Some(c)) => {
                    problems.push(RowProblem::of(h, ErrorCode::DuplicateColumn));
                }
                Some(_) => {}
            }
            columns.push(c);
        }
        for r in REQUIRED {
            if !columns.contains(&Some(r)) {
                problems.push(RowProblem::of(r.key(), ErrorCode::MissingColumn));
            }
        }
        let header = header.to_vec();
        (Layout { header, columns }, problems)
    }

    /// The trimmed value of column `c` in `cells` ("" when absent).
    pub fn value<'a>(&self, cells: &'a [String], c: Column) -> &'a str {
        self.columns
            .iter()
            .position(|x| *x == Some(c))
            .and_then(|i| cells.get(i))
            .map_or("", |v| v.trim())
    }

    /// The header of column `c` as the file wrote it (its key when the file has none).
    pub fn header(&self, c: Column) -> String {
        self.columns
            .iter()
            .position(|x| *x == Some(c))
            .and_then(|i| self.header.get(i))
            .map_or_else(|| c.key().to_owned(), |h| h.trim().to_owned())
    }

    /// Whether the file has column `c`.
    pub fn has(&self, c: Column) -> bool {
        self.columns.contains(&Some(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn headers_are_read_in_chinese_and_english() {
        assert_eq!(Column::parse("统一社会信用代码*"), Some(Uscc));
        assert_eq!(Column::parse(" Region Code "), Some(RegionCode));
        assert_eq!(Column::parse("English name"), Some(NameEn));
        assert_eq!(Column::parse("Created (Beijing time)"), Some(Ignored));
        assert_eq!(Column::parse("工资"), None);
        assert_eq!(Column::of_field("contact.email"), Some(ContactEmail));
        assert_eq!(Column::of_field("parent_id"), None);
    }

    #[test]
    fn unknown_repeated_and_missing_columns_are_named() {
        let (_, p) = Layout::read(&row(&["名称", "name", "工资", ""]));
        let got: Vec<_> = p.iter().map(|p| (p.column.as_str(), p.code)).collect();
        assert_eq!(
            got,
            [
                ("name", ErrorCode::DuplicateColumn),
                ("工资", ErrorCode::UnknownColumn),
                ("kind", ErrorCode::MissingColumn),
                ("region_code", ErrorCode::MissingColumn)
            ]
        );
        let (l, p) = Layout::read(&row(&["类型", "名称", "地区代码"]));
        assert!(p.is_empty());
        let cells = row(&["企业", " 钪业 "]);
        assert_eq!(l.value(&cells, Name), "钪业");
        assert_eq!(l.value(&cells, RegionCode), "");
        assert_eq!(l.value(&cells, Uscc), "");
        assert_eq!(l.header(Name), "名称");
        assert_eq!(l.header(Uscc), "uscc");
    }
}
