//! How cache files are written and read: postcard, each file replaced atomically.

use std::path::Path;

use serde::{Deserialize, Serialize};

pub fn read<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    postcard::from_bytes(&bytes).ok()
}

pub fn write<T: Serialize + ?Sized>(path: &Path, value: &T) -> std::io::Result<()> {
    write_bytes(path, &encode(value)?)
}

/// A cache file's bytes for `value` (a build encodes its files together, then writes them
/// in order).
pub fn encode<T: Serialize + ?Sized>(value: &T) -> std::io::Result<Vec<u8>> {
    // Measured first, then written into a buffer of that size: a growing buffer touches twice
    // the memory and copies what it has at each doubling (the manifests and state written
    // after an edit at 20,000 bulletins are ~10 MB).
    let size = postcard::experimental::serialized_size(value).map_err(std::io::Error::other)?;
    let mut bytes = vec![0; size];
    let written = postcard::to_slice(value, &mut bytes).map_err(std::io::Error::other)?.len();
    bytes.truncate(written);
    Ok(bytes)
}

/// Replaces the file at `path` with `bytes`, never leaving it half written.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
