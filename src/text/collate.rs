//! Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y,
//! letters compared first and tones (ngang, huyền, hỏi, ngã, sắc, nặng) only to break ties.

use unicode_normalization::UnicodeNormalization;

/// A sort key for `s`: comparing keys orders strings in Vietnamese dictionary order,
/// case-insensitively, with the original string as the caller's last tie breaker.
pub fn collation_key(s: &str) -> Vec<u32> {
    let lower = super::normalize(s).to_lowercase();
    let mut letters: Vec<u32> = Vec::with_capacity(lower.len() + 1);
    let mut tones: Vec<u32> = Vec::new();
    for c in lower.chars() {
        let mut base = 0u32;
        let mut quality = 0u32;
        let mut tone = 0u32;
        for d in c.to_string().nfd() {
            match d {
                '\u{0306}' => quality = 1, // breve: ă
                '\u{0302}' => quality = 2, // circumflex: â ê ô
                '\u{031B}' => quality = 3, // horn: ơ ư
                '\u{0300}' => tone = 1,    // huyền
                '\u{0309}' => tone = 2,    // hỏi
                '\u{0303}' => tone = 3,    // ngã
                '\u{0301}' => tone = 4,    // sắc
                '\u{0323}' => tone = 5,    // nặng
                'đ' => (base, quality) = ('d' as u32, 1),
                d if base == 0 => base = d as u32,
                _ => {}
            }
        }
        letters.push(base * 4 + quality);
        tones.push(tone);
    }
    letters.push(0);
    letters.extend(tones);
    letters
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(words: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        v.sort_by_key(|w| collation_key(w));
        v
    }

    #[test]
    fn alphabet_order() {
        assert_eq!(
            sorted(&["đ", "e", "d", "â", "ă", "b", "a", "ơ", "ô", "o", "ư", "u"]),
            ["a", "ă", "â", "b", "d", "đ", "e", "o", "ô", "ơ", "u", "ư"]
        );
    }

    #[test]
    fn tones_break_ties_only() {
        assert_eq!(
            sorted(&["má", "mạ", "mả", "ma", "mà", "mã", "mai"]),
            ["ma", "mà", "mả", "mã", "má", "mạ", "mai"]
        );
        assert_eq!(sorted(&["Đà Nẵng", "an ninh", "Bảo vệ"]), ["an ninh", "Bảo vệ", "Đà Nẵng"]);
    }
}
