//! The human views: each finding as a miette report with the file's lines
//! (`human`) or as one line (`concise`), then a one-line summary.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::{cite, mark, safe, safe_source, tables, Config, Emitter, Finish, Level};
use crate::finding::Finding;
use crate::lang::Lang;
use crate::message::Message;
use crate::report::{FileReport, Located, Summary};
use crate::rules::Check;
use std::sync::Arc;

use crate::source::{Source, SourceDb, SourceId};

pub struct Human<'a> {
    handler: GraphicalReportHandler,
    cfg: Config<'a>,
    /// `check --verbose`: each placeholder finding in full, not one summary
    /// per plan.
    verbose: bool,
}

/// How many placeholders a plan's summary names before "… and K more".
const PLACEHOLDERS_NAMED: usize = 8;

/// How much of a placeholder's value the summary quotes, in characters.
const PLACEHOLDER_QUOTED: usize = 40;

impl<'a> Human<'a> {
    pub fn new(cfg: Config<'a>) -> Self {
        let theme = if cfg.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        // Wrapped between words only: ids such as `decision-making` are
        // never split at their hyphen, nor broken when longer than a line.
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_links(false)
            .with_width(100)
            .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
            .with_break_words(false);
        Human {
            handler,
            cfg,
            verbose: false,
        }
    }

    /// `check --verbose`: list each placeholder as any other finding.
    pub fn verbose(mut self, on: bool) -> Self {
        self.verbose = on;
        self
    }

    /// A finding that a summary per plan stands for: one of a `placeholder`
    /// rule (CORE008), neither waived nor baselined (those show as such).
    fn summarised(&self, f: &Finding) -> bool {
        !self.verbose
            && f.waived.is_none()
            && !f.baselined
            && self
                .cfg
                .rules
                .rule(&f.code)
                .is_some_and(|r| matches!(r.check, Check::Placeholder))
    }

    /// The plan's placeholders as one report: how many, the first few by
    /// line and key, how to see them all. A rendering choice only: the
    /// findings, their counts and every other format are unchanged.
    fn placeholders(
        &self,
        w: &mut dyn Write,
        db: &SourceDb,
        path: &str,
        all: &[&Located],
    ) -> io::Result<()> {
        let lang = self.cfg.lang;
        let first = &all[0].finding;
        let count: usize = all.iter().map(|l| 1 + l.omitted.unwrap_or(0)).sum();
        let message = Message::new("human.placeholders")
            .arg("count", count.to_string())
            .arg("path", safe(path).into_owned());
        let headline = Message::new("human.headline")
            .arg("code", safe(&first.code).into_owned())
            .arg("message", message)
            .arg("mark", String::new())
            .arg("place", String::new());
        let mut lines = vec![Message::new("human.placeholders.help").get(lang)];
        for l in all
            .iter()
            .filter(|l| l.omitted.is_none())
            .take(PLACEHOLDERS_NAMED)
        {
            let f = &l.finding;
            let text = &db.get(f.at.source).text;
            let value = text.get(f.at.span.clone()).unwrap_or_default();
            let mut value: String = value.chars().take(PLACEHOLDER_QUOTED).collect();
            if value.chars().count() < text.get(f.at.span.clone()).map_or(0, |v| v.chars().count())
            {
                value.push('…');
            }
            let what = match &f.key {
                Some(k) => format!("{} = {}", safe(k), safe(&value)),
                None => safe(&value).into_owned(),
            };
            let item = Message::new("human.placeholders.item")
                .arg("line", l.start.line.to_string())
                .arg("what", what);
            lines.push(format!("  {}", item.get(lang)));
        }
        let named = all.len().min(PLACEHOLDERS_NAMED);
        if count > named {
            let more =
                Message::new("human.placeholders.more").arg("count", (count - named).to_string());
            lines.push(format!("  {}", more.get(lang)));
        }
        if let Some(c) = &first.citation {
            let cites = safe(&cite::line(c, self.cfg.rules, lang)).into_owned();
            let more = Message::new("human.citation")
                .arg("cites", cites)
                .arg("code", safe(&first.code).into_owned());
            lines.push(more.get(lang));
        }
        let diag = Report {
            message: headline.get(lang),
            severity: match Level::shown(first) {
                Level::Note => miette::Severity::Advice,
                Level::Warning => miette::Severity::Warning,
                Level::Error => miette::Severity::Error,
            },
            help: Some(lines.join("\n")),
            labels: Vec::new(),
            source: None,
        };
        let mut out = String::new();
        if self.handler.render_report(&mut out, &diag).is_err() {
            out = format!("{}\n", diag.message);
        }
        out = help_label(out, &Message::new("human.help-label").get(lang));
        writeln!(w, "{out}")
    }

