//! `bantin serve` as an editor uses it: pages served, rebuilt after an edit, the last good
//! build kept after a broken edit, open pages told to reload, and no file outside the build
//! ever served.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Site;

struct Server {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(site: &Site) -> Server {
    start_with_temp(site, &std::env::temp_dir())
}

/// Starts serve with `temp` as its temporary directory.
fn start_with_temp(site: &Site, temp: &std::path::Path) -> Server {
    // Port 0: the server takes a free port and prints it, so parallel tests never collide.
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("bantin"))
        .current_dir(site.root())
        .args(["serve", "--port", "0"])
        .env("TMPDIR", temp)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let stderr = Arc::new(Mutex::new(String::new()));
    let pipe = child.stderr.take().expect("stderr");
    let sink = Arc::clone(&stderr);
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if let Ok(mut s) = sink.lock() {
                s.push_str(&line);
                s.push('\n');
            }
        }
    });
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut port = 0;
    let mut line = String::new();
    while port == 0 && stdout.read_line(&mut line).is_ok_and(|n| n > 0) {
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            port = rest.split('/').next().and_then(|p| p.parse().ok()).unwrap_or(0);
        }
        line.clear();
    }
    assert_ne!(
        port,
        0,
        "serve did not say where it listens: {}",
        stderr.lock().map(|s| s.clone()).unwrap_or_default()
    );
    std::thread::spawn(move || for _ in stdout.lines() {});
    let server = Server { child, port, stderr };
    wait_until(|| get(&server, "/").0 == 200, "the server to answer");
    server
}

