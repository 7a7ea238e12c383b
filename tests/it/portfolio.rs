//! The portfolio and the auditor's tables (issue 10, §7).

use serde_json::Value;

use crate::common::{cdocheck, json, stdout, write};

const AUDIT: &str = "tests/fixtures/audit";

fn guangdong(v: &Value) -> &Value {
    v["portfolio"]["notices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["pack"] == "guangdong-2021")
        .unwrap()
}

fn pilot<'a>(n: &'a Value, name: &str) -> &'a Value {
    n["pilots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap()
}

/// The paths of a pilot's plans marked as the one that counts.
fn counted_paths(pilot: &Value) -> Vec<&str> {
    pilot["plan_details"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["counted"] == true)
        .map(|d| d["path"].as_str().unwrap())
        .collect()
}

fn p(name: &str) -> String {
    format!("{AUDIT}/{name}")
}

#[test]
fn the_latest_published_plan_counts() {
    let (v, _) = json(&[AUDIT]);
    let jm = pilot(guangdong(&v), "Jiangmen");
    assert_eq!(
        jm["plan_details"],
        serde_json::json!([
            {"path": p("jiangmen-revised.toml"), "status": "pass", "counted": true},
            {"path": p("jiangmen.toml"), "status": "pass", "counted": false},
        ])
    );
    assert_eq!(
        jm["counts"],
        serde_json::json!({"GD001": 4, "GD002": 7, "city_cdo": true})
    );
    let mm = pilot(guangdong(&v), "Maoming");
    assert_eq!(
        mm["counts"],
        serde_json::json!({"GD001": 2, "GD002": 6, "city_cdo": false})
    );
    assert_eq!(mm["status"], "fail");
    assert!(pilot(guangdong(&v), "Guangzhou")["counts"].is_null());
}

#[test]
fn the_pilot_is_judged_on_the_plan_that_counts_with_ties_by_path() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string("examples/jiangmen-2021.toml").unwrap();
    let bad = good.replacen("rank = \"deputy\"", "rank = \"other\"", 1);
    // Same `published`: the first by path counts.
    write(dir.path(), "a.toml", good.as_bytes());
    write(dir.path(), "b.toml", bad.as_bytes());
    // No `published`: last, whatever its path.
    let undated = good.replacen("published = 2021-08-25\n", "", 1);
    assert_ne!(undated, good);
    write(dir.path(), "0-undated.toml", undated.as_bytes());
    let root = dir.path().to_str().unwrap();
    let (v, _) = json(&[root]);
    let jm = pilot(guangdong(&v), "Jiangmen");
    let counted = counted_paths(jm);
    assert_eq!(counted, [format!("{root}/a.toml")], "{jm}");
    assert_eq!(
        jm["status"], "pass",
        "judged on a.toml, not on the failing b.toml"
    );
}

/// A plan's text without its `[[unit]]` of this id (followed by another).
fn without_unit(plan: &str, id: &str) -> String {
    let start = plan.find(&format!("[[unit]]\nid = \"{id}\"")).unwrap();
    let end = start + 1 + plan[start + 1..].find("[[unit]]").unwrap();
    format!("{}{}", &plan[..start], &plan[end..])
}

/// The figures are the counted plan's, also when plans read before and
/// after it (by path) counted something else: the roll keeps the figures
/// of the plan that counts so far only.
#[test]
fn the_figures_are_those_of_the_plan_that_counts_whatever_came_first() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read_to_string("examples/jiangmen-2021.toml").unwrap();
    // An older plan with one county fewer, read first by path.
    let older = without_unit(&full, "taishan");
    write(dir.path(), "a-older.toml", older.as_bytes());
    // The latest plan, read between them.
    let latest = full.replacen("published = 2021-08-25", "published = 2021-09-01", 1);
    assert_ne!(latest, full);
    write(dir.path(), "b-latest.toml", latest.as_bytes());
    // An undated one after it, with two counties fewer: it never counts.
    let undated = without_unit(&older, "xinhui").replacen("published = 2021-08-25\n", "", 1);
    write(dir.path(), "c-undated.toml", undated.as_bytes());
    let root = dir.path().to_str().unwrap();
    let (v, _) = json(&[root]);
    let jm = pilot(guangdong(&v), "Jiangmen");
    let counted = counted_paths(jm);
    assert_eq!(counted, [format!("{root}/b-latest.toml")], "{jm}");
    assert_eq!(
        jm["counts"]["GD001"], 4,
        "the latest plan's four counties: {jm}"
    );
}

