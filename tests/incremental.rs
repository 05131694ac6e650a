//! Incremental builds must give exactly what a clean build gives. A property test: random
//! sequences of the edits editors make (body, title, date, tags, author, draft flag, add,
//! delete, rename, links, template, site.toml, static files, saving unchanged, photos added,
//! replaced, renamed and deleted), each followed
//! by an incremental build of the site and a clean build of a copy of it; the two output
//! trees must be byte-identical, file for file and folder for folder.
//!
//! `BANTIN_INCREMENTAL_CASES` sets the number of random sequences (default 6, 18 steps each).
//! A failure names the seed and the steps, so it can be replayed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bantin::build::{BuildOptions, BuildReport, build};

#[path = "common/photo.rs"]
mod photo;

/// A small deterministic generator (SplitMix64): the same seed, the same edits.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const TAGS: &[&str] =
    &["Kinh tế", "kinh tế", "Giáo dục", "COVID-19", "Đà Nẵng", "Ðà Nẵng", "thể thao", "Hà Nội"];
const AUTHORS: &[&str] = &["Nguyễn Văn An", "Trần Thị Bình", "Lê Cường"];
const TITLES: &[&str] = &[
    "Mưa lớn ở miền Trung",
    "Khai giảng năm học mới",
    "Giá xăng giảm",
    "Đội tuyển thắng trận",
    "Hội nghị về du lịch",
    "Cầu mới thông xe",
];
const SENTENCES: &[&str] = &[
    "Người dân được sơ tán an toàn.",
    "Theo báo cáo, thiệt hại chưa được thống kê đầy đủ.",
    "UBND tỉnh đã chỉ đạo các sở ngành vào cuộc.",
    "```rust\nfn main() {}\n```",
    "| Cột | Giá trị |\n|---|---|\n| a | 1 |",
    "Xem thêm **tin liên quan**.",
];

#[derive(Clone, Debug)]
struct Doc {
    /// Path under content/.
    path: String,
    title: String,
    date: String,
    tags: Vec<String>,
    authors: Vec<String>,
    draft: bool,
    summary: Option<String>,
    body: String,
    section: Option<&'static str>,
    featured: bool,
    corrections: Vec<String>,
    aliases: Vec<String>,
    /// Its photo (`content/anh/p<N>.jpg`, shown in the body) and whether it leads.
    photo: Option<(usize, bool)>,
    /// Its attachment (`t<N>.pdf` beside it, linked from the body).
    attachment: Option<usize>,
}

impl Doc {
    fn text(&self) -> String {
        let mut fm = format!("title: \"{}\"\ndate: {}\n", self.title, self.date);
        if !self.tags.is_empty() {
            fm.push_str(&format!(
                "tags: [{}]\n",
                self.tags.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(", ")
            ));
        }
        if !self.authors.is_empty() {
            fm.push_str(&format!("author: \"{}\"\n", self.authors.join(", ")));
        }
        if self.draft {
            fm.push_str("draft: true\n");
        }
        if let Some(s) = &self.summary {
            fm.push_str(&format!("summary: \"{s}\"\n"));
        }
        if let Some(s) = self.section {
            fm.push_str(&format!("section: {s}\n"));
        }
        if self.featured {
            fm.push_str("featured: true\n");
        }
        if !self.corrections.is_empty() {
            fm.push_str("corrections:\n");
            for (k, c) in self.corrections.iter().enumerate() {
                fm.push_str(&format!("  - {{date: 2022-01-{:02}, text: \"{c}\"}}\n", k % 28 + 1));
            }
        }
        if !self.aliases.is_empty() {
            fm.push_str(&format!("aliases: [{}]\n", self.aliases.join(", ")));
        }
        let mut body = self.body.clone();
        if let Some((n, lead)) = self.photo {
            if lead {
                fm.push_str(&format!("image: /anh/p{n}.jpg\nimage_alt: \"Ảnh {n}\"\n"));
            }
            body.push_str(&format!("\n\n![Ảnh {n}](/anh/p{n}.jpg \"Chú thích {n}\")"));
        }
        if let Some(n) = self.attachment {
            body.push_str(&format!("\n\nToàn văn: [tệp {n}](t{n}.pdf)."));
        }
        format!("---\n{fm}---\n{body}\n")
    }
}

