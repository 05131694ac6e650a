//! Vietnamese text, once and for all: the normaliser every string passes on the way in, the
//! folded form used for slugs and matching, URL-safe names for tags and authors, and the
//! Vietnamese alphabetical collation used to order lists.

mod chars;
mod collate;
pub mod escape;
mod fold;
mod slug;
mod tokenize;
mod tone;
pub mod utf8;

pub use collate::collation_key;
pub use fold::{fold, fold_normalized, normalize, search_key};
pub use slug::{fnv1a64, is_portable_name, is_windows_reserved, slugify, term_slug};
pub use tokenize::{MAX_TOKEN_CHARS, Token, Tokens, tokenize};
pub use tone::tone_on_second_vowel;

/// The key under which names (tags, authors) are considered the same: normalised and
/// lower-cased, with runs of white space collapsed and tone marks placed one way
/// ([`tone_on_second_vowel`]). "An ninh", "an  ninh" and a decomposed "an ninh" share one
/// key, as do "Thủy điện" and "Thuỷ điện"; "năm" and "nam" do not.
pub fn name_key(name: &str) -> String {
    let lower = normalize(&without_invisible(name)).to_lowercase();
    tone_on_second_vowel(&lower.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Tag or author names as written in front matter: normalised, on one line, empty ones
/// dropped, and later spellings of a name already listed (same [`name_key`]) dropped.
pub fn clean_names(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for n in names {
        let n = single_line(&normalize(&without_invisible(n)));
        let key = name_key(&n);
        if !n.is_empty() && !keys.contains(&key) {
            out.push(n);
            keys.push(key);
        }
    }
    out
}

/// `s` without its invisible characters ([`chars::is_invisible`]), borrowed when it has none:
/// in names, the zero-width space too ("Thời sự" with one after it would be another tag).
fn without_invisible(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(chars::is_invisible) {
        s.chars().filter(|&c| !chars::is_invisible(c)).collect::<String>().into()
    } else {
        s.into()
    }
}

/// Collapses white space and trims: titles, tags and authors are single-line strings.
pub fn single_line(s: &str) -> String {
    let mut line = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_key_merges_case_spacing_and_normal_forms() {
        let decomposed = "an ni\u{0300}nh";
        assert_eq!(name_key("An  Ninh"), "an ninh");
        assert_eq!(name_key("Ha\u{0300} Nô\u{0323}i"), name_key("Hà Nội"));
        assert_ne!(name_key("năm"), name_key("nam"));
        assert_eq!(name_key(decomposed), "an nình");
        assert_eq!(name_key("Thủy  Điện"), name_key("thuỷ điện"));
        assert_ne!(name_key("Thùy"), name_key("thủy"));
    }

    #[test]
    fn names_lose_the_characters_that_show_nothing() {
        // A zero-width space after a tag, a byte order mark before an author, a soft hyphen
        // and a zero-width joiner inside a word, a direction mark: each pasted unseen.
        let pasted = [
            "Thời sự\u{200B}",
            "\u{FEFF}Thời sự",
            "Thời s\u{00AD}ự",
            "Th\u{200D}ời sự",
            "\u{200E}Thời  sự\u{2060}",
        ];
        for name in pasted {
            assert_eq!(name_key(name), name_key("Thời sự"), "{name:?}");
            assert_eq!(clean_names(&[name.to_string()]), ["Thời sự"], "{name:?}");
        }
        assert_eq!(
            clean_names(&["Thời sự".into(), "Thời sự\u{200B}".into(), "Kinh tế".into()]),
            ["Thời sự", "Kinh tế"]
        );
        // A name of nothing but such characters is no name.
        assert!(clean_names(&["\u{200B}\u{FEFF}".into()]).is_empty());
    }
}
