//! The loopback SMTP server the tests send to lives in the library (the events benchmark
//! uses it too).

pub use collab_registry::notifications::sink::{Mail, SmtpSink as SmtpServer};