struct Model {
    root: PathBuf,
    docs: Vec<Doc>,
    next_id: usize,
    per_page: usize,
    feed_content: &'static str,
    search: bool,
    title: &'static str,
    template_rev: Option<usize>,
    static_rev: Option<usize>,
}

fn random_date(rng: &mut Rng) -> String {
    let year = 2019 + rng.below(3);
    let month = 1 + rng.below(12);
    match rng.below(4) {
        0 => format!("{year}-{month:02}"),
        1 => format!("{year}-{month:02}-{:02} {:02}:{:02}", 1 + rng.below(28), rng.below(24), rng.below(60)),
        _ => format!("{year}-{month:02}-{:02}", 1 + rng.below(28)),
    }
}

fn random_tags(rng: &mut Rng) -> Vec<String> {
    let mut tags: Vec<String> = (0..rng.below(4)).map(|_| rng.pick(TAGS).to_string()).collect();
    tags.dedup();
    tags
}

impl Model {
    fn new(root: &Path, rng: &mut Rng) -> Model {
        let mut m = Model {
            root: root.to_path_buf(),
            docs: Vec::new(),
            next_id: 0,
            per_page: 3,
            feed_content: "full",
            search: true,
            title: "Bản tin thử",
            template_rev: None,
            static_rev: None,
        };
        for _ in 0..14 {
            let d = m.new_doc(rng);
            m.docs.push(d);
        }
        m.write_all();
        m
    }

    fn new_doc(&mut self, rng: &mut Rng) -> Doc {
        self.next_id += 1;
        let folder = rng.pick(&["", "2020/", "tin/"]);
        Doc {
            path: format!("{folder}b{}.md", self.next_id),
            title: rng.pick(TITLES).to_string(),
            date: random_date(rng),
            tags: random_tags(rng),
            authors: vec![rng.pick(AUTHORS).to_string()],
            draft: rng.below(8) == 0,
            summary: (rng.below(4) == 0).then(|| "Tóm tắt ngắn.".to_string()),
            body: (0..1 + rng.below(3))
                .map(|_| rng.pick(SENTENCES).to_string())
                .collect::<Vec<_>>()
                .join("\n\n"),
            section: *rng.pick(&[None, Some("Thời sự"), Some("kinh te")]),
            featured: rng.below(10) == 0,
            corrections: Vec::new(),
            aliases: Vec::new(),
            photo: None,
            attachment: None,
        }
    }

    /// Writes the attachment `t<n>.pdf` beside doc `d`, of a random length and bytes.
    fn write_attachment(&self, d: &Doc, n: usize, rng: &mut Rng) {
        let folder = d.path.rsplit_once('/').map_or("", |(f, _)| f);
        let bytes = format!("%PDF-1.4 {}", "x".repeat(rng.below(40))) + &rng.below(1000).to_string();
        self.write(&format!("content/{folder}/t{n}.pdf"), &bytes);
    }

