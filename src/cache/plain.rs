//! The plain-text log: the plain text of each indexed bulletin, by source hash, so that a
//! search index update can see the words a changed bulletin had, and a full index build can
//! read each text back instead of rendering its body again.

use super::{Cache, codec};

/// The plain-text log's index: source hash → (offset, length).
pub(super) type PlainIndex = rustc_hash::FxHashMap<u64, (u64, u32)>;

/// Reads plain texts from the cache's log, each with one positioned read of the open file.
struct PlainReader<'a> {
    file: std::fs::File,
    index: &'a PlainIndex,
}

impl PlainReader<'_> {
    /// The plain text logged for the source with hash `hash`, or its start when it is longer
    /// than `max_bytes` (cut at a character boundary).
    fn read(&self, hash: u64, max_bytes: usize) -> std::io::Result<String> {
        use std::os::unix::fs::FileExt as _;
        let invalid = |what: &str| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("the build cache's plain text log {what}"),
            )
        };
        let &(offset, len) = self.index.get(&hash).ok_or_else(|| invalid("lacks a bulletin"))?;
        let mut buf = vec![0; (len as usize).min(max_bytes)];
        self.file.read_exact_at(&mut buf, offset)?;
        if buf.len() < len as usize {
            // Cut inside a character: the whole characters before it.
            let whole = match std::str::from_utf8(&buf) {
                Ok(_) => buf.len(),
                Err(e) if e.error_len().is_none() => e.valid_up_to(),
                Err(_) => return Err(invalid("is not UTF-8")),
            };
            buf.truncate(whole);
        }
        crate::text::utf8::string_from_utf8(buf).map_err(|_| invalid("is not UTF-8"))
    }
}

impl Cache {
    /// The index of the plain-text log (`plain`): source hash → (offset, length). The log
    /// keeps the plain text of each indexed bulletin, so that when one changes, the search
    /// index update can see the words its previous version had.
    /// Texts the log does not hold in full (it was cut short) are not counted as kept.
    fn plain_index(&self) -> &PlainIndex {
        self.plain_index.get_or_init(|| {
            let mut index: PlainIndex = codec::read(&self.dir.join("plain.idx")).unwrap_or_default();
            let end = std::fs::metadata(self.dir.join("plain")).map_or(0, |m| m.len());
            index
                .retain(|_, &mut (offset, len)| offset.checked_add(u64::from(len)).is_some_and(|e| e <= end));
            index
        })
    }

