//! `--format csv`: a spreadsheet's view, RFC 4180. A header, then one row
//! per finding, streamed a file at a time:
//! `path,line,column,code,severity,waived,unit,message,citation,baselined`
//! (the last column added after the list, so the first nine stay
//! put; the citation column gives the provenance and the source).
//!
//! Records end in CRLF, as RFC 4180 says and as spreadsheets and Python's
//! `csv` module write them. A field holding `,`, `"`, CR or LF is quoted,
//! its quotes doubled. Plan text is made terminal-safe ([`safe_multiline`]:
//! line breaks stay, inside a quoted field), and a
//! field a spreadsheet would take for a formula (one starting with `=`, `+`,
//! `-`, `@`, tab or CR) gets a leading `'`, so that opening the file in a
//! spreadsheet never runs plan text as a formula.

use std::borrow::Cow;
use std::io::{self, Write};

use super::{cite, safe_multiline, Config, Emitter, Finish};
use crate::finding::Citation;
use crate::report::FileReport;
use crate::source::SourceDb;

const HEADER: [&str; 10] = [
    "path",
    "line",
    "column",
    "code",
    "severity",
    "waived",
    "unit",
    "message",
    "citation",
    "baselined",
];

pub struct Csv<'a> {
    cfg: Config<'a>,
    header: bool,
}

impl<'a> Csv<'a> {
    pub fn new(cfg: Config<'a>) -> Self {
        Csv { cfg, header: false }
    }

    fn header(&mut self, w: &mut dyn Write) -> io::Result<()> {
        if !self.header {
            self.header = true;
            record(w, &HEADER.map(Cow::from))?;
        }
        Ok(())
    }
}

impl Emitter for Csv<'_> {
    fn file(&mut self, w: &mut dyn Write, report: &FileReport, _: &SourceDb) -> io::Result<()> {
        self.header(w)?;
        for l in &report.findings {
            let f = &l.finding;
            let message = f.message.get(self.cfg.lang);
            let row = [
                text(&report.path),
                l.start.line.to_string().into(),
                l.start.column.to_string().into(),
                text(&f.code),
                f.severity.as_str().into(),
                (if f.waived.is_some() { "true" } else { "false" }).into(),
                f.unit.as_deref().map(text).unwrap_or_default(),
                text(&message),
                f.citation
                    .as_deref()
                    .map(|c| citation(c, self.cfg))
                    .unwrap_or_default(),
                (if f.baselined { "true" } else { "false" }).into(),
            ];
            record(w, &row)?;
        }
        Ok(())
    }

    /// A run with no files still gets its header.
    fn finish(&mut self, w: &mut dyn Write, _: &Finish) -> io::Result<()> {
        self.header(w)
    }
}

/// `document section (provenance; source: …)` ([`cite::column`]).
fn citation(c: &Citation, cfg: Config) -> Cow<'static, str> {
    let shown = cite::column(c, cfg.rules, cfg.lang);
    text(&shown).into_owned().into()
}

/// Plan or rule text: terminal-safe, and never a spreadsheet formula.
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    let s = safe_multiline(s);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s
    }
}

fn record(w: &mut dyn Write, fields: &[Cow<str>]) -> io::Result<()> {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        w.write_all(quote(field).as_bytes())?;
    }
    w.write_all(b"\r\n")
}

/// RFC 4180 quoting: only where needed, embedded quotes doubled.
pub fn quote(field: &str) -> Cow<'_, str> {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\"")).into()
    } else {
        field.into()
    }
}
