//! No forged lines, well-formed XML, valid skeletons (issue 14): text from
//! a file name, a plan, a baseline or the command line is escaped in every
//! human-facing format, one finding is one line in concise and GitHub
//! output, JUnit holds no character XML forbids, and `init` writes valid
//! TOML whatever the jurisdiction.

use crate::common::*;

use std::fs;
use std::path::Path;

use quick_xml::events::Event;

/// A file name that forges a GitHub command and a concise record.
const FORGED_NAME: &str = "a\n::error file=README.md,line=1::forged\nb.toml";

/// A plan with findings: a key holding a CR (TOML escape), an unknown key,
/// and no `[plan]`.
const HOSTILE_PLAN: &str = "format = 1\n\"evil\\rspoof\" = 1\n\"k\u{ffff}\" = 2\n";

/// A tempdir with the hostile plan under the forging name.
fn forged() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), FORGED_NAME, HOSTILE_PLAN.as_bytes());
    dir
}

fn check_in(dir: &Path, args: &[&str]) -> (String, i32) {
    let o = cdocheck()
        .current_dir(dir)
        .args(["check", "--today", "2026-01-01"])
        .args(args)
        .output()
        .unwrap();
    (stdout(&o), o.status.code().unwrap())
}

/// Every character that could forge a line or hide text, other than the
/// line feed ending each line.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

/// How many findings the JSON report holds for these arguments.
fn findings(dir: &Path, args: &[&str]) -> usize {
    let (text, _) = check_in(dir, &[&["--format", "json"], args].concat());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["diagnostics"].as_array().unwrap().len())
        .sum()
}

#[test]
fn a_file_name_forges_no_line_in_concise_output() {
    let dir = forged();
    let n = findings(dir.path(), &["."]);
    assert!(n >= 3);
    let (text, code) = check_in(dir.path(), &["--format", "concise", "."]);
    assert_eq!(code, 1);
    assert_eq!(raw_controls(&text), [] as [char; 0], "{text:?}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        n + 1,
        "one line per finding, then the summary: {text}"
    );
    for l in &lines[..n] {
        assert!(
            l.starts_with("a\\n::error file=README.md,line=1::forged\\nb.toml:"),
            "{l}"
        );
    }
    assert!(!text.lines().any(|l| l.starts_with("::")), "{text}");
}

#[test]
fn a_file_name_forges_no_workflow_command_in_github_output() {
    let dir = forged();
    let n = findings(dir.path(), &["."]);
    let (text, _) = check_in(dir.path(), &["--format", "github", "."]);
    assert_eq!(raw_controls(&text), [] as [char; 0], "{text:?}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), n, "one command per finding: {text}");
    for l in lines {
        assert!(
            ["::error file=", "::warning file=", "::notice file="]
                .iter()
                .any(|p| l.starts_with(p)),
            "{l}"
        );
        assert!(!l.contains("file=README.md,"), "no forged property: {l}");
    }
}

#[test]
fn a_file_name_forges_no_line_in_human_output() {
    let dir = forged();
    for extra in [&[][..], &["--summary", "--statistics"]] {
        let (text, _) = check_in(dir.path(), &[&["."], extra].concat());
        assert_eq!(raw_controls(&text), [] as [char; 0], "{text:?}");
        assert!(!text.lines().any(|l| l.starts_with("::")), "{text}");
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with("b.toml")),
            "{text}"
        );
        assert!(
            text.contains("evil\\u{d}spoof"),
            "the CR in a key is shown: {text}"
        );
    }
}

#[test]
fn a_lone_carriage_return_in_a_quoted_line_is_not_printed_raw() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "cr.toml", b"format = 1\nx = \"a\rb\"\n# c\rd\n");
    for format in ["human", "concise", "github"] {
        let (text, code) = check_in(dir.path(), &["--format", format, "cr.toml"]);
        assert_eq!(code, 1);
        assert!(!text.contains('\r'), "{format}: {text:?}");
    }
}

#[test]
fn stale_baseline_entries_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/jiangmen-2021.toml"),
        d.join("p.toml"),
    )
    .unwrap();
    let baseline = serde_json::json!({
        "version": 1,
        "findings": [{
            "path": "p.toml",
            "code": "\u{1b}[31mGD001\n::error::forged code",
            "unit": "u\r\u{202e}x",
            "key": "k\n::error::forged key",
        }]
    });
    fs::write(d.join("b.json"), baseline.to_string()).unwrap();
    let (text, _) = check_in(d, &["p.toml", "--baseline", "b.json"]);
    assert!(
        text.contains("forged code"),
        "the stale entry is shown: {text}"
    );
    assert_eq!(raw_controls(&text), [] as [char; 0], "{text:?}");
    assert!(!text.lines().any(|l| l.starts_with("::")), "{text}");
}

