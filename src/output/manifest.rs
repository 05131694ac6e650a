//! The output manifest: every file of a published tree, with the key of what it was made
//! from and the hash of its bytes, and the identity of the directory it describes.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::hash::Fingerprint;

/// One file of a published tree: the fingerprint of what it was made from and the hash of its
/// bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputRecord {
    /// The key of its inputs; `None` for a file whose bytes alone say whether it changed
    /// (static files, the search index's files, robots.txt).
    pub fingerprint: Option<u64>,
    pub hash: u64,
}

/// Output files by site-relative path, as a manifest keeps them: every path in one string and
/// each field of the records in a list of its own, so that reading, making and writing the
/// manifest of a tree (52,000 files at 20,000 bulletins, 2.3 million at 1,000,000; two or
/// three manifests are held during a build) makes no allocation per file, holds 20 bytes a
/// file besides its path (a list of `(end, OutputRecord)` took 32), and is written and read as
/// the lists' bytes rather than number by number.
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// The paths, one after the other.
    text: String,
    /// Per file: where its path ends in `text` (the low 31 bits), and whether its record has
    /// a fingerprint ([`HAS_FINGERPRINT`]).
    ends: Vec<u32>,
    /// Per file: its fingerprint, when it has one (else 0).
    fingerprints: Vec<u64>,
    /// Per file: the hash of its bytes.
    hashes: Vec<u64>,
    /// Positions in the lists, by the hash of their path.
    index: PathIndex,
}

/// Positions in a manifest's lists by the hash of their path, in `1 << PART_BITS` tables
/// chosen by bits of the hash that a table itself does not use (it places a position by the
/// low bits and tags it by the top ones). The table of one part of 2,300,000 files (about
/// 36,000) stays in the processor's caches while it is made, and the parts are made in
/// parallel: a manifest of that many files (1,000,000 bulletins) is read in 340-375 ms, where
/// with one table, which missed the caches at almost every position put in it, it took
/// 385-410 ms.
#[derive(Debug, Clone)]
struct PathIndex(Box<[hashbrown::HashTable<u32>]>);

/// The index has `1 << PART_BITS` parts.
const PART_BITS: u32 = 6;

impl Default for PathIndex {
    fn default() -> PathIndex {
        PathIndex((0..1 << PART_BITS).map(|_| hashbrown::HashTable::new()).collect())
    }
}

impl PathIndex {
    /// The part of a path's hash.
    fn part(hash: u64) -> usize {
        (hash >> 40) as usize & ((1 << PART_BITS) - 1)
    }

    /// An index with room for about `n` positions.
    fn with_capacity(n: usize) -> PathIndex {
        let each = n >> PART_BITS;
        PathIndex((0..1 << PART_BITS).map(|_| hashbrown::HashTable::with_capacity(each)).collect())
    }

    fn table(&self, hash: u64) -> &hashbrown::HashTable<u32> {
        &self.0[PathIndex::part(hash)]
    }

    fn table_mut(&mut self, hash: u64) -> &mut hashbrown::HashTable<u32> {
        &mut self.0[PathIndex::part(hash)]
    }
}

/// The position [`Files::positions_in`] gives a file the other list does not have.
pub const NOWHERE: u32 = u32::MAX;

/// The bit of an end in [`Files::ends`] that says the file's record has a fingerprint.
const HAS_FINGERPRINT: u32 = 1 << 31;

/// The most bytes of paths a manifest keeps (the ends have 31 bits): a file beyond it is not
/// kept, and a manifest without a file means that file is made again.
const MOST_TEXT: usize = (HAS_FINGERPRINT - 1) as usize;

impl Files {
    fn hash(path: &str) -> u64 {
        use std::hash::BuildHasher as _;
        rustc_hash::FxBuildHasher.hash_one(path)
    }

    fn path(&self, i: usize) -> &str {
        path_at(&self.text, &self.ends, i)
    }

    /// No files, with room for `n` and `text` bytes of paths (the index has none: it is made
    /// whole, or grows as files are inserted).
    fn with_capacity(n: usize, text: usize) -> Files {
        Files {
            text: String::with_capacity(text),
            ends: Vec::with_capacity(n),
            fingerprints: Vec::with_capacity(n),
            hashes: Vec::with_capacity(n),
            index: PathIndex::default(),
        }
    }

    /// The end of a path at `end` in `text`, with the flag of `record`'s fingerprint.
    fn flagged(end: u32, record: &OutputRecord) -> u32 {
        if record.fingerprint.is_some() { end | HAS_FINGERPRINT } else { end }
    }

