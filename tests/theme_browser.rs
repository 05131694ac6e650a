//! The default theme in a real headless Chromium: every page kind of the example site at a
//! phone and a desktop width, in light and dark schemes (and at 320 and 1920 pixels for
//! horizontal scrolling alone) — no horizontal scrolling, no console
//! errors, no failed requests, nothing fetched from anywhere but the site, and no axe-core
//! accessibility violations, no layout shift while the page loads, and every picture loaded
//! (none broken). Each kind of page also shows what a newspaper's does: the front page its lead
//! story and section blocks; a bulletin its breadcrumb, sapo and share links to its own
//! address; lists their thumbnails; the search page one search box. Screenshots go to
//! target/screenshots/.

mod common;

use std::path::{Path, PathBuf};

use common::browser::{Browser, serve, serve_pictures_late};
use serde_json::{Value, json};

const PAGES: &[(&str, &str)] = &[
    ("home", "/"),
    ("home-page-2", "/page/2/"),
    ("bulletin", "/2024/12/chuyen-doi-so/"),
    ("bulletin-table", "/2020/02/phong-chong-dich-truong-hoc/"),
    ("tags", "/tags/"),
    ("tag", "/tags/an-ninh/"),
    ("authors", "/authors/"),
    ("author", "/authors/minh-anh/"),
    ("archive", "/archive/"),
    ("year", "/2020/"),
    ("month", "/2020/02/"),
    ("search", "/search/?q=da+nang"),
    ("not-found", "/404.html"),
    ("section", "/thoi-su/"),
    ("corrected-bulletin", "/2025/10/an-ninh-trat-tu-thanh-pho/"),
    ("corrections", "/corrections/"),
    ("bulletin-photos", "/2025/02/le-hoi-dau-xuan/"),
    ("bundle-photo", "/2025/07/nang-nong/"),
];

/// One Chromium at a time: the layout-shift and loading checks are about the page, not about
/// two browsers sharing the machine's cores.
static ONE_BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn axe_source() -> Option<String> {
    let path = std::env::var_os("BANTIN_AXE").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/node/node_modules/axe-core/axe.min.js")
    });
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(_) => {
            let msg = format!(
                "theme_browser: SKIPPED — axe-core not found at {} (npm install --prefix .ci/node axe-core@4)",
                path.display()
            );
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{msg}; CI=true requires it");
            }
            eprintln!("\n!!!!!!!! {msg} !!!!!!!!\n");
            None
        }
    }
}

fn build_example() -> (tempfile::TempDir, PathBuf) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("public");
    let run = assert_cmd::Command::cargo_bin("bantin")
        .expect("bin")
        .args(["--root", &repo.to_string_lossy(), "build", "--quiet", "--out", &out.to_string_lossy()])
        .output()
        .expect("build");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    (dir, out)
}

