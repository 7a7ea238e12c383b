//! `--format json`: the documented wire format (docs/json-output.md), written
//! a file at a time so a batch of any size is never held whole.
//! Fields are only ever added.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

use serde::Serialize;
use serde_json::value::RawValue;

use super::{Config, Emitter, Finish};
use crate::evidence::RunInfo;
use crate::finding::{Citation, Severity};
use crate::lang::Lang;
use crate::portfolio::Portfolio;
use crate::report::Entry;
use crate::report::{FileReport, Located, Status, Summary};
use crate::source::SourceDb;

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    jurisdiction: Option<&'a str>,
    rule_packs: &'a [String],
    status: Status,
    /// Of the bytes read; `null` when the file could not be read.
    sha256: Option<&'a str>,
    diagnostics: Vec<Diag<'a>>,
}

#[derive(Serialize)]
struct Diag<'a> {
    code: &'a str,
    severity: Severity,
    message: String,
    help: Option<String>,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    unit: Option<&'a str>,
    waived: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<Waiver<'a>>,
    baselined: bool,
    key: Option<&'a str>,
    /// The item of a rule the finding is about (a missing required unit,
    /// a left-out pack): part of its fingerprint, so `diff` can tell two
    /// findings of one rule at one key apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<&'a str>,
    citation: Option<&'a RawValue>,
    /// On the entry standing for the findings beyond the cap: how many.
    #[serde(skip_serializing_if = "Option::is_none")]
    omitted: Option<usize>,
    /// The repair the finding knows (additive: only when it has one).
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixOut>,
}

#[derive(Serialize)]
struct FixOut {
    title: String,
    safe: bool,
    edits: Vec<EditOut>,
}

#[derive(Serialize)]
struct EditOut {
    start: Pos,
    end: Pos,
    text: String,
}

/// 1-based line and column in characters, as a finding's own.
#[derive(Serialize)]
struct Pos {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Waiver<'a> {
    reason: &'a str,
    approved_by: &'a str,
}

#[derive(Serialize)]
struct Tail<'a> {
    summary: &'a Summary,
    portfolio: &'a Portfolio,
    #[serde(skip_serializing_if = "Option::is_none")]
    stale_baseline: Option<&'a [Entry]>,
}

pub struct Json {
    files: usize,
    lang: Lang,
    /// One file's entry, serialised: kept between files so that a run
    /// reuses one buffer, and each file is one write.
    entry: Vec<u8>,
    run: Option<RunInfo>,
    cites: Cites,
}

/// Each rule's citation as its findings show it, written once: a rule cites
/// the same clause in every finding, and the citations are two fifths of a
/// large scan's JSON. Keyed by the shared citation's address; the entry
/// holds that citation, so the address is not reused while it is kept.
#[derive(Default)]
struct Cites(HashMap<usize, (Arc<Citation>, Box<RawValue>)>);

impl Cites {
    /// The level a finding's citation is written at: in `files`, in a
    /// file's `diagnostics`, in a finding.
    const LEVEL: usize = 5;

    fn learn(&mut self, c: &Arc<Citation>) -> io::Result<()> {
        let key = Arc::as_ptr(c) as usize;
        if self.0.contains_key(&key) {
            return Ok(());
        }
        let mut text = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut text, Nested::at(Self::LEVEL));
        c.serialize(&mut ser)?;
        let text = String::from_utf8(text).map_err(io::Error::other)?;
        let raw = RawValue::from_string(text)?;
        self.0.insert(key, (Arc::clone(c), raw));
        Ok(())
    }

    fn get(&self, c: &Arc<Citation>) -> Option<&RawValue> {
        self.0
            .get(&(Arc::as_ptr(c) as usize))
            .map(|(_, raw)| &**raw)
    }
}

impl Json {
    pub fn new(cfg: Config) -> Self {
        Json {
            files: 0,
            lang: cfg.lang,
            entry: Vec::new(),
            run: cfg.run.cloned(),
            cites: Cites::default(),
        }
    }

    fn head(&self, w: &mut dyn Write) -> io::Result<()> {
        let version = env!("CARGO_PKG_VERSION");
        write!(w, "{{\n  \"version\": 1,\n  \"tool\": {{ \"name\": \"cdocheck\", \"version\": \"{version}\" }},\n")?;
        if let Some(run) = &self.run {
            w.write_all(b"  \"run\": ")?;
            run.serialize(&mut serde_json::Serializer::with_formatter(
                &mut *w,
                Nested::at(1),
            ))?;
            w.write_all(b",\n")?;
        }
        write!(w, "  \"files\": [")
    }
}

