//! Themes: the default theme embedded in the binary, and a site's own `themes/<name>/`,
//! whose files override the embedded ones of the same path.

use std::collections::BTreeMap;
use std::path::Path;

use include_dir::{Dir, include_dir};
use walkdir::WalkDir;

use crate::diag::Diagnostic;

/// The default theme, as shipped in `themes/default/`.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The files of the theme in effect, by path relative to the theme folder.
#[derive(Debug, Default)]
pub struct Theme {
    pub files: BTreeMap<String, Vec<u8>>,
    /// Where each overriding file came from (for messages), by the same key.
    pub origins: BTreeMap<String, String>,
}

impl Theme {
    /// The embedded default theme, overlaid with `site_root/themes/<name>/` when it exists.
    pub fn load(site_root: &Path, name: &str) -> Result<Theme, Diagnostic> {
        let mut theme = Theme::default();
        collect_embedded(&DEFAULT_THEME, &mut theme);
        let dir = site_root.join("themes").join(name);
        if !dir.is_dir() {
            if name == "default" {
                return Ok(theme);
            }
            return Err(Diagnostic::error(format!("the theme `{name}` does not exist"))
                .in_file("site.toml")
                .with_hint(format!("create themes/{name}/ or set `theme = \"default\"`")));
        }
        for entry in WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
            let entry = entry.map_err(|e| Diagnostic::error(format!("cannot read the theme: {e}")))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
            let key = slash_path(rel);
            let bytes = std::fs::read(entry.path())
                .map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", entry.path().display())))?;
            theme.origins.insert(key.clone(), format!("themes/{name}/{key}"));
            theme.files.insert(key, bytes);
        }
        Ok(theme)
    }

    /// Files under a folder of the theme (`templates/`, `static/`), keyed by the rest of
    /// their path.
    pub fn under<'a>(&'a self, folder: &'a str) -> impl Iterator<Item = (&'a str, &'a [u8])> + 'a {
        self.files.iter().filter_map(move |(k, v)| {
            k.strip_prefix(folder).and_then(|r| r.strip_prefix('/')).map(|r| (r, v.as_slice()))
        })
    }

    /// Where a theme file came from, for diagnostics.
    pub fn origin(&self, key: &str) -> String {
        self.origins.get(key).cloned().unwrap_or_else(|| format!("themes/default/{key} (embedded)"))
    }
}

/// A relative path as a `/`-separated key, whatever the platform's separator.
pub fn slash_path(rel: &Path) -> String {
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn collect_embedded(dir: &Dir<'static>, theme: &mut Theme) {
    for file in dir.files() {
        let key = file.path().to_string_lossy().replace('\\', "/");
        theme.files.insert(key, file.contents().to_vec());
    }
    for sub in dir.dirs() {
        collect_embedded(sub, theme);
    }
}
