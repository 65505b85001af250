//! SIGTERM lets an in-flight request finish before the process exits.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use crate::helpers::test_settings;
use crate::process::Launch;

#[tokio::test]
async fn sigterm_lets_an_in_flight_request_complete() {
    let (settings, _dir, _pg) = test_settings();
    let mut server = Launch::new(&settings, "smtp://127.0.0.1:9").start();
    server.ready().await;
    let address = server.base.trim_start_matches("http://").to_owned();

    let mut stream = TcpStream::connect(&address).unwrap();
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

    let pid = server.pid().to_string();
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

    let status = server.wait_exit(Duration::from_secs(20));
    assert!(status.success(), "exit status {status}");
    assert!(TcpStream::connect(&address).is_err());
}
