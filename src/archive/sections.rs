//! Sections: the site's departments (Thời sự, Kinh tế…), configured in site.toml in the order
//! of the menu, each bulletin in at most one (`section:`), each with its bulletins newest first.

use super::*;

/// A section of the site and its bulletins.
#[derive(Debug, Clone)]
pub struct Section {
    pub name: String,
    pub slug: String,
    pub description: String,
    /// Archive positions, newest first.
    pub members: Vec<usize>,
}

/// The URL path of a section's page (`thoi-su/`).
pub fn section_url(slug: &str) -> String {
    section_url_parts(slug).concat()
}

/// [`section_url`] in its parts, for a caller that adds to it (a list's later pages).
pub fn section_url_parts(slug: &str) -> [&str; 2] {
    [slug, "/"]
}

/// The configured sections with their bulletins; a bulletin naming a section site.toml does
/// not have is an error at its `section:` line, with the nearest name.
pub(super) fn make_sections(
    config: &Config,
    entries: &mut [Entry],
    errors: &mut Vec<Diagnostic>,
) -> Vec<Section> {
    let mut sections: Vec<Section> = config
        .sections
        .iter()
        .map(|s| Section {
            name: s.name.clone(),
            slug: s.slug.clone(),
            description: s.description.clone(),
            members: Vec::new(),
        })
        .collect();
    let names: Vec<&str> = config.sections.iter().map(|s| s.name.as_str()).collect();
    for (i, e) in entries.iter_mut().enumerate() {
        let Some((written, (line, column))) = e.bulletin.section.as_deref() else { continue };
        match config.section_of(written) {
            Some(si) => {
                sections[si].members.push(i);
                e.section = u32::try_from(si).ok();
            }
            None => {
                let hint = if names.is_empty() {
                    "site.toml has no sections: add them as `[[sections]]` with `name = \"…\"`".to_string()
                } else {
                    let folded: Vec<String> = names.iter().map(|n| text::fold(n)).collect();
                    let folded_refs: Vec<&str> = folded.iter().map(String::as_str).collect();
                    match crate::diag::did_you_mean(&text::fold(written), &folded_refs)
                        .and_then(|f| folded.iter().position(|x| x == f))
                    {
                        Some(k) => format!("did you mean `{}`?", names[k]),
                        None => format!("the sections are: {}", names.join(", ")),
                    }
                };
                let mut d = Diagnostic::error(format!("unknown section `{written}`"))
                    .in_file(&e.bulletin.source)
                    .with_hint(hint);
                d.line = *line;
                d.column = *column;
                errors.push(d);
            }
        }
    }
    sections
}
