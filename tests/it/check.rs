//! `check` and the rule commands as users meet them: exit codes, human and
//! JSON output, fixtures, directory scans, bad input, waivers, baselines.

use crate::common::*;

use std::path::Path;

use serde_json::Value;

/// `CODE@LINE:COL` of every diagnostic of every file.
fn codes(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for f in v["files"].as_array().unwrap() {
        for d in f["diagnostics"].as_array().unwrap() {
            out.push(format!(
                "{}@{}:{}",
                d["code"].as_str().unwrap(),
                d["line"],
                d["column"]
            ));
        }
    }
    out
}

const JIANGMEN: &str = "examples/jiangmen-2021.toml";
const MAOMING: &str = "examples/maoming-draft.toml";

#[test]
fn compliant_plan_passes_with_exit_0() {
    let o = run(&["check", JIANGMEN]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        stdout(&o),
        "checked 1 plan: 1 passed, 0 failed (0 errors, 0 warnings, 0 info, 0 waived)\n"
    );
}

#[test]
fn failing_plan_exits_1_and_reports_every_problem_where_it_is() {
    let (v, code) = json(&[MAOMING]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&v),
        [
            "GD001@11:1",
            "GD009@11:1",
            "GD006@73:31",
            "GD005@115:8",
            "GD004@122:1",
            "CORE007@164:7"
        ]
    );
    let gd005 = &v["files"][0]["diagnostics"][3];
    assert_eq!(gd005["unit"], "mm-nr");
    assert_eq!(gd005["end_column"], 15);
    assert_eq!(gd005["waived"], false);
    assert_eq!(gd005["citation"]["document"], "粤办函〔2021〕63号");
    assert_eq!(gd005["citation"]["provenance"], "report");
    assert_eq!(v["files"][0]["status"], "fail");
    assert_eq!(
        v["files"][0]["rule_packs"],
        serde_json::json!(["core", "guangdong-2021"])
    );
    assert_eq!(v["summary"]["errors"], 4);
    assert_eq!(v["summary"]["warnings"], 2);
}

#[test]
fn human_output_snapshot() {
    let o = run(&["check", MAOMING]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        !out.contains('\u{1b}'),
        "no colour or hyperlinks when piped"
    );
    insta::assert_snapshot!("human_maoming", out);
}

#[test]
fn json_output_snapshot() {
    let o = run(&[
        "check",
        "--format",
        "json",
        "--today",
        "2026-01-01",
        MAOMING,
        JIANGMEN,
    ]);
    insta::assert_snapshot!("json_maoming_jiangmen", stdout(&o));
}

