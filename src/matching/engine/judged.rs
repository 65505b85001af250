//! Retrieval quality on judged sets of needs and capabilities in both languages, graded
//! 3 (solves it), 2 (strongly related), 1 (near miss: same material, other problem);
//! unjudged = 0. Mean nDCG@10 over the needs, each need run as the service runs it.
//!
//! - `tests/fixtures/matching_judged_set.json` (issue 13): 64 needs and 303 capabilities,
//!   texts only (no fields or modes), a third of the profiles distractors from other
//!   industries that share words with aluminium topics; written and graded before any
//!   tuning (`tools/judged_set/`). Needs of odd topics are the tuning half, even topics the
//!   held-out half; the floors are on the held-out half.
//! - `tests/fixtures/matching_judgments.json` (issue 5): 16 needs, 50 capabilities, with
//!   fields and modes. Tuned on; kept as a regression test.

use std::collections::HashMap;

use serde::Deserialize;

use super::*;

#[derive(Deserialize)]
struct Item {
    id: String,
    language: String,
    title: String,
    description: String,
    keywords: Vec<String>,
    field_codes: Vec<String>,
    modes: Vec<String>,
    trl: Option<u8>,
    #[serde(default)]
    judgments: HashMap<String, u8>,
    #[serde(default)]
    split: Option<String>,
}

#[derive(Deserialize)]
struct Fixture {
    needs: Vec<Item>,
    capabilities: Vec<Item>,
}

fn field_tree() -> FieldTree {
    let mut pairs = Vec::new();
    let mut rows = csv::Reader::from_reader(include_str!("../../../seed/fields.csv").as_bytes());
    for row in rows.records() {
        let row = row.unwrap();
        let parent = Some(row[1].to_owned()).filter(|p| !p.is_empty());
        pairs.push((row[0].to_owned(), parent));
    }
    FieldTree::new(&pairs)
}

fn gain(rel: u8) -> f64 {
    f64::from((1u32 << rel) - 1)
}

/// nDCG@k of a ranking against graded judgments.
fn ndcg_at(k: usize, ranked: &[String], judged: &HashMap<String, u8>) -> f64 {
    let discount = |i: usize| 1.0 / ((i + 2) as f64).log2();
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, id)| gain(judged.get(id).copied().unwrap_or(0)) * discount(i))
        .sum();
    let mut ideal: Vec<u8> = judged.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, r)| gain(*r) * discount(i))
        .sum();
    if idcg == 0.0 { 1.0 } else { dcg / idcg }
}

/// One need's result.
struct Scored {
    split: Option<String>,
    /// All of the need's best answers are in the other language.
    cross: bool,
    ndcg: f64,
}

/// Mean nDCG@10 over needs that pass `keep`, and how many there were.
fn mean(scores: &[Scored], keep: impl Fn(&Scored) -> bool) -> (f64, usize) {
    let v: Vec<f64> = scores.iter().filter(|s| keep(s)).map(|s| s.ndcg).collect();
    (v.iter().sum::<f64>() / v.len().max(1) as f64, v.len())
}

/// Indexes the capabilities, runs every need as the service does (title and description
/// as text, its keywords, fields, modes and TRL) and scores the ranking.
fn evaluate(json: &str) -> Vec<Scored> {
    let fixture: Fixture = serde_json::from_str(json).unwrap();
    let engine = Engine::in_memory().unwrap();
    let language: HashMap<&str, &str> = fixture
        .capabilities
        .iter()
        .map(|c| (c.id.as_str(), c.language.as_str()))
        .collect();
    for c in &fixture.capabilities {
        engine
            .upsert(&Doc {
                id: c.id.as_str().into(),
                side: Side::Capability,
                organization_id: format!("org-{}", c.id).into(),
                title: c.title.clone(),
                description: c.description.clone(),
                keywords: c.keywords.clone(),
                field_codes: c.field_codes.clone(),
                modes: c.modes.clone(),
                trl: c.trl,
                region_code: None,
            })
            .unwrap();
    }
    engine.commit(1).unwrap();
    let tree = field_tree();
    let mut out = Vec::new();
    for n in &fixture.needs {
        let query = Query {
            text: format!("{}\n{}", n.title, n.description),
            keywords: n.keywords.clone(),
            target: Side::Capability,
            field_codes: n.field_codes.clone(),
            modes: n.modes.clone(),
            trl: n.trl,
            region_code: None,
            exclude_id: None,
            exclude_organization: None,
        };
        let found = engine.search(&query, &tree, 10).unwrap();
        let ranked: Vec<String> = found.into_iter().map(|m| m.id.into_string()).collect();
        let ndcg = ndcg_at(10, &ranked, &n.judgments);
        let top = n.judgments.values().copied().max().unwrap_or(0);
        let cross = n
            .judgments
            .iter()
            .filter(|(_, g)| **g == top)
            .all(|(id, _)| language.get(id.as_str()) != Some(&n.language.as_str()));
        println!(
            "{} ({}){}: nDCG@10 = {ndcg:.3}  top: {:?}",
            n.id,
            n.language,
            if cross { " cross" } else { "" },
            &ranked[..ranked.len().min(5)]
        );
        out.push(Scored {
            split: n.split.clone(),
            cross,
            ndcg,
        });
    }
    out
}

