//! The Unified Social Credit Code (GB 32100-2015): the whole rule, in one place, for every
//! path that takes a code (registration, edit, the demo data, the bulk import).
//!
//! 1. The code is normalized as people type it: NFKC (full-width `９１３７…` from a Chinese
//!    input method becomes `9137…`), spaces and hyphens dropped, upper-cased.
//! 2. It must then be 18 characters of `0-9A-Y` without `I O S V Z`, or it is refused
//!    (`uscc_malformed`, the message says what is accepted).
//! 3. A check character (the 18th) that disagrees is accepted, flagged for the bureau
//!    (`uscc_flagged`) and explained by a warning (`uscc_check_character`).
//! 4. Characters 3-8 are the administrative division code of the registering authority; one
//!    that belongs to no region on the organization's region's path (the region, the regions
//!    above it and those below it) is accepted with a warning (`uscc_region_mismatch`).
//!
//! [`check`] applies all four; [`Uscc::parse`] the first three (no database), and
//! [`region_warning`] the fourth.

use crate::error::ErrorCode;
use unicode_normalization::UnicodeNormalization;

use super::taxonomy::{Taxonomy, model as taxonomy_model};
use crate::db::DbConnection;
use crate::error::{ApiError, FieldError};

const USCC_CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A region as the division check reads it: (code, parent code, administrative division code).
pub type RegionRow = (String, Option<String>, Option<String>);

/// A well-formed Unified Social Credit Code, normalized. `check_ok` is false when the check
/// character disagrees (accepted, but flagged for the bureau); `warnings` say why, and
/// whatever else deserves the bureau's look (field `uscc`).
#[derive(Debug, Clone, PartialEq)]
pub struct Uscc {
    pub code: String,
    pub check_ok: bool,
    pub warnings: Vec<FieldError>,
}

/// A code as people type it, normalized: NFKC, without whitespace or hyphens (of any
/// width or kind), upper-cased.
pub fn normalize(raw: &str) -> String {
    raw.nfkc()
        .filter(|c| !c.is_whitespace() && !is_hyphen(*c))
        .flat_map(char::to_uppercase)
        .collect()
}

fn is_hyphen(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{30FC}' | '\u{00AD}'
    )
}

impl Uscc {
    /// The check character for the first 17 characters of a code.
    pub fn check_char(prefix: &str) -> Option<char> {
        if prefix.len() != 17 {
            return None;
        }
        let mut sum = 0;
        for (b, w) in prefix.bytes().zip(USCC_WEIGHTS) {
            sum += USCC_CHARSET.iter().position(|&c| c == b)? as u32 * w;
        }
        Some(USCC_CHARSET[((31 - sum % 31) % 31) as usize] as char)
    }

    /// Normalize and check the form and the check character (steps 1-3, no database).
    pub fn parse(raw: &str) -> Result<Uscc, FieldError> {
        let code = normalize(raw);
        let malformed = || {
            let got = code.chars().count();
            FieldError::of("uscc", ErrorCode::UsccMalformed)
                .arg("got", got)
                .arg("code", code.as_str())
        };
        if code.len() != 18 || !code.bytes().all(|b| USCC_CHARSET.contains(&b)) {
            return Err(malformed());
        }
        let expected = Self::check_char(&code[..17]).ok_or_else(malformed)?;
        let check_ok = code.ends_with(expected);
        let mut warnings = Vec::new();
        if !check_ok {
            warnings.push(
                FieldError::of("uscc", ErrorCode::UsccCheckCharacter)
                    .arg("expected", expected)
                    .arg("got", &code[17..]),
            );
        }
        Ok(Uscc {
            code,
            check_ok,
            warnings,
        })
    }

    /// Characters 3-8: the administrative division code of the registering authority.
    pub fn division(&self) -> &str {
        &self.code[2..8]
    }
}

/// The warning when characters 3-8 of `uscc` fit no region on `region_code`'s path, from
/// (code, parent, admin code) rows of the region table. A region without an administrative
/// division code (a development zone) takes its nearest ancestor's, at that level: any
/// division below a city's code, a county's exactly. No code anywhere on the path, no
/// warning.
pub fn division_warning(
    uscc: &Uscc,
    region_code: &str,
    regions: &[RegionRow],
) -> Option<FieldError> {
    let find = |c: &str| regions.iter().find(|r| r.0 == c);
    let region = find(region_code)?;
    let mut allowed: Vec<String> = Vec::new();
    let mut r = Some(region);
    let mut nearest: Option<&str> = None;
    while let Some(x) = r {
        if let Some(a) = x.2.as_deref() {
            nearest.get_or_insert(a);
            allowed.push(a.to_owned());
        }
        r = x.1.as_deref().and_then(find);
    }
    let below = super::taxonomy::subtree(
        &regions
            .iter()
            .map(|r| (r.0.clone(), r.1.clone()))
            .collect::<Vec<_>>(),
        region_code,
    );
    allowed.extend(
        below
            .iter()
            .filter_map(|c| find(c).and_then(|r| r.2.clone())),
    );
    let nearest = nearest?;
    let division = uscc.division();
    let prefix = if region.2.is_none() {
        nearest.trim_end_matches("00")
    } else {
        nearest
    };
    if allowed.iter().any(|a| a == division) || (region.2.is_none() && division.starts_with(prefix))
    {
        return None;
    }
    Some(
        FieldError::of("uscc", ErrorCode::UsccRegionMismatch)
            .arg("division", division)
            .arg("region", region_code)
            .arg("nearest", nearest),
    )
}

