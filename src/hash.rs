//! The ground floor every key is made with: the hash of a file's bytes, and [`Fingerprint`],
//! into which a stage feeds every input it reads to make the key of its result.

use std::hash::Hasher as _;
use std::path::Path;

use serde::Serialize;

/// Hash of a file's bytes.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// The key a source file is found by in the build cache (its parsed log, the search index's
/// state): the hash of its path's bytes.
pub fn path_key(path: &Path) -> u64 {
    hash_bytes(path.as_os_str().as_encoded_bytes())
}

/// A fingerprint being built: everything a page depends on is fed into it, each piece
/// length-prefixed so that ("ab", "c") and ("a", "bc") differ.
pub struct Fingerprint(xxhash_rust::xxh3::Xxh3);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint::new()
    }
}

impl Fingerprint {
    pub fn new() -> Fingerprint {
        Fingerprint(xxhash_rust::xxh3::Xxh3::new())
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    /// A path, by its bytes (for a UTF-8 path, the same as [`Fingerprint::str`] of it).
    pub fn path(&mut self, p: &Path) -> &mut Self {
        self.bytes(p.as_os_str().as_encoded_bytes())
    }

    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.write_u64(b.len() as u64);
        self.0.update(b);
        self
    }

    pub fn u64(&mut self, n: u64) -> &mut Self {
        self.0.write_u64(n);
        self
    }

    /// Several numbers in order (a date's [`identity`](crate::content::PubDate::identity), say).
    pub fn u64s(&mut self, ns: impl IntoIterator<Item = u64>) -> &mut Self {
        for n in ns {
            self.u64(n);
        }
        self
    }

    /// Anything serialisable, as JSON. A value that cannot be serialised is an error, never
    /// hashed as if it were empty (two different values would then share a key).
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<&mut Self, serde_json::Error> {
        let text = serde_json::to_vec(value)?;
        Ok(self.bytes(&text))
    }

    pub fn finish(&self) -> u64 {
        self.0.digest()
    }
}

/// Identifies this bantin binary (its version, size and time), so a new build of bantin never
/// trusts what an old one made.
pub fn binary_id() -> u64 {
    let mut f = Fingerprint::new();
    f.str(env!("CARGO_PKG_VERSION"));
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        f.u64(meta.len()).u64(mtime_nanos(&meta) as u64);
    }
    f.finish()
}

/// Nanoseconds since the epoch of a file's modification time (0 when unknown).
pub fn mtime_nanos(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64)
}
