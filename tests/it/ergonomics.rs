//! The planner's and CI's conveniences, as users meet them: `init`
//! skeletons, `schema`, `completions` and `man`.

use crate::common::*;

use std::path::Path;

use serde_json::Value;

/// The diagnostics of `check --format json` on one file: (code, unit).
fn diagnostics(path: &Path) -> (Vec<(String, Value)>, i32) {
    let o = run(&["check", "--format", "json", path.to_str().unwrap()]);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(&o), stderr(&o)));
    let mut out = Vec::new();
    for f in v["files"].as_array().unwrap() {
        for d in f["diagnostics"].as_array().unwrap() {
            out.push((d["code"].as_str().unwrap().to_string(), d["unit"].clone()));
        }
    }
    (out, o.status.code().unwrap())
}

/// Writes a skeleton with `init -o`, checks it, and returns its diagnostics.
fn skeleton_findings(init_args: &[&str]) -> (String, Vec<(String, Value)>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.toml");
    let mut args = vec!["init", "-o", path.to_str().unwrap()];
    args.extend_from_slice(init_args);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "with -o nothing goes to stdout");
    assert!(stderr(&o).contains("<…>"), "{}", stderr(&o));
    let text = std::fs::read_to_string(&path).unwrap();
    let (found, code) = diagnostics(&path);
    assert_eq!(
        code, 1,
        "placeholders are errors: an unfilled skeleton fails"
    );
    (text, found)
}

fn assert_placeholders_only(init_args: &[&str]) -> String {
    let (text, found) = skeleton_findings(init_args);
    assert!(!found.is_empty(), "{init_args:?}: no CORE008 at all");
    let other: Vec<_> = found.iter().filter(|(c, _)| c != "CORE008").collect();
    assert!(other.is_empty(), "{init_args:?}: {other:?}\n{text}");
    let placeholders = text
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains("\"<"))
        .count();
    assert_eq!(found.len(), placeholders, "one finding per placeholder");
    text
}

#[test]
fn jiangmen_skeleton_has_the_guangdong_scope_and_only_placeholder_findings() {
    let text = assert_placeholders_only(&["--jurisdiction", "Jiangmen"]);
    assert!(text.contains("format = 1"));
    assert!(text.contains("province = \"Guangdong\""));
    assert!(text.contains("粤办函〔2021〕63号"));
    assert!(text.contains("contact_agency = \"<"));
    assert_eq!(text.matches("kind = \"government\"").count(), 3);
    assert_eq!(text.matches("kind = \"department\"").count(), 5);
    assert_eq!(text.lines().filter(|l| *l == "[unit.cdo]").count(), 8);
    assert!(text.contains("[[milestone]]"));
}

#[test]
fn shenzhen_skeleton_names_the_thirteen_units() {
    let text = assert_placeholders_only(&["--jurisdiction", "Shenzhen"]);
    assert_eq!(text.matches("[[unit]]").count(), 13);
    for name in [
        "Futian",
        "Nanshan",
        "Bao'an",
        "Pingshan",
        "公安局",
        "气象局",
        "医疗保障局",
    ] {
        assert!(text.contains(name), "{name}");
    }
    assert_eq!(text.matches("focus = \"<").count(), 4);
    assert_eq!(text.matches("appointed_by = \"leading-group\"").count(), 5);
    assert_eq!(
        text.matches("filed_with = \"leading-group-office\"")
            .count(),
        8
    );
    assert!(text.contains("深府〔2020〕89号"));
}

#[test]
fn foshan_skeleton_has_twenty_three_departments() {
    let text = assert_placeholders_only(&["--jurisdiction", "Foshan"]);
    assert_eq!(text.matches("kind = \"department\"").count(), 23);
    assert!(text.contains("pilot_end = \"<YYYY-MM-DD>\"   # e.g. 2021-12-31"));
    assert!(text.contains("qualifications = [\"administration\", \"leadership\", \"big-data\"]"));
}

#[test]
fn beijing_skeleton_is_a_provincial_level_plan() {
    let text = assert_placeholders_only(&["--jurisdiction", "Beijing"]);
    assert!(text.contains("level = \"province\""));
    assert_eq!(text.matches("kind = \"department\"").count(), 13);
    assert!(text.contains("kind = \"zone\""));
    assert!(text.contains("北京经济技术开发区"));
}

