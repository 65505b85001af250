//! Engine tests of the hybrid ranking: meaning without shared words, scores that stay put,
//! structured fit held to relevance, and the lexical fallback.

use super::tests::*;
use super::*;

#[test]
fn meaning_finds_a_capability_that_shares_no_word() {
    let e = engine_with(&[
        cap(
            "dairy",
            "Shelf-life extension of dairy products",
            "High-pressure processing and protective cultures keep yoghurt and fresh cheese longer.",
        ),
        cap(
            "gear",
            "Gear grinding",
            "Profile modification of helical gears for quiet gearboxes.",
        ),
        cap(
            "slag",
            "Steel slag aggregates",
            "Aged converter slag as aggregate in asphalt roads.",
        ),
    ]);
    let ms = e
        .search(
            &Query::text("如何延长酸奶的保质期", Side::Capability),
            &tree(),
            10,
        )
        .unwrap();
    assert_eq!(ids(&ms).first(), Some(&"dairy"), "{ms:?}");
    let m = &ms[0];
    assert!(m.explanation.matched_terms.is_empty(), "{m:?}");
    assert!(m.explanation.contributions.semantic > 0.0);
    let sim = m.explanation.semantic_similarity.unwrap();
    assert!(
        m.explanation
            .summary
            .iter()
            .any(|s| s.starts_with("semantically") && s.ends_with(&format!("{sim:.2}"))),
        "{:?}",
        m.explanation.summary
    );
}

#[test]
fn a_pair_keeps_its_score_when_unrelated_listings_are_published() {
    let mut q = Query::text("赤泥中铁的回收与综合利用", Side::Capability);
    q.trl = Some(5);
    let e = engine_with(&corpus());
    let before = e.search(&q, &tree(), 10).unwrap();
    for (i, (t, d)) in [
        ("Cold chain logistics", "Refrigerated transport of fruit."),
        (
            "Iron ore pellet plant",
            "Induration of iron ore pellets in a grate kiln.",
        ),
        ("纺织品抗菌整理", "棉织物的抗菌整理剂。"),
    ]
    .iter()
    .enumerate()
    {
        e.upsert(&cap(&format!("new{i}"), t, d)).unwrap();
        e.upsert(&doc(&format!("need{i}"), Side::Need, t, d))
            .unwrap();
    }
    e.commit(2).unwrap();
    let after = e.search(&q, &tree(), 20).unwrap();
    for m in &before {
        let again = after.iter().find(|a| a.id == m.id).unwrap();
        assert_eq!(again.score, m.score, "{} moved", m.id);
        assert_eq!(again.explanation.contributions, m.explanation.contributions);
        assert_eq!(
            m.score,
            (m.score * 1000.0).round() / 1000.0,
            "three decimals"
        );
    }
}

#[test]
fn structured_fit_cannot_lift_a_listing_about_something_else() {
    let mut docs = corpus();
    for d in &mut docs {
        d.trl = Some(if d.id.as_str() == "dye" { 9 } else { 2 });
    }
    let e = engine_with(&docs);
    let mut q = Query::text("Iron recovery from bauxite residue", Side::Capability);
    q.trl = Some(6);
    let ms = e.search(&q, &tree(), 10).unwrap();
    let dye = ms.iter().find(|m| m.id.as_str() == "dye");
    assert!(rank(&ms, "iron") < rank(&ms, "dye"), "{:?}", ids(&ms));
    if let Some(dye) = dye {
        assert!(dye.explanation.contributions.trl < 0.05, "{dye:?}");
    }
}

#[test]
fn semantic_off_is_lexical_only() {
    let e = lexical_engine_with(&corpus());
    let ms = e
        .search(
            &Query::text("赤泥中铁的回收与综合利用", Side::Capability),
            &tree(),
            10,
        )
        .unwrap();
    assert!(!ms.is_empty());
    for m in &ms {
        assert_eq!(m.explanation.semantic_similarity, None);
        assert_eq!(m.explanation.contributions.semantic, 0.0);
        assert!(!m.explanation.matched_terms.is_empty(), "{m:?}");
    }
}