impl Emitter for Json {
    fn file(&mut self, w: &mut dyn Write, report: &FileReport, db: &SourceDb) -> io::Result<()> {
        if self.files == 0 {
            self.head(w)?;
        }
        self.entry.clear();
        self.entry.extend_from_slice(if self.files == 0 {
            b"\n    "
        } else {
            b",\n    "
        });
        self.files += 1;
        for c in report
            .findings
            .iter()
            .filter_map(|l| l.finding.citation.as_ref())
        {
            self.cites.learn(c)?;
        }
        let file = File {
            path: &report.path,
            jurisdiction: report.facts.jurisdiction.as_deref(),
            rule_packs: &report.packs,
            status: report.status,
            sha256: report.sha256.as_deref(),
            diagnostics: report
                .findings
                .iter()
                .map(|l| diag(&report.path, l, self.lang, db, &self.cites))
                .collect(),
        };
        let mut ser = serde_json::Serializer::with_formatter(&mut self.entry, Nested::at(2));
        file.serialize(&mut ser)?;
        w.write_all(&self.entry)
    }

    fn finish(&mut self, w: &mut dyn Write, end: &Finish) -> io::Result<()> {
        if self.files == 0 {
            self.head(w)?;
        }
        let tail = Tail {
            summary: &end.totals.summary,
            portfolio: end.portfolio,
            stale_baseline: end.totals.stale.as_deref(),
        };
        // `{ "summary": … }` continues the document after the files array:
        // streamed without its opening `{` and line break, never held whole
        // (the portfolio of a large scan names every plan).
        w.write_all(b"\n  ],\n")?;
        let mut body = SkipOpening { w, skip: 2 };
        serde_json::to_writer_pretty(&mut body, &tail)?;
        w.write_all(b"\n")
    }
}

/// A writer that drops the first `skip` bytes written to it.
struct SkipOpening<'w> {
    w: &'w mut dyn Write,
    skip: usize,
}

impl Write for SkipOpening<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let dropped = self.skip.min(buf.len());
        self.skip -= dropped;
        self.w.write_all(&buf[dropped..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// serde_json's pretty format (two spaces a level), its lines indented
/// `level` levels deep to sit inside the document: an entry of `files` is
/// written indented in one pass, not indented again after.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn at(level: usize) -> Self {
        Nested {
            level,
            has_value: false,
        }
    }

    fn line<W: ?Sized + Write>(&self, w: &mut W, start: &[u8]) -> io::Result<()> {
        w.write_all(start)?;
        (0..self.level).try_for_each(|_| w.write_all(b"  "))
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.line(w, b"\n")?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.line(w, if first { b"\n" } else { b",\n" })
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.line(w, b"\n")?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.line(w, if first { b"\n" } else { b",\n" })
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

fn diag<'a>(
    path: &'a str,
    l: &'a Located,
    lang: Lang,
    db: &SourceDb,
    cites: &'a Cites,
) -> Diag<'a> {
    let f = &l.finding;
    let fix = f.fix.as_ref().map(|x| {
        let source = db.get(f.at.source);
        let pos = |at: usize| {
            let (line, column) = source.line_col(at);
            Pos { line, column }
        };
        FixOut {
            title: x.title.get(lang),
            safe: x.safe,
            edits: x
                .edits
                .iter()
                .map(|e| EditOut {
                    start: pos(e.span.start),
                    end: pos(e.span.end),
                    text: e.text.clone(),
                })
                .collect(),
        }
    });
    Diag {
        code: &f.code,
        severity: f.severity,
        message: f.message.get(lang),
        help: f.help.as_ref().map(|h| h.get(lang)),
        path,
        line: l.start.line,
        column: l.start.column,
        end_line: l.end.line,
        end_column: l.end.column,
        unit: f.unit.as_deref(),
        waived: f.waived.is_some(),
        waiver: f.waived.as_ref().map(|w| Waiver {
            reason: &w.reason,
            approved_by: &w.approved_by,
        }),
        baselined: f.baselined,
        key: f.key.as_deref(),
        item: f.item.as_deref(),
        citation: f.citation.as_ref().and_then(|c| cites.get(c)),
        omitted: l.omitted,
        fix,
    }
}
