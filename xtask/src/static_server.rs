//! A small static file server for the built site: `cargo xtask serve` and the e2e tests both use it.
//! It binds loopback only, serves `GET`/`HEAD` over HTTP/1.1 with keep-alive, sends the right `Content-Type`
//! (browsers refuse to stream `.wasm` without `application/wasm`) and stops when dropped.
//!
//! One thread per connection, std only. It replaced `tiny_http` 0.12, whose worker pool can lose a wake-up:
//! when connections arrive in a burst while its workers sit on idle keep-alive connections, a new connection
//! can wait in its queue until another connection closes. A browser opens such a burst for the first frame
//! of a new network partition (an `<iframe sandbox="allow-scripts">` embed has an opaque origin and gets its own
//! sockets), so one embed in three never received its `.wasm` (see docs/share.md, "Serving the embed").

use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// The headers `cargo xtask serve` sends with every file: an embed's frame (`sandbox` without
/// `allow-same-origin`) has an opaque origin, so it fetches the site's module script, wasm and stylesheet in
/// CORS mode, and without this header it stays blank (see docs/share.md, "Serving the embed").
pub fn embed_headers() -> Vec<(String, String)> {
    vec![("Access-Control-Allow-Origin".to_owned(), "*".to_owned())]
}

/// How long a kept-alive connection may sit idle before the server closes it.
const IDLE: Duration = Duration::from_secs(60);
/// The most a request line or header line may be; longer ones get a 400.
const MAX_LINE: u64 = 8 * 1024;

