//! Helpers every test module shares: run the binary as a user would.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

/// The binary, run from the repository root, uncoloured, in English.
pub fn cdocheck() -> Command {
    let mut c = Command::cargo_bin("cdocheck").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        // On GitHub's runners: no test appends to the real job summary.
        .env_remove("GITHUB_STEP_SUMMARY");
    c
}

pub fn run(args: &[&str]) -> Output {
    cdocheck().args(args).output().unwrap()
}

/// `check --today 2026-01-01 --output FORMAT=OUT PLAN`: one plan, one
/// extra output.
pub fn check_to(format: &str, out: &std::path::Path, plan: &std::path::Path) -> Output {
    let spec = format!("{format}={}", out.display());
    run(&[
        "check",
        "--today",
        "2026-01-01",
        "--output",
        &spec,
        plan.to_str().unwrap(),
    ])
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// `check --format json --today 2026-01-01 ARGS…`, parsed, with the exit code.
pub fn json(args: &[&str]) -> (Value, i32) {
    let mut all = vec!["check", "--format", "json", "--today", "2026-01-01"];
    all.extend_from_slice(args);
    let o = run(&all);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(&o), stderr(&o)));
    (v, o.status.code().unwrap())
}

/// Writes a file below `dir`, creating its folders.
pub fn write(dir: &Path, name: &str, text: &[u8]) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A Jiangmen plan that passes every rule (the core fixture base).
pub fn jiangmen() -> String {
    let t = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/tests/core/CORE011-pass.toml"
    ))
    .unwrap();
    t[t.find("format = 1").unwrap()..].to_string()
}

/// A user's pack (`--rules`): one CEL rule on unit ids, ID001.
pub const ID_PACK: &str = r#"
[pack]
name = "ids"
title = "Id conventions"
document = "Local guidance"

[[rule]]
id = "ID001"
statement = "unit ids start with the city's prefix"
severity = "warning"
kind = "expr"
given = "unit"
expr = "unit.id.startsWith('jm-') || unit.level != 'prefecture'"
at = "unit.id"
message = "unit `{unit}` does not use the `jm-` prefix"
help = "rename the id"
rationale = "Ids are easier to read with a prefix."
example_fail = 'id = "psb"'
example_pass = 'id = "jm-psb"'
[rule.citation]
document = "Local guidance"
provenance = "text"
"#;
