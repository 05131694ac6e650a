//! A bulletin's terms: every distinct spelling (word, adjacent word pair, tag or author) with
//! its field-weighted frequency, found in one pass with no allocation per token.
//!
//! Spellings are identified by a 128-bit hash of their bytes (xxh3; a pair's from its two
//! words' hashes, [`pair_key`]), so merging a bulletin's terms into the index compares integers, never
//! strings. Two different spellings share a key with probability about n²/2¹²⁹ — for ten
//! million distinct spellings, 10⁻²⁵.

use xxhash_rust::xxh3::xxh3_128;

use super::format::{AUTHOR_PREFIX, FNV32_OFFSET, SECTION_PREFIX, TAG_PREFIX, fnv1a32_continue};
use super::{DocFields, TITLE_MARK};
use crate::text::{self, Tokens};

/// Field weights for ranking: a word in the title counts five times one in the body.
const TITLE_WEIGHT: f32 = 5.0;
const TAG_WEIGHT: f32 = 3.0;
const AUTHOR_WEIGHT: f32 = 3.0;
const SUMMARY_WEIGHT: f32 = 2.0;
const BODY_WEIGHT: f32 = 1.0;
/// A pair across punctuation or a number weighs this much of one within a phrase.
const LOOSE_PAIR: f32 = 0.5;
/// A pair across a sentence's end (in one block) weighs this much: enough for a quoted
/// phrase to find it, little for the adjacency of words typed without quotes.
const SENTENCE_PAIR: f32 = 0.25;
/// Keeps tag/author keys, and title-only keys, apart from word keys: the byte their input
/// starts with (no word does: words have no control characters).
const PSEUDO_MARK: u8 = 2;
const TITLE_MARK_BYTE: u8 = 3;

/// The key of `bytes` with `mark` before them: of the same hash as words' keys, so that only
/// chance (2⁻¹²⁸) makes a tag or title-only term share a word's key. Seeds would not do: for
/// inputs of up to 16 bytes xxh3 mixes the seed in by addition and xor, so a word under one
/// seed can have the very key of another word under another seed. Under seeds 0 and 3,
/// "dồn"'s title-only key was the word key of "gồm" (their bytes differ by 3 at each end),
/// and the two terms were merged into one, losing "^dồn" from the index.
fn marked_key(mark: u8, bytes: &[u8]) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&[mark]);
    h.update(bytes);
    h.digest128()
}

/// The key of the pair of words with keys `a` and `b`. Word keys are uniformly distributed
/// (xxh3), and so is this: two different pairs, or a pair and a word, share a key only by
/// the same 2⁻¹²⁸ chance as two words. (`a` and `b` in the other order give a different key
/// unless `a` is `b`, or its bitwise complement.)
fn pair_key(a: u128, b: u128) -> u128 {
    a.rotate_left(43) ^ b
}

/// The pair of tokens `a` and `b` (`b` after `a`), whose keys and hashes are in `keys`.
fn pair(keys: &[(u128, u32)], tokens: &Tokens, a: usize, b: usize, tf: f32, title_at: u8) -> DocTerm {
    // The pair's folded form is the first word's, a space and the second word's: its FNV-1a
    // continues from the first word's.
    let (first, first_hash) = keys[a];
    let hash = fnv1a32_continue(fnv1a32_continue(first_hash, b" "), tokens.folded(b).as_bytes());
    let strings = Strings::Pair { second: b as u32 };
    DocTerm { key: pair_key(first, keys[b].0), hash, pseudo: false, tf, title_at, at: a as u32, strings }
}

/// One distinct spelling of a bulletin.
#[derive(Debug, Clone, Copy)]
pub struct DocTerm {
    pub key: u128,
    /// FNV-1a 32 of the folded form: it picks the shard.
    pub hash: u32,
    pub pseudo: bool,
    /// Field-weighted frequency (a sum of small multiples of a half, so exact in any order).
    pub tf: f32,
    /// Where it first occurs in the title, counting from 1 (at most 255), or 0.
    pub title_at: u8,
    /// Where its strings are, see [`Strings`].
    at: u32,
    strings: Strings,
}

