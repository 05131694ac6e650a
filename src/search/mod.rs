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
    AUTHOR_PREFIX, DOCS_PER_CHUNK, DocMeta, Entry, FNV32_OFFSET, LONG_LIST, LongList, Manifest, Postings,
    SNIPPET_TEXT_CHARS, Shard, TAG_PREFIX, fnv1a32_continue, shard_of,
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

/// One output file of the index, relative to `search/`.
pub struct IndexFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A folded term's spellings with their (bulletin id, weighted frequency) lists.
type Spellings = Vec<(String, Vec<(u32, f32)>)>;

/// What one partition wrote: its files, and the document frequency of its folded words.
type PartitionOutput = (Vec<IndexFile>, Vec<(String, u32)>);

/// A token with the FNV-1a state of its folded form, from which its shard and the shard of
/// the pair it starts are computed without building strings.
struct HashedToken {
    token: text::Token,
    hash: u32,
}

/// A bulletin's fields tokenised: (weight, tokens), its tag/author pseudo-terms, its length.
struct DocTokens {
    fields: Vec<(f32, Vec<HashedToken>)>,
    pseudo: Vec<String>,
    length: f32,
}

fn tokenize_doc(archive: &Archive, id: usize) -> DocTokens {
    let e = &archive.entries[id];
    let b = &e.bulletin;
    let hashed = |text: &str| -> Vec<HashedToken> {
        text::tokenize(text)
            .into_iter()
            .map(|token| HashedToken { hash: fnv1a32_continue(FNV32_OFFSET, token.folded.as_bytes()), token })
            .collect()
    };
    let mut fields = vec![
        (TITLE_WEIGHT, hashed(&b.title)),
        (SUMMARY_WEIGHT, hashed(&e.summary)),
        (BODY_WEIGHT, hashed(e.plain())),
    ];
    let mut pseudo = Vec::new();
    for (names, weight, prefix) in
        [(&b.tags, TAG_WEIGHT, TAG_PREFIX), (&b.authors, AUTHOR_WEIGHT, AUTHOR_PREFIX)]
    {
        for name in names {
            fields.push((weight, hashed(name)));
            pseudo.push(format!("{prefix}{}", text::name_key(name)));
        }
    }
    let length = fields.iter().map(|(_, t)| t.len()).sum::<usize>() as f32;
    DocTokens { fields, pseudo, length }
}

/// The terms of one partition of the shards: spelling → (folded term, postings).
#[derive(Default)]
struct Partition {
    terms: FxHashMap<String, (String, Vec<(u32, f32)>)>,
}

impl Partition {
    /// Adds `tf` to bulletin `id` of `spelling`; bulletins arrive in id order, so a repeat
    /// is always the last posting.
    fn add(&mut self, spelling: &str, folded: impl FnOnce() -> String, id: u32, tf: f32) {
        let list = match self.terms.get_mut(spelling) {
            Some((_, list)) => list,
            None => &mut self.terms.entry(spelling.to_owned()).or_insert_with(|| (folded(), Vec::new())).1,
        };
        match list.last_mut() {
            Some((last, t)) if *last == id => *t += tf,
            _ => list.push((id, tf)),
        }
    }
}

