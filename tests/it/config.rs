//! The configuration file as a CI job meets it: `cdocheck.toml` found in
//! the current folder or above it (never above the repository root), or
//! named with `--config`, ignored with `--no-config`; its paths relative to
//! its folder; the command line overriding it; its mistakes shown with
//! spans and "did you mean" (exit 2); `init --config` writing one.

use crate::common::*;
use crate::walk::{json_in, paths, plan, repo, run_in};

use std::path::Path;

/// A plan with one error (an unknown key) and nothing else.
fn failing() -> Vec<u8> {
    let mut p = plan();
    p.extend_from_slice(b"\n[plan.extra]\nx = 1\n");
    p
}

fn layout(d: &Path) {
    write(d, "plans/a.toml", &failing());
    write(d, "plans/drafts/b.toml", &failing());
    write(d, "other/c.toml", &plan());
}

const CONFIG: &[u8] =
    b"[check]\npaths = [\"plans\"]\nexclude = [\"drafts/\"]\nfail_on = \"never\"\n";

#[test]
fn the_file_in_the_current_folder_or_above_sets_the_defaults() {
    let dir = repo();
    let d = dir.path();
    layout(d);
    write(d, "cdocheck.toml", CONFIG);
    let (v, code, _) = json_in(d, &[]);
    assert_eq!(paths(&v), ["plans/a.toml"]);
    assert_eq!(code, 0, "fail_on = never");
    // From a folder below: paths are relative to the file.
    let (v, code, _) = json_in(&d.join("plans/drafts"), &[]);
    assert_eq!(paths(&v), ["../../plans/a.toml"]);
    assert_eq!(code, 0);
}

#[test]
fn the_command_line_overrides_the_file_and_its_lists_replace() {
    let dir = repo();
    let d = dir.path();
    layout(d);
    write(d, "cdocheck.toml", CONFIG);
    let (_, code, _) = json_in(d, &["--fail-on", "error"]);
    assert_eq!(code, 1);
    let (v, _, _) = json_in(d, &["other"]);
    assert_eq!(paths(&v), ["other/c.toml"], "paths replaced");
    let (v, _, _) = json_in(d, &["--exclude", "nothing"]);
    assert_eq!(
        paths(&v),
        ["plans/a.toml", "plans/drafts/b.toml"],
        "exclude replaced"
    );
    let (v, code, _) = json_in(d, &["--no-config"]);
    assert_eq!(
        paths(&v),
        ["other/c.toml", "plans/a.toml", "plans/drafts/b.toml"]
    );
    assert_eq!(code, 1);
}