#[test]
fn fail_on_decides_the_status() {
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read_to_string(JIANGMEN)
        .unwrap()
        .replace("contact_agency", "# contact_agency");
    write(dir.path(), "warn.toml", plan.as_bytes());
    let path = dir.path().join("warn.toml");
    let p = path.to_str().unwrap();
    assert_eq!(
        run(&["check", p]).status.code(),
        Some(0),
        "a warning does not fail by default"
    );
    assert_eq!(
        run(&["check", "--fail-on", "warning", p]).status.code(),
        Some(1)
    );
    assert_eq!(
        run(&["check", "--fail-on", "never", MAOMING]).status.code(),
        Some(0)
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read_to_string(JIANGMEN).unwrap();
    let inline = plan.replacen(
        "[[milestone]]",
        "[[unit]]\nid = \"jm-x\"\nname = \"X\"\nlevel = \"county\"\nkind = \"government\"\ncdo = { position = \"副局长\", rank = \"other\", oversees_digital_government = true }\n\n[[milestone]]",
        1,
    );
    write(dir.path(), "p.toml", inline.as_bytes());
    let (v, _) = json(&[dir.path().join("p.toml").to_str().unwrap()]);
    let d = &v["files"][0]["diagnostics"][0];
    assert_eq!(d["code"], "GD005");
    // `cdo = { position = "副局长", rank = ` is 33 characters (39 bytes).
    assert_eq!(d["column"], 34);
}

#[test]
fn bundled_fixtures_pass_test_rules() {
    let o = run(&["test-rules", "rules/tests", "tests/fixtures/format"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).ends_with(" passed, 0 failed\n"));
}

#[test]
fn test_rules_shows_a_diff_for_a_wrong_expectation() {
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read_to_string(MAOMING).unwrap();
    write(
        dir.path(),
        "wrong.toml",
        format!("# expect: GD001@11, GD002@11\n{plan}").as_bytes(),
    );
    let o = run(&["test-rules", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("- GD002@11"), "{out}");
    assert!(out.contains("+ GD005@116"), "{out}");
    assert!(out.ends_with("0 passed, 1 failed\n"));
}

#[test]
fn every_rule_has_a_passing_and_a_failing_fixture() {
    let mut db = cdocheck::source::SourceDb::default();
    let rules = cdocheck::rules::Rules::builtin(&mut db).unwrap();
    for pack in &rules.packs {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("rules/tests")
            .join(&pack.name);
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("no fixtures for pack {}", pack.name))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        for rule in pack.rules() {
            for kind in ["pass", "fail"] {
                let prefix = format!("{}-{kind}", rule.id);
                assert!(
                    names.iter().any(|n| n.starts_with(&prefix)),
                    "no {prefix}*.toml in {}",
                    dir.display()
                );
            }
        }
    }
}

#[test]
fn every_format_code_has_a_fixture() {
    let names: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/format"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
    for code in ["PF001", "PF002", "PF003", "PF004", "PF005", "PF006"] {
        assert!(
            names.iter().any(|n| n.starts_with(code)),
            "no fixture for {code}"
        );
    }
}

#[test]
fn a_path_that_does_not_exist_exits_2_naming_it() {
    let o = run(&["check", "no/such/plan.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/plan.toml"), "{}", stderr(&o));
}

#[test]
fn bad_arguments_and_unknown_packs_exit_2() {
    assert_eq!(
        run(&["check", "--format", "yaml", JIANGMEN]).status.code(),
        Some(2)
    );
    let o = run(&["check", "--pack", "hainan-2030", JIANGMEN]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("guangdong-2021"),
        "lists the packs that exist: {}",
        stderr(&o)
    );
    assert_eq!(
        run(&["check", "--today", "yesterday", JIANGMEN])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_broken_rule_pack_exits_2_pointing_into_the_pack() {
    let dir = tempfile::tempdir().unwrap();
    let core = std::fs::read_to_string("rules/guangdong-2021.toml").unwrap();
    let broken = core
        .replace("name = \"guangdong-2021\"", "name = \"mine\"")
        .replace("GD0", "MY0")
        .replace("unit.cdo.rank", "unit.cdo.rnak");
    write(dir.path(), "mine.toml", broken.as_bytes());
    let o = run(&["check", "--rules", dir.path().to_str().unwrap(), JIANGMEN]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("RP002") && err.contains("`unit.cdo.rnak` is not a field"),
        "{err}"
    );
    assert!(err.contains("mine.toml:"), "points into the pack: {err}");
}

#[test]
fn a_custom_pack_with_a_cel_expression_applies_when_named() {
    let dir = tempfile::tempdir().unwrap();
    let pack = ID_PACK;
    write(dir.path(), "ids.toml", pack.as_bytes());
    let plan =
        std::fs::read_to_string(JIANGMEN)
            .unwrap()
            .replacen("id = \"jm-psb\"", "id = \"psb\"", 1);
    write(dir.path(), "plans/p.toml", plan.as_bytes());
    let rules = dir.path().join("ids.toml");
    let p = dir.path().join("plans/p.toml");
    let (v, code) = json(&[
        "--rules",
        rules.to_str().unwrap(),
        "--pack",
        "ids",
        p.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "a warning does not fail");
    let d = &v["files"][0]["diagnostics"];
    assert_eq!(d.as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d[0]["code"], "ID001");
    assert_eq!(d[0]["unit"], "psb");
    assert_eq!(
        v["files"][0]["rule_packs"],
        serde_json::json!(["core", "ids"])
    );
}

#[test]
fn a_directory_is_scanned_in_sorted_order_skipping_hidden_ones() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(JIANGMEN).unwrap();
    write(dir.path(), "b/z.toml", &good);
    write(dir.path(), "a.toml", &good);
    write(dir.path(), "b/a.toml", &good);
    write(dir.path(), ".git/config.toml", b"not a plan");
    write(dir.path(), "notes.txt", b"not a plan");
    let root = dir.path().to_str().unwrap();
    let (v, code) = json(&[root]);
    assert_eq!(code, 0);
    let paths: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            format!("{root}/a.toml"),
            format!("{root}/b/a.toml"),
            format!("{root}/b/z.toml")
        ]
    );
}

#[test]
fn bad_files_are_reported_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "1-good.toml", &std::fs::read(JIANGMEN).unwrap());
    write(dir.path(), "2-latin1.toml", b"format = 1\n# caf\xe9\n");
    write(dir.path(), "3-empty.toml", b"");
    write(dir.path(), "4-binary.toml", b"\x00\x01\x02");
    write(
        dir.path(),
        "5-nested.toml",
        format!("x = {}1{}\n", "{ a = ".repeat(200), " }".repeat(200)).as_bytes(),
    );
    std::os::unix::fs::symlink("/no/such/target", dir.path().join("6-dangling.toml")).unwrap();
    let (v, code) = json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    let files = v["files"].as_array().unwrap();
    let status: Vec<&str> = files
        .iter()
        .map(|f| f["status"].as_str().unwrap())
        .collect();
    assert_eq!(status[0], "pass", "the good plan is still checked");
    assert!(status[1..].iter().all(|s| *s == "fail"), "{status:?}");
    assert_eq!(files[1]["diagnostics"][0]["code"], "PF001");
    assert_eq!(
        files[1]["diagnostics"][0]["line"], 2,
        "points at the byte that is not UTF-8"
    );
    assert!(files[2]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "PF004"));
}

