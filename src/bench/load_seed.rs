//! The data of `bench load`: organizations with one member each, listings from the
//! synthetic corpus, a published event, and the request lines of each scenario; and the
//! search index built before the server starts.

use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};

use super::corpus::{paragraph, synthetic, vocabulary};
use super::encode_all;
use super::events::{draft_event, seed_organizations};
use super::load::{Options, PASSWORD};
use crate::db::schema::{memberships, organizations};
use crate::db::types::{new_id, now};
use crate::db::{DbConnection, write_tx};
use crate::matching::engine::vectors::Code;
use crate::matching::engine::{Doc, Engine, Side, semantic};

/// The request lines for the read scenarios, and who registers for `event`.
pub(super) struct LoadData {
    pub directory: Vec<String>,
    pub details: Vec<String>,
    pub matches: Vec<String>,
    /// `POST /api/v1/match` with a paragraph-length need (encoded per request).
    pub text_matches: Vec<String>,
    pub logins: Vec<String>,
    /// (organization, member) pairs.
    pub members: Vec<(String, String)>,
    pub event: String,
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Organizations (30% of them universities and institutes), one member each with a real
/// password hash, listings spread over them, and a published event inviting them all.
pub(super) fn seed(conn: &mut DbConnection, opts: &Options) -> anyhow::Result<LoadData> {
    seed_organizations(conn, opts.organizations, 1)?;
    let hash = crate::auth::password::hash(PASSWORD)?;
    let members: Vec<(String, String)> = memberships::table
        .select((memberships::organization_id, memberships::user_id))
        .order(memberships::organization_id)
        .load(conn)?;
    let org_ids: Vec<String> = members.iter().map(|(o, _)| o.clone()).collect();
    let institutes = &org_ids[..org_ids.len() * 3 / 10];
    let enterprises = &org_ids[org_ids.len() * 3 / 10..];
    let (mut needs, mut capabilities) = (Vec::new(), Vec::new());
    let v = vocabulary();
    let mut rng = StdRng::seed_from_u64(11);
    let pool: Vec<Doc> = (0..opts.distinct_texts.min(opts.listings))
        .map(|i| synthetic(&mut rng, &v, i))
        .collect();
    let t = now().format("%Y-%m-%d %H:%M:%S%.6f").to_string();
    write_tx(conn, |conn| -> anyhow::Result<()> {
        conn.batch_execute(&format!(
            "UPDATE users SET password_hash = {} WHERE email LIKE '%@bench.example.com'",
            quoted(&hash)
        ))?;
        for chunk in institutes.chunks(500) {
            diesel::update(organizations::table.filter(organizations::id.eq_any(chunk)))
                .set(organizations::kind.eq("university"))
                .execute(conn)?;
        }
        for start in (0..opts.listings).step_by(500) {
            let (mut rows, mut fields, mut keywords, mut modes) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for i in start..(start + 500).min(opts.listings) {
                let d = match pool.get(i % pool.len().max(1)) {
                    Some(d) => d.clone(),
                    None => synthetic(&mut rng, &v, i),
                };
                let id = new_id();
                let (side, owners, ids) = match d.side {
                    Side::Need => ("need", enterprises, &mut needs),
                    Side::Capability => ("capability", institutes, &mut capabilities),
                };
                let Some(org) = owners.choose(&mut rng) else {
                    anyhow::bail!("no organizations to own listings");
                };
                let zh = d
                    .title
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
                let language = if zh { "zh" } else { "en" };
                rows.push(format!(
                    "({}, '{side}', '{org}', {}, {}, {}, 'zouping', '{language}', 'published', '{t}', '{t}', '{t}')",
                    quoted(&id),
                    quoted(&d.title),
                    quoted(&d.description),
                    d.trl.unwrap_or(5)
                ));
                for f in &d.field_codes {
                    fields.push(format!("({}, {})", quoted(&id), quoted(f)));
                }
                let mut seen = std::collections::BTreeSet::new();
                for k in d.keywords.iter().filter(|k| seen.insert(k.as_str())) {
                    keywords.push(format!("({}, {})", quoted(&id), quoted(k)));
                }
                modes.push(format!("({}, 'joint_rnd')", quoted(&id)));
                ids.push(id);
            }
            conn.batch_execute(&format!(
                "INSERT INTO listings (id, side, organization_id, title, description, trl, region_code, language, status, published_at, created_at, updated_at) VALUES {};
                 INSERT INTO listing_fields (listing_id, field_code) VALUES {};
                 INSERT INTO listing_keywords (listing_id, keyword) VALUES {};
                 INSERT INTO listing_modes (listing_id, mode) VALUES {};",
                rows.join(","),
                fields.join(","),
                keywords.join(","),
                modes.join(",")
            ))?;
        }
        Ok(())
    })?;

    let mut event = draft_event(500);
    event.status = crate::events::domain::EventStatus::Published;
    event.published_at = Some(now());
    crate::events::model::insert(conn, &event)?;
    let invited: Vec<crate::db::ids::OrganizationId> =
        org_ids.iter().map(|o| o.as_str().into()).collect();
    crate::events::model::invite(conn, &event.id, &invited, now())?;

    let get = |path: String| format!("GET\t{path}\t-\t-");
    let sample = |ids: &[String], n: usize, rng: &mut StdRng| -> Vec<String> {
        (0..n).filter_map(|_| ids.choose(rng).cloned()).collect()
    };
    let directory = [
        "/api/v1/organizations?limit=20",
        "/api/v1/organizations?kind=enterprise&limit=20",
        "/api/v1/organizations?region=zouping&limit=20",
        "/api/v1/organizations?kind=university&region=binzhou&limit=20",
    ]
    .into_iter()
    .map(|p| get(p.to_owned()))
    .collect();
    let mut details: Vec<String> = sample(&needs, 1000, &mut rng)
        .into_iter()
        .map(|id| get(format!("/api/v1/needs/{id}")))
        .chain(
            sample(&capabilities, 1000, &mut rng)
                .into_iter()
                .map(|id| get(format!("/api/v1/capabilities/{id}"))),
        )
        .collect();
    details.shuffle(&mut rng);
    let matches = sample(&needs, 2000, &mut rng)
        .into_iter()
        .map(|id| get(format!("/api/v1/needs/{id}/matches")))
        .collect();
    let text_matches = (0..1000)
        .map(|i| {
            let body = serde_json::json!({
                "text": paragraph(&mut rng, &v, i % 2 == 0),
                "side": "capabilities",
            });
            format!("POST\t/api/v1/match\t-\t{body}")
        })
        .collect();
    let logins = (0..opts.organizations.min(1000))
        .map(|i| {
            format!(
                "POST\t/api/v1/auth/login\t-\t{{\"email\":\"member{i}-0@bench.example.com\",\"password\":\"{PASSWORD}\"}}"
            )
        })
        .collect();
    Ok(LoadData {
        directory,
        details,
        matches,
        text_matches,
        logins,
        members,
        event: event.id.into(),
    })
}

/// The server's search index, built as `sync::rebuild` does it but with each distinct text
/// encoded once (on all cores) and its vector reused: (listings, texts encoded).
pub(super) fn prebuild_index(
    conn: &mut DbConnection,
    dir: &Path,
    semantic_on: bool,
) -> anyhow::Result<(usize, usize)> {
    use crate::listings::model::{last_change, matchable_page};
    std::fs::create_dir_all(dir)?;
    let (engine, _) = Engine::open_with(dir, semantic_on)?;
    let position = last_change(conn)?;
    engine.clear()?;
    let mut memo: std::collections::HashMap<String, Option<Code>> =
        std::collections::HashMap::new();
    let (mut after, mut count) = (String::new(), 0);
    loop {
        let page = matchable_page(conn, &after, 500)?;
        let Some((last, _)) = page.last() else {
            break;
        };
        after = last.id.to_string();
        let docs: Vec<Doc> = page
            .iter()
            .map(|(l, lists)| crate::matching::sync::doc_of(l, lists))
            .collect();
        let key = |d: &Doc| semantic::listing_text(&d.title, &d.keywords, &d.description);
        let mut fresh: Vec<&Doc> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for d in &docs {
            let k = key(d);
            if !memo.contains_key(&k) && seen.insert(k) {
                fresh.push(d);
            }
        }
        let codes = encode_all(&engine, &fresh)?;
        memo.extend(fresh.iter().map(|d| key(d)).zip(codes));
        for d in &docs {
            let code = memo.get(&key(d)).cloned().flatten();
            engine.upsert_with_vector(d, code)?;
        }
        count += docs.len();
    }
    engine.commit(i64::from(position))?;
    Ok((count, memo.len()))
}
