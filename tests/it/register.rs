//! `cdocheck waivers`: the waiver register (issue 10, §4).

use serde_json::Value;

use crate::common::{run, stderr, stdout};

const AUDIT: &str = "tests/fixtures/audit";

fn register(today: &str, extra: &[&str]) -> (Value, i32) {
    let mut args = vec!["waivers", "--format", "json", "--today", today];
    args.extend_from_slice(extra);
    let o = run(&args);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(&o), stderr(&o)));
    (v, o.status.code().unwrap())
}

fn find<'a>(v: &'a Value, path: &str, rule: &str, unit: Option<&str>) -> &'a Value {
    v["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| {
            w["path"].as_str().unwrap().ends_with(path)
                && w["rule"] == rule
                && w["unit"].as_str() == unit
        })
        .unwrap_or_else(|| panic!("no waiver {path} {rule} {unit:?}: {v}"))
}

#[test]
fn every_waiver_is_listed_with_its_state() {
    let (v, code) = register("2026-01-01", &[AUDIT]);
    assert_eq!(code, 0, "listed, whatever the plans' verdicts");
    assert_eq!(v["today"], "2026-01-01");
    assert_eq!(v["waivers"].as_array().unwrap().len(), 7);
    let z = "zhaoqing-waivers.toml";
    let active = find(&v, z, "GD005", Some("jm-nr"));
    assert_eq!(active["state"], "active");
    assert_eq!(active["expires"], "2026-03-31");
    assert_eq!(active["days_left"], 89);
    assert_eq!(
        active["approved_by"],
        "Zhaoqing Digital Government Leading Group Office"
    );
    assert_eq!(find(&v, z, "GD006", Some("jm-psb"))["state"], "unused");
    let expired = find(&v, z, "GD002", None);
    assert_eq!(expired["state"], "expired");
    assert_eq!(expired["days_left"], -185);
    assert_eq!(find(&v, z, "GD005", Some("jm-psb"))["state"], "invalid");
    assert_eq!(find(&v, z, "GD999", None)["state"], "invalid");
    assert_eq!(find(&v, z, "GD004", Some("jm-ee"))["state"], "not-waivable");
    let sz = find(&v, "shenzhen.toml", "SZ002", Some("sz-met"));
    assert_eq!(sz["state"], "active");
    assert!(sz["days_left"].is_null() && sz["expires"].is_null());
    assert!(sz["line"].as_u64().unwrap() > 1);
}

#[test]
fn days_left_is_zero_on_the_day_a_waiver_expires() {
    let z = "zhaoqing-waivers.toml";
    let plan = format!("{AUDIT}/{z}");
    let (v, _) = register("2026-03-31", &[&plan]);
    let w = find(&v, z, "GD005", Some("jm-nr"));
    assert_eq!(
        (w["days_left"].as_i64(), w["state"].as_str()),
        (Some(0), Some("active"))
    );
    let (v, _) = register("2026-04-01", &[&plan]);
    let w = find(&v, z, "GD005", Some("jm-nr"));
    assert_eq!(
        (w["days_left"].as_i64(), w["state"].as_str()),
        (Some(-1), Some("expired"))
    );
}

#[test]
fn invalid_comes_before_every_other_state() {
    let dir = tempfile::tempdir().unwrap();
    // Blank reason, not waivable and expired at once: invalid.
    let plan = crate::common::jiangmen()
        + "\n[[waiver]]\nrule = \"GD004\"\nreason = \" \"\napproved_by = \"x\"\nexpires = 2020-01-01\n";
    crate::common::write(dir.path(), "p.toml", plan.as_bytes());
    let (v, _) = register("2026-01-01", &[dir.path().to_str().unwrap()]);
    assert_eq!(v["waivers"][0]["state"], "invalid", "{v}");
    assert_eq!(v["waivers"][0]["reason"], " ", "values as written");
}

#[test]
fn csv_and_human_registers() {
    let o = run(&["waivers", "--format", "csv", "--today", "2026-01-01", AUDIT]);
    assert_eq!(o.status.code(), Some(0));
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        header,
        [
            "path",
            "line",
            "rule",
            "unit",
            "reason",
            "approved_by",
            "expires",
            "days_left",
            "state"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 7);
    assert!(rows
        .iter()
        .any(|r| &r[2] == "GD004" && &r[8] == "not-waivable"));
    let o = run(&["waivers", "--today", "2026-01-01", AUDIT]);
    let out = stdout(&o);
    assert!(
        out.contains("7 waivers: 2 active, 1 expired, 1 unused, 2 invalid, 1 not waivable"),
        "{out}"
    );
    let o = run(&["waivers", "--lang", "zh-CN", "--today", "2026-01-01", AUDIT]);
    assert!(stdout(&o).contains("不可豁免"));
}

#[test]
fn no_plan_file_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["waivers", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no plan files found"), "{}", stderr(&o));
    let o = run(&["waivers", "--pack", "nope", AUDIT]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn waivers_beyond_the_finding_cap_keep_their_state() {
    // 1,100 unused waivers: the CORE005s past the 1,000th are only counted,
    // yet each waiver still gets its state.
    let dir = tempfile::tempdir().unwrap();
    let w =
        "\n[[waiver]]\nrule = \"GD006\"\nunit = \"jm-gov\"\nreason = \"r\"\napproved_by = \"a\"\n";
    let plan = std::fs::read_to_string("examples/jiangmen-2021.toml").unwrap() + &w.repeat(1100);
    crate::common::write(dir.path(), "p.toml", plan.as_bytes());
    let (v, _) = register("2026-01-01", &[dir.path().to_str().unwrap()]);
    let all = v["waivers"].as_array().unwrap();
    assert_eq!(all.len(), 1100);
    assert!(all.iter().all(|w| w["state"] == "unused"), "{}", all[1050]);
}

#[test]
fn the_configuration_is_honoured_as_check_honours_it() {
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read("tests/fixtures/audit/zhaoqing-waivers.toml").unwrap();
    crate::common::write(dir.path(), "plans/z.toml", &plan);
    crate::common::write(dir.path(), "other/x.toml", &plan);
    crate::common::write(
        dir.path(),
        "cdocheck.toml",
        b"[check]\npaths = [\"plans\"]\n",
    );
    let o = crate::common::cdocheck()
        .current_dir(dir.path())
        .args(["waivers", "--format", "json", "--today", "2026-01-01"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let paths: Vec<&str> = v["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 6, "{v}");
    assert!(
        paths.iter().all(|p| p.ends_with("plans/z.toml")),
        "{paths:?}"
    );
}
