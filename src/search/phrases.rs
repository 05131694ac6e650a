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

/// Filter bits per triple (counted as they come, a triple found twice twice), and bits set
/// per triple: about 2% false positives.
const BITS_PER_TRIPLE: usize = 8;
const HASHES: u32 = 4;

/// The bits a triple (hashed: [`triple_hash`]) sets in a filter of `bits` bits.
/// `search-engine.js` computes the same.
fn positions(hash: u32, bits: u32) -> impl Iterator<Item = u32> {
    let step = fnv1a32_continue(hash, b"#") | 1;
    (0..HASHES).map(move |i| hash.wrapping_add(i.wrapping_mul(step)) % bits)
}

/// The hash of a triple of words whose folded forms hash (FNV-1a 32) to `a`, `b` and `c`:
/// FNV-1a 32 of the three hashes' twelve bytes, little-endian.
pub(super) fn triple_hash(a: u32, b: u32, c: u32) -> u32 {
    let mut bytes = [0u8; 12];
    bytes[..4].copy_from_slice(&a.to_le_bytes());
    bytes[4..8].copy_from_slice(&b.to_le_bytes());
    bytes[8..].copy_from_slice(&c.to_le_bytes());
    fnv1a32_continue(FNV32_OFFSET, &bytes)
}

/// The filter of a bulletin's tokens (`hashes`: each one's folded form's FNV-1a 32), in
/// base64 (standard alphabet, padded); empty when it has no triple.
pub(super) fn phrase_filter(tokens: &Tokens, hashes: &[u32]) -> String {
    let mut triples = Vec::with_capacity(2 * tokens.len());
    // The last tokens of the block, and its last tokens that are not numbers.
    let (mut all, mut words) = ([0u32; 3], [0u32; 3]);
    let (mut all_len, mut words_len) = (0, 0);
    // Tokens since the last number (or the start of the block): from three on, the triple
    // without numbers is the same as the one with them.
    let mut plain = 0;
    let mut add = |run: &mut [u32; 3], len: &mut usize, h: u32, push: bool| {
        *run = [run[1], run[2], h];
        *len += 1;
        if *len >= 3 && push {
            triples.push(triple_hash(run[0], run[1], run[2]));
        }
    };
    for (i, &h) in hashes.iter().enumerate().take(tokens.len()) {
        if tokens.new_block(i) {
            (all_len, words_len, plain) = (0, 0, 0);
        }
        let number = tokens.is_number(i);
        plain = if number { 0 } else { plain + 1 };
        add(&mut all, &mut all_len, h, true);
        if !number {
            add(&mut words, &mut words_len, h, plain < 3);
        }
    }
    if triples.is_empty() {
        return String::new();
    }
    let bytes = (triples.len() * BITS_PER_TRIPLE).div_ceil(8).max(8);
    let mut filter = vec![0u8; bytes];
    for h in triples {
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
        let w: Vec<u32> = triple.split(' ').map(|w| fnv1a32_continue(FNV32_OFFSET, w.as_bytes())).collect();
        let h = triple_hash(w[0], w[1], w[2]);
        positions(h, (bytes.len() * 8) as u32).all(|b| bytes[b as usize / 8] & (1 << (b % 8)) != 0)
    }

    #[test]
    fn triples_in_a_row_across_punctuation_and_numbers_but_not_blocks() {
        let mut t = Tokens::default();
        t.push_text("Động đất 6,7 độ Richter, quản lý bảo vệ.\nrừng xanh");
        let hashes: Vec<u32> =
            (0..t.len()).map(|i| fnv1a32_continue(FNV32_OFFSET, t.folded(i).as_bytes())).collect();
        let f = phrase_filter(&t, &hashes);
        // "lý" is keyed "li" (as "lí" is).
        for triple in ["dong dat 6", "dat 6 7", "6 7 do", "dong dat do", "dat do richter", "richter quan li"]
        {
            assert!(has(&f, triple), "{triple}");
        }
        let absent = ["bao ve rung", "ve rung xanh", "dong do richter", "li ve bao", "quan bao ve"];
        assert!(absent.iter().filter(|t| has(&f, t)).count() <= 1, "{absent:?}");
    }
}
