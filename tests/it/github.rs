//! GitHub: annotations carry the help, baselined findings are notices, and
//! the Markdown job summary is appended to `$GITHUB_STEP_SUMMARY` (issue 15,
//! item 5). Annotations are decoded as the runner decodes them.

use crate::common::*;

use std::path::Path;
use std::process::Output;

/// `check --today 2026-01-01 ARGS…` in `dir`, with `$GITHUB_STEP_SUMMARY`
/// set to `summary` (or unset).
fn check_in(dir: &Path, summary: Option<&Path>, args: &[&str]) -> Output {
    let mut c = cdocheck();
    c.current_dir(dir).env_remove("GITHUB_STEP_SUMMARY");
    if let Some(s) = summary {
        c.env("GITHUB_STEP_SUMMARY", s);
    }
    c.args(["check", "--today", "2026-01-01"])
        .args(args)
        .output()
        .unwrap()
}

/// One workflow command: its name, properties and message, unescaped.
struct Command {
    name: String,
    props: Vec<(String, String)>,
    message: String,
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3).expect("a % escape is complete");
        out.push(match code {
            "25" => '%',
            "0D" => '\r',
            "0A" => '\n',
            "3A" => ':',
            "2C" => ',',
            _ => panic!("unknown escape %{code} in {s}"),
        });
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

fn parse(line: &str) -> Command {
    let body = line.strip_prefix("::").unwrap_or_else(|| panic!("{line}"));
    let (head, message) = body.split_once("::").unwrap_or_else(|| panic!("{line}"));
    let (name, props) = head.split_once(' ').unwrap_or((head, ""));
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), unescape(v))
        })
        .collect();
    Command {
        name: name.to_string(),
        props,
        message: unescape(message),
    }
}

fn prop<'a>(c: &'a Command, key: &str) -> &'a str {
    c.props
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {key}"))
}

fn commands(o: &Output) -> Vec<Command> {
    stdout(o).lines().map(parse).collect()
}

fn copy_fixture(dir: &Path, from: &str, to: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    write(dir, to, &std::fs::read(root.join(from)).unwrap());
}

/// A plan with `n` unknown top-level keys of about `len` characters each.
fn unknown_keys(n: usize, len: usize) -> Vec<u8> {
    let mut s = String::from("format = 1\n");
    for i in 0..n {
        s.push_str(&format!("k{i}{} = 1\n", "x".repeat(len)));
    }
    s.into_bytes()
}

// -------------------------------------------------------------- annotations

#[test]
fn an_annotation_carries_the_help_on_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_fixture(
        d,
        "tests/fixtures/format/PF002-misspelled-rank.toml",
        "p.toml",
    );
    let o = check_in(d, None, &["--format", "github", "p.toml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let all = commands(&o);
    let c = all
        .iter()
        .find(|c| prop(c, "title") == "PF002")
        .unwrap_or_else(|| panic!("no PF002: {}", stdout(&o)));
    assert_eq!(c.name, "error");
    assert_eq!((prop(c, "file"), prop(c, "line")), ("p.toml", "82"));
    let lines: Vec<&str> = c.message.lines().collect();
    assert_eq!(
        lines,
        [
            "unknown key `rnak` in [unit.cdo] of unit `jm-hrss`",
            "help: did you mean `rank`?"
        ]
    );
    // A finding of a rule also says where the rule comes from.
    let gd = all.iter().find(|c| prop(c, "title").starts_with("GD"));
    if let Some(gd) = gd {
        assert!(gd.message.contains("\nhelp: "), "{}", gd.message);
        assert!(gd.message.contains("cdocheck explain GD"), "{}", gd.message);
    }
}

#[test]
fn help_follows_the_language_of_machine_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_fixture(
        d,
        "tests/fixtures/format/PF002-misspelled-rank.toml",
        "p.toml",
    );
    let o = check_in(
        d,
        None,
        &["--format", "github", "--lang", "zh-CN", "p.toml"],
    );
    let c = commands(&o)
        .into_iter()
        .find(|c| prop(c, "title") == "PF002")
        .unwrap();
    assert!(c.message.contains("\n建议："), "{}", c.message);
    assert!(c.message.contains("`rank`"), "{}", c.message);
}