    /// Writes photo `n`: a small JPEG of a random size and turn, with camera tags.
    fn write_photo(&self, n: usize, rng: &mut Rng) {
        let (w, h, o) = (24 + rng.below(90) as u32, 24 + rng.below(90) as u32, 1 + rng.below(8) as u8);
        let path = self.root.join(format!("content/anh/p{n}.jpg"));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, photo::jpeg(w, h, o, true)).expect("photo");
    }

    fn site_toml(&self) -> String {
        format!(
            "title = \"{}\"\nbase_url = \"https://tin.example/\"\nper_page = {}\nfeed_content = \"{}\"\nsearch = {}\n\
             [[sections]]\nname = \"Thời sự\"\n[[sections]]\nname = \"Kinh tế\"\n",
            self.title, self.per_page, self.feed_content, self.search
        )
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    fn write_doc(&self, d: &Doc) {
        self.write(&format!("content/{}", d.path), &d.text());
    }

    fn write_all(&self) {
        self.write("site.toml", &self.site_toml());
        for d in &self.docs {
            self.write_doc(d);
        }
    }

    fn remove(&self, rel: &str) {
        let _ = std::fs::remove_file(self.root.join(rel));
    }

    /// Overrides the default theme's file `rel` (under `themes/default/`) with its text and a
    /// last line made from a random revision, and returns the revision; or, one time in three,
    /// removes the override and returns None.
    fn override_theme_file(&self, rng: &mut Rng, rel: &str, line: impl Fn(usize) -> String) -> Option<usize> {
        let rev = rng.below(1000);
        let path = format!("themes/default/{rel}");
        let base = default_theme_file(rel);
        if rng.below(3) == 0 {
            self.remove(&path);
            return None;
        }
        self.write(&path, &format!("{base}{}\n", line(rev)));
        Some(rev)
    }

    /// Applies one random edit; returns its description and whether it changed nothing.
    fn edit(&mut self, rng: &mut Rng) -> (String, bool) {
        let n = self.docs.len();
        let i = rng.below(n.max(1));
        match rng.below(26) {
            0 | 1 if n > 0 => {
                self.docs[i].body.push_str(&format!("\n\n{}", rng.pick(SENTENCES)));
                self.write_doc(&self.docs[i]);
                (format!("body of {}", self.docs[i].path), false)
            }
            2 if n > 0 => {
                self.docs[i].title = rng.pick(TITLES).to_string();
                self.write_doc(&self.docs[i]);
                (format!("title of {} → {}", self.docs[i].path, self.docs[i].title), false)
            }
            3 if n > 0 => {
                self.docs[i].date = random_date(rng);
                self.write_doc(&self.docs[i]);
                (format!("date of {} → {}", self.docs[i].path, self.docs[i].date), false)
            }
            4 if n > 0 => {
                self.docs[i].tags = random_tags(rng);
                self.write_doc(&self.docs[i]);
                (format!("tags of {} → {:?}", self.docs[i].path, self.docs[i].tags), false)
            }
            5 if n > 0 => {
                self.docs[i].authors = vec![rng.pick(AUTHORS).to_string()];
                self.write_doc(&self.docs[i]);
                (format!("author of {}", self.docs[i].path), false)
            }
            6 if n > 0 => {
                self.docs[i].draft = !self.docs[i].draft;
                self.write_doc(&self.docs[i]);
                (format!("draft of {} → {}", self.docs[i].path, self.docs[i].draft), false)
            }
            7 => {
                let d = self.new_doc(rng);
                self.write_doc(&d);
                let what = format!("add {}", d.path);
                self.docs.push(d);
                (what, false)
            }
            8 if n > 1 => {
                let d = self.docs.remove(i);
                self.remove(&format!("content/{}", d.path));
                (format!("delete {}", d.path), false)
            }
            9 if n > 0 => {
                let old = self.docs[i].path.clone();
                self.next_id += 1;
                self.docs[i].path = format!("{}r{}.md", rng.pick(&["", "2021/", "tin/"]), self.next_id);
                self.remove(&format!("content/{old}"));
                self.write_doc(&self.docs[i]);
                (format!("rename {old} → {}", self.docs[i].path), false)
            }
            10 if n > 1 => {
                let j = rng.below(n);
                let target = self.docs[j].path.clone();
                self.docs[i].body.push_str(&format!("\n\nĐọc thêm [bài này](@/{target})."));
                self.write_doc(&self.docs[i]);
                (format!("link {} → {target}", self.docs[i].path), false)
            }
            11 => {
                self.template_rev =
                    self.override_theme_file(rng, "templates/card.html", |rev| format!("<!-- rev {rev} -->"));
                match self.template_rev {
                    Some(rev) => (format!("template rev {rev}"), false),
                    None => ("template override removed".into(), false),
                }
            }
            12 => {
                match rng.below(4) {
                    0 => self.per_page = *rng.pick(&[2, 3, 5]),
                    1 => self.feed_content = if self.feed_content == "full" { "summary" } else { "full" },
                    2 => self.search = !self.search,
                    _ => {
                        self.title = if self.title == "Bản tin thử" {
                            "Tin tức tỉnh"
                        } else {
                            "Bản tin thử"
                        }
                    }
                }
                self.write("site.toml", &self.site_toml());
                (format!("site.toml → {}", self.site_toml().replace('\n', "; ")), false)
            }
            13 => {
                let rev = rng.below(1000);
                self.write("static/extra.txt", &format!("phiên bản {rev}\n"));
                self.static_rev = Some(rev);
                (format!("static rev {rev}"), false)
            }
            14 if n > 0 => {
                self.docs[i].section = *rng.pick(&[None, Some("Thời sự"), Some("Kinh tế")]);
                self.write_doc(&self.docs[i]);
                (format!("section of {} → {:?}", self.docs[i].path, self.docs[i].section), false)
            }
            15 if n > 0 => {
                self.docs[i].featured = !self.docs[i].featured;
                self.write_doc(&self.docs[i]);
                (format!("featured of {} → {}", self.docs[i].path, self.docs[i].featured), false)
            }
            16 if n > 0 => {
                self.docs[i].corrections.push(format!("Sửa lỗi {}.", rng.below(1000)));
                self.write_doc(&self.docs[i]);
                (format!("correction of {}", self.docs[i].path), false)
            }
            17 if n > 0 => {
                // A rename that keeps the old URL answering.
                let old = self.docs[i].path.clone();
                self.next_id += 1;
                self.docs[i].path = format!("{}r{}.md", rng.pick(&["", "2021/", "tin/"]), self.next_id);
                self.docs[i].aliases.push(format!("/{}/", old.trim_end_matches(".md")));
                self.remove(&format!("content/{old}"));
                self.write_doc(&self.docs[i]);
                (format!("rename {old} → {} with an alias", self.docs[i].path), false)
            }
            18 if n > 0 && self.docs[i].photo.is_none() => {
                self.next_id += 1;
                let id = self.next_id;
                self.write_photo(id, rng);
                self.docs[i].photo = Some((id, rng.below(2) == 0));
                self.write_doc(&self.docs[i]);
                (format!("photo p{id} added to {}", self.docs[i].path), false)
            }
            19 if n > 0 && self.docs[i].photo.is_some() => {
                let (id, _) = self.docs[i].photo.expect("photo");
                self.write_photo(id, rng);
                (format!("photo p{id} of {} replaced", self.docs[i].path), false)
            }
            20 if n > 0 && self.docs[i].photo.is_some() => {
                let (id, lead) = self.docs[i].photo.expect("photo");
                self.next_id += 1;
                let new = self.next_id;
                std::fs::rename(
                    self.root.join(format!("content/anh/p{id}.jpg")),
                    self.root.join(format!("content/anh/p{new}.jpg")),
                )
                .expect("rename");
                self.docs[i].photo = Some((new, lead));
                self.write_doc(&self.docs[i]);
                (format!("photo p{id} of {} renamed p{new}", self.docs[i].path), false)
            }
            21 if n > 0 && self.docs[i].photo.is_some() => {
                let (id, _) = self.docs[i].photo.take().expect("photo");
                self.remove(&format!("content/anh/p{id}.jpg"));
                self.write_doc(&self.docs[i]);
                (format!("photo p{id} of {} deleted", self.docs[i].path), false)
            }
            23 if n > 0 && self.docs[i].attachment.is_none() => {
                self.next_id += 1;
                let id = self.next_id;
                self.write_attachment(&self.docs[i], id, rng);
                self.docs[i].attachment = Some(id);
                self.write_doc(&self.docs[i]);
                (format!("attachment t{id} added to {}", self.docs[i].path), false)
            }
            // Of the bulletins with an attachment, one at random.
            24 if self.docs.iter().any(|d| d.attachment.is_some()) => {
                let with: Vec<usize> = (0..n).filter(|&j| self.docs[j].attachment.is_some()).collect();
                let j = with[rng.below(with.len())];
                let id = self.docs[j].attachment.unwrap_or_default();
                let folder = self.docs[j].path.rsplit_once('/').map_or("", |(f, _)| f).to_string();
                match rng.below(4) {
                    0 | 1 => {
                        self.write_attachment(&self.docs[j], id, rng);
                        (format!("attachment t{id} of {} changed", self.docs[j].path), false)
                    }
                    // A link to a file that is not there: a warning, nothing published.
                    2 => {
                        self.remove(&format!("content/{folder}/t{id}.pdf"));
                        (format!("attachment t{id} of {} deleted, still linked", self.docs[j].path), false)
                    }
                    _ => {
                        self.docs[j].attachment = None;
                        self.write_doc(&self.docs[j]);
                        (format!("attachment t{id} of {} unlinked", self.docs[j].path), false)
                    }
                }
            }
            22 => {
                // The theme's style sheet overridden: copied as it is, no page made again.
                match self.override_theme_file(rng, "static/style.css", |rev| {
                    format!(".rev-{rev} {{ color: red; }}")
                }) {
                    Some(rev) => (format!("style sheet rev {rev}"), false),
                    None => ("style sheet override removed".into(), false),
                }
            }
            _ if n > 0 => {
                // Saved without changes: the same bytes, a new modification time.
                self.write_doc(&self.docs[i]);
                (format!("save {} unchanged", self.docs[i].path), true)
            }
            _ => ("nothing".into(), true),
        }
    }
}

