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
    schema.validate(&log).unwrap_or_else(|e| panic!("{e}"));

    let (dir, path) = hostile_plan();
    let o = check("sarif", &[path.to_str().unwrap()]);
    let log: Value = serde_json::from_slice(&o.stdout).unwrap();
    schema.validate(&log).unwrap_or_else(|e| panic!("{e}"));
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
        assert!(schema.validate(&doc).is_err(), "{pointer} passed");
    }
    let mut doc = good.clone();
    doc["runs"][0]["tool"]["driver"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    assert!(
        schema.validate(&doc).is_err(),
        "a driver without a name passed"
    );
}

/// A SARIF log that uses what cdocheck's output does not: a message by id,
/// a region by offset, a percent-encoded URI with a base, a rank, tags, an
/// invocation with times, a graph traversal, a code flow.
fn rich_sarif() -> Value {
    serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "other",
                "rules": [{ "id": "X1", "defaultConfiguration": { "level": "note", "rank": 100.0 } }]
            } },
            "language": "zh-CN",
            "invocations": [{
                "executionSuccessful": true,
                "startTimeUtc": "2026-01-01T08:00:00Z",
                "endTimeUtc": "2026-01-01T08:00:01.5+08:00"
            }],
            "results": [{
                "ruleId": "X1",
                "ruleIndex": 0,
                "rule": { "index": 0 },
                "level": "none",
                "kind": "informational",
                "rank": 0,
                "message": { "id": "default", "arguments": ["a", "b"] },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": "plans/%E6%B7%B1%E5%9C%B3.toml", "uriBaseId": "SRCROOT" },
                    "region": { "charOffset": 12, "charLength": 3 }
                } }],
                "graphTraversals": [{ "runGraphIndex": 0 }],
                "codeFlows": [{ "threadFlows": [{ "locations": [{ "location": {
                    "physicalLocation": { "address": { "absoluteAddress": 4096 } }
                } }] }] }],
                "suppressions": [{ "kind": "inSource", "status": "accepted" }],
                "properties": { "tags": ["a", "b"] }
            }]
        }]
    })
}

/// The validator is held to documents written by hand, not only to
/// cdocheck's output: a minimal and a rich valid log pass, and one
/// violation of each kind of constraint the SARIF schema uses fails, at
/// that constraint.
#[test]
fn the_schema_check_knows_valid_and_invalid_sarif() {
    let schema = sarif_schema();
    let minimal = serde_json::json!({
        "version": "2.1.0",
        "runs": [{ "tool": { "driver": { "name": "x" } }, "results": [] }]
    });
    for (name, doc) in [("minimal", &minimal), ("rich", &rich_sarif())] {
        if let Err(e) = schema.validate(doc) {
            panic!("{name}: {e}");
        }
    }
    // The constraint each change breaks, as the error's schema path names it.
    let broken: &[(&str, &str, Value)] = &[
        ("type", "/runs/0/results", serde_json::json!({})),
        ("type", "/version", 2.into()),
        ("enum", "/runs/0/results/0/kind", "bad".into()),
        ("required", "/runs/0/tool/driver", serde_json::json!({})),
        ("minimum", "/runs/0/results/0/rank", (-2).into()),
        ("maximum", "/runs/0/results/0/rank", 101.into()),
        (
            "maximum",
            "/runs/0/tool/driver/rules/0/defaultConfiguration/rank",
            100.5.into(),
        ),
        (
            "minItems",
            "/runs/0/results/0/codeFlows/0/threadFlows",
            serde_json::json!([]),
        ),
        (
            "uniqueItems",
            "/runs/0/results/0/properties/tags",
            serde_json::json!(["a", "a"]),
        ),
        (
            "additionalProperty",
            "/runs/0/results/0/colour",
            "red".into(),
        ),
        ("pattern", "/runs/0/language", "zh_CN".into()),
        ("format", "/$schema", "no scheme".into()),
        (
            "format",
            "/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri",
            "plans/深 圳.toml".into(),
        ),
        (
            "format",
            "/runs/0/invocations/0/startTimeUtc",
            "yesterday".into(),
        ),
        (
            "anyOf",
            "/runs/0/results/0/message",
            serde_json::json!({ "arguments": [] }),
        ),
        (
            "anyOf",
            "/runs/0/results/0/locations/0/physicalLocation/region",
            serde_json::json!({}),
        ),
        (
            "oneOf",
            "/runs/0/results/0/graphTraversals/0/resultGraphIndex",
            0.into(),
        ),
        // Through a $ref to the suppression's definition.
        (
            "suppression/properties/kind/enum",
            "/runs/0/results/0/suppressions/0/kind",
            "maybe".into(),
        ),
    ];
    for (constraint, pointer, value) in broken {
        let mut doc = rich_sarif();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        doc.pointer_mut(parent)
            .unwrap_or_else(|| panic!("{pointer}: no {parent} in the rich log"))[key] =
            value.clone();
        match schema.validate(&doc) {
            Ok(()) => panic!("{pointer} = {value} passed"),
            Err(e) => assert!(
                e.contains(&format!("/{constraint}")),
                "{pointer} = {value} was refused, but not by {constraint}: {e}"
            ),
        }
    }
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
    sarif_schema()
        .validate(&log)
        .unwrap_or_else(|e| panic!("{e}"));
}

/// The SARIF 2.1.0 schema, compiled by `boon`, a JSON Schema validator
/// that passes the JSON-Schema-Test-Suite for draft 4 (the schema's draft),
/// `pattern` and the formats `uri`, `uri-reference` and `date-time` included.
struct SarifSchema {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl SarifSchema {
    /// Why `doc` is not a valid SARIF 2.1.0 log, if it is not.
    fn validate(&self, doc: &Value) -> Result<(), String> {
        self.schemas
            .validate(doc, self.index)
            .map_err(|e| format!("{e:#}"))
    }
}

/// The SARIF 2.1.0 schema (a copy of the published one, as shared/ gives it), or
/// `CDOCHECK_SARIF_SCHEMA`.
fn sarif_schema() -> SarifSchema {
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
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["$schema"], "http://json-schema.org/draft-04/schema#");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    // Asserted by default for draft 4 already; said here so it stays so.
    compiler.enable_format_assertions();
    let url = "urn:cdocheck:sarif-schema-2.1.0.json";
    compiler.add_resource(url, json).unwrap();
    let index = compiler
        .compile(url, &mut schemas)
        .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
    SarifSchema { schemas, index }
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
    // Maoming: GD001 (error) fails; CORE007 (a warning, below the default
    // --fail-on) and GD002 pass.
    assert!(failed(case(0, "GD001:")));
    assert!(!failed(case(0, "CORE007:")));
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
    assert_eq!(
        report.failures, 7,
        "warnings fail nothing at the default --fail-on"
    );
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
