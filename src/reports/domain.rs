//! The vocabulary of the bureau's reports: which exports exist, the resolved filter
//! ([`Scope`]) and the counting helpers.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

crate::text_enum! {
    /// The exports (CSV and XLSX).
    pub enum Export {
        Organizations => "organizations",
        Needs => "needs",
        Capabilities => "capabilities",
        Interests => "interests",
        Participation => "participation",
        Projects => "projects",
    }
}

/// The resolved filter: the regions of the subtree asked for (`None`: everywhere) and the
/// time window `[from, to)`.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub regions: Option<Vec<String>>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

impl Scope {
    /// Whether `t` falls in the window.
    pub fn time(&self, t: NaiveDateTime) -> bool {
        self.from.is_none_or(|f| t >= f) && self.to.is_none_or(|x| t < x)
    }

    /// Whether region `r` is in scope.
    pub fn region(&self, r: &str) -> bool {
        self.regions
            .as_ref()
            .is_none_or(|rs| rs.iter().any(|x| x == r))
    }

    /// Both: a row of region `r` made at `t`.
    pub fn holds(&self, r: &str, t: NaiveDateTime) -> bool {
        self.region(r) && self.time(t)
    }
}

/// Counts by key, in key order.
pub type Counts = BTreeMap<String, i64>;

/// Count one more `key`.
pub fn bump(map: &mut Counts, key: &str) {
    *map.entry(key.to_owned()).or_default() += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn the_window_includes_from_and_excludes_to() {
        let s = Scope {
            regions: None,
            from: Some(at(8)),
            to: Some(at(10)),
        };
        assert!(!s.time(at(7)));
        assert!(s.time(at(8)));
        assert!(s.time(at(9)));
        assert!(!s.time(at(10)));
        assert!(Scope::default().time(at(0)));
    }

    #[test]
    fn regions_outside_the_subtree_are_out_of_scope() {
        let s = Scope {
            regions: Some(vec!["3716".into(), "371602".into()]),
            ..Scope::default()
        };
        assert!(s.region("371602"));
        assert!(!s.region("3717"));
        assert!(!s.holds("3717", at(1)));
        assert!(Scope::default().holds("anything", at(1)));
    }

    #[test]
    fn counts_bump_by_key() {
        let mut c = Counts::new();
        bump(&mut c, "b");
        bump(&mut c, "a");
        bump(&mut c, "b");
        assert_eq!(
            c.into_iter().collect::<Vec<_>>(),
            [("a".into(), 1), ("b".into(), 2)]
        );
    }
}
