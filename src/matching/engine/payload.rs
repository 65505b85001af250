//! The index's commit payload: the fingerprint of what the index was built with (schema,
//! analysis, glossary, model) and the position of the last change applied.

use super::analysis::Lexicon;
use super::glossary::fnv1a;
use super::semantic;

/// Bump when the schema or the analysis changes: indexes built before are rebuilt.
const SCHEMA_VERSION: u32 = 4;
/// Prefix of the commit payload.
const PAYLOAD_TAG: &str = "collab-matching";

pub(super) fn fingerprint(lexicon: &Lexicon, semantic: bool) -> String {
    let sem = if semantic {
        semantic::model_id()
    } else {
        "lexical".to_string()
    };
    let seed = format!(
        "{SCHEMA_VERSION}:{sem}:{:016x}",
        lexicon.glossary.fingerprint()
    );
    format!("{:016x}", fnv1a(seed.as_bytes()))
}

pub(super) fn payload(fingerprint: &str, position: Option<i64>) -> String {
    let pos = position.map_or_else(|| "none".to_string(), |p| p.to_string());
    format!("{PAYLOAD_TAG} fp={fingerprint} pos={pos}")
}

/// `(fingerprint, position)` of a payload written by [`payload`].
pub(super) fn parse_payload(p: &str) -> Option<(String, Option<i64>)> {
    let mut parts = p.split_whitespace();
    if parts.next() != Some(PAYLOAD_TAG) {
        return None;
    }
    let fp = parts.next()?.strip_prefix("fp=")?.to_string();
    let pos = parts.next()?.strip_prefix("pos=")?;
    Some((fp, pos.parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trip() {
        assert_eq!(
            parse_payload(&payload("ab", Some(-3))),
            Some(("ab".into(), Some(-3)))
        );
        assert_eq!(
            parse_payload(&payload("ab", None)),
            Some(("ab".into(), None))
        );
        assert_eq!(parse_payload("something else"), None);
    }
}
