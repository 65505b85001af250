//! The semantic part of matching: Universal Sentence Encoder multilingual v3 (crate
//! `usem3`, files in `models/usem3/`, embedded in the binary and checked against their
//! SHA-256 digests before use). A listing's title, keywords and description become one
//! 512-dim unit vector; the cosine of two vectors says how close two texts are in meaning,
//! across Chinese and English, even when they share no word.
//!
//! The encoder loads on first use (about 0.3 s). `COLLAB_SEMANTIC=off` turns the semantic
//! part off: listings are indexed without vectors and matching is lexical only.

use std::sync::OnceLock;

use anyhow::anyhow;
use sha2::{Digest, Sha256};

pub use usem3::DIM;

static WEIGHTS: &[u8] = include_bytes!("../../../models/usem3/weights.npz");
static SP_MODEL: &[u8] = include_bytes!("../../../models/usem3/sp.model");
/// Digests of the vendored files (also in `models/usem3/SHA256SUMS`).
const WEIGHTS_SHA256: &str = "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9";
const SP_MODEL_SHA256: &str = "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9";

/// Pieces of a listing's text that are encoded; the rest of a long description is left
/// out (its opening says what it is about, and the cost grows with the length).
pub const MAX_TOKENS: usize = 192;

/// Names the encoder's output: the vendored files and the piece budget. Part of the index
/// fingerprint (another model rebuilds the index) and of every [`text_digest`] (a stored
/// vector is reused only for the same text under the same model).
pub fn model_id() -> String {
    format!("usem3 {WEIGHTS_SHA256} {SP_MODEL_SHA256} {MAX_TOKENS}")
}

/// What a listing's vector depends on: [`model_id`] and the encoded text (SHA-256, first
/// 16 bytes: no text can be made to borrow another's vector).
pub fn text_digest(text: &str) -> [u8; 16] {
    let mut h = Sha256::new();
    h.update(model_id().as_bytes());
    h.update([0]);
    h.update(text.as_bytes());
    let d = h.finalize();
    let mut out = [0; 16];
    out.copy_from_slice(&d[..16]);
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks that `bytes` has the SHA-256 digest `expected`.
pub fn check_digest(name: &str, bytes: &[u8], expected: &str) -> anyhow::Result<()> {
    let found = hex(&Sha256::digest(bytes));
    if found == expected {
        Ok(())
    } else {
        Err(anyhow!(
            "models/usem3/{name}: SHA-256 {found}, expected {expected}: the file is damaged or was replaced"
        ))
    }
}

fn load() -> anyhow::Result<usem3::Encoder> {
    check_digest("weights.npz", WEIGHTS, WEIGHTS_SHA256)?;
    check_digest("sp.model", SP_MODEL, SP_MODEL_SHA256)?;
    usem3::Encoder::new(WEIGHTS, SP_MODEL).map_err(|e| anyhow!("loading the sentence encoder: {e}"))
}

/// The shared encoder, loaded on first use.
pub fn encoder() -> anyhow::Result<&'static usem3::Encoder> {
    static ENCODER: OnceLock<Result<usem3::Encoder, String>> = OnceLock::new();
    ENCODER
        .get_or_init(|| load().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| anyhow!("{e}"))
}

/// Whether the semantic part is on (`COLLAB_SEMANTIC`, default on; `off`, `false` or `0`
/// turn it off).
pub fn enabled_by_env() -> bool {
    !matches!(
        std::env::var("COLLAB_SEMANTIC").as_deref().map(str::trim),
        Ok("off" | "false" | "0" | "no")
    )
}

/// The text encoded for a query: its text, then its keywords. A listing is encoded as the
/// query made from it (`title\ndescription` and its keywords), so a listing's stored
/// vector and a fresh encoding of the same listing as a query are one and the same.
pub fn query_text(text: &str, keywords: &[String]) -> String {
    let mut s = String::with_capacity(text.len() + 64);
    s.push_str(text);
    if !keywords.is_empty() {
        s.push_str(". ");
        s.push_str(&keywords.join(", "));
    }
    s
}

/// The text encoded for a listing.
pub fn listing_text(title: &str, keywords: &[String], description: &str) -> String {
    query_text(&format!("{title}\n{description}"), keywords)
}

/// The unit vector of `text` (at most [`MAX_TOKENS`] pieces).
pub fn embed(text: &str) -> anyhow::Result<[f32; DIM]> {
    let enc = encoder()?;
    Ok(enc.encode_ids(&enc.ids(text, MAX_TOKENS)))
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    struct Item {
        text: String,
        ids: Vec<u32>,
        vector_f32_le_base64: String,
    }

    #[derive(Deserialize)]
    struct Fixture {
        items: Vec<Item>,
    }

    /// Parity with the reference package (`tools/usem3_parity_fixture.py` made the fixture):
    /// identical pieces, and cosine >= 0.99 for every sentence.
    #[test]
    fn usem3_parity_with_the_reference_package() {
        let fixture: Fixture =
            serde_json::from_str(include_str!("../../../tests/fixtures/usem3_parity.json"))
                .unwrap();
        assert!(fixture.items.len() >= 50);
        let enc = encoder().unwrap();
        let (mut worst, mut sum) = (1.0f32, 0.0f32);
        for item in &fixture.items {
            assert_eq!(
                enc.tokenizer().encode(&item.text),
                item.ids,
                "pieces of {:?}",
                item.text
            );
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(&item.vector_f32_le_base64)
                .unwrap();
            let want: Vec<f32> = bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            assert_eq!(want.len(), DIM);
            let got = enc.encode(&item.text);
            let cos = usem3::cosine(&got, &want);
            assert!(cos >= 0.99, "cosine {cos} for {:?}", item.text);
            worst = worst.min(cos);
            sum += cos;
        }
        println!(
            "usem3 parity: {} sentences, worst cosine {worst:.6}, mean {:.6}",
            fixture.items.len(),
            sum / fixture.items.len() as f32
        );
    }

    #[test]
    fn digests_are_checked() {
        assert!(check_digest("sp.model", SP_MODEL, SP_MODEL_SHA256).is_ok());
        let err = check_digest("sp.model", b"not the model", SP_MODEL_SHA256).unwrap_err();
        assert!(err.to_string().contains("damaged"), "{err}");
    }

    #[test]
    fn meaning_crosses_languages() {
        let red_mud = embed("赤泥脱碱与建材化利用").unwrap();
        let en = embed("Dealkalization of red mud for building materials").unwrap();
        let other = embed("Cold chain logistics for frozen food").unwrap();
        assert!(usem3::cosine(&red_mud, &en) > usem3::cosine(&red_mud, &other) + 0.1);
    }
}
