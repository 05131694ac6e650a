//! The ground floor every key is made with: the hash of a file's bytes, and [`Fingerprint`],
//! into which a stage feeds every input it reads to make the key of its result.

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
///
/// Its digest is xxh3's of every byte fed, in order. Most fingerprints are of a few hundred
/// bytes (a card, a bulletin's tags), made by the million at 1,000,000 bulletins: the bytes
/// are gathered and hashed at once at the end, which xxh3 does several times faster than
/// its streaming state takes them piece by piece (that state is 576 bytes set up for each,
/// every piece copied into its buffer). Past [`Fingerprint::GATHERED`] bytes they go on to
/// a streaming state, which gives the same digest.
pub struct Fingerprint {
    gathered: Vec<u8>,
    streamed: Option<Box<xxhash_rust::xxh3::Xxh3>>,
}

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint::new()
    }
}

impl Fingerprint {
    /// At most this many bytes are gathered before they go to the streaming state.
    const GATHERED: usize = 16 << 10;

    pub fn new() -> Fingerprint {
        Fingerprint { gathered: Vec::with_capacity(256), streamed: None }
    }

    #[inline]
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    /// A path, by its bytes (for a UTF-8 path, the same as [`Fingerprint::str`] of it).
    pub fn path(&mut self, p: &Path) -> &mut Self {
        self.bytes(p.as_os_str().as_encoded_bytes())
    }

    #[inline]
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.u64(b.len() as u64);
        self.feed(b);
        self
    }

    #[inline]
    pub fn u64(&mut self, n: u64) -> &mut Self {
        self.feed(&n.to_ne_bytes());
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
        match &self.streamed {
            None => xxhash_rust::xxh3::xxh3_64(&self.gathered),
            Some(streamed) => {
                let mut streamed = streamed.clone();
                streamed.update(&self.gathered);
                streamed.digest()
            }
        }
    }

    #[inline]
    fn feed(&mut self, b: &[u8]) {
        if self.gathered.len() + b.len() > Self::GATHERED {
            let streamed = self.streamed.get_or_insert_with(|| Box::new(xxhash_rust::xxh3::Xxh3::new()));
            streamed.update(&self.gathered);
            self.gathered.clear();
            if b.len() > Self::GATHERED {
                streamed.update(b);
                return;
            }
        }
        self.gathered.extend_from_slice(b);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The digest is xxh3's of the bytes fed, in order, however they were split, short or
    /// past what is gathered: the keys of caches written before stay the same.
    #[test]
    fn a_fingerprint_is_xxh3_of_its_pieces_in_order() {
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        for round in 0..200 {
            let (mut f, mut all) = (Fingerprint::new(), Vec::new());
            for _ in 0..(next() % 40) {
                let len = match next() % 10 {
                    0 => (next() % 70_000) as usize,
                    1..=3 => 0,
                    _ => (next() % 300) as usize,
                };
                let piece: Vec<u8> = (0..len).map(|_| next() as u8).collect();
                if next().is_multiple_of(3) {
                    let n = next();
                    f.u64(n);
                    all.extend_from_slice(&n.to_ne_bytes());
                }
                f.bytes(&piece);
                all.extend_from_slice(&(piece.len() as u64).to_ne_bytes());
                all.extend_from_slice(&piece);
                assert_eq!(f.finish(), xxhash_rust::xxh3::xxh3_64(&all), "round {round}");
            }
            let mut streamed = xxhash_rust::xxh3::Xxh3::new();
            streamed.update(&all);
            assert_eq!(f.finish(), streamed.digest(), "round {round}");
        }
        assert_ne!(
            Fingerprint::new().str("ab").str("c").finish(),
            Fingerprint::new().str("a").str("bc").finish()
        );
    }
}
