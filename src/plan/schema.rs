//! Plan format v1 as data: every table, key, type and enum the spec lists.
//! The loader validates against it and rule packs check their field paths
//! against it, so the two can never disagree about what a plan may hold.

/// The type a key's value must have.
#[derive(Debug)]
pub enum Ty {
    Str,
    Int,
    Bool,
    Date,
    /// A string that must be one of these values.
    Enum(&'static [&'static str]),
    /// A unit id: lowercase letters, digits and `-`.
    Id,
    List(&'static Ty),
    Table(&'static [Field]),
    /// An array of tables (`[[unit]]`).
    Tables(&'static [Field]),
}

/// One key of a table.
#[derive(Debug)]
pub struct Field {
    pub key: &'static str,
    pub ty: Ty,
    pub required: bool,
}

const fn req(key: &'static str, ty: Ty) -> Field {
    Field {
        key,
        ty,
        required: true,
    }
}

const fn opt(key: &'static str, ty: Ty) -> Field {
    Field {
        key,
        ty,
        required: false,
    }
}

/// Format versions this checker reads.
pub const FORMAT_VERSIONS: &[i64] = &[1];

pub const LEVELS: &[&str] = &["province", "prefecture", "county"];
pub const UNIT_LEVELS: &[&str] = &["province", "prefecture", "county", "township"];
pub const UNIT_KINDS: &[&str] = &[
    "government",
    "department",
    "zone",
    "institution",
    "enterprise",
];
pub const RANKS: &[&str] = &["chief", "deputy", "other"];
pub const APPOINTERS: &[&str] = &["leading-group", "unit", "other"];
pub const FILINGS: &[&str] = &["leading-group-office", "data-bureau", "other"];
pub const DUTIES: &[&str] = &[
    "digital-government",
    "data-management",
    "data-integration",
    "decision-making",
    "planning",
    "supervision",
    "talent",
    "security",
    "special-exploration",
    "digital-literacy",
];
pub const QUALIFICATIONS: &[&str] = &["administration", "leadership", "big-data"];

/// How a Chinese reader names the duty and qualification ids (plan-format.md,
/// the duty table's 中文 column): messages in Chinese name them so.
pub const NAMES_ZH: &[(&str, &str)] = &[
    ("digital-government", "推进数字政府（智慧城市）建设"),
    ("data-management", "完善数据标准化管理、加强数据资源管理"),
    (
        "data-integration",
        "统筹数据管理和融合创新，推进共享开放和开发利用",
    ),
    ("decision-making", "领导数据工作，对重大事项进行决策"),
    ("planning", "组织制订中长期发展规划及制度规范"),
    ("supervision", "实施常态化指导监督"),
    ("talent", "加强人才队伍建设"),
    ("security", "保障数据安全和隐私"),
    ("special-exploration", "开展特色数据应用探索"),
    ("digital-literacy", "提高数字思维素养"),
    ("administration", "熟悉政府行政管理和运行"),
    (
        "leadership",
        "具备领导力和统筹协调、组织及信息化项目管理能力",
    ),
    ("big-data", "具有丰富的大数据和信息技术经验"),
];

/// Is this top-level key an array of elements (`[[unit]]`, `[[milestone]]`,
/// `[[waiver]]`)? Read from the format, not listed by hand.
pub fn is_element(key: &str) -> bool {
    elements().any(|e| e == key)
}

/// The top-level arrays of tables, in the format's order.
pub fn elements() -> impl Iterator<Item = &'static str> {
    ROOT.iter()
        .filter(|f| matches!(f.ty, Ty::Tables(_)))
        .map(|f| f.key)
}

/// The Chinese name of a duty or qualification id.
pub fn name_zh(id: &str) -> Option<&'static str> {
    NAMES_ZH.iter().find(|(k, _)| *k == id).map(|(_, v)| *v)
}

const PLAN: &[Field] = &[
    req("title", Ty::Str),
    opt("title_zh", Ty::Str),
    req("jurisdiction", Ty::Str),
    opt("jurisdiction_zh", Ty::Str),
    req("level", Ty::Enum(LEVELS)),
    req("province", Ty::Str),
    req("issuer", Ty::Str),
    opt("document_number", Ty::Str),
    opt("signed", Ty::Date),
    req("published", Ty::Date),
    opt("pilot_end", Ty::Date),
    opt("rule_packs", Ty::List(&Ty::Str)),
    opt("basis", Ty::List(&Ty::Str)),
    opt("contact_agency", Ty::Str),
];

