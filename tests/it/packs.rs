//! Rule packs of one's own that do not load: each problem points at its
//! place in the pack, and a run reports all of them (exit 2, on stderr).

use crate::common::*;

const PLAN: &str = "examples/jiangmen-2021.toml";

/// Writes `pack` as `pack.toml` in a new folder; runs `check --rules` on it.
fn check_with(pack: &str) -> (std::process::Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pack.toml", pack.as_bytes());
    let path = dir.path().join("pack.toml");
    let o = run(&[
        "check",
        "--rules",
        path.to_str().unwrap(),
        "--pack",
        "mine",
        PLAN,
    ]);
    (o, dir)
}

/// The line of the first line of `pack` that starts with `start`.
fn line_of(pack: &str, start: &str) -> usize {
    1 + pack
        .lines()
        .position(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starts with {start:?}"))
}

const HEADER: &str = r#"[pack]
name = "mine"
title = "Custom"
document = "Local guidance"
"#;

const CITATION: &str = r#"[rule.citation]
document = "Local guidance"
provenance = "text"
"#;

#[test]
fn a_key_of_another_kind_is_an_error_at_that_key() {
    let pack = format!(
        r#"{HEADER}
[[rule]]
id = "MY001"
kind = "assert"
statement = "the plan has a title"
severity = "error"
require = {{ field = "plan.title", non_empty = true }}
min = 3
message = "the plan has no title"
help = "give it one"
{CITATION}"#
    );
    let (o, _dir) = check_with(&pack);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("`min` is not a key of an `assert` rule; its keys are:"),
        "{err}"
    );
    assert!(
        err.contains("rules of kind count"),
        "says whose key it is: {err}"
    );
    let at = format!("pack.toml:{}:1", line_of(&pack, "min"));
    assert!(err.contains(&at), "points at `min` ({at}): {err}");
    assert!(stdout(&o).is_empty(), "nothing checked");
}

#[test]
fn a_misspelt_key_gets_a_suggestion() {
    let pack = format!(
        r#"{HEADER}
[[rule]]
id = "MY001"
kind = "count"
statement = "three units"
severity = "error"
given = "unit"
where = {{ field = "unit.kind", equals = "bureau" }}
minn = 3
message = "too few"
help = "add units"
{CITATION}"#
    );
    let (o, _dir) = check_with(&pack);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("a `count` rule needs `min`"), "{err}");
    assert!(err.contains("did you mean `min`?"), "{err}");
    let at = format!("pack.toml:{}:1", line_of(&pack, "minn"));
    assert!(err.contains(&at), "points at `minn` ({at}): {err}");
}

#[test]
fn every_missing_key_of_a_rule_is_reported_in_one_run() {
    let pack = format!(
        r#"{HEADER}
[[rule]]
id = "MY001"
kind = "assert"
severity = "error"
require = {{ field = "plan.title", non_empty = true }}
{CITATION}"#
    );
    let (o, _dir) = check_with(&pack);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let at = format!("pack.toml:{}:", line_of(&pack, "id ="));
    for key in ["statement", "message", "help"] {
        let msg = format!("an `assert` rule needs `{key}`");
        assert_eq!(err.matches(&msg).count(), 1, "{msg}: {err}");
    }
    assert_eq!(err.matches("RP001").count(), 3, "three problems: {err}");
    assert_eq!(err.matches(&at).count(), 3, "each at the rule's id: {err}");
}

#[test]
fn ten_rules_each_missing_help_are_all_reported_in_one_run() {
    let mut pack = HEADER.to_string();
    for n in 0..10 {
        pack.push_str(&format!(
            r#"
[[rule]]
id = "MY{n:03}"
kind = "assert"
statement = "the plan has a title"
severity = "warning"
require = {{ field = "plan.title", non_empty = true }}
message = "the plan has no title"
{CITATION}"#
        ));
    }
    let (o, _dir) = check_with(&pack);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(
        err.matches("an `assert` rule needs `help`").count(),
        10,
        "{err}"
    );
}

#[test]
fn a_citation_missing_both_its_keys_says_so_twice() {
    let pack = format!(
        r#"{HEADER}
[[rule]]
id = "MY001"
kind = "placeholder"
statement = "nothing left to fill"
severity = "error"
message = "`{{value}}` is still to be filled"
help = "fill it"
[rule.citation]
sectoin = "§1"
"#
    );
    let (o, _dir) = check_with(&pack);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let header = line_of(&pack, "[rule.citation]");
    for key in ["document", "provenance"] {
        let msg = format!("`[rule.citation]` needs `{key}`");
        assert!(err.contains(&msg), "{msg}: {err}");
    }
    assert_eq!(
        err.matches(&format!("pack.toml:{header}:")).count(),
        2,
        "{err}"
    );
    assert!(err.contains("did you mean `section`?"), "{err}");
}

#[test]
fn a_pack_of_ones_own_needs_no_rationale_or_examples() {
    let pack = format!(
        r#"{HEADER}
[[rule]]
id = "MY001"
kind = "assert"
statement = "the plan is titled as the city wants"
severity = "error"
require = {{ field = "plan.title", equals = "a title no plan has" }}
message = "the plan's title is `{{value}}`"
help = "use the city's title"
{CITATION}"#
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pack.toml", pack.as_bytes());
    let path = dir.path().join("pack.toml");
    let (v, code) = json(&["--rules", path.to_str().unwrap(), "--pack", "mine", PLAN]);
    assert_eq!(code, 1, "the rule's error fails the plan: {v}");
    let found: Vec<&str> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(found, ["MY001"], "{v}");
    // `explain` shows the rule without the parts it does not have.
    let o = run(&["explain", "--rules", path.to_str().unwrap(), "MY001"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("MY001"), "{}", stdout(&o));
}
