//! The xlsx Waivers sheet (and the HTML report's register) is the waiver
//! register: a row per `[[waiver]]`, as `cdocheck waivers` lists it.

use calamine::{open_workbook, Data, Xlsx};
use serde_json::Value;

use crate::common::{run, stderr, stdout};
use crate::xlsx::{rows, s};

const AUDIT: &str = "tests/fixtures/audit";
const TODAY: &str = "2026-01-01";

fn register() -> Vec<Value> {
    let o = run(&["waivers", "--format", "json", "--today", TODAY, AUDIT]);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(&o), stderr(&o)));
    v["waivers"].as_array().unwrap().clone()
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn number(d: &Data) -> String {
    match d {
        Data::Float(f) => format!("{}", *f as i64),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn waivers_sheet_rows_equal_the_register() {
    let want = register();
    assert!(want.len() >= 5, "the fixture has several waivers");
    let states: std::collections::BTreeSet<String> =
        want.iter().map(|w| text(&w["state"])).collect();
    assert!(states.len() >= 3, "several states: {states:?}");

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.xlsx");
    let spec = format!("xlsx={}", out.display());
    let o = run(&[
        "check", "--today", TODAY, "--lang", "en", "--output", &spec, AUDIT,
    ]);
    assert!(out.exists(), "no workbook: {}", stderr(&o));
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let sheet = rows(&mut book, "Waivers");
    let header: Vec<String> = sheet[0].iter().map(s).collect();
    assert_eq!(
        header,
        [
            "path",
            "line",
            "rule",
            "unit",
            "reason",
            "approved by",
            "expires",
            "days left",
            "state"
        ]
    );
    let got: Vec<Vec<String>> = sheet[1..]
        .iter()
        .map(|r| {
            let mut row: Vec<String> = r.iter().map(s).collect();
            row.resize(9, String::new());
            row[1] = number(&r[1]);
            row[7] = r.get(7).map(number).unwrap_or_default();
            row
        })
        .collect();
    let want: Vec<Vec<String>> = want
        .iter()
        .map(|w| {
            let f = |k: &str| text(&w[k]);
            vec![
                f("path"),
                f("line"),
                f("rule"),
                f("unit"),
                f("reason"),
                f("approved_by"),
                f("expires"),
                f("days_left"),
                // The sheet says the state in the reader's words.
                f("state").replace('-', " "),
            ]
        })
        .collect();
    assert_eq!(got, want);
}

#[test]
fn waivers_sheet_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("报告.xlsx");
    let spec = format!("xlsx={}", out.display());
    run(&[
        "check", "--today", TODAY, "--lang", "zh-CN", "--output", &spec, AUDIT,
    ]);
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let sheet = rows(&mut book, "例外");
    assert_eq!(sheet.len() - 1, register().len());
    let header: Vec<String> = sheet[0].iter().map(s).collect();
    assert!(
        header.iter().all(|h| !h.is_ascii()),
        "Chinese headers: {header:?}"
    );
}
