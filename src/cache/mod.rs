//! The build cache: what the last build saw and wrote, kept under `.bantin/` in the site
//! root, so the next build reparses only the bulletins whose files changed, re-renders only
//! the pages whose inputs changed and writes only the files whose bytes changed.
//!
//! The cache is a few files per profile (`build`, or `serve` for the preview, whose pages carry
//! the live-reload client):
//! - `state`: the keys of everything global (binary, configuration, theme, options), each
//!   source file's size, modification time and content hash, and the key of the whole input
//!   (when it matches, nothing needs doing);
//! - `parsed`: every bulletin as parsed, without its body (read back from the source when a
//!   page, a feed or the search index needs it), each record starting with its source's path
//!   and hash, by which it is found without being decoded;
//! - `outputs`: every file of the published tree, with the fingerprint of its inputs and the
//!   hash of its bytes, and the identity (device, inode) of the directory it describes;
//! - `spare`: the same for the spare tree, the previous build kept beside the output, which the
//!   next build brings up to date and swaps in atomically. It is deleted before the spare is
//!   touched, so a build killed half-way leaves no manifest that lies. After an incremental
//!   build it is the `outputs` file of the build before, moved (the tree it describes is the
//!   spare one now), and `spare-id` says which directory it describes now;
//! - `shape`: the archive's taxonomies and related bulletins, with the key of the entries'
//!   order, tags and authors they come from (reused when a build's key is the same);
//! - `index`: what the search index update starts from; `plain` and `plain.idx`: the plain
//!   text of each indexed bulletin, for the update to see the words a changed one had, and
//!   for a full index build to read each text back (logged before the pages are rendered,
//!   so that rendering does not hold them);
//! - `lock`: held while a build runs, so two builds of one site wait for each other.
//!
//! The cache stores keyed results and knows no stage's insides: the pipeline (`build`) asks
//! it for what it kept, decides from the stages' keys what to reuse, and checks each manifest
//! against the directory it describes. Anything missing, stale or unreadable just means a
//! full build.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

pub mod codec;
mod lock;
mod parsed;
mod photos;
mod plain;
mod state;

pub use parsed::{Encoded, ParsedLog, Record, StagedRecords, encode as encode_record, leading_key};
pub use photos::PhotoStore;
pub use state::{SourceStat, State};

/// The folder of the cache, in the site root.
pub const CACHE_DIR: &str = ".bantin";
/// Bumped whenever the cache's layout or meaning changes.
pub const FORMAT: u32 = 9;

/// The cache of one profile.
pub struct Cache {
    dir: PathBuf,
    pub state: State,
    plain_index: std::sync::OnceLock<plain::PlainIndex>,
}

/// A cache folder to read from another thread ([`Cache::reader`]).
#[derive(Clone)]
pub struct Reader {
    dir: PathBuf,
    current: bool,
}

impl Reader {
    /// The cache file `name`, if this cache is of the current format and the file decodes.
    pub fn read<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        if !self.current {
            return None;
        }
        codec::read(&self.dir.join(name))
    }

    /// What `spare-id` says: the spare manifest naming its tree `was` (an `outputs` moved)
    /// describes the directory that is `now`.
    pub fn spare_moved(&self) -> Option<((u64, u64), (u64, u64))> {
        self.read("spare-id")
    }
}

impl Cache {
    /// An empty cache for `root` (nothing is read): what `--clean` starts from.
    pub fn empty(root: &Path, profile: &str) -> Cache {
        Cache {
            dir: root.join(CACHE_DIR).join(profile),
            state: State::default(),
            plain_index: std::sync::OnceLock::new(),
        }
    }

    /// Reads the cache's state (sources and keys); the rest is read on demand.
    pub fn open(root: &Path, profile: &str) -> Cache {
        let mut cache = Cache::empty(root, profile);
        cache.read_state();
        cache
    }

    /// Reads the cache's state (sources and keys) into a cache made [`empty`](Cache::empty);
    /// it stays empty when there is none of this version's format.
    pub fn read_state(&mut self) {
        if let Some(state) = codec::read::<State>(&self.dir.join("state")).filter(|s| s.format == FORMAT) {
            self.state = state;
        }
    }

