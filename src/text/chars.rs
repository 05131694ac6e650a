//! Per-character tables every Vietnamese text path reads: how a character folds (marks
//! stripped, đ→d, lower case) and how the tokenizer treats it. `fold` and `tokenize` both
//! read them; neither reads the other.

use unicode_normalization::char::is_combining_mark;

/// Folds of the characters below U+1F00 (every Vietnamese letter) that fold to one
/// character; `'\0'` where the slow path must be taken.
pub(super) fn fold_table() -> &'static [char] {
    static TABLE: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut buf = String::new();
        (0u32..0x1F00).map(|cp| char::from_u32(cp).map_or('\0', |c| single_fold(c, &mut buf))).collect()
    })
}

/// The fold of `c` when it is one character, else `'\0'`; `buf` is scratch space.
pub(super) fn single_fold(c: char, buf: &mut String) -> char {
    buf.clear();
    fold_char(c, buf);
    let mut it = buf.chars();
    match (it.next(), it.next()) {
        (Some(f), None) => f,
        _ => '\0',
    }
}

/// Appends the fold of `c`: its canonical decomposition without combining marks, lower-cased,
/// with đ as d. (The decomposition of one character needs no reordering: only the marks,
/// which are dropped, could move.)
pub(super) fn fold_char(c: char, out: &mut String) {
    unicode_normalization::char::decompose_canonical(c, |c| {
        if is_combining_mark(c) {
            return;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            c => out.extend(c.to_lowercase()),
        }
    });
}

pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Whether a (lower-cased) character between two words leaves them in one segment: white
/// space other than a line break, hyphens, dashes, slashes and apostrophes.
pub(super) fn joins_segment(c: char) -> bool {
    c != '\n' && (c.is_whitespace() || matches!(c, '-' | '–' | '/' | '\'' | '’' | '\u{200B}'))
}

/// Whether `c` shows nothing and parts nothing: the zero-width space and joiners, the byte
/// order mark, the soft hyphen, word joiners, invisible operators and direction marks. Text
/// copied from word processors and web pages carries them unseen.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Whether the tokenizer passes over `c` as if it were not there, inside a word too: an
/// [`is_invisible`] character other than the zero-width space, which (as in Unicode's word
/// boundaries) parts words as a space does. "Hà N\u{AD}ội" with a soft hyphen is "Hà Nội".
pub(super) fn is_passed_over(c: char) -> bool {
    is_invisible(c) && c != '\u{200B}'
}

/// The character may take the fast path: it is [`NORMAL`] and lower-cases to one character
/// outside any context (Σ's lower case depends on the next letter).
pub(super) const FAST: u8 = 1;
/// Its lower case is a word character (only with [`FAST`]).
pub(super) const WORD: u8 = 2;
/// Not a word character, and does not start a new segment ([`joins_segment`]).
pub(super) const JOINS: u8 = 8;
/// Passed over, inside a word too ([`is_passed_over`]).
pub(super) const SKIP: u8 = 16;
/// [`super::normalize`] leaves a text of such characters as it is: not a control character
/// (other than tab and line breaks) nor Ð/ð, NFC on its own with combining class 0 (so a
/// text of such characters is NFC).
pub(super) const NORMAL: u8 = 4;
/// The table covers the characters below this: every Vietnamese letter, and the punctuation
/// of U+2000–U+206F (“ ” … –) and the symbols after it that news text uses.
const TABLE_END: u32 = 0x2200;

#[derive(Clone, Copy)]
pub(super) struct CharInfo {
    pub(super) lower: char,
    /// The fold of the lower case when it is one character, else `'\0'`.
    pub(super) fold: char,
    pub(super) flags: u8,
}

impl Default for CharInfo {
    fn default() -> Self {
        CharInfo { lower: '\0', fold: '\0', flags: 0 }
    }
}

/// Characters below [`TABLE_END`]: how each lower-cases and folds, and whether it may take
/// the fast paths.
pub(super) fn char_table() -> &'static [CharInfo] {
    static TABLE: std::sync::OnceLock<Vec<CharInfo>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        use unicode_normalization::char::canonical_combining_class;
        (0u32..TABLE_END)
            .map(|cp| {
                let Some(c) = char::from_u32(cp) else { return CharInfo::default() };
                let nfc = unicode_normalization::is_nfc_quick(std::iter::once(c))
                    == unicode_normalization::IsNormalized::Yes
                    && canonical_combining_class(c) == 0;
                let control = c.is_control() && !matches!(c, '\t' | '\n' | '\r');
                if !nfc || control || matches!(c, 'Ð' | 'ð') {
                    return CharInfo::default();
                }
                let mut lower = c.to_lowercase();
                let (Some(l), None) = (lower.next(), lower.next()) else {
                    return CharInfo { flags: NORMAL, ..CharInfo::default() };
                };
                if c == 'Σ' {
                    return CharInfo { flags: NORMAL, ..CharInfo::default() };
                }
                let fold = match fold_table().get(l as usize) {
                    Some(&f) => f,
                    None => single_fold(l, &mut String::new()),
                };
                let kind = if is_word_char(l) {
                    WORD
                } else if is_passed_over(l) {
                    SKIP
                } else if joins_segment(l) {
                    JOINS
                } else {
                    0
                };
                CharInfo { lower: l, fold, flags: NORMAL | FAST | kind }
            })
            .collect()
    })
}
