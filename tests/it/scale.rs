//! Plans with very many findings, moderately sized (the large ones are in
//! benches/hostile.rs): the finding cap and its `omitted` count, counts
//! over every finding, waivers and baselines beyond the cap, key paths late
//! in a long list, columns after lone CRs.

use serde_json::Value;

use crate::common::{jiangmen, json, run, stdout, write};

/// The base plan with `n` more units whose CDO is below deputy rank (GD005).
fn low_rank_units(n: usize) -> String {
    let mut t = jiangmen();
    for i in 0..n {
        t.push_str(&format!(
            "\n[[unit]]\nid = \"u{i}\"\nname = \"Unit {i}\"\nlevel = \"county\"\nkind = \"department\"\n\
             cdo = {{ position = \"p\", rank = \"other\", oversees_digital_government = true }}\n"
        ));
    }
    t
}

fn diagnostics(v: &Value) -> &Vec<Value> {
    v["files"][0]["diagnostics"].as_array().unwrap()
}

fn of_code<'a>(v: &'a Value, code: &str) -> Vec<&'a Value> {
    diagnostics(v)
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

#[test]
fn a_file_shows_1000_findings_of_a_code_then_says_how_many_more() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.toml", low_rank_units(1_500).as_bytes());
    let plan = dir.path().join("plan.toml");
    let (v, code) = json(&[plan.to_str().unwrap()]);
    assert_eq!(code, 1);
    let gd005 = of_code(&v, "GD005");
    assert_eq!(gd005.len(), 1_001, "1,000 findings and the cap entry");
    let cap: Vec<_> = gd005
        .iter()
        .filter(|d| d.get("omitted").is_some())
        .collect();
    assert_eq!(cap.len(), 1);
    assert_eq!(cap[0]["omitted"], 500);
    assert_eq!(cap[0]["severity"], "error");
    let msg = cap[0]["message"].as_str().unwrap();
    assert!(msg.contains("500 more GD005"), "{msg}");
    // It takes the 1,001st place: after the last shown GD005.
    assert_eq!(gd005[1_000].get("omitted"), cap[0].get("omitted"));
    assert!(gd005[..1_000].iter().all(|d| d.get("omitted").is_none()));
    // Counts and the status use every finding.
    assert_eq!(v["summary"]["errors"], 1_500);
    assert_eq!(v["files"][0]["status"], "fail");

    // SARIF carries the count as a property of the result.
    let o = run(&["check", "--format", "sarif", plan.to_str().unwrap()]);
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1_001);
    let omitted: Vec<_> = results
        .iter()
        .filter_map(|r| r["properties"].get("omitted"))
        .collect();
    assert_eq!(omitted, [&Value::from(500)]);
}

#[test]
fn waivers_and_baselines_judge_every_finding_beyond_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = low_rank_units(1_200);
    text.push_str(
        "\n[[waiver]]\nrule = \"GD005\"\nreason = \"ranks are being reviewed\"\napproved_by = \"the leading group\"\n",
    );
    write(dir.path(), "waived.toml", text.as_bytes());
    let waived = dir.path().join("waived.toml");
    let (v, code) = json(&[waived.to_str().unwrap()]);
    let left: Vec<_> = diagnostics(&v)
        .iter()
        .filter(|d| d["waived"] == false)
        .map(|d| &d["code"])
        .collect();
    assert_eq!(code, 0, "every GD005 is waived: {} {left:?}", v["summary"]);
    assert_eq!(v["summary"]["waived"], 1_200);
    assert_eq!(v["summary"]["errors"], 0);
    let cap = of_code(&v, "GD005")
        .into_iter()
        .find(|d| d.get("omitted").is_some())
        .unwrap();
    assert_eq!(
        (cap["omitted"].as_u64(), cap["waived"].as_bool()),
        (Some(200), Some(true))
    );

    // A baseline records every finding, and then covers every one.
    write(dir.path(), "plan.toml", low_rank_units(1_300).as_bytes());
    let plan = dir.path().join("plan.toml");
    let baseline = dir.path().join("baseline.json");
    let o = run(&[
        "check",
        "--format",
        "json",
        "--write-baseline",
        baseline.to_str().unwrap(),
        plan.to_str().unwrap(),
    ]);
    assert!(baseline.exists(), "{}", stdout(&o));
    let b: Value = serde_json::from_slice(&std::fs::read(&baseline).unwrap()).unwrap();
    let gd005 = b["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["code"] == "GD005")
        .count();
    assert_eq!(gd005, 1_300);
    let (v, code) = json(&[
        "--baseline",
        baseline.to_str().unwrap(),
        plan.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{}", v["summary"]);
    assert_eq!(v["summary"]["baselined"], 1_300);
    assert_eq!(v["summary"]["errors"], 0);
    assert!(v
        .get("stale_baseline")
        .is_none_or(|s| s.as_array().unwrap().is_empty()));
}

#[test]
fn findings_late_in_a_long_list_have_their_key_paths() {
    let dir = tempfile::tempdir().unwrap();
    let good = vec!["\"粤办函〔2021〕63号\""; 50_000].join(",");
    let text = jiangmen().replacen(
        "basis = [\"粤办函〔2021〕63号\"]",
        &format!("basis = [{good}, \"<one>\", \"<two>\"]"),
        1,
    );
    write(dir.path(), "plan.toml", text.as_bytes());
    let plan = dir.path().join("plan.toml");
    let (v, _) = json(&[plan.to_str().unwrap()]);
    let keys: Vec<&str> = of_code(&v, "CORE008")
        .iter()
        .map(|d| d["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["plan.basis[50000]", "plan.basis[50001]"]);
}

#[test]
fn columns_after_lone_crs_count_from_the_line_start() {
    let dir = tempfile::tempdir().unwrap();
    let text: String = (0..3_000).map(|i| format!("k{i:04}=1\r")).collect();
    write(dir.path(), "cr.toml", text.as_bytes());
    let plan = dir.path().join("cr.toml");
    let (v, code) = json(&[plan.to_str().unwrap()]);
    assert_eq!(code, 1);
    let pf001 = of_code(&v, "PF001");
    assert_eq!(pf001.len(), 1_001);
    // A lone CR ends no line: the error after the i-th one stands at
    // column 8i + 9 of line 1.
    for (i, d) in pf001[..1_000].iter().enumerate() {
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(1), Some(8 * i as u64 + 9))
        );
    }
    assert_eq!(pf001[1_000]["omitted"], 2_000);
    assert_eq!(v["summary"]["errors"], 3_000);
}

#[test]
fn syntax_errors_beyond_the_cap_are_counted_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad.toml", "x\n".repeat(2_500).as_bytes());
    let plan = dir.path().join("bad.toml");
    let (v, _) = json(&[plan.to_str().unwrap()]);
    let pf001 = of_code(&v, "PF001");
    assert_eq!(pf001.len(), 1_001);
    assert_eq!(pf001[999]["line"], 1_000);
    assert_eq!(pf001[1_000]["omitted"], 1_500);
    assert_eq!(
        pf001[1_000]["line"], 1_001,
        "the cap entry is at the first left out"
    );
    assert_eq!(v["summary"]["errors"], 2_500);
    for (format, lines) in [("concise", 1_001), ("github", 1_001), ("csv", 1_002)] {
        let o = run(&["check", "--format", format, plan.to_str().unwrap()]);
        let out = stdout(&o);
        let shown = out.lines().filter(|l| l.contains("PF001")).count();
        assert_eq!(shown + usize::from(format == "csv"), lines, "{format}");
        assert!(out.contains("1500 more PF001"), "{format}");
    }
}