/// Where a term's spelling and folded form are in its [`DocTerms`].
#[derive(Debug, Clone, Copy)]
enum Strings {
    /// Token `at`.
    Word,
    /// Tokens `at` and `second`, joined by a space.
    Pair { second: u32 },
    /// Token `at` after [`TITLE_MARK`]: a word's title-only term.
    Title,
    /// `text[at..end]` (a tag or author term: its spelling and folded form are the same).
    Text { end: u32 },
}

/// A bulletin's distinct spellings, in order of first occurrence.
#[derive(Debug, Default)]
pub struct DocTerms {
    /// The tokens of every field, one after the other (each field starts a segment).
    tokens: Tokens,
    /// The tag and author terms' strings.
    text: String,
    pub terms: Vec<DocTerm>,
    /// The number of tokens in its fields (tags and authors included).
    pub length: f32,
    /// Per token, FNV-1a 32 of its folded form.
    pub token_hashes: Vec<u32>,
}

impl DocTerms {
    /// The tokens of every field, one after the other (each field starts a block).
    pub fn tokens(&self) -> &Tokens {
        &self.tokens
    }

    /// Appends the term's spelling to `out`.
    pub fn push_spelling(&self, t: &DocTerm, out: &mut String) {
        self.push(t, out, Tokens::word)
    }

    /// Appends the term's folded form to `out`.
    pub fn push_folded(&self, t: &DocTerm, out: &mut String) {
        self.push(t, out, Tokens::folded)
    }

    fn push(&self, t: &DocTerm, out: &mut String, part: fn(&Tokens, usize) -> &str) {
        let at = t.at as usize;
        match t.strings {
            Strings::Word => out.push_str(part(&self.tokens, at)),
            Strings::Title => {
                out.push(TITLE_MARK);
                out.push_str(part(&self.tokens, at));
            }
            Strings::Pair { second } => {
                out.push_str(part(&self.tokens, at));
                out.push(' ');
                out.push_str(part(&self.tokens, second as usize));
            }
            Strings::Text { end } => out.push_str(&self.text[at..end as usize]),
        }
    }

    /// The bytes of the term's spelling and folded form together.
    pub fn strings_len(&self, t: &DocTerm) -> usize {
        let at = t.at as usize;
        let word = |i: usize| self.tokens.word(i).len() + self.tokens.folded(i).len();
        match t.strings {
            Strings::Word => word(at),
            Strings::Title => word(at) + 2 * TITLE_MARK.len_utf8(),
            Strings::Pair { second } => word(at) + word(second as usize) + 2,
            Strings::Text { end } => 2 * (end as usize - at),
        }
    }

    pub fn spelling(&self, t: &DocTerm) -> String {
        let mut s = String::new();
        self.push_spelling(t, &mut s);
        s
    }

    pub fn folded(&self, t: &DocTerm) -> String {
        let mut s = String::new();
        self.push_folded(t, &mut s);
        s
    }
}

/// Buffers reused from one bulletin to the next.
#[derive(Default)]
pub struct Scratch {
    /// Each token's key, and the FNV-1a state after its folded form.
    keys: Vec<(u128, u32)>,
    /// A spelling's key (its first half is the table's hash) → its index in the terms.
    seen: hashbrown::HashTable<(u128, u32)>,
}

impl DocTerms {
    /// Adds `weight` to the spelling with `key`; the first time, records it with `hash` and
    /// where its strings are.
    fn add(&mut self, seen: &mut hashbrown::HashTable<(u128, u32)>, term: DocTerm) {
        let hasher = |e: &(u128, u32)| e.0 as u64;
        match seen.entry(term.key as u64, |e| e.0 == term.key, hasher) {
            hashbrown::hash_table::Entry::Occupied(e) => self.terms[e.get().1 as usize].tf += term.tf,
            hashbrown::hash_table::Entry::Vacant(v) => {
                v.insert((term.key, self.terms.len() as u32));
                self.terms.push(term);
            }
        }
    }
}

