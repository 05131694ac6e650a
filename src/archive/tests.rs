//! The archive's tests: permalinks, the order of paths, URL clashes, permutation, the shape
//! reused only when it fits.

use super::*;
use crate::content::{SourceFile, parse_bulletin};

fn items(docs: &[(&str, &str, &str)]) -> Vec<(Bulletin, Rendered)> {
    items_with_body(docs, "")
}

fn entries_of(items: Vec<(Bulletin, Rendered)>) -> Vec<Entry> {
    items.into_iter().map(|(b, r)| Entry::new(b, r, None)).collect()
}

fn entries(docs: &[(&str, &str, &str)]) -> Vec<Entry> {
    entries_of(items(docs))
}

fn items_with_body(docs: &[(&str, &str, &str)], extra: &str) -> Vec<(Bulletin, Rendered)> {
    let tz = jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").expect("tz");
    docs.iter()
        .enumerate()
        .map(|(i, (title, date, tags))| {
            let text =
                format!("---\ntitle: \"{title}\"\ndate: {date}\ntags: [{tags}]\n---\nThân bài {i}.{extra}\n");
            let src = SourceFile { rel_path: format!("content/{i}.md").into(), text };
            let b = parse_bulletin(&src, &tz).expect("bulletin");
            let r = markdown::render(&b.body, false);
            (b, r)
        })
        .collect()
}

fn summary(a: &Archive) -> Vec<(String, String, Ids, Ids)> {
    a.entries
        .iter()
        .map(|e| (e.bulletin.title.clone(), e.path.clone(), e.tags.clone(), e.related.clone()))
        .collect()
}

#[test]
fn permalinks_fill_the_pattern_and_join_slashes() {
    // The definition: each placeholder replaced, then runs of slashes made one.
    fn reference(pattern: &str, b: &Bulletin, slug: &str) -> String {
        let d = &b.date;
        let day =
            if d.precision == Precision::Month { String::new() } else { format!("{:02}", d.zoned.day()) };
        let mut p = pattern
            .replace("{year}", &format!("{:04}", d.year()))
            .replace("{month}", &format!("{:02}", d.month()))
            .replace("{day}", &day)
            .replace("{slug}", slug);
        while p.contains("//") {
            p = p.replace("//", "/");
        }
        p
    }
    let items = items(&[("Mưa", "2024-03-05", ""), ("Nắng", "2024-03", ""), ("Gió", "2024-03-05 07:30", "")]);
    let patterns = [
        "/{year}/{month}/{slug}/",
        "/{year}/{month}/{day}/{slug}/",
        "{slug}",
        "/tin//{day}-{slug}.html",
        "/{{year}}/{slug}{day}/",
        "//{slug",
        "a{b}/{year}{",
        "{",
    ];
    for pattern in patterns {
        for (b, _) in &items {
            for slug in [b.slug.as_str(), "a//b", "đà-nẵng"] {
                assert_eq!(
                    permalink_with_slug(&crate::config::Permalink::parse(pattern), b, slug),
                    reference(pattern, b, slug),
                    "{pattern} {slug}"
                );
            }
        }
    }
}

#[test]
fn bulletins_wanting_one_url_are_each_an_error_naming_the_oldest() {
    // Three bulletins with one slug (two of them on one date) among others: each later one
    // is an error naming the oldest, in the order oldest first, then by source path.
    let docs = [
        ("Mưa lớn", "2024-03-05", ""),
        ("Nắng", "2024-03-01", ""),
        ("Mưa lớn!", "2024-03-09", ""),
        ("Gió", "2024-03-05", ""),
        ("Mưa  lớn", "2024-03-05", ""),
    ];
    let mut clashing = entries(&docs);
    for k in [0, 2, 4] {
        clashing[k].bulletin.slug = "mua-lon".into();
    }
    let Err(errors) = Archive::build_with(&Config::default(), clashing, None) else {
        panic!("a URL wanted twice is an error");
    };
    let said: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said[0].contains("content/0.md and content/4.md"), "{said:?}");
    assert!(said[1].contains("content/0.md and content/2.md"), "{said:?}");
    assert!(said.iter().all(|d| d.contains("/mua-lon/")), "{said:?}");
    assert!(Archive::build_with(&Config::default(), entries(&docs), None).is_ok());
}

#[test]
fn padded_numbers_are_formats() {
    for n in [0i64, 5, 12, 123, 2024, 12345, -5, -2024] {
        for width in [0, 2, 4] {
            let mut s = String::from("x");
            crate::config::push_padded(&mut s, n, width).expect("write");
            assert_eq!(s, format!("x{n:0width$}"));
        }
    }
}

#[test]
fn path_cmp_is_the_component_order() {
    let paths = [
        "content/a/b.md",
        "content/a-b.md",
        "content/a.md",
        "content/a/a.md",
        "content/ab.md",
        "content/a b/c.md",
        "content/2020/01/x.md",
        "content/2020-01.md",
    ];
    for a in paths {
        for b in paths {
            let (a, b) = (std::path::Path::new(a), std::path::Path::new(b));
            assert_eq!(path_cmp(a, b), a.cmp(b), "{} {}", a.display(), b.display());
        }
    }
}

