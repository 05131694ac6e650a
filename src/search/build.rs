//! Building the whole index: tokenise each bulletin, collect its terms into partitions, merge
//! them into shard files, prefix groups, metadata chunks and the manifest.

use super::*;

/// The first eight bytes of `s`, big-endian, zero-padded: if `sort_prefix(a) <
/// sort_prefix(b)` then `a < b`, so a sort can compare these first and the strings only on a
/// tie.
pub(super) fn sort_prefix(s: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = s.len().min(8);
    bytes[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

/// Every file of the index for the archive.
pub fn build_index(
    archive: &mut Archive,
    format_date: &(dyn Fn(&PubDate) -> String + Sync),
) -> std::io::Result<Vec<IndexFile>> {
    let keys = vec![0; archive.entries.len()];
    Ok(build_index_with_state(archive, format_date, &keys)?.0)
}

/// Every file of the index, and the state from which [`update_index`] can later update it.
/// `entry_keys` are the fingerprints of the archive's entries (by archive position).
pub fn build_index_with_state(
    archive: &mut Archive,
    format_date: &(dyn Fn(&PubDate) -> String + Sync),
    entry_keys: &[u64],
) -> std::io::Result<(Vec<IndexFile>, IndexState)> {
    let files = std::sync::Mutex::new(Vec::new());
    let state = write_index(archive, format_date, entry_keys, None, false, &Runs::default(), &|f| {
        files.lock().map_err(|_| std::io::Error::other("index files lock poisoned"))?.push(f);
        Ok(())
    })?;
    let mut files = files.into_inner().map_err(|_| std::io::Error::other("index files lock poisoned"))?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, state))
}

/// Writes every file of the index through `write` as soon as it is made (from several
/// threads, in no particular order), and returns the state [`update_index`] starts from.
/// Long because its steps (tokenise → collect into partitions → merge each partition into
/// shards) share buffers that are handed from one to the next and let go as soon as possible.
/// When the terms collected outgrow [`Runs::most_bytes`], they are put away on disk as a run,
/// and each partition is merged from the runs at the end.
pub fn write_index(
    archive: &mut Archive,
    format_date: &(dyn Fn(&PubDate) -> String + Sync),
    entry_keys: &[u64],
    stored: Option<&StoredPlain>,
    release_plain: bool,
    runs: &Runs,
    write: &(dyn Fn(IndexFile) -> std::io::Result<()> + Sync),
) -> std::io::Result<IndexState> {
    let n = archive.entries.len();
    if n >= MAX_DOCS {
        return Err(std::io::Error::other(format!(
            "the search index holds at most {} bulletins",
            MAX_DOCS - 1
        )));
    }
    let mut parts: Vec<Partition> = (0..PARTITIONS).map(|_| Partition::default()).collect();
    // The runs put away, in order.
    let mut made = runs::RunFile::default();
    let dir = &runs.dir;
    let mut put_run = |parts: &mut [Partition]| made.put(parts, dir);
    collect(archive, format_date, stored, release_plain, runs.most_bytes, &mut parts, &mut put_run, write)?;
    let in_runs = made.len() > 0;
    // The partitions merged from the runs, each put away.
    let mut put_away = Vec::new();
    let mut counted = (0, 0);
    if in_runs {
        // The last run too: then only the partition being merged, and one run's share of it,
        // are held at once.
        made.put(&mut parts, dir)?;
        runs.set_made(made.len());
        for p in 0..PARTITIONS as usize {
            let merged = made.merge(p)?;
            let (words, pseudo) = merged.distinct();
            counted = (counted.0 + words, counted.1 + pseudo);
            put_away.push(runs::put_away(merged.without_table(), dir)?);
        }
        drop(made);
    } else {
        runs.set_made(1);
        for part in &mut parts {
            // The lookup tables are done with: their memory goes before the shards are written.
            *part = std::mem::take(part).without_table();
        }
        // Shard counts follow the number of distinct terms.
        counted = parts.par_iter().map(Partition::distinct).reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    }
    let mut state = IndexState {
        docs: doc_keys(archive, entry_keys),
        word_df: FxHashMap::default(),
        distinct_terms: counted.0,
        distinct_pseudo: counted.1,
    };
    let (shards, facet_shards) = state.shard_counts();
    let word_dfs = if !in_runs {
        let all: Vec<(u32, &Partition)> =
            parts.iter().enumerate().map(|(p, part)| (p as u32, part)).collect();
        write_shards(&all, shards, facet_shards, write)?
    } else {
        // Every partition was put away, merged (`parts` holds empty ones): back one at a time.
        let mut word_dfs = Vec::new();
        for (p, file) in put_away.into_iter().enumerate() {
            let (part, _) = runs::bring_back(file)?;
            word_dfs.extend(write_shards(&[(p as u32, &part)], shards, facet_shards, write)?);
        }
        word_dfs
    };
    // A million small allocations: let go on another thread while the rest is written.
    let parts_dropped = std::thread::spawn(move || drop(parts));
    state.word_df.extend(word_dfs.into_iter().flatten());
    prefix_files(&state.word_df, None)?.into_iter().try_for_each(write)?;
    write(manifest_file(archive, shards, facet_shards)?)?;
    let _ = parts_dropped.join();
    Ok(state)
}

