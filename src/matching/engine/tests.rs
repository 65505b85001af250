//! Engine-level tests: cross-language retrieval, re-ranking, writes and persistence.
//! Timing lives in `collab-registry bench match` (docs/BENCHMARKS.md), not in tests.

use super::*;

pub(super) fn doc(id: &str, side: Side, title: &str, description: &str) -> Doc {
    Doc {
        id: id.into(),
        side,
        organization_id: format!("org-{id}").into(),
        title: title.into(),
        description: description.into(),
        keywords: vec![],
        field_codes: vec![],
        modes: vec![],
        trl: None,
        region_code: None,
    }
}

pub(super) fn cap(id: &str, title: &str, description: &str) -> Doc {
    doc(id, Side::Capability, title, description)
}

pub(super) fn tree() -> FieldTree {
    FieldTree::new(&[
        ("alumina".into(), None),
        ("alumina.red-mud".into(), Some("alumina".into())),
        ("alumina.bayer-process".into(), Some("alumina".into())),
        ("casting".into(), None),
    ])
}

pub(super) fn engine_with(docs: &[Doc]) -> Engine {
    let e = Engine::in_memory().unwrap();
    for d in docs {
        e.upsert(d).unwrap();
    }
    e.commit(1).unwrap();
    e
}

pub(super) fn corpus() -> Vec<Doc> {
    vec![
        cap(
            "iron",
            "Iron recovery from bauxite residue by magnetic separation",
            "We recover iron concentrate from Bayer process residue with high-gradient magnetic separation.",
        ),
        cap(
            "brick",
            "Red mud based building materials",
            "Bricks, cement and ceramsite made from bauxite residue; red mud utilisation in construction.",
        ),
        cap(
            "die",
            "Die-casting mould design",
            "Design and life extension of die casting moulds and tool steel dies for aluminium parts.",
        ),
        cap(
            "dye",
            "Textile dyeing wastewater treatment",
            "Advanced oxidation for dyeing and printing effluent.",
        ),
        cap(
            "zh-die",
            "压铸模具设计与寿命提升",
            "针对铝合金压铸模具的热疲劳与表面强化。",
        ),
        cap(
            "zh-dye",
            "印染废水深度处理",
            "印染企业废水的高级氧化与回用技术。",
        ),
        cap(
            "zh-iron",
            "赤泥选铁与铁精粉制备",
            "采用强磁选从拜耳法赤泥中回收铁精矿，实现赤泥综合利用。",
        ),
        doc(
            "need-x",
            Side::Need,
            "Iron recovery from red mud",
            "An enterprise need, not a capability.",
        ),
    ]
}

pub(super) fn ids(ms: &[Match]) -> Vec<&str> {
    ms.iter().map(|m| m.id.as_str()).collect()
}

pub(super) fn rank(ms: &[Match], id: &str) -> usize {
    ms.iter()
        .position(|m| m.id.as_str() == id)
        .unwrap_or(usize::MAX)
}

#[test]
fn chinese_need_finds_english_capability_through_the_glossary() {
    let e = engine_with(&corpus());
    let ms = e
        .search(
            &Query::text("赤泥中铁的回收与综合利用", Side::Capability),
            &tree(),
            10,
        )
        .unwrap();
    let iron = rank(&ms, "iron");
    assert!(
        iron < rank(&ms, "die") && iron < rank(&ms, "dye"),
        "{:?}",
        ids(&ms)
    );
    assert!(
        iron < rank(&ms, "zh-die") && iron < rank(&ms, "zh-dye"),
        "{:?}",
        ids(&ms)
    );
    assert!(!ids(&ms).contains(&"need-x"), "wrong side returned");
    let m = &ms[iron];
    let link = m
        .explanation
        .matched_terms
        .iter()
        .filter_map(|t| t.glossary.as_deref());
    assert!(
        link.clone()
            .any(|g| g.contains("赤泥") && g.contains("bauxite residue")),
        "{:#?}",
        m.explanation
    );
}