    /// Whether the state read is of this version's format (an empty cache's is not).
    fn current(&self) -> bool {
        self.state.format == FORMAT
    }

    /// A handle that reads this cache's files from another thread.
    pub fn reader(&self) -> Reader {
        Reader { dir: self.dir.clone(), current: self.current() }
    }

    /// The cache file `name` (`shape`, `index`, `outputs`, `spare`), if the cache is of the
    /// current format and the file decodes.
    pub fn read<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        self.reader().read(name)
    }

    /// Writes `value` as the cache file `name`, to be put in place by [`codec::Staged::commit`].
    pub fn stage<T: Serialize + ?Sized>(&self, name: &str, value: &T) -> std::io::Result<codec::Staged> {
        std::fs::create_dir_all(&self.dir)?;
        codec::stage(&self.dir.join(name), value)
    }

    /// Replaces the cache file `name` with `value`.
    pub fn write_value<T: Serialize + ?Sized>(&self, name: &str, value: &T) -> std::io::Result<()> {
        self.stage(name, value)?.commit()
    }

    /// Forgets the spare tree's manifest (`spare`, and `spare-id`), before the tree changes.
    pub fn forget_spare(&self) -> std::io::Result<()> {
        self.forget("spare-id")?;
        self.forget("spare")
    }

    /// Forgets the cache file `name`: a file that is not there (or no cache folder at all) is
    /// already forgotten.
    pub fn forget(&self, name: &str) -> std::io::Result<()> {
        match std::fs::remove_file(self.dir.join(name)) {
            Err(e)
                if !matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) =>
            {
                Err(e)
            }
            _ => Ok(()),
        }
    }

    /// Writes `.bantin/.gitignore` (ignoring everything in it) if it is not there.
    pub(crate) fn ignore_in_git(&self) -> std::io::Result<()> {
        let gitignore = self.dir.parent().map(|p| p.join(".gitignore"));
        if let Some(g) = gitignore.filter(|g| !g.exists()) {
            std::fs::write(g, "# bantin's build cache; safe to delete.\n*\n")?;
        }
        Ok(())
    }

    /// Records what the build made: its state, its parsed records (appended, or with `true`
    /// replacing the log) and the manifests of the published and the spare tree, all but the
    /// records staged by [`Cache::stage`]. Each file is replaced atomically; the state goes last.
    pub fn save(
        &self,
        state: codec::Staged,
        parsed: Option<StagedRecords>,
        outputs: codec::Staged,
        spare: SpareManifest,
    ) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        self.ignore_in_git()?;
        if let Some(parsed) = parsed {
            parsed.put()?;
        }
        match spare {
            SpareManifest::Staged(s) => {
                outputs.commit()?;
                self.forget("spare-id")?;
                s.commit()?;
            }
            // A build killed between these steps leaves a `spare-id` without a `spare` (it
            // was forgotten before the spare tree changed), or the `spare`, true, without an
            // `outputs`: either way the next build only does more work.
            SpareManifest::Outputs { was, now } => {
                self.stage("spare-id", &(was, now))?.commit()?;
                std::fs::rename(self.dir.join("outputs"), self.dir.join("spare"))?;
                outputs.commit()?;
            }
            SpareManifest::None => {
                outputs.commit()?;
                self.forget_spare()?;
            }
        }
        state.commit()
    }
}

/// What the cache keeps as the spare tree's manifest ([`Cache::save`]).
pub enum SpareManifest {
    /// A manifest written for it.
    Staged(codec::Staged),
    /// The file `outputs` as it is now, moved to `spare` rather than written again (at
    /// 1,000,000 bulletins, 127 MB): the tree it describes, published until this build, is
    /// the spare one. It names that tree by the identity it had (`was`: a directory's
    /// inode and change time); `spare-id` says the tree is `now` at that.
    Outputs { was: (u64, u64), now: (u64, u64) },
    /// No manifest: the spare tree (if any) is not known.
    None,
}