/// A raw HTTP/1.1 GET: (status, body).
fn raw(server: &Server, target: &str) -> (u16, String) {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", server.port)) else { return (0, String::new()) };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = write!(s, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let resp = String::from_utf8_lossy(&resp).into_owned();
    let status = resp.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = resp.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

fn get(server: &Server, path: &str) -> (u16, String) {
    raw(server, path)
}

fn wait_until(mut cond: impl FnMut() -> bool, what: &str) {
    let started = Instant::now();
    while !cond() {
        assert!(started.elapsed() < Duration::from_secs(20), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_rebuilds_keeps_the_last_good_build_and_never_leaks() {
    let site = Site::new("title = \"Xem trước\"\nbase_url = \"https://x.example/\"\n");
    site.write("SECRET.txt", "do-not-serve-this");
    site.bulletin("2020/01/tin-dau-tien.md", "title: Tin đầu tiên\ndate: 2020-01-05", "Nội dung.");
    let server = start(&site);

    let (status, body) = get(&server, "/2020/01/tin-dau-tien/");
    assert_eq!(status, 200);
    assert!(body.contains("Tin đầu tiên") && body.contains("/__bantin/live.js"), "{body}");
    assert!(get(&server, "/__bantin/live.js").1.contains("EventSource"));

    // A page listening for reloads is told when the site changes.
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).expect("events");
    events.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    write!(events, "GET /__bantin/events HTTP/1.1\r\nHost: x\r\n\r\n").expect("request");
    std::thread::sleep(Duration::from_millis(200));

    site.bulletin(
        "2020/01/tin-dau-tien.md",
        "title: Tin đã sửa\ndate: 2020-01-05\nslug: tin-dau-tien",
        "Nội dung mới.",
    );
    wait_until(|| get(&server, "/2020/01/tin-dau-tien/").1.contains("Tin đã sửa"), "the edited title");
    let mut seen = String::new();
    let mut buf = [0u8; 1024];
    while !seen.contains("event: reload") {
        let n = events.read(&mut buf).expect("an event");
        assert!(n > 0, "the event stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }

    // A broken edit: the error is reported, the last good build stays up.
    site.bulletin("2020/01/b.md", "title: Hỏng\ndate: 2020-01-06\ntgas: [x]", "x");
    wait_until(
        || server.stderr.lock().is_ok_and(|s| s.contains("content/2020/01/b.md:4:1")),
        "the error in the terminal",
    );
    let mut seen = String::new();
    while !seen.contains("event: error-report") {
        let n = events.read(&mut buf).expect("an error event");
        assert!(n > 0);
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(seen.contains("b.md:4:1"), "{seen}");
    let (status, body) = get(&server, "/2020/01/tin-dau-tien/");
    assert_eq!(status, 200);
    assert!(body.contains("Tin đã sửa"));
    assert_eq!(get(&server, "/").0, 200);

    // Fixing it brings the new bulletin in.
    site.bulletin("2020/01/b.md", "title: Đã sửa lỗi\ndate: 2020-01-06", "x");
    wait_until(|| get(&server, "/").1.contains("Đã sửa lỗi"), "the fixed bulletin");

    // Nothing outside the build, however the path is spelled.
    for target in [
        "/../SECRET.txt",
        "/%2e%2e/SECRET.txt",
        "/..%2fSECRET.txt",
        "/%2e%2e%2fSECRET.txt",
        "/%252e%252e/SECRET.txt",
        "/2020/../../SECRET.txt",
        "/..\\SECRET.txt",
        "//etc/passwd",
        "/%2Fetc%2Fpasswd",
        "http://127.0.0.1/../SECRET.txt",
    ] {
        let (status, body) = raw(&server, target);
        assert!((400..500).contains(&status), "{target}: {status}");
        assert!(!body.contains("do-not-serve-this") && !body.contains("root:"), "{target} leaked");
    }
    let long = format!("/{}", "a".repeat(5000));
    assert!((400..500).contains(&raw(&server, &long).0));
    assert_eq!(get(&server, "/khong-co/").0, 404);
}

#[test]
fn serve_stays_up_under_200_concurrent_connections() {
    let site = Site::new("base_url = \"https://x.example/\"\n");
    site.bulletin("2020/01/tin.md", "title: Tin\ndate: 2020-01-05", "Nội dung.");
    let server = start(&site);
    let port = server.port;
    // 200 connections open at once: half idle (a slow client), half asking for pages.
    let idle: Vec<TcpStream> =
        (0..100).filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok()).collect();
    assert_eq!(idle.len(), 100);
    let workers: Vec<_> = (0..100)
        .map(|i| {
            std::thread::spawn(move || {
                let target = if i % 2 == 0 { "/" } else { "/2020/01/tin/" };
                let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
                s.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
                write!(s, "GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").expect("write");
                let mut resp = String::new();
                let _ = s.read_to_string(&mut resp);
                resp.starts_with("HTTP/1.1 200")
            })
        })
        .collect();
    let ok = workers.into_iter().filter_map(|w| w.join().ok()).filter(|&ok| ok).count();
    assert_eq!(ok, 100, "every page request was answered ({ok} of 100)");
    drop(idle);
    assert_eq!(get(&server, "/").0, 200, "still up");
}

#[test]
fn serve_rebuilds_only_for_changes() {
    // The build reads every file of content/; reads must not count as changes, or serve
    // rebuilds forever.
    let site = Site::new("title = \"Xem trước\"\n");
    site.bulletin("2020/01/a.md", "title: Tin một\ndate: 2020-01-05", "Nội dung.");
    site.bulletin("2020/02/b.md", "title: Tin hai\ndate: 2020-02-05", "Nội dung.");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("bantin"))
        .current_dir(site.root())
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&lines);
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(mut l) = sink.lock() {
                l.push(line);
            }
        }
    });
    let rebuilds = || -> usize {
        let l = lines.lock().map(|l| l.clone()).unwrap_or_default();
        let serving = l.iter().position(|x| x.starts_with("Serving")).map_or(l.len(), |p| p + 1);
        l[serving..].iter().filter(|x| x.starts_with("Rebuilt")).count()
    };
    wait_until(|| lines.lock().is_ok_and(|l| l.iter().any(|x| x.starts_with("Serving"))), "serve to start");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(rebuilds(), 0, "no change, no rebuild");
    site.bulletin("2020/02/b.md", "title: Tin hai đã sửa\ndate: 2020-02-05", "Nội dung.");
    wait_until(|| rebuilds() >= 1, "a rebuild after the edit");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(rebuilds(), 1, "one save, one rebuild");
    let _ = child.kill();
    let _ = child.wait();
}