    /// One finding, against the source it points into.
    pub fn finding(&self, w: &mut dyn Write, db: &SourceDb, f: &Finding) -> io::Result<()> {
        let source = db.get(f.at.source);
        self.finding_in(w, db, quotable_text(source), f)
    }

    /// One finding, quoting `text` (the source made safe, shared by every
    /// finding of the file: a copy per finding made big files slow).
    fn finding_in(
        &self,
        w: &mut dyn Write,
        db: &SourceDb,
        text: Arc<str>,
        f: &Finding,
    ) -> io::Result<()> {
        let diag = Report::new(db, text, f, self.cfg);
        let mut out = String::new();
        if self.handler.render_report(&mut out, &diag).is_err() {
            out = format!(
                "{}: {}\n",
                safe(&f.code),
                safe(&f.message.get(self.cfg.lang))
            );
        }
        out = help_label(out, &Message::new("human.help-label").get(self.cfg.lang));
        writeln!(w, "{out}")
    }
}

impl Emitter for Human<'_> {
    fn file(&mut self, w: &mut dyn Write, report: &FileReport, db: &SourceDb) -> io::Result<()> {
        if self.cfg.quiet {
            return Ok(());
        }
        // Two or more placeholders (an unfilled skeleton has dozens) show as
        // one summary, where the first of them would have shown.
        let summarised: Vec<&Located> = report
            .findings
            .iter()
            .filter(|l| self.summarised(&l.finding))
            .collect();
        let group = summarised.len() >= 2;
        let mut grouped = false;
        let mut texts: Vec<(SourceId, Arc<str>)> = Vec::new();
        for l in &report.findings {
            if group && self.summarised(&l.finding) {
                if !grouped {
                    grouped = true;
                    self.placeholders(w, db, &report.path, &summarised)?;
                }
                continue;
            }
            let id = l.finding.at.source;
            let source = db.get(id);
            let text = match texts.iter().find(|(i, _)| *i == id) {
                Some((_, t)) => t.clone(),
                None => {
                    let t = quotable_text(source);
                    texts.push((id, t.clone()));
                    t
                }
            };
            self.finding_in(w, db, text, &l.finding)?;
        }
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, end: &Finish) -> io::Result<()> {
        let lang = self.cfg.lang;
        write_tables(w, self.cfg, end)?;
        if let Some(stale) = end.totals.stale.as_ref().filter(|s| !s.is_empty()) {
            writeln!(w, "{}", Message::new("human.stale").get(lang))?;
            for e in stale {
                let unit = e
                    .unit
                    .as_deref()
                    .map(|u| {
                        let m = Message::new("human.stale.unit").arg("unit", safe(u).into_owned());
                        format!(" {}", m.get(lang))
                    })
                    .unwrap_or_default();
                let key = e
                    .key
                    .as_deref()
                    .map(|k| {
                        let m = Message::new("human.stale.key").arg("key", safe(k).into_owned());
                        format!(" {}", m.get(lang))
                    })
                    .unwrap_or_default();
                writeln!(w, "  {} {}{unit}{key}", safe(&e.path), safe(&e.code))?;
            }
        }
        writeln!(w, "{}", summary_line(&end.totals.summary, lang))
    }
}

/// `--summary` and `--statistics`: the auditor's tables, in every format
/// that prints them (human, concise).
fn write_tables(w: &mut dyn Write, cfg: Config, end: &Finish) -> io::Result<()> {
    let lang = cfg.lang;
    if cfg.summary {
        w.write_all(tables::plans(end.totals, lang).as_bytes())?;
        w.write_all(tables::portfolio(end.portfolio, lang).as_bytes())?;
    }
    if cfg.statistics {
        w.write_all(tables::statistics(end.totals, lang).as_bytes())?;
    }
    Ok(())
}

