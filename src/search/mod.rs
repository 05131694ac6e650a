//! The search index: built from the bulletins themselves (not from HTML) into
//! `public/search/`, sharded so that a query downloads only what its words need. The format is
//! in [`format`] and `docs/search-format.md`; the client is `themes/default/static/search.js`.
//!
//! Terms are folded words ("da"), folded adjacent word pairs within a sentence ("da nang"),
//! and tag/author pseudo-terms. Each term keeps one posting list per spelling ("đà", "đa",
//! "da"…), so a query typed without marks matches every spelling and one typed with marks
//! matches only its own. Pairs make multi-syllable words and phrases cheap: "bảo vệ" is
//! answered by the pair's list instead of the lists of "bảo" and "vệ".

pub mod format;

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::archive::{Archive, TermKind};
use crate::content::PubDate;
use crate::text;
use format::{
    AUTHOR_PREFIX, DOCS_PER_CHUNK, DocMeta, Entry, LONG_LIST, LongList, Manifest, Postings,
    SNIPPET_TEXT_CHARS, Shard, TAG_PREFIX, shard_of,
};

/// Field weights for ranking: a word in the title counts five times one in the body.
const TITLE_WEIGHT: f32 = 5.0;
const TAG_WEIGHT: f32 = 3.0;
const AUTHOR_WEIGHT: f32 = 3.0;
const SUMMARY_WEIGHT: f32 = 2.0;
const BODY_WEIGHT: f32 = 1.0;
/// BM25 parameters.
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Scores (BM25 weights, at most K1 + 1 = 2.2) are stored as small integers: weight × 40.
const SCORE_SCALE: f32 = 40.0;
/// Folded letters that name a prefix group, and how many words each group keeps.
const PREFIX_CHARS: usize = 2;
const PREFIX_WORDS: usize = 48;
const PREFIX_FILES: u32 = 256;
/// Target number of terms per word shard and per tag/author shard.
const TERMS_PER_SHARD: usize = 200;
const TERMS_PER_FACET_SHARD: usize = 12;
/// Bulletins tokenised between merges, bounding the memory of per-bulletin token lists.
const BATCH: usize = 2048;
/// A term key: a word id, or a pair of word ids (`first << 32 | second`, with the word
/// alone stored as `id << 32 | NONE`). Pseudo-terms are words too.
const NONE: u64 = u32::MAX as u64;

/// One output file of the index, relative to `search/`.
pub struct IndexFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A folded term's spellings with their (bulletin id, weighted frequency) lists.
type Spellings = Vec<(String, Vec<(u32, f32)>)>;
/// A shard being filled: its path and its folded terms.
type ShardTerms = (String, BTreeMap<String, Spellings>);

/// Every distinct spelling seen, with its folded form.
#[derive(Default)]
struct Vocabulary {
    ids: FxHashMap<String, u32>,
    words: Vec<String>,
    folded: Vec<String>,
}

impl Vocabulary {
    fn intern(&mut self, word: &str, folded: impl FnOnce() -> String) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.words.len() as u32;
        self.ids.insert(word.to_owned(), id);
        self.words.push(word.to_owned());
        self.folded.push(folded());
        id
    }
}

/// A bulletin's fields tokenised: (weight, tokens); pseudo-terms carry no tokens.
struct DocTokens {
    fields: Vec<(f32, Vec<text::Token>)>,
    pseudo: Vec<String>,
}

fn tokenize_doc(archive: &Archive, id: usize) -> DocTokens {
    let e = &archive.entries[id];
    let b = &e.bulletin;
    let mut fields = vec![
        (TITLE_WEIGHT, text::tokenize(&b.title)),
        (SUMMARY_WEIGHT, text::tokenize(&e.summary)),
        (BODY_WEIGHT, text::tokenize(&e.rendered.plain)),
    ];
    let mut pseudo = Vec::new();
    for (names, weight, prefix) in
        [(&b.tags, TAG_WEIGHT, TAG_PREFIX), (&b.authors, AUTHOR_WEIGHT, AUTHOR_PREFIX)]
    {
        for name in names {
            fields.push((weight, text::tokenize(name)));
            pseudo.push(format!("{prefix}{}", text::name_key(name)));
        }
    }
    DocTokens { fields, pseudo }
}