/// Serve builds into the site's `.bantin/preview`: started again, it updates the site it
/// built last time (here: finds it up to date and rewrites no page) instead of building a new
/// one, and a stopped serve leaves nothing in the temporary directory.
#[test]
fn serve_started_again_keeps_its_site_and_leaves_no_temporary_files() {
    use std::os::unix::fs::MetadataExt;
    let site = Site::new("title = \"Khởi động lại\"\n");
    site.bulletin("2020/01/tin-dau.md", "title: Tin đầu\ndate: 2020-01-05", "Nội dung.");
    let temp = tempfile::tempdir().expect("temp dir");
    let page = site.root().join(".bantin/preview/2020/01/tin-dau/index.html");
    let inode = || std::fs::metadata(&page).map(|m| m.ino());

    let server = start_with_temp(&site, temp.path());
    let (status, body) = get(&server, "/2020/01/tin-dau/");
    assert!(status == 200 && body.contains("Tin đầu"), "{status} {body}");
    let first = inode().expect("the page is built in .bantin/preview");
    drop(server);
    let left: Vec<_> =
        std::fs::read_dir(temp.path()).expect("temp dir").flatten().map(|e| e.path()).collect();
    assert!(left.is_empty(), "serve left {left:?} in the temporary directory");

    let server = start_with_temp(&site, temp.path());
    let (status, body) = get(&server, "/2020/01/tin-dau/");
    assert!(status == 200 && body.contains("Tin đầu"), "{status} {body}");
    assert_eq!(inode().expect("the page"), first, "the page was written again");
    drop(server);
}

/// A save made while serve starts (its first build running, or just after it says where it
/// listens) is never missed: the site is watched from before the first build.
#[test]
fn a_save_while_serve_starts_is_not_missed() {
    let site = Site::new("title = \"Khởi động\"\n");
    for i in 0..300 {
        let month = 1 + i % 12;
        site.bulletin(
            &format!("2020/{month:02}/b{i}.md"),
            &format!("title: Tin số {i}\ndate: 2020-{month:02}-05\nslug: b{i}"),
            "Nội dung của bản tin.",
        );
    }
    let root = site.root().to_path_buf();
    let saver = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        let text = "---\ntitle: Tin sửa lúc khởi động\ndate: 2020-01-05\nslug: b0\n---\nMới.\n";
        std::fs::write(root.join("content/2020/01/b0.md"), text).expect("save");
    });
    let server = start(&site);
    saver.join().expect("saver");
    wait_until(
        || get(&server, "/2020/01/b0/").1.contains("Tin sửa lúc khởi động"),
        "the save made while serve started",
    );
}

/// Opens the live-reload event stream, as an open page does.
fn listen(server: &Server) -> TcpStream {
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).expect("events");
    events.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    write!(events, "GET /__bantin/events HTTP/1.1\r\nHost: x\r\n\r\n").expect("request");
    events
}

/// Reads the event stream until `event` arrives; fails after 30 s (the stream itself sends
/// a keep-alive comment every 15 s).
fn wait_for_event(events: &mut TcpStream, event: &str) {
    let (mut seen, mut buf) = (String::new(), [0u8; 1024]);
    let started = Instant::now();
    while !seen.contains(&format!("event: {event}\n")) {
        assert!(started.elapsed() < Duration::from_secs(30), "no {event} event: {seen}");
        let n = events.read(&mut buf).unwrap_or_else(|e| panic!("no {event} event ({e}): {seen}"));
        assert!(n > 0, "the event stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
}

#[test]
fn undoing_a_broken_edit_reloads_the_pages_showing_its_error() {
    let site = Site::new("title = \"Xem trước\"\nbase_url = \"https://x.example/\"\n");
    site.bulletin("2020/01/tin-dau-tien.md", "title: Tin đầu tiên\ndate: 2020-01-05", "Nội dung.");
    let server = start(&site);
    let mut events = listen(&server);
    std::thread::sleep(Duration::from_millis(200));
    // Once the bulletin is old enough for its time stamp to be trusted (two seconds), a build
    // records the inputs it was made from: a later build from the same inputs publishes
    // nothing. (A file beside the bulletins starts that build.)
    std::thread::sleep(Duration::from_millis(2100));
    site.write("content/notes.txt", "not a bulletin");
    wait_for_event(&mut events, "reload");
    // A new bulletin that does not build: open pages show the error.
    site.bulletin("2020/01/b.md", "title: Hỏng\ndate: 2020-01-06\ntgas: [x]", "x");
    wait_for_event(&mut events, "error-report");
    // Deleting it gives back exactly the inputs of the published site: nothing is published,
    // and the pages showing the error reload all the same.
    std::fs::remove_file(site.root().join("content/2020/01/b.md")).expect("rm");
    wait_for_event(&mut events, "reload");
    assert!(get(&server, "/2020/01/tin-dau-tien/").1.contains("Tin đầu tiên"));
}
