//! How cache files are written and read: postcard, each file replaced atomically.

use std::path::Path;

use serde::{Deserialize, Serialize};

pub fn read<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    postcard::from_bytes(&bytes).ok()
}

/// Replaces the file at `path` with `value`, never leaving it half written.
pub fn write<T: Serialize + ?Sized>(path: &Path, value: &T) -> std::io::Result<()> {
    stage(path, value)?.commit()
}

/// A cache file written beside its place (`<name>.tmp`), put in place by [`Staged::commit`];
/// one never committed is removed. It goes to the file through a buffer, never whole into
/// memory: at 1,000,000 bulletins a build's manifests and state are hundreds of megabytes.
#[must_use = "a staged file is removed unless committed"]
pub struct Staged {
    tmp: std::path::PathBuf,
    path: std::path::PathBuf,
    committed: bool,
}

/// Writes `value` to the staged file of `path`.
pub fn stage<T: Serialize + ?Sized>(path: &Path, value: &T) -> std::io::Result<Staged> {
    stage_with(path, |out| postcard::to_io(value, out).map(drop).map_err(std::io::Error::other))
}

/// Writes the staged file of `path` through `write`.
pub fn stage_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<Staged> {
    use std::io::Write as _;
    let staged = Staged { tmp: path.with_extension("tmp"), path: path.to_owned(), committed: false };
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&staged.tmp)?);
    write(&mut out)?;
    out.into_inner().map_err(std::io::IntoInnerError::into_error)?.flush()?;
    Ok(staged)
}

impl Staged {
    /// Adds the staged file's bytes to the end of the file it is for (which it makes when
    /// missing), then removes it.
    pub fn append(self) -> std::io::Result<()> {
        let mut from = std::fs::File::open(&self.tmp)?;
        let mut to = std::fs::OpenOptions::new().append(true).create(true).open(&self.path)?;
        std::io::copy(&mut from, &mut to)?;
        Ok(())
    }

    /// Puts the file in place of the one it replaces, atomically.
    pub fn commit(mut self) -> std::io::Result<()> {
        std::fs::rename(&self.tmp, &self.path)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staged_file_replaces_its_place_only_when_committed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state");
        write(&path, &1u32).expect("write");
        let staged = stage(&path, &(2u32, "hai".to_string())).expect("stage");
        assert_eq!(read::<u32>(&path), Some(1), "not in place before the commit");
        staged.commit().expect("commit");
        assert_eq!(read::<(u32, String)>(&path), Some((2, "hai".into())));
        assert!(!path.with_extension("tmp").exists());
        // One let go uncommitted (a failed build) leaves the file and no trace.
        drop(stage(&path, &3u32).expect("stage"));
        assert_eq!(read::<(u32, String)>(&path), Some((2, "hai".into())));
        assert!(!path.with_extension("tmp").exists(), "the staged file is removed");
    }
}
