//! `collab-registry bench events`: publish one event to N verified organizations (two
//! members each) and measure (1) the time until every invitation notice and outbox row is
//! committed, and (2) the delivery rate of the outbox worker to an SMTP server on
//! loopback over lettre's pooled connection. Runs on a scratch SQLite file and, when
//! given, a scratch PostgreSQL database.

use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use secrecy::SecretString;

use crate::config::Settings;
use crate::db::schema::{notifications, outbox_emails};
use crate::db::types::{new_id, now};
use crate::db::{self, Db, DbConnection, write_tx};
use crate::events::model::{self, Event};
use crate::notifications::inbox::Postman;
use crate::notifications::mailer::Mailer;
use crate::notifications::worker;

use super::smtp::SmtpSink;

/// What to measure.
#[derive(Debug, Clone)]
pub struct Options {
    pub organizations: usize,
    pub members_per_organization: usize,
    pub postgres_url: Option<String>,
}

/// One backend's figures.
#[derive(Debug)]
pub struct Figures {
    pub backend: &'static str,
    pub users: usize,
    pub publish_secs: f64,
    pub outbox_rows: i64,
    pub delivered: usize,
    pub delivery_secs: f64,
}

pub fn run(opts: &Options) -> anyhow::Result<Vec<Figures>> {
    let dir = tempfile::tempdir()?;
    let mut out = vec![measure(
        "SQLite",
        &format!("sqlite://{}", dir.path().join("bench.db").display()),
        opts,
        dir.path(),
    )?];
    if let Some(url) = &opts.postgres_url {
        let scratch = crate::db::scratch::ScratchPostgres::create(url, "collab_bench_events")?;
        out.push(measure("PostgreSQL", &scratch.url, opts, dir.path())?);
    }
    for f in &out {
        println!(
            "{:<10} publish to {} organizations / {} users: {:.2} s until {} outbox rows committed; delivered {} mails in {:.2} s = {:.0} mails/s",
            f.backend,
            opts.organizations,
            f.users,
            f.publish_secs,
            f.outbox_rows,
            f.delivered,
            f.delivery_secs,
            f.delivered as f64 / f.delivery_secs.max(1e-9)
        );
    }
    Ok(out)
}

/// `organizations` verified enterprises in Zouping with `members` verified members each
/// (`member{i}-{m}@bench.example.com`, no usable password), inserted with multi-row
/// statements. Returns the number of members.
pub fn seed_organizations(
    conn: &mut DbConnection,
    organizations: usize,
    members_each: usize,
) -> anyhow::Result<usize> {
    let t = now().format("%Y-%m-%d %H:%M:%S%.6f").to_string();
    let mut users = 0;
    write_tx(conn, |conn| -> anyhow::Result<()> {
        for chunk in (0..organizations).collect::<Vec<_>>().chunks(500) {
            let (mut orgs, mut people, mut members) = (Vec::new(), Vec::new(), Vec::new());
            for i in chunk {
                let org = new_id();
                orgs.push(format!(
                    "('{org}', 'enterprise', '基准企业{i}', 'zouping', 'verified', '{t}', '{t}')"
                ));
                for m in 0..members_each {
                    let user = new_id();
                    people.push(format!(
                        "('{user}', 'member{i}-{m}@bench.example.com', 'not-a-hash', '成员{i}-{m}', '{}', '{t}', '{t}', '{t}')",
                        if m % 2 == 0 { "zh-CN" } else { "en" }
                    ));
                    members.push(format!("('{org}', '{user}', 'member', '{t}')"));
                    users += 1;
                }
            }
            conn.batch_execute(&format!(
                "INSERT INTO organizations (id, kind, name, region_code, status, created_at, updated_at) VALUES {};
                 INSERT INTO users (id, email, password_hash, display_name, locale, email_verified_at, created_at, updated_at) VALUES {};
                 INSERT INTO memberships (organization_id, user_id, role, created_at) VALUES {};",
                orgs.join(","),
                people.join(","),
                members.join(",")
            ))?;
        }
        Ok(())
    })?;
    Ok(users)
}

