//! Normalisation (NFC, Ð→Đ) and folding (marks stripped, đ→d, lower case).

use super::chars::{NORMAL, char_table, fold_char, fold_table};
use unicode_normalization::UnicodeNormalization;

/// Normalises text on its way into bantin: control characters other than tab and line
/// breaks dropped, Unicode NFC, and the Icelandic eth (U+00D0 "Ð",
/// U+00F0 "ð"), which Vietnamese keyboards and old fonts put where "Đ"/"đ" (U+0110/U+0111)
/// belong, replaced in Vietnamese words. A word counts as Vietnamese here unless it is made
/// of Icelandic/Faroese letters (þ, æ, ö…), so "Ðà Nẵng" becomes "Đà Nẵng" while "Ðórr" keeps
/// its eth.
pub fn normalize(s: &str) -> String {
    if is_normal(s) { s.to_owned() } else { normalize_slow(s) }
}

/// [`normalize`] without the shortcut for text that is already normal.
fn normalize_slow(s: &str) -> String {
    // Control characters (other than tab and line breaks) are never text; XML forbids most.
    let cleaned;
    let s = if s.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        cleaned =
            s.chars().filter(|&c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')).collect::<String>();
        cleaned.as_str()
    } else {
        s
    };
    let nfc: String = match unicode_normalization::is_nfc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => s.to_owned(),
        _ => s.nfc().collect(),
    };
    if !nfc.contains(['\u{00D0}', '\u{00F0}']) {
        return nfc;
    }
    let mut out = String::with_capacity(nfc.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.chars().any(is_nordic_only) {
            out.push_str(word);
        } else {
            out.extend(word.chars().map(|c| match c {
                '\u{00D0}' => '\u{0110}',
                '\u{00F0}' => '\u{0111}',
                c => c,
            }));
        }
        word.clear();
    };
    for c in nfc.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// True when [`normalize`] would return `s` unchanged, as for nearly all text: checked in one
/// pass through a table.
fn is_normal(s: &str) -> bool {
    let table = char_table();
    s.chars().all(|c| {
        if c.is_ascii() {
            !c.is_ascii_control() || matches!(c, '\t' | '\n' | '\r')
        } else {
            table.get(c as usize).is_some_and(|i| i.flags & NORMAL != 0)
        }
    })
}

/// Letters that occur in Icelandic or Faroese but never in Vietnamese.
fn is_nordic_only(c: char) -> bool {
    matches!(c, 'þ' | 'Þ' | 'æ' | 'Æ' | 'ø' | 'Ø' | 'å' | 'Å' | 'ö' | 'Ö' | 'ä' | 'Ä')
}

/// The folded form used for slugs and accent-insensitive matching: normalised, lower-cased,
/// every combining mark removed, and đ mapped to d. "Đà Nẵng" → "da nang".
pub fn fold(s: &str) -> String {
    fold_normalized(&normalize(s))
}

/// [`fold`] for text already passed through [`normalize`].
pub fn fold_normalized(normal: &str) -> String {
    let table = fold_table();
    let mut out = String::with_capacity(normal.len());
    for c in normal.chars() {
        match table.get(c as usize) {
            Some(&f) if f != '\0' => out.push(f),
            _ => fold_char(c, &mut out),
        }
    }
    out
}

/// Whether a folded word is a syllable spelled with a final `i` or `y` alike: an initial among
/// h, k, l, m, s, t and qu, and that one vowel ("lý"/"lí", "kỹ"/"kĩ", "tỷ"/"tỉ", "quý"/"quí",
/// "hy"/"hi": both are in print, often in one newsroom). Its search key ends in `i`
/// ([`search_key`]); the `y` of "tay", "huy" or "thuy" is another vowel's, and stays.
pub fn ends_in_i_or_y(folded: &[u8]) -> bool {
    matches!(folded, [b'h' | b'k' | b'l' | b'm' | b's' | b't', b'y'] | [b'q', b'u', b'y'])
}

