//! Tests of the search index: whole builds read back, updates equal to whole builds.

use super::format::{self, Entry, LongList, Manifest, Shard};
use super::*;
use crate::config::Config;
use crate::content::{SourceFile, parse_bulletin};
use crate::markdown;

#[test]
fn text_chunks_keep_every_string_whole_and_findable() {
    let mut text = Text::default();
    let long = "đ".repeat(TEXT_CHUNK); // two chunks' worth of bytes
    let pieces: Vec<String> = (0..3000)
        .map(|i| match i {
            1000 => long.clone(),
            2000 => "x".repeat(TEXT_CHUNK),
            _ => format!("từ {i} ").repeat(i % 50 + 1),
        })
        .collect();
    let mut at = Vec::new();
    for p in &pieces {
        let (chunk, position) = text.room(p.len());
        chunk.push_str(p);
        at.push(position);
    }
    for (p, &position) in pieces.iter().zip(&at) {
        assert_eq!(text.get(position as u32, p.len()), p);
    }
    let mut items = Chunked::default();
    for i in 0..CHUNK_ITEMS * 2 + 5 {
        items.push(i);
    }
    assert_eq!(
        (items.len(), items[CHUNK_ITEMS + 3], items.iter().sum::<usize>()),
        (CHUNK_ITEMS * 2 + 5, CHUNK_ITEMS + 3, (0..CHUNK_ITEMS * 2 + 5).sum())
    );
    items[7] = 0;
    assert_eq!(items[7], 0);
}

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

fn files(a: &mut Archive) -> BTreeMap<String, Vec<u8>> {
    build_index(a, &|d| d.machine()).expect("index").into_iter().map(|f| (f.path, f.bytes)).collect()
}

