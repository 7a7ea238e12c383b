//! The machine output formats (`sarif`, `junit`, `github`, `csv`), each
//! snapshotted on one shared set of plans with errors, warnings, a waived
//! finding and format diagnostics, then checked as their readers would:
//! SARIF against the SARIF 2.1.0 schema, CSV by parsing it, JUnit by reading
//! it back, workflow commands line by line.

use crate::common::*;

use std::path::{Path, PathBuf};
use std::process::Output;

use cdocheck::render::github::{escape_data, escape_property};
use serde_json::Value;

/// Errors, warnings, a waived finding (shenzhen) and two PF diagnostics.
const PLANS: &[&str] = &[
    "examples/maoming-draft.toml",
    "examples/shenzhen-2021.toml",
    "rules/tests/core/CORE003-fail-unknown-rule.toml",
    "tests/fixtures/format/PF002-misspelled-rank.toml",
];

/// `check --format FORMAT --today 2026-01-01 PATHS…`.
fn check(format: &str, paths: &[&str]) -> Output {
    let mut args = vec!["check", "--format", format, "--today", "2026-01-01"];
    args.extend_from_slice(paths);
    cdocheck().args(&args).output().unwrap()
}

/// The shared plans in FORMAT: exit 1 (they fail), nothing on stderr.
fn shared(format: &str) -> String {
    let o = check(format, PLANS);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{format}: {err}");
    assert!(err.is_empty(), "{format} wrote to stderr: {err}");
    stdout(&o)
}

/// A copy of the Maoming draft whose unit `mm-nr` has a hostile id: a
/// terminal escape, separators of every format, CR LF, a quote and a leading
/// `=`. Returns the directory holding it and its path.
fn hostile_plan() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/maoming-draft.toml")).unwrap();
    let evil = text.replace(r#"id = "mm-nr""#, r#"id = "=mm-nr\u001b[31m,a:b%\r\n\"q""#);
    assert_ne!(evil, text, "the Maoming draft no longer has unit mm-nr");
    let path = dir.path().join("a,b:c%.toml");
    std::fs::write(&path, evil).unwrap();
    (dir, path)
}

// ---------------------------------------------------------------- snapshots

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("sarif", shared("sarif"));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit", shared("junit"));
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!("github", shared("github"));
}

#[test]
fn csv_snapshot() {
    insta::assert_snapshot!("csv", shared("csv"));
}

#[test]
fn concise_snapshot() {
    insta::assert_snapshot!("concise", shared("concise"));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json", shared("json"));
}

#[test]
fn every_format_gives_the_same_bytes_whatever_the_thread_count() {
    for format in [
        "sarif", "junit", "github", "csv", "concise", "json", "human",
    ] {
        let mut one = vec!["check", "--format", format, "--today", "2026-01-01", "-j1"];
        one.extend_from_slice(PLANS);
        let o = cdocheck().args(&one).output().unwrap();
        assert_eq!(stdout(&o), shared(format), "{format}");
    }
}

// -------------------------------------------------------------------- SARIF

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let log: Value = serde_json::from_str(&shared("sarif")).unwrap();
    let schema = sarif_schema();
    let errors = draft4::validate(&schema, &log);
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    let (dir, path) = hostile_plan();
    let o = check("sarif", &[path.to_str().unwrap()]);
    let log: Value = serde_json::from_slice(&o.stdout).unwrap();
    let errors = draft4::validate(&schema, &log);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    drop(dir);
}