    fn record(&self, i: usize) -> OutputRecord {
        let fingerprint = (self.ends[i] & HAS_FINGERPRINT != 0).then(|| self.fingerprints[i]);
        OutputRecord { fingerprint, hash: self.hashes[i] }
    }

    /// Adds a file at the end of the lists (not to the index); `false` when its path would
    /// take the paths beyond [`MOST_TEXT`] (it is not kept).
    fn push(&mut self, path: &str, record: OutputRecord) -> bool {
        if self.text.len() + path.len() > MOST_TEXT {
            return false;
        }
        self.text.push_str(path);
        self.ends.push(Files::flagged(self.text.len() as u32, &record));
        self.fingerprints.push(record.fingerprint.unwrap_or(0));
        self.hashes.push(record.hash);
        true
    }

    /// Puts entry `i`, whose path no other entry has, in the index.
    fn index_entry(&mut self, i: usize) {
        let (text, ends) = (&self.text, &self.ends);
        let hash = Files::hash(path_at(text, ends, i));
        let rehash = |&j: &u32| Files::hash(path_at(text, ends, j as usize));
        self.index.table_mut(hash).insert_unique(hash, i as u32, rehash);
    }

    fn find(&self, path: &str) -> Option<usize> {
        let hash = Files::hash(path);
        self.index.table(hash).find(hash, |&i| self.path(i as usize) == path).map(|&i| i as usize)
    }

    /// Where `path` is among the files (`0..len()`), for [`Files::at`].
    pub fn position(&self, path: &str) -> Option<usize> {
        self.find(path)
    }

    /// Where `path` is, looked for first at `near` and the few positions after it (where
    /// a walk in the lists' order finds it), then by its hash.
    pub fn position_near(&self, path: &str, near: usize) -> Option<usize> {
        const AHEAD: usize = 4;
        (near..near.saturating_add(AHEAD).min(self.len()))
            .find(|&i| self.path(i) == path)
            .or_else(|| self.find(path))
    }

    /// The file at `position`: its path and record.
    pub fn at(&self, position: usize) -> (&str, OutputRecord) {
        (self.path(position), self.record(position))
    }