/// Finds every bulletin's terms and adds them to `parts`, and writes the results' metadata
/// chunks. A batch is merged (and its chunks written) while the next one's terms are found,
/// so that neither step waits for the slowest thread of the other. Whenever `parts` hold more
/// than `most_bytes` and bulletins are left, they go to `put_run` (which leaves them empty).
#[allow(clippy::too_many_arguments)]
fn collect(
    archive: &mut Archive,
    format_date: &(dyn Fn(&PubDate) -> String + Sync),
    stored: Option<&StoredPlain>,
    release_plain: bool,
    most_bytes: u64,
    parts: &mut [Partition],
    put_run: &mut dyn FnMut(&mut [Partition]) -> std::io::Result<()>,
    write: &(dyn Fn(IndexFile) -> std::io::Result<()> + Sync),
) -> std::io::Result<()> {
    let n = archive.entries.len();
    // Each bulletin's terms, ordered by partition, with where each partition's begin, and
    // what the results list shows of it (read from its text at the same time).
    type Batch = Vec<(DocTerms, [usize; PARTITIONS as usize + 1], DocMeta)>;
    // The entries of the ids from `start` on (ids run oldest first, entries newest first).
    let batch_entries = |start: usize| n - (start + BATCH).min(n)..n - start;
    let Archive { entries, tags, authors, sections, .. } = &mut *archive;
    let (tags, authors, sections) = (&*tags, &*authors, &*sections);
    let terms_of = |entries: &mut [crate::archive::Entry]| -> std::io::Result<Batch> {
        entries
            .par_iter_mut()
            .rev()
            .map_init(Scratch::default, |scratch, entry| {
                let plain = plain_of(entry, stored, usize::MAX)?;
                let mut doc = doc_terms(&fields_of(entry, sections, &entry.summary(), &plain), scratch);
                let mut meta = doc_meta(entry, tags, authors, sections, format_date, &plain);
                meta.p = phrases::phrase_filter(doc.tokens(), &doc.token_hashes);
                drop(plain);
                if release_plain {
                    entry.release_plain();
                }
                let partition = |t: &DocTerm| (t.hash % PARTITIONS) as usize;
                let mut bounds = [0; PARTITIONS as usize + 1];
                for t in &doc.terms {
                    bounds[partition(t) + 1] += 1;
                }
                for p in 0..PARTITIONS as usize {
                    bounds[p + 1] += bounds[p];
                }
                let mut next = bounds;
                let mut sorted = doc.terms.clone();
                for t in &doc.terms {
                    sorted[next[partition(t)]] = *t;
                    next[partition(t)] += 1;
                }
                doc.terms = sorted;
                Ok((doc, bounds, meta))
            })
            .collect()
    };
    let merge = |parts: &mut [Partition], batch: &Batch, start: usize| {
        parts.par_iter_mut().enumerate().try_for_each(|(p, part)| -> std::io::Result<()> {
            for (offset, (doc, bounds, _)) in batch.iter().enumerate() {
                part.add_doc(doc, &doc.terms[bounds[p]..bounds[p + 1]], (start + offset) as u32)?;
            }
            Ok(())
        })
    };
    // The results' metadata of a batch: its chunks (a batch holds whole chunks).
    const { assert!(BATCH.is_multiple_of(DOCS_PER_CHUNK)) };
    let chunks = |batch: &Batch, start: usize| -> std::io::Result<()> {
        let metas: Vec<&DocMeta> = batch.iter().map(|(_, _, meta)| meta).collect();
        metas.par_chunks(DOCS_PER_CHUNK).enumerate().try_for_each(|(k, docs)| {
            chunk_of(start / DOCS_PER_CHUNK + k, docs)?.into_iter().try_for_each(write)
        })
    };
    let mut next = (n > 0).then(|| terms_of(&mut entries[batch_entries(0)]));
    let mut start = 0;
    while let Some(batch) = next.take() {
        let batch = batch?;
        let following = start + BATCH;
        let ((merged, written), upcoming) = rayon::join(
            || rayon::join(|| merge(parts, &batch, start), || chunks(&batch, start)),
            || (following < n).then(|| terms_of(&mut entries[batch_entries(following)])),
        );
        merged?;
        written?;
        if following < n && parts.iter().map(Partition::held_bytes).sum::<u64>() > most_bytes {
            put_run(parts)?;
        }
        next = upcoming;
        start = following;
    }
    Ok(())
}

