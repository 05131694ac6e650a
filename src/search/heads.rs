//! Heads of very long posting lists. A word or pair found in a large share of the archive has
//! a list of hundreds of thousands of postings at 1,000,000 bulletins (1.4 MB for `bảo vệ`),
//! while a reader looks at the first results only. Such a term also gets a **head**: the
//! postings of the few bulletins the client ranks first (the term in the title first, at its
//! start before elsewhere, then by score, then the newer), which the client fetches instead,
//! going back to the whole lists when the heads leave too few results or a first result that
//! says little (docs/search-format.md, "Heads").

use super::format::{self, LongList, Postings};
use super::{IndexFile, SCORE_BITS, files};

/// A term in more bulletins than this has a head.
pub const HEAD_MIN: usize = 2000;
/// Bulletins in a head, at least (when the term is in more).
pub const HEAD_LEN: usize = 1000;
/// Bulletins of each spelling in a head, at least.
pub const HEAD_PER_SPELLING: usize = 100;

/// How early the client ranks bulletin `id` for a posting's second number `v` (score + where
/// the term is in the title): a title starting with the term, then a title holding it, then
/// the score, then the newer bulletin. Larger is earlier.
fn rank_key(id: u32, v: u32) -> u64 {
    let title = v >> SCORE_BITS;
    let score = v & ((1 << SCORE_BITS) - 1);
    (u64::from(title == 1) << 42) | (u64::from(title > 0) << 41) | (u64::from(score) << 32) | u64::from(id)
}

/// The head of a term with the lists `spellings` ((id, score + title place), ids ascending):
/// each spelling's postings of the bulletins ranked first by [`rank_key`]: every spelling's
/// first [`HEAD_PER_SPELLING`] by its own postings (so that a query typed with marks finds
/// the bulletins with its own spelling first, however common the others), then the first
/// of all (a bulletin by its best spelling) until the head has [`HEAD_LEN`].
pub fn head(spellings: &[(&str, &[(u32, u32)])]) -> LongList {
    let top = |mut keys: Vec<u64>, n: usize| {
        if n == 0 {
            keys.clear();
        } else if keys.len() > n {
            keys.select_nth_unstable_by(n - 1, |a, b| b.cmp(a));
            keys.truncate(n);
        }
        keys
    };
    let mut ids: Vec<u32> = spellings
        .iter()
        .flat_map(|(_, list)| top(list.iter().map(|&(id, v)| rank_key(id, v)).collect(), HEAD_PER_SPELLING))
        .map(|k| k as u32)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() < HEAD_LEN {
        let mut keys: Vec<u64> = spellings
            .iter()
            .flat_map(|(_, list)| list.iter().map(|&(id, v)| rank_key(id, v)))
            .filter(|k| ids.binary_search(&(*k as u32)).is_err())
            .collect();
        // A bulletin under several spellings counts once, by its best.
        keys.sort_unstable_by(|a, b| (a & 0xffff_ffff).cmp(&(b & 0xffff_ffff)).then(b.cmp(a)));
        keys.dedup_by_key(|k| *k & 0xffff_ffff);
        let room = HEAD_LEN - ids.len();
        ids.extend(top(keys, room).into_iter().map(|k| k as u32));
        ids.sort_unstable();
    }
    spellings
        .iter()
        .filter_map(|&(spelling, list)| {
            let kept: Vec<(u32, u32)> =
                list.iter().copied().filter(|(id, _)| ids.binary_search(id).is_ok()).collect();
            (!kept.is_empty()).then(|| (spelling.to_owned(), Postings::encode(&kept)))
        })
        .collect()
}

/// The head file of term `folded`, whose spellings have the lists `spellings`, and its path.
pub fn head_file(folded: &str, spellings: &[(&str, &[(u32, u32)])]) -> std::io::Result<IndexFile> {
    Ok(IndexFile { path: files::head_file(folded), bytes: format::to_gzip_json(&head(spellings))? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_keeps_each_spellings_first_then_title_starts_titles_scores_and_the_newest() {
        // 3000 bulletins with the word in the body at score 10; 5 with it starting the title
        // (old ones), 995 holding it later in the title, and one body posting at score 40.
        let mut a: Vec<(u32, u32)> = (0..3000).map(|id| (id, 10)).collect();
        for id in 0..5 {
            a[id as usize].1 = 64 + 5;
        }
        for id in 100..1095 {
            a[id as usize].1 = 3 * 64 + 5;
        }
        a[2999].1 = 40;
        let b: Vec<(u32, u32)> = vec![(7, 64 + 50), (2500, 20)];
        let h = head(&[("đà", &a), ("da", &b)]);
        let ids = |s: &str| h.get(s).map(|p| p.decode()).unwrap_or_default();
        let da = ids("đà");
        let held = |id: u32| da.iter().any(|x| x.0 == id) || ids("da").iter().any(|x| x.0 == id);
        assert_eq!((0..3000).filter(|&id| held(id)).count(), HEAD_LEN);
        // Each spelling's first hundred: "da" has two (bulletin 7 starting its title with
        // it, and 2500 with it in the body); "đà" the five title starts and the 95 newest
        // title holders. Then the first of all fill the thousand: the next 898 title
        // holders, newest first, which leaves out the two oldest (100, 101) and every other
        // body posting, even the best (2999, score 40).
        for id in (0..5).chain([7, 2500]).chain(102..1095) {
            assert!(held(id), "{id}");
        }
        for id in [100, 101, 2999, 2998] {
            assert!(!held(id), "{id}");
        }
        // Each spelling keeps its own postings of the head's bulletins, as they were.
        assert_eq!(ids("da"), vec![(7, 64 + 50), (2500, 20)]);
        assert!(da.contains(&(7, 10)));
    }

    #[test]
    fn a_head_prefers_higher_scores_then_newer_bulletins() {
        let a: Vec<(u32, u32)> = (0..2500).map(|id| (id, if id % 2 == 0 { 20 } else { 10 })).collect();
        let h = head(&[("x", &a)]);
        let kept = h["x"].decode();
        assert_eq!(kept.len(), HEAD_LEN);
        // 1250 even ids score 20: the 1000 newest of them.
        assert!(kept.iter().all(|&(id, s)| s == 20 && id >= 500), "{:?}", &kept[..3]);
    }
}
