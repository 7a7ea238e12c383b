//! The workbook's parts are, byte for byte, what rust_xlsxwriter (in its
//! constant-memory mode, which wrote this output before) writes for the
//! same cells: what Excel reads from it was settled there.

use std::io::{Cursor, Read};

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::book::{self, Sheet};
use super::cells::{Rows, MAX_CELL, V};

/// Cells that take every escape and limit.
fn values(long: &str) -> Vec<Vec<V<'_>>> {
    vec![
        vec![V::S("plain"), V::N(3), V::B(true), V::I(-42), V::S("<&>")],
        vec![
            V::S(" lead"),
            V::S("trail\n"),
            V::S("\ttab"),
            V::Empty,
            V::S(""),
        ],
        vec![
            V::S("ctl \u{1}\u{8}\u{b}\r\u{1f}"),
            V::S("_x0041_ _x12G4_ __x0000_"),
        ],
        vec![
            V::S("\u{fffe}\u{ffff}"),
            V::N(9_007_199_254_740_993),
            V::B(false),
        ],
        vec![V::Empty, V::S("")],
        vec![V::S("首席数据官"), V::S(long), V::I(i64::MAX)],
    ]
}

/// The cell text as this module cuts it, for rust_xlsxwriter, which
/// refuses longer text.
fn cut(s: &str) -> String {
    match s.char_indices().nth(MAX_CELL - 1) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

fn parts(bytes: Vec<u8>) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        out.push((f.name().to_string(), text));
    }
    out
}

fn ours(names: &[&str], widths: &[u32], header: &[&str], rows: &[Vec<V>]) -> Vec<u8> {
    let mut sheets = Vec::new();
    for name in names {
        let mut head = Rows::default();
        let h: Vec<V> = header.iter().map(|s| V::S(s)).collect();
        head.push(&h, true);
        let mut sheet = Sheet::new(name.to_string(), widths.to_vec(), &head).unwrap();
        let mut data = Rows::default();
        for r in rows {
            data.push(r, false);
        }
        sheet.append(&data.xml).unwrap();
        sheets.push(sheet);
    }
    let mut out = Vec::new();
    book::save(sheets, &mut out).unwrap();
    out
}

fn theirs(names: &[&str], widths: &[u32], header: &[&str], rows: &[Vec<V>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let epoch = ExcelDateTime::from_ymd(1980, 1, 1).unwrap();
    book.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    let bold = Format::new().set_bold();
    for name in names {
        let ws = book.add_worksheet_with_constant_memory();
        ws.set_name(*name).unwrap();
        for (c, (w, h)) in widths.iter().zip(header).enumerate() {
            ws.set_column_width(c as u16, f64::from(*w)).unwrap();
            ws.write_string_with_format(0, c as u16, *h, &bold).unwrap();
        }
        ws.set_freeze_panes(1, 0).unwrap();
        for (r, row) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    V::S(s) => drop(ws.write_string(r, c, cut(s)).unwrap()),
                    V::N(n) => drop(ws.write_number(r, c, *n as f64).unwrap()),
                    V::I(n) => drop(ws.write_number(r, c, *n as f64).unwrap()),
                    V::B(b) => drop(ws.write_boolean(r, c, *b).unwrap()),
                    V::Empty => {}
                }
            }
        }
        let last = rows.len() as u32;
        ws.autofilter(0, 0, last, widths.len() as u16 - 1).unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn parts_are_what_rust_xlsxwriter_writes() {
    let long = "长".repeat(MAX_CELL + 5);
    let rows = values(&long);
    let widths = [40, 7, 7, 12, 30];
    let header = ["path", "line", "column", "code", "message"];
    for names in [&["Plans", "Findings"][..], &["方案", "问题", "例外"][..]] {
        let a = parts(ours(names, &widths, &header, &rows));
        let b = parts(theirs(names, &widths, &header, &rows));
        let names_of =
            |p: &[(String, String)]| p.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names_of(&a), names_of(&b));
        for ((name, ours), (_, theirs)) in a.iter().zip(&b) {
            assert_eq!(ours, theirs, "{name}");
        }
    }
}

#[test]
fn a_sheet_with_only_its_header() {
    let a = parts(ours(&["Waivers"], &[40, 7], &["path", "line"], &[]));
    let b = parts(theirs(&["Waivers"], &[40, 7], &["path", "line"], &[]));
    assert_eq!(a, b);
}
