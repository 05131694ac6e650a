//! `bantin serve`: builds the site into a private folder, serves it on 127.0.0.1, rebuilds
//! when content/, themes/, static/ or site.toml change, and reloads open pages through a
//! small Server-Sent Events client injected only here. A failed rebuild is shown in the
//! terminal and as an overlay in the browser, while the last good build keeps being served.
//! Only files inside the build are ever served.

use std::io::Read;
use std::net::IpAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify_debouncer_mini::{DebounceEventResult, new_debouncer, notify::RecursiveMode};
use tiny_http::{Header, Request, Response, Server, StatusCode};

use crate::cmd::build::print_diagnostics;
use crate::site::{self, BuildOptions};

/// The live-reload client: reloads on "reload", shows build errors on "error".
const LIVE_JS: &str = r#"(function () {
  var box = null;
  var es = new EventSource('/__bantin/events');
  es.addEventListener('reload', function () { location.reload(); });
  es.addEventListener('error-report', function (e) {
    if (!box) {
      box = document.createElement('pre');
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;margin:0;padding:1rem;' +
        'background:#2b0b0b;color:#ffd7d7;font:13px/1.4 ui-monospace,monospace;z-index:2147483647;white-space:pre-wrap';
      document.body.appendChild(box);
    }
    box.textContent = 'bantin: the last change did not build; showing the last good version.\n\n' + e.data;
  });
})();
"#;

/// Longest request target served, in bytes.
const MAX_URL: usize = 2048;

/// Arguments of `bantin serve`.
#[derive(Debug, Clone)]
pub struct ServeArgs {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub drafts: bool,
}

/// Everything the request handlers share.
struct State {
    out: PathBuf,
    /// The last build's error report, shown to pages that connect while it stands.
    error: Mutex<Option<String>>,
    /// One sender per connected page.
    clients: Mutex<Vec<Sender<String>>>,
}

impl State {
    fn broadcast(&self, event: &str, data: &str) {
        let data_lines: String = data.lines().map(|l| format!("data: {l}\n")).collect();
        let message = format!("event: {event}\n{data_lines}\n");
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|c| c.send(message.clone()).is_ok());
        }
    }
}

