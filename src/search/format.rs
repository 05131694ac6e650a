//! The on-disk search index (documented in `docs/search-format.md`): the types
//! written by the builder and read back by the tests and the fuzzers. The browser reads the
//! same JSON in `search-engine.js`.

use std::collections::BTreeMap;
use std::io::Read;

use serde::{Deserialize, Serialize};

/// The index format version; `search-engine.js` refuses other versions.
pub const FORMAT_VERSION: u32 = 8;
/// Bulletins per metadata chunk (`d/<n>.json.gz`).
pub const DOCS_PER_CHUNK: usize = 2;
/// Characters of body text kept per bulletin for snippets.
pub const SNIPPET_TEXT_CHARS: usize = 1000;
/// A term found in more bulletins than this keeps its postings in a file of its own, which
/// the client fetches only when the query needs it.
pub const LONG_LIST: usize = 300;
/// Prefix of tag pseudo-terms (`tag:` + the tag's key).
pub const TAG_PREFIX: &str = "tag:";
/// Prefix of author pseudo-terms.
pub const AUTHOR_PREFIX: &str = "author:";
/// Prefix of a section's pseudo-term (`section:<name key>`).
pub const SECTION_PREFIX: &str = "section:";

/// `search/manifest.json`: everything the page loads before the first query. Its size
/// depends on the number of years covered, never on the number of bulletins.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub version: u32,
    /// Number of bulletins; ids are 0..docs, oldest first.
    pub docs: u32,
    /// Number of word shards (`t/<n / per_folder>/<n>.json.gz`).
    pub shards: u32,
    /// Number of tag/author shards (`f/<n / per_folder>/<n>.json.gz`).
    pub facet_shards: u32,
    /// Numbered files (shards, chunks) per folder.
    pub per_folder: u32,
    /// Number of prefix-group files (`x/<n>.json.gz`).
    pub prefix_files: u32,
    pub chunk: u32,
    /// Scores are BM25 weights × this, rounded; the client divides.
    pub score_scale: f32,
    /// (year, first id, count): ids are in date order, so each year is one range.
    pub years: Vec<(i16, u32, u32)>,
}

/// A posting list, flat: `[id, score, id delta, score, …]`, ids ascending. In the files it
/// is a string: the numbers as unsigned LEB128 varints, in base64 (standard alphabet, padded).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Postings(pub Vec<u32>);

impl Serialize for Postings {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::with_capacity(self.0.len() * 2);
        for &n in &self.0 {
            push_varint(&mut bytes, n);
        }
        serializer.serialize_str(&base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes))
    }
}

impl<'de> Deserialize<'de> for Postings {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, text.as_bytes())
            .map_err(D::Error::custom)?;
        Postings::from_varints(&bytes)
            .ok_or_else(|| D::Error::custom("postings must be (id, score) pairs of whole varints"))
    }
}

/// Appends `n` as an unsigned LEB128 varint.
fn push_varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads an unsigned LEB128 varint of at most five bytes: (value, bytes used).
pub(super) fn read_varint(bytes: &[u8]) -> Option<(u32, usize)> {
    let mut n: u64 = 0;
    for (i, &b) in bytes.iter().enumerate().take(5) {
        n |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return u32::try_from(n).ok().map(|n| (n, i + 1));
        }
    }
    None
}

impl Postings {
    /// Decodes into (id, score) pairs.
    pub fn decode(&self) -> Vec<(u32, u32)> {
        let mut id = 0u32;
        self.0
            .chunks_exact(2)
            .enumerate()
            .map(|(i, pair)| {
                id = if i == 0 { pair[0] } else { id.saturating_add(pair[0]) };
                (id, pair[1])
            })
            .collect()
    }

    /// The postings written as LEB128 varints (as [`write_varint_postings`] takes them), or
    /// None when a varint is damaged or a posting is half there.
    pub fn from_varints(mut bytes: &[u8]) -> Option<Postings> {
        let mut flat = Vec::new();
        while !bytes.is_empty() {
            let (n, used) = read_varint(bytes)?;
            flat.push(n);
            bytes = &bytes[used..];
        }
        flat.len().is_multiple_of(2).then_some(Postings(flat))
    }

    /// Encodes (id, score) pairs sorted by id.
    pub fn encode(pairs: &[(u32, u32)]) -> Postings {
        let mut flat = Vec::with_capacity(pairs.len() * 2);
        let mut prev = 0;
        for (i, &(id, score)) in pairs.iter().enumerate() {
            flat.push(if i == 0 { id } else { id - prev });
            flat.push(score);
            prev = id;
        }
        Postings(flat)
    }
}

/// What a shard holds for one spelling: its postings, or where they are and how many.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Entry {
    Inline(Postings),
    /// (file relative to `search/`, number of bulletins, the file of the term's head): a
    /// term in very many bulletins (`super::heads`). First, since an untagged enum takes
    /// the first form that fits.
    Headed(String, u32, String),
    /// (file relative to `search/`, number of bulletins)
    Elsewhere(String, u32),
}

