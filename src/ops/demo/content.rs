//! What the sample people post, in both languages: two needs and two capabilities that
//! answer each other across languages (red-mud iron recovery; giga-casting die design), one
//! training, one interest and one key project. Bodies are the JSON the API takes, so they
//! pass through the same parsing and checks.

use serde_json::{Value, json};

use crate::app::Locale;

/// A sample member: address (local part), name, language, the sample organization's key.
pub struct Member {
    pub local: &'static str,
    pub name: &'static str,
    pub locale: Locale,
    pub org_key: &'static str,
}

pub const MEMBERS: [Member; 4] = [
    Member {
        local: "wang.hongyuan",
        name: "王经理（示例）",
        locale: Locale::ZhCn,
        org_key: "demo-hongyuan-alumina",
    },
    Member {
        local: "chen.redmud",
        name: "Dr. Chen (Sample)",
        locale: Locale::En,
        org_key: "demo-binhai-redmud-institute",
    },
    Member {
        local: "li.jingzhu",
        name: "Li Na (Sample)",
        locale: Locale::En,
        org_key: "demo-jingzhu-auto-parts",
    },
    Member {
        local: "zhao.casting",
        name: "赵工（示例）",
        locale: Locale::ZhCn,
        org_key: "demo-lanwan-casting-center",
    },
];

/// The sample bureau staff account that drafts the training and the key project (a
/// random password nobody is told: it is not for signing in).
pub const BUREAU_LOCAL: &str = "bureau";
pub const BUREAU_NAME: &str = "工信局职员（示例）";

/// One listing: which member posts it, `need` or not, the body without its organization.
pub struct Post {
    pub member: usize,
    pub need: bool,
    pub body: fn() -> Value,
}

pub const POSTS: [Post; 4] = [
    Post {
        member: 0,
        need: true,
        body: red_mud_need,
    },
    Post {
        member: 1,
        need: false,
        body: red_mud_capability,
    },
    Post {
        member: 2,
        need: true,
        body: casting_need,
    },
    Post {
        member: 3,
        need: false,
        body: casting_capability,
    },
];

fn in_days(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

fn red_mud_need() -> Value {
    json!({
        "title": "赤泥焙烧磁选回收铁精粉技术需求（示例）",
        "description": "我公司氧化铝厂每年产生拜耳法赤泥约120万吨，希望采用还原焙烧与磁选工艺回收铁精粉，铁品位达到58%以上，并同步降低赤泥碱含量，便于后续建材化利用。",
        "keywords": ["赤泥", "选铁", "磁选", "还原焙烧"],
        "field_codes": ["red-mud.iron-recovery", "red-mud.dealkalization"],
        "cooperation_modes": ["joint_rnd", "pilot_testing"],
        "trl_required": 6, "budget_min": 2_000_000, "budget_max": 5_000_000,
        "deadline": in_days(180), "language": "zh"
    })
}

fn red_mud_capability() -> Value {
    json!({
        "title": "Iron recovery from bauxite residue by reduction roasting and magnetic separation (Sample)",
        "description": "Reduction roasting followed by low-intensity magnetic separation recovers iron concentrate (Fe above 58%) from Bayer red mud on our 5,000 t/a pilot line; the tailings are dealkalized for building materials.",
        "keywords": ["bauxite residue", "red mud", "iron recovery", "magnetic separation"],
        "field_codes": ["red-mud.iron-recovery", "red-mud.dealkalization"],
        "cooperation_modes": ["joint_rnd", "pilot_testing", "licensing"],
        "trl": 7, "language": "en"
    })
}

fn casting_need() -> Value {
    json!({
        "title": "Die design and simulation for a one-piece cast rear underbody (Sample)",
        "description": "We plan to cast a one-piece aluminium rear underbody on a 9,000 t high-pressure die casting cell and need help with die design, vacuum venting and filling and solidification simulation to bring porosity and scrap below 5%.",
        "keywords": ["giga casting", "high pressure die casting", "simulation", "die design"],
        "field_codes": ["forming.giga-casting", "forming.hpdc"],
        "cooperation_modes": ["joint_rnd", "consulting"],
        "trl_required": 5, "deadline": in_days(150), "language": "en"
    })
}

fn casting_capability() -> Value {
    json!({
        "title": "一体化压铸模具设计与充型凝固仿真（示例）",
        "description": "面向新能源汽车一体化压铸件，提供压铸模具设计、真空排气设计以及充型与凝固过程数值仿真，降低气孔缺陷和废品率，已服务多家压铸企业。",
        "keywords": ["一体化压铸", "压铸", "模具设计", "仿真"],
        "field_codes": ["forming.giga-casting", "forming.simulation", "forming.mould-design"],
        "cooperation_modes": ["joint_rnd", "consulting"],
        "trl": 7, "language": "zh"
    })
}

/// The training's title (how a second run finds it).
pub const TRAINING_TITLE: &str = "赤泥综合利用技术培训（示例）";

/// The published training, for the sample organizations in `audience`.
pub fn training(audience: &[String]) -> Value {
    let day = chrono::Utc::now().date_naive() + chrono::Duration::days(21);
    let at = |h: u32| format!("{day}T{h:02}:00:00Z");
    json!({
        "kind": "training", "title": TRAINING_TITLE,
        "title_en": "Red mud utilisation training (Sample)",
        "description": "赤泥脱碱、选铁与建材化利用的工艺与案例（示例活动）。Processes and cases of red mud dealkalization, iron recovery and building materials (a sample event).",
        "starts_at": at(1), "ends_at": at(4),
        "location": "滨州市工业和信息化局三楼会议室（示例）",
        "capacity": 40, "capacity_per_organization": 5,
        "audience": {"organization_ids": audience}
    })
}

/// Who registers for the training: the member, and the attendees (name, local part).
pub const REGISTRATIONS: [(usize, &[(&str, &str)]); 2] = [
    (
        0,
        &[
            ("王经理（示例）", "wang.hongyuan"),
            ("刘工（示例）", "liu.hongyuan"),
        ],
    ),
    (2, &[("Li Na (Sample)", "li.jingzhu")]),
];

pub const INTEREST_MESSAGE: &str =
    "我们的中试线可以用贵公司的赤泥做验证试验。Our pilot line can run trials on your red mud.";

/// The key project's name (how a second run finds it).
pub const PROJECT_NAME: &str = "鸿源赤泥综合利用示范项目（示例）";

pub fn project(owner: &str, partner: &str, agreement: Option<&str>) -> Value {
    json!({
        "name": PROJECT_NAME, "owner_organization_id": owner,
        "partner_organization_ids": [partner], "region_code": "beihai-edz",
        "category": "red_mud_utilization", "planned_investment": 80_000_000,
        "capacity": "年处理赤泥 30 万吨（示例）",
        "year": chrono::Datelike::year(&chrono::Utc::now().date_naive()),
        "agreement_ids": agreement.map(|a| vec![a]).unwrap_or_default()
    })
}

pub fn milestone() -> Value {
    json!({
        "name": "中试线建成（示例）", "due_on": in_days(90), "stage": "construction",
        "responsible": "鸿源氧化铝有限公司（示例）"
    })
}