/// Runs until interrupted; returns the exit code.
pub fn run(args: &ServeArgs) -> i32 {
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the preview reachable from other machines; it is meant for this one",
            args.bind
        );
    }
    let out = std::env::temp_dir().join(format!("bantin-serve-{}", std::process::id())).join("public");
    let state =
        Arc::new(State { out: out.clone(), error: Mutex::new(None), clients: Mutex::new(Vec::new()) });
    let opts = BuildOptions {
        root: args.root.clone(),
        out: Some(out.clone()),
        drafts: args.drafts,
        future: true,
        live_reload: true,
        ..BuildOptions::default()
    };
    rebuild(&opts, &state);

    let server = match Server::http((args.bind, args.port)) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!(
                "error: cannot listen on {}:{}: {e}\n  = help: choose another port with --port",
                args.bind, args.port
            );
            return 1;
        }
    };
    println!("Serving {} at http://{}:{}/ (Ctrl-C to stop)", args.root.display(), args.bind, args.port);

    // Watch the site and rebuild on change.
    let (tx, rx) = channel::<DebounceEventResult>();
    let mut debouncer = match new_debouncer(Duration::from_millis(100), tx) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot watch the site for changes: {e}");
            return 1;
        }
    };
    for name in ["content", "themes", "static", "site.toml"] {
        let p = args.root.join(name);
        if p.exists() {
            let mode = if p.is_dir() { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
            if let Err(e) = debouncer.watcher().watch(&p, mode) {
                eprintln!("warning: cannot watch {}: {e}", p.display());
            }
        }
    }
    {
        let state = Arc::clone(&state);
        std::thread::spawn(move || {
            for events in rx {
                if events.is_ok_and(|e| !e.is_empty()) {
                    rebuild(&opts, &state);
                }
            }
        });
    }

    let workers: Vec<_> = (0..8)
        .map(|_| {
            let server = Arc::clone(&server);
            let state = Arc::clone(&state);
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    handle(request, &state);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    let _ = std::fs::remove_dir_all(out.parent().unwrap_or(&out));
    0
}

fn rebuild(opts: &BuildOptions, state: &State) {
    match site::build(opts) {
        Ok(report) => {
            println!(
                "Rebuilt: {} bulletins, {} pages in {:.2}s",
                report.bulletins,
                report.pages,
                report.elapsed.as_secs_f64()
            );
            if let Ok(mut e) = state.error.lock() {
                *e = None;
            }
            state.broadcast("reload", "");
        }
        Err(failure) => {
            print_diagnostics(&failure.errors);
            let text: String = failure.errors.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n");
            eprintln!("error: the build failed; still serving the last good version");
            if let Ok(mut e) = state.error.lock() {
                *e = Some(text.clone());
            }
            state.broadcast("error-report", &text);
        }
    }
}

fn respond<R: Read>(request: Request, response: Response<R>) {
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let mut r = Response::from_string(body).with_status_code(StatusCode(status));
    if let Some(h) = header("Content-Type", "text/plain; charset=utf-8") {
        r.add_header(h);
    }
    r
}

fn handle(request: Request, state: &Arc<State>) {
    let url = request.url().to_string();
    if url.len() > MAX_URL {
        return respond(request, text(414, "URL too long\n"));
    }
    let path = url.split(['?', '#']).next().unwrap_or("/");
    match path {
        "/__bantin/live.js" => {
            let mut r = Response::from_string(LIVE_JS);
            if let Some(h) = header("Content-Type", "text/javascript; charset=utf-8") {
                r.add_header(h);
            }
            return respond(request, r);
        }
        "/__bantin/events" => {
            let (tx, rx) = channel();
            if let Some(err) = state.error.lock().ok().and_then(|e| e.clone()) {
                let data: String = err.lines().map(|l| format!("data: {l}\n")).collect();
                let _ = tx.send(format!("event: error-report\n{data}\n"));
            }
            if let Ok(mut clients) = state.clients.lock() {
                clients.push(tx);
            }
            // Each open page holds a thread until it goes away. The stream is written on the
            // raw connection so that every event leaves at once (no chunk buffering).
            std::thread::spawn(move || stream_events(request, &rx));
            return;
        }
        _ => {}
    }
    match resolve(&state.out, path) {
        Ok(file) => match std::fs::read(&file) {
            Ok(bytes) => {
                let mut r = Response::from_data(bytes);
                if let Some(h) = header("Content-Type", content_type(&file)) {
                    r.add_header(h);
                }
                if let Some(h) = header("Cache-Control", "no-store") {
                    r.add_header(h);
                }
                respond(request, r)
            }
            Err(_) => not_found(request, state),
        },
        Err(400) => respond(request, text(400, "bad request\n")),
        Err(_) => not_found(request, state),
    }
}

fn not_found(request: Request, state: &State) {
    let page = std::fs::read(state.out.join("404.html")).unwrap_or_else(|_| b"not found\n".to_vec());
    let mut r = Response::from_data(page).with_status_code(StatusCode(404));
    if let Some(h) = header("Content-Type", "text/html; charset=utf-8") {
        r.add_header(h);
    }
    respond(request, r);
}

/// Maps a request path to a file inside `root`, or an HTTP status: 400 for paths that try to
/// leave it (`..`, encoded or not, backslashes, NUL, empty segments), 404 for anything that
/// is not a file under it (symlinks resolving outside included).
pub fn resolve(root: &Path, path: &str) -> Result<PathBuf, u16> {
    if !path.starts_with('/') {
        return Err(400);
    }
    let decoded = percent_decode(path).ok_or(400u16)?;
    let rel = decoded.trim_start_matches('/');
    if decoded.starts_with("//") || rel.contains(['\\', '\0']) {
        return Err(400);
    }
    let mut file = root.to_path_buf();
    let segments: Vec<&str> = rel.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "" if i == segments.len() - 1 => {}
            "" | "." | ".." => return Err(400),
            s if s.contains('%') || s.contains(':') => return Err(400),
            s => file.push(s),
        }
    }
    if !file.components().skip(root.components().count()).all(|c| matches!(c, Component::Normal(_))) {
        return Err(400);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    let canonical = file.canonicalize().map_err(|_| 404u16)?;
    let root = root.canonicalize().map_err(|_| 404u16)?;
    if !canonical.starts_with(&root) || !canonical.is_file() {
        return Err(404);
    }
    Ok(canonical)
}

/// Decodes `%XX` escapes once; invalid UTF-8 or a bad escape is None.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let v = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())?;
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        _ => "application/octet-stream",
    }
}

/// Writes Server-Sent Events to a page as they are broadcast, until it goes away.
fn stream_events(request: Request, rx: &Receiver<String>) {
    use std::io::Write;
    let mut w = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
    if w.write_all(head.as_bytes()).and_then(|()| w.flush()).is_err() {
        return;
    }
    loop {
        // A comment every 15 s keeps proxies from closing the stream and notices gone pages.
        let msg = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(msg) => msg,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(msg.as_bytes()).and_then(|()| w.flush()).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_refuses_escapes() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().join("public");
        std::fs::create_dir_all(root.join("a")).expect("mkdir");
        std::fs::write(root.join("a/index.html"), "x").expect("write");
        std::fs::write(dir.path().join("secret.txt"), "secret").expect("write");
        assert!(resolve(&root, "/a/").is_ok());
        assert!(resolve(&root, "/a").is_ok());
        assert!(resolve(&root, "/").is_err(), "no index.html at the root here");
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/a/..%2f..%2fsecret.txt",
            "/%252e%252e/secret.txt",
            "//etc/passwd",
            "/a\\..\\..\\secret.txt",
            "/a/%00",
            "/%ff",
        ] {
            assert_eq!(resolve(&root, bad), Err(400), "{bad}");
        }
        assert_eq!(resolve(&root, "/nope.html"), Err(404));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt"))
                .expect("symlink");
            assert_eq!(resolve(&root, "/link.txt"), Err(404), "a symlink out of the build is not served");
            // A sibling whose name starts with the build's ("public-leak") is outside it too.
            let leak = dir.path().join("public-leak");
            std::fs::create_dir_all(&leak).expect("mkdir");
            std::fs::write(leak.join("x.html"), "leak").expect("write");
            std::os::unix::fs::symlink(&leak, root.join("sib")).expect("symlink");
            assert_eq!(resolve(&root, "/sib/x.html"), Err(404));
            assert_eq!(resolve(&root, "/../public-leak/x.html"), Err(400));
        }
    }
}