/// The text of the default theme's file `rel` (`templates/card.html`), as this checkout has it.
fn default_theme_file(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every folder and file under `dir`, with file contents.
fn tree(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.expect("walk");
            let rel = e.path().strip_prefix(dir).expect("rel").to_string_lossy().into_owned();
            let bytes = e.file_type().is_file().then(|| std::fs::read(e.path()).expect("read"));
            (rel, bytes)
        })
        .collect()
}

fn copy_inputs(from: &Path, to: &Path) {
    for name in ["site.toml", "content", "themes", "static"] {
        let src = from.join(name);
        if !src.exists() {
            continue;
        }
        for e in walkdir::WalkDir::new(&src) {
            let e = e.expect("walk");
            let dst = to.join(e.path().strip_prefix(from).expect("rel"));
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&dst).expect("mkdir");
            } else {
                std::fs::create_dir_all(dst.parent().expect("parent")).expect("mkdir");
                std::fs::copy(e.path(), &dst).expect("copy");
            }
        }
    }
}

fn run(root: &Path, clean: bool) -> BuildReport {
    run_within(root, clean, None)
}

fn run_within(root: &Path, clean: bool, max_memory: Option<u64>) -> BuildReport {
    let opts =
        BuildOptions { root: root.to_path_buf(), clean, future: true, max_memory, ..BuildOptions::default() };
    match build(&opts) {
        Ok(r) => r,
        Err(f) => panic!("build of {} failed: {:?}", root.display(), f.errors),
    }
}