/// Reads back the postings of one spelling of a folded term, as the client does.
fn lookup(files: &BTreeMap<String, Vec<u8>>, folded: &str, spelling: &str) -> Vec<(u32, u32)> {
    let m: Manifest = serde_json::from_slice(&files["manifest.json"]).expect("manifest");
    let shard: Shard =
        format::from_gzip_json(&files[&files::slot_file(shard_of(folded, m.shards), m.shards)])
            .expect("shard");
    match shard.get(spelling) {
        Some(Entry::Inline(p)) => p.decode(),
        Some(Entry::Elsewhere(file, df) | Entry::Headed(file, df, _)) => {
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
    let mut a = archive(&[
        ("Mưa ở Đà Nẵng", "2024-01-03", "Đà Nẵng mưa to."),
        ("Máy đa năng", "2024-01-02", "Máy bơm đa năng."),
        ("Da Nang guide", "2024-01-01", "Visit Da Nang."),
    ]);
    let f = files(&mut a);
    // Ids are archive positions, oldest first.
    assert_eq!(lookup(&f, "da nang", "đà nẵng").iter().map(|p| p.0).collect::<Vec<_>>(), [2]);
    assert_eq!(lookup(&f, "da nang", "đa năng").iter().map(|p| p.0).collect::<Vec<_>>(), [1]);
    assert_eq!(lookup(&f, "da nang", "da nang").iter().map(|p| p.0).collect::<Vec<_>>(), [0]);
    assert_eq!(lookup(&f, "da", "đà").len(), 1);
    // A title word scores higher than the same word once in the body.
    let mua = lookup(&f, "mua", "mưa");
    assert_eq!(mua.len(), 1);
    let bom = lookup(&f, "bom", "bơm");
    assert!(mua[0].1 > bom[0].1, "{mua:?} vs {bom:?}");
    // Metadata chunks hold the bulletins in id order.
    let m: Manifest = serde_json::from_slice(&f["manifest.json"]).expect("manifest");
    assert_eq!((m.docs, m.years.clone()), (3, vec![(2024, 0, 3)]));
    let chunk: Vec<DocMeta> = format::from_gzip_json(&f[&files::chunk_file(0)]).expect("chunk");
    assert_eq!(chunk[0].t, "Da Nang guide");
    // URLs come from file names (content/1.md).
    assert_eq!(chunk[1].u, "1/");
    // Tags are pseudo-terms in the facet shards.
    let key = "tag:an ninh";
    let facet: Shard =
        format::from_gzip_json(&f[&files::slot_file(m.shards + shard_of(key, m.facet_shards), m.shards)])
            .expect("facet");
    assert!(matches!(&facet[key], Entry::Inline(p) if p.decode().len() == 3));
}

#[test]
fn long_lists_move_out_of_the_shard() {
    let docs: Vec<(String, String, String)> = (0..LONG_LIST + 5)
        .map(|i| (format!("Tin {i}"), "2024-01-01".to_string(), "bảo vệ".to_string()))
        .collect();
    let f = files(&mut owned_archive(&docs));
    let list = lookup(&f, "bao ve", "bảo vệ");
    assert_eq!(list.len(), LONG_LIST + 5);
    assert!(list.windows(2).all(|w| w[0].0 < w[1].0), "ids ascending");
    assert!(f.keys().any(|k| k.starts_with("p/")));
}

/// [`archive`] of owned (title, date, body) strings.
fn owned_archive(docs: &[(String, String, String)]) -> Archive {
    let refs: Vec<(&str, &str, &str)> =
        docs.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
    archive(&refs)
}

/// Applies `update_index` to the files of `before` and checks the result is exactly a
/// full build of `after`.
fn check_update(before: &mut Archive, after: &mut Archive) -> bool {
    let keys = |a: &Archive| -> Vec<u64> {
        a.entries.iter().map(|e| e.bulletin.source_hash ^ text::fnv1a64(e.path.as_bytes())).collect()
    };
    let (old_files, state) =
        build_index_with_state(before, &|d| d.machine(), &keys(&*before)).expect("index");
    let old: BTreeMap<String, Vec<u8>> = old_files.into_iter().map(|f| (f.path, f.bytes)).collect();
    let old_fields = |k: &DocKey| {
        let e = before.entries.iter().find(|e| crate::hash::path_key(&e.bulletin.source) == k.source)?;
        Some(OwnedFields {
            title: e.bulletin.title.clone(),
            summary: e.summary().into_owned(),
            plain: e.plain()?.to_string(),
            tags: e.bulletin.tags.clone(),
            authors: e.bulletin.authors.clone(),
            section: None,
        })
    };
    let read = |p: &str| old.get(p).cloned();
    let held = std::sync::Mutex::new(Vec::new());
    let hold = |f: IndexFile| {
        held.lock().expect("held").push(f);
        Ok(())
    };
    let Some(update) =
        update_index(after, &|d| d.machine(), &keys(after), &state, &old_fields, &read, None, &hold)
            .expect("update")
    else {
        return false;
    };
    let held = held.into_inner().expect("held");
    let mut paths: Vec<&str> = held.iter().map(|f| f.path.as_str()).collect();
    paths.sort_unstable();
    let mut said = update.files.clone();
    said.sort_unstable();
    assert_eq!(paths, said, "the files made are the files handed over");
    let mut files = old.clone();
    for r in &update.removed {
        files.remove(r);
    }
    for f in held {
        files.insert(f.path, f.bytes);
    }
    let (full, full_state) = build_index_with_state(after, &|d| d.machine(), &keys(&*after)).expect("index");
    let full: BTreeMap<String, Vec<u8>> = full.into_iter().map(|f| (f.path, f.bytes)).collect();
    assert_eq!(files.keys().collect::<Vec<_>>(), full.keys().collect::<Vec<_>>());
    for (k, v) in &full {
        assert!(&files[k] == v, "{k} differs");
    }
    assert_eq!(update.state.word_df, full_state.word_df);
    assert_eq!(
        (update.state.distinct_terms, update.state.distinct_pseudo),
        (full_state.distinct_terms, full_state.distinct_pseudo)
    );
    true
}

#[test]
fn updates_equal_full_builds() {
    let base: Vec<(String, String, String)> = (0..LONG_LIST + 2)
        .map(|i| {
            let body = if i < LONG_LIST { "bảo vệ rừng" } else { "trồng cây xanh" };
            (format!("Tin {i}"), format!("2024-01-{:02}", 1 + i % 28), body.to_string())
        })
        .collect();
    let build = owned_archive;
    let mut before = build(&base);
    // A long list grows; a word appears and one disappears; a title changes.
    let mut grown = base.clone();
    grown[LONG_LIST].2 = "bảo vệ biển đảo".into();
    grown[5].0 = "Tin mới sửa".into();
    grown[7].2 = "hoàn toàn khác".into();
    let mut grown_archive = build(&grown);
    assert!(check_update(&mut before, &mut grown_archive));
    // ...and shrinks back below the threshold, moving inline again.
    let mut shrunk = grown.clone();
    for doc in shrunk.iter_mut().take(3) {
        doc.2 = "tin vắn".into();
    }
    assert!(check_update(&mut grown_archive, &mut build(&shrunk)));
    // A newer bulletin is published: it takes the next id.
    let mut added = base.clone();
    added.push(("Tin nóng".into(), "2024-02-01".into(), "bảo vệ môi trường".into()));
    assert!(check_update(&mut before, &mut build(&added)));
    // Too many changes: the caller is told to build in full.
    let all_new: Vec<_> = base.iter().map(|(a, b, _)| (a.clone(), b.clone(), "khác".to_string())).collect();
    assert!(!check_update(&mut before, &mut build(&all_new)));
}

#[test]
fn lengths_count_in_classes() {
    assert_eq!(length_class(1.0), 1.0);
    assert_eq!(length_class(1.04), 1.0);
    assert!((length_class(1.06) - 1.1).abs() < 1e-6);
    let mut last = 0.0;
    for l in 1..5000 {
        let c = length_class(l as f32);
        assert!(c >= last, "classes grow with length");
        assert!(c / l as f32 > 0.95 && c / (l as f32) < 1.05, "{l} → {c}");
        last = c;
    }
    // A sentence added to a typical bulletin mostly keeps its class.
    let same = (500..700).filter(|&l| length_class(l as f32) == length_class((l + 12) as f32)).count();
    assert!(same > 150, "{same}");
}

#[test]
fn the_index_is_deterministic() {
    let mut a = archive(&[("Một", "2024-01-01", "hai ba"), ("Bốn", "2024-02-01", "năm sáu")]);
    assert_eq!(files(&mut a), files(&mut a));
}

#[test]
fn the_short_table_finds_every_term_and_tells_clashes_apart() {
    let mut table = ShortTable::default();
    assert_eq!(table.first(7), None);
    // Keys whose 32 bits clash (the same `short`, told apart by `is`) and keys sharing a
    // home slot, across several growths.
    let shorts: Vec<u32> =
        (0..5000u32).map(|i| if i % 3 == 0 { 42 } else { i.wrapping_mul(2_654_435_761) }).collect();
    for (i, &short) in shorts.iter().enumerate() {
        let index = i as u32;
        assert_eq!(table.find_or_insert(short, |t| t == index, index), None, "{i} is new");
    }
    for (i, &short) in shorts.iter().enumerate() {
        let index = i as u32;
        assert_eq!(table.find_or_insert(short, |t| t == index, u32::MAX - 1), Some(index));
        let first = table.first(short).expect("found");
        assert_eq!(shorts[first as usize], short);
    }
    assert_eq!(table.first(42), Some(0), "the first inserted of a clash");
    assert_eq!(table.len, shorts.len());
    assert!(table.len * 8 <= table.slots.len() * 5);
}

#[test]
fn letting_go_of_the_plain_text_while_indexing_changes_no_file() {
    // Some bodies are longer than a snippet's bytes can be, in letters of two and three
    // bytes, so that a read of a snippet's bytes ends inside a letter.
    let docs: Vec<(String, String, String)> = (0..3 * BATCH + 7)
        .map(|i| {
            let body = match i % 3 {
                0 => format!("Nội dung {i} ở Đà Nẵng."),
                1 => format!("{} {i}.", "Đà Nẵng ơ ".repeat(SNIPPET_TEXT_CHARS / 3 + i)),
                _ => format!("{} {i}.", "ở ".repeat(SNIPPET_TEXT_CHARS + i)),
            };
            (format!("Tin số {i}"), format!("2024-01-{:02}", i % 28 + 1), body)
        })
        .collect();
    let mut a = owned_archive(&docs);
    let kept = files(&mut a);
    assert!(a.entries.iter().all(|e| e.plain().is_some_and(|p| !p.is_empty())), "build_index keeps the text");
    let keys = vec![0; a.entries.len()];
    let dir = tempfile::tempdir().expect("tmp");
    let index_in = |a: &mut Archive, stored: Option<&StoredPlain>, runs: &Runs| {
        let written = std::sync::Mutex::new(BTreeMap::new());
        write_index(a, &|d| d.machine(), &keys, stored, true, runs, &|f| {
            let again = written.lock().expect("lock").insert(f.path.clone(), f.bytes);
            assert!(again.is_none(), "{} written twice", f.path);
            Ok(())
        })
        .expect("index");
        written.into_inner().expect("lock")
    };
    let index = |a: &mut Archive, stored: Option<&StoredPlain>| index_in(a, stored, &Runs::default());
    // In runs (the terms of the bulletins collected until they outgrow a size, put away on
    // disk, and merged by partition), the same files: a run after every batch, and after a
    // few.
    for most_bytes in [0, 4 << 20] {
        let mut p = owned_archive(&docs);
        let runs = Runs::new(most_bytes, dir.path().to_path_buf());
        assert_eq!(index_in(&mut p, None, &runs), kept, "runs of {most_bytes} bytes");
        assert!(runs.made() > 1, "{} runs of {most_bytes} bytes", runs.made());
        assert!(p.entries.iter().all(|e| e.plain().is_none()), "every body's text let go");
    }
    assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 0, "nothing left on disk");
    assert_eq!(index(&mut a, None), kept);
    assert!(a.entries.iter().all(|e| e.plain().is_none()), "every body's text let go");

    // Every text let go before indexing, and read back (a snippet's worth, or all of it)
    // as the build cache's log gives it.
    let mut b = owned_archive(&docs);
    let log: std::collections::HashMap<u64, String> =
        b.entries.iter().map(|e| (e.bulletin.source_hash, e.plain().expect("text").into_owned())).collect();
    assert_eq!(log.len(), b.entries.len());
    b.entries.iter_mut().for_each(crate::archive::Entry::release_plain);
    let reads = std::sync::atomic::AtomicUsize::new(0);
    let stored = |hash: u64, max_bytes: usize| -> std::io::Result<String> {
        reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let text = log.get(&hash).ok_or_else(|| std::io::Error::other("not logged"))?;
        Ok(text[..text.floor_char_boundary(max_bytes)].to_owned())
    };
    assert_eq!(index(&mut b, Some(&stored)), kept);
    assert_eq!(reads.into_inner(), b.entries.len(), "each text read once");
    // Without the log, a text let go is an error, not an empty body.
    let mut c = owned_archive(&docs);
    c.entries[5].release_plain();
    let err = write_index(&mut c, &|d| d.machine(), &keys, None, false, &Runs::default(), &|_| Ok(()))
        .expect_err("no text");
    assert!(err.to_string().contains("content/"), "{err}");
}

#[test]
fn very_common_terms_get_heads_kept_like_a_full_build() {
    let n = heads::HEAD_MIN + 3;
    let base: Vec<(String, String, String)> = (0..n)
        .map(|i| {
            let title = if i % 100 == 0 { format!("Bảo vệ rừng {i}") } else { format!("Tin {i}") };
            (title, format!("2024-01-{:02}", 1 + i % 28), "bảo vệ rừng".to_string())
        })
        .collect();
    let build = owned_archive;
    let mut before = build(&base);
    let f = files(&mut before);
    let m: Manifest = serde_json::from_slice(&f["manifest.json"]).expect("manifest");
    let shard: Shard =
        format::from_gzip_json(&f[&files::slot_file(shard_of("bao ve", m.shards), m.shards)]).expect("shard");
    let Some(Entry::Headed(long, count, head)) = shard.get("bảo vệ") else {
        panic!("no head: {:?}", shard.get("bảo vệ").map(|_| ()))
    };
    assert_eq!((long, *count as usize, head), (&files::long_file("bao ve"), n, &files::head_file("bao ve")));
    let head: LongList = format::from_gzip_json(&f[head]).expect("head");
    let held = head["bảo vệ"].decode();
    assert_eq!(held.len(), heads::HEAD_LEN);
    // Every bulletin whose title starts with the pair is in its head.
    let starts: Vec<u32> =
        (0..n as u32).filter(|&id| held.iter().any(|p| p.0 == id && p.1 >> SCORE_BITS == 1)).collect();
    assert_eq!(starts.len(), n.div_ceil(100));
    // An edit, a bulletin gaining the pair in its title; then the term falls below the
    // threshold: its head goes, as a full build has none.
    let mut edited = base.clone();
    edited[7].0 = "Bảo vệ biển".into();
    let mut edited_archive = build(&edited);
    assert!(check_update(&mut before, &mut edited_archive));
    let mut shrunk = edited.clone();
    for doc in shrunk.iter_mut().take(5) {
        doc.2 = "tin vắn".into();
        doc.0 = format!("Tin vắn {}", doc.1);
    }
    let mut shrunk_archive = build(&shrunk);
    assert!(check_update(&mut edited_archive, &mut shrunk_archive));
    assert!(!files(&mut shrunk_archive).contains_key(&files::head_file("bao ve")));
}

#[test]
fn shards_grow_with_terms_and_with_bulletins() {
    let state = |terms: u64, docs: usize| IndexState {
        docs: vec![DocKey { entry: 0, source: 1, source_hash: 0 }; docs],
        distinct_terms: terms,
        ..IndexState::default()
    };
    // Few terms, few bulletins: the least; then by terms (50 a shard); then by bulletins (32
    // a shard), as in a large archive of a settled vocabulary.
    assert_eq!(state(50, 10).shard_counts().0, 16);
    assert_eq!(state(800_000, 20_000).shard_counts().0, 16_384);
    assert_eq!(state(800_000, 1_000_000).shard_counts().0, 32_768);
}

#[test]
fn word_lists_group_words_by_first_and_by_second_letter_and_length() {
    let df: FxHashMap<String, u32> =
        [("nang", 9), ("hoi", 7), ("toi", 5), ("năm", 4), ("covid19", 8), ("la", 3), ("x", 6), ("hiem", 1)]
            .into_iter()
            .map(|(w, n)| (w.to_string(), n))
            .collect();
    let mut groups: BTreeMap<String, Vec<(String, u32)>> = BTreeMap::new();
    for file in build::prefix_files(&df, None).expect("word lists") {
        let part: BTreeMap<String, Vec<(String, u32)>> = format::from_gzip_json(&file.bytes).expect("json");
        groups.extend(part);
    }
    let words = |g: &str| groups.get(g).map(|l| l.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>());
    // By first letter and length, and by second letter and length, most frequent first.
    assert_eq!(words("~n4"), Some(vec!["nang"]));
    assert_eq!(words("~~a4"), Some(vec!["nang"]));
    assert_eq!(words("~~o3"), Some(vec!["hoi", "toi"]));
    assert_eq!(words("~~ă3"), Some(vec!["năm"]));
    assert_eq!(words("~~a2"), Some(vec!["la"]));
    // Not a word of letters, a single letter, or in one bulletin only: in no such group.
    assert!(groups.keys().all(|g| !g.ends_with('7') && g != "~x1" && g != "~~i4"), "{groups:?}");
    assert!(!groups.values().flatten().any(|(w, _)| w == "hiem" || w == "x"), "{groups:?}");
}
