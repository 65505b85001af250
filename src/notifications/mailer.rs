//! Turning an outbox row into a MIME message and handing it to a transport: SMTP when
//! configured, else `.eml` files under the data folder so a newcomer can read the mail.

use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, header};
use lettre::transport::smtp::{PoolConfig, SmtpTransport};
use lettre::{FileTransport, Message, Transport};
use secrecy::ExposeSecret;

use super::outbox::OutboxEmail;
use crate::config::Settings;

/// Why a send failed, which decides whether to try again.
#[derive(Debug)]
pub enum SendError {
    /// Connection trouble, timeouts, 4xx replies: try again later.
    Transient(String),
    /// 5xx replies or an unusable address: retrying cannot help.
    Permanent(String),
}

enum Transport_ {
    Smtp(SmtpTransport),
    File(FileTransport),
}

/// The configured transport plus the sender identity.
pub struct Mailer {
    transport: Transport_,
    from: Mailbox,
    message_id_domain: String,
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let from: Mailbox = settings
            .mail
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("COLLAB_MAIL_FROM: {e}"))?;
        let message_id_domain = from.email.domain().to_owned();
        let transport = match &settings.mail.smtp_url {
            Some(url) => Transport_::Smtp(
                SmtpTransport::from_url(url.expose_secret())
                    .map_err(|e| anyhow::anyhow!("COLLAB_SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(15)))
                    .pool_config(PoolConfig::new().max_size(settings.mail.concurrency as u32))
                    .build(),
            ),
            None => {
                let dir = settings.data_dir.join("mail");
                // The files carry live tokens: the folder is the owner's alone.
                crate::files::private_dir(&dir)?;
                Transport_::File(FileTransport::new(dir))
            }
        };
        Ok(Mailer {
            transport,
            from,
            message_id_domain,
        })
    }

    /// The Message-ID of a row: the same on every attempt, so a resend is recognizable.
    pub fn message_id(&self, email: &OutboxEmail) -> String {
        format!("<{}@{}>", email.id, self.message_id_domain)
    }

    /// Build and send one email (blocking).
    pub fn send(&self, email: &OutboxEmail) -> Result<(), SendError> {
        let to: Mailbox = email
            .to_address
            .parse()
            .map_err(|e| SendError::Permanent(format!("bad recipient: {e}")))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&email.subject)
            .message_id(Some(self.message_id(email)))
            .header(header::Date::now());
        if let Some(url) = &email.unsubscribe_url {
            // RFC 2369 and RFC 8058: mail programs offer a one-click unsubscribe button.
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let body =
            MultiPart::alternative_plain_html(email.body_text.clone(), email.body_html.clone());
        let built = match &email.calendar_ics {
            None => builder.multipart(body),
            Some(ics) => {
                let method = if ics.contains("\r\nMETHOD:CANCEL\r\n") {
                    "CANCEL"
                } else {
                    "PUBLISH"
                };
                let kind =
                    ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                        .map_err(|e| SendError::Permanent(format!("calendar content type: {e}")))?;
                builder.multipart(
                    MultiPart::mixed().multipart(body).singlepart(
                        Attachment::new("event.ics".to_owned()).body(ics.clone(), kind),
                    ),
                )
            }
        };
        let message =
            built.map_err(|e| SendError::Permanent(format!("cannot build message: {e}")))?;
        match &self.transport {
            Transport_::Smtp(t) => t.send(&message).map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    SendError::Permanent(e.to_string())
                } else {
                    SendError::Transient(e.to_string())
                }
            }),
            Transport_::File(t) => t
                .send(&message)
                .map(|_| ())
                .map_err(|e| SendError::Transient(e.to_string())),
        }
    }
}
