//! Counting words for the reading time: Vietnamese syllables and other words, counted in one
//! pass over the plain text.

/// The number of words in `text`, as `text.split_whitespace().count()` gives it (every
/// bulletin's text is counted). 64 bytes at a time: a mask of the ASCII white space gives the
/// word starts at once; the rarer white space beyond ASCII (U+0085, U+00A0, U+1680,
/// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) begins with 0xC2 or 0xE1–0xE3
/// followed by 0x80, 0x81, 0x85, 0x9A or 0xA0, and a text that holds one is counted a byte
/// at a time instead.
pub(super) fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut words, mut space_before) = (0, true);
    let mut blocks = bytes.chunks_exact(64);
    for (n, block) in (&mut blocks).enumerate() {
        let mut flags = [[0u8; 64]; 3];
        for (i, &b) in block.iter().enumerate() {
            flags[0][i] = u8::from((b == b' ') | (b.wrapping_sub(b'\t') < 5));
            flags[1][i] = u8::from((b == 0xc2) | (b.wrapping_sub(0xe1) < 3));
            flags[2][i] = u8::from((b == 0x85) | (b == 0xa0) | (b == 0x9a) | (b & 0xfe == 0x80));
        }
        let [space, lead, second] = flags.map(|f| bit_mask(&f));
        // A lead byte whose next byte may make white space (or is in the next block).
        let mut maybe = lead & ((second >> 1) | (1 << 63));
        while maybe != 0 {
            if whitespace_at(text, n * 64 + maybe.trailing_zeros() as usize) {
                return count_words_from(text, 0, true);
            }
            maybe &= maybe - 1;
        }
        words += (!space & ((space << 1) | u64::from(space_before))).count_ones() as usize;
        space_before = space >> 63 != 0;
    }
    words + count_words_from(text, bytes.len() - blocks.remainder().len(), space_before)
}

/// Whether the character starting at byte `at` of `text` is white space.
pub(super) fn whitespace_at(text: &str, at: usize) -> bool {
    text.get(at..).and_then(|t| t.chars().next()).is_some_and(char::is_whitespace)
}

/// Bit `i` set where `flags[i]` is 1 (each flag 0 or 1): eight flags at a time, gathered
/// into one byte by a multiplication.
pub(super) fn bit_mask(flags: &[u8; 64]) -> u64 {
    flags.chunks_exact(8).enumerate().fold(0, |mask, (j, eight)| {
        let eight = u64::from_le_bytes(eight.try_into().unwrap_or_default());
        mask | ((eight.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * j))
    })
}

/// The words that begin at or after `start` (a character boundary), one byte at a time.
pub(super) fn count_words_from(text: &str, start: usize, space_before: bool) -> usize {
    let bytes = text.as_bytes();
    let (mut words, mut in_word) = (0, !space_before);
    for (at, &b) in bytes.iter().enumerate().skip(start) {
        let space = match b {
            // A continuation byte leaves the state as it is.
            0x80..=0xbf => !in_word,
            b'\t'..=b'\r' | b' ' => true,
            // Every white space character beyond ASCII starts with one of these bytes.
            0xc2 | 0xe1..=0xe3 => whitespace_at(text, at),
            _ => false,
        };
        words += usize::from(!space & !in_word);
        in_word = !space;
    }
    words
}