#[test]
fn terminal_escapes_in_a_plan_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read_to_string(MAOMING)
        .unwrap()
        .replace("id = \"mm-nr\"", "id = \"mm-nr\"\nfocus = \"x\"")
        .replace("Head of the Information Centre", "\\u001b[2J");
    let plan = plan.replace("rank = \"other\"", "rank = \"other\u{1b}[2J\"");
    write(dir.path(), "p.toml", plan.as_bytes());
    let o = run(&["check", dir.path().join("p.toml").to_str().unwrap()]);
    assert!(!stdout(&o).contains('\u{1b}'), "{}", stdout(&o));
}

#[test]
fn a_closed_pipe_keeps_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read(MAOMING).unwrap();
    for i in 0..60 {
        write(dir.path(), &format!("p{i:02}.toml"), &plan);
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cdocheck"))
        .args(["check", dir.path().to_str().unwrap()])
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    // The plans fail: `| head` must not turn that into a pass (issue 14).
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn rules_lists_every_rule_and_explain_cites_the_clause() {
    let o = run(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    for id in ["CORE001", "CORE007", "GD001", "GD011"] {
        assert!(stdout(&o).contains(id), "{id} missing");
    }
    let o = run(&["explain", "gd001"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("explain_gd001", stdout(&o));
    assert_eq!(run(&["explain", "GD999"]).status.code(), Some(2));
}

#[test]
fn waivers_are_shown_and_no_waivers_counts_them_again() {
    let fixture = "rules/tests/core/CORE006-pass.toml";
    let (v, code) = json(&[fixture]);
    assert_eq!(code, 0, "a waived error does not fail the plan");
    let d = &v["files"][0]["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["waived"].as_bool()),
        (Some("GD005"), Some(true))
    );
    assert_eq!(v["summary"]["waived"], 1);
    assert_eq!(v["summary"]["errors"], 0);
    let o = run(&["check", "--no-waivers", fixture]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--no-waivers"),
        "says so: {}",
        stderr(&o)
    );
    let o = run(&["check", "--today", "2026-07-01", fixture]);
    assert_eq!(o.status.code(), Some(1), "expired by then");
    assert!(stdout(&o).contains("CORE006"));
}

#[test]
fn docs_rules_md_is_current() {
    let o = run(&["rules", "--markdown"]);
    let committed = std::fs::read_to_string("docs/rules.md").unwrap_or_default();
    assert!(
        committed == stdout(&o),
        "docs/rules.md is stale: run `cargo run -- rules --markdown > docs/rules.md`"
    );
}

#[test]
fn a_baseline_survives_moved_lines_and_fails_only_on_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read_to_string(MAOMING).unwrap();
    let path = dir.path().join("p.toml");
    let baseline = dir.path().join("baseline.json");
    let (p, b) = (path.to_str().unwrap(), baseline.to_str().unwrap());
    std::fs::write(&path, &plan).unwrap();
    let o = run(&["check", "--write-baseline", b, p]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the baseline was written, so its findings are baselined and the run passes \
         (json-output.md, exit codes)"
    );
    assert!(
        stdout(&o).contains("GD005"),
        "today's findings are still shown"
    );
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(recorded["findings"].as_array().unwrap().len(), 6);
    assert!(recorded["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["key"] == "unit[mm-nr].cdo.rank"));

    // Lines inserted above every finding: the baseline still covers them all.
    std::fs::write(
        &path,
        format!("# reviewed 2026-11-20\n# by the data bureau\n\n{plan}"),
    )
    .unwrap();
    let (v, code) = json(&["--baseline", b, p]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["baselined"], 6);
    assert!(v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["baselined"] == true));

    // A new violation fails; a fixed one is listed as stale.
    let changed = plan
        .replacen("rank = \"deputy\"", "rank = \"other\"", 1)
        .replace("due = 2021-08-31", "due = 2021-12-31");
    std::fs::write(&path, changed).unwrap();
    let (v, code) = json(&["--baseline", b, p]);
    assert_eq!(code, 1);
    let fresh: Vec<&Value> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["baselined"] == false)
        .collect();
    assert_eq!(fresh.len(), 1, "{fresh:?}");
    assert_eq!(fresh[0]["code"], "GD005");
    assert_eq!(v["stale_baseline"][0]["code"], "CORE007");
    let o = run(&["check", "--baseline", b, p]);
    assert!(stdout(&o).contains("no longer occur"), "{}", stdout(&o));
}

#[test]
fn chinese_output_snapshot() {
    let o = run(&[
        "check",
        "--lang",
        "zh-CN",
        MAOMING,
        "tests/fixtures/format/PF002-misspelled-rank.toml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("human_maoming_zh", stdout(&o));
    let o = run(&["explain", "--lang", "zh-CN", "GD005"]);
    insta::assert_snapshot!("explain_gd005_zh", stdout(&o));
}

#[test]
fn the_language_follows_the_locale_unless_told() {
    let zh = cdocheck()
        .env("LANG", "zh_CN.UTF-8")
        .args(["check", MAOMING])
        .output()
        .unwrap();
    assert!(stdout(&zh).contains("已检查 1 份方案"), "{}", stdout(&zh));
    let en = cdocheck()
        .env("LANG", "zh_CN.UTF-8")
        .args(["check", "--lang", "en", MAOMING])
        .output()
        .unwrap();
    assert!(stdout(&en).contains("checked 1 plan"));
}

#[test]
fn every_shipped_rule_speaks_chinese() {
    let mut db = cdocheck::source::SourceDb::default();
    let rules = cdocheck::rules::Rules::builtin(&mut db).unwrap();
    for r in rules.all() {
        for (what, t) in [("statement", &r.statement), ("rationale", &r.rationale)] {
            assert!(t.zh.is_some(), "{} has no Chinese {what}", r.id);
        }
        for (what, t) in [("message", &r.message), ("help", &r.help)] {
            assert!(t.zh.is_some(), "{} has no Chinese {what}", r.id);
        }
        if let Some(l) = &r.label {
            assert!(l.zh.is_some(), "{} has no Chinese label", r.id);
        }
    }
}

/// A folder of plans: the examples and every rule fixture, flattened.
fn corpus(dir: &Path) {
    let mut n = 0;
    for sub in [
        "examples",
        "rules/tests/guangdong-2021",
        "rules/tests/shenzhen-2021",
        "tests/fixtures/format",
    ] {
        for e in std::fs::read_dir(sub).unwrap() {
            let p = e.unwrap().path();
            write(
                dir,
                &format!("plans/{n:03}-{}", p.file_name().unwrap().to_string_lossy()),
                &std::fs::read(&p).unwrap(),
            );
            n += 1;
        }
    }
}

#[test]
fn output_is_byte_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let root = dir.path().join("plans");
    let root = root.to_str().unwrap();
    for format in ["json", "human"] {
        let one = run(&[
            "check",
            "--format",
            format,
            "--today",
            "2026-01-01",
            "--jobs",
            "1",
            root,
        ]);
        let four = run(&[
            "check",
            "--format",
            format,
            "--today",
            "2026-01-01",
            "--jobs",
            "4",
            root,
        ]);
        assert_eq!(one.status.code(), Some(1));
        assert!(
            one.stdout == four.stdout,
            "{format} differs between --jobs 1 and --jobs 4"
        );
        let again = run(&[
            "check",
            "--format",
            format,
            "--today",
            "2026-01-01",
            "--jobs",
            "4",
            root,
        ]);
        assert!(four.stdout == again.stdout, "{format} differs between runs");
    }
}

#[test]
fn symlinks_are_followed_only_when_asked_and_loops_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/plan.toml", &std::fs::read(JIANGMEN).unwrap());
    std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("a/loop")).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("a/plan.toml"),
        dir.path().join("a/link.toml"),
    )
    .unwrap();
    let root = dir.path().to_str().unwrap();
    let (v, code) = json(&[root]);
    assert_eq!(
        (code, v["files"].as_array().unwrap().len()),
        (0, 1),
        "links not followed: {v}"
    );
    let (v, code) = json(&["--follow-symlinks", root]);
    assert_eq!(code, 1, "the loop is reported: {v}");
    let loops: Vec<&Value> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["diagnostics"].to_string().contains("symlink loop"))
        .collect();
    assert_eq!(loops.len(), 1, "{v}");
    assert!(v["files"].as_array().unwrap().iter().any(|f| f["path"]
        .as_str()
        .unwrap()
        .ends_with("link.toml")
        && f["status"] == "pass"));
}

