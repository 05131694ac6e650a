//! `bantin serve`: builds the site into `.bantin/preview`, serves it on 127.0.0.1, rebuilds
//! when content/, themes/, static/ or site.toml change, and reloads open pages through a
//! small Server-Sent Events client injected only here. A failed rebuild is shown in the
//! terminal and as an overlay in the browser, while the last good build keeps being served.
//! Only files inside the build are ever served. Each connection gets its own thread (up to
//! 1,024) and ten-second timeouts, so slow or idle clients never hold up others.

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

use crate::build::{self as pipeline, BuildOptions};

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
/// Longest request head read, in bytes.
const MAX_HEAD: usize = 16 * 1024;
/// Connections served at once; more are turned away with 503.
const MAX_CONNECTIONS: usize = 1024;
/// How long a client may take to send its request, or to take our answer.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

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
    /// How many builds have been published.
    published: AtomicUsize,
}

impl State {
    /// A build succeeded: any error report stands no more, and open pages reload.
    fn succeeded(&self) {
        if let Ok(mut e) = self.error.lock() {
            *e = None;
        }
        self.broadcast("reload", "");
    }

    fn broadcast(&self, event: &str, data: &str) {
        let data_lines: String = data.lines().map(|l| format!("data: {l}\n")).collect();
        let message = format!("event: {event}\n{data_lines}\n");
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|c| c.send(message.clone()).is_ok());
        }
    }
}

/// Runs until interrupted; returns the exit code. Long because it wires the server, the
/// watcher and the rebuild loop together in the order they start, which reads best in one place.
pub fn run(args: &ServeArgs) -> i32 {
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the preview reachable from other machines; it is meant for this one",
            args.bind
        );
    }
    let (out, private) = preview_dir(&args.root);
    let state = Arc::new(State {
        out: out.clone(),
        error: Mutex::new(None),
        clients: Mutex::new(Vec::new()),
        published: AtomicUsize::new(0),
    });
    // Open pages reload as soon as the new site is published, not after the build has also
    // saved its cache (at 20,000 bulletins, 30–40 ms later).
    let on_publish = {
        let state = Arc::clone(&state);
        pipeline::OnPublish(Arc::new(move || {
            state.published.fetch_add(1, Ordering::SeqCst);
            state.succeeded();
        }))
    };
    let opts = BuildOptions {
        root: args.root.clone(),
        out: Some(out.clone()),
        drafts: args.drafts,
        future: true,
        live_reload: true,
        on_publish: Some(on_publish),
        ..BuildOptions::default()
    };
    // Watch the site and rebuild on change, from before the first build: a save made while
    // it runs, or just after "Serving" is printed, is never missed. Reads are not changes:
    // the build itself opens every file of content/, and counting that would rebuild forever.
    let (tx, rx) = channel::<()>();
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| !matches!(e.kind, EventKind::Access(_))) {
            let _ = tx.send(());
        }
    });
    let mut watcher = match watcher {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch the site for changes: {e}");
            return 1;
        }
    };
    for name in ["content", "themes", "static", "site.toml"] {
        let p = args.root.join(name);
        if p.exists() {
            let mode = if p.is_dir() { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
            if let Err(e) = watcher.watch(&p, mode) {
                eprintln!("warning: cannot watch {}: {e}", p.display());
            }
        }
    }
    rebuild(&opts, &state);

    let listener = match TcpListener::bind((args.bind, args.port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "error: cannot listen on {}:{}: {e}\n  = help: choose another port with --port",
                args.bind, args.port
            );
            return 1;
        }
    };
    // With --port 0 the system picks a free port; say which.
    let port = listener.local_addr().map_or(args.port, |a| a.port());
    println!("Serving {} at http://{}:{port}/ (Ctrl-C to stop)", args.root.display(), args.bind);
    let _ = std::io::stdout().flush();

    {
        let state = Arc::clone(&state);
        std::thread::spawn(move || {
            // The spare tree the first edit's rebuild needs, made while nobody waits.
            let _ = pipeline::prepare_spare(&opts);
            // A rebuild follows a change the watcher saw.
            let opts = BuildOptions { expect_changes: true, ..opts };
            while rx.recv().is_ok() {
                // 20 ms of quiet gathers an editor's save (often a write and a rename) into
                // one rebuild without making the reader wait.
                while rx.recv_timeout(Duration::from_millis(20)).is_ok() {}
                rebuild(&opts, &state);
            }
        });
    }

    // One thread per connection, each with timeouts: a slow or idle client holds only its own.
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming().flatten() {
        if active.load(Ordering::Relaxed) >= MAX_CONNECTIONS {
            let mut stream = stream;
            let _ = stream.write_all(&simple(503, "text/plain; charset=utf-8", b"busy\n"));
            continue;
        }
        active.fetch_add(1, Ordering::Relaxed);
        let state = Arc::clone(&state);
        let active = Arc::clone(&active);
        std::thread::spawn(move || {
            handle(stream, &state);
            active.fetch_sub(1, Ordering::Relaxed);
        });
    }
    if private {
        let _ = std::fs::remove_dir_all(out.parent().unwrap_or(&out));
    }
    0
}

