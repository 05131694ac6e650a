//! The search index: built from the bulletins themselves (not from HTML) into
//! `public/search/`, sharded so that a query downloads only what its words need. The format is
//! in [`format`] and `docs/search-format.md`; the client is `themes/default/static/search-engine.js`.
//!
//! Terms are folded words ("da"), folded adjacent word pairs within a sentence ("da nang"),
//! and tag/author pseudo-terms. Each term keeps one posting list per spelling ("đà", "đa",
//! "da"…), so a query typed without marks matches every spelling and one typed with marks
//! matches only its own. Pairs make multi-syllable words and phrases cheap: "bảo vệ" is
//! answered by the pair's list instead of the lists of "bảo" and "vệ".

mod build;
mod fields;
pub mod files;
pub mod format;
mod heads;
mod partition;
mod phrases;
mod runs;
mod terms;
mod update;

use build::*;
pub use build::{build_index, build_index_with_state, write_index};
use fields::*;
use partition::*;
pub use runs::Runs;
use update::*;
pub use update::{IndexUpdate, update_index, update_positions};

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use crate::archive::Archive;
use crate::content::PubDate;
use crate::text;
use files::{long_file, slot_file};
use format::{
    DOCS_PER_CHUNK, DocMeta, Entry, LONG_LIST, LongList, Manifest, Postings, SNIPPET_TEXT_CHARS, Shard,
    shard_of,
};
use serde::{Deserialize, Serialize};
use terms::{DocTerm, DocTerms, Scratch, doc_terms};

/// BM25 parameters. Lengths are normalised against a fixed length (a typical news bulletin's
/// token count) rather than the archive's average, so that a posting's score depends on its
/// own bulletin alone and editing one bulletin never rescores the others.
const K1: f32 = 1.2;
const B: f32 = 0.75;
const REFERENCE_LENGTH: f32 = 600.0;
/// Ratio between successive length classes.
const LENGTH_STEP: f32 = 1.1;
/// Scores (BM25 weights, at most K1 + 1 = 2.2) are stored as small integers: weight × 25,
/// at most 55, in the low [`SCORE_BITS`] bits of a posting's second number.
const SCORE_SCALE: f32 = 25.0;
const SCORE_BITS: u32 = 6;
/// Folded letters that name a prefix group, and how many words each group keeps.
const PREFIX_CHARS: usize = 2;
const PREFIX_WORDS: usize = 48;
const PREFIX_FILES: u32 = 256;
/// Starts the name of a group of words by first letter and length (`~t5`), and, twice, by
/// second letter and length (`~~h5`); and how many words each such group keeps (the most
/// frequent).
const VOCABULARY_MARK: char = '~';
const VOCABULARY_WORDS: usize = 300;
/// Target number of terms per word shard and per tag/author shard.
const TERMS_PER_SHARD: usize = 50;
/// Bulletins per word shard, at most about: every bulletin adds postings to the inline lists
/// of the shards its words are in, so in a large archive of a settled vocabulary (few new
/// terms, each in more bulletins) shards would grow with the archive; counted by bulletins
/// as well as by terms, a shard's bytes stay about the same at any size.
const DOCS_PER_SHARD: usize = 32;
const TERMS_PER_FACET_SHARD: usize = 12;
/// Bulletins whose terms are found between merges, bounding the memory their lists take.
const BATCH: usize = 128;
/// Bulletin ids are u32.
const MAX_DOCS: usize = u32::MAX as usize;
/// Units of parallel merging: a term's partition is its hash modulo this (a power of two
/// no larger than the smallest shard count, 16, so that every shard lies in one partition).
/// An index built in runs merges one partition at a time: its memory is then about this
/// fraction of the whole index's (8 partitions: 430 MB at 1,000,000 bulletins).
const PARTITIONS: u32 = 16;

/// Starts a word's title-only term (`^nguoi`): the bulletins with the word in their title,
/// and where. It lives in its word's shard, so a query that has the shard has it too.
pub(crate) const TITLE_MARK: char = '^';

/// Whether a folded term is a word (not a pair, nor a title-only term).
fn is_word(folded: &str) -> bool {
    !folded.contains(' ') && !folded.starts_with(TITLE_MARK)
}

