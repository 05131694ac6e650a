//! Bodies kept on disk instead of in memory, when a build's memory budget would not hold them
//! all: each body's HTML and plain text are written once, as they are rendered, to an unnamed
//! file in the build cache's folder (gone when the build ends), and read back whenever a page,
//! feed or the search index needs them. The records of the bulletins parsed go there too,
//! until the archive and the cache's log are made of them. What a build publishes does not depend on it.

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where a text was put: (offset, length in bytes).
pub type Put = (u64, u32);

/// An empty unnamed file in `dir` (made if missing), or else in the system's temporary
/// folder: a build's scratch space on disk (spilled bodies, search index partitions between
/// passes). It has no name, so nothing is left behind, even by a killed build.
pub fn scratch_file(dir: &Path) -> io::Result<File> {
    std::fs::create_dir_all(dir).and_then(|()| tempfile::tempfile_in(dir)).or_else(|_| tempfile::tempfile())
}

/// The error of the spill file failing to `what` ("make the build's spill file", "write a
/// body to the build's spill file"…), with what the reader can do about it.
pub fn failed(what: &str, e: impl std::fmt::Display) -> crate::diag::Diagnostic {
    crate::diag::Diagnostic::error(format!("cannot {what}: {e}")).with_hint(
        "the build's spill file (in .bantin/) holds what the memory budget would not: free some disk space, or raise --max-memory",
    )
}

/// The file bodies are spilled to.
#[derive(Debug)]
pub struct Spill {
    file: File,
    end: AtomicU64,
    /// The first failure to read a text back: pages were then made with an empty body, so the
    /// build must fail before it publishes ([`Spill::check`]).
    failed: OnceLock<String>,
    /// Whether texts can be put in it: not in a file another part of the build wrote, read
    /// from only ([`Spill::reading`]).
    writable: bool,
}

impl Spill {
    /// An empty spill file ([`scratch_file`]) in `dir`.
    pub fn create(dir: &Path) -> io::Result<Spill> {
        Ok(Spill {
            file: scratch_file(dir)?,
            end: AtomicU64::new(0),
            failed: OnceLock::new(),
            writable: true,
        })
    }

    /// Texts already in `file` (the build cache's log of parsed bulletins holds every cached
    /// bulletin's summary), read back from where the caller says they are; nothing is put in it.
    pub fn reading(file: File) -> Spill {
        Spill { file, end: AtomicU64::new(0), failed: OnceLock::new(), writable: false }
    }

    fn writable(&self) -> io::Result<()> {
        if self.writable { Ok(()) } else { Err(io::Error::other("a file only read from")) }
    }

    /// Writes `text` (from any thread) and says where it is.
    pub fn put(&self, text: &str) -> io::Result<Put> {
        self.put_bytes(text.as_bytes())
    }

    /// Writes `bytes` at the file's end (from any thread) and says where.
    pub fn put_bytes(&self, bytes: &[u8]) -> io::Result<Put> {
        use std::os::unix::fs::FileExt as _;
        self.writable()?;
        let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("a body longer than 4 GB"))?;
        let at = self.end.fetch_add(u64::from(len), Ordering::Relaxed);
        self.file.write_all_at(bytes, at)?;
        Ok((at, len))
    }

    /// Writes each of `texts` (from any thread), all in one write, and says where each is.
    pub fn put_many(&self, texts: &[&[u8]]) -> io::Result<Vec<Put>> {
        use std::os::unix::fs::FileExt as _;
        self.writable()?;
        let bytes: Vec<u8> = texts.concat();
        let at = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        let mut puts = Vec::with_capacity(texts.len());
        let mut from = at;
        for text in texts {
            let len = u32::try_from(text.len()).map_err(|_| io::Error::other("a body longer than 4 GB"))?;
            puts.push((from, len));
            from += u64::from(len);
        }
        self.file.write_all_at(&bytes, at)?;
        Ok(puts)
    }

    /// The bytes put at `at`.
    pub fn get_bytes(&self, (at, len): Put) -> io::Result<Vec<u8>> {
        use std::os::unix::fs::FileExt as _;
        let mut buf = vec![0; len as usize];
        self.file.read_exact_at(&mut buf, at)?;
        Ok(buf)
    }

    /// The text put at `at`; on failure, an empty text, the failure kept for [`Spill::check`].
    pub fn get(&self, at: Put) -> String {
        let read = self.get_bytes(at).map_err(|e| e.to_string()).and_then(|buf| {
            crate::text::utf8::string_from_utf8(buf).map_err(|_| "a spilled body is not UTF-8".to_string())
        });
        read.unwrap_or_else(|e| {
            let _ = self.failed.set(e);
            String::new()
        })
    }

    /// Whether every text read back was read whole; else what went wrong.
    pub fn check(&self) -> Result<(), String> {
        self.failed.get().map_or(Ok(()), |e| {
            let file = if self.writable { "the build's spill file" } else { "the build cache's parsed log" };
            Err(format!("cannot read a text back from {file}: {e}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_back_as_they_were_put_from_many_threads() {
        use rayon::prelude::*;
        let dir = tempfile::tempdir().expect("tmp");
        let spill = Spill::create(&dir.path().join("cache")).expect("spill");
        let texts: Vec<String> = (0..500).map(|i| format!("Đà Nẵng {i} ").repeat(i % 7)).collect();
        let put: Vec<Put> = texts.par_iter().map(|t| spill.put(t).expect("put")).collect();
        for (t, at) in texts.iter().zip(&put) {
            assert_eq!(&spill.get(*at), t);
        }
        assert_eq!(spill.end.load(Ordering::Relaxed), texts.iter().map(|t| t.len() as u64).sum::<u64>());
        assert!(spill.check().is_ok());
        // Nothing is left in the folder: the file has no name.
        assert_eq!(std::fs::read_dir(dir.path().join("cache")).expect("ls").count(), 0);
        // A read past the end fails the build, not silently.
        assert_eq!(spill.get((spill.end.load(Ordering::Relaxed), 10)), "");
        assert!(spill.check().is_err());
    }

    #[test]
    fn a_file_only_read_from_gives_its_texts_back_and_takes_none() {
        let mut file = tempfile::tempfile().expect("tmp");
        std::io::Write::write_all(&mut file, "Tóm tắt: mưa lớn ở Huế".as_bytes()).expect("write");
        let spill = Spill::reading(file);
        assert_eq!(spill.get((12, 10)), "mưa lớn");
        assert!(spill.put("thêm").is_err() && spill.put_many(&[b"x"]).is_err());
        assert!(spill.check().is_ok());
        // Bytes that are not a whole text (cut inside a letter) fail the build.
        assert_eq!(spill.get((14, 2)), "");
        assert!(spill.check().is_err_and(|e| e.contains("parsed log")));
    }
}