/// Builds every file of the index for the archive. Bulletin ids are archive positions
/// (newest first).
pub fn build_index(
    archive: &Archive,
    format_date: &(dyn Fn(&PubDate) -> String + Sync),
) -> std::io::Result<Vec<IndexFile>> {
    let n = archive.entries.len();
    let mut vocab = Vocabulary::default();
    let mut postings: FxHashMap<u64, Vec<(u32, f32)>> = FxHashMap::default();
    let mut lengths: Vec<f32> = Vec::with_capacity(n);
    let mut doc_terms: FxHashMap<u64, f32> = FxHashMap::default();
    // Tokenise in parallel; intern and merge in id order, so posting lists come out sorted.
    for start in (0..n).step_by(BATCH) {
        let batch: Vec<DocTokens> =
            (start..(start + BATCH).min(n)).into_par_iter().map(|id| tokenize_doc(archive, id)).collect();
        for (offset, doc) in batch.into_iter().enumerate() {
            let id = (start + offset) as u32;
            doc_terms.clear();
            let mut length = 0.0;
            for (weight, tokens) in &doc.fields {
                length += tokens.len() as f32;
                let mut prev: Option<u32> = None;
                for t in tokens {
                    let w = vocab.intern(&t.word, || t.folded.clone());
                    *doc_terms.entry(u64::from(w) << 32 | NONE).or_insert(0.0) += weight;
                    if let Some(p) = prev.filter(|_| !t.new_segment) {
                        *doc_terms.entry(u64::from(p) << 32 | u64::from(w)).or_insert(0.0) += weight;
                    }
                    prev = Some(w);
                }
            }
            for key in &doc.pseudo {
                let w = vocab.intern(key, || key.clone());
                doc_terms.insert(u64::from(w) << 32 | NONE, 1.0);
            }
            lengths.push(length);
            for (&term, &tf) in &doc_terms {
                postings.entry(term).or_default().push((id, tf));
            }
        }
    }
    let avg_len = if n == 0 { 1.0 } else { (lengths.iter().sum::<f32>() / n as f32).max(1.0) };
    let pseudo_terms = postings
        .keys()
        .filter(|&&k| k & NONE == NONE && vocab.words[(k >> 32) as usize].contains(':'))
        .count();
    let shards = shard_count(postings.len() - pseudo_terms, TERMS_PER_SHARD);
    let facet_shards = shard_count(pseudo_terms, TERMS_PER_FACET_SHARD);

    // Group spellings by folded term, and folded terms by shard.
    let spelling = |key: u64| -> (String, String) {
        let (a, b) = ((key >> 32) as usize, key & NONE);
        if b == NONE {
            (vocab.words[a].clone(), vocab.folded[a].clone())
        } else {
            let b = b as usize;
            (
                format!("{} {}", vocab.words[a], vocab.words[b]),
                format!("{} {}", vocab.folded[a], vocab.folded[b]),
            )
        }
    };
    // Prefix dictionary for the word being typed: per two-letter folded prefix, the most
    // frequent folded words (seen in two bulletins or more) with their frequency.
    let mut word_df: FxHashMap<&str, u32> = FxHashMap::default();
    for (&key, list) in &postings {
        let word = (key >> 32) as usize;
        if key & NONE == NONE && !vocab.words[word].contains(':') {
            *word_df.entry(vocab.folded[word].as_str()).or_insert(0) += list.len() as u32;
        }
    }
    let mut prefixes: BTreeMap<u32, BTreeMap<String, Vec<(String, u32)>>> = BTreeMap::new();
    for (word, df) in word_df {
        let prefix: String = word.chars().take(PREFIX_CHARS).collect();
        if df >= 2 && word.chars().count() > PREFIX_CHARS {
            let file = shard_of(&prefix, PREFIX_FILES);
            prefixes.entry(file).or_default().entry(prefix).or_default().push((word.to_string(), df));
        }
    }
    for groups in prefixes.values_mut() {
        for words in groups.values_mut() {
            words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            words.truncate(PREFIX_WORDS);
        }
    }
    let prefix_files: Vec<IndexFile> = prefixes
        .into_par_iter()
        .map(|(file, groups)| {
            Ok(IndexFile { path: format!("x/{file}.json.gz"), bytes: format::to_gzip_json(&groups)? })
        })
        .collect::<std::io::Result<_>>()?;

    // Word shards first, then facet shards, in one list of (path, terms).
    let mut by_shard: Vec<ShardTerms> = (0..shards)
        .map(|s| (format!("t/{s}.json.gz"), BTreeMap::new()))
        .chain((0..facet_shards).map(|s| (format!("f/{s}.json.gz"), BTreeMap::new())))
        .collect();
    for (key, list) in postings {
        let (word, folded) = spelling(key);
        let slot = if word.contains(':') && key & NONE == NONE {
            shards + shard_of(&word, facet_shards)
        } else {
            shard_of(&folded, shards)
        };
        let folded = if word.contains(':') { word.clone() } else { folded };
        by_shard[slot as usize].1.entry(folded).or_default().push((word, list));
    }
    let score = |id: u32, tf: f32| -> u32 {
        let norm = 1.0 - B + B * lengths[id as usize] / avg_len;
        let w = tf * (K1 + 1.0) / (tf + K1 * norm);
        (w * SCORE_SCALE).round().max(1.0) as u32
    };
    let shard_files: Vec<Vec<IndexFile>> = by_shard
        .into_par_iter()
        .map(|(path, terms)| -> std::io::Result<Vec<IndexFile>> {
            let mut files = Vec::new();
            let mut shard = Shard::new();
            for (folded, spellings) in terms {
                let df: usize = spellings.iter().map(|(_, l)| l.len()).sum();
                let encoded: Vec<(String, Postings)> = spellings
                    .into_iter()
                    .map(|(word, list)| {
                        let scored: Vec<(u32, u32)> =
                            list.iter().map(|&(id, tf)| (id, score(id, tf))).collect();
                        (word, Postings::encode(&scored))
                    })
                    .collect();
                if df > LONG_LIST {
                    let file = format!("p/{:016x}.json.gz", text_hash(&folded));
                    for (word, p) in &encoded {
                        shard.insert(word.clone(), Entry::Elsewhere(file.clone(), (p.0.len() / 2) as u32));
                    }
                    let long: LongList = encoded.into_iter().collect();
                    files.push(IndexFile { path: file, bytes: format::to_gzip_json(&long)? });
                } else {
                    shard.extend(encoded.into_iter().map(|(w, p)| (w, Entry::Inline(p))));
                }
            }
            files.push(IndexFile { path, bytes: format::to_gzip_json(&shard)? });
            Ok(files)
        })
        .collect::<Result<_, _>>()?;
    let mut files: Vec<IndexFile> = shard_files.into_iter().flatten().collect();
    files.extend(prefix_files);

    // Result metadata, a few bulletins per file.
    let chunks: Vec<IndexFile> = (0..n.div_ceil(DOCS_PER_CHUNK))
        .into_par_iter()
        .map(|c| {
            let docs: Vec<DocMeta> = (c * DOCS_PER_CHUNK..((c + 1) * DOCS_PER_CHUNK).min(n))
                .map(|id| doc_meta(archive, id, format_date))
                .collect();
            Ok(IndexFile { path: format!("d/{c}.json.gz"), bytes: format::to_gzip_json(&docs)? })
        })
        .collect::<std::io::Result<_>>()?;
    files.extend(chunks);

    let years = archive
        .years
        .iter()
        .map(|y| (y.year, y.members.iter().copied().min().unwrap_or(0) as u32, y.members.len() as u32))
        .collect();
    let manifest = Manifest {
        version: format::FORMAT_VERSION,
        docs: n as u32,
        shards,
        facet_shards,
        prefix_files: PREFIX_FILES,
        chunk: DOCS_PER_CHUNK as u32,
        score_scale: SCORE_SCALE,
        years,
    };
    let json = serde_json::to_vec(&manifest).map_err(std::io::Error::other)?;
    files.push(IndexFile { path: "manifest.json".into(), bytes: json });
    Ok(files)
}

