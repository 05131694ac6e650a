//! The one place that names the files of the search index, under `search/` in the output: the
//! pipeline asks here which published files are the index's, rather than knowing its folders.
//! (`docs/search-format.md` describes what each holds; `search.js` reads the same names.)

use crate::text;

/// Everything the page loads before the first query.
pub const MANIFEST: &str = "manifest.json";

/// The folders of the index: word shards, tag/author shards, long postings, prefixes,
/// bulletin metadata chunks and phrase filter chunks.
const FOLDERS: [&str; 6] = ["t/", "f/", "p/", "x/", "d/", "b/"];

/// Numbered files (shards and chunks) per folder: file `n` is in folder `n / PER_FOLDER`. At
/// 1,000,000 bulletins there are 500,000 metadata chunks, which no folder should hold at once
/// (static hosts' upload tools and file systems slow down on huge folders).
pub const PER_FOLDER: u32 = 1000;

/// Numbered file `n` of `folder`.
fn numbered(folder: &str, n: u64) -> String {
    format!("{folder}{}/{n}.json.gz", n / u64::from(PER_FOLDER))
}

/// The shard file of a slot: word shards first, then tag/author shards.
pub fn slot_file(slot: u32, shards: u32) -> String {
    if slot < shards { numbered("t/", slot.into()) } else { numbered("f/", (slot - shards).into()) }
}

/// The file of a word's postings when they are too long for its shard: by its hash, in one of
/// 256 folders by the hash's first byte.
pub fn long_file(folded: &str) -> String {
    by_hash(folded, "")
}

/// The file of the head of a long term's postings (`super::heads`): beside its long file.
pub fn head_file(folded: &str) -> String {
    by_hash(folded, ".h")
}

/// `p/<first byte of the term's hash>/<the other 14 hex digits><suffix>.json.gz`.
fn by_hash(folded: &str, suffix: &str) -> String {
    let h = text::fnv1a64(folded.as_bytes());
    format!("p/{:02x}/{:014x}{suffix}.json.gz", h >> 56, h & ((1 << 56) - 1))
}

/// The file of a word prefix group.
pub fn prefix_file(group: u32) -> String {
    format!("x/{group}.json.gz")
}

/// The file of a chunk of phrase filters (the same bulletins as [`chunk_file`]'s).
pub fn phrase_file(chunk: usize) -> String {
    numbered("b/", chunk as u64)
}

/// The file of a chunk of bulletin metadata.
pub fn chunk_file(chunk: usize) -> String {
    numbered("d/", chunk as u64)
}

/// Whether a site-relative output path is a file of the search index (the search page
/// itself, `search/index.html`, is not).
pub fn is_index_output(path: &str) -> bool {
    path.strip_prefix("search/").is_some_and(|k| k == MANIFEST || FOLDERS.iter().any(|d| k.starts_with(d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_index_file_is_known_as_one_and_the_page_is_not() {
        for f in [
            slot_file(0, 4),
            slot_file(5, 4),
            long_file("ha noi"),
            head_file("ha noi"),
            prefix_file(3),
            chunk_file(2),
        ] {
            assert!(is_index_output(&format!("search/{f}")), "{f}");
            assert!(!is_index_output(&f), "{f} outside search/");
        }
        assert!(is_index_output("search/manifest.json"));
        assert!(!is_index_output("search/index.html"));
        assert!(!is_index_output("tags/t/index.html"));
    }

    #[test]
    fn numbered_files_are_a_thousand_to_a_folder_and_long_lists_256_folders() {
        assert_eq!(chunk_file(0), "d/0/0.json.gz");
        assert_eq!(chunk_file(999), "d/0/999.json.gz");
        assert_eq!(chunk_file(1000), "d/1/1000.json.gz");
        assert_eq!(phrase_file(499_999), "b/499/499999.json.gz");
        assert_eq!(slot_file(65_535, 65_536), "t/65/65535.json.gz");
        assert_eq!(slot_file(65_537, 65_536), "f/0/1.json.gz");
        let long = long_file("ha noi");
        let h = format!("{:016x}", text::fnv1a64(b"ha noi"));
        assert_eq!(long, format!("p/{}/{}.json.gz", &h[..2], &h[2..]));
        assert_eq!(head_file("ha noi"), format!("p/{}/{}.h.json.gz", &h[..2], &h[2..]));
    }
}