/// `checked 3 plans: 1 passed, 2 failed (…)`.
pub fn summary_line(s: &Summary, lang: Lang) -> String {
    let count = |n: usize, one: Message, many: Message| {
        if n == 1 { one } else { many }.arg("count", n.to_string())
    };
    let line = Message::new("summary.line")
        .arg(
            "plans",
            count(
                s.files,
                Message::new("summary.plans.one"),
                Message::new("summary.plans.many"),
            ),
        )
        .arg("passed", s.passed.to_string())
        .arg("failed", s.failed.to_string())
        .arg(
            "errors",
            count(
                s.errors,
                Message::new("summary.errors.one"),
                Message::new("summary.errors.many"),
            ),
        )
        .arg(
            "warnings",
            count(
                s.warnings,
                Message::new("summary.warnings.one"),
                Message::new("summary.warnings.many"),
            ),
        )
        .arg("infos", s.infos.to_string())
        .arg("waived", s.waived.to_string());
    match s.baselined {
        0 => line.get(lang),
        n => Message::new("summary.baselined")
            .arg("line", line)
            .arg("count", n.to_string())
            .get(lang),
    }
}

/// `--format concise`: `path:line:col: CODE severity message`.
pub struct Concise<'a> {
    cfg: Config<'a>,
}

impl<'a> Concise<'a> {
    pub fn new(cfg: Config<'a>) -> Self {
        Concise { cfg }
    }
}

impl Emitter for Concise<'_> {
    fn file(&mut self, w: &mut dyn Write, report: &FileReport, _: &SourceDb) -> io::Result<()> {
        if self.cfg.quiet {
            return Ok(());
        }
        for l in &report.findings {
            let f = &l.finding;
            // `CODE severity` is read by machines: the same in every language.
            let sev = if f.waived.is_some() {
                "waived"
            } else if f.baselined {
                // Not an error any more than a waived one: CI greps these.
                "baselined"
            } else {
                f.severity.as_str()
            };
            let msg = f.message.get(self.cfg.lang);
            let msg = safe(&msg);
            // The `waived` and `baselined` tokens say it in English; the mark
            // says it in words.
            let mark = match (&f.waived, f.baselined) {
                (Some(_), _) => Some(Message::new("concise.waived")),
                (None, true) => Some(Message::new("concise.baselined")),
                _ => mark(f),
            };
            let mark = mark.map(|m| m.get(self.cfg.lang)).unwrap_or_default();
            writeln!(
                w,
                "{}:{}:{}: {} {sev} {msg}{mark}",
                safe(&report.path),
                l.start.line,
                l.start.column,
                safe(&f.code)
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, end: &Finish) -> io::Result<()> {
        write_tables(w, self.cfg, end)?;
        writeln!(w, "{}", summary_line(&end.totals.summary, self.cfg.lang))
    }
}

/// A finding as miette wants it.
struct Report {
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    /// `None` when a line is too long to quote (see [`MAX_QUOTED_LINE`]).
    source: Option<NamedSource<Arc<str>>>,
}

/// Lines longer than this (in bytes) are not quoted: the snippet would not
/// help, and miette panics on columns past 65,535. The headline then carries
/// the position instead.
const MAX_QUOTED_LINE: usize = 4096;

/// The longest line any of these spans touches, in bytes.
fn longest_line(text: &str, spans: impl Iterator<Item = std::ops::Range<usize>>) -> usize {
    spans
        .map(|sp| {
            let start = text
                .get(..sp.start.min(text.len()))
                .and_then(|t| t.rfind('\n'))
                .map_or(0, |i| i + 1);
            let end_at = sp.end.clamp(sp.start, text.len());
            let end = text
                .get(end_at..)
                .and_then(|t| t.find('\n'))
                .map_or(text.len(), |i| end_at + i);
            text.get(start..end)
                .map_or(0, |l| l.split('\n').map(str::len).max().unwrap_or(0))
        })
        .max()
        .unwrap_or(0)
}

impl Report {
    fn new(db: &SourceDb, text: Arc<str>, f: &Finding, cfg: Config) -> Self {
        let source = db.get(f.at.source);
        let lang = cfg.lang;
        let primary = f.label.as_ref().map(|l| safe(&l.get(lang)).into_owned());
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            primary,
            f.at.span.clone(),
        )];
        labels.extend(
            f.labels
                .iter()
                .filter(|l| l.at.source == f.at.source)
                .map(|l| {
                    let text = safe(&l.text.get(lang)).into_owned();
                    LabeledSpan::new_with_span(Some(text), l.at.span.clone())
                }),
        );
        let spans = labels.iter().map(|l| l.offset()..l.offset() + l.len());
        let quotable = longest_line(&source.text, spans) <= MAX_QUOTED_LINE;
        let place = if quotable {
            String::new()
        } else {
            let (line, col) = source.line_col(f.at.span.start);
            format!(" ({}:{line}:{col})", safe(&source.name))
        };
        let message = f.message.get(lang);
        // The code leads the headline, as in `× GD005: …`, not on a line of its own.
        let headline = Message::new("human.headline")
            .arg("code", safe(&f.code).into_owned())
            .arg("message", safe(&message).into_owned())
            .arg("mark", mark(f).map(|m| m.get(lang)).unwrap_or_default())
            .arg("place", place);
        Report {
            message: headline.get(lang),
            severity: match Level::shown(f) {
                Level::Note => miette::Severity::Advice,
                Level::Warning => miette::Severity::Warning,
                Level::Error => miette::Severity::Error,
            },
            help: help_text(f, db, cfg),
            labels: if quotable { labels } else { Vec::new() },
            source: quotable.then(|| NamedSource::new(safe(&source.name), text)),
        }
    }
}

