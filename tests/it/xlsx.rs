//! `--output xlsx=PATH`: the workbook read back with calamine, its rows
//! checked against the JSON report of the same run.

use crate::common::*;
use crate::html::{audit_run, AUDIT_PLANS};

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;

pub(crate) fn rows(
    book: &mut Xlsx<std::io::BufReader<std::fs::File>>,
    sheet: &str,
) -> Vec<Vec<Data>> {
    let range = book.worksheet_range(sheet).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

pub(crate) fn s(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn n(d: &Data) -> u64 {
    match d {
        Data::Float(f) => *f as u64,
        Data::Int(i) => *i as u64,
        other => panic!("not a number: {other:?}"),
    }
}

pub(crate) fn b(d: &Data) -> bool {
    match d {
        Data::Bool(b) => *b,
        other => panic!("not a boolean: {other:?}"),
    }
}

#[test]
fn rows_equal_the_json_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.xlsx");
    let v: Value = audit_run("xlsx", &out, &["--lang", "en"]);
    // The same input and --today: the same bytes.
    let again = dir.path().join("again.xlsx");
    audit_run("xlsx", &again, &["--lang", "en"]);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Plans", "Findings", "Portfolio", "Waivers", "Run"]
    );
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), AUDIT_PLANS.len());

    let plans = rows(&mut book, "Plans");
    assert_eq!(s(&plans[0][0]), "path");
    assert_eq!(plans.len() - 1, files.len());
    for (row, f) in plans[1..].iter().zip(files) {
        assert_eq!(s(&row[0]), f["path"].as_str().unwrap());
        assert_eq!(s(&row[4]), f["status"].as_str().unwrap());
        let count = |sev: &str, waived: bool| {
            f["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["waived"] == waived && (waived || d["severity"] == sev))
                .count() as u64
        };
        assert_eq!(n(&row[5]), count("error", false), "{row:?}");
        assert_eq!(n(&row[6]), count("warning", false), "{row:?}");
        assert_eq!(n(&row[7]), count("info", false), "{row:?}");
        assert_eq!(n(&row[8]), count("", true), "{row:?}");
    }

    let findings = rows(&mut book, "Findings");
    let diags: Vec<(&str, &Value)> = files
        .iter()
        .flat_map(|f| {
            let p = f["path"].as_str().unwrap();
            f["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |d| (p, d))
        })
        .collect();
    assert_eq!(findings.len() - 1, diags.len());
    let mut waived = 0;
    for (row, (path, d)) in findings[1..].iter().zip(&diags) {
        assert_eq!(s(&row[0]), *path);
        assert_eq!(n(&row[1]), d["line"].as_u64().unwrap());
        assert_eq!(n(&row[2]), d["column"].as_u64().unwrap());
        assert_eq!(s(&row[3]), d["code"].as_str().unwrap());
        assert_eq!(s(&row[4]), d["severity"].as_str().unwrap());
        assert_eq!(b(&row[5]), d["waived"].as_bool().unwrap());
        assert_eq!(s(&row[7]), d["unit"].as_str().unwrap_or(""));
        assert_eq!(s(&row[9]), d["message"].as_str().unwrap());
        assert_eq!(s(&row[10]), d["help"].as_str().unwrap_or(""));
        waived += usize::from(b(&row[5]));
    }
    assert!(waived > 0, "the scan has a waived finding");
    // The Waivers sheet is the register (tests/it/register_sheet.rs): at
    // least one row under the header.
    let waivers = rows(&mut book, "Waivers");
    assert!(waivers.len() > 1, "a header and a row per waiver");

    // Every designated Guangdong pilot has a row; unreadable plans are listed.
    let portfolio = rows(&mut book, "Portfolio");
    let pilots: Vec<String> = portfolio.iter().map(|r| s(&r[2])).collect();
    for p in ["Guangzhou", "Jiangmen", "Maoming", "Zhaoqing"] {
        assert!(pilots.iter().any(|x| x == p), "{p}");
    }
    assert!(portfolio
        .iter()
        .any(|r| s(&r[1]) == "unreadable" && s(&r[4]).ends_with("PF001-not-utf8.toml")));
}

#[test]
fn chinese_sheets_and_headers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("报告.xlsx");
    audit_run("xlsx", &out, &["--lang", "zh-CN"]);
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["方案", "问题", "试点总体情况", "例外", "核查依据"]
    );
    let findings = rows(&mut book, "问题");
    assert_eq!(s(&findings[0][3]), "规则编号");
}

/// Plan text that a spreadsheet would run as a formula stays text.
#[test]
fn formulas_stay_text() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/maoming-draft.toml")).unwrap();
    let evil = text.replace(
        r#"id = "mm-nr""#,
        r#"id = "=HYPERLINK(\"http://x\",\"y\")""#,
    );
    assert_ne!(evil, text);
    let plan = dir.path().join("p.toml");
    std::fs::write(&plan, evil).unwrap();
    let out = dir.path().join("r.xlsx");
    let o = check_to("xlsx", &out, &plan);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let formulas = book.worksheet_formula("Findings").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    let findings = rows(&mut book, "Findings");
    assert!(findings.iter().any(|r| s(&r[7]).starts_with("=HYPERLINK")));
}

/// Issue 10's "done when": a scan of 50+ mixed plans (pass, fail, waived,
/// unreadable, several per pilot, a city the notice does not designate,
/// opted out) with every auditor output at once, each consistent with JSON.
#[test]
fn fifty_mixed_plans_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for (i, src) in AUDIT_PLANS.iter().cycle().take(54).enumerate() {
        let bytes = std::fs::read(root.join(src)).unwrap();
        let name = std::path::Path::new(src)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        write(
            dir.path(),
            &format!("submitted/{:02}/{name}", i / 9),
            &bytes,
        );
        n += 1;
    }
    // Zhanjiang: a Guangdong city that is not one of the ten pilots.
    let jm = std::fs::read_to_string(root.join("examples/jiangmen-2021.toml")).unwrap();
    let zj = jm.replace("Jiangmen", "Zhanjiang").replace("江门", "湛江");
    write(dir.path(), "submitted/zhanjiang.toml", zj.as_bytes());
    n += 1;
    let out = dir.path().join("out");
    let o = cdocheck()
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2026-01-01",
            "--lang",
            "zh-CN",
            "--output",
            "html=out/r.html",
            "--output",
            "xlsx=out/r.xlsx",
            "--output",
            "letters=out/letters",
            "submitted",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), n);
    let failing: Vec<&str> = files
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let letters: Vec<_> = walk(&out.join("letters"));
    assert_eq!(
        letters.len(),
        failing.len() * 2,
        "a .docx and a .md per failing plan"
    );
    for p in &failing {
        let stem = p.strip_suffix(".toml").unwrap();
        assert!(
            out.join("letters").join(format!("{stem}.docx")).exists(),
            "{p}"
        );
    }
    let mut book: Xlsx<_> = open_workbook(out.join("r.xlsx")).unwrap();
    assert_eq!(rows(&mut book, "方案").len() - 1, n);
    let portfolio = rows(&mut book, "试点总体情况");
    assert!(portfolio
        .iter()
        .any(|r| s(&r[1]) == "非指定地区" && s(&r[4]) == "submitted/zhanjiang.toml"));
    let page = std::fs::read_to_string(out.join("r.html")).unwrap();
    for f in files {
        let path = f["path"].as_str().unwrap();
        assert!(page.contains(&format!("data-path=\"{path}\"")), "{path}");
    }
    assert!(page.contains("class=\"paths not-designated\""));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
