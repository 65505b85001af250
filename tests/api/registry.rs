//! The registry: USCC rules, visibility, editing rights, the bureau's review workflow,
//! members and invitations, taxonomies, the directory, the audit log and demo data.

use collab_registry::organizations::domain::Uscc;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

/// A valid USCC whose organization code ends with `n`.
pub fn uscc(n: u32) -> String {
    let prefix = format!("91371600MA{n:07}");
    format!("{prefix}{}", Uscc::check_char(&prefix).unwrap())
}

pub fn enterprise(name: &str, code: &str) -> Value {
    json!({"kind": "enterprise", "name": name, "uscc": code, "region_code": "zouping", "field_codes": ["red-mud"],
           "contact": {"name": "王工", "email": "contact@example.com", "phone": "0543-5550001"}})
}

impl TestApp {
    pub async fn create_org(&self, user: &TestUser, body: &Value) -> Value {
        let res = self
            .post_json_as("/api/v1/organizations", &user.access, body)
            .await;
        assert_eq!(res.status().as_u16(), 201, "create organization");
        res.json().await.unwrap()
    }

    /// An organization created by `user` and verified by `bureau`.
    pub async fn verified_org(&self, user: &TestUser, bureau: &TestUser, body: &Value) -> Value {
        let org = self.create_org(user, body).await;
        let path = format!(
            "/api/v1/organizations/{}/verify",
            org["id"].as_str().unwrap()
        );
        let res = self.post_json_as(&path, &bureau.access, &json!({})).await;
        assert_eq!(res.status().as_u16(), 200, "verify");
        res.json().await.unwrap()
    }
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn uscc_vectors_behave_as_the_standard_says() {
    let app = spawn_app().await;
    let u = app.verified_user("owner@example.com").await;
    let ok = app
        .create_org(&u, &enterprise("甲铝业", "91110000600037341L"))
        .await;
    assert_eq!(
        (ok["uscc"].as_str(), ok["uscc_flagged"].as_bool()),
        (Some("91110000600037341L"), Some(false))
    );
    let lower = app
        .create_org(&u, &enterprise("乙铝业", "91430111ma4l41yt1u"))
        .await;
    assert_eq!(lower["uscc"], "91430111MA4L41YT1U");
    let flagged = app
        .create_org(&u, &enterprise("丙铝业", "91350100M0001TGQXM"))
        .await;
    assert_eq!(flagged["uscc_flagged"], true);
    let res = app
        .post_json_as(
            "/api/v1/organizations",
            &u.access,
            &enterprise("丁", "91110000600037341I"),
        )
        .await;
    assert_problem(res, 422, "uscc_malformed").await;
    let res = app
        .post_json_as(
            "/api/v1/organizations",
            &u.access,
            &enterprise("戊", "91110000600037341L"),
        )
        .await;
    assert_problem(res, 409, "uscc_taken").await;
    let mut no_code = enterprise("己", "x");
    no_code.as_object_mut().unwrap().remove("uscc");
    assert_problem(
        app.post_json_as("/api/v1/organizations", &u.access, &no_code)
            .await,
        422,
        "uscc_required",
    )
    .await;
    let uni = json!({"kind": "university", "name": "示例大学", "region_code": "bincheng"});
    assert_eq!(
        app.post_json_as("/api/v1/organizations", &u.access, &uni)
            .await
            .status()
            .as_u16(),
        201
    );
}

#[tokio::test]
async fn unverified_users_cannot_create_organizations_and_bad_references_are_named() {
    let app = spawn_app().await;
    app.register("nv@example.com", "en").await;
    let user = app
        .logged_in("?", "nv@example.com", crate::helpers::PASSWORD)
        .await;
    let res = app
        .post_json_as(
            "/api/v1/organizations",
            &user.access,
            &enterprise("甲", &uscc(1)),
        )
        .await;
    assert_problem(res, 403, "email_not_verified").await;

    let v = app.verified_user("v@example.com").await;
    let mut body = enterprise("甲", &uscc(1));
    body["region_code"] = json!("atlantis");
    body["field_codes"] = json!(["red-mud", "alchemy"]);
    let res = app
        .post_json_as("/api/v1/organizations", &v.access, &body)
        .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "region_code");
    assert_eq!(problem["errors"][1]["field"], "field_codes");
    let bureau_org = json!({"kind": "bureau", "name": "假工信局", "region_code": "binzhou"});
    assert_problem(
        app.post_json_as("/api/v1/organizations", &v.access, &bureau_org)
            .await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn a_pending_organization_is_seen_only_by_its_members_and_the_bureau() {
    let app = spawn_app().await;
    let owner = app.verified_user("owner@example.com").await;
    let other = app.verified_user("other@example.com").await;
    let bureau = app.bureau_admin().await;
    let org = app
        .create_org(&owner, &enterprise("待审企业", &uscc(7)))
        .await;
    assert_eq!(org["status"], "pending");
    let path = format!("/api/v1/organizations/{}", org["id"].as_str().unwrap());

    assert_problem(app.get(&path).await, 404, "not_found").await;
    assert_problem(app.get_as(&path, &other.access).await, 404, "not_found").await;
    assert_eq!(
        app.get_as(&path, &owner.access).await.status().as_u16(),
        200
    );
    assert_eq!(
        app.get_as(&path, &bureau.access).await.status().as_u16(),
        200
    );
    let dir: Value = app.get("/api/v1/organizations").await.json().await.unwrap();
    assert!(ids(&dir).is_empty());
    let pending: Value = app
        .get_as("/api/v1/organizations?status=pending", &bureau.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&pending), vec![org["id"].as_str().unwrap()]);
    assert_problem(
        app.get_as("/api/v1/organizations?status=pending", &other.access)
            .await,
        403,
        "forbidden",
    )
    .await;
    let mine: Value = app
        .get_as("/api/v1/me/organizations", &owner.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine[0]["my_role"], "owner");
}

#[tokio::test]
async fn editing_rights_private_fields_and_contacts_follow_roles() {
    let app = spawn_app().await;
    let owner = app.verified_user("owner@example.com").await;
    let member = app.verified_user("member@example.com").await;
    let outsider = app.verified_user("outsider@example.com").await;
    let bureau = app.bureau_admin().await;
    let org = app
        .verified_org(&owner, &bureau, &enterprise("甲铝业", &uscc(11)))
        .await;
    let id = org["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/organizations/{id}");
    app.db
        .write({
            let (id, uid) = (id.clone(), member.id.clone());
            move |conn| {
                Ok(collab_registry::organizations::model::add_member(
                    conn,
                    &id.into(),
                    &uid.into(),
                    collab_registry::organizations::domain::MemberRole::Member,
                )?)
            }
        })
        .await
        .unwrap();
    // The outsider's own organization is verified, but without an agreement with this one
    // they see no named contact (the authorization matrix covers the rule).
    app.verified_org(
        &outsider,
        &bureau,
        &json!({"kind": "university", "name": "示例大学", "region_code": "bincheng"}),
    )
    .await;

    let anon: Value = app.get(&path).await.json().await.unwrap();
    assert!(anon.get("contact").is_none());
    assert!(anon.get("uscc_flagged").is_none());
    let seen: Value = app
        .get_as(&path, &outsider.access)
        .await
        .json()
        .await
        .unwrap();
    assert!(seen.get("contact").is_none(), "{seen}");
    let own: Value = app
        .get_as(&path, &member.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["contact"]["name"], "王工");
    assert!(
        seen.get("uscc_flagged").is_none(),
        "private fields stay private"
    );

    let edit = json!({"description": "新的描述"});
    assert_problem(
        app.patch_json_as(&path, &member.access, &edit).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.patch_json_as(&path, &outsider.access, &edit).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.patch_json_as(&path, &owner.access, &json!({"status": "verified"}))
            .await,
        422,
        "unknown_field",
    )
    .await;
    assert_problem(
        app.patch_json_as(&path, &owner.access, &json!({"is_leading": true}))
            .await,
        403,
        "forbidden",
    )
    .await;
    let res = app.patch_json_as(&path, &owner.access, &json!({"description": "新的描述", "aliases": ["甲铝"], "field_codes": ["recycled-al"]})).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (body["description"].as_str(), body["aliases"][0].as_str()),
        (Some("新的描述"), Some("甲铝"))
    );
    assert_eq!(body["field_codes"], json!(["recycled-al"]));
    let res = app
        .patch_json_as(&path, &bureau.access, &json!({"is_leading": true}))
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["is_leading"], true);
    let unchanged: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(unchanged["status"], "verified");
}

