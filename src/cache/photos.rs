//! The photo store: the variants made of each photo, under `.bantin/photos/<key>/` (the key
//! of the photo's content and settings), shared by every profile. Files are written whole or
//! not at all; folders no build uses any more are removed.

use std::path::{Path, PathBuf};

use super::CACHE_DIR;

/// The store of a site.
#[derive(Debug, Clone)]
pub struct PhotoStore {
    dir: PathBuf,
}

impl PhotoStore {
    /// The store of the site at `root`.
    pub fn open(root: &Path) -> PhotoStore {
        PhotoStore { dir: root.join(CACHE_DIR).join("photos") }
    }

    fn path(&self, key: u64, name: &str) -> PathBuf {
        self.dir.join(format!("{key:016x}")).join(name)
    }

    /// Whether the store has file `name` of the photo `key`.
    pub fn has(&self, key: u64, name: &str) -> bool {
        self.path(key, name).is_file()
    }

    /// File `name` of the photo `key`.
    pub fn get(&self, key: u64, name: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.path(key, name))
    }

    /// Keeps file `name` of the photo `key`, replacing it whole.
    pub fn put(&self, key: u64, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.path(key, name);
        let folder = path.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(folder)?;
        // Two photos with the same content share a key, and may be kept at the same time
        // (photos are made in parallel): each write has a temporary file of its own.
        static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = folder.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)
    }

    /// Removes the folders of photos not in `keep`.
    pub fn prune(&self, keep: &rustc_hash::FxHashSet<u64>) -> std::io::Result<()> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let key = name.to_str().and_then(|n| u64::from_str_radix(n, 16).ok());
            if key.is_some_and(|k| !keep.contains(&k)) {
                std::fs::remove_dir_all(entry.path())?;
            }
        }
        Ok(())
    }
}