/// `search/t/<n>.json.gz`: spelling → entry, for every spelling whose folded term hashes to
/// shard n. Spellings are words ("đà") or word pairs ("đà nẵng"); the client groups them by
/// folding. `search/f/<n>.json.gz` has the same form for the pseudo-terms "tag:<key>" and
/// "author:<key>", hashed as they are.
pub type Shard = BTreeMap<String, Entry>;

/// `search/p/<hash>.json.gz`: spelling → postings for every spelling of one long term.
pub type LongList = BTreeMap<String, Postings>;

/// One bulletin as the results list shows it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DocMeta {
    /// Title.
    pub t: String,
    /// URL, relative to the site root.
    pub u: String,
    /// Machine date (`2020-01`, `2020-01-06`, or RFC 3339).
    pub d: String,
    /// Display date.
    pub h: String,
    /// Authors.
    pub a: Vec<String>,
    /// Tags.
    pub g: Vec<String>,
    /// Summary.
    pub m: String,
    /// Section (absent when the bulletin has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub c: Option<String>,
    /// The start of the body text, for snippets.
    pub s: String,
    /// Its lead photo's thumbnail (a WebP, relative to the site root), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub i: Option<String>,
    /// The phrase filter ([`super::phrases`]), written apart, in `b/`.
    #[serde(skip)]
    pub p: String,
}

/// The offset basis of 32-bit FNV-1a, the state before any byte.
pub const FNV32_OFFSET: u32 = 0x811c_9dc5;

/// Continues a 32-bit FNV-1a hash from state `h` over `bytes`.
pub fn fnv1a32_continue(mut h: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The shard of a term: FNV-1a (32-bit) of its UTF-8 bytes, modulo the shard count.
/// `search-engine.js` computes the same.
pub fn shard_of(term: &str, shards: u32) -> u32 {
    fnv1a32_continue(FNV32_OFFSET, term.as_bytes()) % shards.max(1)
}

/// Serialises to JSON and gzips, deterministically (no timestamp, no file name).
pub fn to_gzip_json<T: Serialize>(value: &T) -> std::io::Result<Vec<u8>> {
    gzip(&serde_json::to_vec(value).map_err(std::io::Error::other)?)
}

/// The gzip level (libdeflate's scale). Measured on a 20,000-bulletin index: level 1 makes
/// files within 1% of the size zlib's level 3 made (the shards 0.1%), in half the time;
/// higher levels save 1–3% of the bytes at 1.5–2× the time.
const GZIP_LEVEL: i32 = 1;

/// Gzips, deterministically (no timestamp, no file name), with libdeflate and one
/// compressor per thread, reused (a new one allocates more than compressing a small shard
/// costs).
pub fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    thread_local! {
        static DEFLATE: std::cell::RefCell<Option<libdeflater::Compressor>> = const { std::cell::RefCell::new(None) };
    }
    DEFLATE.with_borrow_mut(|slot| {
        let deflate = match slot {
            Some(d) => d,
            None => {
                let level = libdeflater::CompressionLvl::new(GZIP_LEVEL)
                    .map_err(|e| std::io::Error::other(format!("gzip level: {e:?}")))?;
                slot.insert(libdeflater::Compressor::new(level))
            }
        };
        let mut out = vec![0; deflate.gzip_compress_bound(bytes.len())];
        let n = deflate
            .gzip_compress(bytes, &mut out)
            .map_err(|e| std::io::Error::other(format!("gzip: {e:?}")))?;
        out.truncate(n);
        Ok(out)
    })
}

/// Appends a JSON string, escaped exactly as serde_json escapes it.
pub fn write_json_str(out: &mut Vec<u8>, s: &str) -> std::io::Result<()> {
    serde_json::to_writer(out, s).map_err(std::io::Error::other)
}

/// Appends a posting list as a JSON string, exactly as [`Postings`] serialises it, from its
/// varints (`[id₀, score₀, Δid₁, score₁, …]` as LEB128 bytes).
pub fn write_varint_postings(out: &mut Vec<u8>, varints: &[u8]) {
    out.push(b'"');
    let start = out.len();
    out.resize(start + base64::encoded_len(varints.len(), true).unwrap_or(0), 0);
    let written =
        base64::Engine::encode_slice(&base64::engine::general_purpose::STANDARD, varints, &mut out[start..])
            .unwrap_or(0);
    out.truncate(start + written);
    out.push(b'"');
}

/// Reads what [`to_gzip_json`] wrote (or plain JSON, as a host may have decompressed it).
pub fn from_gzip_json<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> std::io::Result<T> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        serde_json::from_slice(&gunzip(bytes)?).map_err(std::io::Error::other)
    } else {
        serde_json::from_slice(bytes).map_err(std::io::Error::other)
    }
}