/// What picks a word or pair term's shard: the term, or for a title-only term its word.
fn shard_key(folded: &str) -> &str {
    folded.strip_prefix(TITLE_MARK).unwrap_or(folded)
}

/// One output file of the index, relative to `search/`.
pub struct IndexFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Identifies the bulletin behind an id, as the build cache remembers it: three numbers
/// (one is held for every bulletin, twice while an update is made; a source's path took 70
/// bytes more, 140 MB at 1,000,000 bulletins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocKey {
    /// Fingerprint of everything the index shows of the bulletin (its entry).
    pub entry: u64,
    /// Its source's path, as [`crate::hash::path_key`] of it.
    pub source: u64,
    pub source_hash: u64,
}

/// What the build cache keeps of an index so the next build can update it in place.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IndexState {
    /// The bulletin of each id.
    pub docs: Vec<DocKey>,
    /// Folded single words and the number of (bulletin, spelling) postings they have.
    pub word_df: FxHashMap<String, u32>,
    /// Distinct folded words and pairs, and distinct tag/author terms: they set the shard
    /// counts.
    pub distinct_terms: u64,
    pub distinct_pseudo: u64,
}

/// A bulletin's searchable fields, wherever they come from (the archive, or the previous
/// version remembered by the build cache).
pub struct DocFields<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub plain: &'a str,
    pub tags: &'a [String],
    pub authors: &'a [String],
    /// The name of its section, if it has one.
    pub section: Option<&'a str>,
}

/// A folded term's spellings with their (bulletin id, score) lists.
type Spellings = Vec<(String, Vec<(u32, u32)>)>;
/// What one shard's writing gave: its files, and its folded words' document frequencies.
type PartitionOutput = (Vec<IndexFile>, Vec<(String, u32)>);
/// A spelling of a changed bulletin: (folded, pseudo, score before, score after).
type ScoreChange = (String, bool, Option<u32>, Option<u32>);
/// Changes to postings: bulletin id → its new score, or none when it loses the spelling.
type PostingChanges = Vec<(u32, Option<u32>)>;

/// The key of everything the search index is made from: the global key and every entry's key.
pub fn key(global_key: u64, entry_keys: &[u64]) -> u64 {
    let mut f = crate::hash::Fingerprint::new();
    f.u64(global_key).str("search");
    for &h in entry_keys {
        f.u64(h);
    }
    f.finish()
}

/// Reads the plain text the build cache logged for the bulletin whose source has the given
/// hash (at most its first `max_bytes`): where the index finds a body whose text the
/// archive let go of.
pub type StoredPlain<'a> = dyn Fn(u64, usize) -> std::io::Result<String> + Sync + 'a;

/// Where the plain text of each indexed bulletin is kept between builds, by source hash.
pub trait PlainLog {
    /// Whether the text of the source with this hash is kept.
    fn has(&self, hash: u64) -> bool;
    /// The hashes of every text kept.
    fn hashes(&self) -> Vec<u64>;
    /// Keeps the texts of `add`, given a batch at a time, and forgets those of `remove`.
    fn update<'a>(
        &mut self,
        add: &mut dyn Iterator<Item = Vec<(u64, std::borrow::Cow<'a, str>)>>,
        remove: &[u64],
    ) -> std::io::Result<()>;
    /// Reads kept texts (cut at `max_bytes`), from several threads.
    fn reader(&self) -> Box<StoredPlain<'_>>;
}

impl IndexState {
    /// (word shards, tag/author shards) for the distinct terms.
    pub fn shard_counts(&self) -> (u32, u32) {
        (
            shard_count(
                (self.distinct_terms as usize / TERMS_PER_SHARD).max(self.docs.len() / DOCS_PER_SHARD),
            ),
            shard_count(self.distinct_pseudo as usize / TERMS_PER_FACET_SHARD),
        )
    }
}

/// The searchable fields of a bulletin's previous version, owned.
pub struct OwnedFields {
    pub title: String,
    pub summary: String,
    pub plain: String,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub section: Option<String>,
}

impl OwnedFields {
    fn borrow(&self) -> DocFields<'_> {
        DocFields {
            title: &self.title,
            summary: &self.summary,
            plain: &self.plain,
            tags: &self.tags,
            authors: &self.authors,
            section: self.section.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests;
