//! The output being assembled: each file a build makes is put here, written to the staging
//! tree only when the tree has other bytes there, and recorded for the manifest.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use super::manifest::{Files, OutputRecord};
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
    /// What was written, as the manifest it becomes (compact: at 1,000,000 bulletins a
    /// build writes over 2,000,000 files).
    records: Mutex<Files>,
    pub rendered: AtomicUsize,
    /// Files whose bytes differ from the published tree's, and their size.
    pub changed: AtomicU64,
    pub changed_bytes: AtomicU64,
}

impl<'a> Emit<'a> {
    /// The output to be written into `staging`, over `tree` (what it holds now), with `live`
    /// (the published tree) to keep files from.
    pub fn new(staging: &'a Staging, live: &'a Files, tree: &'a Files) -> Emit<'a> {
        Emit {
            staging,
            live,
            tree,
            records: Mutex::new(Files::default()),
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
        self.live.get(rel).is_some_and(|r| r.fingerprint == Some(fingerprint))
    }

    /// Keeps the published file as it is.
    pub fn keep(&self, rel: &str) -> std::io::Result<()> {
        let Some(&record) = self.live.get(rel) else {
            return Err(std::io::Error::other(format!("{rel} is not in the published site")));
        };
        if self.tree.get(rel).map(|r| r.hash) != Some(record.hash) {
            self.staging.copy_published(rel)?;
        }
        self.record(rel, record);
        Ok(())
    }

    /// Puts newly made bytes at `rel`, writing them only if the tree has other bytes there.
    /// Bytes the published tree already has are linked from it, keeping its file's time (which
    /// tools like rsync look at).
    pub fn put(&self, rel: &str, fingerprint: Option<u64>, bytes: &[u8]) -> std::io::Result<()> {
        let hash = hash_bytes(bytes);
        let published = self.live.get(rel).is_some_and(|r| r.hash == hash);
        if !published {
            self.changed.fetch_add(1, Ordering::Relaxed);
            self.changed_bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        }
        if self.tree.get(rel).map(|r| r.hash) != Some(hash) {
            if published {
                self.staging.copy_published(rel)?;
            } else {
                self.staging.write(rel, bytes)?;
            }
        }
        self.record(rel, OutputRecord { fingerprint, hash });
        Ok(())
    }

    fn record(&self, rel: &str, record: OutputRecord) {
        // A thread that panicked while holding the lock poisons it, and [`Emit::finish`]
        // refuses the records then.
        let mut records = self.records.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        records.insert(rel, record);
    }

    /// The manifest of the tree as this build made it. A lock poisoned by a panicking writer
    /// is an error: a manifest missing files would have the sweep delete them.
    pub fn finish(self) -> std::io::Result<Files> {
        self.records.into_inner().map_err(|_| std::io::Error::other("a thread writing the output failed"))
    }
}
