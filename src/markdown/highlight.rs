//! Code highlighting: syntect's classes for code blocks, and the stylesheet for them (light and
//! dark palettes checked for contrast).

use super::*;

/// The class prefix of highlighted code spans; the theme's `syntax.css` uses it.
pub const HIGHLIGHT_CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

pub(super) fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Highlights a code block; an unknown language is shown as plain, escaped text. The
/// language name reaches the class attribute only if it is a plain identifier.
pub(super) fn highlight(code: &str, lang: &str) -> String {
    let lang_ok = !lang.is_empty()
        && lang.len() <= 32
        && lang.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-' | b'#'));
    let set = syntaxes();
    let syntax = if lang_ok { set.find_syntax_by_token(lang) } else { None };
    let class = if lang_ok { format!(" class=\"language-{lang}\"") } else { String::new() };
    let body = syntax
        .and_then(|syntax| {
            let mut generator =
                ClassedHTMLGenerator::new_with_class_style(syntax, set, HIGHLIGHT_CLASS_STYLE);
            for line in LinesWithEndings::from(code) {
                generator.parse_html_for_line_which_includes_newline(line).ok()?;
            }
            Some(generator.finalize())
        })
        .unwrap_or_else(|| {
            let mut s = String::new();
            // Writing into a String cannot fail.
            let _ = pulldown_cmark_escape::escape_html_body_text(&mut s, code);
            s
        });
    // Focusable, so keyboard users can scroll long lines.
    format!("<pre class=\"hl\" tabindex=\"0\"><code{class}>{body}</code></pre>\n")
}

/// The highlighting palette: a scope class and its colour on the theme's code background in
/// the light and the dark scheme. Spans carry one class per scope part
/// (`comment.line.rust` → `hl-comment hl-line hl-rust`), so these few cover every language.
pub(super) const PALETTE: &[(&str, &str, &str)] = &[
    ("comment", "#615a52", "#aaa49a"),
    ("string", "#1d6b34", "#a5d6a7"),
    ("constant", "#8a3b00", "#f5b27a"),
    ("keyword", "#a3121b", "#ff9e94"),
    ("storage", "#6a2fa0", "#d1b3f7"),
    ("entity", "#0b5394", "#9cc2ff"),
    ("support", "#0b5394", "#9cc2ff"),
    ("variable.parameter", "#5c4b00", "#e6d27a"),
    ("markup.heading", "#a3121b", "#ff9e94"),
];

/// The stylesheet for highlighted code, light and dark; the default theme ships it as
/// `static/syntax.css`.
pub fn syntax_css() -> Result<String, String> {
    let rules = |dark: bool| -> String {
        PALETTE
            .iter()
            .map(|(scope, light, night)| {
                let class: String = scope.split('.').map(|p| format!(".hl-{p}")).collect();
                format!("{class}{{color:{}}}", if dark { night } else { light })
            })
            .collect()
    };
    Ok(format!(
        "/* Code highlighting for bantin's default theme (src/markdown.rs PALETTE; every colour meets WCAG AA on the code background). Regenerate: BANTIN_BLESS=1 cargo test syntax_css */\n{}.hl-invalid{{text-decoration:underline wavy}}\n@media (prefers-color-scheme: dark){{{}}}\n",
        rules(false),
        rules(true)
    ))
}

/// The WCAG contrast ratio of two colours.
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let luminance = |(r, g, b): (u8, u8, u8)| {
        let f = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[cfg(test)]
mod syntax_css_tests {
    /// The shipped stylesheet matches the highlighter's classes.
    #[test]
    pub(super) fn syntax_css_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/static/syntax.css");
        let css = super::syntax_css().expect("syntect themes");
        if std::env::var_os("BANTIN_BLESS").is_some() {
            std::fs::write(path, &css).expect("write syntax.css");
        }
        let shipped = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            shipped == css,
            "themes/default/static/syntax.css is stale; run BANTIN_BLESS=1 cargo test syntax_css"
        );
    }

    /// Every colour in it reads at WCAG AA on the theme's code background.
    #[test]
    pub(super) fn syntax_colours_meet_aa() {
        let css = super::syntax_css().expect("syntect themes");
        let (light, dark) = css.split_once("@media (prefers-color-scheme: dark)").expect("two schemes");
        for (part, bg) in [(light, (0xf1, 0xed, 0xe6)), (dark, (0x2a, 0x28, 0x25))] {
            for hex in part.split("color:#").skip(1).map(|r| &r[..6]) {
                let v = u32::from_str_radix(hex, 16).expect("hex");
                let c = ((v >> 16) as u8, (v >> 8) as u8, v as u8);
                assert!(super::contrast(c, bg) >= 4.5, "#{hex}");
            }
            assert!(!part.contains("background-color"));
        }
    }
}
