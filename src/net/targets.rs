//! A connection wrapper that percent-encodes raw bytes in HTTP/1 request targets.
//!
//! `curl 'http://host/api/v1/needs?q=赤泥'` sends the UTF-8 bytes of 赤泥 unencoded. The
//! HTTP parser accepts them but `http::Uri` does not, and actix-http then answers an empty
//! 400 before any application code runs: no problem+json, no way to say why. Percent-encoding
//! such bytes is what a browser does before sending, and it never changes what the target
//! means (percent-decoding gives back the same bytes), so the request is simply accepted.
//!
//! The wrapper reads the connection, holds each request head until it is complete, rewrites
//! the request line, and passes the body through untouched, counting `Content-Length` bytes
//! to find the next request on a kept-alive connection. A head it cannot frame
//! (`Transfer-Encoding`, an upgrade, a head over [`MAX_HEAD`] bytes, a parse error) switches
//! the connection to plain pass-through: actix-http then sees the bytes exactly as sent and
//! decides as it always did.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Heads longer than this are passed through unchanged (actix-http refuses them anyway).
pub const MAX_HEAD: usize = 64 * 1024;

/// The bytes of a request target that are percent-encoded: everything outside ASCII, and the
/// printable ASCII characters that `http::Uri` refuses raw in a path or a query (`"`, `<`,
/// `>`, `` ` ``). None of them is a delimiter, so encoding one changes nothing that a router
/// or a query parser decodes.
fn needs_encoding(b: u8) -> bool {
    b >= 0x80 || matches!(b, b'"' | b'<' | b'>' | b'`')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Collecting a request head.
    Head,
    /// Passing this many body bytes through before the next head.
    Body(u64),
    /// Passing everything through, for good.
    Raw,
}

/// An HTTP/1 connection whose request targets reach the parser percent-encoded.
pub struct EncodedTargets<S> {
    inner: S,
    state: State,
    /// The incomplete head read so far.
    head: Vec<u8>,
    /// Bytes ready for the reader, from `out_at` on.
    out: Vec<u8>,
    out_at: usize,
    eof: bool,
}

impl<S> EncodedTargets<S> {
    pub fn new(inner: S) -> Self {
        EncodedTargets {
            inner,
            state: State::Head,
            head: Vec::new(),
            out: Vec::new(),
            out_at: 0,
            eof: false,
        }
    }

    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Take bytes read from the connection; what is ready goes to `out`.
    fn feed(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            match self.state {
                State::Raw => {
                    self.out.extend_from_slice(data);
                    return;
                }
                State::Body(left) => {
                    let take = usize::try_from(left).map_or(data.len(), |l| l.min(data.len()));
                    self.out.extend_from_slice(&data[..take]);
                    data = &data[take..];
                    let left = left - take as u64;
                    self.state = if left == 0 {
                        State::Head
                    } else {
                        State::Body(left)
                    };
                }
                State::Head => {
                    // Empty lines before a request line are allowed (RFC 9112, 2.2): pass them.
                    if self.head.is_empty() {
                        let blank = data.iter().take_while(|b| matches!(b, b'\r' | b'\n'));
                        let n = blank.count();
                        self.out.extend_from_slice(&data[..n]);
                        data = &data[n..];
                        if data.is_empty() {
                            return;
                        }
                    }
                    let before = self.head.len();
                    self.head.extend_from_slice(data);
                    match head_end(&self.head, before.saturating_sub(3)) {
                        Some(end) => {
                            let used = end - before;
                            self.head.truncate(end);
                            let head = std::mem::take(&mut self.head);
                            self.state = self.emit(&head);
                            data = &data[used..];
                        }
                        None if self.head.len() > MAX_HEAD => {
                            self.out.append(&mut self.head);
                            self.state = State::Raw;
                            return;
                        }
                        None => return,
                    }
                }
            }
        }
    }

    /// Write a complete head to `out`, its target encoded; the state for what follows it.
    fn emit(&mut self, head: &[u8]) -> State {
        let mut headers = [httparse::EMPTY_HEADER; 128];
        let mut req = httparse::Request::new(&mut headers);
        let framing = match req.parse(head) {
            Ok(httparse::Status::Complete(_)) => framing(&req),
            _ => State::Raw,
        };
        if framing == State::Raw {
            self.out.extend_from_slice(head);
            return State::Raw;
        }
        encode_target(head, &mut self.out);
        framing
    }
}

/// Where the head that starts `buf` ends (after its blank line), searching from `from`.
fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    (from..buf.len()).find_map(|i| {
        if buf[i..].starts_with(b"\r\n\r\n") {
            Some(i + 4)
        } else if buf[i..].starts_with(b"\n\n") {
            Some(i + 2)
        } else {
            None
        }
    })
}

/// How the body after a parsed head is framed, or `Raw` where this wrapper cannot follow it.
fn framing(req: &httparse::Request) -> State {
    if req.method == Some("CONNECT") {
        return State::Raw;
    }
    let mut length = None;
    for h in req.headers.iter() {
        if h.name.eq_ignore_ascii_case("transfer-encoding")
            || h.name.eq_ignore_ascii_case("upgrade")
        {
            return State::Raw;
        }
        if h.name.eq_ignore_ascii_case("content-length") {
            let parsed = std::str::from_utf8(h.value)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok());
            match (parsed, length) {
                (Some(n), None) => length = Some(n),
                (Some(n), Some(m)) if n == m => {}
                _ => return State::Raw,
            }
        }
    }
    match length {
        None | Some(0) => State::Head,
        Some(n) => State::Body(n),
    }
}