#[test]
fn unreadable_other_level_opted_out_and_not_designated_plans_are_listed() {
    let (v, _) = json(&[AUDIT]);
    let n = guangdong(&v);
    assert_eq!(n["unreadable"], serde_json::json!([p("zhongshan.toml")]));
    assert_eq!(
        v["portfolio"]["unreadable"],
        serde_json::json!([p("draft-unknown.toml")]),
        "names no pilot"
    );
    assert_eq!(
        n["other_levels"],
        serde_json::json!([p("jiangmen-pengjiang.toml")])
    );
    assert_eq!(n["not_designated"], serde_json::json!([p("shantou.toml")]));
    assert_eq!(
        n["opted_out"],
        serde_json::json!([p("heyuan-opted-out.toml")])
    );
    let zs = pilot(n, "Zhongshan");
    assert_eq!(zs["status"], "fail");
    assert_eq!(zs["plan_details"][0]["counted"], false);
    // files[].status keeps its two values.
    for f in v["files"].as_array().unwrap() {
        assert!(f["status"] == "pass" || f["status"] == "fail");
    }
}

/// Display width: CJK characters take two columns.
fn width(line: &str) -> usize {
    line.chars()
        .map(|c| {
            if ('\u{2e80}'..='\u{a4cf}').contains(&c) || ('\u{ff00}'..='\u{ff60}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

fn tables(columns: Option<&str>, extra: &[&str]) -> String {
    let mut c = cdocheck();
    match columns {
        Some(n) => c.env("COLUMNS", n),
        None => c.env_remove("COLUMNS"),
    };
    let mut args = vec!["check", "--summary", "-q", "--today", "2026-01-01"];
    args.extend_from_slice(extra);
    args.push(AUDIT);
    stdout(&c.args(args).output().unwrap())
}

fn table_lines(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| l.starts_with(['┌', '│', '╞', '├', '└']))
        .collect()
}

#[test]
fn tables_take_the_width_given_and_120_when_piped() {
    let piped = tables(None, &[]);
    let widest = table_lines(&piped).iter().map(|l| width(l)).max().unwrap();
    assert_eq!(widest, 120, "{piped}");
    for n in ["80", "200"] {
        let out = tables(Some(n), &[]);
        let widest = table_lines(&out).iter().map(|l| width(l)).max().unwrap();
        assert!(widest <= n.parse().unwrap(), "{n}: {out}");
        assert!(widest > 70, "{n}: {out}");
    }
    let wide = tables(Some("200"), &[]);
    assert!(table_lines(&wide).iter().map(|l| width(l)).max().unwrap() > 120);
}

#[test]
fn paths_are_wrapped_never_cut() {
    let dir = tempfile::tempdir().unwrap();
    let long = format!("{}/{}/plan.toml", "a".repeat(150), "b".repeat(90));
    write(dir.path(), &long, crate::common::jiangmen().as_bytes());
    let o = cdocheck()
        .env("COLUMNS", "100")
        .args(["check", "--summary", "-q", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(!out.contains('…'), "{out}");
    // The path's characters are all there, in order, across the lines.
    let cells: String = table_lines(&out)
        .iter()
        .filter_map(|l| l.strip_prefix('│'))
        .filter_map(|l| l.split('┆').next())
        .map(str::trim)
        .collect();
    assert!(cells.contains(&long), "{out}");
}

#[test]
fn summary_works_with_concise_and_quiet_prints_only_tables_and_the_line() {
    let out = tables(None, &["--format", "concise"]);
    assert!(out.contains("Pilots designated by"), "{out}");
    assert!(!out.contains(": GD005 "), "quiet: no findings: {out}");
    assert!(
        out.trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("checked 12 plans"),
        "{out}"
    );
    let out = tables(None, &[]);
    assert!(!out.contains("× GD"), "quiet: no findings: {out}");
    assert!(
        out.contains("(counts)") && out.contains("(unreadable)"),
        "{out}"
    );
    assert!(out.contains("checked 12 plans"), "{out}");
    let o = cdocheck()
        .args([
            "check",
            "--format",
            "concise",
            "--today",
            "2026-01-01",
            AUDIT,
        ])
        .output()
        .unwrap();
    assert!(stdout(&o).contains(": GD005 "), "findings without -q");
}

#[test]
fn summary_with_a_machine_format_says_where_the_tables_went() {
    let o = cdocheck()
        .args([
            "check",
            "--format",
            "json",
            "--summary",
            "examples/jiangmen-2021.toml",
        ])
        .output()
        .unwrap();
    let err = crate::common::stderr(&o);
    assert!(err.contains("--format human or concise"), "{err}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["portfolio"].is_object(),
        "standard output stays one JSON document"
    );
}

#[test]
fn a_scan_of_fifty_mixed_plans_drops_none_from_the_roll_up() {
    // The fixture scan five times over (65 plans): every plan under the
    // Guangdong notice is somewhere in its roll-up, or at the top level.
    let dir = tempfile::tempdir().unwrap();
    for round in 0..5 {
        for e in std::fs::read_dir(AUDIT).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            let bytes = std::fs::read(e.path()).unwrap();
            write(dir.path(), &format!("r{round}/{name}"), &bytes);
        }
    }
    let root = dir.path().to_str().unwrap();
    let (v, code) = json(&[root]);
    assert_eq!(code, 1);
    let files = v["files"].as_array().unwrap();
    assert!(files.len() >= 50, "{}", files.len());
    let n = guangdong(&v);
    let mut listed: Vec<String> = Vec::new();
    for p in n["pilots"].as_array().unwrap() {
        for d in p["plan_details"].as_array().unwrap() {
            listed.push(d["path"].as_str().unwrap().to_string());
        }
    }
    for key in ["not_designated", "opted_out", "unreadable", "other_levels"] {
        for p in n[key].as_array().unwrap() {
            listed.push(p.as_str().unwrap().to_string());
        }
    }
    for p in v["portfolio"]["unreadable"].as_array().unwrap() {
        listed.push(p.as_str().unwrap().to_string());
    }
    for f in files {
        let path = f["path"].as_str().unwrap();
        if path.ends_with("beijing.toml") {
            continue; // another notice, without designated pilots
        }
        assert!(
            listed.iter().any(|l| l == path),
            "{path} is missing from the roll-up"
        );
    }
    // Five Jiangmen plans tie on `published` with their revised copies
    // later: one of the five revised ones counts, the first by path.
    let jm = pilot(n, "Jiangmen");
    let counted: Vec<&Value> = jm["plan_details"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["counted"] == true)
        .collect();
    assert_eq!(counted.len(), 1);
    assert_eq!(
        counted[0]["path"],
        format!("{root}/r0/jiangmen-revised.toml")
    );
}

/// Two thousand copies of one pilot's plan: the table lists every one,
/// marks one as the plan that counts and none as unreadable (each plan is
/// looked up in a set, not a list).
#[test]
fn thousands_of_plans_of_one_pilot_are_listed_once_each() {
    const N: usize = 600;
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/jiangmen-2021.toml"
    ))
    .unwrap();
    for i in 0..N {
        std::fs::write(dir.path().join(format!("p{i:04}.toml")), &plan).unwrap();
    }
    let o = cdocheck()
        .current_dir(dir.path())
        .env("COLUMNS", "200")
        .args(["check", "--summary", "-q", "--today", "2026-01-01", "."])
        .output()
        .unwrap();
    let out = stdout(&o);
    for i in [0, 1, N / 2, N - 1] {
        assert!(out.contains(&format!("p{i:04}.toml")), "p{i:04}: {out}");
    }
    assert_eq!(out.matches("(counts)").count(), 1, "one plan counts");
    assert!(out.contains("p0000.toml (counts)"), "ties go by path");
    assert!(!out.contains("(unreadable)"));
    // Once in the plans table, once in the pilot's row.
    assert_eq!(out.matches(".toml").count(), 2 * N, "each plan listed");
}
