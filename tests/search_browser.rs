//! The search page in a real headless Chromium, against a fixture site built by the real
//! binary and served on 127.0.0.1.

mod common;

use common::Site;
use common::browser::{Browser, serve};
use serde_json::Value;

fn fixture() -> Site {
    let site = Site::new("title = \"Tìm kiếm thử\"\nbase_url = \"https://tin.example/\"\n");
    let b = |file: &str, title: &str, date: &str, tags: &str, body: &str| {
        site.bulletin(
            file,
            &format!("title: \"{title}\"\ndate: {date}\ntags: [{tags}]\nauthor: Phóng viên"),
            body,
        );
    };
    b(
        "2024/10/mua-lon-o-da-nang.md",
        "Mưa lớn ở Đà Nẵng",
        "2024-10-01",
        "thời tiết",
        "Đà Nẵng mưa suốt đêm, nhiều tuyến phố ngập.",
    );
    // Written with U+00D0, as old keyboards do.
    b(
        "don-khach.md",
        "\u{00D0}à Nẵng đón khách du lịch",
        "2024-10-02",
        "du lịch",
        "Thành phố \u{00D0}à Nẵng đón khách.",
    );
    b(
        "may-bom.md",
        "Máy bơm đa năng cho nông dân",
        "2024-10-03",
        "nông nghiệp",
        "Chiếc máy đa năng giúp tưới tiêu.",
    );
    b("guide.md", "Da Nang travel guide", "2024-10-04", "du lịch", "A short guide to Da Nang for visitors.");
    b(
        "an-ninh.md",
        "Giữ vững an ninh trật tự dịp lễ",
        "2024-09-01",
        "an ninh",
        "Công an bảo đảm an ninh trật tự.",
    );
    b(
        "rai-rac.md",
        "Trật tự giao thông và an ninh biên giới",
        "2024-09-20",
        "giao thông",
        "Trật tự đô thị được lập lại; an ninh vùng biên ổn định.",
    );
    b(
        "giao-duc-1.md",
        "Trường học mới khai giảng",
        "2024-09-05",
        "giáo dục",
        "Năm học mới, trường học sạch đẹp.",
    );
    b(
        "giao-duc-2.md",
        "Trường học vùng cao cần giúp đỡ",
        "2024-09-06",
        "từ thiện",
        "Trường học vùng cao thiếu sách.",
    );
    site.bulletin(
        "xss.md",
        "title: \"<img src=x onerror=window.__xss=1>\"\ndate: 2024-08-01\n\
         tags: [\"<b>thẻ</b>\", \"<img src=x onerror=window.__xss=3>\"]\n\
         author: \"<svg onload=window.__xss=4>\"\n\
         summary: \"<iframe src=javascript:window.__xss=5>\"",
        "xssprobe <script>window.__xss=2</script> <img src=x onerror=window.__xss=6> [x](javascript:window.__xss=7)",
    );
    site.build(&[]);
    site
}

struct Page<'a> {
    browser: &'a Browser,
    base: String,
}

impl Page<'_> {
    /// Opens the search page with a query string and waits for the search to settle.
    fn search(&self, query: &str) -> Vec<String> {
        self.browser.goto(&format!("{}/search/?{query}", self.base));
        self.settle();
        self.titles()
    }

    fn settle(&self) {
        self.browser.wait_for(
            "document.getElementById('search-status').textContent !== '' && \
             !document.getElementById('search-status').textContent.startsWith('Đang tìm')",
        );
    }

    fn titles(&self) -> Vec<String> {
        let v = self.browser.eval(
            "return Array.from(document.querySelectorAll('#search-results .result-title a')).map(a => a.textContent);",
        );
        serde_json::from_value(v).expect("titles")
    }

    fn status(&self) -> String {
        self.browser
            .eval("return document.getElementById('search-status').textContent;")
            .as_str()
            .unwrap_or("")
            .into()
    }
}

