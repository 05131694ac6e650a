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
        // A bulletin under several spellings counts once, by its best.
        let mut chosen = ids.iter().peekable();
        let keys: Vec<u64> =
            best_by_id(spellings).into_iter().filter(|&k| !next_is(&mut chosen, k as u32)).collect();
        let room = HEAD_LEN - ids.len();
        ids.extend(top(keys, room).into_iter().map(|k| k as u32));
        ids.sort_unstable();
    }
    spellings
        .iter()
        .filter_map(|&(spelling, list)| {
            let mut chosen = ids.iter().peekable();
            let kept: Vec<(u32, u32)> =
                list.iter().copied().filter(|&(id, _)| next_is(&mut chosen, id)).collect();
            (!kept.is_empty()).then(|| (spelling.to_owned(), Postings::encode(&kept)))
        })
        .collect()
}

/// Whether `id` is among the ascending ids `chosen`, asked of ascending ids: the ids before it
/// are passed over for good.
fn next_is(chosen: &mut std::iter::Peekable<std::slice::Iter<u32>>, id: u32) -> bool {
    while chosen.next_if(|&&c| c < id).is_some() {}
    chosen.peek() == Some(&&id)
}

/// Every bulletin of the lists `spellings` (each in ascending ids) once, by its best
/// [`rank_key`] among them, in ascending ids: the lists merged as they come, each in one
/// pass (a common term's lists hold hundreds of thousands of postings; sorting them all
/// together took most of the time an edit spent on heads).
fn best_by_id(spellings: &[(&str, &[(u32, u32)])]) -> Vec<u64> {
    let mut best: Vec<u64> = Vec::new();
    for (_, list) in spellings {
        let mut next = list.iter().map(|&(id, v)| rank_key(id, v)).peekable();
        let mut merged = Vec::with_capacity(best.len() + list.len());
        let mut have = best.into_iter().peekable();
        while let (Some(&a), Some(&b)) = (have.peek(), next.peek()) {
            match (a as u32).cmp(&(b as u32)) {
                std::cmp::Ordering::Less => merged.extend(have.next()),
                std::cmp::Ordering::Greater => merged.extend(next.next()),
                std::cmp::Ordering::Equal => {
                    merged.push(a.max(b));
                    have.next();
                    next.next();
                }
            }
        }
        merged.extend(have);
        merged.extend(next);
        best = merged;
    }
    best
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

    /// The head as its definition reads: every posting's key, by id with the best first, one
    /// per bulletin, the first of them after each spelling's own.
    fn head_by_sorting(spellings: &[(&str, &[(u32, u32)])]) -> Vec<u32> {
        let mut own: Vec<u32> = Vec::new();
        for (_, list) in spellings {
            let mut keys: Vec<u64> = list.iter().map(|&(id, v)| rank_key(id, v)).collect();
            keys.sort_unstable_by(|a, b| b.cmp(a));
            own.extend(keys.iter().take(HEAD_PER_SPELLING).map(|&k| k as u32));
        }
        own.sort_unstable();
        own.dedup();
        let mut keys: Vec<u64> = spellings
            .iter()
            .flat_map(|(_, list)| list.iter().map(|&(id, v)| rank_key(id, v)))
            .filter(|k| own.binary_search(&(*k as u32)).is_err())
            .collect();
        keys.sort_unstable_by(|a, b| (a & 0xffff_ffff).cmp(&(b & 0xffff_ffff)).then(b.cmp(a)));
        keys.dedup_by_key(|k| *k & 0xffff_ffff);
        keys.sort_unstable_by(|a, b| b.cmp(a));
        let room = HEAD_LEN.saturating_sub(own.len());
        own.extend(keys.iter().take(room).map(|&k| k as u32));
        own.sort_unstable();
        own
    }

    #[test]
    fn a_head_of_lists_merged_is_the_head_by_its_definition() {
        let mut random = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut next = move |n: u64| random() % n;
        for round in 0..40 {
            let spellings = 1 + next(4) as usize;
            let lists: Vec<Vec<(u32, u32)>> = (0..spellings)
                .map(|_| {
                    // A spelling in one bulletin of `share`; 1 in 10 with it starting its
                    // title, 1 in 10 with it later in the title.
                    let share = 1 + next(4);
                    let mut list = Vec::new();
                    for id in 0..(500 + round * 150) as u32 {
                        if next(share) == 0 {
                            let title = match next(10) {
                                0 => 64,
                                1 => 64 * (2 + next(5) as u32),
                                _ => 0,
                            };
                            list.push((id, title + 1 + next(55) as u32));
                        }
                    }
                    list
                })
                .collect();
            let named: Vec<(&str, &[(u32, u32)])> =
                lists.iter().enumerate().map(|(k, l)| (["a", "b", "c", "d"][k], l.as_slice())).collect();
            let h = head(&named);
            let mut got: Vec<u32> =
                h.values().flat_map(|p| p.decode().into_iter().map(|(id, _)| id)).collect();
            got.sort_unstable();
            got.dedup();
            assert_eq!(got, head_by_sorting(&named), "round {round}");
            // Each spelling keeps its own postings of those bulletins, as they were.
            for (name, list) in &named {
                let kept = h.get(*name).map(|p| p.decode()).unwrap_or_default();
                let want: Vec<(u32, u32)> =
                    list.iter().copied().filter(|(id, _)| got.binary_search(id).is_ok()).collect();
                assert_eq!(kept, want, "round {round}, {name}");
            }
        }
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
