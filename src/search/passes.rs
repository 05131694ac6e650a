//! Building the index in passes, for a build whose memory budget would not hold every
//! partition at once: each pass collects only some partitions' terms (the bulletins' words are
//! found again in each pass), and puts them on disk until the shard counts are known, which
//! takes every partition's count. Then one partition at a time is read back and its shards
//! written. The files are the same as those of a single pass.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::*;

/// How the index is built: in how many passes (1: every partition at once), and where the
/// partitions wait between passes.
#[derive(Debug, Clone)]
pub struct Passes {
    pub count: u32,
    pub dir: PathBuf,
}

impl Default for Passes {
    fn default() -> Self {
        Passes { count: 1, dir: std::env::temp_dir() }
    }
}

impl Passes {
    /// `count` made a divisor of the number of partitions (each pass takes the same share).
    pub fn effective(&self) -> u32 {
        let mut n = 1;
        while n < PARTITIONS && n < self.count {
            n *= 2;
        }
        n
    }

    /// The most passes there can be.
    pub const MOST: u32 = PARTITIONS;
}

/// Writes a partition (its lookup table let go) to an unnamed file in `dir`
/// ([`crate::archive::scratch_file`]), and lets go of it.
pub(super) fn put_away(part: Partition, dir: &Path) -> std::io::Result<std::fs::File> {
    let mut file = crate::archive::scratch_file(dir)?;
    {
        let mut out = BufWriter::with_capacity(1 << 20, &mut file);
        let chunks = &part.text.chunks;
        out.write_all(&(chunks.len() as u64).to_le_bytes())?;
        for chunk in chunks {
            out.write_all(&(chunk.len() as u64).to_le_bytes())?;
            out.write_all(chunk.as_bytes())?;
        }
        out.write_all(&(part.terms.len() as u64).to_le_bytes())?;
        for t in part.terms.iter() {
            for n in [t.start, t.mid, t.end, t.last, t.postings.len() as u32] {
                out.write_all(&n.to_le_bytes())?;
            }
            out.write_all(&t.rest.to_le_bytes())?;
            out.write_all(&t.postings)?;
        }
        out.flush()?;
    }
    drop(part);
    Ok(file)
}

/// Reads back a partition [`put_away`] wrote (without its lookup table, which only adding
/// terms needs).
pub(super) fn bring_back(mut file: std::fs::File) -> std::io::Result<Partition> {
    use std::io::Seek as _;
    file.rewind()?;
    let mut input = BufReader::with_capacity(1 << 20, file);
    let u64_of = |input: &mut BufReader<std::fs::File>| -> std::io::Result<u64> {
        let mut b = [0; 8];
        input.read_exact(&mut b)?;
        Ok(u64::from_le_bytes(b))
    };
    let mut part = Partition::default();
    let chunks = u64_of(&mut input)?;
    for _ in 0..chunks {
        let len = u64_of(&mut input)? as usize;
        let mut bytes = vec![0; len];
        input.read_exact(&mut bytes)?;
        let chunk =
            String::from_utf8(bytes).map_err(|_| std::io::Error::other("a partition put away is damaged"))?;
        part.text.chunks.push(chunk);
    }
    let terms = u64_of(&mut input)?;
    for _ in 0..terms {
        let mut head = [0; 20];
        input.read_exact(&mut head)?;
        let n =
            |i: usize| u32::from_le_bytes([head[i * 4], head[i * 4 + 1], head[i * 4 + 2], head[i * 4 + 3]]);
        let rest = u64_of(&mut input)?;
        let mut postings = smallvec::SmallVec::from_elem(0, n(4) as usize);
        input.read_exact(&mut postings)?;
        part.terms.push(TermRec { postings, rest, last: n(3), start: n(0), mid: n(1), end: n(2) });
    }
    Ok(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partition_put_away_comes_back_the_same_even_without_its_folder() {
        let doc = |words: &str| {
            let fields =
                DocFields { title: "Tin", summary: "", plain: words, tags: &[], authors: &[], section: None };
            doc_terms(&fields, &mut Scratch::default())
        };
        let mut part = Partition::default();
        for (id, words) in ["Đà Nẵng mưa to", "Hà Nội nắng", "Đà Nẵng nắng"].iter().enumerate()
        {
            let d = doc(words);
            part.add_doc(&d, &d.terms, id as u32).expect("add");
        }
        let dir = tempfile::tempdir().expect("tmp");
        // A folder that cannot be made (a file is in the way): the system's temporary folder.
        std::fs::write(dir.path().join("file"), "x").expect("file");
        let summary = |p: &Partition| -> Vec<(String, String, bool, Vec<u8>)> {
            (0..p.terms.len() as u32)
                .map(|t| {
                    let rec = &p.terms[t as usize];
                    (p.spelling(t).to_owned(), p.folded(t).to_owned(), rec.pseudo(), rec.postings.to_vec())
                })
                .collect()
        };
        let before = summary(&part);
        assert!(before.len() > 5);
        let file = put_away(part, &dir.path().join("file/sub")).expect("put away");
        assert_eq!(summary(&bring_back(file).expect("back")), before);
    }
}