#[test]
fn the_schema_check_catches_what_sarif_forbids() {
    let good: Value = serde_json::from_str(&shared("sarif")).unwrap();
    let schema = sarif_schema();
    let broken = [
        ("/runs/0/results/0/level", serde_json::json!("fatal")),
        (
            "/runs/0/results/0/locations/0/physicalLocation/region/startLine",
            0.into(),
        ),
        (
            "/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri",
            "a b.toml".into(),
        ),
        (
            "/runs/0/tool/driver/rules/0/defaultConfiguration/level",
            "info".into(),
        ),
        ("/runs/0/language", "english".into()),
        ("/runs/0/results/0/ruleIndex", (-2).into()),
        (
            "/runs/0/results/0/suppressions",
            serde_json::json!([{ "justification": "x" }]),
        ),
        ("/runs/0/colour", "red".into()),
        ("/version", "2.2.0".into()),
    ];
    for (pointer, value) in broken {
        let mut doc = good.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        doc.pointer_mut(parent).unwrap()[key] = value;
        assert!(
            !draft4::validate(&schema, &doc).is_empty(),
            "{pointer} passed"
        );
    }
    let mut doc = good.clone();
    doc["runs"][0]["tool"]["driver"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    assert!(
        !draft4::validate(&schema, &doc).is_empty(),
        "a driver without a name passed"
    );
}

#[test]
fn sarif_results_point_at_their_rules_and_regions() {
    let log: Value = serde_json::from_str(&shared("sarif")).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "cdocheck");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "rules are sorted by id, each once");
    assert!(ids.contains(&"PF002") && ids.contains(&"GD005"), "{ids:?}");

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 11);
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(r["ruleId"], rules[i]["id"], "{r}");
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1, "{r}");
    }
    // Only rules that fired; every rule carries its citation in its help.
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert!(
            results.iter().any(|r| r["ruleId"] == id),
            "{id} never fired"
        );
        if !id.starts_with("PF") {
            let help = rule["help"]["text"].as_str().unwrap();
            assert!(help.contains("Cites "), "{id}: {help}");
            assert!(rule["properties"]["citation"]["document"].is_string());
        }
    }
    let waived: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(waived.len(), 1, "SZ002 on sz-met (it supersedes GD005)");
    for r in waived {
        assert_eq!(r["level"], "error", "a waived finding keeps its level");
        assert_eq!(r["suppressions"][0]["kind"], "external");
        assert!(r["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("chief engineer"));
    }
}

#[test]
fn output_writes_sarif_to_a_file_while_stdout_gets_the_human_view() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.sarif");
    let out = format!("sarif={}", file.display());
    let o = cdocheck()
        .args(["check", "--today", "2026-01-01", "--output", &out])
        .arg("examples/maoming-draft.toml")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let human = stdout(&o);
    assert!(human.contains("× GD001"), "{human}");
    assert!(
        human.ends_with(
            "checked 1 plan: 0 passed, 1 failed (4 errors, 2 warnings, 0 info, 0 waived)\n"
        ),
        "{human}"
    );
    let log: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 6);
    let errors = draft4::validate(&sarif_schema(), &log);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// The SARIF 2.1.0 schema (a copy of the published one, as shared/ gives it), or
/// `CDOCHECK_SARIF_SCHEMA`.
fn sarif_schema() -> Value {
    let path = std::env::var_os("CDOCHECK_SARIF_SCHEMA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json")
        });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the SARIF 2.1.0 schema is not at {} ({e}); set CDOCHECK_SARIF_SCHEMA",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap()
}

// ---------------------------------------------------------------------- CSV

