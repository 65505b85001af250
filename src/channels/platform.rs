//! What each platform expects on the wire: the JSON shape of a text message, the signature
//! (DingTalk in the query, Feishu in the body, WeCom none), and how its answer tells
//! success (`errcode` 0 for WeCom and DingTalk, `code` 0 for Feishu). Pure functions, so the
//! signatures can be checked against the platforms' documented recipes.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::domain::ChannelPlatform;

type HmacSha256 = Hmac<Sha256>;

/// A request ready to post: where to, and the JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub url: String,
    pub body: Value,
}

/// DingTalk's signature: `base64(HMAC-SHA256(key = secret, "{timestamp_ms}\n{secret}"))`.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let mut mac = hmac(secret.as_bytes());
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Feishu's signature: `base64(HMAC-SHA256(key = "{timestamp_s}\n{secret}", ""))`.
pub fn feishu_sign(secret: &str, timestamp_s: i64) -> String {
    let mac = hmac(format!("{timestamp_s}\n{secret}").as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

fn hmac(key: &[u8]) -> HmacSha256 {
    match HmacSha256::new_from_slice(key) {
        Ok(m) => m,
        // HMAC takes keys of any length.
        Err(_) => unreachable!("HMAC rejected a key"),
    }
}

/// The request that posts `text` to a robot at `webhook`, signed with `secret` when the
/// platform uses one; `now_ms` is the current Unix time in milliseconds.
pub fn request(
    platform: ChannelPlatform,
    webhook: &str,
    secret: Option<&str>,
    text: &str,
    now_ms: i64,
) -> Outgoing {
    match platform {
        ChannelPlatform::Wecom => Outgoing {
            url: webhook.to_owned(),
            body: json!({"msgtype": "text", "text": {"content": text}}),
        },
        ChannelPlatform::Dingtalk => {
            let mut url = webhook.to_owned();
            if let Some(secret) = secret {
                let sign = dingtalk_sign(secret, now_ms);
                let query: String =
                    form_urlencoded(&[("timestamp", &now_ms.to_string()), ("sign", &sign)]);
                url.push(if url.contains('?') { '&' } else { '?' });
                url.push_str(&query);
            }
            Outgoing {
                url,
                body: json!({"msgtype": "text", "text": {"content": text}}),
            }
        }
        ChannelPlatform::Feishu => {
            let mut body = json!({"msg_type": "text", "content": {"text": text}});
            if let Some(secret) = secret {
                let ts = now_ms.div_euclid(1000);
                body["timestamp"] = Value::String(ts.to_string());
                body["sign"] = Value::String(feishu_sign(secret, ts));
            }
            Outgoing {
                url: webhook.to_owned(),
                body,
            }
        }
    }
}

fn form_urlencoded(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// Whether the platform accepted the message: an HTTP success whose JSON says code 0.
/// The error names the status or the platform's code and message (never the URL).
pub fn check_answer(platform: ChannelPlatform, status: u16, body: &str) -> Result<(), String> {
    if !(200..300).contains(&status) {
        return Err(format!("HTTP {status}"));
    }
    let v: Value = serde_json::from_str(body).map_err(|_| "answer is not JSON".to_owned())?;
    let (code, message) = match platform {
        ChannelPlatform::Wecom | ChannelPlatform::Dingtalk => (&v["errcode"], &v["errmsg"]),
        // Feishu answers `code`; older bots answered `StatusCode`.
        ChannelPlatform::Feishu => (
            if v["code"].is_null() {
                &v["StatusCode"]
            } else {
                &v["code"]
            },
            if v["msg"].is_null() {
                &v["StatusMessage"]
            } else {
                &v["msg"]
            },
        ),
    };
    match code.as_i64() {
        Some(0) => Ok(()),
        Some(c) => Err(format!(
            "platform code {c}: {}",
            message
                .as_str()
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect::<String>()
        )),
        None => Err("answer has no result code".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dingtalk_signs_in_the_query_as_documented() {
        // The recipe by hand: HMAC-SHA256(secret, "ts\nsecret"), base64, URL-encoded.
        let sign = dingtalk_sign("SEC123", 1_700_000_000_000);
        let mut mac = HmacSha256::new_from_slice(b"SEC123").unwrap();
        mac.update(b"1700000000000\nSEC123");
        assert_eq!(sign, STANDARD.encode(mac.finalize().into_bytes()));
        let out = request(
            ChannelPlatform::Dingtalk,
            "https://oapi.dingtalk.com/robot/send?access_token=t",
            Some("SEC123"),
            "hi",
            1_700_000_000_000,
        );
        let expected = serde_urlencoded::to_string([("sign", &sign)]).unwrap();
        assert!(out.url.starts_with(
            "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&"
        ));
        assert!(out.url.ends_with(&expected), "{}", out.url);
        assert_eq!(out.body["msgtype"], "text");
        assert_eq!(out.body["text"]["content"], "hi");
    }

    #[test]
    fn feishu_signs_in_the_body_with_seconds() {
        let out = request(
            ChannelPlatform::Feishu,
            "https://open.feishu.cn/open-apis/bot/v2/hook/x",
            Some("s"),
            "hi",
            1_700_000_000_999,
        );
        assert_eq!(out.body["timestamp"], "1700000000");
        let mac = HmacSha256::new_from_slice(b"1700000000\ns").unwrap();
        assert_eq!(
            out.body["sign"].as_str().unwrap(),
            STANDARD.encode(mac.finalize().into_bytes())
        );
        assert_eq!(out.body["msg_type"], "text");
        assert_eq!(out.body["content"]["text"], "hi");
        let unsigned = request(ChannelPlatform::Feishu, "u", None, "hi", 0);
        assert!(unsigned.body.get("sign").is_none());
    }

    #[test]
    fn wecom_is_plain_and_unsigned() {
        let out = request(ChannelPlatform::Wecom, "u?key=k", Some("ignored"), "hi", 5);
        assert_eq!(out.url, "u?key=k");
        assert_eq!(
            out.body,
            json!({"msgtype": "text", "text": {"content": "hi"}})
        );
    }

    #[test]
    fn answers_are_judged_by_the_platforms_code() {
        assert!(
            check_answer(
                ChannelPlatform::Wecom,
                200,
                r#"{"errcode":0,"errmsg":"ok"}"#
            )
            .is_ok()
        );
        assert!(
            check_answer(
                ChannelPlatform::Dingtalk,
                200,
                r#"{"errcode":310000,"errmsg":"sign"}"#
            )
            .unwrap_err()
            .contains("310000")
        );
        assert!(
            check_answer(
                ChannelPlatform::Feishu,
                200,
                r#"{"code":0,"msg":"success"}"#
            )
            .is_ok()
        );
        assert!(check_answer(ChannelPlatform::Feishu, 200, r#"{"StatusCode":0}"#).is_ok());
        assert!(check_answer(ChannelPlatform::Feishu, 200, r#"{"code":19021}"#).is_err());
        assert_eq!(
            check_answer(ChannelPlatform::Wecom, 502, "").unwrap_err(),
            "HTTP 502"
        );
        assert!(check_answer(ChannelPlatform::Wecom, 200, "<html>").is_err());
        assert!(check_answer(ChannelPlatform::Wecom, 200, "{}").is_err());
    }
}
