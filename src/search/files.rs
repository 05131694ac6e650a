//! The one place that names the files of the search index, under `search/` in the output: the
//! pipeline asks here which published files are the index's, rather than knowing its folders.
//! (`docs/search-format.md` describes what each holds; `search.js` reads the same names.)

use crate::text;

/// Everything the page loads before the first query.
pub const MANIFEST: &str = "manifest.json";

/// The folders of the index: word shards, tag/author shards, long postings, prefixes,
/// bulletin metadata chunks and phrase filter chunks.
const FOLDERS: [&str; 6] = ["t/", "f/", "p/", "x/", "d/", "b/"];

/// The shard file of a slot: word shards first, then tag/author shards.
pub fn slot_file(slot: u32, shards: u32) -> String {
    if slot < shards { format!("t/{slot}.json.gz") } else { format!("f/{}.json.gz", slot - shards) }
}

/// The file of a word's postings when they are too long for its shard.
pub fn long_file(folded: &str) -> String {
    format!("p/{:016x}.json.gz", text::fnv1a64(folded.as_bytes()))
}

/// The file of a word prefix group.
pub fn prefix_file(group: u32) -> String {
    format!("x/{group}.json.gz")
}

/// The file of a chunk of phrase filters (the same bulletins as [`chunk_file`]'s).
pub fn phrase_file(chunk: usize) -> String {
    format!("b/{chunk}.json.gz")
}

/// The file of a chunk of bulletin metadata.
pub fn chunk_file(chunk: usize) -> String {
    format!("d/{chunk}.json.gz")
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
        for f in [slot_file(0, 4), slot_file(5, 4), long_file("ha noi"), prefix_file(3), chunk_file(2)] {
            assert!(is_index_output(&format!("search/{f}")), "{f}");
            assert!(!is_index_output(&f), "{f} outside search/");
        }
        assert!(is_index_output("search/manifest.json"));
        assert!(!is_index_output("search/index.html"));
        assert!(!is_index_output("tags/t/index.html"));
    }
}
