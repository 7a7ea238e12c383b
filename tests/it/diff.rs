//! `cdocheck diff OLD.json NEW.json`: what a resubmission fixed (issue 10,
//! §5), matched by fingerprint, never by line.

use std::path::Path;

use serde_json::Value;

use crate::common::{cdocheck, stderr, stdout};

/// `check --format json` of `dir` (run from inside it, so paths are
/// relative), written to `out`.
fn report(dir: &Path, out: &Path) {
    let o = cdocheck()
        .current_dir(dir)
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2026-01-01",
            "plans",
        ])
        .output()
        .unwrap();
    std::fs::write(out, &o.stdout).unwrap();
}

fn diff(args: &[&str]) -> std::process::Output {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    crate::common::run(&all)
}

struct Case {
    _dir: tempfile::TempDir,
    old: String,
    new: String,
}

/// Maoming before and after: three lines added at the top (every finding
/// moves), GD006 on `dianbai` fixed; Jiangmen gets a new GD005.
fn case() -> Case {
    let dir = tempfile::tempdir().unwrap();
    let plans = dir.path().join("plans");
    std::fs::create_dir_all(&plans).unwrap();
    let maoming = std::fs::read_to_string("examples/maoming-draft.toml").unwrap();
    let jiangmen = std::fs::read_to_string("examples/jiangmen-2021.toml").unwrap();
    std::fs::write(plans.join("maoming.toml"), &maoming).unwrap();
    std::fs::write(plans.join("jiangmen.toml"), &jiangmen).unwrap();
    let old = dir.path().join("old.json");
    report(dir.path(), &old);
    let i = maoming.find("id = \"dianbai\"").unwrap();
    let j = i + maoming[i..]
        .find("oversees_digital_government = false")
        .unwrap();
    let fixed = format!(
        "# resubmitted\n# after review\n# of 2021-09\n{}oversees_digital_government = true{}",
        &maoming[..j],
        &maoming[j + "oversees_digital_government = false".len()..]
    );
    std::fs::write(plans.join("maoming.toml"), fixed).unwrap();
    std::fs::write(
        plans.join("jiangmen.toml"),
        jiangmen.replacen("rank = \"deputy\"", "rank = \"other\"", 1),
    )
    .unwrap();
    let new = dir.path().join("new.json");
    report(dir.path(), &new);
    Case {
        old: old.to_str().unwrap().to_string(),
        new: new.to_str().unwrap().to_string(),
        _dir: dir,
    }
}

fn plan<'a>(v: &'a Value, path: &str) -> &'a Value {
    v["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == path)
        .unwrap_or_else(|| panic!("no {path}: {v}"))
}

#[test]
fn findings_are_matched_by_fingerprint_not_line() {
    let c = case();
    let o = diff(&[&c.old, &c.new, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["fixed"], 1, "{v}");
    assert_eq!(v["summary"]["new"], 1, "{v}");
    let m = plan(&v, "plans/maoming.toml");
    assert_eq!(m["fixed"][0]["code"], "GD006");
    assert!(
        m["new"].as_array().unwrap().is_empty(),
        "moved, not new: {m}"
    );
    let unchanged: Vec<&str> = m["unchanged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(unchanged.len(), 5, "{m}");
    assert!(unchanged.contains(&"GD005") && unchanged.contains(&"GD001"));
    // The unchanged ones are shown where they are now.
    let gd005 = m["unchanged"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "GD005")
        .unwrap();
    assert_eq!(gd005["line"], 118);
    let j = plan(&v, "plans/jiangmen.toml");
    assert_eq!(
        (j["old_status"].as_str(), j["new_status"].as_str()),
        (Some("pass"), Some("fail"))
    );
    assert_eq!(j["new"][0]["code"], "GD005");
}

#[test]
fn fail_on_new_exits_1_only_when_something_is_new() {
    let c = case();
    assert_eq!(
        diff(&[&c.old, &c.new, "--fail-on-new"]).status.code(),
        Some(1)
    );
    assert_eq!(diff(&[&c.old, &c.new]).status.code(), Some(0));
    assert_eq!(
        diff(&[&c.old, &c.old, "--fail-on-new"]).status.code(),
        Some(0)
    );
}

#[test]
fn the_human_diff_is_a_table_per_plan() {
    let c = case();
    let o = diff(&[&c.old, &c.new]);
    let out = stdout(&o);
    assert!(out.contains("plans/jiangmen.toml: pass → fail"), "{out}");
    assert!(out.contains("1 fixed, 1 new, 5 unchanged"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("fixed") && l.contains("GD006")),
        "{out}"
    );
}

#[test]
fn reports_of_other_versions_are_compared_with_a_warning() {
    let c = case();
    let text = std::fs::read_to_string(&c.new).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["tool"]["version"] = "0.0.9".into();
    v["run"]["packs"][1]["sha256"] = "00".into();
    let other = format!("{}.other.json", c.new);
    std::fs::write(&other, serde_json::to_vec(&v).unwrap()).unwrap();
    let o = diff(&[&c.old, &other]);
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(err.contains("0.0.9"), "{err}");
    assert!(err.contains("`guangdong-2021`"), "{err}");
    let o = diff(&[&c.old, &c.new]);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn an_unreadable_report_is_exit_2() {
    let c = case();
    let o = diff(&[&c.old, "no-such-report.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-report.json"), "{}", stderr(&o));
    let bad = format!("{}.bad", c.new);
    std::fs::write(&bad, "{\"files\": 3}").unwrap();
    let o = diff(&[&bad, &c.new]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a cdocheck JSON report"),
        "{}",
        stderr(&o)
    );
}
