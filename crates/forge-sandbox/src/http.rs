//! A small HTTP/1.1 server on std: one thread per connection, keep-alive, request bodies by
//! Content-Length, and responses either whole or streamed in chunks that are flushed at once
//! (watches must reach the client the moment an event happens).

use forge_base::percent_decode;
use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

/// Requests larger than this are refused (the sandbox takes manifests, not uploads).
const MAX_BODY: usize = 16 << 20;

pub struct Request {
    pub method: String,
    pub path: String,
    pub query: BTreeMap<String, String>,
    /// Header names lowercased.
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }
}

pub enum Body {
    Whole(Vec<u8>),
    /// Produces chunks until it returns None; each chunk is sent and flushed immediately.
    Stream(Box<dyn FnMut() -> Option<Vec<u8>> + Send>),
}

pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub body: Body,
}

impl Response {
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Response {
            status,
            content_type: "application/json".into(),
            body: Body::Whole(value.to_string().into_bytes()),
        }
    }

    pub fn text(status: u16, text: impl Into<String>) -> Self {
        Response {
            status,
            content_type: "text/plain; charset=utf-8".into(),
            body: Body::Whole(text.into().into_bytes()),
        }
    }
}

pub type Handler = dyn Fn(Request) -> Response + Send + Sync;

/// Serves `handler` on `listener` until the process ends; each connection gets a thread.
/// With `tls`, every connection must be HTTPS.
pub fn serve(listener: TcpListener, tls: Option<Arc<rustls::ServerConfig>>, handler: Arc<Handler>) {
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let handler = Arc::clone(&handler);
            let tls = tls.clone();
            std::thread::spawn(move || {
                let _ = accept(stream, tls, &*handler);
            });
        }
    });
}

fn accept(
    stream: TcpStream,
    tls: Option<Arc<rustls::ServerConfig>>,
    handler: &Handler,
) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let Some(config) = tls else {
        return connection(stream, handler);
    };
    // A TLS client opens with a handshake record (0x16). Plain HTTP gets the answer Go's
    // servers give, so the mistake is plain to see instead of a silently closed connection.
    let mut first = [0u8; 1];
    if stream.peek(&mut first)? == 1 && first[0] != 0x16 {
        let mut reader = BufReader::new(stream);
        read_request(&mut reader)?;
        let refusal = Response::text(400, "Client sent an HTTP request to an HTTPS server.\n");
        return write_response(reader.get_mut(), refusal);
    }
    let session = rustls::ServerConnection::new(config).map_err(io::Error::other)?;
    connection(rustls::StreamOwned::new(session, stream), handler)
}

fn connection(stream: impl Read + Write, handler: &Handler) -> io::Result<()> {
    // One buffered stream for both directions: a TLS session cannot be split in two.
    let mut reader = BufReader::new(stream);
    loop {
        let Some(request) = read_request(&mut reader)? else {
            return Ok(());
        };
        let close = request
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        let response = handler(request);
        write_response(reader.get_mut(), response)?;
        if close {
            return Ok(());
        }
    }
}

fn read_request(reader: &mut impl BufRead) -> io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "bad request line",
        ));
    };
    let mut headers = BTreeMap::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    if length > MAX_BODY {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "body too large"));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (query_decode(key), query_decode(value))
        })
        .collect();
    Ok(Some(Request {
        method: method.to_string(),
        path: percent_decode(path),
        query,
        headers,
        body,
    }))
}

/// In query strings `+` is a space; `%2B` stays a plus.
fn query_decode(text: &str) -> String {
    percent_decode(&text.replace('+', " "))
}

fn write_response(writer: &mut impl Write, response: Response) -> io::Result<()> {
    let reason = match response.status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Error",
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\n",
        response.status, response.content_type
    );
    if response.status == 429 {
        head.push_str("Retry-After: 1\r\n");
    }
    match response.body {
        Body::Whole(bytes) => {
            writer
                .write_all(format!("{head}Content-Length: {}\r\n\r\n", bytes.len()).as_bytes())?;
            writer.write_all(&bytes)?;
            writer.flush()
        }
        Body::Stream(mut next) => {
            writer.write_all(format!("{head}Transfer-Encoding: chunked\r\n\r\n").as_bytes())?;
            writer.flush()?;
            while let Some(chunk) = next() {
                if chunk.is_empty() {
                    continue;
                }
                writer.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
                writer.write_all(&chunk)?;
                writer.write_all(b"\r\n")?;
                writer.flush()?;
            }
            writer.write_all(b"0\r\n\r\n")?;
            writer.flush()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_request_with_query_and_body() {
        let raw = b"PATCH /api/v1/namespaces/a%20b/pods?labelSelector=app%3Dweb&watch=1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/merge-patch+json\r\nContent-Length: 2\r\n\r\n{}";
        let request = read_request(&mut &raw[..]).unwrap().unwrap();
        assert_eq!(request.method, "PATCH");
        assert_eq!(request.path, "/api/v1/namespaces/a b/pods");
        assert_eq!(request.query("labelSelector"), Some("app=web"));
        assert_eq!(request.query("watch"), Some("1"));
        assert_eq!(
            request.header("content-type"),
            Some("application/merge-patch+json")
        );
        assert_eq!(request.body, b"{}");
    }
}
