//! `collab-registry demo-data`: a fictional sample registry (every name marked as a
//! sample) so that a newcomer sees a populated directory. Loading twice changes nothing.

use serde::Deserialize;

use super::domain::{OrgKind, OrgStatus, Uscc};
use super::model::{self, Organization};
use crate::db::ids::OrganizationId;
use crate::db::types::now;
use crate::db::{DbConnection, write_tx};

const DEMO_CSV: &str = include_str!("../../seed/demo_organizations.csv");

/// Namespace of the demo organizations' ids (UUIDv5 of their keys), so reloading finds them.
const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6c0b_1a5e_9d1f_4b7a_8e21_3c4d_5e6f_7a8b);

#[derive(Debug, Deserialize)]
struct Row {
    key: String,
    kind: OrgKind,
    name: String,
    name_en: String,
    aliases: String,
    uscc: String,
    region_code: String,
    field_codes: String,
    description: String,
    website: String,
    address: String,
    contact_name: String,
    contact_email: String,
    contact_phone: String,
    is_leading: bool,
    parent_key: String,
    status: OrgStatus,
}

/// The id of the sample organization `key` (stable across runs).
pub fn id_of(key: &str) -> OrganizationId {
    uuid::Uuid::new_v5(&NAMESPACE, key.as_bytes())
        .to_string()
        .into()
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn split(s: &str, sep: char) -> Vec<String> {
    s.split(sep)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Load the sample organizations that are not there yet; returns how many were added.
pub fn load(conn: &mut DbConnection) -> anyhow::Result<usize> {
    let rows: Vec<Row> = csv::Reader::from_reader(DEMO_CSV.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()?;
    let added = write_tx(conn, |conn| -> anyhow::Result<usize> {
        let mut added = 0;
        for r in rows {
            let id = id_of(&r.key);
            if model::find(conn, &id)?.is_some() {
                continue;
            }
            let uscc = some(&r.uscc)
                .map(|u| Uscc::parse(&u))
                .transpose()
                .map_err(|e| anyhow::anyhow!("{}: {}", r.key, e.message))?;
            if let Some(u) = &uscc
                && model::uscc_taken(conn, &u.code, None)?
            {
                tracing::warn!(key = %r.key, "sample skipped: its USCC belongs to a registered organization");
                continue;
            }
            let t = now();
            let org = Organization {
                id,
                kind: r.kind,
                name: r.name,
                name_en: some(&r.name_en),
                uscc_flagged: uscc.as_ref().is_some_and(|u| !u.check_ok),
                uscc: uscc.map(|u| u.code),
                region_code: r.region_code,
                description: r.description,
                website: some(&r.website),
                address: some(&r.address),
                contact_name: some(&r.contact_name),
                contact_email: some(&r.contact_email),
                contact_phone: some(&r.contact_phone),
                is_leading: r.is_leading,
                is_sample: true,
                parent_id: some(&r.parent_key).map(|k| id_of(&k)),
                status_reason: (r.status == OrgStatus::Suspended)
                    .then(|| "示例数据：演示暂停状态 (sample: shows a suspension)".to_owned()),
                status: r.status,
                created_by: None,
                created_at: t,
                updated_at: t,
            };
            model::insert(
                conn,
                &org,
                &split(&r.aliases, '|'),
                &split(&r.field_codes, ';'),
            )?;
            added += 1;
        }
        Ok(added)
    })?;
    Ok(added)
}