/// Whether the build put the bodies it parsed in its spill file.
fn spilled(r: &BuildReport) -> bool {
    r.timings.stages.iter().any(|(s, _, _)| s.contains("bodies to disk"))
}

/// What differs between the site's published tree and the one a clean build of a copy of its
/// inputs makes, described; `None` when they are the same byte for byte.
fn clean_difference(site: &Path) -> Option<String> {
    let reference = tempfile::tempdir().expect("tmp");
    copy_inputs(site, reference.path());
    run(reference.path(), true);
    let (a, b) = (tree(&site.join("public")), tree(&reference.path().join("public")));
    (a != b).then(|| describe_difference(&a, &b))
}

fn describe_difference(
    a: &BTreeMap<String, Option<Vec<u8>>>,
    b: &BTreeMap<String, Option<Vec<u8>>>,
) -> String {
    let mut out = Vec::new();
    for (k, v) in a {
        match b.get(k) {
            None => out.push(format!("only in the incremental build: {k}")),
            Some(w) if w != v => {
                let show = |x: &Option<Vec<u8>>| x.as_ref().map(|x| String::from_utf8_lossy(x).into_owned());
                let (x, y) = (show(v).unwrap_or_default(), show(w).unwrap_or_default());
                let at = x.bytes().zip(y.bytes()).position(|(p, q)| p != q).unwrap_or(x.len().min(y.len()));
                let from = at.saturating_sub(80);
                out.push(format!(
                    "differs: {k}\n  incremental: …{}…\n  clean:       …{}…",
                    x.get(from..(at + 80).min(x.len())).unwrap_or(""),
                    y.get(from..(at + 80).min(y.len())).unwrap_or("")
                ));
            }
            _ => {}
        }
    }
    for k in b.keys().filter(|k| !a.contains_key(*k)) {
        out.push(format!("only in the clean build: {k}"));
    }
    out.truncate(8);
    out.join("\n")
}