#[test]
fn english_need_finds_chinese_capability() {
    let e = engine_with(&corpus());
    let ms = e
        .search(
            &Query::text("iron recovery from red mud", Side::Capability),
            &tree(),
            10,
        )
        .unwrap();
    let zh = rank(&ms, "zh-iron");
    assert!(
        zh < rank(&ms, "zh-die") && zh < rank(&ms, "zh-dye") && zh < rank(&ms, "brick"),
        "{:?}",
        ids(&ms)
    );
    let m = &ms[zh];
    assert!(
        m.explanation
            .matched_terms
            .iter()
            .any(|t| t.glossary.as_deref().is_some_and(|g| g.contains("赤泥"))),
        "{:#?}",
        m.explanation
    );
}

#[test]
fn near_miss_ranks_below_the_real_match() {
    let e = engine_with(&corpus());
    for text in ["Recovering iron from red mud", "赤泥提铁技术"] {
        let ms = e
            .search(&Query::text(text, Side::Capability), &tree(), 10)
            .unwrap();
        assert!(
            rank(&ms, "iron") < rank(&ms, "brick"),
            "{text}: {:?}",
            ids(&ms)
        );
        assert!(
            rank(&ms, "brick") != usize::MAX,
            "{text}: same material should still be found"
        );
    }
}

#[test]
fn trl_below_requirement_ranks_lower() {
    let mut low = cap("low", "Magnetic separation of red mud", "Iron recovery.");
    low.trl = Some(3);
    let mut high = cap("high", "Magnetic separation of red mud", "Iron recovery.");
    high.trl = Some(8);
    let e = engine_with(&[low, high]);
    let mut q = Query::text("red mud magnetic separation", Side::Capability);
    q.trl = Some(6);
    let ms = e.search(&q, &tree(), 10).unwrap();
    assert_eq!(ids(&ms), ["high", "low"]);
    assert_eq!(ms[0].explanation.trl_fit, "meets");
    assert_eq!(ms[1].explanation.trl_fit, "below");
}

#[test]
fn contributions_sum_to_score_and_structure_counts() {
    let mut docs = corpus();
    docs[0].field_codes = vec!["alumina.red-mud".into()];
    docs[0].modes = vec!["joint_rnd".into(), "licensing".into()];
    docs[0].region_code = Some("371600".into());
    docs[0].trl = Some(7);
    docs[1].field_codes = vec!["alumina.bayer-process".into()];
    let e = engine_with(&docs);
    let mut q = Query::text("赤泥 iron recovery, 铝灰 and die casting", Side::Capability);
    q.field_codes = vec!["alumina.red-mud".into()];
    q.modes = vec!["joint_rnd".into()];
    q.trl = Some(6);
    q.region_code = Some("371600".into());
    let ms = e.search(&q, &tree(), 10).unwrap();
    assert!(!ms.is_empty());
    for m in &ms {
        assert!((0.0..=1.0).contains(&m.score), "{}", m.score);
        assert!((m.explanation.contributions.total() - m.score).abs() < 1e-4);
    }
    let top = &ms[0];
    assert_eq!(top.id.as_str(), "iron");
    assert_eq!(top.explanation.shared_fields, ["alumina.red-mud"]);
    assert_eq!(top.explanation.shared_modes, ["joint_rnd"]);
    assert!(top.explanation.same_region);
    let brick = &ms[rank(&ms, "brick")];
    assert_eq!(brick.explanation.shared_fields, ["alumina.bayer-process"]);
    for w in ms.windows(2) {
        assert!(w[0].score > w[1].score || (w[0].score == w[1].score && w[0].id < w[1].id));
    }
}

#[test]
fn fields_alone_find_neighbouring_listings_of_the_target_side() {
    let mut docs = corpus();
    docs[1].field_codes = vec!["alumina.bayer-process".into()];
    docs[2].field_codes = vec!["casting".into()];
    docs[7].field_codes = vec!["alumina.red-mud".into()];
    let e = engine_with(&docs);
    let mut q = Query::text("", Side::Capability);
    q.field_codes = vec!["alumina.red-mud".into()];
    let ms = e.search(&q, &tree(), 10).unwrap();
    assert_eq!(ids(&ms), ["brick"]);
    assert_eq!(ms[0].explanation.contributions.text, 0.0);
}

