//! The loopback SMTP server the tests send to: the library's sink (`bench::smtp`, which
//! `bench events` uses too) with what the tests read of a message (subject, text part,
//! headers, the token of a link: `mailparse`, a dev-dependency) and the waits they need.

use std::time::Duration;

use collab_registry::bench::smtp::{self, SmtpSink};
use mailparse::MailHeaderMap;

/// One received message.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub raw: String,
}

impl From<smtp::Mail> for Mail {
    fn from(m: smtp::Mail) -> Self {
        Mail {
            to: m.to,
            raw: m.raw,
        }
    }
}

impl Mail {
    fn parsed(&self) -> Option<mailparse::ParsedMail<'_>> {
        mailparse::parse_mail(self.raw.as_bytes()).ok()
    }

    /// A header's decoded value, or empty.
    pub fn header(&self, name: &str) -> String {
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

    /// The decoded `text/calendar` attachment, if the message carries one.
    pub fn calendar(&self) -> Option<String> {
        fn find(p: &mailparse::ParsedMail) -> Option<String> {
            if p.ctype.mimetype == "text/calendar" {
                return p.get_body().ok();
            }
            p.subparts.iter().find_map(find)
        }
        self.parsed().and_then(|p| find(&p))
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

/// The sink, running on a thread and runtime of its own.
pub struct SmtpServer(SmtpSink);

impl SmtpServer {
    pub async fn start() -> std::io::Result<Self> {
        Ok(SmtpServer(SmtpSink::start().await?))
    }

    /// A port that nothing listens on yet, for starting the server later.
    pub fn reserve_port() -> std::io::Result<u16> {
        SmtpSink::reserve_port()
    }

    pub async fn start_on(port: u16) -> std::io::Result<Self> {
        Ok(SmtpServer(SmtpSink::start_on(port).await?))
    }

    pub fn url(&self) -> String {
        self.0.url()
    }

    pub fn url_for(port: u16) -> String {
        SmtpSink::url_for(port)
    }

    /// Close the listener and every open session.
    pub fn stop(&mut self) {
        self.0.stop();
    }

    /// Answer 550 to every message from now on.
    pub fn reject_all(&self) {
        self.0.reject_all();
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.0.mails().into_iter().map(Mail::from).collect()
    }

    pub fn mails_to(&self, address: &str) -> Vec<Mail> {
        self.0
            .mails_to(address)
            .into_iter()
            .map(Mail::from)
            .collect()
    }

    /// Wait until a message to `address` whose subject starts with `prefix` arrived.
    ///
    /// # Panics
    /// After 15 seconds without one.
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

    /// Wait until at least `n` messages arrived to `address`.
    ///
    /// # Panics
    /// After 15 seconds without them.
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