const CDO: &[Field] = &[
    req("duties", Ty::List(&Ty::Enum(DUTIES))),
    opt("qualifications", Ty::List(&Ty::Enum(QUALIFICATIONS))),
];

const GOVERNANCE: &[Field] = &[
    opt("leading_group", Ty::Str),
    opt("executive_cdo", Ty::Str),
    opt("evaluation", Ty::Str),
    opt("coordination", Ty::Str),
];

const SUPPORT: &[Field] = &[
    opt("contract_civil_servants", Ty::Int),
    opt("purchased_services", Ty::Bool),
    opt("data_specialists", Ty::Bool),
    opt("expert_panel", Ty::Bool),
];

const UNIT_CDO: &[Field] = &[
    req("position", Ty::Str),
    req("rank", Ty::Enum(RANKS)),
    req("oversees_digital_government", Ty::Bool),
    opt("concurrent", Ty::Bool),
    opt("appointed_by", Ty::Enum(APPOINTERS)),
    opt("filed_with", Ty::Enum(FILINGS)),
    opt("appointee", Ty::Str),
    opt("appointed", Ty::Date),
    opt("duties", Ty::List(&Ty::Enum(DUTIES))),
];

const UNIT: &[Field] = &[
    req("id", Ty::Id),
    req("name", Ty::Str),
    opt("name_zh", Ty::Str),
    req("level", Ty::Enum(UNIT_LEVELS)),
    req("kind", Ty::Enum(UNIT_KINDS)),
    opt("focus", Ty::Str),
    opt("cdo", Ty::Table(UNIT_CDO)),
];

const MILESTONE: &[Field] = &[req("due", Ty::Date), req("deliverable", Ty::Str)];

const WAIVER: &[Field] = &[
    req("rule", Ty::Str),
    opt("unit", Ty::Str),
    req("reason", Ty::Str),
    req("approved_by", Ty::Str),
    opt("expires", Ty::Date),
];

/// The top level of a plan file.
pub const ROOT: &[Field] = &[
    req("format", Ty::Int),
    req("plan", Ty::Table(PLAN)),
    req("cdo", Ty::Table(CDO)),
    opt("governance", Ty::Table(GOVERNANCE)),
    opt("support", Ty::Table(SUPPORT)),
    req("unit", Ty::Tables(UNIT)),
    opt("milestone", Ty::Tables(MILESTONE)),
    opt("waiver", Ty::Tables(WAIVER)),
];

/// Looks a dotted path (`unit.cdo.rank`) up in the schema.
/// The schema's own spelling of each key of `path` (`None` for a path
/// that is no field): a plan's tables hold these very strings as their
/// keys, so a lookup by them is a pointer comparison ([`super::tree::Table::get`]).
pub fn keys(path: &[&str]) -> Option<Vec<&'static str>> {
    let mut fields = ROOT;
    let mut out = Vec::with_capacity(path.len());
    for seg in path {
        let field = fields.iter().find(|f| f.key == *seg)?;
        out.push(field.key);
        fields = match &field.ty {
            Ty::Table(f) | Ty::Tables(f) => f,
            _ => &[],
        };
    }
    Some(out)
}

pub fn lookup(path: &[&str]) -> Option<&'static Field> {
    let mut fields = ROOT;
    let mut found = None;
    for seg in path {
        let field = fields.iter().find(|f| f.key == *seg)?;
        found = Some(field);
        fields = match &field.ty {
            Ty::Table(f) | Ty::Tables(f) => f,
            _ => &[],
        };
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_walks_nested_tables() {
        assert!(matches!(
            lookup(&["unit", "cdo", "rank"]).map(|f| &f.ty),
            Some(Ty::Enum(_))
        ));
        assert!(lookup(&["plan", "published"]).is_some_and(|f| f.required));
        assert!(lookup(&["unit", "rank"]).is_none());
    }
}