#[test]
fn oversized_files_and_dangling_links_are_findings_not_aborts() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/no/such/target", dir.path().join("gone.toml")).unwrap();
    let gone = dir.path().join("gone.toml");
    let (v, code) = json(&["--max-file-size", "1K", JIANGMEN, gone.to_str().unwrap()]);
    assert_eq!(code, 1);
    let msg = |path: &str| {
        let f = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path);
        f.map_or_else(String::new, |f| f["diagnostics"][0]["message"].to_string())
    };
    assert!(msg(JIANGMEN).contains("larger than 1024 bytes"), "{v}");
    assert!(
        msg(gone.to_str().unwrap()).contains("cannot be read"),
        "{v}"
    );
}

#[test]
fn include_and_exclude_globs_choose_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read(JIANGMEN).unwrap();
    write(dir.path(), "plans/a.toml", &plan);
    write(dir.path(), "plans/a.plan", &plan);
    write(dir.path(), "drafts/b.toml", &plan);
    write(dir.path(), "x.toml/inner.toml", &plan);
    let root = dir.path().to_str().unwrap();
    let names = |v: &Value| -> Vec<String> {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                f["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches(root)
                    .to_string()
            })
            .collect()
    };
    let (v, _) = json(&[root]);
    assert_eq!(
        names(&v),
        ["/drafts/b.toml", "/plans/a.toml", "/x.toml/inner.toml"],
        "a directory named x.toml is walked, not read"
    );
    let (v, _) = json(&[
        "--exclude",
        "drafts",
        "--include",
        "*.plan",
        "--include",
        "*.toml",
        root,
    ]);
    assert_eq!(
        names(&v),
        ["/plans/a.plan", "/plans/a.toml", "/x.toml/inner.toml"]
    );
    assert_eq!(
        run(&["check", "--exclude", "[", root]).status.code(),
        Some(2),
        "an invalid glob stops the run"
    );
}

