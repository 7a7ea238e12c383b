//! Rule packs that try to run away or fail silently (issue 14): CEL costs,
//! CEL typos, keyword includes, rule ids, pack text, very large packs.
//! Each pack is written to a temporary folder and loaded with `--rules`.

use serde_json::Value;

use crate::common::*;

const PLAN: &str = "examples/jiangmen-2021.toml";

/// A pack `mine` with one rule of `body` (its `id`, `kind` and own keys).
fn pack(body: &str) -> String {
    format!(
        r#"[pack]
name = "mine"
title = "Custom"
document = "Local guidance"

[[rule]]
statement = "s"
severity = "error"
message = "m"
help = "h"
{body}
[rule.citation]
document = "Local guidance"
provenance = "text"
"#
    )
}

/// Writes `text` as `pack.toml` in a new folder.
fn pack_dir(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pack.toml", text.as_bytes());
    let path = dir.path().join("pack.toml").to_str().unwrap().to_string();
    (dir, path)
}

/// `check --rules PACK --pack mine PLAN` in JSON, parsed, with the exit
/// code; stderr when the pack does not load.
fn check(text: &str, plan: &str) -> (Option<Value>, i32, String) {
    let (_dir, path) = pack_dir(text);
    let o = run(&[
        "check",
        "--format",
        "json",
        "--today",
        "2026-01-01",
        "--rules",
        &path,
        "--pack",
        "mine",
        plan,
    ]);
    let v = serde_json::from_slice(&o.stdout).ok();
    (v, o.status.code().unwrap(), stderr(&o))
}