fn measure(
    backend: &'static str,
    url: &str,
    opts: &Options,
    dir: &std::path::Path,
) -> anyhow::Result<Figures> {
    let (mut settings, db) = migrated(url, dir)?;
    let mut conn = db.pool().get()?;
    let users = seed_organizations(&mut conn, opts.organizations, opts.members_per_organization)?;
    let mut ev = draft_event(500);
    model::insert(&mut conn, &ev)?;
    let postman = Postman::new(
        "http://localhost:8080",
        &SecretString::from("bench-secret-bench-secret-bench-secret".to_owned()),
    );

    let started = Instant::now();
    write_tx(&mut conn, |conn| {
        crate::events::service::publish(conn, &postman, &mut ev, now())
            .map_err(|e| anyhow::anyhow!("publish: {e}"))
    })?;
    let publish_secs = started.elapsed().as_secs_f64();
    let outbox_rows: i64 = outbox_emails::table.count().get_result(&mut conn)?;
    let notices: i64 = notifications::table.count().get_result(&mut conn)?;
    anyhow::ensure!(
        notices == users as i64 && outbox_rows == users as i64,
        "expected {users} notices and mails, got {notices} and {outbox_rows}"
    );
    drop(conn);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let sink = runtime.block_on(SmtpSink::start())?;
    settings.mail.smtp_url = Some(SecretString::from(sink.url()));
    let mailer = Mailer::from_settings(&settings)?;
    let started = Instant::now();
    let mut delivered = 0;
    loop {
        let n = worker::deliver_due(&db, &mailer, &settings.mail, "bench")?;
        if n == 0 {
            break;
        }
        delivered += n;
    }
    let delivery_secs = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        sink.count() == delivered,
        "the SMTP server received {} of {delivered} mails",
        sink.count()
    );
    Ok(Figures {
        backend,
        users,
        publish_secs,
        outbox_rows,
        delivered,
        delivery_secs,
    })
}

/// Settings for `url` with its data under `dir`, and the database migrated and seeded with
/// the taxonomies.
pub fn migrated(url: &str, dir: &std::path::Path) -> anyhow::Result<(Settings, Db)> {
    let settings = Settings {
        database_url: url.to_owned(),
        data_dir: dir.to_owned(),
        db_pool_size: 2,
        ..Settings::default()
    };
    let db = Db::new(db::create_pool(&settings)?, settings.backend());
    let mut conn = db.pool().get()?;
    db::migrations::run_pending(&mut conn).map_err(|e| anyhow::anyhow!("migrate: {e}"))?;
    crate::organizations::taxonomy::seed(&mut conn)?;
    Ok((settings, db))
}

/// A draft training two weeks from now, open to every verified organization.
pub fn draft_event(capacity: i32) -> Event {
    let t = now();
    Event {
        id: crate::db::ids::EventId::new(),
        kind: crate::events::domain::EventKind::Training,
        title: "赤泥综合利用技术培训".to_owned(),
        title_en: Some("Red mud utilization training".to_owned()),
        description: "基准测试活动".to_owned(),
        starts_at: t + chrono::Duration::days(14),
        ends_at: t + chrono::Duration::days(14) + chrono::Duration::hours(3),
        timezone: crate::events::domain::Zone::DEFAULT,
        location: "邹平市会展中心".to_owned(),
        online_url: None,
        organizer: "Bureau".to_owned(),
        capacity,
        capacity_per_organization: None,
        registration_opens_at: None,
        registration_closes_at: None,
        leading_only: false,
        status: crate::events::domain::EventStatus::Draft,
        sequence: 0,
        cancel_reason: None,
        published_at: None,
        created_by: None,
        created_at: t,
        updated_at: t,
    }
}
