//! The uploaded file of an import request: the body itself (its `Content-Type` says CSV or
//! XLSX), or the `file` part of a `multipart/form-data` form (as a browser's file input or
//! `curl -F file=@机构.xlsx` sends it). Bounded in size.

use actix_web::web;
use futures_util::StreamExt;

use super::read::{Format, MAX_BYTES};
use crate::error::{ApiError, ErrorCode, Text};

/// The body, at most [`MAX_BYTES`] (413 beyond; a multipart form may add a few hundred
/// bytes of its own).
pub async fn body(mut payload: web::Payload) -> Result<Vec<u8>, ApiError> {
    let limit = MAX_BYTES + 64 * 1024;
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            ApiError::bad_request(
                ErrorCode::MalformedBody,
                Text::key("problem.malformed_body"),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit: MAX_BYTES });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn unsupported() -> ApiError {
    ApiError::UnsupportedMediaType {
        detail: Text::key("problem.unsupported_media_type.import"),
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// A parameter of a header value (`boundary=...`, `filename="..."`), unquoted.
fn param(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// The file and its format from a request of `content_type` with `body`.
pub fn file(content_type: &str, body: Vec<u8>) -> Result<(Vec<u8>, Format), ApiError> {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("multipart/form-data") {
        let format = Format::of_media_type(content_type, &body).ok_or_else(unsupported)?;
        return Ok((body, format));
    }
    let boundary = param(content_type, "boundary").ok_or_else(unsupported)?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut at = find(&body, &delimiter, 0).ok_or_else(unsupported)?;
    loop {
        let start = at + delimiter.len();
        if body.get(start..start + 2) == Some(b"--") {
            break;
        }
        let head_end = find(&body, b"\r\n\r\n", start).ok_or_else(unsupported)?;
        let next = find(&body, &delimiter, head_end).ok_or_else(unsupported)?;
        let head = String::from_utf8_lossy(&body[start..head_end]);
        let header = |name: &str| {
            head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| v.trim().to_owned())
            })
        };
        let disposition = header("content-disposition").unwrap_or_default();
        if param(&disposition, "name").as_deref() == Some("file") {
            let content = body[head_end + 4..next]
                .strip_suffix(b"\r\n")
                .unwrap_or(&body[head_end + 4..next])
                .to_vec();
            let format = param(&disposition, "filename")
                .and_then(|n| Format::of_name(&n))
                .or_else(|| {
                    let media = header("content-type").unwrap_or_default();
                    Format::of_media_type(&media, &content)
                })
                .or_else(|| Format::of_media_type("application/octet-stream", &content))
                .ok_or_else(unsupported)?;
            return Ok((content, format));
        }
        at = next;
    }
    Err(ApiError::field(
        "file",
        ErrorCode::Required,
        Text::key("problem.required.file"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_part_of_a_form_is_found_and_its_format_told_by_its_name() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n\
                     --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\nname,kind\r\nx,y\r\n\r\n--XyZ--\r\n";
        let (f, format) = file("multipart/form-data; boundary=XyZ", body.to_vec()).unwrap();
        assert_eq!(format, Format::Csv);
        assert_eq!(f, b"name,kind\r\nx,y\r\n");
        let none = b"--XyZ\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nhi\r\n--XyZ--";
        assert!(file("multipart/form-data; boundary=XyZ", none.to_vec()).is_err());
        let (_, format) = file("text/csv", b"a".to_vec()).unwrap();
        assert_eq!(format, Format::Csv);
        assert!(matches!(
            file("image/png", vec![]),
            Err(ApiError::UnsupportedMediaType { .. })
        ));
    }
}
