//! Updating a published index in place: only the shards, prefix groups and chunks the changed
//! bulletins touch are made again; every other file stays as published.

use super::*;

/// What an update made (each file was handed to the caller as it was made) and removed, and
/// the state after it.
pub struct IndexUpdate {
    /// The paths of the files made.
    pub files: Vec<String>,
    pub removed: Vec<String>,
    pub state: IndexState,
}

/// The index's view of each bulletin, by id.
pub(super) fn doc_keys(archive: &Archive, entry_keys: &[u64]) -> Vec<DocKey> {
    let n = archive.entries.len();
    (0..n)
        .into_par_iter()
        .map(|id| {
            let e = entry_of(archive, id);
            DocKey {
                entry: entry_keys.get(n - 1 - id).copied().unwrap_or(0),
                source: crate::hash::path_key(&e.bulletin.source),
                source_hash: e.bulletin.source_hash,
            }
        })
        .collect()
}

/// The ids whose bulletin differs from the one `prev` indexed (new ids included), or `None`
/// when an update cannot or should not be made.
pub(super) fn changed_ids(keys: &[DocKey], prev: &IndexState) -> Option<Vec<usize>> {
    let (n, n_old) = (keys.len(), prev.docs.len());
    if n < n_old || n == 0 {
        return None;
    }
    let changed: Vec<usize> = (0..n).filter(|&id| id >= n_old || keys[id] != prev.docs[id]).collect();
    (changed.len() <= UPDATE_MIN.max(n / UPDATE_SHARE)).then_some(changed)
}