/// A running server. Dropping it stops accepting connections and joins the accepting thread; connections
/// already open end after their current response.
pub struct StaticServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Serves `root` on `127.0.0.1:port`; port 0 picks a free one.
    pub fn start(root: &Path, port: u16) -> io::Result<StaticServer> {
        StaticServer::start_with_headers(root, port, Vec::new())
    }

    /// Like [`StaticServer::start`], and sends `headers` (name, value) with every file, for example a
    /// `Content-Security-Policy` to check the site under a policy.
    pub fn start_with_headers(root: &Path, port: u16, headers: Vec<(String, String)>) -> io::Result<StaticServer> {
        if headers.iter().any(|(n, v)| format!("{n}{v}").contains(['\r', '\n'])) {
            return Err(io::Error::other("a header name or value contains a line break"));
        }
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let site = Arc::new((root.to_path_buf(), headers));
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("static-server".into())
                .spawn(move || {
                    for stream in listener.incoming() {
                        if stop.load(Ordering::Acquire) {
                            break;
                        }
                        let Ok(stream) = stream else { continue };
                        let (site, stop) = (Arc::clone(&site), Arc::clone(&stop));
                        // Every connection gets its own thread at once, so no connection waits for another.
                        let _ = std::thread::Builder::new()
                            .name("static-connection".into())
                            .spawn(move || {
                                // A client that hangs up mid-response is not the server's problem.
                                let _ = serve(stream, &site.0, &site.1, &stop);
                            });
                    }
                })?
        };
        Ok(StaticServer {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/`
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Blocks for as long as the server runs (until the process is interrupted).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // Wake the accepting thread with one last connection, which it sees after the flag and drops.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Answers the requests on one connection until the client closes it, asks to, goes idle for [`IDLE`],
/// sends something this server does not take, or the server stops.
fn serve(stream: TcpStream, root: &Path, extra: &[(String, String)], stop: &AtomicBool) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE))?;
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let Some(request_line) = line(&mut reader)? else {
            return Ok(());
        };
        let mut close = false;
        let mut body = false;
        loop {
            let Some(header) = line(&mut reader)? else {
                return Ok(());
            };
            if header.is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').unwrap_or((&header, ""));
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_ascii_lowercase());
            close |= name == "connection" && value.split(',').any(|v| v.trim() == "close");
            body |= (name == "content-length" && value != "0") || name == "transfer-encoding";
        }
        let mut parts = request_line.split(' ');
        let (method, target, version) = (parts.next(), parts.next(), parts.next());
        close |= version != Some("HTTP/1.1");
        let head = method == Some("HEAD");
        if !matches!(method, Some("GET" | "HEAD")) || target.is_none() || body {
            // Not a request this server reads the rest of: answer and hang up.
            respond(&mut out, 405, "text/plain; charset=utf-8", &[], None, false, true)?;
            let _ = out.shutdown(Shutdown::Both);
            return Ok(());
        }
        let close = close || stop.load(Ordering::Acquire);
        match resolve(root, target.unwrap_or_default()).and_then(|p| Some((fs::File::open(&p).ok()?, p))) {
            Some((file, path)) => respond(&mut out, 200, content_type(&path), extra, Some(file), head, close)?,
            None => respond(&mut out, 404, "text/plain; charset=utf-8", &[], None, head, close)?,
        }
        if close {
            let _ = out.shutdown(Shutdown::Write);
            return Ok(());
        }
    }
}

/// One CRLF-terminated line without its terminator, `None` at the end of the stream or after an idle timeout,
/// and an error for a line over [`MAX_LINE`] bytes or not UTF-8.
fn line(reader: &mut BufReader<TcpStream>) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    match reader.by_ref().take(MAX_LINE).read_until(b'\n', &mut buf) {
        Ok(0) => return Ok(None),
        Ok(_) => {}
        Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => return Ok(None),
        Err(e) => return Err(e),
    }
    if buf.last() != Some(&b'\n') {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "request line too long"));
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Writes one response: the file's bytes for 200, a short text otherwise, and no body for `HEAD`.
fn respond(
    out: &mut TcpStream,
    status: u16,
    content_type: &str,
    extra: &[(String, String)],
    file: Option<fs::File>,
    head: bool,
    close: bool,
) -> io::Result<()> {
    let (reason, text): (&str, &[u8]) = match status {
        200 => ("OK", b""),
        404 => ("Not Found", b"not found\n"),
        _ => ("Method Not Allowed", b"only GET and HEAD, without a body\n"),
    };
    let length = match &file {
        Some(f) => f.metadata()?.len(),
        None => text.len() as u64,
    };
    let mut head_text = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\
         Cache-Control: no-cache\r\n"
    );
    for (name, value) in extra {
        head_text.push_str(&format!("{name}: {value}\r\n"));
    }
    if close {
        head_text.push_str("Connection: close\r\n");
    }
    head_text.push_str("\r\n");
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    out.write_all(head_text.as_bytes())?;
    if !head {
        match file {
            Some(mut f) => {
                io::copy(&mut f, &mut out)?;
            }
            None => out.write_all(text)?,
        }
    }
    out.flush()
}

/// The file under `root` for a request target, or `None` for anything that would leave `root` or does not
/// name a file. A directory means its `index.html`.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let relative = Path::new(path.trim_start_matches('/'));
    if !relative.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut file = root.join(relative);
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

/// The `Content-Type` for a file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" | "map" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;

    #[test]
    fn content_types() {
        for (file, expect) in [
            ("app_bg.wasm", "application/wasm"),
            ("app.js", "text/javascript; charset=utf-8"),
            ("index.html", "text/html; charset=utf-8"),
            ("app.css", "text/css; charset=utf-8"),
            ("favicon.svg", "image/svg+xml"),
            ("blob", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(file)), expect, "{file}");
        }
    }

    #[test]
    fn resolves_inside_root_only() {
        let root = scratch_site("resolve");
        for (target, expect) in [
            ("/", Some("index.html")),
            ("/?x=1", Some("index.html")),
            ("/app.wasm", Some("app.wasm")),
            ("/missing.js", None),
            ("/../Cargo.toml", None),
            ("/a/../app.wasm", None),
        ] {
            assert_eq!(resolve(&root, target), expect.map(|f| root.join(f)), "{target}");
        }
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn serves_wasm_with_its_mime_type_and_404s_the_rest() {
        let root = scratch_site("serve");
        let server = StaticServer::start(&root, 0).unwrap();
        let wasm = get(server.addr(), "/app.wasm");
        assert!(wasm.starts_with("HTTP/1.1 200"), "{wasm}");
        assert!(wasm.contains("Content-Type: application/wasm"), "{wasm}");
        let missing = get(server.addr(), "/nope");
        assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
        drop(server);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn the_serve_headers_let_an_opaque_origin_frame_fetch_the_site() {
        let root = scratch_site("cors");
        let server = StaticServer::start_with_headers(&root, 0, embed_headers()).unwrap();
        for path in ["/", "/app.wasm"] {
            let response = get(server.addr(), path);
            let head = response.split("\r\n\r\n").next().unwrap_or_default();
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            assert!(
                head.lines().any(|l| l == "Access-Control-Allow-Origin: *"),
                "{path}: {head}"
            );
        }
        drop(server);
        fs::remove_dir_all(&root).unwrap();
    }

    /// Browsers keep connections open between requests, and open several at once for a new page. Every
    /// request on a burst of new connections must be answered while other connections stay open and idle.
    /// (With `tiny_http` 0.12 this test failed in 10 runs of 10: its worker pool lost the wake-up.)
    #[test]
    fn a_burst_of_new_connections_is_served_while_others_stay_open() {
        let root = scratch_site("burst");
        // A hang shows as a read that times out; an answer takes milliseconds.
        let hang = std::time::Duration::from_secs(3);
        for round in 0..25 {
            let server = StaticServer::start(&root, 0).unwrap();
            let addr = server.addr();
            let request = format!("GET /app.wasm HTTP/1.1\r\nHost: {addr}\r\n\r\n");
            let ask = || {
                let mut s = TcpStream::connect(addr).unwrap();
                s.set_read_timeout(Some(hang)).unwrap();
                s.write_all(request.as_bytes()).unwrap();
                s
            };
            let answered = |s: &mut TcpStream| {
                let mut buf = [0u8; 512];
                let got = s.read(&mut buf);
                got.as_ref().is_ok_and(|&n| buf[..n].starts_with(b"HTTP/1.1 200"))
            };
            // Idle keep-alive connections, each answered once and left open, as a browser's socket pool does.
            let mut open: Vec<TcpStream> = Vec::new();
            for _ in 0..4 {
                let mut s = ask();
                assert!(answered(&mut s), "round {round}: an idle connection's first request");
                open.push(s);
            }
            let burst: Vec<TcpStream> = (0..6).map(|_| ask()).collect();
            for (i, mut s) in burst.into_iter().enumerate() {
                assert!(
                    answered(&mut s),
                    "round {round}: connection {i} of a burst was not answered"
                );
                open.push(s);
            }
        }
        fs::remove_dir_all(&root).unwrap();
    }

    fn scratch_site(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-static-{name}-{}", std::process::id()));
        fs::create_dir_all(&root).unwrap();
        fs::write(root.join("index.html"), "<!doctype html>").unwrap();
        fs::write(root.join("app.wasm"), b"\0asm").unwrap();
        root
    }

    fn get(addr: SocketAddr, path: &str) -> String {
        let mut stream = TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    }
}