#[test]
fn a_multi_line_annotation_stays_one_command_whatever_the_plan_holds() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A misspelt key holding `%0A`, `::`, `,` and a CR: the message, the
    // help and the key are all escaped once.
    write(
        d,
        "x.toml",
        b"format = 1\n\"rnak%0A::error file=README.md::x,y\\r\" = 1\n",
    );
    let o = check_in(d, None, &["--format", "github", "x.toml"]);
    let text = stdout(&o);
    assert!(!text.contains('\r'), "{text:?}");
    for line in text.lines() {
        let c = parse(line);
        // The data may hold `::`: the runner reads properties up to the
        // first `::`, and they escape `:`.
        assert_eq!(prop(&c, "file"), "x.toml", "{line}");
    }
    assert!(
        text.contains("rnak%250A::error file=README.md::x,y"),
        "the key is carried escaped once: {text}"
    );
}

#[test]
fn baselined_findings_are_notices_marked_baselined() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_fixture(
        d,
        "tests/fixtures/format/PF002-misspelled-rank.toml",
        "p.toml",
    );
    let o = check_in(d, None, &["--write-baseline", "b.json", "p.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = check_in(
        d,
        None,
        &["--format", "github", "--baseline", "b.json", "p.toml"],
    );
    // The run passes by the baseline, so nothing reads as a failure.
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let all = commands(&o);
    assert!(!all.is_empty());
    for c in &all {
        assert_eq!(c.name, "notice", "{}", c.message);
        let first = c.message.lines().next().unwrap();
        assert!(first.ends_with(" (baselined)"), "{first}");
    }
    let pf = all.iter().find(|c| prop(c, "title") == "PF002").unwrap();
    assert!(pf.message.contains("\nhelp: did you mean `rank`?"));
}

