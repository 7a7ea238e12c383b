//! `cdocheck schema`: a JSON Schema (draft 2020-12) of plan format v1,
//! generated from the format as data ([`crate::plan::schema`]), so that
//! editors (taplo, Even Better TOML) and validators (check-jsonschema) agree
//! with the loader. The descriptions live here, keyed by dotted path; a test
//! keeps them and the schema in step. The committed copy is
//! `schema/plan-v1.schema.json`; a test fails when it drifts.
//!
//! The JSON is written by hand, not through `serde_json::Map`, so that key
//! order is the schema's and never depends on cargo feature unification.

use crate::plan::schema::{self, Field, Ty};

/// Descriptions of every table and key, by dotted path ("" is the file).
pub(crate) const DESCRIPTIONS: &[(&str, &str)] = &[
    ("", "A Chief Data Officer (首席数据官) pilot plan, format 1: which units take part, which post holds the CDO role in each, the role's duties, how the pilot is governed and when it reports. Checked by cdocheck."),
    ("format", "Plan format version; 1. Any other value is an error that names the versions the checker reads."),
    ("plan", "Who issues the plan, when, under which notices."),
    ("plan.title", "The plan's title."),
    ("plan.title_zh", "The title in Chinese."),
    ("plan.jurisdiction", "The issuing jurisdiction, e.g. \"Shenzhen\", or, for a provincial department's plan, the department. Rule packs match it by keyword."),
    ("plan.jurisdiction_zh", "The jurisdiction in Chinese, e.g. \"深圳市\"."),
    ("plan.level", "Administrative level of the issuer."),
    ("plan.province", "The province, e.g. \"Guangdong\"; for a provincial-level municipality, itself (\"Beijing\")."),
    ("plan.issuer", "The issuing office."),
    ("plan.document_number", "The plan's document number, e.g. \"深府办函〔2021〕71号\"."),
    ("plan.signed", "Date signed (YYYY-MM-DD); not after `published` (CORE002)."),
    ("plan.published", "Date published (YYYY-MM-DD)."),
    ("plan.pilot_end", "The date by which the pilot is to be completed (YYYY-MM-DD)."),
    ("plan.rule_packs", "The rule packs that apply; when absent the checker picks them from `province` and `jurisdiction`. [] means core alone."),
    ("plan.basis", "The documents the plan cites as its basis, by document number."),
    ("plan.contact_agency", "The agency to which problems in implementation are reported."),
    ("cdo", "The CDO role as the plan defines it for all its units."),
    ("cdo.duties", "The duties the plan assigns to every CDO: digital-government (推进数字政府建设), data-management (数据标准化和资源管理), data-integration (数据共享开放和融合创新), decision-making (对重大事项进行决策), planning (中长期规划及制度规范), supervision (常态化指导监督), talent (人才队伍建设), security (数据安全和隐私), special-exploration (特色数据应用探索), digital-literacy (数字思维素养)."),
    ("cdo.qualifications", "What an appointee must bring: administration (familiar with government administration), leadership (coordination, organisation, IT project management), big-data (experience in big data and IT)."),
    ("governance", "Leading group, executive CDO, evaluation, coordination."),
    ("governance.leading_group", "The leading group the CDOs work under."),
    ("governance.executive_cdo", "The post of the executive CDO (首席数据执行官), if any."),
    ("governance.evaluation", "The evaluation / assessment mechanism (评价、考评机制)."),
    ("governance.coordination", "The deliberation and coordination mechanism (议事协调、联席会议)."),
    ("support", "Staff and expertise that assist the CDOs."),
    ("support.contract_civil_servants", "Contract civil servants (聘任制公务员) recruited to assist CDOs."),
    ("support.purchased_services", "Professional services are purchased to assist CDOs."),
    ("support.data_specialists", "Units name data specialists / liaisons (数据专员)."),
    ("support.expert_panel", "An expert panel advises the CDOs."),
    ("unit", "The pilot units, one or more."),
    ("unit.id", "Unique within the plan; lowercase letters, digits and `-`. Findings and waivers name units by id."),
    ("unit.name", "The unit's name, e.g. \"Shenzhen Municipal Public Security Bureau\". Rule packs match it by keyword."),
    ("unit.name_zh", "The name in Chinese, e.g. \"深圳市公安局\"."),
    ("unit.level", "The unit's administrative level."),
    ("unit.kind", "government: a people's government of a city, district or county; department: bureau, commission, office; zone: development zone; institution: public institution; enterprise."),
    ("unit.focus", "The unit's chosen focus area."),
    ("unit.cdo", "The post that holds the unit's CDO role (rule GD004 requires it)."),
    ("unit.cdo.position", "The post, e.g. \"Deputy Mayor in charge of digital government\"."),
    ("unit.cdo.rank", "chief (正职), deputy (副职) or other."),
    ("unit.cdo.oversees_digital_government", "The post is the leader in charge of digital government work (分管数字政府建设)."),
    ("unit.cdo.concurrent", "The post holds the role concurrently (兼任); default true."),
    ("unit.cdo.appointed_by", "Who appoints the CDO."),
    ("unit.cdo.filed_with", "Where the appointment is filed."),
    ("unit.cdo.appointee", "The person, once appointed."),
    ("unit.cdo.appointed", "The date of appointment (YYYY-MM-DD)."),
    ("unit.cdo.duties", "Duties added for this unit on top of `[cdo].duties`."),
    ("milestone", "Dated deliverables."),
    ("milestone.due", "When the deliverable is due (YYYY-MM-DD); not before the plan is published (CORE007)."),
    ("milestone.deliverable", "What is delivered."),
    ("waiver", "Recorded, justified exceptions to rules that hold \"in principle\" (原则上)."),
    ("waiver.rule", "The rule id, e.g. \"GD001\"; it must be waivable."),
    ("waiver.unit", "Limits the waiver to one unit id."),
    ("waiver.reason", "Why the exception is justified; non-empty."),
    ("waiver.approved_by", "Who approved the exception."),
    ("waiver.expires", "After this date (YYYY-MM-DD) the waiver no longer applies."),
];