/// Copy `head` to `out` with the bytes of the request line's target percent-encoded.
fn encode_target(head: &[u8], out: &mut Vec<u8>) {
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let start = head[..line_end]
        .iter()
        .position(|&b| b == b' ')
        .map_or(line_end, |i| i + 1);
    let end = head[start..line_end]
        .iter()
        .position(|&b| b == b' ')
        .map_or(line_end, |i| start + i);
    out.extend_from_slice(&head[..start]);
    for &b in &head[start..end] {
        if needs_encoding(b) {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        } else {
            out.push(b);
        }
    }
    out.extend_from_slice(&head[end..]);
}

impl<S: AsyncRead + Unpin> AsyncRead for EncodedTargets<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.out_at < this.out.len() {
                let n = buf.remaining().min(this.out.len() - this.out_at);
                buf.put_slice(&this.out[this.out_at..this.out_at + n]);
                this.out_at += n;
                if this.out_at == this.out.len() {
                    this.out.clear();
                    this.out_at = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if this.eof || buf.remaining() == 0 {
                return Poll::Ready(Ok(()));
            }
            if this.state == State::Raw {
                return Pin::new(&mut this.inner).poll_read(cx, buf);
            }
            let mut chunk = [0u8; 8192];
            let mut read = ReadBuf::new(&mut chunk);
            ready!(Pin::new(&mut this.inner).poll_read(cx, &mut read))?;
            if read.filled().is_empty() {
                // The peer closed: whatever head was pending goes to the parser as it is.
                this.eof = true;
                let mut rest = std::mem::take(&mut this.head);
                this.out.append(&mut rest);
                continue;
            }
            this.feed(read.filled());
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for EncodedTargets<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feed `input` in pieces of `step` bytes; what the parser would read.
    fn through(input: &[u8], step: usize) -> Vec<u8> {
        let mut w = EncodedTargets::new(());
        for piece in input.chunks(step) {
            w.feed(piece);
        }
        w.out.append(&mut w.head);
        w.out
    }

    fn each_step(input: &[u8], expected: &[u8]) {
        for step in [1, 2, 3, 7, 64, input.len()] {
            assert_eq!(
                String::from_utf8_lossy(&through(input, step)),
                String::from_utf8_lossy(expected),
                "in pieces of {step} bytes"
            );
        }
    }

    #[test]
    fn raw_utf8_in_a_target_is_percent_encoded_and_nothing_else_changes() {
        each_step(
            "GET /api/v1/needs?q=赤泥 HTTP/1.1\r\nHost: x\r\nX-Note: 赤泥\r\n\r\n".as_bytes(),
            b"GET /api/v1/needs?q=%E8%B5%A4%E6%B3%A5 HTTP/1.1\r\nHost: x\r\nX-Note: \xe8\xb5\xa4\xe6\xb3\xa5\r\n\r\n",
        );
        each_step(
            b"GET /a?q=\"<x>\" HTTP/1.1\r\n\r\n",
            b"GET /a?q=%22%3Cx%3E%22 HTTP/1.1\r\n\r\n",
        );
        // Already encoded targets and plain ones pass as they are.
        let plain = b"GET /api/v1/needs?q=%E8%B5%A4&limit=5 HTTP/1.1\r\nHost: x\r\n\r\n";
        each_step(plain, plain);
    }

    #[test]
    fn bodies_pass_untouched_and_the_next_request_on_the_connection_is_found() {
        let body = "{\"q\":\"赤泥 GET /x?赤 HTTP/1.1\\r\\n\"}";
        let input = format!(
            "\r\nPOST /p?a=铝 HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}GET /g?b=钪 HTTP/1.1\r\n\r\n",
            body.len()
        );
        let expected = format!(
            "\r\nPOST /p?a=%E9%93%9D HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}GET /g?b=%E9%92%AA HTTP/1.1\r\n\r\n",
            body.len()
        );
        each_step(input.as_bytes(), expected.as_bytes());
    }

    #[test]
    fn what_cannot_be_framed_passes_through_unchanged_from_there_on() {
        let chunked = "POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n赤\r\n0\r\n\r\nGET /g?b=钪 HTTP/1.1\r\n\r\n";
        each_step(chunked.as_bytes(), chunked.as_bytes());
        let twice = "POST /p HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab";
        each_step(twice.as_bytes(), twice.as_bytes());
        let garbage = "NOT HTTP AT ALL 赤\r\n\r\nrest";
        each_step(garbage.as_bytes(), garbage.as_bytes());
        let mut long = b"GET /".to_vec();
        long.extend(std::iter::repeat_n(b'a', 2 * MAX_HEAD));
        long.extend_from_slice("?q=赤 HTTP/1.1\r\n\r\n".as_bytes());
        assert!(
            through(&long, 4096) == long,
            "a head over MAX_HEAD passes unchanged"
        );
    }
}
