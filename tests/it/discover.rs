//! Discovery as users meet it: a scan that finds no plan file stops with
//! exit 2 and says what it skipped, unless `--allow-no-plans`; a file given
//! twice, by any spelling, is checked once; files come out sorted by path.

use crate::common::*;

use std::path::Path;
use std::process::Output;

use serde_json::Value;

const JIANGMEN: &str = "examples/jiangmen-2021.toml";

fn plan() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(JIANGMEN)).unwrap()
}

/// `cdocheck ARGS…` run inside `dir`, so relative spellings can be tested.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    cdocheck().current_dir(dir).args(args).output().unwrap()
}

/// `check --format json --today 2026-01-01 ARGS…` inside `dir`, parsed.
fn json_in(dir: &Path, args: &[&str]) -> (Value, i32) {
    let mut all = vec!["check", "--format", "json", "--today", "2026-01-01"];
    all.extend_from_slice(args);
    let o = run_in(dir, &all);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(&o), stderr(&o)));
    (v, o.status.code().unwrap())
}

fn paths(v: &Value) -> Vec<String> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

/// Exit 2, nothing on standard output, and this one line on standard error.
fn assert_nothing_found(o: &Output, message: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert!(stdout(o).is_empty(), "nothing checked: {}", stdout(o));
    assert_eq!(stderr(o), format!("{message}\n"));
}

#[test]
fn an_empty_directory_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["check", dir.path().to_str().unwrap()]);
    assert_nothing_found(&o, "error: no plan files found; 0 entries skipped");
    let o = run(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_nothing_found(&o, "error: no plan files found; 0 entries skipped");
}

#[test]
fn an_include_that_matches_nothing_exits_2_counting_the_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.toml", &plan());
    write(dir.path(), "sub/b.toml", &plan());
    let root = dir.path().to_str().unwrap();
    let o = run(&["check", "--include", "*.TOML", root]);
    assert_nothing_found(
        &o,
        "error: no plan files found; 2 entries skipped: 2 files not matching --include",
    );
    let o = run(&["check", "--include", "*.toml", root]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn a_folder_of_symlinks_exits_2_unless_they_are_followed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "real/a.toml", &plan());
    std::fs::create_dir(dir.path().join("links")).unwrap();
    let links = dir.path().join("links");
    std::os::unix::fs::symlink(dir.path().join("real/a.toml"), links.join("a.toml")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real"), links.join("real")).unwrap();
    let o = run(&["check", links.to_str().unwrap()]);
    assert_nothing_found(
        &o,
        "error: no plan files found; 2 entries skipped: 2 symlinks \
         (not followed without --follow-symlinks)",
    );
    let o = run(&["--lang", "zh-CN", "check", links.to_str().unwrap()]);
    assert_nothing_found(
        &o,
        "错误：未找到方案文件；跳过 2 项：2 个符号链接（未使用 --follow-symlinks 时不跟随）",
    );
    let (v, code) = json(&["--follow-symlinks", links.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(
        paths(&v),
        [format!("{}/a.toml", links.to_str().unwrap())],
        "followed, the two links reach one file: {v}"
    );
}

#[test]
fn every_reason_for_skipping_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".git/config.toml", &plan());
    write(dir.path(), ".drafts/a.toml", &plan());
    write(dir.path(), ".b.toml", &plan());
    write(dir.path(), "old/a.toml", &plan());
    write(dir.path(), "c.toml", &plan());
    write(dir.path(), "notes.txt", b"not a plan");
    let root = dir.path().to_str().unwrap();
    let o = run(&["check", "--exclude", "old", "--exclude", "c.toml", root]);
    assert_nothing_found(
        &o,
        "error: no plan files found; 6 entries skipped: 2 hidden files or directories, \
         1 VCS directory, 2 excluded by --exclude, 1 file not named *.toml",
    );
    let o = run(&[
        "--lang",
        "zh-CN",
        "check",
        "--exclude",
        "old",
        "--exclude",
        "c.toml",
        root,
    ]);
    assert_nothing_found(
        &o,
        "错误：未找到方案文件；跳过 6 项：2 个隐藏文件或目录、1 个版本控制目录、\
         2 项被 --exclude 排除、1 个文件不是 *.toml",
    );
}