/// The search index's key of a folded term (a word, a pair "a b", or a title-only "^a"): each
/// word that [`ends_in_i_or_y`] with `i`, so that both spellings are one term.
pub fn search_key(folded: &str) -> std::borrow::Cow<'_, str> {
    let words = |s: &str| s.split(' ').any(|w| ends_in_i_or_y(w.strip_prefix('^').unwrap_or(w).as_bytes()));
    if !words(folded) {
        return std::borrow::Cow::Borrowed(folded);
    }
    let keyed: Vec<String> = folded
        .split(' ')
        .map(|w| {
            let bare = w.strip_prefix('^').unwrap_or(w);
            if ends_in_i_or_y(bare.as_bytes()) { format!("{}i", &w[..w.len() - 1]) } else { w.to_string() }
        })
        .collect();
    std::borrow::Cow::Owned(keyed.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::char::is_combining_mark;

    #[test]
    fn a_syllable_written_with_i_or_y_alike_is_keyed_with_i_and_no_other_y_is() {
        for (folded, key) in [
            ("ly", "li"),
            ("quy", "qui"),
            ("xu ly", "xu li"),
            ("^ky", "^ki"),
            ("ty dong", "ti dong"),
            ("tay", "tay"),
            ("huy", "huy"),
            ("thuy", "thuy"),
            ("vy", "vy"),
            ("yen", "yen"),
            ("myanmar", "myanmar"),
            ("ly ky", "li ki"),
        ] {
            assert_eq!(search_key(folded), key, "{folded}");
        }
    }

    #[test]
    fn eth_becomes_dyet_in_vietnamese_words() {
        assert_eq!(normalize("Ðà Nẵng, ðường"), "Đà Nẵng, đường");
        assert_eq!(normalize("HÐND tỉnh"), "HĐND tỉnh");
        assert_eq!(normalize("Guðrún Þórðardóttir"), "Guðrún Þórðardóttir".replace("Guðrún", "Guđrún"));
        assert_eq!(normalize("Þórðar"), "Þórðar");
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(normalize("a\u{1}b\u{8}\u{7f}c\td\ne\u{85}"), "abc\td\ne");
    }

    #[test]
    fn the_shortcut_changes_nothing() {
        let alphabet: Vec<char> =
            "aăâđêôơưAĐÐðàáảãạềếệỹΣİ \n\t\r,.“”…–—\u{2000}\u{2001}\u{2126}\u{212B}\u{300}\u{301}\u{323}\u{1}\u{7f}\u{85}ǅ한"
                .chars()
                .collect();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            let len = (state % 24) as usize;
            let text: String = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            assert_eq!(normalize(&text), normalize_slow(&text), "{text:?}");
            state = state.wrapping_add(1);
        }
    }

    #[test]
    fn normalize_composes() {
        let decomposed = "Ha\u{0300} No\u{0302}\u{0323}i";
        assert_eq!(normalize(decomposed), "Hà Nội");
        assert_eq!(normalize(decomposed).chars().count(), 6);
    }

    #[test]
    fn folding_a_character_is_folding_its_nfd() {
        // The definition, through the whole NFD machinery (decomposition and reordering).
        let reference = |c: char| {
            let mut out = String::new();
            for c in std::iter::once(c).nfd().filter(|&c| !is_combining_mark(c)) {
                match c {
                    'đ' | 'Đ' => out.push('d'),
                    c => out.extend(c.to_lowercase()),
                }
            }
            out
        };
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut folded = String::new();
            fold_char(c, &mut folded);
            assert_eq!(folded, reference(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn fold_strips_marks_and_dyet() {
        assert_eq!(fold("Đà Nẵng"), "da nang");
        assert_eq!(fold("Ðà Nẵng"), "da nang");
        assert_eq!(fold("TRƯỜNG Đại học"), "truong dai hoc");
        assert_eq!(fold("Ha\u{0300} No\u{0302}\u{0323}i"), "ha noi");
    }
}
