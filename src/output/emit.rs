//! The output being assembled: each file a build makes is put here, written to the staging
//! tree only when the tree has other bytes there, and recorded for the manifest.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use super::manifest::{Files, NOWHERE, OutputRecord};
use super::staging::Staging;
use crate::hash::hash_bytes;

/// The output being assembled: which files the published tree and the tree being written
/// already hold, and what this build puts in each.
pub struct Emit<'a> {
    pub staging: &'a Staging,
    /// The published tree (empty when unknown or with `--clean`).
    pub live: &'a Files,
    /// The tree being written (the spare tree, or empty for a fresh one).
    pub tree: &'a Files,
    /// Where each published file is in `tree` ([`Files::positions_in`]; empty when either
    /// is): a kept file is looked for there without looking its path up.
    tree_at: Vec<u32>,
    /// The files this build made, as the manifest they become (compact: at 1,000,000
    /// bulletins a build writes over 2,000,000 files).
    records: Mutex<Files>,
    /// The published files kept, one bit per position in `live`: an edit keeps nearly every
    /// file, and marking a bit (rather than adding the path to `records` under its lock) took
    /// a keep from three lookups to one.
    kept: Box<[AtomicU64]>,
    pub rendered: AtomicUsize,
    /// Files whose bytes differ from the published tree's, and their size.
    pub changed: AtomicU64,
    pub changed_bytes: AtomicU64,
}

/// What a build made: its tree's files, and the published files it did not make again.
pub struct Made<'a> {
    pub files: Files,
    pub gone: Vec<&'a str>,
}