#[test]
fn every_page_kind_at_two_widths_in_both_schemes() {
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::launch("every_page_kind_at_two_widths_in_both_schemes") else { return };
    let Some(axe) = axe_source() else { return };
    let (_dir, public) = build_example();
    let base = serve_pictures_late(&public, std::time::Duration::from_millis(300));
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    let mut failures = Vec::new();
    browser.logs("browser");
    browser.logs("performance");

    for (width, height, mobile) in [(375u32, 812u32, true), (1366, 768, false)] {
        browser.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
        );
        for scheme in ["light", "dark"] {
            browser.cdp(
                "Emulation.setEmulatedMedia",
                json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
            );
            for (kind, path) in PAGES {
                let label = format!("{kind} at {width}px, {scheme}");
                // The page loaded, and on the search page its results shown.
                let load = || {
                    browser.goto(&format!("{base}{path}"));
                    browser.wait_for("document.readyState === 'complete'");
                    if *kind == "search" {
                        browser.wait_for("document.querySelectorAll('#search-results li').length > 0");
                    }
                };
                load();
                // Layout shift while loading: pictures carry their size, so nothing moves. A
                // shift that comes from the page (markup, styles, pictures) comes again when the
                // page is loaded again; one seen once is the machine's load, not the page's, so
                // a shift is reported when the second load shifts too, with what moved.
                let mut shift = layout_shift(&browser);
                if shift.is_some() {
                    load();
                    if let (Some(first), Some(again)) = (shift.take(), layout_shift(&browser)) {
                        failures.push(format!("{label}: layout shift on two loads: {first}; then {again}"));
                    }
                }
                // Every picture, lazy ones too, loads and decodes.
                let broken = browser.eval_async(
                    "const done = arguments[0]; const imgs = [...document.images];\
                     Promise.all(imgs.map(i => { i.loading = 'eager'; return i.decode().then(() => null, () => i.currentSrc || i.src || '?'); }))\
                     .then(r => done(r.filter(x => x)));",
                );
                for b in broken.as_array().cloned().unwrap_or_default() {
                    failures.push(format!("{label}: broken picture {b}"));
                }
                if *kind == "bulletin-photos" || *kind == "home" {
                    let shown = browser.eval("return document.querySelectorAll('picture img').length;");
                    if shown.as_i64().unwrap_or(0) == 0 {
                        failures.push(format!("{label}: no photo shown"));
                    }
                }
                for problem in newspaper_checks(&browser, kind, mobile) {
                    failures.push(format!("{label}: {problem}"));
                }
                if *kind == "bulletin-photos" {
                    // Printed: the story alone, without the site's navigation.
                    browser.cdp("Emulation.setEmulatedMedia", json!({"media": "print"}));
                    let shown = browser.eval(
                        "const seen = s => [...document.querySelectorAll(s)].some(e => e.offsetParent !== null);\
                         return ['.masthead', '.share', '.neighbours', '.site-footer', '.breadcrumb', 'article.bulletin h1', '.bulletin .body']\
                         .filter(seen);",
                    );
                    if shown != json!(["article.bulletin h1", ".bulletin .body"]) {
                        failures.push(format!("{label}: printed, these show: {shown}"));
                    }
                    browser.cdp(
                        "Emulation.setEmulatedMedia",
                        json!({"media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]}),
                    );
                }
                let overflow =
                    browser.eval("return document.documentElement.scrollWidth - window.innerWidth;");
                if overflow.as_i64().unwrap_or(0) > 0 {
                    failures.push(format!("{label}: scrolls horizontally by {overflow}px"));
                }
                let scheme_seen = browser.eval("return matchMedia('(prefers-color-scheme: dark)').matches;");
                assert_eq!(scheme_seen, Value::Bool(scheme == "dark"), "{label}: scheme emulation");
                browser.eval(&format!("{axe}\nreturn true;"));
                let result = browser.eval_async(
                    "const done = arguments[0]; axe.run(document, {resultTypes: ['violations']})\
                     .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' + \
                     v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))\
                     .catch(e => done(['axe failed: ' + e]));",
                );
                for v in result.as_array().cloned().unwrap_or_default() {
                    failures.push(format!("{label}: {}", v.as_str().unwrap_or("?")));
                }
                browser.screenshot(&shots.join(format!("{kind}-{width}-{scheme}.png")));

                for entry in browser.logs("browser") {
                    if entry["level"] == "SEVERE" {
                        failures.push(format!("{label}: console error: {}", entry["message"]));
                    }
                }
                for entry in browser.logs("performance") {
                    let msg: Value =
                        serde_json::from_str(entry["message"].as_str().unwrap_or("{}")).unwrap_or_default();
                    let method = msg["message"]["method"].as_str().unwrap_or("");
                    let params = &msg["message"]["params"];
                    if method == "Network.requestWillBeSent" {
                        let url = params["request"]["url"].as_str().unwrap_or("");
                        // Chromium's own UI (chrome://…) sometimes loads while the page does;
                        // a web page cannot request those, so they are not the site's.
                        let browser_internal = ["chrome://", "chrome-untrusted://", "devtools://"]
                            .iter()
                            .any(|p| url.starts_with(p));
                        if !(url.starts_with(&base) || url.starts_with("data:") || browser_internal) {
                            failures.push(format!("{label}: request leaves the site: {url}"));
                        }
                    }
                    if method == "Network.loadingFailed" {
                        failures.push(format!("{label}: failed request: {}", params["errorText"]));
                    }
                    if method == "Network.responseReceived" {
                        let status = params["response"]["status"].as_i64().unwrap_or(0);
                        let url = params["response"]["url"].as_str().unwrap_or("");
                        if status >= 400 && !url.ends_with("/404.html") {
                            failures.push(format!("{label}: HTTP {status} for {url}"));
                        }
                    }
                }
            }
        }
    }
    // The narrowest phone and a wide screen: no page scrolls sideways.
    for (width, height, mobile) in [(320u32, 640u32, true), (1920, 1080, false)] {
        browser.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
        );
        for (kind, path) in PAGES {
            browser.goto(&format!("{base}{path}"));
            browser.wait_for("document.readyState === 'complete'");
            let overflow = browser.eval("return document.documentElement.scrollWidth - window.innerWidth;");
            if overflow.as_i64().unwrap_or(0) > 0 {
                failures.push(format!("{kind} at {width}px: scrolls horizontally by {overflow}px"));
            }
        }
    }
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
}

