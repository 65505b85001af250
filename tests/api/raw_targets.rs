//! Raw UTF-8 in a URL, as curl sends `?q=赤泥` (issue 15, defect 4): accepted as if it had
//! been percent-encoded, on a kept-alive connection whose bodies pass untouched.

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::{Value, json};

use crate::helpers::spawn_app;
use crate::listings::{post, publish, two_sides};

/// One response read off the connection: status, content type, body.
fn next_response(buf: &mut &[u8]) -> (u16, String, Vec<u8>) {
    let text = String::from_utf8_lossy(buf).into_owned();
    let end = text.find("\r\n\r\n").expect("a complete response head");
    let head = &text[..end];
    let status: u16 = head[9..12].parse().unwrap();
    let header = |name: &str| {
        head.lines()
            .find_map(|l| {
                let (n, v) = l.split_once(':')?;
                n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
            })
            .unwrap_or_default()
    };
    let length: usize = header("content-length").parse().expect("a content-length");
    let body = buf[end + 4..end + 4 + length].to_vec();
    *buf = &buf[end + 4 + length..];
    (status, header("content-type"), body)
}

#[tokio::test]
async fn raw_utf8_in_a_url_is_accepted_and_bodies_pass_untouched() {
    let app = spawn_app().await;
    let (owner, prof, bureau) = (
        app.verified_user("o@example.com").await,
        app.verified_user("p@example.com").await,
        app.bureau_admin().await,
    );
    let (ent, _) = two_sides(&app, &owner, &prof, &bureau, 1).await;
    let need = post(&app, &owner, "/api/v1/needs", &json!({
        "organization_id": ent, "title": "赤泥中铁的回收", "description": "我公司每年产生赤泥约200万吨，希望回收其中的铁。",
        "keywords": ["赤泥"], "field_codes": ["red-mud.iron-recovery"], "trl_required": 6})).await;
    let need_id = need["id"].as_str().unwrap();
    publish(&app, &owner, "needs", need_id).await;

    // A body whose bytes look like a request line with raw UTF-8 must reach the handler as sent.
    let title = "钪的提取 GET /x?q=赤 HTTP/1.1";
    let body = json!({"organization_id": ent, "title": title, "description": "从赤泥中提取钪。"})
        .to_string();
    let auth = format!("Authorization: Bearer {}\r\n", owner.access);
    let requests = [
        format!("GET /api/v1/needs?q=赤泥 HTTP/1.1\r\nHost: x\r\n{auth}\r\n"),
        format!(
            "POST /api/v1/needs HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
        format!("GET /api/v1/needs/不存在 HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n"),
    ];
    let address = app.address.trim_start_matches("http://").to_owned();
    let raw = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(address).unwrap();
        for r in requests {
            stream.write_all(r.as_bytes()).unwrap();
        }
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        raw
    })
    .await
    .unwrap();

    let mut rest = raw.as_slice();
    let (status, kind, found) = next_response(&mut rest);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&found));
    assert!(kind.starts_with("application/json"), "{kind}");
    let found: Value = serde_json::from_slice(&found).unwrap();
    let ids: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [need_id], "the search for raw 赤泥 finds the need");

    let (status, _, created) = next_response(&mut rest);
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&created));
    let created: Value = serde_json::from_slice(&created).unwrap();
    assert_eq!(created["title"], title, "the body passed untouched");

    let (status, kind, problem) = next_response(&mut rest);
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&problem));
    assert_eq!(kind, "application/problem+json");
    assert!(rest.is_empty(), "nothing after the third response");
}