#[test]
fn csv_parses_into_rows_of_ten_fields() {
    let text = shared("csv");
    assert!(text.ends_with("\r\n"), "records end in CRLF");
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "no bare LF outside quotes in this set"
    );
    let rows = parse_csv(&text);
    assert_eq!(
        rows[0],
        [
            "path",
            "line",
            "column",
            "code",
            "severity",
            "waived",
            "unit",
            "message",
            "citation",
            "baselined"
        ]
    );
    assert_eq!(rows.len(), 12, "a header and 11 findings");
    for row in &rows {
        assert_eq!(row.len(), 10, "{row:?}");
    }
    // A message with a comma is quoted, and reads back whole.
    let core007 = rows.iter().find(|r| r[3] == "CORE007").unwrap();
    assert_eq!(
        core007[7],
        "this milestone is due on 2021-08-31, before the plan is published on 2021-09-10"
    );
    assert!(text.contains(",\"this milestone is due on 2021-08-31, before"));
    let waived: Vec<_> = rows.iter().filter(|r| r[5] == "true").collect();
    assert_eq!(waived.len(), 1);
    let pf = rows.iter().find(|r| r[3] == "PF002").unwrap();
    assert_eq!(pf[8], "", "format diagnostics cite nothing");
    let gd001 = rows.iter().find(|r| r[3] == "GD001").unwrap();
    assert_eq!(
        gd001[8],
        "粤办函〔2021〕63号 §二 试点范围 (text; source: 63号 text, §二 — the official text of 粤办函〔2021〕63号 as published by the Guangdong provincial government)"
    );
}

#[test]
fn csv_quotes_hostile_text_and_never_passes_escapes_or_formulas() {
    let (_dir, path) = hostile_plan();
    let o = check("csv", &[path.to_str().unwrap()]);
    let text = stdout(&o);
    assert!(!text.contains('\u{1b}'), "{text}");
    let rows = parse_csv(&text);
    for row in &rows {
        assert_eq!(row.len(), 10, "{row:?}");
    }
    let unit = rows
        .iter()
        .map(|r| r[6].as_str())
        .find(|u| u.contains("mm-nr"))
        .unwrap();
    assert_eq!(
        unit, "'=mm-nr\\u{1b}[31m,a:b%\r\n\"q",
        "no formula, no raw escape"
    );
    assert!(rows[1..].iter().all(|r| r[0] == path.to_str().unwrap()));
}

/// The records of `text`, as the `csv` crate reads them: RFC 4180, quoted
/// fields holding `,`, `""` and line breaks, every record as long as the
/// first (a shorter or longer one is an error).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("not CSV ({e}):\n{text}"));
            r.iter().map(str::to_string).collect()
        })
        .collect()
}

// ------------------------------------------------------------------- GitHub

#[test]
fn github_escapes_messages_and_properties() {
    assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
    assert_eq!(escape_data("%0A"), "%250A", "an escape is not read twice");
    assert_eq!(escape_property("a,b:c%\r\n"), "a%2Cb%3Ac%25%0D%0A");
    assert_eq!(escape_property("plans/深圳.toml"), "plans/深圳.toml");
}

#[test]
fn github_writes_one_command_per_finding_and_nothing_else() {
    let text = shared("github");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 11);
    for l in &lines {
        assert!(
            l.starts_with("::error file=")
                || l.starts_with("::warning file=")
                || l.starts_with("::notice file="),
            "{l}"
        );
    }
    let waived: Vec<_> = lines.iter().filter(|l| l.contains("(waived)")).collect();
    assert_eq!(waived.len(), 1);
    assert!(waived.iter().all(|l| l.starts_with("::notice ")));
}

#[test]
fn github_commands_survive_hostile_plan_text() {
    let (_dir, path) = hostile_plan();
    let o = check("github", &[path.to_str().unwrap()]);
    let text = stdout(&o);
    assert!(!text.contains('\u{1b}'), "{text}");
    let file = format!("file={},", escape_property(path.to_str().unwrap()));
    assert!(file.contains("a%2Cb%3Ac%25.toml"), "{file}");
    for l in text.lines() {
        assert!(l.starts_with("::") && l.contains(&file), "{l}");
    }
    assert!(
        // Controls escaped as json-output.md's "Text from files" says: one
        // finding stays one line.
        text.contains("`=mm-nr\\u{1b}[31m,a:b%25\\u{d}\\n\"q`"),
        "{text}"
    );
}

// -------------------------------------------------------------------- JUnit

