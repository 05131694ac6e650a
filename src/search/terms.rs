//! A bulletin's terms: every distinct spelling (word, adjacent word pair, tag or author) with
//! its field-weighted frequency, found in one pass with no allocation per token.
//!
//! Spellings are identified by a 128-bit hash of their bytes (xxh3; a pair's from its two
//! words' hashes, [`pair_key`]), so merging a bulletin's terms into the index compares integers, never
//! strings. Two different spellings share a key with probability about n²/2¹²⁹ — for ten
//! million distinct spellings, 10⁻²⁵.

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::{xxh3_128, xxh3_128_with_seed};

use super::DocFields;
use super::format::{AUTHOR_PREFIX, FNV32_OFFSET, TAG_PREFIX, fnv1a32_continue};
use crate::text::{self, Tokens};

/// Field weights for ranking: a word in the title counts five times one in the body.
const TITLE_WEIGHT: f32 = 5.0;
const TAG_WEIGHT: f32 = 3.0;
const AUTHOR_WEIGHT: f32 = 3.0;
const SUMMARY_WEIGHT: f32 = 2.0;
const BODY_WEIGHT: f32 = 1.0;
/// Keeps tag/author keys apart from word keys.
const PSEUDO_SEED: u64 = 2;

/// The key of the pair of words with keys `a` and `b`. Word keys are uniformly distributed
/// (xxh3), and so is this: two different pairs, or a pair and a word, share a key only by
/// the same 2⁻¹²⁸ chance as two words. (`a` and `b` in the other order give a different key
/// unless `a` is `b`, or its bitwise complement.)
fn pair_key(a: u128, b: u128) -> u128 {
    a.rotate_left(43) ^ b
}

/// One distinct spelling of a bulletin.
#[derive(Debug, Clone, Copy)]
pub struct DocTerm {
    pub key: u128,
    /// FNV-1a 32 of the folded form: it picks the shard.
    pub hash: u32,
    pub pseudo: bool,
    /// Field-weighted frequency (a sum of small integers, so exact in any order).
    pub tf: f32,
    /// The spelling is `text[start..mid]`, the folded form `text[mid..end]`.
    start: u32,
    mid: u32,
    end: u32,
}

/// A bulletin's distinct spellings, in order of first occurrence.
#[derive(Debug, Default)]
pub struct DocTerms {
    text: String,
    pub terms: Vec<DocTerm>,
    /// The number of tokens in its fields (tags and authors included).
    pub length: f32,
}

impl DocTerms {
    pub fn spelling(&self, t: &DocTerm) -> &str {
        &self.text[t.start as usize..t.mid as usize]
    }

    pub fn folded(&self, t: &DocTerm) -> &str {
        &self.text[t.mid as usize..t.end as usize]
    }
}

/// Buffers reused from one bulletin to the next.
#[derive(Default)]
pub struct Scratch {
    tokens: Tokens,
    /// Each token's key.
    keys: Vec<u128>,
    seen: FxHashMap<u128, u32>,
}

impl DocTerms {
    /// Adds `weight` to the spelling with `key`, recording its strings (and the folded
    /// form's hash) the first time.
    fn add(
        &mut self,
        seen: &mut FxHashMap<u128, u32>,
        (key, pseudo): (u128, bool),
        weight: f32,
        spelling: impl FnOnce(&mut String),
        folded: impl FnOnce(&mut String),
    ) {
        match seen.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => self.terms[*e.get() as usize].tf += weight,
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(self.terms.len() as u32);
                let start = self.text.len() as u32;
                spelling(&mut self.text);
                let mid = self.text.len() as u32;
                folded(&mut self.text);
                let end = self.text.len() as u32;
                let hash = fnv1a32_continue(FNV32_OFFSET, &self.text.as_bytes()[mid as usize..]);
                self.terms.push(DocTerm { key, hash, pseudo, tf: weight, start, mid, end });
            }
        }
    }
}

/// The distinct terms of a bulletin's fields.
pub fn doc_terms(d: &DocFields, scratch: &mut Scratch) -> DocTerms {
    let mut doc = DocTerms::default();
    scratch.seen.clear();
    let mut length = 0usize;
    let mut field = |doc: &mut DocTerms, scratch: &mut Scratch, text: &str, weight: f32| {
        let Scratch { tokens, keys, seen } = scratch;
        tokens.clear();
        tokens.push_text(text);
        keys.clear();
        length += tokens.len();
        for i in 0..tokens.len() {
            let (word, folded) = (tokens.word(i), tokens.folded(i));
            let key = xxh3_128(word.as_bytes());
            keys.push(key);
            doc.add(seen, (key, false), weight, |s| s.push_str(word), |s| s.push_str(folded));
            if i == 0 || tokens.new_segment(i) {
                continue;
            }
            let joined = |s: &mut String, a: &str, b: &str| {
                s.push_str(a);
                s.push(' ');
                s.push_str(b);
            };
            doc.add(
                seen,
                (pair_key(keys[i - 1], key), false),
                weight,
                |s| joined(s, tokens.word(i - 1), word),
                |s| joined(s, tokens.folded(i - 1), folded),
            );
        }
    };
    field(&mut doc, scratch, d.title, TITLE_WEIGHT);
    field(&mut doc, scratch, d.summary, SUMMARY_WEIGHT);
    field(&mut doc, scratch, d.plain, BODY_WEIGHT);
    let mut pseudo = Vec::new();
    for (names, weight, prefix) in
        [(d.tags, TAG_WEIGHT, TAG_PREFIX), (d.authors, AUTHOR_WEIGHT, AUTHOR_PREFIX)]
    {
        for name in names {
            field(&mut doc, scratch, name, weight);
            pseudo.push(format!("{prefix}{}", text::name_key(name)));
        }
    }
    for key in &pseudo {
        let pseudo_key = xxh3_128_with_seed(key.as_bytes(), PSEUDO_SEED);
        doc.add(&mut scratch.seen, (pseudo_key, true), 1.0, |s| s.push_str(key), |s| s.push_str(key));
    }
    doc.length = length as f32;
    doc
}