/// The archive positions an update will read bodies of (the changed bulletins and their
/// metadata-chunk neighbours), or `None` when the index must be built in full.
pub fn update_positions(archive: &Archive, entry_keys: &[u64], prev: &IndexState) -> Option<Vec<usize>> {
    let n = archive.entries.len();
    let changed = changed_ids(&doc_keys(archive, entry_keys), prev)?;
    let mut out: Vec<usize> = changed
        .iter()
        .flat_map(|&id| {
            let c = id / DOCS_PER_CHUNK;
            (c * DOCS_PER_CHUNK..((c + 1) * DOCS_PER_CHUNK).min(n)).map(move |id| n - 1 - id)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    Some(out)
}

/// At most this share of the bulletins (and at least [`UPDATE_MIN`]) may change for the
/// index to be updated in place rather than rebuilt.
pub(super) const UPDATE_SHARE: usize = 20;
pub(super) const UPDATE_MIN: usize = 64;

/// Updates the index `prev` describes to the archive, producing exactly the files a full
/// build would, but only those that differ: each is handed to `hold` as soon as it is made
/// (from several threads), for the caller to keep until the update is known to be made (a
/// common word's long lists are hundreds of megabytes at 1,000,000 bulletins: the caller may
/// keep them on disk). `old_fields(id)` gives the previous version of a changed bulletin's
/// fields; `read(path)` the published index file. `None` when the change is too large or
/// anything needed is missing: then the caller drops what it holds and builds the index in
/// full. Long because each step (changed bulletins → changed terms → their shards, prefix groups,
/// metadata chunks and manifest) needs what the previous one found, and splitting it would mean
/// handing a dozen tables between functions.
#[allow(clippy::too_many_arguments)]
pub fn update_index(
    archive: &Archive,
    format_date: &(dyn Fn(&PubDate) -> String + Sync),
    entry_keys: &[u64],
    prev: &IndexState,
    old_fields: &(dyn Fn(&DocKey) -> Option<OwnedFields> + Sync),
    read: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync),
    stored: Option<&StoredPlain>,
    hold: &(dyn Fn(IndexFile) -> std::io::Result<()> + Sync),
) -> std::io::Result<Option<IndexUpdate>> {
    // Hands `file` to `hold`, and returns its path.
    let made = |file: IndexFile| -> std::io::Result<String> {
        let path = file.path.clone();
        hold(file)?;
        Ok(path)
    };
    let n_old = prev.docs.len();
    let keys = doc_keys(archive, entry_keys);
    let Some(changed) = changed_ids(&keys, prev) else { return Ok(None) };
    let (shards, facet_shards) = prev.shard_counts();

    // The postings each changed bulletin takes away and brings: spelling → (folded, pseudo,
    // id → score or none).
    let mut delta: BTreeMap<String, (String, bool, PostingChanges)> = BTreeMap::new();
    let mut scratch = Scratch::default();
    for &id in &changed {
        let entry = entry_of(archive, id);
        let new_doc = doc_terms(
            &fields_of(entry, &archive.sections, &entry.summary(), &plain_of(entry, stored, usize::MAX)?),
            &mut scratch,
        );
        let old_doc = if id < n_old {
            if prev.docs[id].source == keys[id].source && prev.docs[id].source_hash == keys[id].source_hash {
                continue; // the same text: only its metadata (names, URL) changed
            }
            match old_fields(&prev.docs[id]) {
                Some(f) => Some(doc_terms(&f.borrow(), &mut scratch)),
                None => return Ok(None),
            }
        } else {
            None
        };
        let mut terms: BTreeMap<String, ScoreChange> = BTreeMap::new();
        if let Some(old) = &old_doc {
            let length = length_class(old.length);
            for t in &old.terms {
                terms
                    .insert(old.spelling(t), (old.folded(t), t.pseudo, Some(posting_value(length, t)), None));
            }
        }
        let length = length_class(new_doc.length);
        for t in &new_doc.terms {
            terms.entry(new_doc.spelling(t)).or_insert((new_doc.folded(t), t.pseudo, None, None)).3 =
                Some(posting_value(length, t));
        }
        for (spelling, (folded, pseudo, old_score, new_score)) in terms {
            if new_score != old_score {
                delta
                    .entry(spelling)
                    .or_insert_with(|| (folded, pseudo, Vec::new()))
                    .2
                    .push((id as u32, new_score));
            }
        }
    }

    // Group the changes by shard and term.
    let mut by_slot: BTreeMap<u32, BTreeMap<String, Vec<(String, PostingChanges)>>> = BTreeMap::new();
    for (spelling, (folded, pseudo, changes)) in delta {
        let slot = slot_of(&folded, pseudo, shards, facet_shards);
        by_slot.entry(slot).or_default().entry(folded).or_default().push((spelling, changes));
    }

    type SlotResult = (String, Vec<String>, Vec<String>, Vec<(String, Option<u32>)>, i64, i64);
    let results: Vec<Option<SlotResult>> = by_slot
        .into_par_iter()
        .map(|(slot, changes)| -> std::io::Result<Option<SlotResult>> {
            let path = slot_file(slot, shards);
            let Some(bytes) = read(&path) else { return Ok(None) };
            let shard: Shard = format::from_gzip_json(&bytes)?;
            // The shard's spellings grouped by term; the changed terms' postings loaded.
            let mut terms: BTreeMap<String, Vec<(String, Entry)>> = BTreeMap::new();
            for (spelling, entry) in shard {
                let folded = if spelling.contains(':') {
                    spelling.clone()
                } else {
                    text::search_key(&text::fold_normalized(&spelling)).into_owned()
                };
                terms.entry(folded).or_default().push((spelling, entry));
            }
            let mut data: BTreeMap<String, TermData> = BTreeMap::new();
            let mut removed_long = Vec::new();
            let (mut terms_delta, mut pseudo_delta) = (0i64, 0i64);
            // The changed terms' entries come out; every other term is kept as it was.
            let changed: Vec<_> = changes
                .into_iter()
                .map(|(folded, c)| {
                    let existing = terms.remove(&folded).unwrap_or_default();
                    (folded, existing, c)
                })
                .collect();
            data.extend(terms.into_iter().map(|(folded, entries)| (folded, TermData::Kept(entries))));
            let mut df_changes = Vec::new();
            for (folded, existing, spelling_changes) in changed {
                let mut spellings: BTreeMap<String, Vec<(u32, u32)>> = BTreeMap::new();
                let existed = !existing.is_empty();
                let mut long_loaded: Option<LongList> = None;
                for (spelling, entry) in existing {
                    let list = match &entry {
                        Entry::Inline(p) => p.decode(),
                        Entry::Elsewhere(file, _) | Entry::Headed(file, _, _) => {
                            if long_loaded.is_none() {
                                let Some(b) = read(file) else { return Ok(None) };
                                long_loaded = Some(format::from_gzip_json(&b)?);
                                removed_long.push(file.clone());
                                // A term's spellings share its long list and its head: the
                                // head goes with the list (and comes back with it if due).
                                if let Entry::Headed(_, _, head) = &entry {
                                    removed_long.push(head.clone());
                                }
                            }
                            match long_loaded.as_ref().and_then(|l| l.get(&spelling)) {
                                Some(p) => p.decode(),
                                None => return Ok(None),
                            }
                        }
                    };
                    spellings.insert(spelling, list);
                }
                for (spelling, list_changes) in spelling_changes {
                    let list = spellings.entry(spelling).or_default();
                    for (id, new) in list_changes {
                        match (list.binary_search_by_key(&id, |p| p.0), new) {
                            (Ok(i), Some(s)) => list[i].1 = s,
                            (Ok(i), None) => {
                                list.remove(i);
                            }
                            (Err(i), Some(s)) => list.insert(i, (id, s)),
                            (Err(_), None) => {}
                        }
                    }
                }
                let spellings: Spellings = spellings.into_iter().filter(|(_, l)| !l.is_empty()).collect();
                let exists = !spellings.is_empty();
                let pseudo = slot >= shards;
                let change = i64::from(exists) - i64::from(existed);
                if pseudo {
                    pseudo_delta += change;
                } else {
                    terms_delta += change;
                }
                if !pseudo && is_word(&folded) && !exists {
                    df_changes.push((folded.clone(), None));
                }
                data.insert(folded, TermData::Postings(spellings));
            }
            let mut long_files = Vec::new();
            let mut word_df = Vec::new();
            let shard = materialize(slot < shards, data, &mut long_files, &mut word_df)?;
            df_changes.extend(word_df.into_iter().map(|(w, df)| (w, Some(df))));
            // Long files still written are not removed.
            removed_long.retain(|f| !long_files.iter().any(|l: &IndexFile| &l.path == f));
            let file = made(IndexFile { path, bytes: format::to_gzip_json(&shard)? })?;
            let long_files = long_files.into_iter().map(made).collect::<std::io::Result<_>>()?;
            Ok(Some((file, long_files, removed_long, df_changes, terms_delta, pseudo_delta)))
        })
        .collect::<std::io::Result<_>>()?;

    let mut state = IndexState {
        docs: keys,
        word_df: prev.word_df.clone(),
        distinct_terms: prev.distinct_terms,
        distinct_pseudo: prev.distinct_pseudo,
    };
    let mut files = Vec::new();
    let mut removed = Vec::new();
    let mut prefixes = std::collections::BTreeSet::new();
    for r in results {
        let Some((shard, long, gone, dfs, dt, dp)) = r else { return Ok(None) };
        files.push(shard);
        files.extend(long);
        removed.extend(gone);
        for (word, df) in dfs {
            let before = state.word_df.get(&word).copied();
            if before != df {
                prefixes.extend(prefix_files_of(&word));
                match df {
                    Some(df) => state.word_df.insert(word, df),
                    None => state.word_df.remove(&word),
                };
            }
        }
        state.distinct_terms = state.distinct_terms.saturating_add_signed(dt);
        state.distinct_pseudo = state.distinct_pseudo.saturating_add_signed(dp);
    }
    // A different number of shards moves every term: that is a full build.
    if state.shard_counts() != (shards, facet_shards) {
        return Ok(None);
    }
    let prefix = prefix_files(&state.word_df, Some(&prefixes))?;
    for p in &prefixes {
        let path = files::prefix_file(*p);
        if !prefix.iter().any(|f| f.path == path) {
            removed.push(path);
        }
    }
    for file in prefix {
        files.push(made(file)?);
    }
    let chunks: std::collections::BTreeSet<usize> = changed.iter().map(|id| id / DOCS_PER_CHUNK).collect();
    let chunk_files: Vec<IndexFile> = chunks
        .into_par_iter()
        .map(|c| chunk_file(archive, c, format_date, stored))
        .collect::<std::io::Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    for file in chunk_files {
        files.push(made(file)?);
    }
    files.push(made(manifest_file(archive, shards, facet_shards)?)?);
    let written: std::collections::HashSet<&str> = files.iter().map(String::as_str).collect();
    removed.retain(|r| !written.contains(r.as_str()));
    Ok(Some(IndexUpdate { files, removed, state }))
}