/// Add the division warning for `region_code` to `uscc` (step 4).
pub fn region_warning(
    conn: &mut DbConnection,
    uscc: &mut Uscc,
    region_code: &str,
) -> Result<(), ApiError> {
    let regions = region_rows(conn)?;
    uscc.warnings
        .extend(division_warning(uscc, region_code, &regions));
    Ok(())
}

/// (code, parent, admin code) of every region.
pub fn region_rows(conn: &mut DbConnection) -> Result<Vec<RegionRow>, ApiError> {
    Ok(taxonomy_model::all(conn, Taxonomy::Regions)?
        .into_iter()
        .map(|e| (e.code, e.parent_code, e.admin_code))
        .collect())
}

/// The whole rule for a code `raw` given for an organization of region `region_code`:
/// normalized, refused if malformed (422 `uscc_malformed`, field `uscc`), otherwise the code
/// with `check_ok` and its warnings. Whether another organization already has the code is
/// the caller's check (`model::uscc_taken`). For every path that takes a USCC.
pub fn check(conn: &mut DbConnection, raw: &str, region_code: &str) -> Result<Uscc, ApiError> {
    let mut u = Uscc::parse(raw).map_err(|e| ApiError::invalid(vec![e]))?;
    region_warning(conn, &mut u, region_code)?;
    Ok(u)
}

/// The warnings about an organization's stored code (for the views the bureau reviews).
pub fn stored_warnings(
    code: Option<&str>,
    region_code: &str,
    regions: &[RegionRow],
) -> Vec<FieldError> {
    let Some(u) = code.and_then(|c| Uscc::parse(c).ok()) else {
        return Vec::new();
    };
    let mut w = u.warnings.clone();
    w.extend(division_warning(&u, region_code, regions));
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<RegionRow> {
        let r = |c: &str, p: Option<&str>, a: Option<&str>| {
            (c.to_owned(), p.map(str::to_owned), a.map(str::to_owned))
        };
        vec![
            r("binzhou", None, Some("371600")),
            r("bincheng", Some("binzhou"), Some("371602")),
            r("zouping", Some("binzhou"), Some("371681")),
            r("binzhou-hitech", Some("binzhou"), None),
            r("zouping-etdz", Some("zouping"), None),
            r("elsewhere", None, None),
        ]
    }

    /// A well-formed code with the right check character for division `d`.
    fn code_in(d: &str) -> Uscc {
        let prefix = format!("91{d}MA3C0000");
        let prefix = format!("{prefix}{}", &"0000000"[..17 - prefix.len()]);
        let code = format!("{prefix}{}", Uscc::check_char(&prefix).unwrap());
        let u = Uscc::parse(&code).unwrap();
        assert!(u.check_ok, "{code}");
        u
    }

    fn mismatch(d: &str, region: &str) -> bool {
        division_warning(&code_in(d), region, &rows()).is_some()
    }

    #[test]
    fn the_standard_test_vectors_behave_as_stated() {
        let ok = Uscc::parse("91110000600037341L").unwrap();
        assert!(ok.check_ok && ok.warnings.is_empty());
        assert!(Uscc::parse("91430111MA4L41YT1U").unwrap().check_ok);
        let flagged = Uscc::parse("91350100M0001TGQXM").unwrap();
        assert!(!flagged.check_ok);
        assert_eq!(flagged.warnings[0].code, ErrorCode::UsccCheckCharacter);
        assert!(
            flagged.warnings[0].message.contains("`1`, not `M`"),
            "{:?}",
            flagged.warnings
        );
        assert_eq!(
            Uscc::parse("91110000600037341I").unwrap_err().code,
            ErrorCode::UsccMalformed
        );
    }

    #[test]
    fn codes_typed_with_a_chinese_input_method_are_normalized() {
        for typed in [
            " 91430111ma4l41yt1u ",
            "９１４３０１１１ＭＡ４Ｌ４１ＹＴ１Ｕ",
            "９１４３　０１１１　ｍａ４ｌ　４１ｙｔ１ｕ",
            "914301-11MA4L-41YT1U",
            "914301－11MA4L—41YT1U",
        ] {
            let u = Uscc::parse(typed).unwrap();
            assert_eq!(u.code, "91430111MA4L41YT1U", "{typed}");
            assert!(u.check_ok);
        }
        let e = Uscc::parse("9143011").unwrap_err();
        assert!(
            e.message.contains("full-width") && e.message.contains("18"),
            "{}",
            e.message
        );
        assert!(Uscc::parse("91430111MA4L41YT1UX").is_err());
        assert!(Uscc::parse("９１４３０１１１ＭＡ４Ｌ４１ＹＴ１Ｕ９").is_err());
    }

    #[test]
    fn the_division_fits_the_region_its_ancestors_or_descendants() {
        assert!(!mismatch("371681", "zouping"));
        assert!(!mismatch("371600", "zouping"), "registered at the city");
        assert!(!mismatch("371602", "binzhou"), "a district of the city");
        assert!(mismatch("371602", "zouping"), "another district");
        assert!(mismatch("430111", "binzhou"), "another province");
        assert!(
            !mismatch("371681", "zouping-etdz"),
            "a zone takes its county's code"
        );
        assert!(mismatch("371602", "zouping-etdz"));
        assert!(
            !mismatch("371671", "binzhou-hitech"),
            "a zone under the city: any division of the city"
        );
        assert!(mismatch("430111", "binzhou-hitech"));
        assert!(
            !mismatch("430111", "elsewhere"),
            "no code on the path, no warning"
        );
        assert!(!mismatch("430111", "unknown"));
        let w = division_warning(&code_in("371602"), "zouping", &rows()).unwrap();
        assert_eq!(w.code, ErrorCode::UsccRegionMismatch);
        assert!(
            w.message.contains("371602") && w.message.contains("371681"),
            "{}",
            w.message
        );
    }
}
