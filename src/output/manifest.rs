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
/// every record in one list, so that reading, making and writing the manifest of a tree
/// (52,000 files at 20,000 bulletins, two manifests per build) makes no allocation per file.
/// A map of strings spent a fifth of an edit build's processor time on that.
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// The paths, one after the other.
    text: String,
    /// Per file: where its path ends in `text`, and its record.
    entries: Vec<(u32, OutputRecord)>,
    /// Positions in `entries`, by the hash of their path.
    index: hashbrown::HashTable<u32>,
}

impl Files {
    fn hash(path: &str) -> u64 {
        use std::hash::BuildHasher as _;
        rustc_hash::FxBuildHasher.hash_one(path)
    }

    fn path(&self, i: usize) -> &str {
        path_at(&self.text, &self.entries, i)
    }

    /// Puts entry `i`, whose path no other entry has, in the index.
    fn index_entry(&mut self, i: usize) {
        let (text, entries) = (&self.text, &self.entries);
        let hash = Files::hash(path_at(text, entries, i));
        self.index.insert_unique(hash, i as u32, |&j| Files::hash(path_at(text, entries, j as usize)));
    }

    fn find(&self, path: &str) -> Option<usize> {
        self.index.find(Files::hash(path), |&i| self.path(i as usize) == path).map(|&i| i as usize)
    }

    /// Where `path` is among the files (`0..len()`), for [`Files::at`].
    pub fn position(&self, path: &str) -> Option<usize> {
        self.find(path)
    }

    /// The file at `position`: its path and record.
    pub fn at(&self, position: usize) -> (&str, &OutputRecord) {
        (self.path(position), &self.entries[position].1)
    }

    /// The files of `base` at `kept` (positions, each once) and then those of `added` (which
    /// replace a kept one of the same path): made without looking a path up in `base`, as a
    /// build keeps most files of the published tree by their positions.
    pub fn merged(base: &Files, kept: &[usize], added: Files) -> Files {
        let mut text = String::with_capacity(base.text.len() + added.text.len());
        let mut entries = Vec::with_capacity(kept.len() + added.len());
        let mut push = |path: &str, record: OutputRecord| {
            text.push_str(path);
            // Beyond 4 GB of paths: not kept (a manifest without a file means a rebuild of it).
            match u32::try_from(text.len()) {
                Ok(end) => entries.push((end, record)),
                Err(_) => text.truncate(text.len() - path.len()),
            }
        };
        for &i in kept {
            let (path, record) = base.at(i);
            if added.is_empty() || !added.contains_key(path) {
                push(path, *record);
            }
        }
        for (path, record) in added.iter() {
            push(path, *record);
        }
        let mut files = Files { text, entries, index: hashbrown::HashTable::new() };
        files.index_all();
        files
    }

    /// Makes the index of every entry (the paths hashed in parallel); `false` when a path
    /// comes twice.
    fn index_all(&mut self) -> bool {
        use rayon::prelude::*;
        let (text, entries) = (&self.text, &self.entries);
        let hashes: Vec<u64> =
            (0..entries.len()).into_par_iter().map(|i| Files::hash(path_at(text, entries, i))).collect();
        let mut index = hashbrown::HashTable::with_capacity(entries.len());
        for (i, &hash) in hashes.iter().enumerate() {
            let same = |&j: &u32| path_at(text, entries, j as usize) == path_at(text, entries, i);
            match index.entry(hash, same, |&j| hashes[j as usize]) {
                hashbrown::hash_table::Entry::Occupied(_) => return false,
                hashbrown::hash_table::Entry::Vacant(v) => {
                    v.insert(i as u32);
                }
            }
        }
        self.index = index;
        true
    }

    pub fn get(&self, path: &str) -> Option<&OutputRecord> {
        self.find(path).map(|i| &self.entries[i].1)
    }

    pub fn contains_key(&self, path: &str) -> bool {
        self.find(path).is_some()
    }

