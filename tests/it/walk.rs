//! Walking as a CI job in a repository meets it: ignore files and hidden
//! entries are respected unless `--no-ignore`; `--include`/`--exclude` are
//! .gitignore patterns; walked `.toml` files that are plainly not plans are
//! skipped and counted, while anything named (or read from standard input)
//! is checked; this project's own root checks only plans.

use crate::common::*;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use serde_json::Value;

const JIANGMEN: &str = "examples/jiangmen-2021.toml";

pub fn plan() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(JIANGMEN)).unwrap()
}

/// A temporary git repository (`git init`), as CI checks one out.
pub fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let o = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "git init: {o:?}");
    dir
}

pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    cdocheck().current_dir(dir).args(args).output().unwrap()
}

/// `check --format json --today 2026-01-01 ARGS…` inside `dir`, parsed,
/// with the exit code and standard error.
pub fn json_in(dir: &Path, args: &[&str]) -> (Value, i32, String) {
    let mut all = vec!["check", "--format", "json", "--today", "2026-01-01"];
    all.extend_from_slice(args);
    let o = run_in(dir, &all);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(&o), stderr(&o)));
    (v, o.status.code().unwrap(), stderr(&o))
}

pub fn paths(v: &Value) -> Vec<String> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

fn codes(file: &Value) -> Vec<(String, u64)> {
    file["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let code = d["code"].as_str().unwrap().to_string();
            (code, d["line"].as_u64().unwrap_or(0))
        })
        .collect()
}