/// Where serve builds the site: `.bantin/preview` in the site, beside serve's build cache,
/// so that serve started again updates the site it built last time (at 20,000 bulletins, a
/// no-change build of well under a second instead of a full one) and nothing is left
/// behind when it is stopped. A site folder that cannot be written to gets a private folder
/// in the temporary directory instead (the bool), as the cache does not work there either.
fn preview_dir(root: &Path) -> (PathBuf, bool) {
    let cache = root.join(crate::cache::CACHE_DIR);
    if std::fs::create_dir_all(&cache).is_ok() && writable(&cache) {
        return (cache.join("preview"), false);
    }
    let private = std::env::temp_dir().join(format!("bantin-serve-{}", std::process::id()));
    (private.join("public"), true)
}

/// Whether a file can be made in `dir`.
fn writable(dir: &Path) -> bool {
    let probe = dir.join(format!(".probe-{}", std::process::id()));
    let made = std::fs::write(&probe, b"").is_ok();
    let _ = std::fs::remove_file(&probe);
    made
}

fn rebuild(opts: &BuildOptions, state: &State) {
    let published = state.published.load(Ordering::SeqCst);
    match pipeline::build(opts) {
        Ok(report) => {
            println!(
                "Rebuilt: {} bulletins, {} pages in {:.2}s",
                report.bulletins,
                report.pages,
                report.elapsed.as_secs_f64()
            );
            // A build that found nothing changed publishes nothing, yet may end an error
            // report (a broken edit undone): the pages showing it reload too.
            if state.published.load(Ordering::SeqCst) == published {
                state.succeeded();
            }
        }
        Err(failure) => {
            crate::diag::print_all(&failure.errors);
            let text: String = failure.errors.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n");
            eprintln!("error: the build failed; still serving the last good version");
            if let Ok(mut e) = state.error.lock() {
                *e = Some(text.clone());
            }
            state.broadcast("error-report", &text);
        }
    }
}

/// A whole response: status line, headers and body, for a connection that then closes.
fn simple(status: u16, content_type: &str, body: &[u8]) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// Reads the request line and headers; returns the method and target, or an error status.
fn read_request(stream: &TcpStream) -> Result<(String, String), u16> {
    let mut reader = BufReader::new(stream);
    let mut head = 0usize;
    let mut first = String::new();
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).map_err(|_| 400u16)?;
        if n == 0 {
            return Err(400);
        }
        head += n;
        if head > MAX_HEAD {
            return Err(if first.is_empty() { 414 } else { 431 });
        }
        if first.is_empty() {
            first = line;
            continue;
        }
        if line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = first.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else { return Err(400) };
    Ok((method.to_string(), target.to_string()))
}

fn handle(mut stream: TcpStream, state: &Arc<State>) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let (method, target) = match read_request(&stream) {
        Ok(r) => r,
        Err(status) => {
            let _ = stream.write_all(&simple(status, "text/plain; charset=utf-8", b"bad request\n"));
            return;
        }
    };
    if method != "GET" && method != "HEAD" {
        let _ = stream.write_all(&simple(405, "text/plain; charset=utf-8", b"only GET\n"));
        return;
    }
    if target.len() > MAX_URL {
        let _ = stream.write_all(&simple(414, "text/plain; charset=utf-8", b"URL too long\n"));
        return;
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let response = match path {
        "/__bantin/live.js" => simple(200, "text/javascript; charset=utf-8", LIVE_JS.as_bytes()),
        "/__bantin/events" => {
            let (tx, rx) = channel();
            if let Some(err) = state.error.lock().ok().and_then(|e| e.clone()) {
                let data: String = err.lines().map(|l| format!("data: {l}\n")).collect();
                let _ = tx.send(format!("event: error-report\n{data}\n"));
            }
            if let Ok(mut clients) = state.clients.lock() {
                clients.push(tx);
            }
            return stream_events(stream, &rx);
        }
        _ => match resolve(&state.out, path) {
            Ok(file) => match std::fs::read(&file) {
                Ok(bytes) => simple(200, content_type(&file), &bytes),
                Err(_) => not_found(state),
            },
            Err(400) => simple(400, "text/plain; charset=utf-8", b"bad request\n"),
            Err(_) => not_found(state),
        },
    };
    let response = if method == "HEAD" {
        let end = response.windows(4).position(|w| w == b"\r\n\r\n").map_or(response.len(), |i| i + 4);
        response[..end].to_vec()
    } else {
        response
    };
    let _ = stream.write_all(&response);
}

fn not_found(state: &State) -> Vec<u8> {
    let page = std::fs::read(state.out.join("404.html")).unwrap_or_else(|_| b"not found\n".to_vec());
    simple(404, "text/html; charset=utf-8", &page)
}

/// Maps a request path to a file inside `root`, or an HTTP status: 400 for paths that try to
/// leave it (`..`, encoded or not, backslashes, NUL, empty segments), 404 for anything that
/// is not a file under it (symlinks resolving outside included).
pub fn resolve(root: &Path, path: &str) -> Result<PathBuf, u16> {
    if !path.starts_with('/') {
        return Err(400);
    }
    let decoded = crate::text::escape::percent_decode(path).ok_or(400u16)?;
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
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Writes Server-Sent Events to a page as they are broadcast, until it goes away.
fn stream_events(mut w: TcpStream, rx: &Receiver<String>) {
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