/// The layout shifts of the page loaded, summed, with what moved where; None when nothing moved.
fn layout_shift(browser: &Browser) -> Option<String> {
    let shifts = browser.eval_async(
        "const done = arguments[0]; const seen = [];\
         new PerformanceObserver(l => { for (const e of l.getEntries()) if (!e.hadRecentInput) seen.push(e); })\
         .observe({type: 'layout-shift', buffered: true});\
         const rect = r => [r.x, r.y, r.width, r.height].map(Math.round).join(',');\
         setTimeout(() => done({sum: seen.reduce((s, e) => s + e.value, 0), moved: seen.flatMap(e => e.sources.map(s =>\
           (s.node ? s.node.nodeName + (s.node.className ? '.' + s.node.className : '') : '?') +\
           ' from ' + rect(s.previousRect) + ' to ' + rect(s.currentRect) + ' at ' + Math.round(e.startTime) + ' ms'))}), 200);",
    );
    let sum = shifts["sum"].as_f64().unwrap_or(0.0);
    (sum > 0.0).then(|| format!("{sum} ({})", shifts["moved"]))
}

/// A video in a bulletin is a link in the player's shape, which fetches nothing from the
/// video's site, until a click puts YouTube's player without its cookies in its place.
#[test]
fn a_video_plays_in_place_on_a_click_and_nothing_is_fetched_before() {
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::launch("a_video_plays_in_place_on_a_click_and_nothing_is_fetched_before")
    else {
        return;
    };
    let (_dir, public) = build_example();
    let base = serve(&public);
    browser.goto(&format!("{base}/2024/12/chuyen-doi-so/"));
    browser.wait_for("document.readyState === 'complete'");
    let before = browser.eval(
        "const a = document.querySelector('figure.video > a.video-link'); const r = a.getBoundingClientRect();\
         return {href: a.getAttribute('href'), ratio: r.width / r.height, frames: document.querySelectorAll('iframe').length,\
                 elsewhere: performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin))};",
    );
    assert_eq!(before["href"], "https://www.youtube.com/watch?v=jNQXAC9IVRw", "{before}");
    assert!((before["ratio"].as_f64().unwrap_or(0.0) - 16.0 / 9.0).abs() < 0.05, "16:9: {before}");
    assert_eq!(before["frames"], 0, "{before}");
    assert_eq!(before["elsewhere"], json!([]), "{before}");
    let after = browser.eval(
        "document.querySelector('figure.video > a.video-link').click();\
         const f = document.querySelector('figure.video > iframe');\
         return f && {src: f.src, title: f.title, focused: document.activeElement === f, links: document.querySelectorAll('figure.video > a').length};",
    );
    assert_eq!(after["src"], "https://www.youtube-nocookie.com/embed/jNQXAC9IVRw?autoplay=1", "{after}");
    assert_eq!(after["title"], "www.youtube.com/watch?v=jNQXAC9IVRw", "{after}");
    assert_eq!((after["focused"].clone(), after["links"].clone()), (json!(true), json!(0)), "{after}");
}

/// One second of silence as a WAV file (8 kHz, 8-bit mono): a sound the browser plays.
fn wav_second() -> Vec<u8> {
    let (rate, samples) = (8000u32, 8000u32);
    let mut w = Vec::new();
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + samples).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes()); // PCM
    w.extend_from_slice(&1u16.to_le_bytes()); // mono
    w.extend_from_slice(&rate.to_le_bytes());
    w.extend_from_slice(&rate.to_le_bytes()); // bytes a second
    w.extend_from_slice(&1u16.to_le_bytes()); // bytes a frame
    w.extend_from_slice(&8u16.to_le_bytes()); // bits a sample
    w.extend_from_slice(b"data");
    w.extend_from_slice(&samples.to_le_bytes());
    w.resize(w.len() + samples as usize, 128);
    w
}

