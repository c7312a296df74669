//! The index schema and its analyzers: one place that says what is indexed and how.
//!
//! Bump [`INDEX_SCHEMA_VERSION`] whenever a field or an analyzer changes: an index of an
//! older schema is rebuilt from the catalog on the next writable open.

use tantivy::schema::{
    BytesOptions, DateOptions, FAST, FacetOptions, Field, IndexRecordOption, STORED, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};

/// The schema this build writes. Stored beside the index in `dossier-index.json`.
/// Version 5 seals every file (`IndexDirectory`): an older, plaintext index is replaced.
/// Version 6 keeps less in memory: the document id as its 16 bytes, no norms for the
/// fields that only filter, the sort key only as a fast field. Version 7 counts documents
/// by person (the `/subject/…` facet); version 8 by a fast column of the person's number
/// instead (`person`), which counts only the busiest as text.
pub const INDEX_SCHEMA_VERSION: u32 = 8;

/// Bytes per compressed block of the stored fields (Tantivy's default is 16 KiB). A hit's
/// title and page texts (for its snippet) are read by decompressing the whole block that
/// holds them; small blocks make that one document rather than several, at a little
/// compression.
pub const STORE_BLOCK_BYTES: usize = 4096;

/// Decompressed store blocks each segment keeps for the next read (Tantivy's default is
/// 100). Stored fields are read for a page of hits, at random across the index, so a
/// cache seldom hits; and a block holds at least one whole document, so 100 blocks of
/// long scans' page texts can be many megabytes of an idle app's memory. Decompressing a
/// block again costs microseconds.
pub const STORE_CACHE_BLOCKS: usize = 4;

/// Words: split on non-alphanumerics, lowercased, accents folded, English stems.
pub const WORDS: &str = "dossier_words";

/// Tokens longer than this (base64 blobs, hashes) are not indexed.
const MAX_TOKEN_BYTES: usize = 64;

/// The analyzer of every full-text field.
pub fn words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// [`words_analyzer`] without the stemmer: what a user typed before a `*`, and the
/// first pass of snippet matching.
pub fn unstemmed_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Normalise a keyword (type, tag, subject id, field value) the way it is indexed.
pub fn keyword(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The document id (keyword, stored): the key for updates and the hit's identity.
    pub id: Field,
    /// The title, as words (stored for display).
    pub title: Field,
    /// The current version's original file name, as words (stored for display).
    pub file_name: Field,
    /// Extracted and OCR text of the current version.
    pub body: Field,
    /// The same text page by page (stored only, with `page_number` in step), so a hit's
    /// snippet comes from the document store the hit was read from.
    pub page_text: Field,
    pub page_number: Field,
    /// Tags, type, subject id and name, collection and field values, as words.
    pub meta: Field,
    /// Keyword filters, normalised with [`keyword`].
    pub doc_type: Field,
    pub tag: Field,
    pub subject: Field,
    /// Custom fields as `key=value`.
    pub field: Field,
    /// `active` or `trashed`.
    pub state: Field,
    /// `/type/…`, `/tag/…`, `/year/…`, `/status/…`, `/collection/…`.
    pub facets: Field,
    /// The document's date (its file's date when known, else when it was added).
    pub date: Field,
    /// When the document was added to the library.
    pub added: Field,
    /// The title lowercased with accents folded, for sorting by name.
    pub sort_name: Field,
    /// The person's number as written, for counting matches per person.
    pub person: Field,
    /// Size of the current version in bytes, for sorting by size.
    pub size: Field,
    /// What a hit shows besides its title (`record::Card`, JSON, stored only).
    pub card: Field,
}

impl Fields {
    /// Full-text fields searched by plain words, with their boosts.
    pub fn text_fields(&self) -> [(Field, f32); 4] {
        [
            (self.title, 3.0),
            (self.file_name, 2.0),
            (self.meta, 1.5),
            (self.body, 1.0),
        ]
    }
}

/// Build the schema and the field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(WORDS)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    // Fields that only filter are matched whole and never scored: no norms (a byte per
    // document and field, held in memory).
    let filter = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    let fields = Fields {
        // 16 bytes rather than 32 hex digits: the term dictionary (all of it in memory)
        // is mostly these ids.
        id: b.add_bytes_field("id", BytesOptions::default().set_indexed().set_stored()),
        title: b.add_text_field("title", text.clone().set_stored()),
        file_name: b.add_text_field("file_name", text.clone().set_stored()),
        body: b.add_text_field("body", text.clone()),
        page_text: b.add_text_field("page_text", STORED),
        page_number: b.add_u64_field("page_number", STORED),
        meta: b.add_text_field("meta", text),
        doc_type: b.add_text_field("type", filter.clone().set_fast("raw")),
        tag: b.add_text_field("tag", filter.clone()),
        subject: b.add_text_field("subject", filter.clone()),
        field: b.add_text_field("field", filter.clone()),
        state: b.add_text_field("state", filter),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        date: b.add_date_field("date", DateOptions::default().set_indexed().set_fast()),
        added: b.add_date_field("added", FAST),
        // Only sorted by, never searched: a fast field without terms.
        sort_name: b.add_text_field("sort_name", TextOptions::default().set_fast("raw")),
        // Only counted (the Person facet): a fast field without terms.
        person: b.add_text_field(
            super::top_people::PERSON_FIELD,
            TextOptions::default().set_fast("raw"),
        ),
        size: b.add_u64_field("size", FAST),
        card: b.add_text_field("card", STORED),
    };
    (b.build(), fields)
}

/// Look the fields up in an opened index's schema (checks it has every field).
pub fn fields_of(schema: &Schema) -> Option<Fields> {
    let f = |name: &str| schema.get_field(name).ok();
    Some(Fields {
        id: f("id")?,
        title: f("title")?,
        file_name: f("file_name")?,
        body: f("body")?,
        page_text: f("page_text")?,
        page_number: f("page_number")?,
        meta: f("meta")?,
        doc_type: f("type")?,
        tag: f("tag")?,
        subject: f("subject")?,
        field: f("field")?,
        state: f("state")?,
        facets: f("facets")?,
        date: f("date")?,
        added: f("added")?,
        sort_name: f("sort_name")?,
        person: f(super::top_people::PERSON_FIELD)?,
        size: f("size")?,
        card: f("card")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(a: &mut TextAnalyzer, s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stream = a.token_stream(s);
        while let Some(t) = stream.next() {
            out.push(t.text.clone());
        }
        out
    }

    #[test]
    fn words_are_folded_lowercased_and_stemmed() {
        let mut a = words_analyzer();
        assert_eq!(
            tokens(&mut a, "Élève TRANSCRIPTS, café_Crème"),
            ["elev", "transcript", "cafe", "creme"]
        );
        let mut u = unstemmed_analyzer();
        assert_eq!(tokens(&mut u, "Transcripts"), ["transcripts"]);
    }

    #[test]
    fn the_schema_has_every_field() {
        let (schema, _) = build();
        assert!(fields_of(&schema).is_some());
    }
}
