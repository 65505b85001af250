//! A small SMTP server on loopback for `bench events` and the integration tests (which
//! wrap it with what they read of a message, `tests/api/smtp.rs`): it speaks real SMTP
//! (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), records what it receives, can answer 550 to
//! every message, and can be stopped and started again on the same port. It is not a mail
//! server: it delivers nowhere. It parses nothing either: a message is its envelope
//! recipients and its raw text.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One received message.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub raw: String,
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

    /// How many messages arrived in all.
    pub fn count(&self) -> usize {
        self.shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .mails
            .len()
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
