//! Per-file results and the run's totals: what every renderer consumes.
//! Positions are resolved to lines and columns here, so machine formats
//! never need a plan's text and it can be dropped once a file is shown.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::finding::{Code, Finding, FindingCode, Severity};
use crate::source::Source;

/// A finding's fingerprint, as a baseline records it: file, code, unit and
/// key path, never the line, so it survives edits that move lines.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub code: String,
    pub unit: Option<String>,
    pub key: Option<String>,
}

impl Entry {
    pub fn of(path: &str, f: &Finding) -> Entry {
        Entry {
            path: path.to_string(),
            code: f.code.to_string(),
            unit: f.unit.clone(),
            key: f.key.clone(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
        }
    }
}

/// A 1-based line and column; columns count characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// A finding with its span resolved in its file.
#[derive(Clone, Debug)]
pub struct Located {
    pub finding: Finding,
    pub start: LineCol,
    pub end: LineCol,
}

/// What a file says about itself, for the summary and the portfolio.
#[derive(Clone, Debug, Default)]
pub struct PlanFacts {
    pub jurisdiction: Option<String>,
    pub jurisdiction_zh: Option<String>,
    pub level: Option<String>,
}

/// One checked file.
#[derive(Clone, Debug)]
pub struct FileReport {
    pub path: String,
    pub facts: PlanFacts,
    pub packs: Vec<String>,
    pub findings: Vec<Located>,
    pub status: Status,
    /// Entries of the `--baseline` for this file that no longer occur.
    pub stale: Vec<Entry>,
}

impl FileReport {
    pub fn new(
        path: String,
        source: &Source,
        facts: PlanFacts,
        packs: Vec<String>,
        findings: Vec<Finding>,
        fail_on: Option<Severity>,
    ) -> Self {
        let unreadable = findings
            .iter()
            .any(|f| f.code == FindingCode::Builtin(Code::PF001));
        let fails = unreadable || findings.iter().any(|f| f.fails_at(fail_on));
        let findings = findings
            .into_iter()
            .map(|finding| {
                let (line, column) = source.line_col(finding.at.span.start);
                let start = LineCol { line, column };
                let (line, column) = source.line_col(finding.at.span.end);
                Located {
                    finding,
                    start,
                    end: LineCol { line, column },
                }
            })
            .collect();
        FileReport {
            path,
            facts,
            packs,
            findings,
            status: if fails { Status::Fail } else { Status::Pass },
            stale: Vec::new(),
        }
    }

    pub fn counts(&self) -> Summary {
        let mut s = Summary::default();
        s.add(self);
        s
    }
}

/// Counts over a run.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Summary {
    pub files: usize,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub waived: usize,
    /// Findings a `--baseline` records: shown, not failing, not counted above.
    pub baselined: usize,
}

impl Summary {
    pub fn add(&mut self, r: &FileReport) {
        self.files += 1;
        match r.status {
            Status::Pass => self.passed += 1,
            Status::Fail => self.failed += 1,
        }
        for l in &r.findings {
            let f = &l.finding;
            match (f.waived.is_some(), f.baselined, f.severity) {
                (true, _, _) => self.waived += 1,
                (false, true, _) => self.baselined += 1,
                (false, false, Severity::Error) => self.errors += 1,
                (false, false, Severity::Warning) => self.warnings += 1,
                (false, false, Severity::Info) => self.infos += 1,
            }
        }
    }
}

/// One rule's tally over a run (`--statistics`).
#[derive(Clone, Debug, Serialize)]
pub struct RuleStat {
    pub code: String,
    pub severity: Severity,
    pub plans: usize,
    pub findings: usize,
    /// Of `findings`, those a waiver covers.
    pub waived: usize,
}

/// One plan's line in the summary table and the portfolio.
#[derive(Clone, Debug)]
pub struct PlanRow {
    pub path: String,
    pub facts: PlanFacts,
    pub packs: Vec<String>,
    pub counts: Summary,
    pub status: Status,
}

/// Everything a run adds up: kept small (no findings) so that a batch of
/// any size holds only this while it streams reports out.
#[derive(Clone, Debug, Default)]
pub struct Totals {
    pub summary: Summary,
    pub rules: BTreeMap<String, RuleStat>,
    /// A row per plan, kept only when `keep_plans` is set (`--summary`).
    pub plans: Vec<PlanRow>,
    pub keep_plans: bool,
    /// Baseline entries that no longer occur; `None` without `--baseline`.
    pub stale: Option<Vec<Entry>>,
}

impl Totals {
    pub fn add(&mut self, r: &FileReport) {
        self.summary.add(r);
        let mut seen = Vec::new();
        for l in &r.findings {
            let f = &l.finding;
            let stat = self
                .rules
                .entry(f.code.to_string())
                .or_insert_with(|| RuleStat {
                    code: f.code.to_string(),
                    severity: f.severity,
                    plans: 0,
                    findings: 0,
                    waived: 0,
                });
            stat.findings += 1;
            stat.waived += usize::from(f.waived.is_some());
            if !seen.contains(&&f.code) {
                stat.plans += 1;
                seen.push(&f.code);
            }
        }
        if let Some(stale) = &mut self.stale {
            stale.extend(r.stale.iter().cloned());
        }
        if !self.keep_plans {
            return;
        }
        self.plans.push(PlanRow {
            path: r.path.clone(),
            facts: r.facts.clone(),
            packs: r.packs.clone(),
            counts: r.counts(),
            status: r.status,
        });
    }
}