/// A link to a sound file beside the bulletin, alone in its paragraph, is a play button with
/// its words and the file's note: nothing of it fetched before the reader asks; a click puts
/// the browser's player of the published file above them, which reads the file's second.
#[test]
fn a_sound_file_plays_in_the_page_and_nothing_is_fetched_before() {
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::launch("a_sound_file_plays_in_the_page_and_nothing_is_fetched_before")
    else {
        return;
    };
    let site = common::Site::new("base_url = \"https://tin.example/\"\n");
    site.write_bytes("content/2025/07/Bản tin 18h.wav", &wav_second());
    site.bulletin(
        "2025/07/phat-thanh.md",
        "title: Bản tin phát thanh\ndate: 2025-07-01",
        "Lời dẫn.\n\n[Nghe bản tin 18 giờ](<Bản tin 18h.wav>)\n",
    );
    site.build(&[]);
    let base = serve(&site.public());
    browser.goto(&format!("{base}/2025/07/phat-thanh/"));
    browser.wait_for("document.readyState === 'complete'");
    let before = browser.eval(
        "const l = document.querySelector('figure.audio > a.audio-link'); const b = l.querySelector('.audio-play').getBoundingClientRect();\
         return {link: l.href, words: l.textContent, players: document.querySelectorAll('audio').length, button: [b.width, b.height],\
                 fetched: performance.getEntriesByType('resource').map(e => e.name).filter(n => n.endsWith('.wav'))};",
    );
    let file = format!("{base}/files/2025/07/ban-tin-18h.wav");
    assert_eq!(before["link"], json!(file), "{before}");
    assert_eq!(before["words"], "Nghe bản tin 18 giờ (WAV, 8 KB)", "{before}");
    assert_eq!(before["players"], 0, "{before}");
    assert!(before["button"][0].as_f64().unwrap_or(0.0) >= 40.0, "a button a finger finds: {before}");
    assert_eq!(before["fetched"], json!([]), "{before}");
    // Clicked, the player of the published file is above the link, and reads its second.
    browser.eval("document.querySelector('figure.audio > a.audio-link').click();");
    browser.wait_for("document.querySelector('figure.audio > audio') && document.querySelector('figure.audio > audio').readyState >= 1");
    let after = browser.eval(
        "const a = document.querySelector('figure.audio > audio');\
         return {src: a.src, duration: a.duration, controls: a.controls, first: a.parentNode.firstElementChild === a,\
                 width: a.getBoundingClientRect().width, focused: document.activeElement === a};",
    );
    assert_eq!(after["src"], json!(file), "{after}");
    assert!((after["duration"].as_f64().unwrap_or(0.0) - 1.0).abs() < 0.01, "{after}");
    assert_eq!((after["controls"].clone(), after["first"].clone()), (json!(true), json!(true)), "{after}");
    assert!(after["width"].as_f64().unwrap_or(0.0) > 200.0, "as wide as the column: {after}");
}

