//! Each export's rows against a real (in-memory SQLite) database.

use super::*;
use crate::collaboration::testing as t;

fn scope(regions: Option<&[&str]>) -> Scope {
    Scope {
        regions: regions.map(|r| r.iter().map(|x| (*x).to_owned()).collect()),
        from: None,
        to: None,
    }
}

fn world() -> DbConnection {
    let mut c = t::conn();
    t::org(&mut c, "ent", "verified", "3716", &[]);
    t::org(&mut c, "far", "pending", "3799", &[]);
    t::listing(&mut c, "n1", "need", "ent", "published", &[]);
    t::listing(&mut c, "c1", "capability", "far", "draft", &[]);
    c
}

#[test]
fn organizations_in_the_region_one_row_each_after_the_header() {
    let mut c = world();
    let rows = organizations(&mut c, &scope(Some(&["3716"]))).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][0], "id");
    assert_eq!(
        rows[1],
        [
            "ent",
            "enterprise",
            "Org ent",
            "",
            "",
            "3716",
            "verified",
            "false",
            "2026-01-02T00:00:00+00:00"
        ]
    );
    assert_eq!(organizations(&mut c, &scope(None)).unwrap().len(), 3);
}

#[test]
fn needs_and_capabilities_are_exported_apart() {
    let mut c = world();
    let needs = listings(&mut c, &scope(None), Side::Need).unwrap();
    let caps = listings(&mut c, &scope(None), Side::Capability).unwrap();
    assert_eq!(needs.len(), 2);
    assert_eq!(needs[1][..4], ["n1", "ent", "Title n1", "published"]);
    assert_eq!(caps.len(), 2);
    assert_eq!(caps[1][0], "c1");
    assert_eq!(caps[1][5], "");
}

#[test]
fn interests_follow_the_senders_region() {
    let mut c = world();
    t::run(
        &mut c,
        "INSERT INTO interests (id, from_organization_id, to_organization_id, target_listing_id, \
         message, status, decline_reason, created_at, updated_at) VALUES \
         ('i1', 'far', 'ent', 'n1', 'm', 'declined', 'budget', '2026-02-01 00:00:00', \
         '2026-02-01 00:00:00')",
    );
    assert_eq!(interests(&mut c, &scope(Some(&["3716"]))).unwrap().len(), 1);
    let rows = interests(&mut c, &scope(Some(&["3799"]))).unwrap();
    assert_eq!(
        rows[1],
        [
            "i1",
            "far",
            "ent",
            "n1",
            "declined",
            "budget",
            "2026-02-01T00:00:00+00:00"
        ]
    );
}

#[test]
fn projects_have_a_row_per_milestone_and_overdue_as_of_the_day() {
    let mut c = world();
    t::run(
        &mut c,
        "INSERT INTO projects (id, name, owner_organization_id, region_code, category, year, \
         stage, planned_investment_yuan, created_at, updated_at) VALUES \
         ('p1', 'Smelter', 'ent', '3716', 'alumina', 2026, 'construction', 500, \
         '2026-01-05 00:00:00', '2026-01-05 00:00:00'), \
         ('p2', 'Empty', 'ent', '3716', 'other', 2027, 'approved', NULL, \
         '2026-01-06 00:00:00', '2026-01-06 00:00:00'); \
         INSERT INTO milestones (id, project_id, name, due_on, done_on, created_at, updated_at) \
         VALUES ('m1', 'p1', 'Permit', '2026-03-01', NULL, '2026-01-05 00:00:00', \
         '2026-01-05 00:00:00'), ('m2', 'p1', 'Build', '2026-02-01', '2026-02-02', \
         '2026-01-05 00:00:00', '2026-01-05 00:00:00')",
    );
    let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let rows = projects(&mut c, &scope(None), day).unwrap();
    let base = [
        "p1",
        "Smelter",
        "ent",
        "3716",
        "alumina",
        "2026",
        "construction",
        "500",
    ];
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1][..8], base);
    assert_eq!(rows[1][8..], ["Build", "2026-02-01", "2026-02-02", "false"]);
    assert_eq!(rows[2][8..], ["Permit", "2026-03-01", "", "true"]);
    assert_eq!(
        rows[3],
        [
            "p2", "Empty", "ent", "3716", "other", "2027", "approved", "", "", "", "", ""
        ]
    );
    let before = projects(
        &mut c,
        &scope(None),
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
    );
    assert_eq!(before.unwrap()[2][11], "false");
}

#[test]
fn encoding_starts_with_a_byte_order_mark_and_quotes_when_needed() {
    let bytes = encode(vec![
        header(&["a", "b"]),
        vec!["赤泥, 提铁".to_owned(), "x".to_owned()],
    ])
    .unwrap();
    assert_eq!(&bytes[..3], [0xEF, 0xBB, 0xBF]);
    assert_eq!(
        std::str::from_utf8(&bytes[3..]).unwrap(),
        "a,b\n\"赤泥, 提铁\",x\n"
    );
}