/// Writes the shards of `parts` (each with its number), and returns their words' document
/// frequencies.
fn write_shards(
    parts: &[(u32, &Partition)],
    shards: u32,
    facet_shards: u32,
    write: &(dyn Fn(IndexFile) -> std::io::Result<()> + Sync),
) -> std::io::Result<Vec<Vec<(String, u32)>>> {
    let slots: Vec<(&Partition, u32, Vec<u32>)> = parts
        .par_iter()
        .flat_map_iter(|&(p, part)| {
            part.slots(p, shards, facet_shards).into_iter().map(move |(slot, terms)| (part, slot, terms))
        })
        .collect();
    slots
        .into_par_iter()
        .map(|(part, slot, terms)| {
            let (files, word_df) = part.write_slot(slot, shards, terms)?;
            files.into_iter().try_for_each(write)?;
            Ok(word_df)
        })
        .collect()
}

/// The partition of a slot: word shard `s` is in partition `s mod PARTITIONS`, as are its
/// terms' hashes; tag/author shard `s` likewise by its own number.
pub(super) fn slot_partition(slot: u32, shards: u32) -> u32 {
    if slot < shards { slot % PARTITIONS } else { (slot - shards) % PARTITIONS }
}

pub(super) fn slot_of(folded: &str, pseudo: bool, shards: u32, facet_shards: u32) -> u32 {
    if pseudo { shards + shard_of(folded, facet_shards) } else { shard_of(shard_key(folded), shards) }
}

/// A term of a shard being written: its spellings' postings, or (when updating) its entries
/// kept exactly as they were.
pub(super) enum TermData {
    Postings(Spellings),
    Kept(Vec<(String, Entry)>),
}

/// The shard for a slot's terms: inline posting lists, or references to long-list files
/// (added to `files`). Word document frequencies go to `word_df`.
pub(super) fn materialize(
    words: bool,
    terms: BTreeMap<String, TermData>,
    files: &mut Vec<IndexFile>,
    word_df: &mut Vec<(String, u32)>,
) -> std::io::Result<Shard> {
    let mut shard = Shard::new();
    for (folded, data) in terms {
        let mut spellings = match data {
            TermData::Kept(entries) => {
                shard.extend(entries);
                continue;
            }
            TermData::Postings(s) => s,
        };
        spellings.retain(|(_, list)| !list.is_empty());
        if spellings.is_empty() {
            continue;
        }
        spellings.sort_by(|a, b| a.0.cmp(&b.0));
        let df: usize = spellings.iter().map(|(_, l)| l.len()).sum();
        if words && is_word(&folded) {
            word_df.push((folded.clone(), df as u32));
        }
        let head = if df > heads::HEAD_MIN {
            let lists: Vec<(&str, &[(u32, u32)])> =
                spellings.iter().map(|(w, l)| (w.as_str(), l.as_slice())).collect();
            let head = heads::head_file(&folded, &lists)?;
            let path = head.path.clone();
            files.push(head);
            Some(path)
        } else {
            None
        };
        let encoded: Vec<(String, Postings)> =
            spellings.into_iter().map(|(word, list)| (word, Postings::encode(&list))).collect();
        if df > LONG_LIST {
            let file = long_file(&folded);
            for (word, p) in &encoded {
                let count = (p.0.len() / 2) as u32;
                let entry = match &head {
                    Some(head) => Entry::Headed(file.clone(), count, head.clone()),
                    None => Entry::Elsewhere(file.clone(), count),
                };
                shard.insert(word.clone(), entry);
            }
            let long: LongList = encoded.into_iter().collect();
            files.push(IndexFile { path: file, bytes: format::to_gzip_json(&long)? });
        } else {
            shard.extend(encoded.into_iter().map(|(w, p)| (w, Entry::Inline(p))));
        }
    }
    Ok(shard)
}

/// The word lists in `x/`: per two-letter folded prefix, the most frequent folded words (seen
/// in two bulletins or more) with their frequency, for the word being typed; and per first
/// letter and length (`~t5`) and per second letter and length (`~~h5`), the most frequent
/// such words, for words typed with a typo (the second letter's groups hold the words whose
/// first letter was typed wrong, or left out). Only the files in `only`, when given.
pub(super) fn prefix_files(
    word_df: &FxHashMap<String, u32>,
    only: Option<&std::collections::BTreeSet<u32>>,
) -> std::io::Result<Vec<IndexFile>> {
    let mut groups: BTreeMap<u32, BTreeMap<String, Vec<(String, u32)>>> = BTreeMap::new();
    for (word, &df) in word_df {
        if df < 2 {
            continue;
        }
        for group in word_groups(word) {
            let file = shard_of(&group, PREFIX_FILES);
            if only.is_none_or(|o| o.contains(&file)) {
                groups.entry(file).or_default().entry(group).or_default().push((word.clone(), df));
            }
        }
    }
    groups
        .into_par_iter()
        .map(|(file, mut groups)| {
            for (group, words) in groups.iter_mut() {
                words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                words.truncate(if group.starts_with(VOCABULARY_MARK) {
                    VOCABULARY_WORDS
                } else {
                    PREFIX_WORDS
                });
            }
            Ok(IndexFile { path: files::prefix_file(file), bytes: format::to_gzip_json(&groups)? })
        })
        .collect()
}

