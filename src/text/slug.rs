//! URL slugs. Bulletin slugs are the folded title ("Đà Nẵng: mưa lớn" → `da-nang-mua-lon`).
//!
//! Tag and author slugs must never merge two distinct names ("năm"/"nam", "chợ"/"cho") and
//! must depend on the name's own spelling only. The scheme: a name whose key is plain ASCII
//! words (`[a-z0-9]` separated by single spaces) gets its words joined by `-`
//! ("covid 19" → `covid-19`). Any other name gets its folded slug, a double hyphen, and seven
//! base-32 characters of a fixed 64-bit FNV-1a hash of its key ("năm" → `nam--…`). Plain slugs
//! never contain `--`, so the two families cannot meet; a hash collision between two names is
//! detected at build time and reported.

/// Longest slug taken from a title, in bytes (cut at a hyphen).
const MAX_SLUG_LEN: usize = 80;

/// Folds `s` and keeps ASCII letters and digits, joining runs of anything else with one `-`.
/// The result never contains `/`, `.`, `\` or `--`, and is at most 80 bytes long.
pub fn slugify(s: &str) -> String {
    let folded = super::fold(s);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.len() > MAX_SLUG_LEN {
        let cut = out[..MAX_SLUG_LEN].rfind('-').unwrap_or(MAX_SLUG_LEN);
        out.truncate(cut);
    }
    if is_windows_reserved(&out) {
        // "con" (a common Vietnamese word) is a device name on Windows: keep it off disk.
        let hash = base32(fnv1a64(out.as_bytes()));
        out = format!("{out}--{hash}");
    }
    out
}

/// Whether `name` can be a file or folder's name on every system a site is published from
/// or to: at most 255 bytes, no colon, not a name Windows reserves. What the output refuses
/// ([`crate::output::safe_join`]) and what an alias is checked against before it gets there.
pub fn is_portable_name(name: &str) -> bool {
    name.len() <= 255 && !name.contains(':') && !is_windows_reserved(name)
}

/// Names Windows reserves for devices (`CON`, `NUL`, `COM1`…), with or without extension,
/// which no file of a portable site may have.
pub fn is_windows_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit())
}

/// The slug of a tag or author name key (see [`super::name_key`]); see the module doc.
pub fn term_slug(key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .split(' ')
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    if plain && key.len() <= MAX_SLUG_LEN && !is_windows_reserved(key) {
        return key.replace(' ', "-");
    }
    let mut base = slugify(key);
    if base.is_empty() {
        base.push('t');
    }
    format!("{base}--{}", base32(fnv1a64(key.as_bytes())))
}

/// 64-bit FNV-1a: a fixed, documented hash, so that slugs and file names derived from it stay
/// the same across versions and machines.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Seven lower-case base-32 characters (35 bits) of `h`.
fn base32(mut h: u64) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut s = String::with_capacity(7);
    for _ in 0..7 {
        s.push(char::from(ALPHABET[(h & 31) as usize]));
        h >>= 5;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::name_key;

    #[test]
    fn title_slugs() {
        assert_eq!(slugify("Đà Nẵng: mưa lớn"), "da-nang-mua-lon");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("a\\..\\b"), "a-b");
        assert_eq!(slugify("%2e%2e/x"), "2e-2e-x");
        assert_eq!(slugify("!!!"), "");
        let long = slugify(&"Tin tức ".repeat(100));
        assert!(long.len() <= 80 && !long.ends_with('-'));
    }

    #[test]
    fn term_slugs_never_merge_distinct_words() {
        let pairs = [("năm", "nam"), ("đầu", "dầu"), ("chợ", "cho"), ("an ninh", "an-ninh")];
        for (a, b) in pairs {
            assert_ne!(term_slug(&name_key(a)), term_slug(&name_key(b)), "{a} vs {b}");
        }
        assert_eq!(term_slug(&name_key("COVID 19")), "covid-19");
        assert!(term_slug(&name_key("năm")).starts_with("nam--"));
        assert_eq!(term_slug(&name_key("Năm")), term_slug(&name_key("na\u{0306}m")));
        assert!(term_slug(&name_key("日本")).starts_with("t--"));
        assert!(term_slug("con").starts_with("con--"));
        assert!(term_slug("nul").starts_with("nul--"));
        assert_eq!(term_slug("con heo"), "con-heo");
    }

    #[test]
    fn reserved_device_names_never_become_slugs() {
        for title in ["Con", "NUL", "com1", "Aux"] {
            let s = slugify(title);
            assert!(!is_windows_reserved(&s) && s.contains("--"), "{title} → {s}");
        }
        assert_eq!(slugify("Con mèo"), "con-meo");
    }
}