#[test]
fn skeletons_follow_the_packs_rules() {
    // FS006 names two bureaus, named as the province data names a city's;
    // FS004 sets the end of the pilot.
    let text = assert_placeholders_only(&["--jurisdiction", "Foshan"]);
    assert!(text.contains("name = \"Foshan Municipal Education Bureau\""));
    assert!(text.contains("name_zh = \"佛山市工业和信息化局\""));
    assert!(text.contains("not after 2021-12-31 (FS004)"), "{text}");
    // SZ008 gives each pilot district its area; SZ002 allows chief or deputy,
    // and which is the planner's to say.
    let text = assert_placeholders_only(&["--jurisdiction", "Shenzhen"]);
    assert!(text.contains("about public data opening (SZ008)"), "{text}");
    assert!(
        text.contains("rank = \"<chief or deputy>\"   # SZ002"),
        "{text}"
    );
    assert!(text.contains("not before the notice was signed, 2021-04-23 (GD010)"));
    // Zhongshan has no districts: its towns and sub-districts count (GD001).
    let text = assert_placeholders_only(&["--jurisdiction", "Zhongshan"]);
    assert_eq!(text.matches("level = \"township\"").count(), 3, "{text}");
    // A provincial department is a unit of its own plan; no count applies.
    let text = assert_placeholders_only(&["--jurisdiction", "Department of Public Security"]);
    assert!(text.contains("name_zh = \"广东省公安厅\""), "{text}");
    assert!(text.contains("level = \"province\""));
}

#[test]
fn other_places_get_a_generic_skeleton() {
    let text = assert_placeholders_only(&["--jurisdiction", "Springfield"]);
    assert!(text.contains("jurisdiction = \"Springfield\""));
    assert!(text.contains("province = \"<Province>\""));
    assert_placeholders_only(&[]);
    assert_placeholders_only(&["--level", "county"]);
}

#[test]
fn chinese_skeletons_check_as_cleanly() {
    for j in ["Jiangmen", "深圳", "Foshan", "Beijing", "Springfield"] {
        assert_placeholders_only(&["--jurisdiction", j, "--lang", "zh-CN"]);
    }
}

#[test]
fn placeholder_findings_name_their_unit() {
    let (_, found) = skeleton_findings(&["--jurisdiction", "Jiangmen"]);
    assert!(found.iter().any(|(_, u)| u == "county-1"));
    assert!(
        found.iter().any(|(_, u)| u.is_null()),
        "plan-level ones name none"
    );
}

#[test]
fn init_prints_to_stdout_without_output() {
    let o = run(&["init", "--jurisdiction", "Jiangmen"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("jurisdiction = \"Jiangmen\""));
}

#[test]
fn init_in_chinese_writes_chinese_comments_and_placeholders() {
    let o = run(&["init", "--jurisdiction", "Jiangmen", "--lang", "zh-CN"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("# 江门市首席数据官制度试点方案"), "{out}");
    assert!(out.contains("\"<县（市、区）人民政府名称>\""));
    assert!(out.contains("\"<印发单位>\""));
    assert!(!out.contains("<Issuing office>"));
}

#[test]
fn init_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.toml");
    std::fs::write(&path, "my plan\n").unwrap();
    let p = path.to_str().unwrap();
    let o = run(&["init", "--jurisdiction", "Jiangmen", "-o", p]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my plan\n");

    let o = run(&["init", "--jurisdiction", "Jiangmen", "-o", p, "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("jurisdiction = \"Jiangmen\""));
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file is left behind");
}

#[test]
fn init_into_a_missing_directory_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/plan.toml");
    let o = run(&["init", "-o", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
}

#[test]
fn force_needs_an_output_file() {
    let o = run(&["init", "--force"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_committed_schema_is_what_schema_prints() {
    let o = run(&["schema"]);
    assert_eq!(o.status.code(), Some(0));
    let committed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/plan-v1.schema.json"),
    )
    .unwrap();
    assert!(
        stdout(&o) == committed,
        "schema/plan-v1.schema.json is out of date: run `cargo run -- schema > schema/plan-v1.schema.json`"
    );
    let v: Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
}

#[test]
fn a_schema_comment_line_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jiangmen-2021.toml"),
    )
    .unwrap();
    let path = dir.path().join("jiangmen.toml");
    std::fs::write(
        &path,
        format!("#:schema ./schema/plan-v1.schema.json\n{plan}"),
    )
    .unwrap();
    let (found, code) = diagnostics(&path);
    assert_eq!(code, 0);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = run(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("check"), "{shell}: {out}");
        assert!(out.contains("cdocheck"), "{shell}");
    }
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn the_man_page_is_roff() {
    let o = run(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.starts_with(".ie") || out.contains(".TH"), "{out}");
    assert!(out.contains("cdocheck") && out.contains("check"));
    // The pages the main one refers to, cdocheck-COMMAND(1).
    let o = run(&["man", "check"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(".TH cdocheck-check 1"));
    assert!(stdout(&o).contains("fail\\-on"));
    assert_eq!(run(&["man", "no-such-command"]).status.code(), Some(2));
}