/// The description of a dotted path.
pub(crate) fn description(path: &str) -> Option<&'static str> {
    DESCRIPTIONS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, d)| *d)
}

/// A JSON value whose objects keep the order they are built in.
enum J {
    Str(String),
    Int(i64),
    Bool(bool),
    Arr(Vec<J>),
    Obj(Vec<(&'static str, J)>),
}

/// How a TOML local date reads once an editor or validator has made it a
/// JSON string: `YYYY-MM-DD`.
const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

fn s(v: &str) -> J {
    J::Str(v.to_string())
}

fn strs(vs: &[&str]) -> J {
    J::Arr(vs.iter().map(|v| s(v)).collect())
}

/// The schema as pretty-printed JSON, ending in a newline.
pub(crate) fn render() -> String {
    let mut root = table(schema::ROOT, "");
    if let J::Obj(entries) = &mut root {
        let head = vec![
            ("$schema", s("https://json-schema.org/draft/2020-12/schema")),
            ("title", s("cdocheck plan, format 1")),
        ];
        entries.splice(0..0, head);
    }
    let mut out = String::new();
    write(&root, 0, &mut out);
    out.push('\n');
    out
}

fn table(fields: &'static [Field], path: &str) -> J {
    let mut props = Vec::new();
    for f in fields {
        let p = join(path, f.key);
        let mut v = ty(&f.ty, &p);
        if let (J::Obj(e), Some(d)) = (&mut v, description(&p)) {
            e.insert(0, ("description", s(d)));
        }
        props.push((f.key, v));
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.key)
        .collect();
    let mut obj = Vec::new();
    if path.is_empty() {
        if let Some(d) = description("") {
            obj.push(("description", s(d)));
        }
    }
    obj.push(("type", s("object")));
    obj.push(("additionalProperties", J::Bool(false)));
    if !required.is_empty() {
        obj.push(("required", strs(&required)));
    }
    obj.push(("properties", J::Obj(props)));
    J::Obj(obj)
}

/// A value of any type but a string or a table may be a `<…>` placeholder
/// instead (plan-format.md, "Placeholders"): CORE008, not a type error.
fn ty(t: &'static Ty, path: &str) -> J {
    let inner = value_ty(t, path);
    if matches!(t, Ty::Str | Ty::Table(_) | Ty::Tables(_)) {
        return inner;
    }
    let placeholder = J::Obj(vec![("type", s("string")), ("pattern", s("<[^>]+>"))]);
    J::Obj(vec![("anyOf", J::Arr(vec![inner, placeholder]))])
}

fn value_ty(t: &'static Ty, path: &str) -> J {
    let o = |entries: Vec<(&'static str, J)>| J::Obj(entries);
    match t {
        Ty::Int if path == "format" => o(vec![
            ("type", s("integer")),
            (
                "enum",
                J::Arr(schema::FORMAT_VERSIONS.iter().map(|v| J::Int(*v)).collect()),
            ),
        ]),
        Ty::Str => o(vec![("type", s("string"))]),
        Ty::Int => o(vec![("type", s("integer"))]),
        Ty::Bool => o(vec![("type", s("boolean"))]),
        // TOML dates reach JSON Schema validators as strings: taplo
        // serialises a date node with `serialize_str` before validating
        // (taplo-common `validate_root`), check-jsonschema turns a parsed
        // `datetime.date` into `isoformat()`. So no schema can tell
        // `2021-06-30` from `"2021-06-30"` (taplo issue #826); `check` and
        // `cdocheck lsp` report the quoted one (PF003). The pattern, which
        // validators always assert (unlike `format`, an annotation in 2020-12
        // unless a validator opts in), catches the other quoted dates:
        // `"2021年9月15日"`, `"2021/9/15"`.
        Ty::Date => o(vec![
            ("type", s("string")),
            ("format", s("date")),
            ("pattern", s(DATE_PATTERN)),
        ]),
        Ty::Enum(values) => o(vec![("type", s("string")), ("enum", strs(values))]),
        Ty::Id => o(vec![("type", s("string")), ("pattern", s("^[a-z0-9-]+$"))]),
        Ty::List(item) => o(vec![("type", s("array")), ("items", ty(item, path))]),
        Ty::Table(fields) => table(fields, path),
        Ty::Tables(fields) => {
            let mut v = vec![("type", s("array"))];
            // A required array of tables needs at least one (`unit = []` is PF004).
            if schema::lookup(&path.split('.').collect::<Vec<_>>()).is_some_and(|f| f.required) {
                v.push(("minItems", J::Int(1)));
            }
            v.push(("items", table(fields, path)));
            o(v)
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn write(v: &J, indent: usize, out: &mut String) {
    let pad = |n: usize| "  ".repeat(n);
    match v {
        J::Str(x) => out.push_str(&serde_json::to_string(x).unwrap_or_default()),
        J::Int(i) => out.push_str(&i.to_string()),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // Short arrays of scalars (enums, `required`) stay on one line.
        J::Arr(items) if items.iter().all(|i| matches!(i, J::Str(_) | J::Int(_))) => {
            out.push('[');
            for (n, i) in items.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                write(i, indent, out);
            }
            out.push(']');
        }
        J::Arr(items) => {
            out.push_str("[\n");
            for (n, i) in items.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                write(i, indent + 1, out);
                out.push_str(if n + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        J::Obj(entries) => {
            out.push_str("{\n");
            for (n, (k, val)) in entries.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push_str(": ");
                write(val, indent + 1, out);
                out.push_str(if n + 1 < entries.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed copy, relative to the repository root.
    const COMMITTED_PATH: &str = "schema/plan-v1.schema.json";

    /// Every dotted path of the format, tables included.
    fn paths(fields: &'static [Field], prefix: &str, out: &mut Vec<String>) {
        for f in fields {
            let p = join(prefix, f.key);
            out.push(p.clone());
            if let Ty::Table(sub) | Ty::Tables(sub) = &f.ty {
                paths(sub, &p, out);
            }
        }
    }

    #[test]
    fn every_key_has_a_description_and_every_description_a_key() {
        let mut all = Vec::new();
        paths(schema::ROOT, "", &mut all);
        for p in &all {
            assert!(description(p).is_some(), "no description for `{p}`");
        }
        for (p, _) in DESCRIPTIONS.iter().filter(|(p, _)| !p.is_empty()) {
            assert!(
                all.iter().any(|a| a == p),
                "description of unknown key `{p}`"
            );
        }
    }

    #[test]
    fn the_schema_is_json_and_follows_the_format() {
        let v: serde_json::Value = serde_json::from_str(&render()).unwrap();
        assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert_eq!(v["additionalProperties"], false);
        // Typed values may be placeholders instead: the value's own type
        // comes first in `anyOf`.
        let typed = |v: &serde_json::Value| v["anyOf"][0].clone();
        assert_eq!(
            typed(&v["properties"]["format"])["enum"],
            serde_json::json!([1])
        );
        let unit = &v["properties"]["unit"];
        assert_eq!(unit["minItems"], 1);
        let rank = &unit["items"]["properties"]["cdo"]["properties"]["rank"];
        assert_eq!(
            typed(rank)["enum"],
            serde_json::json!(["chief", "deputy", "other"])
        );
        assert_eq!(rank["anyOf"][1]["pattern"], "<[^>]+>");
        let published = &v["properties"]["plan"]["properties"]["published"];
        assert_eq!(typed(published)["format"], "date");
        assert_eq!(
            typed(&unit["items"]["properties"]["id"])["pattern"],
            "^[a-z0-9-]+$"
        );
        assert_eq!(unit["items"]["properties"]["name"]["type"], "string");
        let req = v["properties"]["plan"]["required"].as_array().unwrap();
        assert!(req.contains(&"published".into()) && !req.contains(&"signed".into()));
    }

    /// A plan as taplo and check-jsonschema hand it to the validator: TOML
    /// dates become strings (`YYYY-MM-DD`).
    fn as_editors_see_it(v: toml::Value) -> serde_json::Value {
        use serde_json::Value as J;
        match v {
            toml::Value::String(s) => J::String(s),
            toml::Value::Integer(i) => J::from(i),
            toml::Value::Float(f) => J::from(f),
            toml::Value::Boolean(b) => J::Bool(b),
            toml::Value::Datetime(d) => J::String(d.to_string()),
            toml::Value::Array(a) => J::Array(a.into_iter().map(as_editors_see_it).collect()),
            toml::Value::Table(t) => J::Object(
                t.into_iter()
                    .map(|(k, v)| (k, as_editors_see_it(v)))
                    .collect(),
            ),
        }
    }

    /// The errors the schema finds in a plan whose `published` is written
    /// `value`, as an editor validates it (format assertions off, as
    /// draft 2020-12 has them by default).
    fn published_errors(value: &str) -> bool {
        let text = include_str!("../examples/jiangmen-2021.toml");
        let line = text
            .lines()
            .find(|l| l.starts_with("published = "))
            .expect("the example is published");
        let plan = text.replacen(line, &format!("published = {value}"), 1);
        let plan: toml::Value = toml::from_str(&plan).expect("TOML");
        let instance = as_editors_see_it(plan);
        let schema: serde_json::Value = serde_json::from_str(&render()).unwrap();
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler
            .add_resource("urn:cdocheck:plan-v1.schema.json", schema)
            .expect("the schema loads");
        let id = compiler
            .compile("urn:cdocheck:plan-v1.schema.json", &mut schemas)
            .expect("the schema compiles");
        schemas.validate(&instance, id).is_err()
    }

    #[test]
    fn the_schema_refuses_a_date_written_any_other_way_than_iso() {
        assert!(!published_errors("2021-06-30"), "a bare date");
        assert!(!published_errors("\"<YYYY-MM-DD>\""), "a placeholder");
        for wrong in [
            "\"2021年6月30日\"",
            "\"2021/6/30\"",
            "\"30.06.2021\"",
            "20210630",
        ] {
            assert!(published_errors(wrong), "{wrong}");
        }
        // What no JSON Schema can see: editors turn a TOML date into the
        // very string a quoted one is (`check` and `cdocheck lsp` say PF003).
        assert!(!published_errors("\"2021-06-30\""));
    }

    /// The committed copy is what `cdocheck schema` prints. After a change to
    /// the format: `cargo run -- schema > schema/plan-v1.schema.json`.
    #[test]
    fn the_committed_schema_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED_PATH);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == render(),
            "{COMMITTED_PATH} is out of date: run `cargo run -- schema > {COMMITTED_PATH}`"
        );
    }
}
