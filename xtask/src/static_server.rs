//! A small static file server for the built site: `cargo xtask serve` and the e2e tests both use it.
//! It binds loopback only, serves `GET`/`HEAD`, sends the right `Content-Type` (browsers refuse to stream
//! `.wasm` without `application/wasm`) and stops when dropped.

use std::fs;
use std::io;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use tiny_http::{Header, Method, Request, Response, Server};

/// A running server. Dropping it stops the server and joins its thread.
pub struct StaticServer {
    server: Arc<Server>,
    addr: SocketAddr,
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
        let server = Server::http(("127.0.0.1", port)).map_err(io::Error::other)?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| io::Error::other("the server is not on an IP socket"))?;
        let server = Arc::new(server);
        let root = Arc::new(root.to_path_buf());
        let headers = Arc::new(headers);
        let thread = {
            let server = Arc::clone(&server);
            std::thread::Builder::new()
                .name("static-server".into())
                .spawn(move || {
                    for request in server.incoming_requests() {
                        // One thread per response: a large body the browser reads slowly (three embedded
                        // frames each loading the wasm) must not hold up the other requests.
                        let (root, headers) = (Arc::clone(&root), Arc::clone(&headers));
                        let _ = std::thread::Builder::new()
                            .name("static-response".into())
                            .spawn(move || {
                                // A client that hangs up mid-response is not the server's problem.
                                let _ = respond(&root, &headers, request);
                            });
                    }
                })?
        };
        Ok(StaticServer {
            server,
            addr,
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
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn respond(root: &Path, extra: &[(String, String)], request: Request) -> io::Result<()> {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return request.respond(Response::empty(405));
    }
    let Some(path) = resolve(root, request.url()) else {
        return request.respond(Response::from_string("not found\n").with_status_code(404));
    };
    match fs::File::open(&path) {
        Ok(file) => {
            let mut response = Response::from_file(file)
                .with_header(header("Content-Type", content_type(&path)))
                .with_header(header("Cache-Control", "no-cache"));
            for (name, value) in extra {
                response.add_header(header(name, value));
            }
            request.respond(response)
        }
        Err(_) => request.respond(Response::from_string("not found\n").with_status_code(404)),
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("header names and values are valid ASCII")
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
