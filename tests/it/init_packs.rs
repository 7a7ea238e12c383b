//! Adding a jurisdiction is one pack file: a pack written here, for a
//! made-up city, loaded with `--rules`, gets a skeleton from `init` that
//! follows its rules and earns no error or warning but CORE008. And the
//! pack's `[init]` table is validated like the rest of it.

use crate::common::*;

use serde_json::Value;

/// A made-up city's pack: its own counts, a named unit, duties, a basis,
/// a date limit and a rank rule; `{province}` is its province.
fn lakeside(province: &str) -> String {
    format!(
        r#"[pack]
name = "lakeside-2024"
title = "Lakeside CDO pilot plan"
document = "湖府办〔2024〕7号"
signed = 2024-03-01
applies_when = {{ fields = ["plan.jurisdiction", "plan.jurisdiction_zh"], keywords = ["@lakeside"] }}

[keywords]
lakeside = ["lakeside", "湖滨"]
water = ["water", "水务"]

[[init.place]]
name = "Lakeside"
name_zh = "湖滨市"
province = "{province}"
keywords = ["lakeside", "湖滨"]
divisions = [
  {{ name = "Reed District", name_zh = "芦苇区" }},
  {{ name = "Heron County", name_zh = "白鹭县" }},
]

[[init.plan]]
title = "{{jurisdiction}} Chief Data Officer Pilot Plan"
title_zh = "{{jurisdiction_zh}}首席数据官试点方案"
issuer = "General Office of the {{jurisdiction}} People's Government"
published = 2024-05-20
milestone = 2024-12-31

[[rule]]
id = "LS001"
statement = "at least 6 city departments"
severity = "error"
kind = "count"
given = "unit"
when = {{ field = "plan.level", equals = "prefecture" }}
where = {{ all = [{{ field = "unit.kind", equals = "department" }}, {{ field = "unit.level", equals = "prefecture" }}] }}
min = 6
at = "plan"
message = "only {{count}} city departments"
help = "add city departments"
[rule.citation]
document = "湖府办〔2024〕7号"
provenance = "text"

[[rule]]
id = "LS002"
statement = "the water bureau takes part"
severity = "error"
kind = "required"
given = "unit"
at = "plan"
message = "the scope leaves out {{item}}"
help = "add {{item}}"
[[rule.item]]
name = "the Lakeside Water Bureau"
name_zh = "市水务局"
where = {{ all = [
  {{ not = {{ field = "unit.kind", equals = "government" }} }},
  {{ field = "unit.level", equals = "prefecture" }},
  {{ fields = ["unit.name", "unit.name_zh"], keywords = ["@water"] }},
] }}
[rule.citation]
document = "湖府办〔2024〕7号"
provenance = "text"

[[rule]]
id = "LS003"
statement = "the CDOs see to security and talent"
severity = "warning"
kind = "assert"
require = {{ field = "cdo.duties", contains = ["security", "talent"] }}
message = "the duties leave out {{missing}}"
help = "add {{missing}}"
[rule.citation]
document = "湖府办〔2024〕7号"
provenance = "text"

[[rule]]
id = "LS004"
statement = "the basis cites the city's notice"
severity = "warning"
kind = "assert"
require = {{ field = "plan.basis", contains = ["湖府办〔2024〕7号"], normalize = "document-number" }}
message = "the basis leaves out {{missing}}"
help = "add {{missing}}"
[rule.citation]
document = "湖府办〔2024〕7号"
provenance = "text"

[[rule]]
id = "LS005"
statement = "published after the notice"
severity = "error"
kind = "assert"
require = {{ field = "plan.published", on_or_after = 2024-03-01 }}
message = "published on {{value}}, before {{other}}"
help = "check `published`"
[rule.citation]
document = "湖府办〔2024〕7号"
provenance = "text"

[[rule]]
id = "LS006"
statement = "every district government states its focus"
severity = "warning"
kind = "assert"
given = "unit"
when = {{ all = [{{ field = "unit.kind", equals = "government" }}, {{ field = "unit.level", equals = "county" }}] }}
require = {{ field = "unit.focus", non_empty = true }}
message = "`{{unit}}` states no focus"
help = "add `focus`"
[rule.citation]
document = "湖府办〔2024〕7号"
provenance = "text"

[[rule]]
id = "LS007"
statement = "two county governments at least"
severity = "error"
kind = "count"
given = "unit"
where = {{ all = [{{ field = "unit.kind", equals = "government" }}, {{ field = "unit.level", equals = "county" }}] }}
min = 2
at = "plan"
message = "only {{count}} county governments"
help = "add county governments"
[rule.citation]
document = "湖府办〔2024〕7号"
provenance = "text"
"#
    )
}

/// `init --rules PACK ARGS… -o plan.toml`, then `check --rules PACK` on it:
/// the skeleton and its diagnostics as (code, severity).
fn init_and_check(pack: &str, args: &[&str]) -> (String, Vec<(String, String)>) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "lakeside.toml", pack.as_bytes());
    let pack = dir.path().join("lakeside.toml");
    let plan = dir.path().join("plan.toml");
    let mut all = vec![
        "init",
        "--rules",
        pack.to_str().unwrap(),
        "-o",
        plan.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let o = run(&all);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&plan).unwrap();
    let o = run(&[
        "check",
        "--format",
        "json",
        "--rules",
        pack.to_str().unwrap(),
        plan.to_str().unwrap(),
    ]);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(&o), stderr(&o)));
    let found = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        v["files"][0]["rule_packs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "lakeside-2024"),
        "the pack applies to its own skeleton: {}",
        v["files"][0]["rule_packs"]
    );
    (text, found)
}