/// The source as a snippet may quote it: itself (shared) when safe, else a
/// sanitised copy.
fn quotable_text(source: &Source) -> Arc<str> {
    match safe_source(&source.text) {
        std::borrow::Cow::Borrowed(_) => source.text.clone(),
        std::borrow::Cow::Owned(s) => s.into(),
    }
}

/// Help, then where the rule comes from (clause, provenance, source), then
/// the waiver if one applies.
fn help_text(f: &Finding, db: &SourceDb, cfg: Config) -> Option<String> {
    let lang = cfg.lang;
    let mut lines = Vec::new();
    if let Some(h) = &f.help {
        lines.push(safe(&h.get(lang)).into_owned());
    }
    // A snippet quotes one file: labels in another (a rule's first
    // definition in another pack) are named by place.
    for l in f.labels.iter().filter(|l| l.at.source != f.at.source) {
        let source = db.get(l.at.source);
        let (line, col) = source.line_col(l.at.span.start);
        let place = format!("{}:{line}:{col}", safe(&source.name));
        let elsewhere = Message::new("human.elsewhere")
            .arg("label", safe(&l.text.get(lang)).into_owned())
            .arg("place", place);
        lines.push(elsewhere.get(lang));
    }
    if let Some(c) = &f.citation {
        let cites = safe(&cite::line(c, cfg.rules, lang)).into_owned();
        let more = Message::new("human.citation")
            .arg("cites", cites)
            .arg("code", safe(&f.code).into_owned());
        lines.push(more.get(lang));
    }
    if let Some(w) = &f.waived {
        let waived = Message::new("human.waived")
            .arg("reason", safe(&w.reason).into_owned())
            .arg("by", safe(&w.approved_by).into_owned());
        lines.push(waived.get(lang));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// miette labels the help `help: `; the output says `label` instead (in
/// Chinese `建议：`, which is as wide). The label is the first line that,
/// without colour codes, starts with `  help: ` (the headline, snippet lines
/// and wrapped help lines never do).
fn help_label(out: String, label: &str) -> String {
    if label == "help: " {
        return out;
    }
    let mut at = 0;
    for line in out.split_inclusive('\n') {
        if strip_ansi(line).starts_with("  help: ") {
            if let Some(i) = line.find("help: ") {
                let mut s = out;
                s.replace_range(at + i..at + i + "help: ".len(), label);
                return s;
            }
        }
        at += line.len();
    }
    out
}

/// The text without ANSI colour sequences (`ESC [ … m`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl Diagnostic for Report {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}