    /// For each file, its position in `other` ([`NOWHERE`] when `other` has no file at its
    /// path). Found by walking both lists together, as they mostly share their order (a
    /// build's manifest keeps the published one's, minus the files it no longer makes, plus
    /// those it adds at the end; the spare tree's is the one published before): a path is
    /// looked up only where the two part. At 1,000,000 bulletins that is a few thousand
    /// lookups instead of 1.1 million.
    pub fn positions_in(&self, other: &Files) -> Vec<u32> {
        use rayon::prelude::*;
        const CHUNK: usize = 1 << 16;
        let chunks: Vec<Vec<u32>> = (0..self.len().div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let (from, to) = (c * CHUNK, ((c + 1) * CHUNK).min(self.len()));
                let mut out = Vec::with_capacity(to - from);
                // Where the next file is likely to be: after the last one found.
                let mut next = from;
                for i in from..to {
                    let found = other.position_near(self.path(i), next);
                    out.push(found.map_or(NOWHERE, |j| j as u32));
                    next = found.map_or(next, |j| j + 1);
                }
                out
            })
            .collect();
        chunks.concat()
    }

    /// The files of `base` at `kept` (positions, each once) and then those of `added` (which
    /// replace a kept one of the same path): made without looking a path up in `base`, as a
    /// build keeps most files of the published tree by their positions.
    pub fn merged(base: &Files, kept: &[usize], added: Files) -> Files {
        let mut files = Files::with_capacity(kept.len() + added.len(), base.text.len() + added.text.len());
        for &i in kept {
            let (path, record) = base.at(i);
            if added.is_empty() || !added.contains_key(path) {
                files.push(path, record);
            }
        }
        for (path, record) in added.iter() {
            files.push(path, record);
        }
        files.index_all();
        files
    }

    /// Makes the index of every entry (the paths hashed, and the parts of the index made, in
    /// parallel); `false` when a path comes twice.
    fn index_all(&mut self) -> bool {
        use rayon::prelude::*;
        let (text, ends) = (&self.text, &self.ends);
        let hashes: Vec<u64> =
            (0..ends.len()).into_par_iter().map(|i| Files::hash(path_at(text, ends, i))).collect();
        let mut parts: Vec<Vec<u32>> = vec![Vec::new(); 1 << PART_BITS];
        for (i, &hash) in hashes.iter().enumerate() {
            parts[PathIndex::part(hash)].push(i as u32);
        }
        let tables: Option<Vec<hashbrown::HashTable<u32>>> = parts
            .into_par_iter()
            .map(|part| {
                let mut table = hashbrown::HashTable::with_capacity(part.len());
                for i in part {
                    let same = |&j: &u32| path_at(text, ends, j as usize) == path_at(text, ends, i as usize);
                    match table.entry(hashes[i as usize], same, |&j| hashes[j as usize]) {
                        hashbrown::hash_table::Entry::Occupied(_) => return None,
                        hashbrown::hash_table::Entry::Vacant(v) => {
                            v.insert(i);
                        }
                    }
                }
                Some(table)
            })
            .collect();
        let Some(tables) = tables else { return false };
        self.index = PathIndex(tables.into_boxed_slice());
        true
    }

    pub fn get(&self, path: &str) -> Option<OutputRecord> {
        self.find(path).map(|i| self.record(i))
    }

    pub fn contains_key(&self, path: &str) -> bool {
        self.find(path).is_some()
    }

    /// Records `path` (replacing what it had).
    pub fn insert(&mut self, path: &str, record: OutputRecord) {
        if let Some(i) = self.find(path) {
            self.ends[i] = Files::flagged(self.ends[i] & !HAS_FINGERPRINT, &record);
            self.fingerprints[i] = record.fingerprint.unwrap_or(0);
            self.hashes[i] = record.hash;
            return;
        }
        if self.push(path, record) {
            self.index_entry(self.ends.len() - 1);
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|i| self.path(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, OutputRecord)> {
        (0..self.ends.len()).map(|i| (self.path(i), self.record(i)))
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The files from their paths and lists, checked: `None` if the lists differ in length,
    /// the ends are out of order or off the string's character boundaries, or a path comes
    /// twice.
    fn from_parts(
        text: String,
        ends: Vec<u32>,
        mut fingerprints: Vec<u64>,
        hashes: Vec<u64>,
    ) -> Option<Files> {
        if fingerprints.len() != ends.len() || hashes.len() != ends.len() {
            return None;
        }
        let mut start = 0usize;
        for (&end, fingerprint) in ends.iter().zip(&mut fingerprints) {
            if end & HAS_FINGERPRINT == 0 {
                *fingerprint = 0;
            }
            let end = (end & !HAS_FINGERPRINT) as usize;
            if end < start || end > text.len() || !text.is_char_boundary(end) {
                return None;
            }
            start = end;
        }
        let mut files = Files { text, ends, fingerprints, hashes, index: PathIndex::default() };
        files.index_all().then_some(files)
    }
}

/// Path `i` of `text`, where `ends` say the paths end.
fn path_at<'t>(text: &'t str, ends: &[u32], i: usize) -> &'t str {
    let start = if i == 0 { 0 } else { (ends[i - 1] & !HAS_FINGERPRINT) as usize };
    &text[start..(ends[i] & !HAS_FINGERPRINT) as usize]
}

impl<S: AsRef<str>> FromIterator<(S, OutputRecord)> for Files {
    fn from_iter<I: IntoIterator<Item = (S, OutputRecord)>>(iter: I) -> Files {
        let iter = iter.into_iter();
        let n = iter.size_hint().0;
        // A site's output paths average well under 64 bytes.
        let mut files = Files::with_capacity(n, n * 64);
        files.index = PathIndex::with_capacity(n);
        for (path, record) in iter {
            files.insert(path.as_ref(), record);
        }
        files
    }
}

/// A list of numbers read back from its bytes ([`Raw`]).
struct Blob<T>(Vec<T>);

impl<'de, T: bytemuck::Pod> Deserialize<'de> for Blob<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Blob<T>, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<T: bytemuck::Pod> serde::de::Visitor<'_> for Visit<T> {
            type Value = Blob<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "a list of {}-byte numbers", std::mem::size_of::<T>())
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Blob<T>, E> {
                if !bytes.len().is_multiple_of(std::mem::size_of::<T>()) {
                    return Err(E::custom("a damaged manifest"));
                }
                Ok(Blob(bytemuck::pod_collect_to_vec(bytes)))
            }
        }
        deserializer.deserialize_bytes(Visit(std::marker::PhantomData))
    }
}

/// A list of numbers written as its bytes (in the machine's order: the cache is the
/// machine's own), read back as a [`Blob`].
struct Raw<'a, T>(&'a [T]);

impl<T: bytemuck::Pod> Serialize for Raw<'_, T> {
    fn serialize<Se: serde::Serializer>(&self, serializer: Se) -> Result<Se::Ok, Se::Error> {
        serializer.serialize_bytes(bytemuck::cast_slice(self.0))
    }
}

