//! The `bantin` command line: parses arguments and calls one command.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use bantin::cmd::build::{self, BuildArgs, Verbosity};

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
        Command::Build { out, drafts, future, timings } => {
            build::run(&BuildArgs { root: cli.root, out, drafts, future, verbosity, timings })
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