    /// Records `path` (replacing what it had).
    pub fn insert(&mut self, path: &str, record: OutputRecord) {
        if let Some(i) = self.find(path) {
            self.entries[i].1 = record;
            return;
        }
        self.text.push_str(path);
        let Ok(end) = u32::try_from(self.text.len()) else {
            // Beyond 4 GB of paths: not kept (a manifest without a file means a rebuild of it).
            self.text.truncate(self.text.len() - path.len());
            return;
        };
        self.entries.push((end, record));
        self.index_entry(self.entries.len() - 1);
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        (0..self.entries.len()).map(|i| self.path(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &OutputRecord)> {
        (0..self.entries.len()).map(|i| (self.path(i), &self.entries[i].1))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The files from their paths and records, checked: `None` if the ends are out of order or
    /// off the string's character boundaries, or a path comes twice.
    fn from_parts(text: String, entries: Vec<(u32, OutputRecord)>) -> Option<Files> {
        let mut start = 0usize;
        for &(end, _) in &entries {
            let end = end as usize;
            if end < start || end > text.len() || !text.is_char_boundary(end) {
                return None;
            }
            start = end;
        }
        let mut files = Files { text, entries, index: hashbrown::HashTable::new() };
        files.index_all().then_some(files)
    }
}

/// Path `i` of `text`, where `entries` say the paths end.
fn path_at<'t>(text: &'t str, entries: &[(u32, OutputRecord)], i: usize) -> &'t str {
    let start = if i == 0 { 0 } else { entries[i - 1].0 as usize };
    &text[start..entries[i].0 as usize]
}

impl<S: AsRef<str>> FromIterator<(S, OutputRecord)> for Files {
    fn from_iter<I: IntoIterator<Item = (S, OutputRecord)>>(iter: I) -> Files {
        let iter = iter.into_iter();
        let n = iter.size_hint().0;
        // A site's output paths average well under 64 bytes.
        let mut files = Files {
            text: String::with_capacity(n * 64),
            entries: Vec::with_capacity(n),
            index: hashbrown::HashTable::with_capacity(n),
        };
        for (path, record) in iter {
            files.insert(path.as_ref(), record);
        }
        files
    }
}

impl Serialize for Files {
    fn serialize<Se: serde::Serializer>(&self, serializer: Se) -> Result<Se::Ok, Se::Error> {
        (&self.text, &self.entries).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Files {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Files, D::Error> {
        let (text, entries) = <(String, Vec<(u32, OutputRecord)>)>::deserialize(deserializer)?;
        Files::from_parts(text, entries).ok_or_else(|| serde::de::Error::custom("a damaged manifest"))
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
        assert_eq!(files.get(&paths[5]), Some(&rec(99)));
        assert_eq!(files.get(&paths[6]), Some(&rec(6)));
        assert_eq!(files.get("Đà Nẵng/ảnh.html"), Some(&rec(1)));
        assert!(!files.contains_key("2000/tin-0/") && !files.contains_key(""));
        let back: Files =
            postcard::from_bytes(&postcard::to_stdvec(&files).expect("encode")).expect("decode");
        assert_eq!(back.iter().collect::<Vec<_>>(), files.iter().collect::<Vec<_>>());
        assert_eq!(back.get(&paths[2999]), Some(&rec(2999)));
        // Merged: the kept positions of a base, then the added files (which replace a kept
        // one of the same path), every path found again.
        let added: Files =
            [("2003/tin-3/index.html", rec(7)), ("mới/index.html", rec(8))].into_iter().collect();
        let kept: Vec<usize> = (0..files.len()).filter(|i| i % 2 == 1).collect();
        let merged = Files::merged(&files, &kept, added);
        assert_eq!(merged.len(), kept.len() + 1, "one added file replaces a kept one");
        for &i in &kept {
            let (path, record) = files.at(i);
            let want = if path == "2003/tin-3/index.html" { rec(7) } else { *record };
            assert_eq!(merged.get(path), Some(&want), "{path}");
        }
        assert_eq!(merged.get("mới/index.html"), Some(&rec(8)));
        assert!(!merged.contains_key(&paths[0]), "a position not kept is not there");
        assert_eq!(files.position(&paths[7]).map(|i| files.at(i).0), Some(paths[7].as_str()));
        // Ends out of order, past the text, inside a character, or a path twice: damaged.
        for (text, ends) in [("ab", vec![2, 1]), ("ab", vec![3]), ("đ", vec![1]), ("aa", vec![1, 2])] {
            let entries: Vec<(u32, OutputRecord)> = ends.into_iter().map(|e| (e, rec(0))).collect();
            let bytes = postcard::to_stdvec(&(text.to_string(), entries)).expect("encode");
            assert!(postcard::from_bytes::<Files>(&bytes).is_err(), "{text:?}");
        }
    }
}