#[tokio::test]
async fn review_actions_mail_every_member_in_their_language_and_are_audited() {
    let app = spawn_app().await;
    let owner = app.verified_user("owner@example.com").await;
    let bureau = app.bureau_admin().await;
    let org = app
        .create_org(&owner, &enterprise("乙再生铝", &uscc(21)))
        .await;
    let id = org["id"].as_str().unwrap().to_owned();
    // A second member who reads Chinese.
    let zh = app.verified_user("zh@example.com").await;
    app.patch_json_as("/api/v1/me", &zh.access, &json!({"locale": "zh-CN"}))
        .await;
    let (oid, zid) = (id.clone(), zh.id.clone());
    app.db
        .write(move |conn| {
            Ok(collab_registry::organizations::model::add_member(
                conn,
                &oid.into(),
                &zid.into(),
                collab_registry::organizations::domain::MemberRole::Member,
            )?)
        })
        .await
        .unwrap();

    let act = |action: &str, reason: Option<&str>| {
        let path = format!("/api/v1/organizations/{id}/{action}");
        let body = match reason {
            Some(r) => json!({"reason": r}),
            None => json!({}),
        };
        let app = &app;
        let bureau = &bureau;
        async move { app.post_json_as(&path, &bureau.access, &body).await }
    };
    assert_problem(act("suspend", Some("x")).await, 409, "invalid_transition").await;
    assert_problem(act("reject", None).await, 422, "reason_required").await;
    assert_problem(
        app.post_json_as(
            &format!("/api/v1/organizations/{id}/verify"),
            &owner.access,
            &json!({}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(act("verify", None).await.status().as_u16(), 200);
    assert_eq!(
        act("suspend", Some("资料不实")).await.status().as_u16(),
        200
    );
    assert_eq!(act("reinstate", None).await.status().as_u16(), 200);

    // One mail per action per member, in each member's locale (after the verification mail).
    let en = app.smtp.wait_for("owner@example.com", 4).await;
    let zh_mails = app.smtp.wait_for("zh@example.com", 4).await;
    assert_eq!(en.len(), 4);
    assert!(en[1].subject().contains("verified"), "{}", en[1].subject());
    assert!(en[2].text().contains("Reason: 资料不实"));
    assert!(
        zh_mails[1].subject().contains("已通过审核"),
        "{}",
        zh_mails[1].subject()
    );
    assert!(zh_mails[2].text().contains("原因：资料不实"));

    let log: Value = app
        .get_as(
            &format!("/api/v1/audit-log?subject_id={id}"),
            &bureau.access,
        )
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "organization_verified",
            "organization_suspended",
            "organization_verified",
            "organization_created"
        ]
    );
    assert_eq!(log["items"][1]["reason"], "资料不实");
    assert_eq!(log["items"][0]["actor_id"], bureau.id.as_str());
    assert_problem(
        app.get_as("/api/v1/audit-log", &owner.access).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn invitations_add_members_and_the_last_owner_cannot_leave() {
    let app = spawn_app().await;
    let owner = app.verified_user("owner@example.com").await;
    let bureau = app.bureau_admin().await;
    let org = app
        .verified_org(&owner, &bureau, &enterprise("丙压铸", &uscc(31)))
        .await;
    let id = org["id"].as_str().unwrap().to_owned();
    let members_path = format!("/api/v1/organizations/{id}/members");

    // Invite an address with no account yet; the account created later accepts.
    let res = app
        .post_json_as(
            &members_path,
            &owner.access,
            &json!({"email": "New.Hire@example.com"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let invitation = app.smtp.wait_for("new.hire@example.com", 1).await.remove(0);
    let token = invitation.token();
    let wrong = app.verified_user("someone.else@example.com").await;
    let res = app
        .post_json_as(
            "/api/v1/invitations/accept",
            &wrong.access,
            &json!({"token": token}),
        )
        .await;
    assert_problem(res, 403, "invitation_for_another_email").await;
    let hire = app.verified_user("new.hire@example.com").await;
    let res = app
        .post_json_as(
            "/api/v1/invitations/accept",
            &hire.access,
            &json!({"token": token}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let again = app
        .post_json_as(
            "/api/v1/invitations/accept",
            &hire.access,
            &json!({"token": token}),
        )
        .await;
    assert_problem(again, 409, "token_invalid_or_expired").await;

    let list: Value = app
        .get_as(&members_path, &hire.access)
        .await
        .json()
        .await
        .unwrap();
    let roles: Vec<(&str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["email"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles,
        [
            ("owner@example.com", "owner"),
            ("new.hire@example.com", "member")
        ]
    );
    assert_problem(
        app.get_as(&members_path, &wrong.access).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post_json_as(
            &members_path,
            &hire.access,
            &json!({"email": "x@example.com"}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post_json_as(
            &members_path,
            &owner.access,
            &json!({"email": "new.hire@example.com"}),
        )
        .await,
        409,
        "already_member",
    )
    .await;

    let leave_owner = app
        .client
        .delete(app.url(&format!("{members_path}/{}", owner.id)))
        .bearer_auth(&owner.access)
        .send()
        .await
        .unwrap();
    assert_problem(leave_owner, 409, "last_owner").await;
    let kick = app
        .client
        .delete(app.url(&format!("{members_path}/{}", owner.id)))
        .bearer_auth(&hire.access)
        .send()
        .await
        .unwrap();
    assert_problem(kick, 403, "forbidden").await;
    let remove = app
        .client
        .delete(app.url(&format!("{members_path}/{}", hire.id)))
        .bearer_auth(&owner.access)
        .send()
        .await
        .unwrap();
    assert_eq!(remove.status().as_u16(), 204);
    let list: Value = app
        .get_as(&members_path, &owner.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn taxonomies_are_trees_in_the_callers_language_and_the_bureau_edits_them() {
    let app = spawn_app().await;
    let regions: Value = app.get("/api/v1/regions").await.json().await.unwrap();
    let city = &regions[0];
    assert_eq!(
        (city["code"].as_str(), city["name"].as_str()),
        (Some("binzhou"), Some("滨州市"))
    );
    let zouping = city["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "zouping")
        .unwrap();
    assert_eq!(zouping["admin_code"], "371681");
    assert!(
        !zouping["children"].as_array().unwrap().is_empty(),
        "development zones sit under their county"
    );
    let en: Value = app
        .client
        .get(app.url("/api/v1/fields"))
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let red_mud = en
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "red-mud")
        .unwrap();
    assert!(
        red_mud["name"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("red mud")
    );
    assert!(red_mud["children"].as_array().unwrap().len() >= 3);

    let user = app.verified_user("u@example.com").await;
    let bureau = app.bureau_admin().await;
    let new = json!({"code": "red-mud.gallium", "parent_code": "red-mud", "name_zh": "赤泥提镓", "name_en": "Gallium recovery from red mud"});
    assert_problem(
        app.post_json_as("/api/v1/fields", &user.access, &new).await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        app.post_json_as("/api/v1/fields", &bureau.access, &new)
            .await
            .status()
            .as_u16(),
        201
    );
    assert_problem(
        app.post_json_as("/api/v1/fields", &bureau.access, &new)
            .await,
        409,
        "code_taken",
    )
    .await;
    let res = app
        .patch_json_as(
            "/api/v1/fields/red-mud.gallium",
            &bureau.access,
            &json!({"name_en": "Gallium extraction"}),
        )
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["name_en"],
        "Gallium extraction"
    );
    let zone = json!({"code": "test-zone", "parent_code": "wudi", "kind": "development_zone", "name_zh": "测试园区", "name_en": "Test Park"});
    assert_eq!(
        app.post_json_as("/api/v1/regions", &bureau.access, &zone)
            .await
            .status()
            .as_u16(),
        201
    );
}

#[tokio::test]
async fn directory_filters_and_pages_return_exactly_the_expected_sets() {
    let app = spawn_app().await;
    let owner = app.verified_user("owner@example.com").await;
    let bureau = app.bureau_admin().await;
    let mk = |name: &str, n: u32, region: &str, fields: Value, alias: &str, name_en: &str| json!({"kind": "enterprise", "name": name, "name_en": name_en, "aliases": [alias], "uscc": uscc(n), "region_code": region, "field_codes": fields});
    let a = app
        .verified_org(
            &owner,
            &bureau,
            &mk(
                "甲赤泥",
                101,
                "zouping",
                json!(["red-mud.iron-recovery"]),
                "甲泥",
                "Alpha Residue",
            ),
        )
        .await;
    let b = app
        .verified_org(
            &owner,
            &bureau,
            &mk(
                "乙再生",
                102,
                "zouping-etdz",
                json!(["recycled-al"]),
                "乙铝",
                "Beta Recycling",
            ),
        )
        .await;
    let c = app
        .verified_org(
            &owner,
            &bureau,
            &mk(
                "丙压铸",
                103,
                "boxing",
                json!(["forming"]),
                "丙压",
                "Gamma Casting",
            ),
        )
        .await;
    let uni = app
        .verified_org(&owner, &bureau, &json!({"kind": "university", "name": "丁大学", "region_code": "bincheng", "field_codes": ["red-mud"]}))
        .await;
    let _pending = app
        .create_org(
            &owner,
            &mk(
                "戊待审",
                104,
                "zouping",
                json!(["red-mud"]),
                "戊",
                "Epsilon",
            ),
        )
        .await;
    app.patch_json_as(
        &format!("/api/v1/organizations/{}", c["id"].as_str().unwrap()),
        &bureau.access,
        &json!({"is_leading": true}),
    )
    .await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let get = |q: &str| {
        let url = format!("/api/v1/organizations?{q}");
        let app = &app;
        async move { app.get(&url).await.json::<Value>().await.unwrap() }
    };

    assert_eq!(ids(&get("").await), vec![id(&a), id(&b), id(&c), id(&uni)]);
    assert_eq!(ids(&get("kind=university").await), vec![id(&uni)]);
    assert_eq!(
        ids(&get("region=zouping").await),
        vec![id(&a), id(&b)],
        "a county includes its development zones"
    );
    assert_eq!(ids(&get("region=zouping-etdz").await), vec![id(&b)]);
    assert_eq!(
        ids(&get("field=red-mud").await),
        vec![id(&a), id(&uni)],
        "a field includes its children"
    );
    assert_eq!(ids(&get("is_leading=true").await), vec![id(&c)]);
    assert_eq!(ids(&get("q=%E4%B9%99").await), vec![id(&b)], "Chinese name");
    assert_eq!(
        ids(&get("q=gamma").await),
        vec![id(&c)],
        "English name, any case"
    );
    assert_eq!(
        ids(&get("q=%E7%94%B2%E6%B3%A5").await),
        vec![id(&a)],
        "alias"
    );

    let first = get("limit=3").await;
    assert_eq!(ids(&first), vec![id(&a), id(&b), id(&c)]);
    let next = first["next_cursor"].as_str().unwrap();
    let second = get(&format!("limit=3&cursor={next}")).await;
    assert_eq!(ids(&second), vec![id(&uni)]);
    assert!(second["next_cursor"].is_null());
    assert_problem(
        app.get("/api/v1/organizations?limit=500").await,
        422,
        "limit_out_of_range",
    )
    .await;
    assert_problem(
        app.get("/api/v1/organizations?kind=alien").await,
        400,
        "invalid_query",
    )
    .await;
}

#[tokio::test]
async fn demo_data_twice_leaves_the_same_data_as_once() {
    let app = spawn_app().await;
    let load = || {
        let db = app.db.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                let mut conn = db.pool().get().unwrap();
                collab_registry::organizations::demo::load(&mut conn).unwrap()
            })
            .await
            .unwrap()
        }
    };
    let first = load().await;
    assert!(first >= 20, "{first} sample organizations");
    let snapshot = || async {
        let bureau = app.bureau_admin().await;
        let mut all = Vec::new();
        for status in ["verified", "pending", "suspended"] {
            let page: Value = app
                .get_as(
                    &format!("/api/v1/organizations?status={status}&limit=100"),
                    &bureau.access,
                )
                .await
                .json()
                .await
                .unwrap();
            all.extend(page["items"].as_array().unwrap().iter().map(|o| {
                (
                    o["id"].to_string(),
                    o["name"].to_string(),
                    o["field_codes"].to_string(),
                )
            }));
        }
        all
    };
    let once = snapshot().await;
    assert_eq!(load().await, 0);
    assert_eq!(snapshot().await, once);
    assert_eq!(once.len(), first);
    let directory: Value = app
        .get("/api/v1/organizations?limit=100")
        .await
        .json()
        .await
        .unwrap();
    // Every fictional organization says so in its name; the bureau itself is the real one.
    let items = directory["items"].as_array().unwrap();
    assert!(items.iter().all(|o| o["is_sample"] == true));
    assert!(
        items
            .iter()
            .filter(|o| o["kind"] != "bureau")
            .all(|o| o["name"].as_str().unwrap().contains("示例"))
    );
}
