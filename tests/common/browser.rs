//! Headless Chromium for end-to-end tests, driven through chromedriver's WebDriver API, and a
//! tiny static file server on 127.0.0.1 for the built site.
//!
//! Without Chromium the tests say loudly that they were skipped; with `CI=true` a missing
//! Chromium fails them.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Serves `dir` on 127.0.0.1 until the process ends; returns the base URL.
pub fn serve(dir: &Path) -> String {
    serve_pictures_late(dir, Duration::ZERO)
}

/// As `serve`, but every picture is answered `delay` late: pages are painted before their
/// pictures arrive, as on a reader's network, so a picture whose box has no size moves what
/// follows it every time rather than only when the machine is slow.
pub fn serve_pictures_late(dir: &Path, delay: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || answer(stream, &dir, delay));
        }
    });
    format!("http://127.0.0.1:{port}")
}

fn answer(mut stream: TcpStream, dir: &Path, delay: Duration) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
            break;
        }
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path);
    let rel = PathBuf::from(decoded.trim_start_matches('/'));
    let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
    let mut file = dir.join(&rel);
    if file.is_dir() {
        file.push("index.html");
    }
    let (status, body, kind) = match std::fs::read(&file) {
        Ok(b) if safe => ("200 OK", b, content_type(&file)),
        _ => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    if kind.starts_with("image/") {
        std::thread::sleep(delay);
    }
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("png") => "image/png",
        Some("avif") => "image/avif",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A headless Chromium session.
pub struct Browser {
    driver: Child,
    endpoint: String,
    _profile: tempfile::TempDir,
}

fn find(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    candidates.iter().map(PathBuf::from).find(|p| p.is_file())
}

impl Browser {
    /// Starts Chromium, or returns None (after saying so loudly) when it is not installed.
    pub fn launch(test: &str) -> Option<Browser> {
        let chromium = find("BANTIN_CHROMIUM", &["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
        let driver = find("BANTIN_CHROMEDRIVER", &["/usr/bin/chromedriver"]);
        let (Some(chromium), Some(driver)) = (chromium, driver) else {
            let msg = format!(
                "{test}: SKIPPED — Chromium or chromedriver is not installed (apt-get install chromium chromium-driver)"
            );
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{msg}; CI=true requires them");
            }
            eprintln!("\n!!!!!!!! {msg} !!!!!!!!\n");
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("profile");
        let mut browser = Browser { driver: child, endpoint: String::new(), _profile: profile };
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while ureq::get(&format!("{base}/status")).call().is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1366,768".into(),
            format!("--user-data-dir={}", browser._profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium.to_string_lossy(), "args": args},
            "goog:loggingPrefs": {"browser": "ALL", "performance": "ALL"},
        }}});
        let resp: Value = ureq::post(&format!("{base}/session"))
            .send_json(&caps)
            .expect("new session")
            .body_mut()
            .read_json()
            .expect("session json");
        let id = resp["value"]["sessionId"].as_str().expect("session id").to_string();
        browser.endpoint = format!("{base}/session/{id}");
        Some(browser)
    }

    fn post(&self, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.endpoint);
        let mut resp =
            ureq::post(&url).config().http_status_as_error(false).build().send_json(&body).expect(&url);
        let v: Value = resp.body_mut().read_json().expect("json");
        assert!(v["value"]["error"].is_null(), "WebDriver {path}: {v}");
        v["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url }));
    }

    /// Runs `body` (a function body; use `return`) in the page.
    pub fn eval(&self, body: &str) -> Value {
        self.post("/execute/sync", json!({ "script": body, "args": [] }))
    }

    /// Polls `condition` (an expression) until it is true, or fails after ten seconds.
    pub fn wait_for(&self, condition: &str) {
        let started = Instant::now();
        loop {
            if self.eval(&format!("return !!({condition});")) == Value::Bool(true) {
                return;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "timed out waiting for {condition}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Runs `body` as an async script: it must call `arguments[0]` with its result.
    pub fn eval_async(&self, body: &str) -> Value {
        self.post("/execute/async", json!({ "script": body, "args": [] }))
    }

    /// Sends a Chrome DevTools Protocol command.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.post("/goog/cdp/execute", json!({ "cmd": cmd, "params": params }))
    }

    /// Takes (and clears) the browser's log of `kind`: "browser" (console) or "performance"
    /// (DevTools events, including every network request).
    pub fn logs(&self, kind: &str) -> Vec<Value> {
        match self.post("/se/log", json!({ "type": kind })) {
            Value::Array(a) => a,
            _ => Vec::new(),
        }
    }

    /// Saves a PNG screenshot of the viewport.
    pub fn screenshot(&self, path: &Path) {
        use base64::Engine;
        let url = format!("{}/screenshot", self.endpoint);
        let v: Value = ureq::get(&url).call().expect("screenshot").body_mut().read_json().expect("json");
        let png = base64::engine::general_purpose::STANDARD
            .decode(v["value"].as_str().unwrap_or(""))
            .expect("base64");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot dir");
        }
        std::fs::write(path, png).expect("write screenshot");
    }

    /// Types text into the element matching `css` (WebDriver key codes allowed).
    pub fn type_into(&self, css: &str, text: &str) {
        let el = self.post("/element", json!({"using": "css selector", "value": css}));
        let id = el.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("element id");
        self.post(&format!("/element/{id}/value"), json!({ "text": text }));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.endpoint.is_empty() {
            let _ = ureq::delete(&self.endpoint).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