fn codes(v: &Value) -> Vec<String> {
    v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// The 1-based line and column in `text` of the first `needle`.
fn line_col(text: &str, needle: &str) -> String {
    let at = text.find(needle).unwrap_or_else(|| panic!("no {needle:?}"));
    let line = text[..at].matches('\n').count() + 1;
    let col = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    format!("pack.toml:{line}:{col}")
}

fn list(n: usize) -> String {
    let items: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    format!("[{}]", items.join(","))
}

/// A plan with `n` more units than the example.
fn big_plan(n: usize) -> (tempfile::TempDir, String) {
    let mut text = std::fs::read_to_string(PLAN).unwrap();
    for i in 0..n {
        text.push_str(&format!(
            "\n[[unit]]\nid = \"x-{i}\"\nname = \"Unit {i}\"\nkind = \"department\"\nlevel = \"prefecture\"\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.toml", text.as_bytes());
    let p = dir.path().join("plan.toml").to_str().unwrap().to_string();
    (dir, p)
}

// Item 1: CEL has a budget.

#[test]
fn issue14_nested_comprehensions_over_literals_are_refused_at_load() {
    let l = list(100);
    let three = format!("{l}.all(a, {l}.all(b, {l}.all(c, a+b+c >= 0)))");
    let maps = format!("{l}.map(a, {l}.map(b, {l}.map(c, {l}))).size() > 0");
    for e in [three, maps] {
        let text = pack(&format!("id = \"MY001\"\nkind = \"expr\"\nexpr = \"{e}\""));
        let (v, code, err) = check(&text, PLAN);
        assert_eq!(code, 2, "{err}");
        assert!(v.is_none(), "nothing checked");
        assert!(
            err.contains("RP002") && err.contains("over the budget"),
            "{err}"
        );
    }
}

#[test]
fn issue14_unbounded_cel_is_an_rp_error() {
    let deep = "unit.all(a, unit.all(b, unit.all(c, unit.all(d, a.id != d.id))))";
    let text = pack(&format!(
        "id = \"MY001\"\nkind = \"expr\"\nexpr = \"{deep}\""
    ));
    let (_, code, err) = check(&text, PLAN);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be bounded"), "{err}");
    // Ranging over a value read out of a map: its size is not known.
    let text =
        pack("id = \"MY001\"\nkind = \"expr\"\nexpr = \"{'a': unit}['a'].all(u, u.id != '')\"");
    let (_, code, err) = check(&text, PLAN);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be bounded"), "{err}");
}

#[test]
fn an_expression_of_characters_cel_does_not_know_is_one_error_at_the_first() {
    // The parser finds an error at every character, and its own message
    // quotes the whole line under each: 3.7 MB here, gigabytes at 100 KB
    // (a fuzzed pack ran out of memory).
    let text = pack(&format!(
        "id = \"MY001\"\nkind = \"expr\"\nexpr = \"{}\"",
        "中".repeat(1_000)
    ));
    let (v, code, err) = check(&text, PLAN);
    assert_eq!(code, 2, "{err}");
    assert!(v.is_none(), "nothing checked");
    assert!(err.contains("RP002"), "{err}");
    assert!(err.contains("(1000 more after it)"), "{err}");
    assert!(
        err.contains("pack.toml:13:9]"),
        "at the first character: {err}"
    );
    assert!(err.len() < 10_000, "{} bytes on stderr", err.len());
}

#[test]
fn issue14_an_expression_over_its_budget_on_a_plan_is_rp004_and_the_run_goes_on() {
    let cube = "unit.all(a, unit.all(b, unit.all(c, a.id != '' || b.id != c.id)))";
    let text = pack(&format!(
        "id = \"MY001\"\nkind = \"expr\"\nexpr = \"{cube}\""
    ));
    // The example's 12 units are within the budget: evaluated, no finding.
    let (v, code, err) = check(&text, PLAN);
    assert_eq!(code, 0, "{err}");
    assert!(!codes(&v.unwrap()).contains(&"RP004".to_string()));
    // 200 more: 212³ iterations are over it; refused before evaluating.
    let (_d, big) = big_plan(200);
    let (v, code, err) = check(&text, &big);
    assert_eq!(code, 1, "{err}");
    let v = v.unwrap();
    let d = &v["files"][0]["diagnostics"];
    let rp = d
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "RP004")
        .expect("RP004");
    assert_eq!(rp["severity"], "error");
    assert!(rp["message"].as_str().unwrap().contains("MY001"), "{rp}");
    let plan_line = std::fs::read_to_string(PLAN)
        .unwrap()
        .lines()
        .position(|l| l == "[plan]")
        .unwrap()
        + 1;
    assert_eq!(rp["line"], plan_line, "at the [plan] header");
    // The run goes on: a second plan is checked, and the rule runs there.
    let text = pack(&format!(
        "id = \"MY001\"\nkind = \"expr\"\nexpr = \"{cube} && false\""
    ));
    let (_dir, path) = pack_dir(&text);
    let (v, code) = json(&["--rules", &path, "--pack", "mine", &big, PLAN]);
    assert_eq!(code, 1);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    let mine = |f: &Value, c: &str| {
        f["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == c)
            .count()
    };
    let (big_file, small) = if files[0]["path"] == PLAN {
        (&files[1], &files[0])
    } else {
        (&files[0], &files[1])
    };
    assert_eq!((mine(big_file, "RP004"), mine(big_file, "MY001")), (1, 0));
    assert_eq!((mine(small, "RP004"), mine(small, "MY001")), (0, 1));
}

// Item 2: CEL typos are found when the pack loads.

#[test]
fn issue14_cel_typos_are_rp_errors_with_spans_and_suggestions() {
    for (expr, wrong, suggestion) in [
        (
            "unit.id.startswith('zzz')",
            "startswith",
            "did you mean `startsWith`?",
        ),
        ("unit.idd == 'zzz'", "idd", "did you mean `id`?"),
        ("unit.cdo.rnak == 'chief'", "rnak", "did you mean `rank`?"),
        (
            "unit.cdo.duties.exist(d, d == 'talent')",
            "exist",
            "did you mean `exists`?",
        ),
    ] {
        let text = pack(&format!(
            "id = \"MY001\"\nkind = \"expr\"\ngiven = \"unit\"\nexpr = \"{expr}\""
        ));
        let (_, code, err) = check(&text, PLAN);
        assert_eq!(code, 2, "{expr}: {err}");
        assert!(err.contains("RP002"), "{err}");
        assert!(err.contains(suggestion), "{expr}: {err}");
        assert_eq!(err.matches("RP002").count(), 1, "one problem: {err}");
        let at = line_col(&text, wrong);
        assert!(
            err.contains(&at),
            "{expr}: points at `{wrong}` ({at}): {err}"
        );
    }
    // The right spelling loads and finds what it should.
    let text = pack(
        "id = \"MY001\"\nkind = \"expr\"\ngiven = \"unit\"\nexpr = \"unit.id.startsWith('zzz')\"",
    );
    let (v, code, err) = check(&text, PLAN);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        codes(&v.unwrap()).iter().filter(|c| *c == "MY001").count(),
        12
    );
}

// Item 3: keyword includes.

fn keyword_pack(sets: &str) -> String {
    format!(
        r#"[pack]
name = "mine"
title = "Custom"
document = "Local guidance"

[keywords]
{sets}

[[rule]]
id = "MY001"
statement = "s"
severity = "error"
kind = "assert"
given = "unit"
require = {{ field = "unit.name", keywords = ["@top"] }}
message = "m"
help = "h"
[rule.citation]
document = "Local guidance"
provenance = "text"
"#
    )
}

#[test]
fn issue14_keyword_includes_resolve_transitively() {
    let text = keyword_pack("top = [\"@mid\"]\nmid = [\"@leaf\"]\nleaf = [\"bureau\", \"office\", \"government\", \"commission\", \"jiangmen\"]");
    let (v, code, err) = check(&text, PLAN);
    assert!(code <= 1, "{err}");
    let v = v.unwrap();
    let fired = codes(&v).iter().filter(|c| *c == "MY001").count();
    assert!(fired < 12, "@top is not empty: {fired} of 12 units fired");
}

#[test]
fn issue14_keyword_cycles_and_empty_sets_are_rp_errors() {
    let text = keyword_pack("top = [\"@a\"]\na = [\"@b\"]\nb = [\"@a\"]");
    let (_, code, err) = check(&text, PLAN);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("@a → @b → @a"), "names the chain: {err}");
    let text = keyword_pack("top = [\"@top\"]");
    let (_, code, err) = check(&text, PLAN);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("@top → @top"), "{err}");
    let text = keyword_pack("top = []");
    let (_, code, err) = check(&text, PLAN);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("holds no keyword"), "{err}");
    let text = keyword_pack("top = [\"  \"]");
    let (_, code, err) = check(&text, PLAN);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("blank keyword"), "{err}");
}