    /// Reads logged plain texts ([`PlainReader::read`]) from several threads, the log opened
    /// once; when it cannot be opened, every read says why.
    pub fn stored_plain(&self) -> impl Fn(u64, usize) -> std::io::Result<String> + Sync + '_ {
        let reader = std::fs::File::open(self.dir.join("plain"))
            .map(|file| PlainReader { file, index: self.plain_index() });
        move |hash, max_bytes| match &reader {
            Ok(r) => r.read(hash, max_bytes),
            Err(e) => Err(std::io::Error::new(
                e.kind(),
                format!("cannot open the build cache's plain text log: {e}"),
            )),
        }
    }

    /// The sources whose plain text is kept.
    pub fn plain_hashes(&self) -> Vec<u64> {
        self.plain_index().keys().copied().collect()
    }

    pub fn has_plain(&self, hash: u64) -> bool {
        self.plain_index().contains_key(&hash)
    }

    /// Keeps the plain texts of `add`, given a batch at a time, and forgets those of
    /// `remove`. The log is appended to (rewritten first when mostly forgotten text), and its
    /// index written once, after the last batch: a full build logs every body, in batches
    /// when they are read back from disk, and the index is as big as the archive. A build
    /// stopped before that leaves texts the index does not know of: the next one logs them
    /// again.
    pub fn update_plain<'a>(
        &mut self,
        add: &mut dyn Iterator<Item = Vec<(u64, std::borrow::Cow<'a, str>)>>,
        remove: &[u64],
    ) -> std::io::Result<()> {
        use std::io::Write as _;
        let path = self.dir.join("plain");
        let mut index = self.plain_index().clone();
        let mut changed = false;
        for h in remove {
            changed |= index.remove(h).is_some();
        }
        let mut end = std::fs::metadata(&path).map_or(0, |m| m.len());
        let live: u64 = index.values().map(|&(_, l)| u64::from(l)).sum::<u64>();
        if end > 2 * live + (1 << 20) {
            // Mostly dead: rewrite with what is still wanted.
            let mut kept: Vec<(u64, String)> = {
                let stored = self.stored_plain();
                index.keys().filter_map(|&h| Some((h, stored(h, usize::MAX).ok()?))).collect()
            };
            kept.sort_by_key(|(h, _)| *h);
            let tmp = path.with_extension("tmp");
            let mut out = Vec::new();
            index.clear();
            for (h, text) in &kept {
                index.insert(*h, (out.len() as u64, text.len() as u32));
                out.extend_from_slice(text.as_bytes());
            }
            std::fs::write(&tmp, &out)?;
            std::fs::rename(&tmp, &path)?;
            // The index must follow the rewritten log at once: its offsets are new.
            codec::write(&self.dir.join("plain.idx"), &index)?;
            self.plain_index = std::sync::OnceLock::from(index.clone());
            end = out.len() as u64;
        }
        // Written as they come, not gathered first: in a full build they are every body.
        let mut out = None;
        for batch in add {
            for (h, text) in batch {
                if index.contains_key(&h) {
                    continue;
                }
                let out = match &mut out {
                    Some(out) => out,
                    None => {
                        std::fs::create_dir_all(&self.dir)?;
                        let file = std::fs::OpenOptions::new().append(true).create(true).open(&path)?;
                        out.insert(std::io::BufWriter::with_capacity(1 << 20, file))
                    }
                };
                index.insert(h, (end, text.len() as u32));
                out.write_all(text.as_bytes())?;
                end += text.len() as u64;
                changed = true;
            }
        }
        if let Some(mut out) = out {
            out.flush()?;
        }
        if changed {
            codec::write(&self.dir.join("plain.idx"), &index)?;
        }
        self.plain_index = std::sync::OnceLock::from(index);
        Ok(())
    }

    /// Forgets every kept plain text (they depend on how Markdown was rendered).
    pub fn clear_plain(&mut self) {
        let _ = std::fs::remove_file(self.dir.join("plain.idx"));
        let path = self.dir.join("plain");
        if path.is_dir() {
            let _ = std::fs::remove_dir_all(&path);
        } else {
            let _ = std::fs::remove_file(&path);
        }
        self.plain_index = std::sync::OnceLock::from(PlainIndex::default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_plain_texts_read_back_whole_or_cut_at_a_character() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut cache = Cache::empty(dir.path(), "build");
        let (one, two) = ("Đà Nẵng mưa to.\nNgập nặng.", "Hà Nội");
        let batch = |texts: &[(u64, &'static str)]| -> Vec<(u64, std::borrow::Cow<'static, str>)> {
            texts.iter().map(|&(h, t)| (h, t.into())).collect()
        };
        cache.update_plain(&mut [batch(&[(1, one)]), batch(&[(2, two)])].into_iter(), &[]).expect("logged");
        // Logged again (already there) and a third: appended, the first two kept.
        cache.update_plain(&mut [batch(&[(2, two), (3, "ba")])].into_iter(), &[]).expect("logged");
        // Read again from disk, as the next build does: the index was written once, at the end.
        let mut cache = Cache::empty(dir.path(), "build");
        let stored = cache.stored_plain();
        assert_eq!(stored(1, usize::MAX).expect("one"), one);
        assert_eq!(stored(2, usize::MAX).expect("two"), two);
        assert_eq!(stored(3, usize::MAX).expect("three"), "ba");
        // "Đ" is two bytes and "à" two: three bytes end inside "à".
        assert_eq!(stored(1, 3).expect("cut"), "Đ");
        assert_eq!(stored(1, 4).expect("cut"), "Đà");
        assert_eq!(stored(1, 0).expect("cut"), "");
        let missing = stored(9, usize::MAX).expect_err("not logged");
        assert_eq!(missing.kind(), std::io::ErrorKind::InvalidData);
        drop(stored);
        // Without the log, each read says so.
        cache.clear_plain();
        let stored = cache.stored_plain();
        assert!(stored(1, usize::MAX).expect_err("no log").to_string().contains("plain text log"));
    }
}
