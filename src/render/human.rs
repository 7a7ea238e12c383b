//! The human views: each finding as a miette report with the file's lines
//! (`human`) or as one line (`concise`), then a one-line summary.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::{cite, safe, safe_source, tables, Config, Emitter, Finish};
use crate::finding::{Finding, Severity};
use crate::lang::Lang;
use crate::report::{FileReport, Summary};
use std::sync::Arc;

use crate::source::{Source, SourceDb, SourceId};

pub struct Human<'a> {
    handler: GraphicalReportHandler,
    cfg: Config<'a>,
}

impl<'a> Human<'a> {
    pub fn new(cfg: Config<'a>) -> Self {
        let theme = if cfg.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_links(false)
            .with_width(100);
        Human { handler, cfg }
    }

    /// One finding, against the source it points into.
    pub fn finding(&self, w: &mut dyn Write, source: &Source, f: &Finding) -> io::Result<()> {
        self.finding_in(w, source, quotable_text(source), f)
    }

    /// One finding, quoting `text` (the source made safe, shared by every
    /// finding of the file: a copy per finding made big files slow).
    fn finding_in(
        &self,
        w: &mut dyn Write,
        source: &Source,
        text: Arc<str>,
        f: &Finding,
    ) -> io::Result<()> {
        let diag = Report::new(source, text, f, self.cfg);
        let mut out = String::new();
        if self.handler.render_report(&mut out, &diag).is_err() {
            out = format!("{}: {}\n", f.code, safe(&f.message));
        }
        if self.cfg.lang == Lang::Zh {
            out = help_label_zh(out);
        }
        writeln!(w, "{out}")
    }
}

impl Emitter for Human<'_> {
    fn file(&mut self, w: &mut dyn Write, report: &FileReport, db: &SourceDb) -> io::Result<()> {
        let mut texts: Vec<(SourceId, Arc<str>)> = Vec::new();
        for l in &report.findings {
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
            self.finding_in(w, source, text, &l.finding)?;
        }
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, end: &Finish) -> io::Result<()> {
        let lang = self.cfg.lang;
        if self.cfg.summary {
            w.write_all(tables::plans(end.totals, lang).as_bytes())?;
            w.write_all(tables::portfolio(end.portfolio, lang).as_bytes())?;
        }
        if self.cfg.statistics {
            w.write_all(tables::statistics(end.totals, lang).as_bytes())?;
        }
        if let Some(stale) = end.totals.stale.as_ref().filter(|s| !s.is_empty()) {
            writeln!(
                w,
                "{}",
                lang.pick(
                    "baseline entries that no longer occur (remove them from the baseline):",
                    "基线中已不再出现的条目（可从基线中删除）："
                )
            )?;
            for e in stale {
                let unit = e
                    .unit
                    .as_deref()
                    .map(|u| match lang {
                        Lang::En => format!(" unit `{}`", safe(u)),
                        Lang::Zh => format!(" 单位 `{}`", safe(u)),
                    })
                    .unwrap_or_default();
                let key = e
                    .key
                    .as_deref()
                    .map(|k| match lang {
                        Lang::En => format!(" at `{}`", safe(k)),
                        Lang::Zh => format!(" 位置 `{}`", safe(k)),
                    })
                    .unwrap_or_default();
                writeln!(w, "  {} {}{unit}{key}", safe(&e.path), e.code)?;
            }
        }
        if !self.cfg.quiet {
            writeln!(w, "{}", summary_line(&end.totals.summary, lang))?;
        }
        Ok(())
    }
}

