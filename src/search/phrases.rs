//! Phrase filters: per bulletin, a Bloom filter of its folded word triples, so that the client
//! can tell a bulletin with a quoted phrase's words in a row from one that has its pairs in
//! different places (the pairs alone cannot). Kept apart from the results' metadata, in
//! `b/<chunk>.json.gz`, and fetched only for a quoted phrase of three words or more.
//!
//! The triples are those of each block's words in a row, and of its words in a row with
//! numbers left out ("động đất 6,7 độ" gives "dat 6 7", "6 7 do" and "dong dat do", "dat do
//! …"), as a reader remembers a phrase either way.

use crate::text::Tokens;

use super::format::{FNV32_OFFSET, fnv1a32_continue};

/// Filter bits per triple, and bits set per triple: about 2% false positives.
const BITS_PER_TRIPLE: usize = 8;
const HASHES: u32 = 4;

/// The bits a triple (its folded words joined by spaces, hashed: `hash`) sets in a filter of
/// `bits` bits. `search-engine.js` computes the same.
fn positions(hash: u32, bits: u32) -> impl Iterator<Item = u32> {
    let step = fnv1a32_continue(hash, b"#") | 1;
    (0..HASHES).map(move |i| hash.wrapping_add(i.wrapping_mul(step)) % bits)
}

/// The filter of a bulletin's tokens, in base64 (standard alphabet, padded); empty when it
/// has no triple.
pub(super) fn phrase_filter(tokens: &Tokens) -> String {
    let mut hashes = Vec::new();
    // Adds token `i` to a run of the block's last tokens, and the triple it ends, if any.
    let add = |run: &mut Vec<usize>, i: usize, hashes: &mut Vec<u32>| {
        run.push(i);
        if run.len() > 3 {
            run.remove(0);
        }
        if run.len() == 3 {
            let mut h = FNV32_OFFSET;
            for (k, &t) in run.iter().enumerate() {
                if k > 0 {
                    h = fnv1a32_continue(h, b" ");
                }
                h = fnv1a32_continue(h, tokens.folded(t).as_bytes());
            }
            hashes.push(h);
        }
    };
    // The last tokens of the block, and its last tokens that are not numbers.
    let (mut all, mut words) = (Vec::new(), Vec::new());
    for i in 0..tokens.len() {
        if tokens.new_block(i) {
            all.clear();
            words.clear();
        }
        add(&mut all, i, &mut hashes);
        if !tokens.folded(i).bytes().all(|b| b.is_ascii_digit()) {
            add(&mut words, i, &mut hashes);
        }
    }
    hashes.sort_unstable();
    hashes.dedup();
    if hashes.is_empty() {
        return String::new();
    }
    let bytes = (hashes.len() * BITS_PER_TRIPLE).div_ceil(8).max(8);
    let mut filter = vec![0u8; bytes];
    for h in hashes {
        for bit in positions(h, (bytes * 8) as u32) {
            filter[bit as usize / 8] |= 1 << (bit % 8);
        }
    }
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(filter: &str, triple: &str) -> bool {
        let bytes =
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, filter).expect("base64");
        let h = fnv1a32_continue(FNV32_OFFSET, triple.as_bytes());
        positions(h, (bytes.len() * 8) as u32).all(|b| bytes[b as usize / 8] & (1 << (b % 8)) != 0)
    }

    #[test]
    fn triples_in_a_row_across_punctuation_and_numbers_but_not_blocks() {
        let mut t = Tokens::default();
        t.push_text("Động đất 6,7 độ Richter, quản lý bảo vệ.\nrừng xanh");
        let f = phrase_filter(&t);
        for triple in ["dong dat 6", "dat 6 7", "6 7 do", "dong dat do", "dat do richter", "richter quan ly"]
        {
            assert!(has(&f, triple), "{triple}");
        }
        let absent = ["bao ve rung", "ve rung xanh", "dong do richter", "ly ve bao", "quan bao ve"];
        assert!(absent.iter().filter(|t| has(&f, t)).count() <= 1, "{absent:?}");
    }
}