#[test]
fn search_page_in_chromium() {
    let Some(browser) = Browser::launch("search_page_in_chromium") else { return };
    let site = fixture();
    let page = Page { browser: &browser, base: serve(&site.public()) };

    // A word typed without marks matches every spelling alike.
    let mut titles = page.search("q=da+nang");
    titles.sort();
    let all = [
        "Da Nang travel guide",
        "Máy bơm đa năng cho nông dân",
        "Mưa lớn ở Đà Nẵng",
        "Đà Nẵng đón khách du lịch",
    ];
    assert_eq!(titles, all);
    // Typed with marks, those marks come first, then the other spellings; U+00D0 is the same
    // letter as U+0110.
    for q in ["q=%C4%90%C3%A0+N%E1%BA%B5ng", "q=%C3%90%C3%A0+N%E1%BA%B5ng"] {
        let titles = page.search(q);
        let mut first = titles[..2].to_vec();
        first.sort();
        assert_eq!(first, ["Mưa lớn ở Đà Nẵng", "Đà Nẵng đón khách du lịch"], "{q}: {titles:?}");
        assert_eq!(titles.len(), 4, "{q}: {titles:?}");
    }
    assert_eq!(page.search("q=%C4%91a+n%C4%83ng")[0], "Máy bơm đa năng cho nông dân");

    // Adjacent words in order outrank scattered ones; a quoted phrase needs adjacency.
    let titles = page.search("q=an+ninh+tr%E1%BA%ADt+t%E1%BB%B1");
    assert_eq!(titles, ["Giữ vững an ninh trật tự dịp lễ", "Trật tự giao thông và an ninh biên giới"]);
    assert_eq!(page.search("q=%22an+ninh+tr%E1%BA%ADt+t%E1%BB%B1%22"), ["Giữ vững an ninh trật tự dịp lễ"]);

    // A tag filter, and facet links for it.
    let titles = page.search("q=tr%C6%B0%E1%BB%9Dng+h%E1%BB%8Dc");
    assert_eq!(titles.len(), 2, "{titles:?}");
    // The facets are fetched after the results are shown: waited for, not read at once (under
    // a loaded machine the read came first).
    browser.wait_for(
        "Array.from(document.querySelectorAll('#search-facets a')).map(a => a.textContent).includes('giáo dục')",
    );
    assert_eq!(
        page.search("q=tr%C6%B0%E1%BB%9Dng+h%E1%BB%8Dc&tag=gi%C3%A1o+d%E1%BB%A5c"),
        ["Trường học mới khai giảng"]
    );
    assert_eq!(
        browser.eval("return document.getElementById('search-q').value;"),
        Value::String("trường học".into()),
        "the deep link fills the search box"
    );

    // No results, and partial results, each say so.
    assert!(page.search("q=xyzzy").is_empty());
    assert_eq!(page.status(), "Không tìm thấy bản tin nào.");
    let titles = page.search("q=%C4%90%C3%A0+N%E1%BA%B5ng+xyzzy");
    assert_eq!(titles.len(), 4, "{titles:?}");
    assert!(page.status().contains("khớp một phần"), "{}", page.status());

    // A hostile title is shown as text and runs nothing.
    assert_eq!(page.search("q=xssprobe"), ["<img src=x onerror=window.__xss=1>"]);
    assert_eq!(browser.eval("return typeof window.__xss;"), Value::String("undefined".into()));
    assert_eq!(
        browser.eval(
            "return document.querySelectorAll('#search-results img, #search-results script, \
             #search-results svg, #search-results iframe').length;"
        ),
        0
    );
    // Its tags and author are shown, as text.
    let shown = browser.eval("return document.getElementById('search-results').textContent;");
    let shown = shown.as_str().unwrap_or("");
    assert!(
        shown.contains("<img src=x onerror=window.__xss=3>") && shown.contains("<svg onload=window.__xss=4>"),
        "{shown}"
    );
    // Following the hostile tag as a filter keeps everything inert.
    page.search("tag=%3Cimg+src%3Dx+onerror%3Dwindow.__xss%3D3%3E");
    assert_eq!(page.titles(), ["<img src=x onerror=window.__xss=1>"]);
    assert_eq!(browser.eval("return typeof window.__xss;"), Value::String("undefined".into()));

    // The page alone does not load the engine; typing a query does, and it answers.
    browser.goto(&format!("{}/search/", page.base));
    let loaded =
        "return performance.getEntriesByType('resource').some(e => e.name.endsWith('search-engine.js'));";
    assert_eq!(browser.eval(loaded), Value::Bool(false));
    browser.type_into("#search-q", "truong hoc\u{E007}");
    page.settle();
    assert_eq!(browser.eval(loaded), Value::Bool(true));
    assert!(!page.titles().is_empty(), "{}", page.status());

    // Typing and pressing Enter puts the query in the URL; the back button restores the last.
    page.search("q=xssprobe");
    browser.eval("document.getElementById('search-q').value = ''; return null;");
    browser.type_into("#search-q", "da nang\u{E007}");
    browser.wait_for("location.search === '?q=da+nang'");
    page.settle();
    browser.wait_for("document.querySelectorAll('#search-results li.result').length === 4");
    browser.eval("history.back(); return null;");
    browser.wait_for("location.search === '?q=xssprobe'");
    browser.wait_for("document.querySelectorAll('#search-results li.result').length === 1");
}