/// `checked 3 plans: 1 passed, 2 failed (…)`.
pub fn summary_line(s: &Summary, lang: Lang) -> String {
    let line = match lang {
        Lang::En => format!(
            "checked {} {}: {} passed, {} failed ({} {}, {} {}, {} info, {} waived)",
            s.files,
            plural(s.files, "plan"),
            s.passed,
            s.failed,
            s.errors,
            plural(s.errors, "error"),
            s.warnings,
            plural(s.warnings, "warning"),
            s.infos,
            s.waived
        ),
        Lang::Zh => format!(
            "已检查 {} 份方案：{} 份通过，{} 份未通过（{} 个错误，{} 个警告，{} 条提示，{} 项已按例外处理）",
            s.files, s.passed, s.failed, s.errors, s.warnings, s.infos, s.waived
        ),
    };
    match (s.baselined, lang) {
        (0, _) => line,
        (n, Lang::En) => format!("{line}; {n} baselined"),
        (n, Lang::Zh) => format!("{line}；{n} 项在基线内"),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
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
        for l in &report.findings {
            let f = &l.finding;
            // `CODE severity` is read by machines: the same in every language.
            let sev = if f.waived.is_some() {
                "waived"
            } else {
                f.severity.as_str()
            };
            let msg = safe(&f.message);
            let mark = match (&f.waived, f.baselined, self.cfg.lang) {
                (Some(_), _, Lang::Zh) => "（已按例外处理）",
                (None, true, Lang::En) => " (baselined)",
                (None, true, Lang::Zh) => "（基线内）",
                _ => "",
            };
            writeln!(
                w,
                "{}:{}:{}: {} {sev} {msg}{mark}",
                safe(&report.path),
                l.start.line,
                l.start.column,
                f.code
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, end: &Finish) -> io::Result<()> {
        if !self.cfg.quiet {
            writeln!(w, "{}", summary_line(&end.totals.summary, self.cfg.lang))?;
        }
        Ok(())
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
    fn new(source: &Source, text: Arc<str>, f: &Finding, cfg: Config) -> Self {
        let lang = cfg.lang;
        let waived = match (&f.waived, f.baselined, lang) {
            (None, false, _) => "",
            (Some(_), _, Lang::En) => " (waived)",
            (Some(_), _, Lang::Zh) => "（已按例外处理）",
            (None, true, Lang::En) => " (baselined)",
            (None, true, Lang::Zh) => "（基线内）",
        };
        let primary = f.label.as_deref().map(|l| safe(l).into_owned());
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            primary,
            f.at.span.clone(),
        )];
        labels.extend(
            f.labels
                .iter()
                .filter(|l| l.at.source == f.at.source)
                .map(|l| {
                    LabeledSpan::new_with_span(Some(safe(&l.text).into_owned()), l.at.span.clone())
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
        Report {
            // The code leads the headline, as in `× GD005: …`, not on a line of its own.
            message: match lang {
                Lang::En => format!("{}: {}{waived}{place}", f.code, safe(&f.message)),
                Lang::Zh => format!("{}：{}{waived}{place}", f.code, safe(&f.message)),
            },
            severity: match (f.waived.is_some() || f.baselined, f.severity) {
                (true, _) | (_, Severity::Info) => miette::Severity::Advice,
                (_, Severity::Warning) => miette::Severity::Warning,
                (_, Severity::Error) => miette::Severity::Error,
            },
            help: help_text(f, cfg),
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
fn help_text(f: &Finding, cfg: Config) -> Option<String> {
    let lang = cfg.lang;
    let mut lines = Vec::new();
    if let Some(h) = &f.help {
        lines.push(safe(h).into_owned());
    }
    if let Some(c) = &f.citation {
        let cites = safe(&cite::line(c, cfg.rules, lang)).into_owned();
        lines.push(lang.pick(
            format!("{cites} · more: cdocheck explain {}", f.code),
            format!("{cites} · 详见 cdocheck explain {}", f.code),
        ));
    }
    if let Some(w) = &f.waived {
        let (reason, by) = (safe(&w.reason), safe(&w.approved_by));
        lines.push(lang.pick(
            format!("waived: {reason} (approved by {by})"),
            format!("已按例外处理：{reason}（批准单位：{by}）"),
        ));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// miette labels the help `help:`; Chinese output says `建议：`, which is
/// as wide. The label is the first line that, without colour codes, starts
/// with `  help: ` (the headline, snippet lines and wrapped help lines
/// never do).
fn help_label_zh(out: String) -> String {
    let mut at = 0;
    for line in out.split_inclusive('\n') {
        if strip_ansi(line).starts_with("  help: ") {
            if let Some(i) = line.find("help: ") {
                let mut s = out;
                s.replace_range(at + i..at + i + "help: ".len(), "建议：");
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