/// Each site's video, clicked, gets that site's player: YouTube's without cookies and from its
/// start time, Vimeo's, Facebook's plugin for a video or a reel, TikTok's; the upright ones in
/// a 9:16 box.
#[test]
fn each_site_s_video_gets_its_player() {
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::launch("each_site_s_video_gets_its_player") else {
        return;
    };
    let site = common::Site::new("base_url = \"https://tin.example/\"\n");
    site.bulletin(
        "2025/07/video.md",
        "title: Video\ndate: 2025-07-01",
        "https://youtu.be/jNQXAC9IVRw?t=1m5s\n\nhttps://player.vimeo.com/video/146022717\n\n\
         https://www.facebook.com/vtv24/videos/1234567890123456/\n\nhttps://fb.watch/aBc-12_x/\n\n\
         [Reel](https://www.facebook.com/reel/987654321)\n\nhttps://www.tiktok.com/@vtv24news/video/7312345678901234567\n",
    );
    site.build(&[]);
    let base = serve(&site.public());
    browser.goto(&format!("{base}/2025/07/video/"));
    browser.wait_for("document.readyState === 'complete'");
    let seen = browser.eval(
        "return [...document.querySelectorAll('figure.video')].map(f => {\
           const a = f.querySelector('a.video-link'); const r = a.getBoundingClientRect();\
           const tall = f.classList.contains('video-tall') && r.height > r.width; a.click();\
           const i = f.querySelector('iframe'); return [i ? i.src : null, tall]; });",
    );
    let fb = |href: &str| {
        format!(
            "https://www.facebook.com/plugins/video.php?autoplay=true&show_text=false&href={}",
            href.replace(':', "%3A").replace('/', "%2F").replace('?', "%3F").replace('=', "%3D")
        )
    };
    assert_eq!(
        seen,
        json!([
            ["https://www.youtube-nocookie.com/embed/jNQXAC9IVRw?autoplay=1&start=65", false],
            ["https://player.vimeo.com/video/146022717?autoplay=1&dnt=1", false],
            [fb("https://www.facebook.com/watch/?v=1234567890123456"), false],
            [fb("https://fb.watch/aBc-12_x/"), false],
            [fb("https://www.facebook.com/reel/987654321"), true],
            ["https://www.tiktok.com/embed/v2/7312345678901234567", true],
        ])
    );
}

/// The front page's pictures on a phone (Lighthouse's mobile screen: 2.625 device pixels per
/// CSS pixel), scrolled to the end so that every lazy one loads: within 300 KB.
#[test]
fn a_phone_downloads_the_front_page_pictures_within_the_budget() {
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(browser) = Browser::launch("a_phone_downloads_the_front_page_pictures_within_the_budget") else {
        return;
    };
    let (_dir, public) = build_example();
    let base = serve(&public);
    browser.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 375, "height": 812, "deviceScaleFactor": 2.625, "mobile": true}),
    );
    browser.goto(&format!("{base}/"));
    browser.wait_for("document.readyState === 'complete'");
    let bytes = browser.eval_async(
        "const done = arguments[0]; let y = 0;\
         const step = () => { y += 400; scrollTo(0, y); if (y < document.body.scrollHeight) setTimeout(step, 50); else settle(); };\
         const settle = () => Promise.all([...document.images].map(i => i.decode().catch(() => null))).then(() => {\
           const imgs = performance.getEntriesByType('resource').filter(e => e.initiatorType === 'img');\
           done({count: imgs.length, bytes: imgs.reduce((n, e) => n + e.encodedBodySize, 0),\
                 pictures: document.querySelectorAll('main img').length}); });\
         step();",
    );
    let (count, total) = (bytes["count"].as_u64().unwrap_or(0), bytes["bytes"].as_u64().unwrap_or(u64::MAX));
    assert!(count >= 3 && count == bytes["pictures"].as_u64().unwrap_or(0), "pictures loaded: {bytes}");
    assert!(total <= 300 * 1024, "the front page's pictures weigh {total} bytes on a phone: {bytes}");
    eprintln!("front page on a phone: {count} pictures, {} KB", total / 1024);
}