/// Only CORE008 among the errors and warnings, and at least one of it.
fn assert_placeholders_only(text: &str, found: &[(String, String)]) {
    assert!(found.iter().any(|(c, _)| c == "CORE008"), "{text}");
    let other: Vec<_> = found
        .iter()
        .filter(|(c, s)| c != "CORE008" && s != "info")
        .collect();
    assert!(other.is_empty(), "{other:?}\n{text}");
}

#[test]
fn a_new_city_in_a_new_province_gets_a_skeleton_from_its_pack_alone() {
    let (text, found) = init_and_check(&lakeside("Eastland"), &["--jurisdiction", "Lakeside"]);
    assert_placeholders_only(&text, &found);
    assert!(found.iter().all(|(c, _)| c == "CORE008"), "{found:?}");
    assert!(text.contains("jurisdiction = \"Lakeside\""));
    assert!(text.contains("jurisdiction_zh = \"湖滨市\""));
    assert!(text.contains("province = \"Eastland\""));
    assert!(text.contains("title = \"Lakeside Chief Data Officer Pilot Plan\""));
    assert!(text.contains("# e.g. General Office of the Lakeside People's Government"));
    // Counts from `min`, the named unit from the item, in the pack's own words.
    assert_eq!(text.matches("kind = \"department\"").count(), 6, "{text}");
    assert_eq!(text.matches("kind = \"government\"").count(), 2, "{text}");
    assert!(text.contains("name = \"Lakeside Water Bureau\""), "{text}");
    assert!(
        text.contains("# Lakeside has: Reed District, Heron County."),
        "{text}"
    );
    assert_eq!(text.matches("focus = \"<").count(), 2, "LS006: {text}");
    // Duties, basis and the date limit from the rules.
    assert!(text.contains("  \"talent\",\n  \"security\",\n]"), "{text}");
    assert!(text.contains("basis = [\"湖府办〔2024〕7号\"]"));
    assert!(
        text.contains("e.g. 2024-05-20; not before the notice was signed, 2024-03-01 (LS005)"),
        "{text}"
    );
    assert!(text.contains("due = \"<YYYY-MM-DD>\"   # e.g. 2024-12-31"));
}

#[test]
fn a_new_city_in_guangdong_gets_the_provinces_rules_too() {
    let (text, found) = init_and_check(&lakeside("Guangdong"), &["--jurisdiction", "湖滨"]);
    assert_placeholders_only(&text, &found);
    // The city is no designated pilot: GD003, advice, is all else it gets.
    let infos: Vec<_> = found.iter().filter(|(c, _)| c != "CORE008").collect();
    assert!(infos.iter().all(|(c, _)| c == "GD003"), "{infos:?}");
    assert!(text.contains("province = \"Guangdong\""));
    assert!(text.contains("粤办函〔2021〕63号"), "GD007's basis: {text}");
    assert!(
        text.contains("\"data-integration\""),
        "GD011's duties: {text}"
    );
    // GD001 asks for 3 county governments, LS007 for 2; GD002 5 departments, LS001 6.
    assert_eq!(text.matches("kind = \"government\"").count(), 3, "{text}");
    assert_eq!(text.matches("kind = \"department\"").count(), 6, "{text}");
    // The water bureau, named as Guangdong's data names a city's.
    assert!(
        text.contains("name = \"Lakeside Municipal Water Affairs Bureau\""),
        "{text}"
    );
    assert!(text.contains("name_zh = \"湖滨市水务局\""));
}

#[test]
fn changing_a_minimum_changes_the_skeleton() {
    let pack = lakeside("Eastland").replace("min = 6", "min = 9");
    let (text, found) = init_and_check(&pack, &["--jurisdiction", "Lakeside"]);
    assert_placeholders_only(&text, &found);
    assert_eq!(text.matches("kind = \"department\"").count(), 9, "{text}");
}

#[test]
fn an_unknown_key_in_init_is_a_pack_error_at_that_key() {
    let pack = lakeside("Eastland").replace("milestone = 2024-12-31", "milestnoe = 2024-12-31");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "lakeside.toml", pack.as_bytes());
    let path = dir.path().join("lakeside.toml");
    let o = run(&["init", "--rules", path.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("RP001"), "{err}");
    assert!(err.contains("milestnoe"), "{err}");
    let line = 1 + pack
        .lines()
        .position(|l| l.starts_with("milestnoe"))
        .unwrap();
    assert!(err.contains(&format!("lakeside.toml:{line}:")), "{err}");
    assert!(stdout(&o).is_empty(), "nothing written");
}

#[test]
fn an_unknown_variable_or_level_in_init_is_a_pack_error_at_its_value() {
    for (from, to, says) in [
        (
            "{jurisdiction} Chief",
            "{city} Chief",
            "unknown variable `{city}`",
        ),
        (
            "province = \"Eastland\"",
            "province = \"Eastland\"\nlevel = \"metropolis\"",
            "`metropolis` is not a level",
        ),
    ] {
        let pack = lakeside("Eastland").replace(from, to);
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "lakeside.toml", pack.as_bytes());
        let path = dir.path().join("lakeside.toml");
        let o = run(&["init", "--rules", path.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("RP002") && err.contains(says), "{err}");
    }
}
