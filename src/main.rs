//! The `bantin` command line: parses arguments and calls one command.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use bantin::cmd::build::{self, BuildArgs, Verbosity};
use bantin::cmd::{check, import, init, new, serve};

/// Building an archive allocates millions of small strings; mimalloc does that faster than the
/// system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// bantin: publish news bulletins as a fast, searchable static archive.
#[derive(Parser, Debug)]
#[command(name = "bantin", version, about)]
struct Cli {
    /// The site root (the folder with site.toml and content/).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more detail.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the site into the output directory (default: public/).
    Build {
        /// Output directory (default: `output_dir` from site.toml, `public`).
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// Include bulletins marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Include bulletins dated in the future.
        #[arg(long)]
        future: bool,
        /// Print the time spent in each stage of the build.
        #[arg(long)]
        timings: bool,
        /// Ignore the build cache (`.bantin/`): parse, render and write everything.
        #[arg(long)]
        clean: bool,
        /// Memory to build within, e.g. 2G or 1536M (default: a quarter of the machine's, or of
        /// the container's limit). Bulletin bodies, and the search index's runs (its terms
        /// collected from a share of the bulletins), go to files in .bantin/ rather than memory
        /// when holding them would take half of it; the site is the same either way.
        #[arg(long, value_name = "SIZE", value_parser = bantin::build::parse_size)]
        max_memory: Option<u64>,
    },
    /// Report every problem build would, and more, without writing anything.
    Check {
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Preview the site at http://127.0.0.1:1111/, rebuilding and reloading on every change.
    Serve {
        /// Port to listen on (0: any free port, printed at start).
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on (anything but loopback is reachable from other machines).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
    },
    /// Create a new site in DIR (default: the current directory).
    Init {
        dir: Option<PathBuf>,
        /// Add to a non-empty directory (existing files are kept).
        #[arg(long)]
        force: bool,
        /// Copy the default theme into themes/default/ for editing.
        #[arg(long)]
        theme: bool,
    },
    /// Write a new bulletin dated now: content/YYYY/MM/<slug>.md.
    New {
        /// The bulletin's title.
        title: String,
        /// Author (repeat for several; default: `default_author` in site.toml).
        #[arg(long = "author", short = 'a')]
        authors: Vec<String>,
        /// Tag (repeat for several).
        #[arg(long = "tag", short = 't')]
        tags: Vec<String>,
        /// Mark it as a draft.
        #[arg(long)]
        draft: bool,
    },
    /// Import bulletins: seed-style .txt, JSON Lines (.jsonl, .jsonl.gz), a WordPress export (.xml), Hugo/Zola/Jekyll .md.
    Import {
        /// Files or folders to import.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Date for records without one (2020-01 or 2020-01-06); otherwise they are skipped.
        #[arg(long)]
        default_date: Option<String>,
    },
    /// Print shell completions (bash, zsh, fish, elvish, powershell) or the man page (man).
    Completions {
        /// bash, zsh, fish, elvish, powershell, or man
        shell: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let verbosity = if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    let code = match cli.command {
        Command::Build { out, drafts, future, timings, clean, max_memory } => build::run(&BuildArgs {
            root: cli.root,
            out,
            drafts,
            future,
            verbosity,
            timings,
            clean,
            max_memory,
        }),
        Command::Init { dir, force, theme } => {
            init::run(&init::InitArgs { dir: dir.unwrap_or(cli.root), force, theme })
        }
        Command::New { title, authors, tags, draft } => {
            new::run(&new::NewArgs { root: cli.root, title, authors, tags, draft })
        }
        Command::Import { paths, default_date } => import::run(&import::ImportArgs {
            root: cli.root,
            paths,
            default_date,
            verbose: verbosity == Verbosity::Verbose,
        }),
        Command::Serve { port, bind, drafts } => {
            serve::run(&serve::ServeArgs { root: cli.root, bind, port, drafts })
        }
        Command::Check { strict } => check::run(&check::CheckArgs { root: cli.root, strict }),
        Command::Completions { shell } => completions(&shell),
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

fn completions(shell: &str) -> i32 {
    let mut cmd = Cli::command();
    if shell == "man" {
        return match clap_mangen::Man::new(cmd).render(&mut std::io::stdout()) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: cannot write the man page: {e}");
                1
            }
        };
    }
    match shell.parse::<clap_complete::Shell>() {
        Ok(sh) => {
            // Generated into memory first: clap_complete panics if stdout closes early.
            let mut script = Vec::new();
            clap_complete::generate(sh, &mut cmd, "bantin", &mut script);
            match std::io::Write::write_all(&mut std::io::stdout(), &script) {
                Ok(()) => 0,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
                Err(e) => {
                    eprintln!("error: cannot write the completions: {e}");
                    1
                }
            }
        }
        Err(_) => {
            eprintln!(
                "error: unknown shell `{shell}`\n  = help: use bash, zsh, fish, elvish, powershell or man"
            );
            2
        }
    }
}