#[test]
fn ndcg_formula_matches_a_hand_computed_case() {
    let judged = HashMap::from([("a".to_owned(), 3), ("b".to_owned(), 1)]);
    let perfect = ndcg_at(10, &["a".into(), "b".into()], &judged);
    assert!((perfect - 1.0).abs() < 1e-9);
    // Swapped: (1 + 7/log2(3)) / (7 + 1/log2(3)).
    let swapped = ndcg_at(10, &["b".into(), "a".into()], &judged);
    let expected = (1.0 + 7.0 / 3f64.log2()) / (7.0 + 1.0 / 3f64.log2());
    assert!((swapped - expected).abs() < 1e-9);
    assert_eq!(ndcg_at(10, &["x".into()], &judged), 0.0);
}

/// Regression floors on the old fixture (tuned on: 0.936 / 0.933 on 2026-12-01).
const OLD_FLOOR_ALL: f64 = 0.90;
const OLD_FLOOR_CROSS_LANGUAGE: f64 = 0.90;

#[test]
fn judged_fixture_ndcg_at_10_stays_above_the_floor() {
    let scores = evaluate(include_str!(
        "../../../tests/fixtures/matching_judgments.json"
    ));
    let (all, n) = mean(&scores, |_| true);
    let (cross, nc) = mean(&scores, |s| s.cross);
    println!(
        "old fixture: mean nDCG@10 = {all:.3} over {n} needs; cross-language {cross:.3} over {nc}"
    );
    assert!(nc > 0, "the fixture must keep cross-language cases");
    assert!(
        all >= OLD_FLOOR_ALL,
        "mean nDCG@10 {all:.3} fell below {OLD_FLOOR_ALL}"
    );
    assert!(
        cross >= OLD_FLOOR_CROSS_LANGUAGE,
        "cross-language nDCG@10 {cross:.3} fell below {OLD_FLOOR_CROSS_LANGUAGE}"
    );
}

/// Floors on the held-out half of the judged set (docs/BENCHMARKS.md has the figures).
/// 2026-12-02: lexical engine before the encoder 0.658 all, 0.748 same-language, 0.429
/// cross-language; hybrid ranking 0.807, 0.839, 0.724.
/// Raise them when ranking improves; never lower them quietly.
const HELD_OUT_FLOOR_ALL: f64 = 0.79;
const HELD_OUT_FLOOR_SAME_LANGUAGE: f64 = 0.82;
const HELD_OUT_FLOOR_CROSS_LANGUAGE: f64 = 0.70;

#[test]
fn judged_set_held_out_ndcg_at_10_stays_above_the_floor() {
    let scores = evaluate(include_str!(
        "../../../tests/fixtures/matching_judged_set.json"
    ));
    for split in ["tuning", "held_out"] {
        let of = |s: &Scored| s.split.as_deref() == Some(split);
        let (all, n) = mean(&scores, of);
        let (same, ns) = mean(&scores, |s| of(s) && !s.cross);
        let (cross, nc) = mean(&scores, |s| of(s) && s.cross);
        println!(
            "judged set, {split}: nDCG@10 all {all:.3} ({n} needs), same-language {same:.3} ({ns}), cross-language {cross:.3} ({nc})"
        );
        assert!(
            n >= 30 && ns > 0 && nc > 0,
            "{split}: {n} needs, {ns} same, {nc} cross"
        );
        if split == "held_out" {
            assert!(
                all >= HELD_OUT_FLOOR_ALL,
                "held-out nDCG@10 {all:.3} fell below {HELD_OUT_FLOOR_ALL}"
            );
            assert!(
                same >= HELD_OUT_FLOOR_SAME_LANGUAGE,
                "held-out same-language nDCG@10 {same:.3} fell below {HELD_OUT_FLOOR_SAME_LANGUAGE}"
            );
            assert!(
                cross >= HELD_OUT_FLOOR_CROSS_LANGUAGE,
                "held-out cross-language nDCG@10 {cross:.3} fell below {HELD_OUT_FLOOR_CROSS_LANGUAGE}"
            );
        }
    }
}
