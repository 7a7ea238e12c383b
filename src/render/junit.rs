//! `--format junit`: JUnit XML for CI test views. Each plan is a
//! `<testsuite>` named by its path; each rule of the packs applied to it is a
//! `<testcase>` (`GD005: <statement>`, classname the plan's path, in pack and
//! rule order), and one more, `format`, holds the format diagnostics (PF…).
//! A finding whose code is neither (a pack the plan did not apply) gets a
//! test case of its own, so no finding is ever left out.
//!
//! Pass or fail is the run's, never the renderer's: a test case fails when
//! it has a finding that fails its plan at the run's `--fail-on` level (not
//! waived, not baselined, at or above that severity), so a green job never
//! shows red test reports. Its `<failure>` carries the first such finding as
//! its message and every finding of the case, `path:line:col`, as its text.
//! A case whose findings fail nothing passes, listing them in `<system-out>`.
//!
//! Every text is made safe (`safe`) and then fit for XML (`text`): no
//! character XML 1.0 forbids ever reaches the document.
//!
//! No timestamps, durations or host names: the same run gives the same bytes.
//! The suites are held until the end, where the totals are known.

use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::{safe, Config, Emitter, Finish};
use crate::finding::Severity;
use crate::lang::Lang;
use crate::message::Message;
use crate::report::{FileReport, Located};
use crate::source::SourceDb;
use crate::text::xml;

pub struct Junit<'a> {
    cfg: Config<'a>,
    suites: Vec<TestSuite>,
}

impl<'a> Junit<'a> {
    pub fn new(cfg: Config<'a>) -> Self {
        Junit {
            cfg,
            suites: Vec::new(),
        }
    }
}

impl Emitter for Junit<'_> {
    fn file(&mut self, _: &mut dyn Write, report: &FileReport, _: &SourceDb) -> io::Result<()> {
        let mut suite = TestSuite::new(text(&safe(&report.path)));
        if let Some(j) = &report.facts.jurisdiction {
            suite.add_property(Property::new("jurisdiction", text(&safe(j))));
        }
        let packs = report.packs.join(",");
        suite.add_property(Property::new("rule_packs", text(&safe(&packs))));
        suite.add_property(Property::new("status", report.status.as_str()));
        for case in cases(self.cfg, report) {
            suite.add_test_case(case.test_case(report, self.cfg.lang));
        }
        self.suites.push(suite);
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, _: &Finish) -> io::Result<()> {
        let mut report = Report::new("cdocheck");
        report.add_test_suites(std::mem::take(&mut self.suites));
        report.serialize(w).map_err(io::Error::other)
    }
}

/// One test case before it is judged: a name and the findings it owns.
struct Case<'r> {
    name: String,
    findings: Vec<&'r Located>,
}

/// The rules of the plan's packs, `format`, then any code left over.
fn cases<'r>(cfg: Config, report: &'r FileReport) -> Vec<Case<'r>> {
    let owned = |code: &str| -> Vec<&'r Located> {
        report
            .findings
            .iter()
            .filter(|l| l.finding.code == code)
            .collect()
    };
    let mut out: Vec<Case> = Vec::new();
    let mut ids: Vec<&str> = Vec::new();
    let rules = report.packs.iter().filter_map(|p| cfg.rules.pack(p));
    for rule in rules.flat_map(|p| p.rules().iter()) {
        if ids.contains(&rule.id.as_str()) {
            continue;
        }
        ids.push(&rule.id);
        out.push(Case {
            name: format!("{}: {}", rule.id, rule.statement.get(cfg.lang)),
            findings: owned(&rule.id),
        });
    }
    out.push(Case {
        name: "format".into(),
        findings: report
            .findings
            .iter()
            .filter(|l| l.finding.code.is_format())
            .collect(),
    });
    let mut rest: Vec<&str> = report
        .findings
        .iter()
        .filter(|l| !l.finding.code.is_format())
        .map(|l| l.finding.code.as_str())
        .filter(|c| !ids.contains(c))
        .collect();
    rest.sort_unstable();
    rest.dedup();
    out.extend(rest.into_iter().map(|code| Case {
        name: match cfg.rules.rule(code) {
            Some(rule) => format!("{code}: {}", rule.statement.get(cfg.lang)),
            None => code.to_string(),
        },
        findings: owned(code),
    }));
    out
}

impl Case<'_> {
    fn test_case(&self, report: &FileReport, lang: Lang) -> TestCase {
        let failing: Vec<&Located> = self
            .findings
            .iter()
            .copied()
            // The run's verdict (`--fail-on`), as the exit code has it.
            .filter(|l| l.fails)
            .collect();
        let lines: Vec<String> = self
            .findings
            .iter()
            .map(|l| line(&report.path, l, lang))
            .collect();
        let status = match failing.first() {
            None => TestCaseStatus::success(),
            Some(first) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                let more = match failing.len() - 1 {
                    0 => String::new(),
                    n => Message::new("junit.more")
                        .arg("count", n.to_string())
                        .get(lang),
                };
                let severity = failing.iter().map(|l| l.finding.severity).min();
                let message = format!("{}{more}", where_what(&report.path, first, lang));
                status
                    .set_message(text(&message))
                    .set_type(severity.unwrap_or(Severity::Error).as_str())
                    .set_description(text(&lines.join("\n")));
                status
            }
        };
        let mut case = TestCase::new(text(&safe(&self.name)), status);
        case.set_classname(text(&safe(&report.path)));
        if failing.is_empty() && !lines.is_empty() {
            case.set_system_out(text(&lines.join("\n")));
        }
        case
    }
}

/// Text for the document: nothing XML forbids.
fn text(s: &str) -> String {
    xml(s).into_owned()
}

/// `path:line:col: message`.
fn where_what(path: &str, l: &Located, lang: Lang) -> String {
    format!(
        "{}:{}:{}: {}",
        safe(path),
        l.start.line,
        l.start.column,
        safe(&l.finding.message.get(lang))
    )
}

/// `path:line:col: CODE severity message`, and the waiver if one applies.
fn line(path: &str, l: &Located, lang: Lang) -> String {
    let f = &l.finding;
    let head = format!(
        "{}:{}:{}: {} {} {}",
        safe(path),
        l.start.line,
        l.start.column,
        safe(&f.code),
        f.severity.as_str(),
        safe(&f.message.get(lang))
    );
    match &f.waived {
        None => head,
        Some(w) => {
            let waived = Message::new("junit.waived")
                .arg("reason", safe(&w.reason).into_owned())
                .arg("by", safe(&w.approved_by).into_owned());
            format!("{head}{}", waived.get(lang))
        }
    }
}
