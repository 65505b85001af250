//! Each export's rows against a real (in-memory SQLite) database.

use super::*;
use crate::collaboration::testing as t;

fn names(c: &mut DbConnection, locale: Locale) -> Names {
    Names::load(c, locale).unwrap()
}

/// The rows as text, header first.
fn text(t: Table) -> Vec<Vec<String>> {
    std::iter::once(t.header)
        .chain(
            t.rows
                .into_iter()
                .map(|r| r.iter().map(Cell::as_text).collect()),
        )
        .collect()
}

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
    t::run(
        &mut c,
        "UPDATE regions SET name_zh = '邹平', name_en = 'Zouping' WHERE code = '3716'",
    );
    let en = names(&mut c, Locale::En);
    let rows = text(organizations(&mut c, &scope(Some(&["3716"])), &en).unwrap());
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][..3], ["ID", "Kind", "Name"]);
    assert_eq!(rows[0][9], "Created (Beijing time)");
    assert_eq!(
        rows[1],
        [
            "ent",
            "Enterprise",
            "Org ent",
            "",
            "",
            "3716",
            "Zouping",
            "Verified",
            "no",
            "2026-01-02 08:00:00"
        ]
    );
    let zh = names(&mut c, Locale::ZhCn);
    let rows = text(organizations(&mut c, &scope(None), &zh).unwrap());
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][..3], ["编号", "类型", "名称"]);
    assert_eq!(
        rows[1][1..8],
        ["企业", "Org ent", "", "", "3716", "邹平", "已认证"]
    );
}

#[test]
fn needs_and_capabilities_are_exported_apart() {
    let mut c = world();
    t::run(
        &mut c,
        "UPDATE listings SET title = '=cmd|calc' WHERE id = 'c1'",
    );
    let n = names(&mut c, Locale::En);
    let needs = text(listings(&mut c, &scope(None), &n, Side::Need).unwrap());
    let caps = text(listings(&mut c, &scope(None), &n, Side::Capability).unwrap());
    assert_eq!(needs.len(), 2);
    assert_eq!(
        needs[1][..5],
        ["n1", "ent", "Org ent", "Title n1", "Published"]
    );
    assert_eq!(caps.len(), 2);
    assert_eq!(caps[1][0], "c1");
    assert_eq!(caps[1][3], "'=cmd|calc");
    assert_eq!(caps[1][7], "");
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
    let n = names(&mut c, Locale::En);
    let rows = interests(&mut c, &scope(Some(&["3716"])), &n).unwrap();
    assert_eq!(rows.rows.len(), 0);
    let rows = text(interests(&mut c, &scope(Some(&["3799"])), &n).unwrap());
    assert_eq!(
        rows[1],
        [
            "i1",
            "far",
            "Org far",
            "ent",
            "Org ent",
            "n1",
            "Title n1",
            "Declined",
            "Budget does not fit",
            "2026-02-01 08:00:00"
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
    let n = names(&mut c, Locale::En);
    let rows = text(projects(&mut c, &scope(None), &n, day).unwrap());
    let base = [
        "p1",
        "Smelter",
        "ent",
        "Org ent",
        "3716",
        "3716",
        "Alumina",
        "2026",
        "Under construction",
        "500",
    ];
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1][..10], base);
    assert_eq!(rows[1][10..], ["Build", "2026-02-01", "2026-02-02", "no"]);
    assert_eq!(rows[2][10..], ["Permit", "2026-03-01", "", "yes"]);
    assert_eq!(
        rows[3],
        [
            "p2", "Empty", "ent", "Org ent", "3716", "3716", "Other", "2027", "Approved", "", "",
            "", "", ""
        ]
    );
    let before = projects(
        &mut c,
        &scope(None),
        &n,
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
    );
    assert_eq!(text(before.unwrap())[2][13], "no");
}