#[test]
fn summary_statistics_and_portfolio_for_auditors() {
    let o = run(&[
        "check",
        "--summary",
        "--statistics",
        "--today",
        "2026-01-01",
        "examples",
    ]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("summary_examples", stdout(&o));
    let (v, _) = json(&["examples"]);
    let pilots = v["portfolio"]["notices"][0]["pilots"].as_array().unwrap();
    let status = |name: &str| pilots.iter().find(|p| p["name"] == name).unwrap()["status"].clone();
    assert_eq!(status("Jiangmen"), "pass");
    assert_eq!(status("Maoming"), "fail");
    assert_eq!(status("Shenzhen"), "waived");
    assert_eq!(status("Guangzhou"), "missing");
}

#[test]
fn extra_outputs_are_written_whole_and_stdout_keeps_the_human_view() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let o = run(&[
        "check",
        "--output",
        &format!("json={}", out.display()),
        MAOMING,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("× GD005"), "human view on stdout");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["summary"]["failed"], 1);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    // A folder that cannot be made (a file stands in its way).
    let blocked = dir.path().join("report.json/r.json");
    let bad = run(&[
        "check",
        "--output",
        &format!("json={}", blocked.display()),
        MAOMING,
    ]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read(JIANGMEN).unwrap();
    for i in 0..150 {
        write(dir.path(), &format!("p{i:03}.toml"), &plan);
    }
    let o = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), "");
}

