//! Verdicts an auditor can trust: no silent way around a rule, plan text
//! shown as written, units named when their id is unusable, superseded rules.

use serde_json::Value;

use crate::common::{jiangmen, json, write};

fn check_text(text: &str) -> (Value, i32) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.toml", text.as_bytes());
    let path = dir.path().join("plan.toml");
    json(&[path.to_str().unwrap()])
}

fn diagnostics(v: &Value) -> Vec<&Value> {
    v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .collect()
}

fn codes(v: &Value) -> Vec<&str> {
    diagnostics(v)
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

#[test]
fn the_clean_base_passes() {
    let (v, code) = check_text(&jiangmen());
    assert_eq!(codes(&v), Vec::<&str>::new());
    assert_eq!(code, 0);
}

#[test]
fn plan_text_is_shown_as_written_never_as_a_template() {
    // Not a designated pilot, so GD003 quotes the jurisdiction.
    let text = jiangmen()
        .replace(
            "jurisdiction = \"Jiangmen\"",
            "jurisdiction = \"Zhanjiang {missing} {value} {min}\"",
        )
        .replace("jurisdiction_zh = \"江门市\"\n", "");
    let (v, _) = check_text(&text);
    let gd003 = diagnostics(&v)
        .into_iter()
        .find(|d| d["code"] == "GD003")
        .expect("GD003 on a city the notice does not designate");
    let msg = gd003["message"].as_str().unwrap();
    assert!(
        msg.contains("`Zhanjiang {missing} {value} {min}`"),
        "the jurisdiction must be quoted verbatim: {msg}"
    );
    assert_eq!(gd003["severity"], "info");
}

#[test]
fn a_unit_with_an_invalid_id_is_named_by_its_name() {
    // Two district governments and one whose id is invalid: GD001 fails,
    // and its label names the third unit by name, not `?`.
    let text = jiangmen()
        .replace("id = \"xinhui\"", "id = \"江门蓬江\"")
        .replace(
            "name_zh = \"新会区人民政府\"\nlevel = \"county\"\nkind = \"government\"",
            "name_zh = \"新会区人民政府\"\nlevel = \"county\"\nkind = \"department\"",
        );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.toml", text.as_bytes());
    let o = crate::common::run(&["check", dir.path().join("plan.toml").to_str().unwrap()]);
    let out = crate::common::stdout(&o) + &crate::common::stderr(&o);
    assert!(out.contains("PF005"), "{out}");
    assert!(out.contains("GD001"), "{out}");
    assert!(
        !out.contains("`?`"),
        "a unit must never be called `?`: {out}"
    );
    assert!(out.contains("Xinhui District People's Government"), "{out}");
}

#[test]
fn a_misspelt_province_fails_instead_of_switching_the_notice_off() {
    let (v, code) =
        check_text(&jiangmen().replace("province = \"Guangdong\"", "province = \"Guangdng\""));
    let d = diagnostics(&v);
    assert_eq!(codes(&v), ["CORE012"], "{d:?}");
    assert!(d[0]["message"]
        .as_str()
        .unwrap()
        .ends_with("did you mean `guangdong`?"));
    assert_eq!(d[0]["severity"], "error");
    assert_eq!(code, 1);
}

#[test]
fn leaving_out_the_notice_in_rule_packs_is_flagged_with_the_pack_named() {
    let text = jiangmen().replace(
        "contact_agency =",
        "rule_packs = [\"core\"]\ncontact_agency =",
    );
    let (v, _) = check_text(&text);
    let d = diagnostics(&v);
    assert_eq!(codes(&v), ["CORE010"]);
    assert!(d[0]["message"].as_str().unwrap().contains("guangdong-2021"));
    assert_eq!(v["files"][0]["rule_packs"], serde_json::json!(["core"]));
}

#[test]
fn a_blank_waiver_reason_excuses_nothing() {
    let text = jiangmen().replace("position = \"Chief Engineer\"\nrank = \"deputy\"", "position = \"Chief Engineer\"\nrank = \"other\"")
        + "\n[[waiver]]\nrule = \"GD005\"\nunit = \"jm-nr\"\nreason = \"\"\napproved_by = \"Jiangmen Digital Government Leading Group Office\"\n";
    let (v, code) = check_text(&text);
    let d = diagnostics(&v);
    let gd005 = d.iter().find(|d| d["code"] == "GD005").unwrap();
    assert_eq!(gd005["waived"], false);
    assert!(d.iter().any(|d| d["code"] == "CORE009"));
    assert!(!d.iter().any(|d| d["code"] == "CORE005"), "not also unused");
    assert_eq!(code, 1);
}

#[test]
fn an_unfilled_skeleton_fails() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("skeleton.toml");
    let o = crate::common::run(&[
        "init",
        "--jurisdiction",
        "Jiangmen",
        "--output",
        plan.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", crate::common::stderr(&o));
    let (v, code) = json(&[plan.to_str().unwrap()]);
    assert!(codes(&v).contains(&"CORE008"));
    assert_eq!(v["files"][0]["status"], "fail");
    assert_eq!(code, 1);
}

#[test]
fn a_waiver_of_a_superseded_rule_is_unused_and_its_help_names_the_superseding_rule() {
    let (v, _) = json(&["rules/tests/shenzhen-2021/SZ002-fail-waiver-names-gd005.toml"]);
    let d = diagnostics(&v);
    assert!(
        !d.iter().any(|d| d["code"] == "GD005"),
        "GD005 is superseded by SZ002 on the same unit: {d:?}"
    );
    let unused = d.iter().find(|d| d["code"] == "CORE005").expect("CORE005");
    assert!(
        unused["help"]
            .as_str()
            .unwrap()
            .contains("superseded here by SZ002"),
        "{unused}"
    );
}

#[test]
fn a_waiver_naming_a_unit_for_a_rule_about_the_plan_matches_nothing() {
    let text = jiangmen().replace(
        "name_zh = \"新会区人民政府\"\nlevel = \"county\"\nkind = \"government\"",
        "name_zh = \"新会区人民政府\"\nlevel = \"county\"\nkind = \"department\"",
    ) + "\n[[waiver]]\nrule = \"GD001\"\nunit = \"pengjiang\"\nreason = \"Two districts pilot first\"\napproved_by = \"Jiangmen Digital Government Leading Group Office\"\n";
    let (v, code) = check_text(&text);
    let d = diagnostics(&v);
    let gd001 = d.iter().find(|d| d["code"] == "GD001").unwrap();
    assert_eq!(gd001["waived"], false);
    let unused = d.iter().find(|d| d["code"] == "CORE005").expect("CORE005");
    assert!(
        unused["help"]
            .as_str()
            .unwrap()
            .contains("about the plan, not a unit"),
        "{unused}"
    );
    assert_eq!(code, 1);
}

#[test]
fn chinese_messages_name_duties_by_their_chinese_names() {
    let o = crate::common::run(&[
        "check",
        "--lang",
        "zh-CN",
        "--format",
        "concise",
        "examples/shenzhen-2021.toml",
    ]);
    let out = crate::common::stdout(&o);
    let gd011 = out.lines().find(|l| l.contains("GD011")).expect("GD011");
    assert!(
        gd011.contains("“领导数据工作，对重大事项进行决策”（`decision-making`）"),
        "{gd011}"
    );
}

#[test]
fn standard_output_holds_exactly_one_output() {
    let dir = tempfile::tempdir().unwrap();
    let run_in = |args: &[&str]| {
        let mut c = crate::common::cdocheck();
        let plan =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jiangmen-2021.toml");
        c.current_dir(dir.path()).arg("check").args(args).arg(plan);
        c.output().unwrap()
    };
    // `--output json=-` takes standard output when `--format` is not given.
    let o = run_in(&["--output", "json=-"]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(v["summary"]["passed"], 1);
    assert!(!dir.path().join("-").exists(), "no file named `-`");
    // Beside an explicit --format, or twice: exit 2 before anything is checked.
    for args in [
        &["--format", "json", "--output", "sarif=-"][..],
        &["--output", "json=-", "--output", "sarif=/dev/stdout"][..],
    ] {
        let o = run_in(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(crate::common::stderr(&o).contains("standard output holds one output"));
    }
}

#[test]
fn a_rule_defined_twice_points_at_its_first_definition_in_another_pack() {
    let dir = tempfile::tempdir().unwrap();
    let pack = r#"[pack]
name = "mine"
title = "Mine"
document = "my notice"

[[rule]]
id = "GD005"
statement = "s"
severity = "error"
kind = "assert"
require = { field = "plan.title", exists = true }
message = "m"
help = "h"
[rule.citation]
document = "my notice"
provenance = "convention"
"#;
    write(dir.path(), "mine.toml", pack.as_bytes());
    let path = dir.path().join("mine.toml");
    let o = crate::common::run(&[
        "check",
        "--rules",
        path.to_str().unwrap(),
        "examples/jiangmen-2021.toml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = crate::common::stderr(&o);
    assert!(err.contains("RP003"), "{err}");
    let gd = std::fs::read_to_string("rules/guangdong-2021.toml").unwrap();
    let line = gd.lines().position(|l| l == "id = \"GD005\"").unwrap() + 1;
    assert!(
        err.contains(&format!(
            "first defined here: rules/guangdong-2021.toml:{line}:6"
        )),
        "{err}"
    );
}