// -------------------------------------------------------------- job summary

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn the_job_summary_is_appended_with_a_table_per_plan_and_the_totals() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_fixture(
        d,
        "tests/fixtures/format/PF002-misspelled-rank.toml",
        "a.toml",
    );
    copy_fixture(d, "examples/beijing-2023.toml", "b.toml");
    let summary = d.join("summary.md");
    std::fs::write(&summary, "# An earlier step\n").unwrap();
    let o = check_in(
        d,
        Some(&summary),
        &["--format", "github", "a.toml", "b.toml"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Standard output holds the annotations only.
    assert!(stdout(&o).lines().all(|l| l.starts_with("::")));
    let text = read(&summary);
    assert!(
        text.starts_with("# An earlier step\n"),
        "never clobbered: {text}"
    );
    assert!(text.contains("\n## cdocheck results\n"), "{text}");
    assert!(
        text.contains("**checked 2 plans\\: 1 passed\\, 1 failed"),
        "the totals: {text}"
    );
    assert!(text.contains("\n### a\\.toml: fail\n"), "{text}");
    assert!(
        text.contains("\n### b\\.toml: pass\n\nNo findings\\.\n"),
        "{text}"
    );
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| 82:1 |")).collect();
    assert_eq!(rows.len(), 1, "{text}");
    assert_eq!(
        rows[0],
        "| 82:1 | error | PF002 | unknown key \\`rnak\\` in \\[unit\\.cdo\\] of unit \
         \\`jm\\-hrss\\`<br>help\\: did you mean \\`rank\\`\\? |"
    );
    // A second run appends again.
    let o = check_in(d, Some(&summary), &["--format", "github", "a.toml"]);
    assert_eq!(o.status.code(), Some(1));
    let again = read(&summary);
    assert!(again.starts_with(&text), "appended");
    assert_eq!(again.matches("## cdocheck results").count(), 2);
}

#[test]
fn the_job_summary_comes_with_a_github_output_file_too_and_only_with_github() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_fixture(
        d,
        "tests/fixtures/format/PF002-misspelled-rank.toml",
        "a.toml",
    );
    let summary = d.join("summary.md");
    let o = check_in(d, Some(&summary), &["--format", "json", "a.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!summary.exists(), "no annotations, no job summary");
    let o = check_in(
        d,
        Some(&summary),
        &["--format", "json", "--output", "github=ann.txt", "a.toml"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(read(&summary).contains("### a\\.toml: fail"));
    assert!(read(&d.join("ann.txt")).starts_with("::error "));
}

#[test]
fn the_job_summary_follows_the_language() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_fixture(
        d,
        "tests/fixtures/format/PF002-misspelled-rank.toml",
        "a.toml",
    );
    let summary = d.join("summary.md");
    let o = check_in(
        d,
        Some(&summary),
        &["--format", "github", "--lang", "zh-CN", "a.toml"],
    );
    assert_eq!(o.status.code(), Some(1));
    let text = read(&summary);
    assert!(text.contains("## cdocheck 检查结果"), "{text}");
    assert!(text.contains("### a\\.toml：未通过"), "{text}");
    assert!(text.contains("<br>建议："), "{text}");
}

#[test]
fn markdown_in_plan_text_and_paths_is_shown_literally() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = "a|b[x](y)<img src=x>*_`#.toml";
    write(
        d,
        name,
        b"format = 1\n\"|k|<script>[l](http://e)\" = 1\n\"multi\\nline\" = 2\n",
    );
    let summary = d.join("summary.md");
    let o = check_in(d, Some(&summary), &["--format", "github", name]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = read(&summary);
    assert!(
        text.contains("### a\\|b\\[x\\]\\(y\\)\\<img src\\=x\\>\\*\\_\\`\\#\\.toml: fail"),
        "{text}"
    );
    // No HTML from the plan: every `<` but our own `<br>` is escaped.
    let html = text.replace("<br>", "");
    for (i, _) in html.match_indices('<') {
        assert_eq!(&html[i - 1..i], "\\", "{html}");
    }
    // Every row of the table has its four cells: no `|` from the plan
    // opened a fifth, no line break from a key ended a row early.
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| ")).collect();
    assert!(rows.len() >= 4, "{text}");
    for r in rows {
        let cells = r.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 5, "{r}");
    }
    assert!(
        text.contains("multi\\\\nline"),
        "a newline is shown as \\n: {text}"
    );
}

#[test]
fn a_plan_shows_at_most_100_findings_in_the_job_summary() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "many.toml", &unknown_keys(130, 3));
    let summary = d.join("summary.md");
    let o = check_in(d, Some(&summary), &["--format", "github", "many.toml"]);
    assert_eq!(o.status.code(), Some(1));
    let text = read(&summary);
    // The heading row and the alignment row, then the findings.
    let shown = text.lines().filter(|l| l.starts_with("| ")).count() - 2;
    assert_eq!(shown, 100, "{text}");
    let all = commands(&o).len();
    assert!(all > 130, "{all}");
    assert!(
        text.contains(&format!("and {} more findings in this plan\\,", all - 100)),
        "{text}"
    );
}

#[test]
fn the_job_summary_stays_under_its_size_and_counts_the_plans_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut names = Vec::new();
    for i in 0..14 {
        let name = format!("p{i:02}.toml");
        write(d, &name, &unknown_keys(101, 600));
        names.push(name);
    }
    let summary = d.join("summary.md");
    let mut args = vec!["--format", "github"];
    args.extend(names.iter().map(String::as_str));
    let o = check_in(d, Some(&summary), &args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = read(&summary);
    assert!(text.len() <= 512 * 1024, "{} bytes", text.len());
    let shown = text.matches("\n### ").count();
    assert!(shown < 14, "{shown} plans shown");
    assert!(
        text.contains(&format!(
            "and {} more plans\\, not shown here to keep this summary under 512 KiB",
            14 - shown
        )),
        "{}",
        &text[text.len().saturating_sub(400)..]
    );
    assert!(text.contains("**checked 14 plans\\: 0 passed\\, 14 failed"));
}

#[test]
fn a_job_summary_that_cannot_be_written_stops_the_run_before_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_fixture(
        d,
        "tests/fixtures/format/PF002-misspelled-rank.toml",
        "a.toml",
    );
    let folder = d.join("folder");
    std::fs::create_dir(&folder).unwrap();
    let o = check_in(d, Some(&folder), &["--format", "github", "a.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "", "nothing was checked");
    assert!(stderr(&o).contains("folder"), "{}", stderr(&o));
}