#[test]
fn a_finding_past_column_65535_is_shown_without_a_snippet_not_a_panic() {
    // Found by the fuzzer: miette panics formatting columns past u16::MAX.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "long.toml",
        format!("format = 1\nx = \"{}\" y\n", "a".repeat(70_000)).as_bytes(),
    );
    let o = run(&["check", dir.path().join("long.toml").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("long.toml:2:70008)"),
        "the position is in the headline: {}",
        stdout(&o)
    );
}

/// A custom pack with one rule; `rule` is spliced into its `[[rule]]`.
fn pack_with(name: &str, rule: &str) -> String {
    format!(
        r#"[pack]
name = "{name}"
title = "Custom"
document = "Local guidance"

[[rule]]
{rule}
statement = "a statement"
severity = "warning"
message = "a message"
help = "a help"
rationale = "a reason"
example_fail = ""
example_pass = ""
[rule.citation]
document = "Local guidance"
provenance = "text"
"#
    )
}

#[test]
fn every_kind_of_broken_pack_exits_2_pointing_into_it() {
    let cases = [
        ("bad-toml", "id = \"X001\"\nkind = \"assert\"\nrequire = { field = ", "RP001", 10),
        ("unknown-field", "id = \"X001\"\nkind = \"assert\"\nrequire = { field = \"plan.title\", exists = true }\nseverty = \"error\"", "RP001", 10),
        ("unknown-kind", "id = \"X001\"\nkind = \"regex\"", "RP002", 8),
        ("duplicate-id", "id = \"GD005\"\nkind = \"assert\"\nrequire = { field = \"plan.title\", exists = true }", "RP003", 7),
        ("bad-cel", "id = \"X001\"\nkind = \"expr\"\nexpr = \"plan.title ==\"", "RP002", 9),
    ];
    for (name, rule, code, line) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "pack.toml", pack_with(name, rule).as_bytes());
        let pack = dir.path().join("pack.toml");
        let o = run(&["check", "--rules", pack.to_str().unwrap(), JIANGMEN]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(code), "{name}: expected {code}: {err}");
        assert!(
            err.contains(&format!("pack.toml:{line}:")),
            "{name}: expected line {line}: {err}"
        );
        assert!(stdout(&o).is_empty(), "{name}: nothing checked");
    }
}

/// Display width as a terminal shows it: CJK characters take two columns.
fn display_width(line: &str) -> usize {
    line.chars().map(|c| if matches!(c, '\u{1100}'..='\u{115f}' | '\u{2e80}'..='\u{a4cf}' | '\u{ac00}'..='\u{d7a3}' | '\u{f900}'..='\u{faff}' | '\u{fe30}'..='\u{fe4f}' | '\u{ff00}'..='\u{ff60}' | '\u{ffe0}'..='\u{ffe6}') { 2 } else { 1 }).sum()
}

#[test]
fn chinese_tables_align_with_wide_characters() {
    for args in [
        &["rules", "--lang", "zh-CN"][..],
        &[
            "check",
            "--lang",
            "zh-CN",
            "--summary",
            "--quiet",
            "examples/jiangmen-2021.toml",
        ][..],
    ] {
        let out = stdout(&run(args));
        let rows: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with(['┌', '│', '╞', '├', '└']))
            .collect();
        assert!(rows.len() > 3, "{out}");
        // Each table, from its top border to its bottom one, has one width.
        for table in rows.split_inclusive(|l| l.starts_with('└')) {
            let widths: Vec<usize> = table.iter().map(|l| display_width(l)).collect();
            assert!(
                widths.windows(2).all(|w| w[0] == w[1]),
                "ragged table {widths:?}:\n{out}"
            );
        }
        assert!(out.contains("错误") || out.contains("通过"), "{out}");
    }
}

#[test]
fn table_cells_are_cut_so_a_huge_name_cannot_stall_the_table() {
    // Found by the fuzzer: comfy-table is quadratic in an unbroken word.
    let dir = tempfile::tempdir().unwrap();
    let core = std::fs::read_to_string("rules/core.toml").unwrap();
    let long = core
        .replacen(
            "name = \"core\"",
            &format!("name = \"{}\"", "中".repeat(40_000)),
            1,
        )
        .replace("CORE0", "XCORE0")
        .replace("always = true", "always = false");
    write(dir.path(), "long.toml", long.as_bytes());
    let o = run(&[
        "rules",
        "--rules",
        dir.path().join("long.toml").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("中…"), "the cell is cut");
    assert!(
        out.chars().filter(|c| *c == '中').count() < 40_000 * 8 / 100,
        "far fewer characters than the name has"
    );
}
