//! The index schema: field names and options, and typed handles to the fields.

use anyhow::Context;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::Side;
use super::analysis::TOKENIZER_NAME;

/// The text fields of one side. Each side has its own, so that BM25
/// statistics are per side and a query's union only walks postings of the
/// target side.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SideFields {
    pub(crate) title: Field,
    pub(crate) keywords: Field,
    pub(crate) description: Field,
    pub(crate) concepts: Field,
}

/// Handles of the schema's fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    pub(crate) key: Field,
    pub(crate) side: Field,
    pub(crate) org: Field,
    /// Text fields of needs (`[0]`) and capabilities (`[1]`).
    pub(crate) text: [SideFields; 2],
    pub(crate) field_codes: Field,
    pub(crate) modes: Field,
    pub(crate) trl: Field,
    pub(crate) region: Field,
    /// The listing's sentence vector (see `vectors::Code::to_bytes`), when semantic is on.
    pub(crate) vector: Field,
    /// What the vector was encoded from (`semantic::text_digest`), to reuse it.
    pub(crate) text_digest: Field,
}

/// The schema of the matching index.
pub(crate) fn schema() -> Schema {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let concepts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    b.add_text_field("id", STRING | STORED);
    b.add_u64_field("key", FAST | STORED);
    b.add_text_field("side", STRING | STORED);
    b.add_text_field("org", STRING | STORED);
    for side in [Side::Need, Side::Capability] {
        let side = side.as_str();
        b.add_text_field(&format!("{side}_title"), text.clone());
        b.add_text_field(&format!("{side}_keywords"), text.clone());
        b.add_text_field(&format!("{side}_description"), text.clone());
        b.add_text_field(&format!("{side}_concepts"), concepts.clone());
    }
    b.add_text_field("field_codes", STRING | STORED);
    b.add_text_field("modes", STORED);
    b.add_u64_field("trl", STORED);
    b.add_text_field("region", STORED);
    b.add_bytes_field("vector", STORED);
    b.add_bytes_field("text_digest", STORED);
    b.build()
}

impl Fields {
    /// Handles of `schema`'s fields; fails if one is missing.
    pub(crate) fn from_schema(schema: &Schema) -> anyhow::Result<Fields> {
        let f = |name: &str| {
            schema
                .get_field(name)
                .with_context(|| format!("index has no field `{name}`"))
        };
        let side = |side: Side| -> anyhow::Result<SideFields> {
            let s = side.as_str();
            Ok(SideFields {
                title: f(&format!("{s}_title"))?,
                keywords: f(&format!("{s}_keywords"))?,
                description: f(&format!("{s}_description"))?,
                concepts: f(&format!("{s}_concepts"))?,
            })
        };
        Ok(Fields {
            id: f("id")?,
            key: f("key")?,
            side: f("side")?,
            org: f("org")?,
            text: [side(Side::Need)?, side(Side::Capability)?],
            field_codes: f("field_codes")?,
            modes: f("modes")?,
            trl: f("trl")?,
            region: f("region")?,
            vector: f("vector")?,
            text_digest: f("text_digest")?,
        })
    }

    /// The text fields of `side`.
    pub(crate) fn of(&self, side: Side) -> &SideFields {
        match side {
            Side::Need => &self.text[0],
            Side::Capability => &self.text[1],
        }
    }
}
