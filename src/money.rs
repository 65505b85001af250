//! Amounts of money in yuan: one range for every field that holds one, so that totals
//! over many rows stay far from the integer's limit.

use crate::error::{ErrorCode, FieldError, Text};

/// The largest amount a field accepts: one trillion yuan (10^12), above any single
/// contract or project the cluster will see. A sum of 9 million such amounts still fits
/// an `i64`; totals are added with checked arithmetic all the same.
pub const MAX_YUAN: i64 = 1_000_000_000_000;

/// Check an optional amount: 0 to `MAX_YUAN`.
pub fn check_yuan(field: &str, v: Option<i64>, errors: &mut Vec<FieldError>) {
    match v {
        Some(v) if v < 0 => errors.push(FieldError::new(
            field,
            ErrorCode::Negative,
            Text::key("problem.negative"),
        )),
        Some(v) if v > MAX_YUAN => errors.push(
            FieldError::new(
                field,
                ErrorCode::OutOfRange,
                Text::key("problem.out_of_range.yuan"),
            )
            .arg("max", MAX_YUAN),
        ),
        _ => {}
    }
}

/// Add amounts, failing instead of wrapping.
pub fn total(values: impl IntoIterator<Item = i64>) -> anyhow::Result<i64> {
    values.into_iter().try_fold(0i64, |acc, v| {
        acc.checked_add(v)
            .ok_or_else(|| anyhow::anyhow!("a money total overflows 64 bits"))
    })
}

/// `1234567` -> `1,234,567`.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(120_000_000), "120,000,000");
        assert_eq!(grouped(-1_234_567), "-1,234,567");
    }

    #[test]
    fn amounts_are_bounded_and_totals_do_not_wrap() {
        let mut errors = Vec::new();
        check_yuan("v", Some(MAX_YUAN), &mut errors);
        check_yuan("v", Some(0), &mut errors);
        check_yuan("v", None, &mut errors);
        assert!(errors.is_empty());
        check_yuan("v", Some(MAX_YUAN + 1), &mut errors);
        check_yuan("v", Some(-1), &mut errors);
        let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
        assert_eq!(codes, [ErrorCode::OutOfRange, ErrorCode::Negative]);
        assert_eq!(total([1, 2, 3]).ok(), Some(6));
        assert!(total([i64::MAX, 1]).is_err());
    }
}
