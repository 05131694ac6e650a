//! Files read and copied a block at a time, hashed as they go: an attachment or static file of
//! any size (a video) is never held whole.

use std::fs;
use std::io;
use std::path::Path;

/// The bytes a streamed copy reads at a time.
const COPY_BLOCK: usize = 1 << 20;

/// Reads the file at `path` a block at a time, giving each block to `each`, and returns the
/// hash of its bytes ([`crate::hash::hash_bytes`] of them).
fn read_hashing(path: &Path, mut each: impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<u64> {
    use std::io::Read;
    let mut file = fs::File::open(path)?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut block = vec![0; COPY_BLOCK];
    loop {
        match file.read(&mut block) {
            Ok(0) => return Ok(hasher.digest()),
            Ok(n) => {
                hasher.update(&block[..n]);
                each(&block[..n])?;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The hash of the file at `path`, read a block at a time.
pub fn hash_file(path: &Path) -> io::Result<u64> {
    read_hashing(path, |_| Ok(()))
}

/// Copies `from` to a new file `to` a block at a time, and returns the hash of the bytes copied.
pub(super) fn copy_hashing(from: &Path, to: &Path) -> io::Result<u64> {
    use std::io::Write;
    let mut output = fs::File::create(to)?;
    read_hashing(from, |block| output.write_all(block))
}