#[test]
fn exclusions_apply() {
    let e = engine_with(&corpus());
    let mut q = Query::text("iron recovery red mud", Side::Capability);
    q.exclude_id = Some("iron".into());
    q.exclude_organization = Some("org-zh-iron".into());
    let ms = e.search(&q, &tree(), 10).unwrap();
    assert!(
        !ids(&ms).contains(&"iron") && !ids(&ms).contains(&"zh-iron"),
        "{:?}",
        ids(&ms)
    );
}

pub(super) fn lexical_engine_with(docs: &[Doc]) -> Engine {
    let e = Engine::in_memory_with(false).unwrap();
    for d in docs {
        e.upsert(d).unwrap();
    }
    e.commit(1).unwrap();
    e
}

#[test]
fn upsert_replaces_delete_removes_clear_empties() {
    // Lexical only: the old words must stop finding a replaced listing (semantically a
    // renamed listing may still be close).
    let e = lexical_engine_with(&corpus());
    assert_eq!(e.len(), 8);
    let q = Query::text("textile dyeing", Side::Capability);
    assert_eq!(e.search(&q, &tree(), 1).unwrap()[0].id.as_str(), "dye");
    e.upsert(&cap("dye", "Aluminium anodizing", "Anodizing lines."))
        .unwrap();
    e.commit(2).unwrap();
    assert_eq!(e.len(), 8);
    assert!(!ids(&e.search(&q, &tree(), 10).unwrap()).contains(&"dye"));
    let anod = e
        .search(&Query::text("anodizing", Side::Capability), &tree(), 10)
        .unwrap();
    assert_eq!(ids(&anod), ["dye"]);
    e.delete(&"dye".into()).unwrap();
    e.commit(3).unwrap();
    assert_eq!(e.len(), 7);
    assert!(
        e.search(&Query::text("anodizing", Side::Capability), &tree(), 10)
            .unwrap()
            .is_empty()
    );
    e.clear().unwrap();
    e.commit(4).unwrap();
    assert_eq!(e.len(), 0);
    assert_eq!(e.position(), Some(4));
    assert!(
        e.search(&Query::text("iron", Side::Capability), &tree(), 10)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn reopening_keeps_position_and_search() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idx");
    {
        let (e, created) = Engine::open(&path).unwrap();
        assert!(created);
        assert_eq!(e.position(), None);
        for d in corpus() {
            e.upsert(&d).unwrap();
        }
        e.commit(42).unwrap();
    }
    let (e, created) = Engine::open(&path).unwrap();
    assert!(!created);
    assert_eq!(e.position(), Some(42));
    assert_eq!(e.len(), 8);
    // A second opener while this one holds the writer fails and wipes nothing.
    assert!(Engine::open(&path).is_err());
    assert_eq!(e.len(), 8);
    let ms = e
        .search(&Query::text("赤泥中铁的回收", Side::Capability), &tree(), 3)
        .unwrap();
    assert!(ids(&ms).contains(&"iron"), "{:?}", ids(&ms));
    // Replacing after a reopen still replaces (the side table was rebuilt).
    e.upsert(&cap("iron", "Anodizing", "Anodizing.")).unwrap();
    e.commit(43).unwrap();
    assert_eq!(e.len(), 8);
    drop(e);
    // A directory that is not an index is not clobbered; garbage in an index dir is rebuilt.
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "keep").unwrap();
    assert!(Engine::open(&other).is_err());
    std::fs::write(path.join("meta.json"), "garbage").unwrap();
    let (e, created) = Engine::open(&path).unwrap();
    assert!(created && e.is_empty());
}

#[test]
fn long_paragraph_queries_are_reduced_and_still_match() {
    let e = engine_with(&corpus());
    let text = "我公司是一家位于滨州的氧化铝生产企业，每年产生大量拜耳法赤泥，堆存占地且有环境风险。\
        我们希望与高校或科研院所合作，开发从赤泥中回收铁精矿的工艺，要求经济可行、能够在现有产线上中试，\
        同时希望尾渣可以进一步用于建材。We also welcome partners with experience in magnetic separation.";
    let ms = e
        .search(&Query::text(text, Side::Capability), &tree(), 5)
        .unwrap();
    assert!(
        ["iron", "zh-iron"].contains(&ms[0].id.as_str()),
        "{:?}",
        ids(&ms)
    );
}

#[test]
fn engine_is_send_and_sync() {
    fn shared<T: Send + Sync>() {}
    shared::<Engine>();
}
