//! What the index writer writes, the reader reads back: every word of every bulletin is found
//! in its shard with a posting for that bulletin.
#![no_main]
use libfuzzer_sys::fuzz_target;

use bantin::archive::Archive;
use bantin::config::Config;
use bantin::content::{SourceFile, parse_bulletin};
use bantin::search::format::{self, Entry, LongList, Manifest, Shard, shard_of};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let tz = jiff::tz::TimeZone::UTC;
    let items: Vec<_> = text
        .split('\u{1}')
        .take(8)
        .enumerate()
        .filter_map(|(i, body)| {
            let src = SourceFile {
                rel_path: format!("content/{i}.md").into(),
                text: format!("---\ntitle: tin {i}\ndate: 2020-01-0{}\n---\n{body}", i % 9 + 1),
            };
            let b = parse_bulletin(&src, &tz).ok()?;
            let r = bantin::markdown::render(&b.body, false);
            Some((b, r))
        })
        .collect();
    let Ok(mut archive) = Archive::build(&Config::default(), items) else { return };
    let files: std::collections::BTreeMap<String, Vec<u8>> =
        bantin::search::build_index(&mut archive, &|d| d.machine())
            .expect("index")
            .into_iter()
            .map(|f| (f.path, f.bytes))
            .collect();
    let manifest: Manifest = serde_json::from_slice(&files["manifest.json"]).expect("manifest");
    assert_eq!(manifest.docs as usize, archive.entries.len());
    let n = archive.entries.len();
    for (pos, e) in archive.entries.iter().enumerate() {
        // Index ids run oldest first.
        let id = n - 1 - pos;
        // build_index keeps every body's text.
        let plain = e.plain().expect("the body's text");
        for t in bantin::text::tokenize(&plain).into_iter().take(50) {
            let shard: Shard = format::from_gzip_json(
                &files[&bantin::search::files::slot_file(shard_of(&t.folded, manifest.shards), manifest.shards)],
            )
            .expect("shard");
            let postings = match shard.get(&t.word).expect("every word is indexed") {
                Entry::Inline(p) => p.decode(),
                Entry::Elsewhere(file, _) | Entry::Headed(file, _, _) => {
                    let long: LongList = format::from_gzip_json(&files[file]).expect("long list");
                    long[&t.word].decode()
                }
            };
            assert!(postings.iter().any(|&(d, _)| d as usize == id), "{} lost bulletin {id}", t.word);
        }
    }
});