// ------------------------------------------------------------------ JUnit

/// Reads an XML document to its end with quick-xml, unescaping every text
/// and attribute; panics on the first error. Returns the texts read.
fn read_xml(doc: &str) -> String {
    let mut reader = quick_xml::Reader::from_str(doc);
    reader.config_mut().check_end_names = true;
    reader.config_mut().check_comments = true;
    let mut texts = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                for a in e.attributes() {
                    let a = a.unwrap_or_else(|e| panic!("bad attribute: {e}\n{doc}"));
                    texts.push_str(
                        &a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                            .unwrap(),
                    );
                    texts.push('\n');
                }
            }
            Ok(Event::Text(t)) => {
                texts.push_str(&t.decode().unwrap());
                texts.push('\n');
            }
            Ok(_) => {}
            Err(e) => panic!("not well-formed at {}: {e}\n{doc}", reader.error_position()),
        }
    }
    texts
}

#[test]
fn junit_holds_no_character_xml_forbids() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // In a key, a file name and a property (the jurisdiction).
    // (TOML escapes: a TOML parser refuses the raw characters.)
    let plan = "format = 1\n\"k\\uFFFF\\u0001\" = 1\n[plan]\njurisdiction = \"J\\uFFFE\\uFFFF\"\n";
    write(d, "a\u{fffe}\u{ffff}.toml", plan.as_bytes());
    let (text, code) = check_in(d, &["--format", "junit", "."]);
    assert_eq!(code, 1);
    let forbidden = |c: char| {
        matches!(c, '\u{fffe}' | '\u{ffff}') || (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
    };
    assert!(!text.chars().any(forbidden), "{text:?}");
    let texts = read_xml(&text);
    assert!(!texts.chars().any(forbidden), "{texts:?}");
    assert!(
        texts.contains("J\u{fffd}\u{fffd}"),
        "replaced visibly: {texts}"
    );
    assert!(texts.contains("a\u{fffd}\u{fffd}.toml"), "{texts}");
    assert!(texts.contains("k\u{fffd}\\u{1}"), "{texts}");
    quick_junit::Report::deserialize_from_str(&text).unwrap();
}

// ------------------------------------------------------------------- init

#[test]
fn init_writes_valid_toml_whatever_the_jurisdiction() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let hostile = [
        "Evil\"\nx = 1",
        "\u{1b}[2J\r\u{7f}\\",
        "a\"\"\"b'''c # d",
        "\u{202e}某地\u{2028}",
        "\u{1}\u{1f}\u{85}\u{9b}",
    ];
    for (i, j) in hostile.iter().enumerate() {
        for lang in ["en", "zh-CN"] {
            let file = format!("s{i}-{lang}.toml");
            let o = cdocheck()
                .current_dir(d)
                .args(["init", "--lang", lang, "--jurisdiction", j, "-o", &file])
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(0), "{j:?}: {}", stderr(&o));
            let text = fs::read_to_string(d.join(&file)).unwrap();
            let parsed: toml::Table =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{j:?} ({lang}): {e}\n{text}"));
            assert_eq!(
                parsed["plan"]["jurisdiction"].as_str(),
                Some(j.trim()),
                "{text}"
            );
            let v = json(&[d.join(&file).to_str().unwrap()]).0;
            let codes: Vec<&str> = v["files"][0]["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["code"].as_str().unwrap())
                .collect();
            assert!(!codes.contains(&"PF001"), "{j:?}: {codes:?}\n{text}");
            assert!(
                !text.contains('\u{1b}') && !text.contains('\r'),
                "no raw control in comments: {text:?}"
            );
        }
    }
}

// ------------------------------------------------- standard error, test-rules

#[test]
fn paths_in_errors_notes_and_fixture_results_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = "f\n::error::forged\u{1b}[2J.toml";
    // A fixture whose expectation is wrong: test-rules prints its path.
    write(d, name, b"# expect: GD001@1\nformat = 1\n");
    let o = cdocheck()
        .current_dir(d)
        .args(["test-rules", "."])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("FAIL f\\n::error::forged\\u{1b}[2J.toml"),
        "{out}"
    );
    assert_eq!(raw_controls(&out), [] as [char; 0], "{out:?}");
    // A path that does not exist, and an output naming a plan.
    for args in [
        &["check", "no\n::error::such\r.toml"][..],
        &["check", name, "--output", &format!("json={name}")],
    ] {
        let o = cdocheck().current_dir(d).args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_eq!(raw_controls(&err), [] as [char; 0], "{err:?}");
    }
    // init's note naming the file written.
    let o = cdocheck()
        .current_dir(d)
        .args(["init", "-o", "s\n::error::x.toml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
}