/// The groups a folded word is listed in: its two-letter prefix's, if it is longer than
/// that, and, if it is made of letters (2 to 20 of them), its first letter and length's and
/// its second letter and length's.
fn word_groups(word: &str) -> impl Iterator<Item = String> {
    let mut chars = word.chars();
    let prefix: String = chars.by_ref().take(PREFIX_CHARS).collect();
    let prefix = chars.next().map(|_| prefix);
    let len = word.chars().count();
    let letters = word.chars().all(char::is_alphabetic) && (2..=20).contains(&len);
    let mut first_two = word.chars();
    let (first, second) = (first_two.next(), first_two.next());
    let by_first = first.filter(|_| letters).map(|c| format!("{VOCABULARY_MARK}{c}{len}"));
    let by_second = second.filter(|_| letters).map(|c| format!("{VOCABULARY_MARK}{VOCABULARY_MARK}{c}{len}"));
    prefix.into_iter().chain(by_first).chain(by_second)
}

/// The `x/` files a folded word is listed in.
pub(super) fn prefix_files_of(word: &str) -> impl Iterator<Item = u32> {
    word_groups(word).map(|g| shard_of(&g, PREFIX_FILES))
}

/// Result metadata and phrase filters, a few bulletins per file.
pub(super) fn chunk_file(
    archive: &Archive,
    c: usize,
    format_date: &(dyn Fn(&PubDate) -> String + Sync),
    stored: Option<&StoredPlain>,
) -> std::io::Result<[IndexFile; 2]> {
    let n = archive.entries.len();
    let mut scratch = Scratch::default();
    let docs: Vec<DocMeta> = (c * DOCS_PER_CHUNK..((c + 1) * DOCS_PER_CHUNK).min(n))
        .map(|id| {
            let e = entry_of(archive, id);
            let plain = plain_of(e, stored, usize::MAX)?;
            let mut meta =
                doc_meta(e, &archive.tags, &archive.authors, &archive.sections, format_date, &plain);
            let doc = doc_terms(&fields_of(e, &archive.sections, &e.summary(), &plain), &mut scratch);
            meta.p = phrases::phrase_filter(doc.tokens(), &doc.token_hashes);
            Ok(meta)
        })
        .collect::<std::io::Result<_>>()?;
    chunk_of(c, &docs.iter().collect::<Vec<_>>())
}

/// Chunk `c` of the results' metadata (`d/`) and of the phrase filters (`b/`), of `docs`.
pub(super) fn chunk_of(c: usize, docs: &[&DocMeta]) -> std::io::Result<[IndexFile; 2]> {
    let filters: Vec<&str> = docs.iter().map(|d| d.p.as_str()).collect();
    Ok([
        IndexFile { path: files::chunk_file(c), bytes: format::to_gzip_json(&docs)? },
        IndexFile { path: files::phrase_file(c), bytes: format::to_gzip_json(&filters)? },
    ])
}

pub(super) fn manifest_file(archive: &Archive, shards: u32, facet_shards: u32) -> std::io::Result<IndexFile> {
    let n = archive.entries.len();
    let years = archive
        .years
        .iter()
        .map(|y| {
            let newest = y.members.iter().copied().min().unwrap_or(0);
            (
                y.year,
                (n - 1 - y.members.iter().copied().max().unwrap_or(newest)) as u32,
                y.members.len() as u32,
            )
        })
        .collect();
    let manifest = Manifest {
        version: format::FORMAT_VERSION,
        docs: n as u32,
        shards,
        facet_shards,
        per_folder: files::PER_FOLDER,
        prefix_files: PREFIX_FILES,
        chunk: DOCS_PER_CHUNK as u32,
        score_scale: SCORE_SCALE,
        years,
    };
    let json = serde_json::to_vec(&manifest).map_err(std::io::Error::other)?;
    Ok(IndexFile { path: files::MANIFEST.into(), bytes: json })
}

/// At least `wanted` shards: a power of two, at least 16. Shards grow in number, not in
/// size, as the archive grows, so a query costs the same.
pub(super) fn shard_count(wanted: usize) -> u32 {
    wanted.clamp(16, 1 << 16).next_power_of_two() as u32
}