fn doc_meta(archive: &Archive, id: usize, format_date: &(dyn Fn(&PubDate) -> String + Sync)) -> DocMeta {
    let e = &archive.entries[id];
    let b = &e.bulletin;
    let names = |idx: &[usize], kind| idx.iter().map(|&t| archive.terms(kind)[t].name.clone()).collect();
    DocMeta {
        t: b.title.clone(),
        u: e.path.trim_start_matches('/').to_string(),
        d: b.date.machine(),
        h: format_date(&b.date),
        a: names(&e.authors, TermKind::Author),
        g: names(&e.tags, TermKind::Tag),
        m: e.summary.clone(),
        s: e.rendered.plain.chars().take(SNIPPET_TEXT_CHARS).collect(),
    }
}

/// Enough shards for about `per_shard` terms each: a power of two, at least 16. Shards grow
/// in number, not in size, as the archive grows, so a query costs the same.
fn shard_count(terms: usize, per_shard: usize) -> u32 {
    (terms / per_shard).clamp(16, 1 << 16).next_power_of_two() as u32
}

/// A stable 64-bit FNV-1a hash, for long-list file names.
fn text_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in s.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::format::{self, Entry, LongList, Manifest, Shard};
    use super::*;
    use crate::config::Config;
    use crate::content::{SourceFile, parse_bulletin};
    use crate::markdown;

    fn archive(docs: &[(&str, &str, &str)]) -> Archive {
        let tz = jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").expect("tz");
        let items = docs
            .iter()
            .enumerate()
            .map(|(i, (title, date, body))| {
                let text = format!("---\ntitle: \"{title}\"\ndate: {date}\ntags: [an ninh]\n---\n{body}\n");
                let src = SourceFile { rel_path: format!("content/{i}.md").into(), text };
                let b = parse_bulletin(&src, &tz).expect("bulletin");
                let r = markdown::render(&b.body, false);
                (b, r)
            })
            .collect();
        Archive::build(&Config::default(), items).expect("archive")
    }

    fn files(a: &Archive) -> BTreeMap<String, Vec<u8>> {
        build_index(a, &|d| d.machine()).expect("index").into_iter().map(|f| (f.path, f.bytes)).collect()
    }

    /// Reads back the postings of one spelling of a folded term, as the client does.
    fn lookup(files: &BTreeMap<String, Vec<u8>>, folded: &str, spelling: &str) -> Vec<(u32, u32)> {
        let m: Manifest = serde_json::from_slice(&files["manifest.json"]).expect("manifest");
        let shard: Shard =
            format::from_gzip_json(&files[&format!("t/{}.json.gz", shard_of(folded, m.shards))])
                .expect("shard");
        match shard.get(spelling) {
            Some(Entry::Inline(p)) => p.decode(),
            Some(Entry::Elsewhere(file, df)) => {
                let long: LongList = format::from_gzip_json(&files[file]).expect("long list");
                let p = long[spelling].decode();
                assert_eq!(p.len(), *df as usize);
                p
            }
            None => Vec::new(),
        }
    }

    #[test]
    fn index_round_trip_keeps_spellings_apart() {
        let a = archive(&[
            ("Mưa ở Đà Nẵng", "2024-01-03", "Đà Nẵng mưa to."),
            ("Máy đa năng", "2024-01-02", "Máy bơm đa năng."),
            ("Da Nang guide", "2024-01-01", "Visit Da Nang."),
        ]);
        let f = files(&a);
        // Ids are archive positions, newest first.
        assert_eq!(lookup(&f, "da nang", "đà nẵng").iter().map(|p| p.0).collect::<Vec<_>>(), [0]);
        assert_eq!(lookup(&f, "da nang", "đa năng").iter().map(|p| p.0).collect::<Vec<_>>(), [1]);
        assert_eq!(lookup(&f, "da nang", "da nang").iter().map(|p| p.0).collect::<Vec<_>>(), [2]);
        assert_eq!(lookup(&f, "da", "đà").len(), 1);
        // A title word scores higher than the same word once in the body.
        let mua = lookup(&f, "mua", "mưa");
        assert_eq!(mua.len(), 1);
        let bom = lookup(&f, "bom", "bơm");
        assert!(mua[0].1 > bom[0].1, "{mua:?} vs {bom:?}");
        // Metadata chunks hold the bulletins in id order.
        let m: Manifest = serde_json::from_slice(&f["manifest.json"]).expect("manifest");
        assert_eq!((m.docs, m.years.clone()), (3, vec![(2024, 0, 3)]));
        let chunk: Vec<DocMeta> = format::from_gzip_json(&f["d/0.json.gz"]).expect("chunk");
        assert_eq!(chunk[0].t, "Mưa ở Đà Nẵng");
        assert_eq!(chunk[1].u, "2024/01/may-da-nang/");
        // Tags are pseudo-terms in the facet shards.
        let key = "tag:an ninh";
        let facet: Shard =
            format::from_gzip_json(&f[&format!("f/{}.json.gz", shard_of(key, m.facet_shards))])
                .expect("facet");
        assert!(matches!(&facet[key], Entry::Inline(p) if p.decode().len() == 3));
    }

    #[test]
    fn long_lists_move_out_of_the_shard() {
        let docs: Vec<(String, String, String)> = (0..LONG_LIST + 5)
            .map(|i| (format!("Tin {i}"), "2024-01-01".to_string(), "bảo vệ".to_string()))
            .collect();
        let refs: Vec<(&str, &str, &str)> =
            docs.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
        let f = files(&archive(&refs));
        let list = lookup(&f, "bao ve", "bảo vệ");
        assert_eq!(list.len(), LONG_LIST + 5);
        assert!(list.windows(2).all(|w| w[0].0 < w[1].0), "ids ascending");
        assert!(f.keys().any(|k| k.starts_with("p/")));
    }

    #[test]
    fn the_index_is_deterministic() {
        let a = archive(&[("Một", "2024-01-01", "hai ba"), ("Bốn", "2024-02-01", "năm sáu")]);
        assert_eq!(files(&a), files(&a));
    }
}