#[test]
fn junit_reads_back_a_suite_per_plan_and_a_case_per_rule() {
    let report = quick_junit::Report::deserialize_from_str(&shared("junit")).unwrap();
    let names: Vec<&str> = report.test_suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, PLANS);
    let case = |suite: usize, prefix: &str| {
        report.test_suites[suite]
            .test_cases
            .iter()
            .find(|c| c.name.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in {}", names[suite]))
    };
    let failed = |c: &quick_junit::TestCase| {
        matches!(c.status, quick_junit::TestCaseStatus::NonSuccess { .. })
    };
    // Maoming: GD001 (error) and CORE007 (warning) fail; GD002 passes.
    assert!(failed(case(0, "GD001:")));
    assert!(failed(case(0, "CORE007:")));
    assert!(!failed(case(0, "GD002:")));
    // Shenzhen: the waived SZ002 passes and says why; GD005, which it
    // supersedes, passes without a finding.
    let sz002 = case(1, "SZ002:");
    assert!(!failed(sz002));
    assert!(sz002.system_out.as_deref().unwrap().contains("waived"));
    assert!(!failed(case(1, "GD005:")));
    // The PF fixture: one `format` case holding its diagnostic.
    let format = case(3, "format");
    let quick_junit::TestCaseStatus::NonSuccess {
        message,
        description,
        ..
    } = &format.status
    else {
        panic!("format passed")
    };
    assert!(message
        .as_deref()
        .unwrap()
        .starts_with("tests/fixtures/format/PF002-misspelled-rank.toml:82:1: "));
    let description = description.as_deref().unwrap();
    assert!(description.contains(":82:1: PF002 error "), "{description}");
    assert_eq!(report.failures, 10);
}

#[test]
fn junit_keeps_hostile_text_well_formed() {
    let (_dir, path) = hostile_plan();
    let o = check("junit", &[path.to_str().unwrap()]);
    let text = stdout(&o);
    assert!(!text.contains('\u{1b}'), "{text}");
    let report = quick_junit::Report::deserialize_from_str(&text).unwrap();
    assert_eq!(report.test_suites[0].name.as_str(), path.to_str().unwrap());
}

/// Just enough of JSON Schema draft 4 to hold a document to the SARIF
/// schema: every keyword that schema uses is checked or, where it cannot be
/// here (`pattern`, `format`), checked for the few values SARIF asks of them.
mod draft4 {
    use serde_json::Value;

    pub fn validate(schema: &Value, doc: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        check(schema, schema, doc, "$", &mut errors);
        errors
    }

    fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.strip_prefix("#/definitions/").unwrap_or_else(|| {
                    panic!("unsupported $ref {r}");
                });
                resolve(root, &root["definitions"][name])
            }
            None => schema,
        }
    }

    fn type_ok(t: &str, v: &Value) -> bool {
        match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            "number" => v.is_number(),
            "integer" => v.is_i64() || v.is_u64(),
            _ => panic!("unsupported type {t}"),
        }
    }

    fn check(root: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
        let s = resolve(root, schema);
        let mut err = |m: String| errors.push(format!("{at}: {m}"));
        match s.get("type") {
            Some(Value::String(t)) if !type_ok(t, v) => err(format!("not {t}: {v}")),
            Some(Value::Array(ts)) if !ts.iter().any(|t| type_ok(t.as_str().unwrap(), v)) => {
                err(format!("not {ts:?}: {v}"))
            }
            _ => {}
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array) {
            if !e.contains(v) {
                err(format!("{v} not in {e:?}"));
            }
        }
        if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64()) {
            if n < min {
                err(format!("{n} < minimum {min}"));
            }
        }
        if let (Some(max), Some(n)) = (s.get("maximum").and_then(Value::as_f64), v.as_f64()) {
            if n > max {
                err(format!("{n} > maximum {max}"));
            }
        }
        if let Some(text) = v.as_str() {
            strings(s, text, &mut err);
        }
        let mut nested = Vec::new();
        if let Some(items) = v.as_array() {
            arrays(root, s, items, at, &mut err, &mut nested);
        }
        if let Some(obj) = v.as_object() {
            for req in s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if !obj.contains_key(req.as_str().unwrap()) {
                    err(format!("missing required {req}"));
                }
            }
            let props = s.get("properties").and_then(Value::as_object);
            for (k, val) in obj {
                let path = format!("{at}.{k}");
                match (props.and_then(|p| p.get(k)), s.get("additionalProperties")) {
                    (Some(p), _) => check(root, p, val, &path, &mut nested),
                    (None, Some(Value::Bool(false))) => err(format!("unexpected property {k}")),
                    (None, Some(extra @ Value::Object(_))) => {
                        check(root, extra, val, &path, &mut nested)
                    }
                    (None, _) => {}
                }
            }
        }
        for (key, need) in [("anyOf", 1..usize::MAX), ("oneOf", 1..2)] {
            if let Some(options) = s.get(key).and_then(Value::as_array) {
                let ok = options
                    .iter()
                    .filter(|o| {
                        let mut e = Vec::new();
                        check(root, o, v, at, &mut e);
                        e.is_empty()
                    })
                    .count();
                if !need.contains(&ok) {
                    err(format!("{ok} of {key} match"));
                }
            }
        }
        errors.append(&mut nested);
    }

    fn arrays(
        root: &Value,
        s: &Value,
        items: &[Value],
        at: &str,
        err: &mut impl FnMut(String),
        nested: &mut Vec<String>,
    ) {
        if let Some(min) = s.get("minItems").and_then(Value::as_u64) {
            if (items.len() as u64) < min {
                err(format!("fewer than {min} items"));
            }
        }
        if s.get("uniqueItems") == Some(&Value::Bool(true)) {
            for (i, a) in items.iter().enumerate() {
                if items[..i].contains(a) {
                    err(format!("item {i} repeats an earlier one"));
                }
            }
        }
        if let Some(item) = s.get("items") {
            for (i, val) in items.iter().enumerate() {
                check(root, item, val, &format!("{at}[{i}]"), nested);
            }
        }
    }

    /// `pattern` and `format` for the values SARIF gives them.
    fn strings(s: &Value, text: &str, err: &mut impl FnMut(String)) {
        let uri_char = |c: char| {
            c.is_ascii_graphic()
                && !matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}')
        };
        match s.get("pattern").and_then(Value::as_str) {
            None => {}
            Some("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$") => {
                let ok = matches!(text.len(), 2 | 5)
                    && text.char_indices().all(|(i, c)| {
                        if i == 2 {
                            c == '-'
                        } else {
                            c.is_ascii_alphabetic()
                        }
                    });
                if !ok {
                    err(format!("{text:?} is not a language tag"));
                }
            }
            Some(p) => err(format!("pattern {p} is not checked here: add it")),
        }
        match s.get("format").and_then(Value::as_str) {
            None => {}
            Some("uri-reference") => {
                let percent_ok = text
                    .split('%')
                    .skip(1)
                    .all(|h| h.len() >= 2 && h[..2].chars().all(|c| c.is_ascii_hexdigit()));
                if !text.chars().all(uri_char) || !percent_ok {
                    err(format!("{text:?} is not a URI reference"));
                }
                // A `:` before any `/` makes the text an absolute URI.
                let first = text.split(['/', '?', '#']).next().unwrap_or_default();
                if first.contains(':') && !scheme_ok(text) {
                    err(format!("{text:?} reads as a URI with a bad scheme"));
                }
            }
            Some("uri") if !scheme_ok(text) || !text.chars().all(uri_char) => {
                err(format!("{text:?} is not an absolute URI"))
            }
            Some("uri") => {}
            Some(f) => err(format!("format {f} is not checked here: add it")),
        }
    }

    fn scheme_ok(text: &str) -> bool {
        let scheme = text.split_once(':').map(|(s, _)| s).unwrap_or_default();
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    }
}
