//! Where a syllable's tone mark goes. Two conventions are in use, often in one newsroom: the
//! mark on the first vowel of `oa`, `oe` and `uy` when nothing follows them ("hòa", "khỏe",
//! "thủy"), or on the second ("hoà", "khoẻ", "thuỷ"). They are one word; names (tags,
//! authors) are grouped by one placement (the second vowel's, the more common in news text),
//! and the search client reads a word typed either way as one spelling.

use unicode_normalization::UnicodeNormalization;

/// The five tone marks, as combining characters.
const TONES: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];

/// Letters that are vowels once their marks other than the tone are taken off.
fn is_vowel(base: char) -> bool {
    matches!(base, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư')
}

/// `text` (lower-case NFC) with the tone mark of each syllable whose vowels are `oa`, `oe` or
/// `uy` with nothing after them on the second vowel: "hòa bình" → "hoà bình". Every other
/// syllable is left as it is.
pub fn tone_on_second_vowel(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphabetic() || diacritic(c) {
            word.push(c);
        } else {
            place(&word, &mut out);
            word.clear();
            out.push(c);
        }
    }
    place(&word, &mut out);
    out
}

/// Appends `word`, its tone moved to the second vowel when it is one of those syllables.
fn place(word: &str, out: &mut String) {
    if !may_move(word) {
        out.push_str(word);
        return;
    }
    let marks: Vec<char> = word.nfd().filter(|c| TONES.contains(c)).collect();
    let [tone] = marks[..] else {
        out.push_str(word);
        return;
    };
    // The word's letters without the tone, composed (so "ư" is one letter).
    let letters: Vec<char> = word.nfd().filter(|c| !TONES.contains(c)).nfc().collect();
    let vowels = letters.iter().position(|&c| is_vowel(c)).unwrap_or(letters.len());
    let rest: String = letters[vowels..].iter().collect();
    if !matches!(rest.as_str(), "oa" | "oe" | "uy") {
        out.push_str(word);
        return;
    }
    let placed: String = letters.iter().copied().chain(std::iter::once(tone)).collect();
    out.extend(placed.nfc());
}

/// Whether `c` is a combining diacritical mark (a tone mark, or another written apart).
fn diacritic(c: char) -> bool {
    ('\u{0300}'..='\u{036f}').contains(&c)
}

/// Whether `word` may be one of those syllables: it ends with `a`, `e` or `y` (any tone)
/// after `o` or `u` (any tone), or holds a combining mark (it is then looked at whole). Most
/// words are not, and are let through without being decomposed.
fn may_move(word: &str) -> bool {
    let mut back = word.chars().rev();
    let (Some(last), Some(before)) = (back.next(), back.next()) else { return false };
    let second = "aàáảãạeèéẻẽẹyỳýỷỹỵ";
    let first = "oòóỏõọuùúủũụ";
    (second.contains(last) && first.contains(before)) || word.chars().any(diacritic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tone_of_oa_oe_uy_goes_on_the_second_vowel_and_no_other_moves() {
        for (a, b) in [("hòa", "hoà"), ("khỏe", "khoẻ"), ("thủy", "thuỷ"), ("thùy linh", "thuỳ linh")]
        {
            assert_eq!(tone_on_second_vowel(a), b);
            assert_eq!(tone_on_second_vowel(b), b);
        }
        // Decomposed, the same.
        assert_eq!(tone_on_second_vowel("ho\u{0300}a"), "hoà");
        // A final consonant or vowel decides the place in both conventions; other vowels, and
        // "qu" (whose "u" is the consonant's), are left as written.
        for same in ["hoàng", "ngoài", "người", "quý", "quỳnh", "nguyễn", "hà nội", "hoa", "thuở"]
        {
            assert_eq!(tone_on_second_vowel(same), same, "{same}");
        }
        assert_eq!(tone_on_second_vowel("tỉnh hòa bình, thủy điện"), "tỉnh hoà bình, thuỷ điện");
    }

    #[test]
    fn a_word_passed_over_unlooked_at_is_never_one_that_moves() {
        let tones = ["", "\u{0300}", "\u{0301}", "\u{0303}", "\u{0309}", "\u{0323}"];
        let mut moved = 0;
        for initial in ["", "h", "kh", "th", "qu", "ng", "đ"] {
            for rime in ["oa", "oe", "uy", "ua", "uê", "ia", "ai", "oi", "ay", "ue", "uya", "oan", "a", "y"]
            {
                // The tone after each of the rime's letters, composed and decomposed.
                for at in 1..=rime.chars().count() {
                    for tone in tones {
                        let (head, tail): (String, String) =
                            (rime.chars().take(at).collect(), rime.chars().skip(at).collect());
                        let decomposed = format!("{initial}{head}{tone}{tail}");
                        let composed: String = decomposed.nfc().collect();
                        for word in [composed, decomposed] {
                            let mut out = String::new();
                            place(&word, &mut out);
                            if out != word {
                                moved += 1;
                                assert!(may_move(&word), "{word:?} → {out:?}");
                            }
                        }
                    }
                }
            }
        }
        assert!(moved > 0);
    }
}