/// The distinct terms of a bulletin's fields. Pairs are adjacent words in one block (a
/// paragraph, heading, list item or cell, or a tag or name): within a phrase at the field's
/// weight, across punctuation at [`LOOSE_PAIR`] of it, across a sentence's end at
/// [`SENTENCE_PAIR`]; so is the pair of the words on
/// either side of a number ("động đất 6,7 độ" gives "đất độ" as well as "đất 6", "6 7", "7 độ").
pub fn doc_terms(d: &DocFields, scratch: &mut Scratch) -> DocTerms {
    let mut doc = DocTerms::default();
    let Scratch { keys, seen } = scratch;
    seen.clear();
    keys.clear();
    let names: usize = d.tags.iter().chain(d.authors).map(String::len).sum();
    doc.tokens.reserve(d.title.len() + d.summary.len() + d.plain.len() + names);
    let fields = [(d.title, TITLE_WEIGHT), (d.summary, SUMMARY_WEIGHT), (d.plain, BODY_WEIGHT)]
        .into_iter()
        .chain(d.tags.iter().map(|t| (t.as_str(), TAG_WEIGHT)))
        .chain(d.authors.iter().map(|a| (a.as_str(), AUTHOR_WEIGHT)));
    // The title is the first field: its tokens are the first ones.
    let mut title_tokens = None;
    for (text, weight) in fields {
        let first = doc.tokens.len();
        doc.tokens.push_text(text);
        let title_len = *title_tokens.get_or_insert(doc.tokens.len());
        // Where a term first occurs in the title (from 1), or 0: as it is first recorded at
        // its first occurrence, and the title comes first, this is its first in the title.
        let title_at = |at: usize| if at < title_len { (at + 1).min(255) as u8 } else { 0 };
        // The last word that was not a number, in this block.
        let mut last_word: Option<usize> = None;
        for i in first..doc.tokens.len() {
            let word = doc.tokens.word(i);
            let key = xxh3_128(word.as_bytes());
            let title_key = (i < title_len).then(|| marked_key(TITLE_MARK_BYTE, word.as_bytes()));
            let hash = fnv1a32_continue(FNV32_OFFSET, doc.tokens.folded(i).as_bytes());
            keys.push((key, hash));
            let at = i as u32;
            let term = DocTerm {
                key,
                hash,
                pseudo: false,
                tf: weight,
                title_at: title_at(i),
                at,
                strings: Strings::Word,
            };
            doc.add(seen, term);
            if let Some(key) = title_key {
                // Its title-only term, in the same shard (by the word's hash).
                let strings = Strings::Title;
                doc.add(
                    seen,
                    DocTerm { key, hash, pseudo: false, tf: weight, title_at: title_at(i), at, strings },
                );
            }
            let is_number = doc.tokens.is_number(i);
            if i == first || doc.tokens.new_block(i) {
                last_word = None;
            } else {
                // A sentence's end makes the weakest pair, but for a number written with a
                // full stop ("1.000").
                let sentence = doc.tokens.new_sentence(i) && !(is_number && doc.tokens.is_number(i - 1));
                let loose = match (sentence, doc.tokens.new_segment(i)) {
                    (true, _) => SENTENCE_PAIR,
                    (false, true) => LOOSE_PAIR,
                    (false, false) => 1.0,
                };
                doc.add(seen, pair(keys, &doc.tokens, i - 1, i, weight * loose, title_at(i - 1)));
                if let Some(w) = last_word.filter(|&w| w + 1 < i && !is_number) {
                    doc.add(seen, pair(keys, &doc.tokens, w, i, weight * loose.min(LOOSE_PAIR), title_at(w)));
                }
            }
            if !is_number {
                last_word = Some(i);
            }
        }
    }
    doc.length = doc.tokens.len() as f32;
    doc.token_hashes.extend(keys.iter().map(|&(_, hash)| hash));
    // Tags, authors and the section are pseudo-terms (`tag:<key>`…), for filters and facets.
    let names = (d.tags.iter().map(|n| (n.as_str(), TAG_PREFIX)))
        .chain(d.authors.iter().map(|n| (n.as_str(), AUTHOR_PREFIX)))
        .chain(d.section.map(|n| (n, SECTION_PREFIX)));
    for (name, prefix) in names {
        let at = doc.text.len() as u32;
        doc.text.push_str(prefix);
        doc.text.push_str(&text::name_key(name));
        let key = &doc.text[at as usize..];
        let term = DocTerm {
            key: marked_key(PSEUDO_MARK, key.as_bytes()),
            hash: fnv1a32_continue(FNV32_OFFSET, key.as_bytes()),
            pseudo: true,
            tf: 1.0,
            title_at: 0,
            at,
            strings: Strings::Text { end: doc.text.len() as u32 },
        };
        doc.add(seen, term);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each pair's folded form with its weight, for the body `plain`.
    fn pairs(plain: &str) -> Vec<(String, f32)> {
        let fields = DocFields { title: "", summary: "", plain, tags: &[], authors: &[], section: None };
        let doc = doc_terms(&fields, &mut Scratch::default());
        let pairs = doc.terms.iter().filter(|t| matches!(t.strings, Strings::Pair { .. }));
        pairs.map(|t| (doc.folded(t), t.tf)).collect()
    }

    #[test]
    fn title_only_and_tag_terms_never_share_a_word_s_key() {
        // Under seeds, "dồn"'s title-only key was "gồm"'s word key, and "gồm"'s that of "dồn":
        // in one bulletin the two were counted as one term.
        let tags = ["gồm".to_string()];
        let fields = DocFields {
            title: "Dồn gồm",
            summary: "",
            plain: "Gồm dồn.",
            tags: &tags,
            authors: &[],
            section: None,
        };
        let doc = doc_terms(&fields, &mut Scratch::default());
        let mut keys: Vec<u128> = doc.terms.iter().map(|t| t.key).collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n, "every term its own key");
        let spellings: Vec<String> = doc.terms.iter().map(|t| doc.spelling(t)).collect();
        for want in ["dồn", "gồm", "^dồn", "^gồm"] {
            assert!(spellings.iter().any(|s| s == want), "{want} in {spellings:?}");
        }
    }

    #[test]
    fn pairs_weaken_across_punctuation_and_sentences_and_stop_at_a_line_break() {
        assert_eq!(
            pairs("Giải ngân ít nhất 95%. Cùng lúc, giá tăng\nmạnh"),
            [
                ("giai ngan", 1.0),
                ("ngan it", 1.0),
                ("it nhat", 1.0),
                ("nhat 95", 1.0),
                ("95 cung", SENTENCE_PAIR),
                ("nhat cung", SENTENCE_PAIR),
                ("cung luc", 1.0),
                ("luc gia", LOOSE_PAIR),
                ("gia tang", 1.0),
            ]
            .map(|(p, w)| (p.to_string(), w))
        );
        // A full stop between numbers ends no sentence; the words on their sides pair too. One
        // between thousands is inside the number.
        assert_eq!(
            pairs("ngày 12.03.2019 có"),
            [
                ("ngay 12", 1.0),
                ("12 03", LOOSE_PAIR),
                ("03 2019", LOOSE_PAIR),
                ("2019 co", 1.0),
                ("ngay co", LOOSE_PAIR)
            ]
            .map(|(p, w)| (p.to_string(), w))
        );
        assert_eq!(
            pairs("hơn 1.000 người"),
            [("hon 1000", 1.0), ("1000 nguoi", 1.0), ("hon nguoi", LOOSE_PAIR)]
                .map(|(p, w)| (p.to_string(), w))
        );
    }
}
