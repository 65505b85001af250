//! A small SMTP server on loopback for the test suite and `bench events`: it speaks real
//! SMTP (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), records what it receives, can answer
//! 550 to every message, and can be stopped and started again on the same port. It is not
//! a mail server: it delivers nowhere.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One received message.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub raw: String,
}

impl Mail {
    fn parsed(&self) -> Option<mailparse::ParsedMail<'_>> {
        mailparse::parse_mail(self.raw.as_bytes()).ok()
    }

    /// A header's decoded value, or empty.
    pub fn header(&self, name: &str) -> String {
        use mailparse::MailHeaderMap;
        self.parsed()
            .and_then(|p| p.headers.get_first_value(name))
            .unwrap_or_default()
    }

    pub fn subject(&self) -> String {
        self.header("Subject")
    }

    /// The decoded text/plain part.
    pub fn text(&self) -> String {
        fn find(p: &mailparse::ParsedMail) -> Option<String> {
            if p.ctype.mimetype == "text/plain" {
                return p.get_body().ok();
            }
            p.subparts.iter().find_map(find)
        }
        self.parsed().and_then(|p| find(&p)).unwrap_or_default()
    }

    /// The value of the first `token=` in the text part (empty if there is none).
    pub fn token(&self) -> String {
        let text = self.text();
        let Some(at) = text.find("token=") else {
            return String::new();
        };
        text[at + "token=".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
}

#[derive(Default)]
struct Shared {
    mails: Vec<Mail>,
    reject: bool,
}

/// Runs on a thread and runtime of its own, so a test that blocks its own runtime (or
/// ends) never starves the server in the middle of a session.
pub struct SmtpSink {
    pub port: u16,
    shared: Arc<Mutex<Shared>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SmtpSink {
    pub async fn start() -> std::io::Result<Self> {
        Self::start_on(0).await
    }

    /// A port that nothing listens on yet, for starting the server later.
    pub fn reserve_port() -> std::io::Result<u16> {
        Ok(std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port())
    }

    pub async fn start_on(port: u16) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let shared: Arc<Mutex<Shared>> = Arc::default();
        let s = shared.clone();
        let (stop, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                let Ok(listener) = TcpListener::from_std(listener) else {
                    return;
                };
                let mut sessions = tokio::task::JoinSet::new();
                loop {
                    tokio::select! {
                        accepted = listener.accept() => {
                            let Ok((socket, _)) = accepted else { break };
                            sessions.spawn(session(socket, s.clone()));
                        }
                        _ = &mut stop_rx => break,
                    }
                }
                sessions.abort_all();
            });
        });
        Ok(SmtpSink {
            port,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn url_for(port: u16) -> String {
        format!("smtp://127.0.0.1:{port}")
    }

    /// Close the listener and every open session.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Answer 550 to every message from now on.
    pub fn reject_all(&self) {
        self.shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .reject = true;
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .mails
            .clone()
    }

    pub fn mails_to(&self, address: &str) -> Vec<Mail> {
        self.mails()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == address))
            .collect()
    }

    /// Wait until a message to `address` whose subject starts with `prefix` arrived.
    ///
    /// # Panics
    /// After 15 seconds without one: this is for tests.
    pub async fn wait_for_subject(&self, address: &str, prefix: &str) -> Mail {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(m) = self
                .mails_to(address)
                .into_iter()
                .find(|m| m.subject().starts_with(prefix))
            {
                return m;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no mail to {address} with a subject starting {prefix:?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// How many messages arrived in all.
    pub fn count(&self) -> usize {
        self.shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .mails
            .len()
    }

    /// Wait until at least `n` messages arrived to `address`.
    ///
    /// # Panics
    /// After 15 seconds without them: this is for tests.
    pub async fn wait_for(&self, address: &str, n: usize) -> Vec<Mail> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let got = self.mails_to(address);
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected {n} mails to {address}, got {}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn session(socket: tokio::net::TcpStream, shared: Arc<Mutex<Shared>>) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    let mut to = Vec::new();
    if write
        .write_all(b"220 test-smtp ESMTP ready\r\n")
        .await
        .is_err()
    {
        return;
    }
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let cmd = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if cmd.starts_with("EHLO") {
            b"250-test-smtp\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if cmd.starts_with("HELO") || cmd.starts_with("MAIL FROM") || cmd.starts_with("NOOP")
        {
            b"250 OK\r\n"
        } else if cmd.starts_with("RSET") {
            to.clear();
            b"250 OK\r\n"
        } else if cmd.starts_with("RCPT TO") {
            let addr = line.trim_end()[8..]
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned();
            to.push(addr);
            b"250 OK\r\n"
        } else if cmd == "DATA" {
            if write
                .write_all(b"354 end with <CRLF>.<CRLF>\r\n")
                .await
                .is_err()
            {
                return;
            }
            let mut raw = String::new();
            loop {
                line.clear();
                match lines.read_line(&mut line).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                raw.push_str(
                    line.strip_prefix('.')
                        .filter(|_| line.starts_with(".."))
                        .unwrap_or(&line),
                );
            }
            let mut s = shared.lock().unwrap_or_else(PoisonError::into_inner);
            let reply: &[u8] = if s.reject {
                b"550 5.7.1 rejected by policy\r\n"
            } else {
                s.mails.push(Mail {
                    to: std::mem::take(&mut to),
                    raw,
                });
                b"250 OK queued\r\n"
            };
            drop(s);
            to.clear();
            reply
        } else if cmd.starts_with("QUIT") {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            b"502 command not implemented\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}
