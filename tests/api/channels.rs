//! Group-chat robots: owners add WeCom, DingTalk and Feishu robots whose URLs and secrets
//! never come back; the one-click test and real notices reach a loopback receiver that
//! checks each platform's shape and signature; failures are retried, then dead-lettered
//! for the bureau.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app_with};
use crate::listings::{post, publish};
use crate::registry::{enterprise, uscc};

/// One request a robot received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub query: HashMap<String, String>,
    pub body: Value,
}

#[derive(Default)]
struct Inbox {
    received: Vec<Received>,
    /// Answers to give before the platform's success answer: (HTTP status, body).
    script: VecDeque<(u16, String)>,
    /// Answer every request with this instead (a robot that keeps failing).
    always: Option<(u16, String)>,
}

/// A loopback HTTP server standing in for the three platforms' robots.
pub struct Receiver {
    pub base: String,
    inbox: Arc<Mutex<Inbox>>,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

fn success(path: &str) -> String {
    if path.starts_with("/feishu") {
        r#"{"code":0,"msg":"success","data":{}}"#.to_owned()
    } else {
        r#"{"errcode":0,"errmsg":"ok"}"#.to_owned()
    }
}

async fn robot(req: HttpRequest, body: web::Bytes, inbox: web::Data<Mutex<Inbox>>) -> HttpResponse {
    let query: HashMap<String, String> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut inbox = inbox.lock().unwrap();
    inbox.received.push(Received {
        path: req.path().to_owned(),
        query,
        body,
    });
    let (status, text) = inbox
        .always
        .clone()
        .or_else(|| inbox.script.pop_front())
        .unwrap_or_else(|| (200, success(req.path())));
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
        .content_type("application/json")
        .body(text)
}

impl Receiver {
    pub async fn start() -> Receiver {
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let data = web::Data::from(inbox.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(robot))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .unwrap();
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Receiver {
            base: format!("http://127.0.0.1:{port}"),
            inbox,
            handle,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().received.clone()
    }

    fn answer_next(&self, status: u16, body: &str) {
        self.inbox
            .lock()
            .unwrap()
            .script
            .push_back((status, body.to_owned()));
    }

    fn answer_always(&self, status: u16, body: &str) {
        self.inbox.lock().unwrap().always = Some((status, body.to_owned()));
    }

    /// Wait until `n` requests have arrived (at most 20 s).
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{} of {n} robot messages arrived: {got:?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

type HmacSha256 = Hmac<Sha256>;

/// DingTalk's check: `sign` = base64(HMAC-SHA256(secret, "{timestamp}\n{secret}")).
fn dingtalk_signed(r: &Received, secret: &str) -> bool {
    let (Some(ts), Some(sign)) = (r.query.get("timestamp"), r.query.get("sign")) else {
        return false;
    };
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{ts}\n{secret}").as_bytes());
    ts.parse::<i64>().is_ok_and(|t| t > 1_600_000_000_000)
        && *sign == STANDARD.encode(mac.finalize().into_bytes())
}

/// Feishu's check: `sign` = base64(HMAC-SHA256(key = "{timestamp}\n{secret}", "")).
fn feishu_signed(r: &Received, secret: &str) -> bool {
    let (Some(ts), Some(sign)) = (r.body["timestamp"].as_str(), r.body["sign"].as_str()) else {
        return false;
    };
    let mac = HmacSha256::new_from_slice(format!("{ts}\n{secret}").as_bytes()).unwrap();
    ts.parse::<i64>()
        .is_ok_and(|t| (1_600_000_000..10_000_000_000).contains(&t))
        && sign == STANDARD.encode(mac.finalize().into_bytes())
}

fn text_of(r: &Received) -> String {
    if r.path.starts_with("/feishu") {
        assert_eq!(r.body["msg_type"], "text", "{r:?}");
        r.body["content"]["text"].as_str().unwrap().to_owned()
    } else {
        assert_eq!(r.body["msgtype"], "text", "{r:?}");
        r.body["text"]["content"].as_str().unwrap().to_owned()
    }
}

/// An app whose robots may live on `receiver`, with quick retries and `attempts` tries.
async fn app_for(receiver: &Receiver, attempts: u32) -> TestApp {
    let base = receiver.base.clone();
    spawn_app_with(move |s| {
        s.channel_test_hosts = vec![base];
        s.mail.max_attempts = attempts;
        s.mail.retry_base = Duration::from_millis(100);
        s.mail.retry_max = Duration::from_millis(400);
    })
    .await
}

struct Org {
    bureau: TestUser,
    owner: TestUser,
    id: String,
}

async fn org(app: &TestApp) -> Org {
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let id = app
        .verified_org(&owner, &bureau, &enterprise("魏桥铝电", &uscc(1)))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Org { bureau, owner, id }
}

fn channels(org: &str) -> String {
    format!("/api/v1/organizations/{org}/channels")
}

async fn add(app: &TestApp, o: &Org, body: Value) -> Value {
    let res = app
        .post_json_as(&channels(&o.id), &o.owner.access, &body)
        .await;
    assert_eq!(res.status().as_u16(), 201, "add robot");
    res.json().await.unwrap()
}

async fn test_click(app: &TestApp, o: &Org, channel: &Value) -> Value {
    let res = app
        .post_json_as(
            &format!(
                "{}/{}/test",
                channels(&o.id),
                channel["id"].as_str().unwrap()
            ),
            &o.owner.access,
            &json!({}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 202, "test robot");
    res.json().await.unwrap()
}

/// The bureau's list of channel messages with `status`, once it holds `n` (at most 20 s).
async fn messages(app: &TestApp, bureau: &TestUser, status: &str, n: usize) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let res = app
            .get_as(
                &format!("/api/v1/admin/channel-messages?status={status}"),
                &bureau.access,
            )
            .await;
        assert_eq!(res.status().as_u16(), 200);
        let page: Value = res.json().await.unwrap();
        let items = page["items"].as_array().unwrap().clone();
        if items.len() >= n {
            return items;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{} of {n} {status} messages: {page}",
            items.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

const DING_SECRET: &str = "SECd1ngta1ksecret0123456789abcdef";
const FEISHU_SECRET: &str = "feishu-signing-secret-42";

#[tokio::test]
async fn owners_add_robots_whose_urls_and_secrets_never_come_back() {
    let receiver = Receiver::start().await;
    let app = app_for(&receiver, 8).await;
    let o = org(&app).await;
    let url = format!(
        "{}/dingtalk/robot/send?access_token=tok9tok9beef",
        receiver.base
    );

    // Arrange/Act: an owner adds a signed DingTalk robot for two topics.
    let created = add(
        &app,
        &o,
        json!({"platform": "dingtalk", "name": "研发群", "webhook_url": url, "secret": DING_SECRET,
               "topics": ["events", "collaboration"], "locale": "en"}),
    )
    .await;

    // Assert: masked, no secret, topics and language as given.
    assert_eq!(created["webhook_url_masked"], "127.0.0.1…beef");
    assert_eq!(created["secret_set"], true);
    assert_eq!(created["topics"], json!(["collaboration", "events"]));
    assert_eq!(created["locale"], "en");
    assert_eq!(created["enabled"], true);
    let cid = created["id"].as_str().unwrap().to_owned();
    let one = format!("{}/{cid}", channels(&o.id));

    // The owner and the bureau see it; every answer leaves the URL and secret out.
    let mut answers = vec![created.to_string()];
    for who in [&o.owner, &o.bureau] {
        let res = app.get_as(&channels(&o.id), &who.access).await;
        assert_eq!(res.status().as_u16(), 200);
        let list: Value = res.json().await.unwrap();
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        answers.push(list.to_string());
        let res = app.get_as(&one, &who.access).await;
        assert_eq!(res.status().as_u16(), 200);
        answers.push(res.text().await.unwrap());
    }

    // The bureau may look, not change; others may not look.
    let res = app
        .post_json_as(
            &channels(&o.id),
            &o.bureau.access,
            &json!({"platform": "wecom", "name": "x",
            "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    let outsider = app.verified_user("outsider@example.com").await;
    assert_problem(
        app.get_as(&channels(&o.id), &outsider.access).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(app.get_as(&one, &outsider.access).await, 403, "forbidden").await;
    let res = app
        .post_json_as(&format!("{one}/test"), &outsider.access, &json!({}))
        .await;
    assert_problem(res, 403, "forbidden").await;
    let pending = app
        .create_org(&outsider, &enterprise("未审核", &uscc(2)))
        .await;
    let pending_path = channels(pending["id"].as_str().unwrap());
    assert_problem(
        app.get_as(&pending_path, &o.owner.access).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.get_as(
            &format!("{}/{}", channels(&o.id), "no-such"),
            &o.owner.access,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let res = app.get("/api/v1/admin/channel-messages").await;
    assert_eq!(res.status().as_u16(), 401);
    let res = app
        .get_as("/api/v1/admin/channel-messages", &o.owner.access)
        .await;
    assert_problem(res, 403, "forbidden").await;

    // Webhooks must be the platform's own; WeCom takes no secret; topics are the choosable ones.
    for (body, code) in [
        (
            json!({"platform": "wecom", "name": "x", "webhook_url": "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}),
            "webhook_url_not_https",
        ),
        (
            json!({"platform": "dingtalk", "name": "x", "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}),
            "webhook_url_unknown_host",
        ),
        (
            json!({"platform": "feishu", "name": "x", "webhook_url": "https://open.feishu.cn.example.com/open-apis/bot/v2/hook/x"}),
            "webhook_url_unknown_host",
        ),
        (
            json!({"platform": "wecom", "name": "x", "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "secret": "s"}),
            "secret_not_used",
        ),
        (
            json!({"platform": "wecom", "name": "x", "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "topics": ["account"]}),
            "topic_not_choosable",
        ),
        (
            json!({"platform": "wecom", "name": "", "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}),
            "length",
        ),
    ] {
        let res = app
            .post_json_as(&channels(&o.id), &o.owner.access, &body)
            .await;
        let problem = assert_problem(res, 422, code).await;
        answers.push(problem.to_string());
    }
    let res = app
        .post_json_as(
            &channels(&o.id),
            &o.owner.access,
            &json!({"platform": "slack", "name": "x", "webhook_url": "https://x"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);

    // Changing the URL and removing the secret; only the fields sent change.
    let new_url = format!(
        "{}/dingtalk/robot/send?access_token=newtokenc0de",
        receiver.base
    );
    let res = app
        .patch_json_as(
            &one,
            &o.owner.access,
            &json!({"webhook_url": new_url, "secret": null, "enabled": false}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(changed["webhook_url_masked"], "127.0.0.1…c0de");
    assert_eq!(changed["secret_set"], false);
    assert_eq!(changed["enabled"], false);
    assert_eq!(changed["name"], "研发群");
    answers.push(changed.to_string());
    let res = app
        .patch_json_as(
            &one,
            &o.owner.access,
            &json!({"webhook_url": "https://evil.example.com/robot/send"}),
        )
        .await;
    assert_problem(res, 422, "webhook_url_unknown_host").await;

    // The audit log records the changes without the URL or the secret.
    let res = app
        .get_as(
            &format!("/api/v1/audit-log?subject_id={cid}"),
            &o.bureau.access,
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let audit = res.text().await.unwrap();
    assert!(
        audit.contains("channel_created") && audit.contains("channel_updated"),
        "{audit}"
    );
    answers.push(audit);

    for a in &answers {
        for secret in ["tok9tok9beef", "newtokenc0de", DING_SECRET, "access_token"] {
            assert!(!a.contains(secret), "{secret} shown in {a}");
        }
    }

    // Deleting removes it.
    let res = app
        .client
        .delete(app.url(&one))
        .bearer_auth(&o.owner.access)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    assert_problem(app.get_as(&one, &o.owner.access).await, 404, "not_found").await;
}

#[tokio::test]
async fn the_one_click_test_reaches_each_platform_in_its_shape_and_signed() {
    let receiver = Receiver::start().await;
    let app = app_for(&receiver, 8).await;
    let o = org(&app).await;
    let wecom = add(
        &app,
        &o,
        json!({"platform": "wecom", "name": "企业微信群",
        "webhook_url": format!("{}/wecom/cgi-bin/webhook/send?key=wk-1", receiver.base)}),
    )
    .await;
    let ding = add(
        &app,
        &o,
        json!({"platform": "dingtalk", "name": "钉钉群", "secret": DING_SECRET,
        "webhook_url": format!("{}/dingtalk/robot/send?access_token=dt-1", receiver.base)}),
    )
    .await;
    let feishu = add(&app, &o, json!({"platform": "feishu", "name": "Feishu group", "secret": FEISHU_SECRET, "locale": "en",
        "webhook_url": format!("{}/feishu/open-apis/bot/v2/hook/fs-1", receiver.base)})).await;

    for c in [&wecom, &ding, &feishu] {
        let queued = test_click(&app, &o, c).await;
        assert_eq!(queued["channel_id"], c["id"]);
        assert_eq!(queued["topic"], "test");
        assert!(queued.get("webhook_url").is_none());
    }

    let got = receiver.wait_for(3).await;
    let by = |prefix: &str| {
        got.iter()
            .find(|r| r.path.starts_with(prefix))
            .unwrap()
            .clone()
    };
    let (w, d, f) = (by("/wecom/"), by("/dingtalk/"), by("/feishu/"));
    assert_eq!(w.query.get("key").map(String::as_str), Some("wk-1"));
    assert!(!w.query.contains_key("sign"));
    assert!(text_of(&w).contains("企业微信群"), "{w:?}");
    assert_eq!(
        d.query.get("access_token").map(String::as_str),
        Some("dt-1")
    );
    assert!(
        dingtalk_signed(&d, DING_SECRET),
        "DingTalk signature: {d:?}"
    );
    assert!(text_of(&d).contains("测试"), "{d:?}");
    assert!(feishu_signed(&f, FEISHU_SECRET), "Feishu signature: {f:?}");
    assert!(
        text_of(&f).contains("[Test]"),
        "in the robot's language: {f:?}"
    );
    let sent = messages(&app, &o.bureau, "sent", 3).await;
    assert!(
        sent.iter()
            .all(|m| m["attempts"] == 1 && m["last_error"].is_null())
    );
    // Each click queued one message: nothing more arrives.
    assert_eq!(receiver.received().len(), 3);
}

#[tokio::test]
async fn a_new_interest_reaches_the_receiving_organizations_robot_once() {
    let receiver = Receiver::start().await;
    let app = app_for(&receiver, 8).await;
    let o = org(&app).await;
    let second = app.verified_user("second@example.com").await;
    let (oid, uid) = (o.id.clone(), second.id.clone());
    app.db
        .write(move |conn| {
            use collab_registry::db::schema::memberships as ms;
            use diesel::prelude::*;
            diesel::insert_into(ms::table)
                .values((
                    ms::organization_id.eq(oid),
                    ms::user_id.eq(uid),
                    ms::role.eq("member"),
                    ms::created_at.eq(collab_registry::db::types::now()),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    // The second member reads Chinese, as the robots do.
    let res = app
        .patch_json_as("/api/v1/me", &second.access, &json!({"locale": "zh-CN"}))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    // A member who is not an owner may not see the robots.
    assert_problem(
        app.get_as(&channels(&o.id), &second.access).await,
        403,
        "forbidden",
    )
    .await;
    add(
        &app,
        &o,
        json!({"platform": "wecom", "name": "合作群", "topics": ["collaboration"],
        "webhook_url": format!("{}/wecom/cgi-bin/webhook/send?key=collab", receiver.base)}),
    )
    .await;
    add(
        &app,
        &o,
        json!({"platform": "wecom", "name": "活动群", "topics": ["events"],
        "webhook_url": format!("{}/wecom/cgi-bin/webhook/send?key=events", receiver.base)}),
    )
    .await;
    let need = post(&app, &o.owner, "/api/v1/needs", &json!({
        "organization_id": o.id, "title": "赤泥选铁技术需求",
        "description": "每年排放拜耳法赤泥约200万吨，希望通过焙烧磁选回收铁精粉。",
        "keywords": ["赤泥", "选铁"], "field_codes": ["red-mud.iron-recovery"], "cooperation_modes": ["joint_rnd"]
    })).await;
    let need = need["id"].as_str().unwrap().to_owned();
    publish(&app, &o.owner, "needs", &need).await;
    let uni_user = app.verified_user("uni@example.com").await;
    let uni = app
        .verified_org(
            &uni_user,
            &o.bureau,
            &json!({"kind": "university", "name": "滨州学院", "region_code": "bincheng",
            "contact": {"name": "李教授", "email": "li@uni.example.edu.cn"}}),
        )
        .await;

    // Act: the university expresses interest; both members of the enterprise are told.
    let res = app
        .post_json_as("/api/v1/interests", &uni_user.access, &json!({
            "from_organization_id": uni["id"], "need_id": need, "message": "我们有焙烧磁选中试线。"}))
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let interest: Value = res.json().await.unwrap();
    app.smtp.wait_for("second@example.com", 2).await;

    // Assert: the collaboration robot gets one message (not one per member), in Chinese,
    // linking to the interest's page; the events robot gets nothing.
    let got = receiver.wait_for(1).await;
    messages(&app, &o.bureau, "sent", 1).await;
    let got_now = receiver.received();
    assert_eq!(got_now.len(), 1, "{got_now:?}");
    let r = &got[0];
    assert_eq!(r.query.get("key").map(String::as_str), Some("collab"));
    let text = text_of(r);
    assert!(
        text.contains("合作意向") && text.contains("赤泥选铁技术需求"),
        "{text}"
    );
    assert!(
        text.contains(&format!("/interests/{}", interest["id"].as_str().unwrap())),
        "{text}"
    );
    assert!(!text.contains("token="), "{text}");
}

#[tokio::test]
async fn a_failed_post_is_retried_until_the_robot_accepts_it() {
    let receiver = Receiver::start().await;
    let app = app_for(&receiver, 8).await;
    let o = org(&app).await;
    receiver.answer_next(502, "bad gateway");
    receiver.answer_next(200, r#"{"errcode":45009,"errmsg":"api freq out of limit"}"#);
    let c = add(
        &app,
        &o,
        json!({"platform": "dingtalk", "name": "钉钉群",
        "webhook_url": format!("{}/dingtalk/robot/send?access_token=retry", receiver.base)}),
    )
    .await;

    test_click(&app, &o, &c).await;

    let sent = messages(&app, &o.bureau, "sent", 1).await;
    assert_eq!(sent[0]["attempts"], 3);
    assert_eq!(receiver.received().len(), 3);
}

#[tokio::test]
async fn a_robot_that_keeps_failing_is_dead_lettered_for_the_bureau() {
    let receiver = Receiver::start().await;
    let app = app_for(&receiver, 3).await;
    let o = org(&app).await;
    receiver.answer_always(200, r#"{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}"#);
    let c = add(
        &app,
        &o,
        json!({"platform": "feishu", "name": "飞书群", "secret": FEISHU_SECRET,
        "webhook_url": format!("{}/feishu/open-apis/bot/v2/hook/dead-hook", receiver.base)}),
    )
    .await;

    test_click(&app, &o, &c).await;

    let dead = messages(&app, &o.bureau, "dead", 1).await;
    assert_eq!(dead[0]["attempts"], 3);
    assert_eq!(dead[0]["platform"], "feishu");
    let error = dead[0]["last_error"].as_str().unwrap();
    assert!(error.contains("19021"), "{error}");
    let shown = serde_json::to_string(&dead).unwrap();
    assert!(
        !shown.contains("dead-hook") && !shown.contains(FEISHU_SECRET),
        "{shown}"
    );
    assert_eq!(receiver.received().len(), 3);
}

/// The real binary, logging at `debug` to a file, with robots allowed on `receiver`.
struct Child {
    child: std::process::Child,
    base: String,
    log: std::path::PathBuf,
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Child {
    async fn start(
        settings: &collab_registry::config::Settings,
        smtp: &str,
        receiver: &Receiver,
    ) -> Child {
        let port = crate::process::free_port();
        let log = settings.data_dir.join("channels-server.log");
        // The log goes to standard output; panics to standard error.
        let file = std::fs::File::create(&log).unwrap();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_collab-registry"))
            .arg("serve")
            .env("DATABASE_URL", &settings.database_url)
            .env("COLLAB_DATA_DIR", &settings.data_dir)
            .env("COLLAB_JWT_SECRET", crate::helpers::TEST_JWT_SECRET)
            .env("COLLAB_SMTP_URL", smtp)
            .env("COLLAB_LOG", "debug")
            .env("COLLAB_HTTP_WORKERS", "1")
            .env("COLLAB_OUTBOX_POLL_MS", "100")
            .env("COLLAB_OUTBOX_RETRY_BASE_MS", "100")
            .env("COLLAB_OUTBOX_RETRY_MAX_MS", "400")
            .env("COLLAB_CHANNEL_TEST_HOSTS", &receiver.base)
            .env("COLLAB_LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .env("COLLAB_METRICS_ADDR", "127.0.0.1:0")
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap();
        let mut me = Child {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        let started = Instant::now();
        loop {
            if let Ok(res) = reqwest::get(format!("{}/health/ready", me.base)).await
                && res.status().is_success()
            {
                return me;
            }
            if let Some(status) = me.child.try_wait().unwrap() {
                panic!("server exited with {status}: {}", me.log_text());
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "server not ready"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = reqwest::Client::new().request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_urls_and_secrets_stay_out_of_the_server_log() {
    use reqwest::Method;
    let (settings, _dir, _pg) = crate::helpers::test_settings();
    let smtp = crate::smtp::SmtpServer::start().await.unwrap();
    let receiver = Receiver::start().await;
    let server = Child::start(&settings, &smtp.url(), &receiver).await;
    let db = collab_registry::db::Db::new(
        collab_registry::db::create_pool(&settings).unwrap(),
        settings.backend(),
    );
    let seed = db.clone();
    tokio::task::spawn_blocking(move || {
        collab_registry::accounts::admin::create_admin(
            &seed,
            "bureau@example.gov.cn",
            "Bureau",
            crate::helpers::PASSWORD,
        )
        .unwrap();
    })
    .await
    .unwrap();
    let (_, login) = server
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "bureau@example.gov.cn", "password": crate::helpers::PASSWORD})),
        )
        .await;
    let token = login["access_token"].as_str().unwrap().to_owned();
    let (status, org) = server
        .call(
            Method::POST,
            "/api/v1/organizations",
            Some(&token),
            Some(enterprise("魏桥铝电", &uscc(7))),
        )
        .await;
    assert_eq!(status, 201, "{org}");
    let org = org["id"].as_str().unwrap().to_owned();
    let (status, _) = server
        .call(
            Method::POST,
            &format!("/api/v1/organizations/{org}/verify"),
            Some(&token),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 200);

    // A signed robot whose first post fails, then succeeds.
    receiver.answer_next(500, r#"{"errcode":-1,"errmsg":"system busy"}"#);
    let url = format!(
        "{}/dingtalk/robot/send?access_token=logsecrettoken77",
        receiver.base
    );
    let (status, channel) = server
        .call(Method::POST, &channels(&org), Some(&token),
            Some(json!({"platform": "dingtalk", "name": "群", "webhook_url": url, "secret": DING_SECRET})))
        .await;
    assert_eq!(status, 201, "{channel}");
    let cid = channel["id"].as_str().unwrap();
    let (status, _) = server
        .call(
            Method::POST,
            &format!("{}/{cid}/test", channels(&org)),
            Some(&token),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 202);
    let got = receiver.wait_for(2).await;
    assert!(dingtalk_signed(&got[1], DING_SECRET));
    let (status, _) = server
        .call(
            Method::PATCH,
            &format!("{}/{cid}", channels(&org)),
            Some(&token),
            Some(json!({"webhook_url": format!("{url}2"), "secret": format!("{DING_SECRET}2")})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, list) = server
        .call(Method::GET, &channels(&org), Some(&token), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["items"][0]["webhook_url_masked"], "127.0.0.1…n772");

    // The outcome was logged (both the failure and the success), the secrets were not.
    let started = Instant::now();
    while !server.log_text().contains("channel message sent") {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{}",
            server.log_text()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let log = server.log_text();
    assert!(log.contains("channel message not delivered"), "{log}");
    for secret in ["logsecrettoken77", DING_SECRET, "access_token="] {
        assert!(!log.contains(secret), "{secret} in the server log");
    }
}
