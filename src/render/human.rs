//! The human view: each finding as a miette report with the file's lines,
//! then a one-line summary.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::{safe, safe_source};
use crate::finding::{Finding, Severity};
use crate::report::{FileReport, Summary};
use crate::source::{Source, SourceDb};

pub struct Human {
    handler: GraphicalReportHandler,
}

impl Human {
    pub fn new(color: bool) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_links(false)
            .with_width(100);
        Human { handler }
    }

    /// Every finding of one file.
    pub fn file(&self, w: &mut dyn Write, db: &SourceDb, report: &FileReport) -> io::Result<()> {
        for f in &report.findings {
            self.finding(w, db.get(f.at.source), f)?;
        }
        Ok(())
    }

    /// One finding, against the source it points into.
    pub fn finding(&self, w: &mut dyn Write, source: &Source, f: &Finding) -> io::Result<()> {
        let diag = Report::new(source, f);
        let mut out = String::new();
        if self.handler.render_report(&mut out, &diag).is_err() {
            out = format!("{}: {}\n", f.code, f.message);
        }
        writeln!(w, "{out}")
    }

    pub fn summary(&self, w: &mut dyn Write, s: &Summary) -> io::Result<()> {
        let plans = if s.files == 1 { "plan" } else { "plans" };
        writeln!(
            w,
            "checked {} {plans}: {} passed, {} failed ({} {}, {} {}, {} info, {} waived)",
            s.files,
            s.passed,
            s.failed,
            s.errors,
            plural(s.errors, "error"),
            s.warnings,
            plural(s.warnings, "warning"),
            s.infos,
            s.waived
        )
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// A finding as miette wants it.
struct Report {
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    source: NamedSource<String>,
}

impl Report {
    fn new(source: &Source, f: &Finding) -> Self {
        let waived = if f.waived.is_some() { " (waived)" } else { "" };
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
        Report {
            // The code leads the headline, as in `× GD005: …`, not on a line of its own.
            message: format!("{}: {}{waived}", f.code, safe(&f.message)),
            severity: match (f.waived.is_some(), f.severity) {
                (true, _) | (_, Severity::Info) => miette::Severity::Advice,
                (_, Severity::Warning) => miette::Severity::Warning,
                (_, Severity::Error) => miette::Severity::Error,
            },
            help: help_text(f),
            labels,
            source: NamedSource::new(safe(&source.name), safe_source(&source.text).into_owned()),
        }
    }
}

/// Help, then where the rule comes from, then the waiver if one applies.
fn help_text(f: &Finding) -> Option<String> {
    let mut lines = Vec::new();
    if let Some(h) = &f.help {
        lines.push(safe(h).into_owned());
    }
    if let Some(c) = &f.citation {
        let section = c
            .section
            .as_deref()
            .map(|s| format!(" {s}"))
            .unwrap_or_default();
        let from = if c.provenance == "report" {
            "known from press reports"
        } else {
            "from the text"
        };
        lines.push(format!(
            "cites {}{section} ({from}) · more: cdocheck explain {}",
            c.document, f.code
        ));
    }
    if let Some(w) = &f.waived {
        lines.push(format!(
            "waived: {} (approved by {})",
            safe(&w.reason),
            safe(&w.approved_by)
        ));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
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
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}