/// Decompresses a gzip file. The files [`gzip`] writes are one member whose trailer gives
/// the size, decompressed in one call by libdeflate; anything else (several members, a
/// trailer that does not match) goes through a streaming decoder.
fn gunzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    /// Sizes trusted from a trailer (the index's files are far smaller).
    const MAX_SIZE: usize = 1 << 30;
    thread_local! {
        static INFLATE: std::cell::RefCell<libdeflater::Decompressor> =
            std::cell::RefCell::new(libdeflater::Decompressor::new());
    }
    let size = match bytes.len().checked_sub(4).and_then(|at| bytes.get(at..)) {
        Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]) as usize,
        _ => usize::MAX,
    };
    if size <= MAX_SIZE {
        let mut out = vec![0; size];
        let whole = INFLATE.with_borrow_mut(|inflate| inflate.gzip_decompress(bytes, &mut out));
        if whole.is_ok_and(|n| n == size) {
            return Ok(out);
        }
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_round_trip() {
        let pairs = vec![(0, 10), (3, 200), (4, 1), (1000, 255), (1 << 23, 88)];
        let p = Postings::encode(&pairs);
        assert_eq!(p.0, vec![0, 10, 3, 200, 1, 1, 996, 255, (1 << 23) - 1000, 88]);
        // In the files: varints in base64 (200 and 996 take two bytes each).
        let json = serde_json::to_string(&Postings::encode(&pairs[..3])).expect("json");
        assert_eq!(json, "\"AAoDyAEBAQ==\"");
        assert!(serde_json::from_str::<Postings>("\"AAoD\"").is_err(), "odd count");
        assert!(serde_json::from_str::<Postings>("\"gICAgIAB\"").is_err(), "overlong varint");
        assert_eq!(p.decode(), pairs);
        let bytes = to_gzip_json(&p).expect("gzip");
        assert_eq!(from_gzip_json::<Postings>(&bytes).expect("read"), p);
        assert_eq!(to_gzip_json(&p).expect("again"), bytes, "deterministic");
        let mut varints = Vec::new();
        for n in &p.0 {
            push_varint(&mut varints, *n);
        }
        let mut written = Vec::new();
        write_varint_postings(&mut written, &varints);
        assert_eq!(written, serde_json::to_vec(&p).expect("json"));
        let mut key = Vec::new();
        write_json_str(&mut key, "tag:\"a\\b\u{1}\n").expect("key");
        assert_eq!(key, serde_json::to_vec("tag:\"a\\b\u{1}\n").expect("json"));
    }

    #[test]
    fn gzip_is_standard_and_deterministic() {
        let mut text = String::new();
        for i in 0..40_000u32 {
            text.push_str(&format!(
                "{{\"đà nẵng {}\":[{},{}]}}",
                i % 977,
                i,
                i.wrapping_mul(2_654_435_761) % 89
            ));
        }
        for input in [&b""[..], b"a", &text.as_bytes()[..5000], text.as_bytes()] {
            let gz = gzip(input).expect("gzip");
            // A gzip member with no timestamp and no file name...
            assert_eq!(gz[..4], [0x1f, 0x8b, 8, 0], "{} bytes", input.len());
            assert_eq!(gz[4..8], [0, 0, 0, 0], "mtime");
            // ...that an independent decoder reads back...
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut back).expect("gunzip");
            assert_eq!(back, input);
            // ...the same bytes every time, and smaller than the input when it repeats.
            assert_eq!(gzip(input).expect("again"), gz);
            if input.len() > 1000 {
                assert!(gz.len() < input.len() / 3, "{} → {}", input.len(), gz.len());
            }
        }
    }

    #[test]
    fn gunzip_reads_one_member_several_and_damaged_trailers() {
        let text: String = (0..5000).map(|i| format!("{{\"tin {i}\":{i}}}")).collect();
        let gz = gzip(text.as_bytes()).expect("gzip");
        assert!(gunzip(&gz).expect("one member") == text.as_bytes());
        // Two members (as `cat a.gz b.gz` makes): the streaming decoder reads both.
        let two = [gz.clone(), gzip(b"!").expect("gzip")].concat();
        assert!(gunzip(&two).expect("two members") == [text.as_bytes(), b"!"].concat());
        // A trailer whose size is wrong: still read, by the streaming decoder, which checks it.
        let mut wrong = gz.clone();
        let n = wrong.len();
        wrong[n - 4..].copy_from_slice(&7u32.to_le_bytes());
        assert!(gunzip(&wrong).is_err());
        assert!(gunzip(&gz[..gz.len() / 2]).is_err(), "cut short");
        let object = gzip("{\"tin\":7,\"mưa\":9}".as_bytes()).expect("gzip");
        let json: std::collections::BTreeMap<String, u32> = from_gzip_json(&object).expect("gzip json");
        assert_eq!(json.get("mưa"), Some(&9));
        let plain: u32 = from_gzip_json(b"42").expect("plain json");
        assert_eq!(plain, 42);
    }

    #[test]
    fn shard_hash_is_fnv1a() {
        // FNV-1a 32 of "a" is 0xe40c292c.
        assert_eq!(shard_of("a", u32::MAX), 0xe40c_292c);
        assert_eq!(shard_of("đà nẵng", 1), 0);
    }
}