impl<'a> Emit<'a> {
    /// The output to be written into `staging`, over `tree` (what it holds now), with `live`
    /// (the published tree) to keep files from.
    pub fn new(staging: &'a Staging, live: &'a Files, tree: &'a Files) -> Emit<'a> {
        let tree_at = if live.is_empty() || tree.is_empty() { Vec::new() } else { live.positions_in(tree) };
        Emit {
            staging,
            live,
            tree,
            tree_at,
            records: Mutex::new(Files::default()),
            kept: (0..live.len().div_ceil(64)).map(|_| AtomicU64::new(0)).collect(),
            rendered: AtomicUsize::new(0),
            changed: AtomicU64::new(0),
            changed_bytes: AtomicU64::new(0),
        }
    }

    /// Pages rendered, and files (and their bytes) that differ from the published tree's.
    pub fn counts(&self) -> (usize, u64, u64) {
        (
            self.rendered.load(Ordering::Relaxed),
            self.changed.load(Ordering::Relaxed),
            self.changed_bytes.load(Ordering::Relaxed),
        )
    }

    /// Whether the published file was made from the same inputs.
    pub fn unchanged(&self, rel: &str, fingerprint: u64) -> bool {
        self.unchanged_at(rel, fingerprint).is_some()
    }

    /// The published file's position in [`Emit::live`] when it was made from the same
    /// inputs, for [`Emit::keep_at`].
    pub fn unchanged_at(&self, rel: &str, fingerprint: u64) -> Option<usize> {
        self.live.position(rel).filter(|&i| self.made_from(i, fingerprint))
    }

    /// Where `rel` is among the published files, looked for first at `near` and just after
    /// ([`Files::position_near`]).
    pub fn published_near(&self, rel: &str, near: usize) -> Option<usize> {
        self.live.position_near(rel, near)
    }

    /// Whether the published file at `position` was made from the inputs of `fingerprint`.
    pub fn made_from(&self, position: usize, fingerprint: u64) -> bool {
        self.live.at(position).1.fingerprint == Some(fingerprint)
    }

    /// Keeps the published file as it is.
    pub fn keep(&self, rel: &str) -> std::io::Result<()> {
        let Some(position) = self.live.position(rel) else {
            return Err(std::io::Error::other(format!("{rel} is not in the published site")));
        };
        self.keep_at(position)
    }

    /// Keeps the published file at `position` of [`Emit::live`] as it is.
    pub fn keep_at(&self, position: usize) -> std::io::Result<()> {
        let (rel, record) = self.live.at(position);
        let in_tree = match self.tree_at.get(position) {
            Some(&NOWHERE) => None,
            Some(&at) => Some(self.tree.at(at as usize).1),
            None => self.tree.get(rel),
        };
        if in_tree.map(|r| r.hash) != Some(record.hash) {
            self.staging.copy_published(rel)?;
        }
        self.kept[position / 64].fetch_or(1 << (position % 64), Ordering::Relaxed);
        Ok(())
    }

    /// Puts newly made bytes at `rel`, writing them only if the tree has other bytes there.
    /// Bytes the published tree already has are linked from it, keeping its file's time (which
    /// tools like rsync look at).
    pub fn put(&self, rel: &str, fingerprint: Option<u64>, bytes: &[u8]) -> std::io::Result<()> {
        let hash = hash_bytes(bytes);
        self.place(rel, fingerprint, (hash, bytes.len() as u64), || {
            self.staging.write(rel, bytes).map(|()| hash)
        })
    }

    /// Puts the file at `source` at `rel` as it is, like [`Emit::put`] of its bytes but read
    /// and copied a block at a time (an attachment may be a video of gigabytes).
    pub fn put_file(
        &self,
        rel: &str,
        fingerprint: Option<u64>,
        source: &std::path::Path,
    ) -> std::io::Result<()> {
        let hash = super::stream::hash_file(source)?;
        let len = std::fs::metadata(source).map_or(0, |m| m.len());
        // The bytes copied are the ones recorded, should the file change meanwhile.
        self.place(rel, fingerprint, (hash, len), || self.staging.copy_in(rel, source))
    }

    /// Puts at `rel` the bytes of `hash` (`len` of them): linked from the published tree when
    /// it has them, left when the tree being written has them, else written by `write`, which
    /// returns the hash of what it wrote; and records the file.
    fn place(
        &self,
        rel: &str,
        fingerprint: Option<u64>,
        (mut hash, len): (u64, u64),
        write: impl FnOnce() -> std::io::Result<u64>,
    ) -> std::io::Result<()> {
        let published = self.live.get(rel).is_some_and(|r| r.hash == hash);
        if !published {
            self.changed.fetch_add(1, Ordering::Relaxed);
            self.changed_bytes.fetch_add(len, Ordering::Relaxed);
        }
        if self.tree.get(rel).map(|r| r.hash) != Some(hash) {
            if published {
                self.staging.copy_published(rel)?;
            } else {
                hash = write()?;
            }
        }
        // A thread that panicked while holding the lock poisons it, and [`Emit::finish`]
        // refuses the records then.
        let mut records = self.records.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        records.insert(rel, OutputRecord { fingerprint, hash });
        Ok(())
    }

    /// The manifest of the tree as this build made it, and the published files it did not
    /// make. A lock poisoned by a panicking writer is an error: a manifest missing files
    /// would have the sweep delete them.
    pub fn finish(self) -> std::io::Result<Made<'a>> {
        let put = self
            .records
            .into_inner()
            .map_err(|_| std::io::Error::other("a thread writing the output failed"))?;
        let kept: Vec<u64> = self.kept.into_iter().map(AtomicU64::into_inner).collect();
        let is_kept = |i: usize| kept[i / 64] >> (i % 64) & 1 == 1;
        let live = self.live;
        let files = if kept.iter().all(|&w| w == 0) {
            put
        } else {
            let positions: Vec<usize> = (0..live.len()).filter(|&i| is_kept(i)).collect();
            Files::merged(live, &positions, put)
        };
        let gone = (0..live.len())
            .filter(|&i| !is_kept(i))
            .map(|i| live.at(i).0)
            .filter(|rel| !files.contains_key(rel))
            .collect();
        Ok(Made { files, gone })
    }
}
