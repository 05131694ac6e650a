//! `bantin init [DIR]`: a new site with a commented site.toml and one example bulletin; the
//! default theme stays embedded unless `--theme` copies it out for editing.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::render::DEFAULT_THEME;

const SITE_TOML: &str = include_str!("init/site.toml");
const EXAMPLE: &str = include_str!("init/example.md");
const GITIGNORE: &str = "/public\n/.bantin\n/.public.bantin-*\n";

/// Arguments of `bantin init`.
#[derive(Debug, Clone)]
pub struct InitArgs {
    pub dir: PathBuf,
    pub force: bool,
    pub theme: bool,
}

/// Creates the site; returns the exit code.
pub fn run(args: &InitArgs) -> i32 {
    match init(args) {
        Ok(written) => {
            for p in &written {
                println!("  created {}", p.display());
            }
            println!(
                "New site in {}. Next: cd {} && bantin new \"Tiêu đề\" && bantin serve",
                args.dir.display(),
                args.dir.display()
            );
            0
        }
        Err(d) => {
            eprintln!("{d}");
            1
        }
    }
}

fn init(args: &InitArgs) -> Result<Vec<PathBuf>, Diagnostic> {
    let dir = &args.dir;
    let non_empty = std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(false);
    if non_empty && !args.force {
        return Err(Diagnostic::error(format!("{} is not empty", dir.display())).with_hint(
            "choose an empty or new directory, or pass --force to add a site without overwriting anything",
        ));
    }
    let today = jiff::ZonedDateTime::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").unwrap_or(jiff::tz::TimeZone::UTC));
    let example_path = format!("content/{}/bat-dau.md", today.strftime("%Y/%m"));
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("site.toml".into(), SITE_TOML.as_bytes().to_vec()),
        (example_path, EXAMPLE.replace("{date}", &today.strftime("%Y-%m-%d").to_string()).into_bytes()),
        (".gitignore".into(), GITIGNORE.as_bytes().to_vec()),
    ];
    if args.theme {
        collect_theme(&DEFAULT_THEME, &mut files);
    }
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        if path.exists() {
            eprintln!("  kept {} (it already exists)", path.display());
            continue;
        }
        write(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

fn collect_theme(dir: &include_dir::Dir<'static>, files: &mut Vec<(String, Vec<u8>)>) {
    for f in dir.files() {
        files.push((format!("themes/default/{}", f.path().to_string_lossy()), f.contents().to_vec()));
    }
    for d in dir.dirs() {
        collect_theme(d, files);
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, bytes)
        .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", path.display())))
}
