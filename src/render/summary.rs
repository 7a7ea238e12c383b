//! The GitHub job summary: Markdown appended to `$GITHUB_STEP_SUMMARY` when
//! the run shows annotations (`--format github` or `--output github=…`).
//! The totals, then a table per plan with its findings. It is human-facing,
//! so it follows `--lang` and the environment (json-output.md, "Languages").
//!
//! Everything from a file (paths, messages quoting plan values) is escaped
//! as Markdown: a plan cannot add a link, an image, HTML or a table column.
//! GitHub refuses a step summary over 1 MiB, so this one stays under
//! [`MAX_BYTES`] and each plan shows at most [`MAX_ROWS`] findings; what is
//! left out is counted, and the totals always cover every finding.
//!
//! Nothing is written until the run ends, in one piece, so a run that stops
//! early leaves the file as it was; the caller opens it for appending only.

use std::io::{self, Write};

use super::human::summary_line;
use super::{mark, safe, severity_word, Config, Emitter, Finish};
use crate::lang::Lang;
use crate::message::Message;
use crate::report::{FileReport, Status};
use crate::source::SourceDb;

/// Findings shown per plan; the rest are counted in a line under its table.
pub const MAX_ROWS: usize = 100;

/// The most this summary adds to the file: half of GitHub's 1 MiB limit per
/// step, leaving room for whatever else the step writes there.
pub const MAX_BYTES: usize = 512 * 1024;

/// Room kept for the header and the closing lines, which are written last.
const RESERVE: usize = 8 * 1024;

pub struct JobSummary {
    lang: Lang,
    /// The plans' sections, as long as they fit.
    body: String,
    /// Plans left out once the body was full.
    plans_left_out: usize,
}

impl JobSummary {
    pub fn new(cfg: Config) -> Self {
        JobSummary {
            lang: cfg.lang,
            body: String::new(),
            plans_left_out: 0,
        }
    }

    fn section(&self, report: &FileReport) -> String {
        let lang = self.lang;
        let status = match report.status {
            Status::Pass => Message::new("status.pass"),
            Status::Fail => Message::new("status.fail"),
        };
        let heading = Message::new("jobsummary.plan")
            .arg("path", md(&report.path))
            .arg("status", status);
        let mut s = format!("\n### {}\n\n", heading.get(lang));
        if report.findings.is_empty() {
            s.push_str(&md(&Message::new("jobsummary.no-findings").get(lang)));
            s.push('\n');
            return s;
        }
        let header = [
            "jobsummary.where",
            "jobsummary.severity",
            "jobsummary.code",
            "jobsummary.message",
        ]
        .map(|id| md(&Message::new(id).get(lang)));
        s.push_str(&format!(
            "| {} |\n| ---: | --- | --- | --- |\n",
            header.join(" | ")
        ));
        for l in report.findings.iter().take(MAX_ROWS) {
            let f = &l.finding;
            let mark = mark(f).map(|m| m.get(lang)).unwrap_or_default();
            let mut cell = md(&format!("{}{mark}", f.message.get(lang)));
            // The help only: citations are in the annotations and `explain`,
            // and would make every row a paragraph.
            if let Some(h) = &f.help {
                let label = Message::new("human.help-label").get(lang);
                cell.push_str("<br>");
                cell.push_str(&md(&format!("{label}{}", h.get(lang))));
            }
            s.push_str(&format!(
                "| {}:{} | {} | {} | {cell} |\n",
                l.start.line,
                l.start.column,
                md(&severity_word(f.severity).get(lang)),
                md(&f.code),
            ));
        }
        if let Some(more) = report
            .findings
            .len()
            .checked_sub(MAX_ROWS)
            .filter(|n| *n > 0)
        {
            let line = Message::new("jobsummary.more-findings").arg("count", more.to_string());
            s.push_str(&format!("\n{}\n", md(&line.get(lang))));
        }
        s
    }
}

impl Emitter for JobSummary {
    fn file(&mut self, _: &mut dyn Write, report: &FileReport, _: &SourceDb) -> io::Result<()> {
        if self.plans_left_out > 0 {
            self.plans_left_out += 1;
            return Ok(());
        }
        let section = self.section(report);
        if self.body.len() + section.len() > MAX_BYTES - RESERVE {
            self.plans_left_out = 1;
        } else {
            self.body.push_str(&section);
        }
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, end: &Finish) -> io::Result<()> {
        let lang = self.lang;
        let mut s = String::new();
        // A blank line first: whatever the file held before stays a block
        // of its own.
        s.push_str(&format!(
            "\n## {}\n\n",
            md(&Message::new("jobsummary.title").get(lang))
        ));
        s.push_str(&format!(
            "**{}**\n",
            md(&summary_line(&end.totals.summary, lang))
        ));
        s.push_str(&self.body);
        if self.plans_left_out > 0 {
            let line = Message::new("jobsummary.more-plans")
                .arg("count", self.plans_left_out.to_string())
                .arg("size", format!("{} KiB", MAX_BYTES / 1024));
            s.push_str(&format!("\n{}\n", md(&line.get(lang))));
        }
        w.write_all(s.as_bytes())
    }
}

/// Text as Markdown that shows it literally: made safe (one line, no
/// controls), then every ASCII punctuation character backslash-escaped, as
/// CommonMark allows for each of them. No emphasis, code span, link, HTML
/// tag, entity or table cell boundary (`|`) can start in it.
pub fn md(s: &str) -> String {
    let s = safe(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn markdown_from_files_is_shown_literally() {
        assert_eq!(md("a|b"), "a\\|b");
        assert_eq!(md("[x](javascript:y)"), "\\[x\\]\\(javascript\\:y\\)");
        assert_eq!(md("<img src=x>"), "\\<img src\\=x\\>");
        assert_eq!(
            md("*em* _u_ `c` &amp;"),
            "\\*em\\* \\_u\\_ \\`c\\` \\&amp\\;"
        );
        assert_eq!(md("a\nb\rc"), "a\\\\nb\\\\u\\{d\\}c");
        assert_eq!(md("深圳.toml"), "深圳\\.toml");
    }
}