#[test]
fn gitignore_ignore_and_hidden_entries_are_respected_unless_no_ignore() {
    let dir = repo();
    let d = dir.path();
    write(d, ".gitignore", b"target/\n/build.toml\n");
    write(d, ".git/info/exclude", b"local/\n");
    write(d, "plans/.ignore", b"scratch.toml\n");
    write(d, "plans/a.toml", &plan());
    write(d, "plans/scratch.toml", &plan());
    write(d, "target/x/p.toml", &plan());
    write(d, "local/b.toml", &plan());
    write(d, "build.toml", &plan());
    write(d, ".hidden/h.toml", &plan());
    let (v, code, _) = json_in(d, &[]);
    assert_eq!(code, 0);
    assert_eq!(paths(&v), ["plans/a.toml"]);
    let (v, _, _) = json_in(d, &["--no-ignore"]);
    assert_eq!(
        paths(&v),
        [
            ".hidden/h.toml",
            "build.toml",
            "local/b.toml",
            "plans/a.toml",
            "plans/scratch.toml",
            "target/x/p.toml"
        ]
    );
    // A scan of a folder inside the repository obeys the ignore files above it.
    write(d, "plans/target/t.toml", &plan());
    let (v, _, _) = json_in(d, &["plans"]);
    assert_eq!(paths(&v), ["plans/a.toml"]);
    // A folder named on the command line is walked even when an ignore
    // file names it: it was asked for.
    let (v, _, _) = json_in(d, &["local"]);
    assert_eq!(paths(&v), ["local/b.toml"]);
    let o = run_in(d, &["check", "local/.."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (v, _, _) = json_in(d, &["local/.."]);
    assert_eq!(paths(&v), ["local/../plans/a.toml"]);
}

#[test]
fn a_negated_pattern_in_a_deeper_ignore_file_re_includes() {
    let dir = repo();
    let d = dir.path();
    write(d, ".gitignore", b"*.toml\n");
    write(d, "plans/.gitignore", b"!keep.toml\n");
    write(d, "plans/keep.toml", &plan());
    write(d, "plans/other.toml", &plan());
    let (v, _, _) = json_in(d, &[]);
    assert_eq!(paths(&v), ["plans/keep.toml"]);
}

#[test]
fn include_and_exclude_are_gitignore_patterns() {
    let dir = repo();
    let d = dir.path();
    write(d, "plans/drafts/a.toml", &plan());
    write(d, "drafts/b.toml", &plan());
    write(d, "plans/c.toml", &plan());
    write(d, "plans/old/d.toml", &plan());
    for every in ["drafts/", "**/drafts/", "drafts"] {
        let (v, _, _) = json_in(d, &["--exclude", every]);
        assert_eq!(paths(&v), ["plans/c.toml", "plans/old/d.toml"], "{every}");
    }
    // Anchored at the scan root.
    let (v, _, _) = json_in(d, &["--exclude", "drafts/*"]);
    assert_eq!(
        paths(&v),
        ["plans/c.toml", "plans/drafts/a.toml", "plans/old/d.toml"]
    );
    let (v, _, _) = json_in(d, &["--exclude", "plans/drafts/*"]);
    assert_eq!(
        paths(&v),
        ["drafts/b.toml", "plans/c.toml", "plans/old/d.toml"]
    );
    // Relative to each path given: `drafts/*` below `plans`.
    let (v, _, _) = json_in(d, &["plans", "--exclude", "drafts/*"]);
    assert_eq!(paths(&v), ["plans/c.toml", "plans/old/d.toml"]);
    // A negation keeps one back.
    let (v, _, _) = json_in(d, &["--exclude", "*.toml", "--exclude", "!c.toml"]);
    assert_eq!(paths(&v), ["plans/c.toml"]);
    // --include: a folder includes what is below it.
    let (v, _, _) = json_in(d, &["--include", "old/"]);
    assert_eq!(paths(&v), ["plans/old/d.toml"]);
    let (v, _, _) = json_in(d, &["--include", "/drafts/*.toml"]);
    assert_eq!(paths(&v), ["drafts/b.toml"]);
}

#[test]
fn walked_files_that_are_not_plans_are_skipped_and_counted() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        "Cargo.toml",
        b"[package]\nname = \"x\"\n[dependencies]\n",
    );
    write(
        d,
        "rules/local.toml",
        // A pack quotes plans: their headers are text, not tables.
        b"[pack]\nname = \"local\"\n[init]\ntitle = \"x\"\n[[rule]]\nid = \"L1\"\n\
          example = \"\"\"\n[plan]\n[[unit]]\n\"\"\"\n",
    );
    write(d, "pyproject.toml", b"[tool.ruff]\nline-length = 80\n");
    write(d, "plans/a.toml", &plan());
    // Misspelt tables are still a plan, and told so.
    write(
        d,
        "plans/typo.toml",
        b"formt = 1\n[paln]\ntitle = \"x\"\n[[Units]]\nid = \"a\"\n",
    );
    write(d, "plans/empty.toml", b"");
    write(d, "plans/comments.toml", b"# nothing yet\n");
    write(d, "plans/broken.toml", b"[plan\n");
    let (v, code, err) = json_in(d, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        paths(&v),
        [
            "plans/a.toml",
            "plans/broken.toml",
            "plans/comments.toml",
            "plans/empty.toml",
            "plans/typo.toml"
        ]
    );
    assert_eq!(
        err,
        "note: 3 files skipped: not plans (no key of the plan format); name one to check it\n"
    );
    let files = v["files"].as_array().unwrap();
    assert!(codes(&files[1]).iter().any(|(c, _)| c == "PF001"));
    let empty = codes(&files[3]);
    let pf004: Vec<_> = empty.iter().filter(|(c, _)| c == "PF004").collect();
    assert!(
        !pf004.is_empty() && pf004.iter().all(|(_, l)| *l == 1),
        "{empty:?}"
    );
    assert!(codes(&files[4]).iter().any(|(c, _)| c == "PF002"));
    // Named on the command line, a file is checked whatever it holds.
    let (v, code, _) = json_in(d, &["Cargo.toml", "rules"]);
    assert_eq!(code, 1);
    assert_eq!(paths(&v), ["Cargo.toml"]);
    // Nothing but non-plans: nothing found, and why.
    let o = run_in(d, &["check", "rules", "Cargo.toml", "pyproject.toml"]);
    assert_eq!(o.status.code(), Some(1), "named files are checked");
    let o = run_in(d, &["check", "rules"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: no plan files found; 1 entry skipped: 1 file not a plan (no key of the plan format)\n"
    );
}

/// A big tree is told apart on every core, a small one on one thread
/// (threads take longer to start than a few files to read), and a big one
/// too with `--jobs 1`: the same files are skipped either way.
#[test]
fn many_walked_files_are_told_apart_as_few_are() {
    for (plans, others, jobs) in [(2, 3, "0"), (30, 50, "0"), (30, 50, "1")] {
        let dir = repo();
        let d = dir.path();
        for i in 0..plans {
            write(d, &format!("plans/p{i:02}.toml"), &plan());
        }
        for i in 0..others {
            write(
                d,
                &format!("tools/t{i:02}.toml"),
                b"[tool]\nline-length = 80\n",
            );
        }
        let (v, code, err) = json_in(d, &["--jobs", jobs]);
        assert_eq!(code, 0, "{err}");
        let want: Vec<String> = (0..plans).map(|i| format!("plans/p{i:02}.toml")).collect();
        assert_eq!(paths(&v), want);
        assert_eq!(
            err,
            format!("note: {others} files skipped: not plans (no key of the plan format); name one to check it\n")
        );
    }
}

/// A walked plan is read through the handle discovery told it apart by,
/// for as many plans as the limit on open files leaves room for, and by
/// its path past that: either way the reports are those of the same files
/// named one by one, which are read by path alone.
#[cfg(unix)]
#[test]
fn walked_plans_read_through_kept_handles_or_by_path_report_alike() {
    let dir = repo();
    let d = dir.path();
    let base = String::from_utf8(plan()).unwrap();
    // Longer than the first bytes discovery reads to tell a plan apart.
    assert!(base.len() > 4096, "{}", base.len());
    let mut named = Vec::new();
    for i in 0..80 {
        let mut text = format!("{base}\n# plan {i}\n");
        if i % 3 == 0 {
            text = text.replacen("rank = \"deputy\"", "rank = \"Deputy\"", 1);
        }
        let name = format!("plans/p{i:02}.toml");
        write(d, &name, text.as_bytes());
        named.push(name);
    }
    let args = ["check", "--format", "json", "--today", "2026-01-01"];
    let walked = run_in(d, &[&args[..], &["plans"]].concat());
    let by_name: Vec<&str> = named.iter().map(String::as_str).collect();
    let by_path = run_in(d, &[&args[..], &by_name].concat());
    // 300 open files leave room to keep 44 of the 80 open.
    let bin = assert_cmd::cargo::cargo_bin("cdocheck");
    let mixed = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 300 && exec \"$0\" \"$@\"")
        .arg(&bin)
        .args(args)
        .arg("plans")
        .current_dir(d)
        .env("NO_COLOR", "1")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap();
    assert_eq!(mixed.status.code(), Some(1), "{}", stderr(&mixed));
    let v: Value = serde_json::from_slice(&walked.stdout).unwrap();
    assert_eq!(paths(&v), named);
    assert_eq!(v["summary"]["failed"], 27, "{}", v["summary"]);
    assert_eq!(stdout(&walked), stdout(&by_path));
    assert_eq!(stdout(&walked), stdout(&mixed));
    assert_eq!(stderr(&walked), stderr(&by_path));
}