#[test]
fn permute_places_each_item_where_the_order_says() {
    // Every permutation of 5 items (and a few larger ones, with long cycles).
    fn check(order: &[u32]) {
        let mut items: Vec<u32> = (0..order.len() as u32).map(|i| i * 10).collect();
        permute(&mut items, order);
        let want: Vec<u32> = order.iter().map(|&i| i * 10).collect();
        assert_eq!(items, want, "order {order:?}");
    }
    fn all(prefix: &mut Vec<u32>, n: u32) {
        if prefix.len() == n as usize {
            return check(prefix);
        }
        for i in 0..n {
            if !prefix.contains(&i) {
                prefix.push(i);
                all(prefix, n);
                prefix.pop();
            }
        }
    }
    for n in 0..=5 {
        all(&mut Vec::new(), n);
    }
    let n = 1000u32;
    check(&(0..n).map(|i| (i * 7 + 3) % n).collect::<Vec<_>>());
    check(&(0..n).rev().collect::<Vec<_>>());
}

#[test]
fn a_shape_is_reused_only_when_it_fits() {
    let docs = [
        ("Mưa lớn", "2024-01-03", "thời tiết, Đà Nẵng"),
        ("Nắng nóng", "2024-01-02", "thời tiết"),
        ("Bão", "2024-01-01", "Đà Nẵng"),
    ];
    let config = Config::default();
    let fresh = |docs: &[(&str, &str, &str)]| Archive::build(&config, items(docs)).expect("archive");
    // The shape as the cache keeps it: written from the archive, read back.
    let kept = |a: &Archive, key: Option<u64>| -> Shape {
        let bytes = postcard::to_stdvec(&a.shape(key.expect("a new shape"))).expect("encode");
        postcard::from_bytes(&bytes).expect("a shape")
    };
    let (first, key) = Archive::build_with(&config, entries(&docs), None).expect("archive");
    let shape = kept(&first, key);
    let lists = |list: fn(&Entry) -> &Ids| first.entries.iter().map(list).cloned().collect::<Vec<_>>();
    assert_eq!(shape.entry_tags, lists(|e| &e.tags));
    assert_eq!(shape.entry_authors, lists(|e| &e.authors));
    assert_eq!(shape.related, lists(|e| &e.related));
    assert_eq!((shape.tags.len(), shape.authors.len()), (first.tags.len(), first.authors.len()));
    // Body and title edits keep the key: the shape is reused and gives the same archive.
    let (reused, again) =
        Archive::build_with(&config, entries_of(items_with_body(&docs, " Thêm.")), Some(shape.clone()))
            .expect("archive");
    assert!(again.is_none(), "the shape is reused");
    assert_eq!(summary(&reused), summary(&first));
    assert!(reused.entries[1].summary().ends_with("Thêm."));
    let mut edited = docs;
    edited[1].0 = "Nắng nóng kéo dài";
    let (retitled, again) =
        Archive::build_with(&config, entries(&edited), Some(shape.clone())).expect("archive");
    assert!(again.is_none(), "the shape is reused");
    assert_eq!(summary(&retitled), summary(&fresh(&edited)));
    // A new tag or a new date order changes the key; the stale shape is ignored.
    edited[2].2 = "bão lũ";
    let (changed, new_shape) =
        Archive::build_with(&config, entries(&edited), Some(shape.clone())).expect("archive");
    assert_ne!(kept(&changed, new_shape).key, shape.key);
    assert_eq!(summary(&changed), summary(&fresh(&edited)));
    let mut moved = docs;
    moved[2].1 = "2024-01-04";
    let (reordered, moved_shape) =
        Archive::build_with(&config, entries(&moved), Some(shape.clone())).expect("archive");
    assert_ne!(kept(&reordered, moved_shape).key, shape.key);
    assert_eq!(summary(&reordered), summary(&fresh(&moved)));
    // A shape with the right key that does not fit (a damaged cache) is not trusted.
    let mut damaged = shape.clone();
    damaged.related.pop();
    damaged.entry_tags[0] = Box::new([99]);
    let (safe, rebuilt) = Archive::build_with(&config, entries(&docs), Some(damaged)).expect("archive");
    assert_eq!(summary(&safe), summary(&first));
    assert_eq!(kept(&safe, rebuilt).key, shape.key);
}

#[test]
fn a_folder_slugified_once_for_its_run_of_bulletins_is_what_each_would_get() {
    // Runs of one folder, a bundle (its folder is its slug) between files of its parent and
    // one file of its own folder,
    // a folder whose name slugifies to nothing, files at the top of content/, and a folder
    // left and come back to.
    let sources = [
        "content/2020/01/a.md",
        "content/2020/01/b.md",
        "content/2020/01/ten-bai/index.md",
        "content/2020/01/ten-bai/x.md",
        "content/2020/01/c.md",
        "content/Thời Sự/Hà Nội/d.md",
        "content/Thời Sự/Hà Nội/e.md",
        "content/!!!/f.md",
        "content/g.md",
        "content/index.md",
        "content/2020/01/h.md",
        "content/Thời Sự/i.md",
        "content/2020/01/ten-bai/index.md",
        "content/2020/01/ten-bai/index.md",
        "content/2020/01/j.md",
    ];
    let mut folders = Folders::default();
    for source in sources.iter().chain(sources.iter().rev()) {
        let source = std::path::Path::new(source);
        assert_eq!(folders.of(source), folders_of(source), "{}", source.display());
    }
}
