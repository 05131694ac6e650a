//! `bantin new "Tiêu đề"`: writes `content/YYYY/MM/<slug>.md` dated now in the site's time
//! zone, and prints its path. Never overwrites.

use std::path::PathBuf;

use crate::config::Config;
use crate::content::NewBulletin;
use crate::diag::Diagnostic;
use crate::text;

/// Arguments of `bantin new`.
#[derive(Debug, Clone)]
pub struct NewArgs {
    pub root: PathBuf,
    pub title: String,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub draft: bool,
}

/// Writes the bulletin; returns the exit code.
pub fn run(args: &NewArgs) -> i32 {
    match new(args) {
        Ok(path) => {
            println!("{}", path.display());
            0
        }
        Err(diags) => {
            for d in diags {
                eprintln!("{d}");
            }
            1
        }
    }
}

fn new(args: &NewArgs) -> Result<PathBuf, Vec<Diagnostic>> {
    let config = Config::load(&args.root)?;
    let title = text::single_line(&text::normalize(&args.title));
    let slug = text::slugify(&title);
    if slug.is_empty() {
        return Err(vec![
            Diagnostic::error("the title has no letters or digits to make a file name from")
                .with_hint("give the bulletin a title with words in it"),
        ]);
    }
    let tz = config.zone().map_err(|d| vec![d])?;
    let now = jiff::ZonedDateTime::now().with_time_zone(tz);
    let rel = PathBuf::from(format!("content/{}/{slug}.md", now.strftime("%Y/%m")));
    let path = args.root.join(&rel);
    if path.exists() {
        return Err(vec![
            Diagnostic::error(format!("{} already exists", rel.display()))
                .with_hint("edit that file, or choose a different title"),
        ]);
    }
    let mut authors: Vec<String> =
        args.authors.iter().map(|a| text::single_line(&text::normalize(a))).collect();
    if authors.is_empty() && !config.default_author.trim().is_empty() {
        authors.push(config.default_author.trim().to_string());
    }
    let mut bulletin =
        NewBulletin::new(title, now.strftime("%Y-%m-%d %H:%M").to_string()).with_authors(authors);
    bulletin.tags = args.tags.iter().map(|t| text::single_line(&text::normalize(t))).collect();
    bulletin.draft = args.draft;
    let file = bulletin.to_file(crate::content::PLACEHOLDER_BODY).map_err(|e| vec![Diagnostic::error(e)])?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| vec![Diagnostic::error(format!("cannot create {}: {e}", parent.display()))])?;
    }
    // `create_new` makes "never overwrite" hold even against a file appearing meanwhile.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| vec![Diagnostic::error(format!("cannot create {}: {e}", rel.display()))])?;
    std::io::Write::write_all(&mut f, file.as_bytes())
        .map_err(|e| vec![Diagnostic::error(format!("cannot write {}: {e}", rel.display()))])?;
    Ok(rel)
}