#[test]
fn incremental_builds_equal_clean_builds() {
    let cases: u64 = std::env::var("BANTIN_INCREMENTAL_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(6);
    let mut incremental_pages = 0;
    let mut total_pages = 0;
    let mut index_updates = 0;
    for seed in 1..=cases {
        let mut rng = Rng(seed);
        let site = tempfile::tempdir().expect("tmp");
        let mut model = Model::new(site.path(), &mut rng);
        run(site.path(), false);
        let mut steps = Vec::new();
        for step in 0..18 {
            let edits = 1 + rng.below(2);
            let mut unchanged = true;
            for _ in 0..edits {
                let (what, same) = model.edit(&mut rng);
                unchanged &= same;
                steps.push(format!("{step}: {what}"));
            }
            let report = run(site.path(), false);
            if let Some(difference) = clean_difference(site.path()) {
                panic!(
                    "seed {seed}: the incremental build differs from a clean one after:\n{}\n\n{difference}",
                    steps.join("\n")
                );
            }
            if unchanged {
                assert_eq!(
                    report.rendered,
                    0,
                    "seed {seed}: nothing changed, yet pages were rendered:\n{}",
                    steps.join("\n")
                );
                assert_eq!(report.files, 0, "seed {seed}: nothing changed, yet files were written");
            }
            incremental_pages += report.rendered;
            total_pages += report.pages;
            if report.timings.stages.iter().any(|(s, _, _)| *s == "search index (update)") {
                index_updates += 1;
            }
        }
    }
    // The search index was updated in place, not rebuilt, at least sometimes.
    assert!(index_updates > 0, "the search index was never updated in place");
    // The point of it all: most pages were not rendered again.
    assert!(
        incremental_pages * 2 < total_pages,
        "incremental builds rendered {incremental_pages} of {total_pages} pages"
    );
}

#[test]
fn a_damaged_record_in_the_cache_means_its_source_is_read_again() {
    let mut rng = Rng(7);
    let site = tempfile::tempdir().expect("tmp");
    let model = Model::new(site.path(), &mut rng);
    run(site.path(), false);
    // Every record of the cache's parsed log keeps its length and key (its source's path and
    // hash) but the rest of its bytes are garbage: each is found, and none decodes.
    let log = site.path().join(".bantin/build/parsed");
    let mut bytes = std::fs::read(&log).expect("parsed log");
    let mut at = 0;
    let mut damaged = 0;
    while at + 4 <= bytes.len() {
        let len = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
        let frame = &mut bytes[at + 4..at + 4 + len];
        let path_len = frame[0] as usize;
        assert!(path_len < 128, "a short path's length is one byte");
        let hash_end =
            1 + path_len + frame[1 + path_len..].iter().position(|b| b & 0x80 == 0).expect("hash") + 1;
        frame[hash_end..].fill(0xff);
        damaged += 1;
        at += 4 + len;
    }
    assert!(damaged >= model.docs.len(), "{damaged} records");
    std::fs::write(&log, &bytes).expect("damage");
    // One bulletin edited: the build takes the others from the cache, finds them damaged,
    // and reads their sources again.
    let mut d = model.docs[1].clone();
    d.body.push_str("\n\nThêm một câu.");
    model.write_doc(&d);
    run(site.path(), false);
    assert_eq!(clean_difference(site.path()), None);
}

#[test]
fn clean_ignores_the_cache_and_a_damaged_cache_is_only_slower() {
    let mut rng = Rng(99);
    let site = tempfile::tempdir().expect("tmp");
    let model = Model::new(site.path(), &mut rng);
    let first = run(site.path(), false);
    assert_eq!(first.rendered, first.pages);
    let again = run(site.path(), false);
    assert_eq!((again.rendered, again.files), (0, 0), "a rebuild without changes does nothing");
    let clean = run(site.path(), true);
    assert_eq!(clean.rendered, clean.pages, "--clean renders everything");
    let reference = tree(&site.path().join("public"));

    // Garbage in every cache file: the build still succeeds and gives the same site.
    for f in std::fs::read_dir(site.path().join(".bantin/build")).expect("cache dir").flatten() {
        if f.path().is_file() {
            std::fs::write(f.path(), b"\xff\x00garbage").expect("damage");
        }
    }
    model.write_doc(&model.docs[0]);
    let after = run(site.path(), false);
    let now = tree(&site.path().join("public"));
    assert!(now == reference, "{}", describe_difference(&now, &reference));
    assert_eq!(after.rendered, after.pages, "an unreadable cache means a full build");

    // The build after that keeps its predecessor as the spare tree.
    let mut d = model.docs[2].clone();
    d.title.push_str(" (cập nhật)");
    model.write_doc(&d);
    let next = run(site.path(), false);
    assert!(next.rendered < next.pages, "incremental again once the cache is rebuilt");
    let spare = site.path().join(".public.bantin-spare");
    assert!(spare.is_dir(), "the previous build is kept as the spare tree");

    // A spare tree changed behind bantin's back is never trusted: its manifest no longer
    // matches once the directory is replaced.
    std::fs::remove_dir_all(&spare).expect("rm spare");
    std::fs::create_dir(&spare).expect("mkdir spare");
    std::fs::write(spare.join(".bantin-output"), "x").expect("marker");
    std::fs::write(spare.join("index.html"), "stale").expect("stale");
    let mut d = model.docs[1].clone();
    d.body.push_str("\n\nThêm.");
    model.write_doc(&d);
    run(site.path(), false);
    assert_eq!(clean_difference(site.path()), None);
}

/// A theme's style sheet or script is copied as it is and only linked from the pages: a
/// change to one is published at once, and no page is made again for it.
#[test]
fn a_changed_theme_style_sheet_is_copied_and_renders_no_page() {
    let mut rng = Rng(5);
    let site = tempfile::tempdir().expect("tmp");
    let model = Model::new(site.path(), &mut rng);
    let first = run(site.path(), false);
    assert_eq!(first.rendered, first.pages);
    let base = default_theme_file("static/style.css");
    model.write("themes/default/static/style.css", &format!("{base}\n.bantin-test-rule {{ color: red; }}\n"));
    let after = run(site.path(), false);
    assert_eq!(after.rendered, 0, "a style sheet change rendered {} pages", after.rendered);
    let published =
        std::fs::read_to_string(site.path().join("public/style.css")).expect("published style sheet");
    assert!(published.contains(".bantin-test-rule"), "the changed style sheet was not published");
    let again = run(site.path(), false);
    assert_eq!((again.rendered, again.files), (0, 0), "a rebuild without changes does nothing");
    // A template is what pages are made from: changing one still renders them.
    let base_template = default_theme_file("templates/base.html");
    model.write("themes/default/templates/base.html", &format!("{base_template}<!-- changed -->\n"));
    let templated = run(site.path(), false);
    assert_eq!(templated.rendered, templated.pages, "a template change renders every page");
    assert_eq!(clean_difference(site.path()), None);
}

/// When what parsing depends on changes (here the time zone), the cache's parsed bulletins
/// cannot be used and every bulletin is parsed again, though no source changed: under a
/// budget their bodies go to the spill file, as in a first build, not all into memory.
#[test]
fn a_new_parse_key_parses_every_bulletin_within_the_budget() {
    let mut rng = Rng(11);
    let site = tempfile::tempdir().expect("tmp");
    let _model = Model::new(site.path(), &mut rng);
    assert!(spilled(&run_within(site.path(), false, Some(1))), "the first build spills");
    let toml_path = site.path().join("site.toml");
    let toml = std::fs::read_to_string(&toml_path).expect("site.toml");
    std::fs::write(&toml_path, format!("timezone = \"Asia/Tokyo\"\n{toml}")).expect("site.toml");
    let again = run_within(site.path(), false, Some(1));
    assert_eq!(again.rendered, again.pages, "another time zone renders every page");
    assert!(spilled(&again), "every bulletin was parsed again without the spill file");
    assert_eq!(clean_difference(site.path()), None);
}

/// A budget that holds the archive but not every page's cards, nor every body read back:
/// when the site's title changes, every page is rendered again from bulletins the cache
/// kept, their bodies read back from the sources to a spill file made mid-build (none was
/// needed for parsing), and the cards made wherever a page shows them. The site is the same
/// byte for byte as a clean build without a budget.
#[test]
fn every_page_rendered_again_under_a_budget_that_holds_only_the_archive() {
    let site = tempfile::tempdir().expect("tmp");
    let root = site.path();
    let sentence = "Mưa lớn kéo dài nhiều ngày khiến nước sông Hồng dâng cao, người dân ven sông được đưa đến nơi an toàn. ";
    let bulletins = 12;
    for i in 0..bulletins {
        let path = root.join(format!("content/2024/tin-{i}.md"));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let body: String = (0..14).map(|k| format!("{sentence}Đoạn {k} của tin {i}.\n\n")).collect();
        std::fs::write(
            &path,
            format!(
                "---\ntitle: \"Tin số {i}\"\ndate: 2024-05-{:02}\ntags: [\"thời tiết\"]\n---\n{body}",
                i + 1
            ),
        )
        .expect("write");
    }
    let toml = "base_url = \"https://tin.example/\"\nper_page = 4\nsearch = true\n";
    std::fs::write(root.join("site.toml"), format!("title = \"Tin A\"\n{toml}")).expect("site.toml");
    // About 3 KB a bulletin: more than the archive takes (1.3 KB), less than its cards (4 KB)
    // or its bodies read back (300 words).
    let budget = Some(3_000 * bulletins);
    run_within(root, false, budget);
    std::fs::write(root.join("site.toml"), format!("title = \"Tin B\"\n{toml}")).expect("site.toml");
    let again = run_within(root, false, budget);
    assert_eq!(again.rendered, again.pages, "a new title renders every page");
    let stages: Vec<&str> = again.timings.stages.iter().map(|(s, _, _)| *s).collect();
    assert!(stages.contains(&"plan pages (bodies read back to disk)"), "bodies held: {stages:?}");
    assert_eq!(clean_difference(root), None);
}

/// Under a memory budget too small to hold any body, every body parsed goes to the build's
/// spill file and is read back from there by the pages, feeds and search index: the site,
/// built clean or incrementally through edits, is the same byte for byte as one built without
/// a budget.
#[test]
fn a_tiny_memory_budget_gives_the_same_site() {
    let mut rng = Rng(7);
    let site = tempfile::tempdir().expect("tmp");
    let mut model = Model::new(site.path(), &mut rng);
    let first = run_within(site.path(), false, Some(1));
    assert!(spilled(&first), "the bodies were not spilled");
    let reference = tempfile::tempdir().expect("tmp");
    copy_inputs(site.path(), reference.path());
    assert!(!spilled(&run(reference.path(), true)), "bodies spilled without a budget");
    let (a, b) = (tree(&site.path().join("public")), tree(&reference.path().join("public")));
    assert!(a == b, "{}", describe_difference(&a, &b));
    // The index updated in place under the budget keeps the files it makes in the spill file
    // until the update is made: some step must take that way.
    let mut updates = 0;
    for step in 0..8 {
        let (what, _) = model.edit(&mut rng);
        let report = run_within(site.path(), step % 4 == 3, Some(1));
        updates += usize::from(report.timings.stages.iter().any(|(s, _, _)| *s == "search index (update)"));
        assert_eq!(clean_difference(site.path()), None, "after {what}");
    }
    assert!(updates > 0, "the search index was never updated in place under the budget");
}

/// Under a tiny budget the summaries of the bulletins taken from the build cache are read back
/// from the cache's log, where their records hold them: with every list page made again (the
/// site's title changed) and one bulletin edited (so the build has a spill file), every card
/// shows the same summary as a clean build's, front matter's or the first paragraph's.
#[test]
fn cached_summaries_read_back_from_the_log_are_the_same_text() {
    let site = tempfile::tempdir().expect("tmp");
    let root = site.path();
    for i in 0..9 {
        let path = root.join(format!("content/2024/tin-{i}.md"));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        // Some summaries are given, one is also the title, the rest are first paragraphs.
        let summary = match i % 3 {
            0 => format!("summary: \"Tóm tắt riêng của tin {i}: mưa lớn ở Huế.\"\n"),
            1 => format!("summary: \"Tin số {i}\"\n"),
            _ => String::new(),
        };
        let text = format!(
            "---\ntitle: \"Tin số {i}\"\ndate: 2024-05-{:02}\n{summary}---\nĐoạn đầu của tin {i}, về nước sông Hồng.\n\nĐoạn sau.\n",
            i + 1
        );
        std::fs::write(&path, text).expect("write");
    }
    let toml = "base_url = \"https://tin.example/\"\nper_page = 4\nsearch = true\n";
    std::fs::write(root.join("site.toml"), format!("title = \"Tin A\"\n{toml}")).expect("site.toml");
    assert!(spilled(&run_within(root, false, Some(1))));
    std::fs::write(root.join("site.toml"), format!("title = \"Tin B\"\n{toml}")).expect("site.toml");
    let edited = root.join("content/2024/tin-4.md");
    let text = std::fs::read_to_string(&edited).expect("read");
    std::fs::write(&edited, text.replace("Đoạn sau.", "Đoạn sau, sửa lại.")).expect("edit");
    let again = run_within(root, false, Some(1));
    assert_eq!(again.rendered, again.pages, "a new title renders every page");
    assert_eq!(clean_difference(root), None);
    let month = std::fs::read_to_string(root.join("public/2024/05/index.html")).expect("month");
    assert!(
        month.contains("Tóm tắt riêng của tin 6: mưa lớn ở Huế.") && month.contains("Đoạn đầu của tin 8")
    );
}