#[test]
fn every_page_has_a_search_box_that_works_without_javascript() {
    let site = fixture();
    let home = site.page("");
    let action = common::attrs(&home, "form.site-search", "action");
    assert_eq!(action, ["./search/"]);
    assert_eq!(common::attrs(&home, "form.site-search input", "name"), ["q"]);
    let page = site.page("2024/10/mua-lon-o-da-nang/");
    assert_eq!(common::attrs(&page, "form.site-search", "action"), ["../../../search/"]);
    // Without JS the search page says what to do instead of staying blank.
    let search = site.page("search/");
    // (In a <noscript>, which a parser with scripting on reads as text.)
    let noscript = common::texts(&search, "noscript").join(" ");
    assert!(noscript.contains("search-noscript"), "{noscript}");
}

#[test]
fn a_common_word_shows_at_least_its_heads_results_and_more_reads_the_whole_list() {
    let Some(browser) = Browser::launch("a_common_word_shows_at_least_its_heads_results") else { return };
    // 3,100 bulletins say "bảo vệ", every 50th in its title: the word has a head of 1,000
    // bulletins. The page is told to read lists of more than 500 postings from heads (as it
    // does beyond 8,000).
    let site = Site::new("title = \"Tìm kiếm thử\"\nbase_url = \"https://tin.example/\"\n");
    for b in 0..3100 {
        let title = if b % 50 == 0 { format!("Bảo vệ số {b}") } else { format!("Tin số {b}") };
        let fm = format!(
            "title: \"{title}\"\ndate: 2020-01-{:02}T{:02}:{:02}:00Z",
            b % 28 + 1,
            b / 60 % 24,
            b % 60
        );
        site.bulletin(&format!("x/{b}.md"), &fm, "Công tác bảo vệ.");
    }
    site.build(&[]);
    let base = serve(&site.public());
    browser.goto(&format!("{base}/search/"));
    browser.eval("document.getElementById('search').dataset.wholePostings = '500'; return null;");
    browser.type_into("#search-q", "bảo\u{E007}");
    browser.wait_for("document.querySelectorAll('#search-results li.result').length === 10");
    let status = browser.eval("return document.getElementById('search-status').textContent;");
    assert!(status.as_str().is_some_and(|s| s.contains("ít nhất 1000")), "{status}");
    // Counts the page does not know are not shown: the year facet has none.
    assert_eq!(browser.eval("return document.querySelectorAll('#search-facets .count').length;"), 0);
    // "More results" pages through the head's thousand, then reads the whole list.
    let shown = browser.eval_async(
        "const done = arguments[0];
         const list = document.getElementById('search-results');
         const more = document.getElementById('search-more');
         (async () => {
           while (list.children.length < 1010 && !more.hidden) {
             const n = list.children.length;
             more.click();
             const t0 = Date.now();
             while (list.children.length === n && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 5));
             if (list.children.length === n) break;
           }
           const links = Array.from(list.querySelectorAll('.result-title a')).map((a) => a.textContent);
           done([list.children.length, new Set(links).size, more.hidden]);
         })();",
    );
    assert_eq!(shown, serde_json::json!([1010, 1010, false]), "results after the head's thousand");
}
