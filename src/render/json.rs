//! `--format json`: the documented wire format (shared/spec/json-output.md).
//! Fields are only ever added.

use std::io::{self, Write};

use serde::Serialize;

use crate::finding::{Citation, Finding, Severity};
use crate::report::{FileReport, Status, Summary};
use crate::source::SourceDb;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    files: Vec<File<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    jurisdiction: Option<&'a str>,
    rule_packs: &'a [String],
    status: Status,
    diagnostics: Vec<Diag<'a>>,
}

#[derive(Serialize)]
struct Diag<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    unit: Option<&'a str>,
    waived: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<Waiver<'a>>,
    citation: Option<&'a Citation>,
}

#[derive(Serialize)]
struct Waiver<'a> {
    reason: &'a str,
    approved_by: &'a str,
}

pub fn render(
    w: &mut dyn Write,
    db: &SourceDb,
    reports: &[FileReport],
    summary: &Summary,
) -> io::Result<()> {
    let doc = Document {
        version: 1,
        tool: Tool {
            name: "cdocheck",
            version: env!("CARGO_PKG_VERSION"),
        },
        files: reports.iter().map(|r| file(db, r)).collect(),
        summary: *summary,
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

fn file<'a>(db: &SourceDb, r: &'a FileReport) -> File<'a> {
    File {
        path: &r.path,
        jurisdiction: r.jurisdiction.as_deref(),
        rule_packs: &r.packs,
        status: r.status,
        diagnostics: r.findings.iter().map(|f| diag(db, &r.path, f)).collect(),
    }
}

fn diag<'a>(db: &SourceDb, path: &'a str, f: &'a Finding) -> Diag<'a> {
    let src = db.get(f.at.source);
    let (line, column) = src.line_col(f.at.span.start);
    let (end_line, end_column) = src.line_col(f.at.span.end);
    Diag {
        code: &f.code,
        severity: f.severity,
        message: &f.message,
        help: f.help.as_deref(),
        path,
        line,
        column,
        end_line,
        end_column,
        unit: f.unit.as_deref(),
        waived: f.waived.is_some(),
        waiver: f.waived.as_ref().map(|w| Waiver {
            reason: &w.reason,
            approved_by: &w.approved_by,
        }),
        citation: f.citation.as_deref(),
    }
}