/// Builds every file of the index for the archive. Bulletin ids are archive positions
/// (newest first).
pub fn build_index(
    archive: &Archive,
    format_date: &(dyn Fn(&PubDate) -> String + Sync),
) -> std::io::Result<Vec<IndexFile>> {
    let n = archive.entries.len();
    // Shard counts come from the number of distinct terms, estimated from a sample so that
    // partitioning can start at once: distinct terms grow about linearly with bulletins.
    let sample: Vec<DocTokens> =
        (0..n.min(256)).into_par_iter().map(|id| tokenize_doc(archive, id)).collect();
    let (shards, facet_shards) = estimate_shards(&sample, n);
    drop(sample);
    let partitions = (rayon::current_num_threads() * 2).max(1);
    let slot_partition = |slot: u32| slot as usize % partitions;

    let mut parts: Vec<Partition> = (0..partitions).map(|_| Partition::default()).collect();
    let mut lengths: Vec<f32> = Vec::with_capacity(n);
    for start in (0..n).step_by(BATCH) {
        let batch: Vec<DocTokens> =
            (start..(start + BATCH).min(n)).into_par_iter().map(|id| tokenize_doc(archive, id)).collect();
        lengths.extend(batch.iter().map(|d| d.length));
        parts.par_iter_mut().enumerate().for_each(|(p, part)| {
            let mut buf = String::new();
            for (offset, doc) in batch.iter().enumerate() {
                let id = (start + offset) as u32;
                for (weight, tokens) in &doc.fields {
                    for (i, t) in tokens.iter().enumerate() {
                        if slot_partition(t.hash % shards) == p {
                            part.add(&t.token.word, || t.token.folded.clone(), id, *weight);
                        }
                        if i == 0 || t.token.new_segment {
                            continue;
                        }
                        let prev = &tokens[i - 1];
                        let pair_hash =
                            fnv1a32_continue(fnv1a32_continue(prev.hash, b" "), t.token.folded.as_bytes());
                        if slot_partition(pair_hash % shards) == p {
                            buf.clear();
                            buf.push_str(&prev.token.word);
                            buf.push(' ');
                            buf.push_str(&t.token.word);
                            let folded = || format!("{} {}", prev.token.folded, t.token.folded);
                            part.add(&buf, folded, id, *weight);
                        }
                    }
                }
                for key in &doc.pseudo {
                    if slot_partition(shards + shard_of(key, facet_shards)) == p {
                        part.add(key, || key.clone(), id, 1.0);
                    }
                }
            }
        });
    }
    let avg_len = if n == 0 { 1.0 } else { (lengths.iter().sum::<f32>() / n as f32).max(1.0) };
    let score = |id: u32, tf: f32| -> u32 {
        let norm = 1.0 - B + B * lengths[id as usize] / avg_len;
        let w = tf * (K1 + 1.0) / (tf + K1 * norm);
        (w * SCORE_SCALE).round().max(1.0) as u32
    };

    // Each partition groups its spellings into terms and shards and writes them.
    let results: Vec<PartitionOutput> = parts
        .into_par_iter()
        .enumerate()
        .map(|(p, part)| -> std::io::Result<PartitionOutput> {
            let mut slots: BTreeMap<u32, BTreeMap<String, Spellings>> = BTreeMap::new();
            for (spelling, (folded, list)) in part.terms {
                let pseudo = spelling.contains(':');
                let slot = if pseudo {
                    shards + shard_of(&spelling, facet_shards)
                } else {
                    shard_of(&folded, shards)
                };
                slots.entry(slot).or_default().entry(folded).or_default().push((spelling, list));
            }
            let mut files = Vec::new();
            let mut word_df = Vec::new();
            // Every slot of the partition gets a file, even an empty one.
            let all_slots = (0..shards + facet_shards).filter(|&s| slot_partition(s) == p);
            for slot in all_slots {
                let terms = slots.remove(&slot).unwrap_or_default();
                let mut shard = Shard::new();
                for (folded, mut spellings) in terms {
                    spellings.sort_by(|a, b| a.0.cmp(&b.0));
                    let df: usize = spellings.iter().map(|(_, l)| l.len()).sum();
                    if slot < shards && !folded.contains(' ') {
                        word_df.push((folded.clone(), df as u32));
                    }
                    let encoded: Vec<(String, Postings)> = spellings
                        .into_iter()
                        .map(|(word, list)| {
                            let scored: Vec<(u32, u32)> =
                                list.iter().map(|&(id, tf)| (id, score(id, tf))).collect();
                            (word, Postings::encode(&scored))
                        })
                        .collect();
                    if df > LONG_LIST {
                        let file = format!("p/{:016x}.json.gz", text::fnv1a64(folded.as_bytes()));
                        for (word, p) in &encoded {
                            shard
                                .insert(word.clone(), Entry::Elsewhere(file.clone(), (p.0.len() / 2) as u32));
                        }
                        let long: LongList = encoded.into_iter().collect();
                        files.push(IndexFile { path: file, bytes: format::to_gzip_json(&long)? });
                    } else {
                        shard.extend(encoded.into_iter().map(|(w, p)| (w, Entry::Inline(p))));
                    }
                }
                let path = if slot < shards {
                    format!("t/{slot}.json.gz")
                } else {
                    format!("f/{}.json.gz", slot - shards)
                };
                files.push(IndexFile { path, bytes: format::to_gzip_json(&shard)? });
            }
            Ok((files, word_df))
        })
        .collect::<Result<_, _>>()?;
    let mut files = Vec::new();
    let mut word_df = Vec::new();
    for (f, w) in results {
        files.extend(f);
        word_df.extend(w);
    }

    // Prefix dictionary for the word being typed: per two-letter folded prefix, the most
    // frequent folded words (seen in two bulletins or more) with their frequency.
    let mut prefixes: BTreeMap<u32, BTreeMap<String, Vec<(String, u32)>>> = BTreeMap::new();
    for (word, df) in word_df {
        let prefix: String = word.chars().take(PREFIX_CHARS).collect();
        if df >= 2 && word.chars().count() > PREFIX_CHARS {
            let file = shard_of(&prefix, PREFIX_FILES);
            prefixes.entry(file).or_default().entry(prefix).or_default().push((word, df));
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

/// Shard counts for about [`TERMS_PER_SHARD`] terms each, from the distinct terms of a sample
/// of bulletins scaled to the archive.
fn estimate_shards(sample: &[DocTokens], n: usize) -> (u32, u32) {
    let mut terms: rustc_hash::FxHashSet<(u32, u32)> = Default::default();
    let mut pseudo: rustc_hash::FxHashSet<&str> = Default::default();
    for doc in sample {
        for (_, tokens) in &doc.fields {
            for (i, t) in tokens.iter().enumerate() {
                terms.insert((t.hash, 0));
                if i > 0 && !t.token.new_segment {
                    terms.insert((tokens[i - 1].hash, t.hash));
                }
            }
        }
        pseudo.extend(doc.pseudo.iter().map(String::as_str));
    }
    // Heaps' law: distinct terms grow as about the 0.75th power of the text.
    let scale = (n as f64 / sample.len().max(1) as f64).powf(0.75);
    let words = (terms.len() as f64 * scale) as usize;
    let names = (pseudo.len() as f64 * scale) as usize;
    (shard_count(words, TERMS_PER_SHARD), shard_count(names, TERMS_PER_FACET_SHARD))
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
        s: e.plain().chars().take(SNIPPET_TEXT_CHARS).collect(),
    }
}

/// Enough shards for about `per_shard` terms each: a power of two, at least 16. Shards grow
/// in number, not in size, as the archive grows, so a query costs the same.
fn shard_count(terms: usize, per_shard: usize) -> u32 {
    (terms / per_shard).clamp(16, 1 << 16).next_power_of_two() as u32
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