#[test]
fn this_projects_own_root_checks_only_plans() {
    let o = run(&["check", "--format", "json", "-q", "--today", "2026-01-01"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let found = paths(&v);
    let plans = ["examples/", "rules/tests/", "tests/fixtures/"];
    for p in &found {
        assert!(plans.iter().any(|d| p.starts_with(d)), "{p} is not a plan");
        // The fuzz regressions (one is a pack) are kept out by `.ignore`.
        assert!(!p.starts_with("tests/fixtures/fuzz/"), "{p} is not a plan");
    }
    for p in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")).unwrap() {
        let name = p.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".toml") {
            assert!(found.contains(&format!("examples/{name}")), "{name}");
        }
    }
    assert!(
        found
            .iter()
            .filter(|p| p.starts_with("rules/tests/"))
            .count()
            > 100
    );
}

fn check_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut all = vec!["check", "--format", "json", "--today", "2026-01-01"];
    all.extend_from_slice(args);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cdocheck"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .args(&all)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // A writer that stops early (the input is over the cap) is fine.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn a_plan_on_standard_input_is_reported_under_its_name() {
    let dir = repo();
    let d = dir.path();
    let mut broken = plan();
    broken.extend_from_slice(b"\n[plan.extra]\nrnak = 1\n");
    let o = check_stdin(d, &["-", "--stdin-filename", "./plans/x.toml"], &broken);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(paths(&v), ["plans/x.toml"]);
    // The same findings, at the same places, as the file itself.
    write(d, "plans/x.toml", &broken);
    let (file, _, _) = json_in(d, &["plans/x.toml"]);
    assert_eq!(codes(&v["files"][0]), codes(&file["files"][0]));
    assert!(!codes(&v["files"][0]).is_empty());
    // Beside other paths, sorted among them; without a name it is `-`.
    write(d, "a.toml", &plan());
    let o = check_stdin(d, &["-", "a.toml"], &plan());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(paths(&v), ["-", "a.toml"]);
    // Not a plan by its keys, but given: checked.
    let o = check_stdin(d, &["-"], b"[package]\nname = \"x\"\n");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn standard_input_is_capped_like_a_file() {
    let dir = repo();
    let big = vec![b'#'; 300_000];
    let o = check_stdin(dir.path(), &["-", "--max-file-size", "100K"], &big);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(codes(&v["files"][0])[0].0, "PF001");
    assert!(v["files"][0]["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("larger than 102400 bytes"));
}

#[test]
fn stdin_filename_needs_a_dash_and_a_dash_comes_once() {
    let dir = repo();
    let o = run_in(dir.path(), &["check", "--stdin-filename", "x.toml", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("give `-` among the paths"),
        "{}",
        stderr(&o)
    );
    let o = check_stdin(dir.path(), &["-", "-"], b"");
    assert_eq!(o.status.code(), Some(2));
}