#[test]
fn test_rules_on_no_fixture_exits_2_too() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", b"no fixtures here");
    let o = run(&["test-rules", dir.path().to_str().unwrap()]);
    assert_nothing_found(
        &o,
        "error: no plan files found; 1 entry skipped: 1 file not named *.toml",
    );
    let o = run(&[
        "test-rules",
        "--allow-no-plans",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn allow_no_plans_makes_an_empty_scan_a_normal_run() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes.txt", b"not a plan");
    let (v, code) = json(&["--allow-no-plans", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["files"], serde_json::json!([]));
    for key in [
        "files", "passed", "failed", "errors", "warnings", "infos", "waived",
    ] {
        assert_eq!(v["summary"][key], 0, "summary.{key}: {v}");
    }
}

#[test]
fn a_file_given_twice_by_any_spelling_is_checked_once_under_the_first() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plans/a.toml", &plan());
    write(dir.path(), "plans/sub/keep.txt", b"");
    let (v, code) = json_in(
        dir.path(),
        &[
            "./plans/a.toml",
            "plans/a.toml",
            "plans/sub/../a.toml",
            "plans",
            "plans/",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(paths(&v), ["plans/a.toml"], "{v}");
    assert_eq!(v["summary"]["files"], 1);

    // A directory first: the file is reported under the walk's spelling.
    let (v, _) = json_in(dir.path(), &["plans/", "plans/a.toml"]);
    assert_eq!(paths(&v), ["plans/a.toml"], "{v}");
    let (v, _) = json_in(dir.path(), &["plans/sub/../a.toml", "plans"]);
    assert_eq!(paths(&v), ["plans/sub/../a.toml"], "{v}");
}

#[test]
fn the_examples_directory_and_a_file_in_it_check_that_file_once() {
    let (v, _) = json(&["examples/", "examples/maoming-draft.toml"]);
    let maoming = paths(&v)
        .iter()
        .filter(|p| p.ends_with("maoming-draft.toml"))
        .count();
    assert_eq!(maoming, 1, "{:?}", paths(&v));
    assert_eq!(v["summary"]["files"], v["files"].as_array().unwrap().len());
}

#[test]
fn files_are_sorted_by_path_whatever_the_argument_order() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.toml", &plan());
    write(dir.path(), "b.toml", &plan());
    write(dir.path(), "a/z.toml", &plan());
    write(dir.path(), "a-b/y.toml", &plan());
    let (v, code) = json_in(dir.path(), &["b.toml", "a.toml"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(paths(&v), ["a.toml", "b.toml"]);
    // Byte order across paths given: `-` (0x2d) sorts before `/` (0x2f)
    // and `.` (0x2e), whatever the order of the walk or the arguments.
    let (v, _) = json_in(dir.path(), &["b.toml", "a", "a.toml", "a-b"]);
    assert_eq!(
        paths(&v),
        ["a-b/y.toml", "a.toml", "a/z.toml", "b.toml"],
        "{v}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_given_beside_its_file_is_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.toml", &plan());
    std::os::unix::fs::symlink(dir.path().join("a.toml"), dir.path().join("link.toml")).unwrap();
    let (v, code) = json_in(dir.path(), &["a.toml", "link.toml"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(paths(&v), ["a.toml"], "{v}");
    let (v, _) = json_in(dir.path(), &["link.toml", "a.toml"]);
    assert_eq!(paths(&v), ["link.toml"], "the first spelling given: {v}");
}

#[cfg(unix)]
#[test]
fn a_hard_link_given_beside_its_file_is_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.toml", &plan());
    std::fs::hard_link(dir.path().join("a.toml"), dir.path().join("b.toml")).unwrap();
    let (v, code) = json_in(dir.path(), &["b.toml", "a.toml"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        paths(&v),
        ["b.toml"],
        "one file, the first spelling given: {v}"
    );
    // Two files with the same bytes are two plans.
    write(dir.path(), "c.toml", &plan());
    let (v, _) = json_in(dir.path(), &["a.toml", "c.toml"]);
    assert_eq!(paths(&v), ["a.toml", "c.toml"], "{v}");
}
