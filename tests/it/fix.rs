//! `check --fix` and `check --diff` (issue 11, part 2): the safe fixes of
//! the mechanical mistakes, applied without touching anything else.

use std::path::Path;

use serde_json::Value;

use crate::common::{cdocheck, stderr, stdout, write};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/jiangmen-2021.toml");

/// The commented Jiangmen example with one of each mechanical mistake.
fn broken_example() -> (String, String) {
    let good = std::fs::read_to_string(EXAMPLE).unwrap();
    let mut bad = good.clone();
    for (from, to) in [
        ("published = 2021-08-25", "published = \"2021年8月25日\""),
        ("signed = 2021-08-20", "signed = \"2021-08-20\""),
        ("\nrank = \"deputy\"", "\nrank = \"Deputy\""),
        ("\nkind = \"government\"", "\nkidn = \"government\""),
        (
            "basis = [\"粤办函〔2021〕63号\"]",
            "basis = [\"粤办函[2021]63号\"]",
        ),
        ("\nlevel = \"county\"", "\nlevel = \" County \""),
    ] {
        assert!(bad.contains(from), "{from}");
        bad = bad.replacen(from, to, 1);
    }
    (good, bad)
}

fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    cdocheck()
        .current_dir(dir)
        .args(["check", "--today", "2026-01-01"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn diff_prints_the_fixes_of_a_small_plan_exactly_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let plan = "format = 1\n\n[plan]\ntitle = \"T\" # kept\npublished = \"2021年9月15日\"\nlevel = \"Prefecture\"\n";
    write(dir.path(), "plan.toml", plan.as_bytes());
    let o = run_in(dir.path(), &["plan.toml", "--diff"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "--- a/plan.toml\n+++ b/plan.toml\n@@ -2,5 +2,5 @@\n \n [plan]\n title = \"T\" # kept\n\
         -published = \"2021年9月15日\"\n-level = \"Prefecture\"\n+published = 2021-09-15\n+level = \"prefecture\"\n"
    );
    let after = std::fs::read_to_string(dir.path().join("plan.toml")).unwrap();
    assert_eq!(after, plan, "--diff writes nothing");
}

#[test]
fn diff_with_nothing_to_fix_is_exit_0_and_prints_nothing() {
    let o = cdocheck()
        .args(["check", EXAMPLE, "--diff"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
}

#[test]
fn diff_with_format_or_output_is_exit_2() {
    for extra in [&["--format", "json"][..], &["--output", "json=-"][..]] {
        let o = cdocheck()
            .args(["check", EXAMPLE, "--diff"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
        assert!(stderr(&o).contains("--diff"), "{}", stderr(&o));
        assert_eq!(stdout(&o), "");
    }
}

#[test]
fn fix_repairs_the_example_byte_for_byte_and_a_second_run_changes_nothing() {
    let (good, bad) = broken_example();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "jiangmen.toml", bad.as_bytes());
    let path = dir.path().join("jiangmen.toml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let o = run_in(dir.path(), &["jiangmen.toml", "--fix"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("fixed 6 in jiangmen.toml: 1 × PF002, 2 × PF003, 2 × PF005, 1 × document number written with 〔〕"),
        "{err}"
    );
    // Comments, order and formatting survive: the file is the example again.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), good);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640, "the file keeps its permissions");
    }
    let o = run_in(dir.path(), &["jiangmen.toml", "--fix"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stderr(&o).contains("fixed"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), good);
    let o = run_in(dir.path(), &["jiangmen.toml", "--diff"]);
    assert_eq!((o.status.code(), stdout(&o)), (Some(0), String::new()));
}

/// Walked files are fixed first, then checked as fixed: a fix replaces the
/// file, so the check reads it anew rather than through the handle that
/// told it apart before the fix.
#[test]
fn fix_in_a_walked_folder_checks_the_fixed_files() {
    let (good, bad) = broken_example();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plans/jiangmen.toml", bad.as_bytes());
    let o = run_in(dir.path(), &["plans", "--fix", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"][0]["diagnostics"], serde_json::json!([]), "{v}");
    let fixed = dir.path().join("plans/jiangmen.toml");
    assert_eq!(std::fs::read_to_string(fixed).unwrap(), good);
}

#[test]
fn fix_renders_what_is_left_in_the_format_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    // `rank` fixable; the missing `position` is not (it needs the planner).
    let plan = crate::common::jiangmen()
        .replacen("rank = \"deputy\"", "rank = \"DEPUTY\"", 1)
        .replacen("position = ", "# position = ", 1);
    write(dir.path(), "p.toml", plan.as_bytes());
    let o = run_in(dir.path(), &["p.toml", "--fix", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["PF004"], "{v}");
    let fixed = std::fs::read_to_string(dir.path().join("p.toml")).unwrap();
    // The missing key's placeholder line (an unsafe fix) is not added.
    assert_eq!(fixed, plan.replacen("\"DEPUTY\"", "\"deputy\"", 1));
}

#[test]
fn a_file_with_a_syntax_error_is_left_untouched_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let plan = "format = 1\n[plan\npublished = \"2021-09-15\"\n";
    write(dir.path(), "bad.toml", plan.as_bytes());
    let o = run_in(dir.path(), &["bad.toml", "--fix", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"][0]["diagnostics"][0]["code"], "PF001");
    assert!(
        stderr(&o).contains("bad.toml is not valid TOML"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bad.toml")).unwrap(),
        plan
    );
}

#[test]
fn standard_input_is_never_fixed_but_its_diff_is_shown() {
    let plan = "format = 1\n[plan]\nlevel = \"Prefecture\"\n";
    let o = cdocheck()
        .args(["check", "-", "--fix"])
        .write_stdin(plan)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--diff"), "{}", stderr(&o));
    let o = cdocheck()
        .args(["check", "-", "--diff", "--stdin-filename", "p.toml"])
        .write_stdin(plan)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("+level = \"prefecture\"\n"),
        "{}",
        stdout(&o)
    );
}

/// The diagnostic of `code` in a `check --format json` of `plan`.
fn finding(plan: &str, code: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.toml", plan.as_bytes());
    let o = run_in(dir.path(), &["p.toml", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code}: {v}"))
        .clone()
}

#[test]
fn json_carries_each_fix_with_its_edits_and_safety() {
    let base = crate::common::jiangmen();
    let d = finding(
        &base.replacen("rank = \"deputy\"", "rank = \"Deputy\"", 1),
        "PF005",
    );
    assert_eq!(d["fix"]["safe"], true);
    let e = &d["fix"]["edits"][0];
    assert_eq!(e["text"], "\"deputy\"");
    assert_eq!(
        (&e["start"]["line"], &e["start"]["column"]),
        (&d["line"], &d["column"])
    );
    assert_eq!(e["end"]["column"], d["end_column"]);

    // A misspelling: a did-you-mean and a fix for the editor only.
    let d = finding(
        &base.replacen("kind = \"government\"", "kind = \"goverment\"", 1),
        "PF005",
    );
    assert_eq!(d["fix"]["safe"], false);
    assert!(d["help"]
        .as_str()
        .unwrap()
        .starts_with("did you mean `government`?"));

    // A missing key: a placeholder line, for the editor only.
    let d = finding(&base.replacen("position = ", "# position = ", 1), "PF004");
    assert_eq!(d["fix"]["safe"], false);
    assert_eq!(d["fix"]["edits"][0]["text"], "position = \"<position>\"\n");

    // Findings without a fix have no `fix` field.
    let d = finding(&base.replacen("rank = \"deputy\"", "rank = 3", 1), "PF003");
    assert!(d.get("fix").is_none(), "{d}");
}

#[test]
fn a_misspelt_key_already_present_is_not_renamed() {
    let plan = crate::common::jiangmen().replacen(
        "rank = \"deputy\"",
        "rank = \"deputy\"\nrnak = \"chief\"",
        1,
    );
    let d = finding(&plan, "PF002");
    assert_eq!(d["help"], "did you mean `rank`?");
    assert!(d.get("fix").is_none(), "{d}");
}

#[test]
fn an_invalid_quoted_date_gets_no_fix_and_a_help_that_does_not_pretend() {
    let plan = crate::common::jiangmen();
    let at = plan.find("published = ").unwrap();
    let end = at + plan[at..].find('\n').unwrap();
    let plan = format!(
        "{}published = \"2021年2月30日\"{}",
        &plan[..at],
        &plan[end..]
    );
    let d = finding(&plan, "PF003");
    assert!(d.get("fix").is_none(), "{d}");
    let help = d["help"].as_str().unwrap();
    assert!(help.contains("does not read as a date"), "{help}");
}

#[test]
fn more_fixes_of_one_code_than_a_file_shows_are_all_made() {
    // 1,100 `rank = "Deputy"`: a file shows 1,000 findings of one code
    // (the rest only counted, without fixes), so it takes a second pass.
    let base = crate::common::jiangmen();
    let mut plan = base.clone();
    for n in 0..1100 {
        plan.push_str(&format!(
            "\n[[unit]]\nid = \"u{n}\"\nname = \"Unit {n}\"\nlevel = \"county\"\nkind = \"department\"\n\n[unit.cdo]\nposition = \"Head\"\nrank = \"Deputy\"\nappointed_by = \"unit\"\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "big.toml", plan.as_bytes());
    let o = run_in(dir.path(), &["big.toml", "--fix", "--format", "json"]);
    assert!(
        stderr(&o).contains("fixed 1100 in big.toml: 1100 × PF005"),
        "{}",
        stderr(&o)
    );
    let fixed = std::fs::read_to_string(dir.path().join("big.toml")).unwrap();
    assert_eq!(fixed, plan.replace("\"Deputy\"", "\"deputy\""));
}

#[cfg(unix)]
#[test]
fn a_symlinked_plan_is_fixed_through_its_link() {
    let dir = tempfile::tempdir().unwrap();
    let plan = "format = 1\n[plan]\nlevel = \"Prefecture\"\n";
    write(dir.path(), "real.toml", plan.as_bytes());
    std::os::unix::fs::symlink("real.toml", dir.path().join("link.toml")).unwrap();
    let o = run_in(dir.path(), &["link.toml", "--fix"]);
    assert!(
        stderr(&o).contains("fixed 1 in link.toml"),
        "{}",
        stderr(&o)
    );
    let link = dir.path().join("link.toml");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let real = std::fs::read_to_string(dir.path().join("real.toml")).unwrap();
    assert_eq!(real, plan.replace("Prefecture", "prefecture"));
}