// Item 4: rule ids.

#[test]
fn issue14_rule_ids_match_the_pattern_and_cannot_shadow_built_in_codes() {
    for id in [
        "",
        "PF001",
        "RP004",
        "RP999",
        "gd001",
        "GD",
        "001",
        "GD-001",
        "A\\u001b[2J1",
        "A\\n1",
    ] {
        let text = pack(&format!(
            "id = \"{id}\"\nkind = \"assert\"\nrequire = {{ field = \"plan.title\", exists = true }}"
        ));
        let (_, code, err) = check(&text, PLAN);
        assert_eq!(code, 2, "{id:?} accepted: {err}");
        assert!(err.contains("RP002"), "{err}");
        assert!(!err.contains('\u{1b}'), "no raw ESC: {err:?}");
    }
    let o = run(&["explain", "PF001"]);
    assert!(stdout(&o).contains("PF001"), "{}", stdout(&o));
    let text = pack("id = \"ABCDEFGHIJ123456\"\nkind = \"assert\"\nrequire = { field = \"plan.title\", exists = true }");
    let (_, code, err) = check(&text, PLAN);
    assert_eq!(code, 0, "the longest id loads: {err}");
}

// Item 5: pack text is shown safely.

fn text_pack() -> String {
    r#"[pack]
name = "mine"
title = "Evil\u001b[2J title"
document = "Doc | with <img src=x> and [link](http://x)"

[[rule]]
id = "EV001"
statement = "evil\u001b]0;owned\u0007 statement\n# injected heading"
severity = "error"
kind = "assert"
require = { field = "plan.title", equals = "never" }
message = "m"
help = "h"
rationale = "why\rspoof"
example_fail = "a = \"```\"\n"
example_pass = "a = 1"
[rule.citation]
document = "Doc\u001b[31m | x"
section = "§1 <script>"
quote = "quote\nline"
quote_en = "q\u202eq"
source = "src\u001b[0m"
provenance = "text"
"#
    .to_string()
}

#[test]
fn issue14_pack_text_is_escaped_in_explain_rules_and_check() {
    let (_dir, path) = pack_dir(&text_pack());
    let raw = |s: &str| {
        s.contains('\u{1b}') || s.contains('\u{7}') || s.contains('\r') || s.contains('\u{202e}')
    };
    let explain = stdout(&run(&["explain", "--rules", &path, "EV001"]));
    assert!(!raw(&explain), "{explain:?}");
    assert!(explain.contains("\\u{1b}"), "{explain}");
    assert!(!explain.contains("\n# injected"), "{explain}");
    let table = stdout(&run(&["rules", "--rules", &path]));
    assert!(!raw(&table), "{table:?}");
    let md = stdout(&run(&["rules", "--markdown", "--rules", &path]));
    assert!(!raw(&md), "{md:?}");
    let unescaped = |s: &str| md.matches(s).count() > md.matches(&format!("\\{s}")).count();
    assert!(!unescaped("<img") && !unescaped("<script"), "{md}");
    assert!(!unescaped("[link"), "{md}");
    assert!(!md.contains("\n# injected"), "{md}");
    assert!(md.contains("````toml\na = \"```\""), "a longer fence: {md}");
    let o = run(&["check", "--rules", &path, "--pack", "mine", PLAN]);
    let human = stdout(&o);
    assert!(human.contains("EV001"), "{human}");
    assert!(!raw(&human), "{human:?}");
}

// Item 6: a very large pack is checked in linear time.

#[test]
fn issue14_a_pack_of_many_rules_loads_and_checks() {
    let mut text = String::from("[pack]\nname = \"mine\"\ntitle = \"t\"\ndocument = \"d\"\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "[[rule]]\nid = \"MY{i:05}\"\nkind = \"expr\"\ngiven = \"unit\"\nstatement = \"s\"\nseverity = \"error\"\nexpr = \"unit.id != ''\"\nmessage = \"m\"\nhelp = \"h\"\n[rule.citation]\ndocument = \"d\"\nprovenance = \"text\"\n"
        ));
    }
    text.push_str("[[rule]]\nid = \"MY00007\"\nkind = \"expr\"\nstatement = \"s\"\nseverity = \"error\"\nexpr = \"true\"\nmessage = \"m\"\nhelp = \"h\"\n[rule.citation]\ndocument = \"d\"\nprovenance = \"text\"\n");
    let (_, code, err) = check(&text, PLAN);
    assert_eq!(code, 2, "the duplicate is still found: {err}");
    assert!(err.contains("rule `MY00007` is defined twice"), "{err}");
    let text = text.replace(
        "id = \"MY00007\"\nkind = \"expr\"\nstatement",
        "id = \"MZ00007\"\nkind = \"expr\"\nstatement",
    );
    let (v, code, err) = check(&text, PLAN);
    assert!(code <= 1, "{err}");
    assert!(v.is_some());
}