impl Serialize for Files {
    fn serialize<Se: serde::Serializer>(&self, serializer: Se) -> Result<Se::Ok, Se::Error> {
        use serde::ser::SerializeTuple as _;
        let mut tuple = serializer.serialize_tuple(4)?;
        tuple.serialize_element(&self.text)?;
        tuple.serialize_element(&Raw(&self.ends))?;
        tuple.serialize_element(&Raw(&self.fingerprints))?;
        tuple.serialize_element(&Raw(&self.hashes))?;
        tuple.end()
    }
}

impl<'de> Deserialize<'de> for Files {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Files, D::Error> {
        let (text, Blob(ends), Blob(fingerprints), Blob(hashes)) =
            <(String, Blob<u32>, Blob<u64>, Blob<u64>)>::deserialize(deserializer)?;
        Files::from_parts(text, ends, fingerprints, hashes)
            .ok_or_else(|| serde::de::Error::custom("a damaged manifest"))
    }
}

/// Every file of one output tree, and which directory that tree is.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub dir_id: (u64, u64),
    pub files: Files,
}

/// Identifies a directory: its inode, and its device and change time, so that a tree
/// deleted and recreated (which may reuse the inode) or changed at its top level by hand is
/// not taken for the one a manifest describes. Taken after bantin's own last change to it.
pub fn dir_id(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::symlink_metadata(path).ok().filter(|m| m.is_dir())?;
        let when = Fingerprint::new()
            .u64(meta.dev())
            .u64(meta.ctime() as u64)
            .u64(meta.ctime_nsec() as u64)
            .finish();
        Some((meta.ino(), when))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_find_every_path_and_survive_a_round_trip() {
        let rec = |n: u64| OutputRecord { fingerprint: Some(n), hash: n * 7 };
        let paths: Vec<String> = (0..3000).map(|i| format!("{}/tin-{i}/index.html", 2000 + i % 25)).collect();
        let mut files: Files = paths.iter().enumerate().map(|(i, p)| (p.as_str(), rec(i as u64))).collect();
        files.insert("Đà Nẵng/ảnh.html", rec(1));
        files.insert(&paths[5], rec(99)); // replaces
        assert_eq!(files.len(), 3001);
        assert_eq!(files.get(&paths[5]), Some(rec(99)));
        assert_eq!(files.get(&paths[6]), Some(rec(6)));
        assert_eq!(files.get("Đà Nẵng/ảnh.html"), Some(rec(1)));
        assert!(!files.contains_key("2000/tin-0/") && !files.contains_key(""));
        let back: Files =
            postcard::from_bytes(&postcard::to_stdvec(&files).expect("encode")).expect("decode");
        assert_eq!(back.iter().collect::<Vec<_>>(), files.iter().collect::<Vec<_>>());
        assert_eq!(back.get(&paths[2999]), Some(rec(2999)));
        // Merged: the kept positions of a base, then the added files (which replace a kept
        // one of the same path), every path found again.
        let added: Files =
            [("2003/tin-3/index.html", rec(7)), ("mới/index.html", rec(8))].into_iter().collect();
        let kept: Vec<usize> = (0..files.len()).filter(|i| i % 2 == 1).collect();
        let merged = Files::merged(&files, &kept, added);
        assert_eq!(merged.len(), kept.len() + 1, "one added file replaces a kept one");
        for &i in &kept {
            let (path, record) = files.at(i);
            let want = if path == "2003/tin-3/index.html" { rec(7) } else { record };
            assert_eq!(merged.get(path), Some(want), "{path}");
        }
        assert_eq!(merged.get("mới/index.html"), Some(rec(8)));
        assert!(!merged.contains_key(&paths[0]), "a position not kept is not there");
        // It takes files inserted after, new or in a kept one's place.
        let mut merged = merged;
        merged.insert("sau/index.html", rec(9));
        merged.insert("mới/index.html", rec(10));
        assert_eq!(
            (merged.get("sau/index.html"), merged.get("mới/index.html")),
            (Some(rec(9)), Some(rec(10)))
        );
        assert_eq!(merged.len(), kept.len() + 2);
        assert_eq!(files.position(&paths[7]).map(|i| files.at(i).0), Some(paths[7].as_str()));
        // A record without a fingerprint keeps none, one whose fingerprint is 0 keeps it.
        let mixed: Files =
            [("a", OutputRecord { fingerprint: None, hash: 1 }), ("b", rec(0))].into_iter().collect();
        let back: Files =
            postcard::from_bytes(&postcard::to_stdvec(&mixed).expect("encode")).expect("decode");
        assert_eq!(back.get("a"), Some(OutputRecord { fingerprint: None, hash: 1 }));
        assert_eq!(back.get("b"), Some(rec(0)));
        // Ends out of order, past the text, inside a character, or a path twice; lists of
        // other lengths, or bytes that are no whole number of ends: damaged.
        let parts = |text: &str, ends: &[u32], more: usize| {
            let n = ends.len() + more;
            let bytes = postcard::to_stdvec(&(text, Raw(ends), Raw(&vec![0u64; n]), Raw(&vec![0u64; n])));
            bytes.expect("encode")
        };
        for (text, ends) in [("ab", vec![2, 1]), ("ab", vec![3]), ("đ", vec![1]), ("aa", vec![1, 2])] {
            assert!(postcard::from_bytes::<Files>(&parts(text, &ends, 0)).is_err(), "{text:?}");
        }
        assert!(postcard::from_bytes::<Files>(&parts("ab", &[1, 2], 0)).is_ok());
        // A path twice among many (every part of the index holds some of them).
        let joined = |paths: &[String]| {
            let text: String = paths.concat();
            let ends: Vec<u32> =
                paths.iter().scan(0, |end, p| Some(*end + p.len() as u32).inspect(|&e| *end = e)).collect();
            parts(&text, &ends, 0)
        };
        let mut many: Vec<String> = (0..2000).map(|i| format!("tin-{i}/")).collect();
        assert!(postcard::from_bytes::<Files>(&joined(&many)).is_ok());
        many.push("tin-1234/".into());
        assert!(postcard::from_bytes::<Files>(&joined(&many)).is_err());
        assert!(postcard::from_bytes::<Files>(&parts("ab", &[1, 2], 1)).is_err());
        let odd = postcard::to_stdvec(&("a", Raw(&[1u8, 0, 0]), Raw(&[0u64]), Raw(&[0u64]))).expect("encode");
        assert!(postcard::from_bytes::<Files>(&odd).is_err());
    }

    /// Each file's position in another list, whether the two share their order (a manifest
    /// merged from another: some files gone, some added at the end), share none of it, or
    /// have nothing in common; across the walk's chunks too.
    #[test]
    fn positions_in_another_list_are_found_in_any_order() {
        let rec = |n: u64| OutputRecord { fingerprint: None, hash: n };
        let n = 150_000;
        let paths: Vec<String> = (0..n).map(|i| format!("{}/tin-{i}/index.html", 2000 + i % 25)).collect();
        let base: Files = paths.iter().enumerate().map(|(i, p)| (p.as_str(), rec(i as u64))).collect();
        let kept: Vec<usize> = (0..n).filter(|i| i % 1000 != 7 && !(70_000..70_500).contains(i)).collect();
        let added: Files = [("mới/index.html", rec(1)), (paths[3].as_str(), rec(2))].into_iter().collect();
        let merged = Files::merged(&base, &kept, added);
        let shuffled: Files = (0..n).rev().step_by(3).map(|i| (paths[i].as_str(), rec(0))).collect();
        let other: Files = [("khác/index.html", rec(0))].into_iter().collect();
        for (a, b) in
            [(&base, &merged), (&merged, &base), (&base, &shuffled), (&shuffled, &merged), (&base, &other)]
        {
            let want: Vec<u32> =
                (0..a.len()).map(|i| b.position(a.at(i).0).map_or(NOWHERE, |j| j as u32)).collect();
            assert_eq!(a.positions_in(b), want);
        }
        assert_eq!(base.positions_in(&base), (0..n as u32).collect::<Vec<_>>());
        assert!(Files::default().positions_in(&base).is_empty());
        assert!(base.positions_in(&Files::default()).iter().all(|&p| p == NOWHERE));
    }

    /// A path is found wherever it is, whatever position it is looked for near.
    #[test]
    fn a_path_looked_for_near_a_position_is_found_anywhere() {
        let files: Files = (0..100)
            .map(|i| (format!("tin-{i}/index.html"), OutputRecord { fingerprint: None, hash: i }))
            .collect();
        for (path, near, want) in [
            ("tin-10/index.html", 10, Some(10)),
            ("tin-12/index.html", 10, Some(12)),
            ("tin-50/index.html", 10, Some(50)),
            ("tin-3/index.html", 10, Some(3)),
            ("tin-99/index.html", 98, Some(99)),
            ("tin-0/index.html", 500, Some(0)),
            ("tin-7/index.html", usize::MAX, Some(7)),
            ("khác/index.html", 10, None),
            ("khác/index.html", usize::MAX, None),
        ] {
            assert_eq!(files.position_near(path, near), want, "{path} near {near}");
        }
        assert_eq!(Files::default().position_near("tin-1/index.html", 0), None);
    }
}
