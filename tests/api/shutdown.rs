//! SIGTERM lets an in-flight request finish before the process exits.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{PgTestDatabase, postgres_admin_url};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn sigterm_lets_an_in_flight_request_complete() {
    let dir = tempfile::tempdir().unwrap();
    let pg = postgres_admin_url().map(|admin| PgTestDatabase::create(&admin));
    let database_url = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}", dir.path().join("s.db").display()),
    };
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_collab-registry"))
        .arg("serve")
        .env("DATABASE_URL", &database_url)
        .env("COLLAB_DATA_DIR", dir.path())
        .env("COLLAB_LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env(
            "COLLAB_JWT_SECRET",
            "a-test-secret-that-is-long-enough-0123456789",
        )
        .env("COLLAB_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let started = Instant::now();
    let mut stream = loop {
        if let Ok(s) = TcpStream::connect(("127.0.0.1", port)) {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let body = r#"{"email":"inflight@example.com","password":"correct horse battery staple","display_name":"In Flight"}"#;
    let (first, rest) = body.split_at(20);
    write!(
        stream,
        "POST /api/v1/auth/register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(rest.as_bytes()).unwrap();

    let mut response = String::new();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 201"), "response: {response}");

    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "server did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status}");
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}