/// What each kind of page must show, checked in the page as the reader sees it; the problems
/// found.
fn newspaper_checks(browser: &Browser, kind: &str, mobile: bool) -> Vec<String> {
    let script = match kind {
        // The lead story with its picture, title and sapo; a block per section, each linked to
        // its section's page; the latest news.
        "home" => {
            "const p = []; const lead = document.querySelector('.lead-story');\
             if (!lead || !lead.querySelector('.story-title a') || !lead.querySelector('.summary')) p.push('no lead story');\
             else if (!lead.querySelector('.story-pic img')) p.push('the lead story has no picture');\
             const blocks = [...document.querySelectorAll('.section-block')];\
             if (blocks.length < 2) p.push('section blocks: ' + blocks.length);\
             for (const b of blocks) { const a = b.querySelector('.block-title a');\
               if (!a || !/\\/[a-z0-9-]+\\/$/.test(new URL(a.href).pathname) || !b.querySelector('.story-title')) p.push('a bad block: ' + b.textContent.slice(0, 40)); }\
             if (!document.querySelector('.latest .card-title')) p.push('no latest news');\
             return p;"
        }
        // Breadcrumb to the section, the sapo in bold under the headline, share links that
        // carry the page's own absolute address.
        "bulletin" | "bulletin-photos" | "corrected-bulletin" | "bulletin-table" | "bundle-photo" => {
            "const p = []; const canonical = document.querySelector('link[rel=canonical]').href;\
             if (!/^https?:\\/\\//.test(canonical)) p.push('canonical not absolute: ' + canonical);\
             const crumbs = [...document.querySelectorAll('.breadcrumb a')];\
             if (crumbs.length < 2) p.push('no breadcrumb to a section');\
             const sapo = document.querySelector('.bulletin .sapo') || document.querySelector('.bulletin .first-is-sapo > p:first-child');\
             if (!sapo || parseInt(getComputedStyle(sapo).fontWeight) < 600) p.push('no sapo in bold');\
             const share = [...document.querySelectorAll('.share a')];\
             if (share.length < 4) p.push('share links: ' + share.length);\
             for (const a of share) { const href = decodeURIComponent(a.getAttribute('href'));\
               if (!href.includes(canonical)) p.push('share link without the address: ' + a.href); }\
             const time = document.querySelector('.byline time');\
             if (!time || !/^(Thứ|Chủ Nhật|Tháng)/.test(time.textContent)) p.push('dateline: ' + (time && time.textContent));\
             return p;"
        }
        // The section's cards, with a thumbnail that loads for the bulletin with a photo.
        "section" => {
            "const p = []; const thumbs = [...document.querySelectorAll('.card .thumb img')];\
             if (!thumbs.length) p.push('no thumbnails');\
             for (const i of thumbs) if (!i.complete || !i.naturalWidth) p.push('thumbnail not loaded: ' + i.currentSrc);\
             if (document.querySelectorAll('.breadcrumb a').length < 2) p.push('no breadcrumb');\
             return p;"
        }
        // The most used tags, then A to Z with an index of letters.
        "tags" => {
            "const p = []; const cloud = document.querySelector('.term-cloud'), letters = document.querySelector('.letters');\
             if (!cloud || !letters) p.push('no most-used list or letter index');\
             else if (cloud.compareDocumentPosition(letters) !== Node.DOCUMENT_POSITION_FOLLOWING) p.push('A-Z before the most used');\
             const counts = [...document.querySelectorAll('.term-cloud .count')].map(c => +c.textContent);\
             if (counts.some((c, i) => i && c > counts[i - 1])) p.push('most used not in order: ' + counts);\
             return p;"
        }
        // One search box, whatever the width; results with their section and, for a bulletin
        // with a lead photo, its thumbnail.
        "search" => {
            "const p = []; const shown = [...document.querySelectorAll('input[type=search]')].filter(i => i.offsetParent !== null);\
             if (shown.length !== 1) p.push('search boxes shown: ' + shown.length);\
             if (!document.querySelector('.result .kicker a')) p.push('no result names its section');\
             const thumbs = [...document.querySelectorAll('.result-thumb img')];\
             if (!thumbs.length) p.push('no result thumbnail');\
             for (const i of thumbs) if (i.getBoundingClientRect().width < 40) p.push('thumbnail too small: ' + i.src);\
             return p;"
        }
        // Months side by side under their year, also on a phone.
        "archive" => {
            "const list = document.querySelector('.month-list');\
             const columns = list ? getComputedStyle(list).gridTemplateColumns.split(' ').length : 0;\
             return columns >= 3 ? [] : ['months in ' + columns + ' column(s)'];"
        }
        _ => return Vec::new(),
    };
    let found = browser.eval(script);
    let mut problems: Vec<String> =
        found.as_array().into_iter().flatten().map(|v| v.as_str().unwrap_or("?").to_string()).collect();
    // On a phone the masthead offers a link to the search page instead of a second box.
    if mobile && kind != "search" {
        let boxes = browser.eval(
            "return [...document.querySelectorAll('input[type=search]')].filter(i => i.offsetParent !== null).length;",
        );
        if boxes.as_i64() != Some(0) {
            problems.push(format!("{boxes} search boxes in the masthead on a phone"));
        }
    }
    problems
}