#[test]
fn config_names_another_file_whose_paths_are_relative_to_it() {
    let dir = repo();
    let d = dir.path();
    layout(d);
    write(
        d,
        "ci/strict.toml",
        b"[check]\npaths = [\"../other\"]\nfail_on = \"warning\"\n",
    );
    let (v, _, _) = json_in(d, &["--config", "ci/strict.toml"]);
    assert_eq!(paths(&v), ["ci/../other/c.toml"]);
    let o = run_in(d, &["check", "--config", "missing.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .starts_with("error: the configuration file missing.toml: this file cannot be read"),
        "{}",
        stderr(&o)
    );
    let o = run_in(d, &["check", "--config", "ci/strict.toml", "--no-config"]);
    assert_eq!(o.status.code(), Some(2), "the two conflict");
}

#[test]
fn the_search_stops_at_the_repository_root() {
    let outer = tempfile::tempdir().unwrap();
    // Above the repository: never read (it is broken, and would stop the run).
    write(outer.path(), "cdocheck.toml", b"[check]\nbogus = 1\n");
    let inner = outer.path().join("repo");
    std::fs::create_dir(&inner).unwrap();
    let o = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(&inner)
        .output()
        .unwrap();
    assert!(o.status.success());
    write(&inner, "a.toml", &plan());
    let (v, code, _) = json_in(&inner, &[]);
    assert_eq!((paths(&v), code), (vec!["a.toml".to_string()], 0));
    // Outside a repository the search goes on up, and finds it.
    let o = run_in(&outer.path().join("repo"), &["check", "--no-config"]);
    assert_eq!(o.status.code(), Some(0));
    let plain = outer.path().join("plain");
    write(&plain, "a.toml", &plan());
    let o = run_in(&plain, &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("PF002"), "{}", stderr(&o));
}

#[test]
fn unknown_keys_and_wrong_types_are_shown_in_the_file_and_stop_the_run() {
    let dir = repo();
    let d = dir.path();
    layout(d);
    write(
        d,
        "cdocheck.toml",
        b"[check]\nexlude = [\"drafts/\"]\njobs = \"2\"\nfail_on = \"sometimes\"\n[chek]\n",
    );
    let o = run_in(d, &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty(), "nothing checked: {}", stdout(&o));
    let err = stderr(&o);
    for want in [
        "PF002: unknown key `exlude` in [check]",
        "[cdocheck.toml:2:1]",
        "did you mean `exclude`?",
        "PF003: `check.jobs` expects a number of threads (0 or more), found a string",
        "[cdocheck.toml:3:8]",
        "`check.fail_on` is `sometimes`; it takes `error`, `warning`, `never`",
        "PF002: unknown key `chek` in cdocheck.toml",
        "did you mean `check`?",
        "error: cdocheck.toml has errors; nothing was checked",
    ] {
        assert!(err.contains(want), "{want} in:\n{err}");
    }
    write(d, "cdocheck.toml", b"[check\n");
    let o = run_in(d, &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("PF001"), "{}", stderr(&o));
    assert!(run_in(d, &["check", "--no-config"]).status.code() == Some(1));
}

#[test]
fn every_key_is_honoured() {
    let dir = repo();
    let d = dir.path();
    layout(d);
    write(
        d,
        "conf/cdocheck.toml",
        b"[check]\npaths = [\"../other\", \"../plans/a.toml\"]\ninclude = [\"*.toml\"]\n\
          require_packs = [\"shenzhen-2021\"]\nlang = \"zh-CN\"\njobs = 1\n\
          rules = [\"../packs\"]\nbaseline = \"../missing-baseline.json\"\n",
    );
    std::fs::create_dir(d.join("packs")).unwrap();
    let o = run_in(d, &["check", "--config", "conf/cdocheck.toml"]);
    // The baseline is read from beside the file: it is missing.
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("missing-baseline.json"),
        "{}",
        stderr(&o)
    );
    let o = run_in(
        d,
        &[
            "check",
            "--config",
            "conf/cdocheck.toml",
            "--baseline",
            "/dev/null",
            "--format",
            "json",
        ],
    );
    let err = stderr(&o);
    assert!(err.contains("基线") || err.contains("错误"), "lang: {err}");
    let o = run_in(
        d,
        &[
            "check",
            "--config",
            "conf/cdocheck.toml",
            "--format",
            "json",
            "--baseline",
            "none.json",
            "--lang",
            "en",
        ],
    );
    assert!(stderr(&o).contains("cannot be read"), "{}", stderr(&o));
    write(
        d,
        "conf/cdocheck.toml",
        b"[check]\npaths = [\"../other\"]\nrequire_packs = [\"shenzhen-2021\"]\nlang = \"zh-CN\"\n",
    );
    let (v, _, _) = json_in(d, &["--config", "conf/cdocheck.toml"]);
    let packs = &v["files"][0]["rule_packs"];
    assert!(
        packs
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "shenzhen-2021"),
        "{packs}"
    );
    // Machine-read output follows the file's lang.
    let msg = v["files"][0]["diagnostics"][0]["message"].as_str().unwrap();
    assert!(!msg.is_ascii(), "{msg}");
    write(
        d,
        "conf/cdocheck.toml",
        b"[check]\nrequire_packs = [\"nowhere\"]\n",
    );
    let o = run_in(d, &["check", "--config", "conf/cdocheck.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no rule pack named `nowhere`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn init_config_writes_a_commented_file_once() {
    let dir = repo();
    let d = dir.path();
    let o = run_in(d, &["init", "--config"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "wrote cdocheck.toml: uncomment the keys you need\n"
    );
    let text = std::fs::read_to_string(d.join("cdocheck.toml")).unwrap();
    assert!(text.starts_with("# cdocheck's configuration"));
    assert!(text.contains("[check]\n# Plan files or folders to check.\n# paths = [\".\"]"));
    // Used as it is, it changes nothing.
    write(d, "a.toml", &plan());
    assert_eq!(run_in(d, &["check"]).status.code(), Some(0));
    std::fs::write(d.join("cdocheck.toml"), "kept").unwrap();
    let o = run_in(d, &["init", "--config"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(d.join("cdocheck.toml")).unwrap(),
        "kept"
    );
    let o = run_in(d, &["init", "--config", "--force"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(std::fs::read_to_string(d.join("cdocheck.toml"))
        .unwrap()
        .contains("[check]"));
    std::fs::create_dir(d.join("ci")).unwrap();
    let o = run_in(
        d,
        &["--lang", "zh-CN", "init", "--config", "-o", "ci/zh.toml"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let zh = std::fs::read_to_string(d.join("ci/zh.toml")).unwrap();
    assert!(zh.contains("默认设置"));
}
