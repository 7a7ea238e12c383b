//! Per-file results and the run's totals: what every renderer consumes.

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::source::SourceId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
}

/// One checked file.
#[derive(Debug)]
pub struct FileReport {
    pub path: String,
    pub source: SourceId,
    pub jurisdiction: Option<String>,
    pub packs: Vec<String>,
    pub findings: Vec<Finding>,
    pub status: Status,
}

impl FileReport {
    pub fn new(
        path: String,
        source: SourceId,
        jurisdiction: Option<String>,
        packs: Vec<String>,
        findings: Vec<Finding>,
        fail_on: Option<Severity>,
    ) -> Self {
        let unreadable = findings.iter().any(|f| f.code == "PF001");
        let fails = unreadable || findings.iter().any(|f| f.fails_at(fail_on));
        FileReport {
            path,
            source,
            jurisdiction,
            packs,
            findings,
            status: if fails { Status::Fail } else { Status::Pass },
        }
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
}

impl Summary {
    pub fn add(&mut self, r: &FileReport) {
        self.files += 1;
        match r.status {
            Status::Pass => self.passed += 1,
            Status::Fail => self.failed += 1,
        }
        for f in &r.findings {
            match (f.waived.is_some(), f.severity) {
                (true, _) => self.waived += 1,
                (false, Severity::Error) => self.errors += 1,
                (false, Severity::Warning) => self.warnings += 1,
                (false, Severity::Info) => self.infos += 1,
            }
        }
    }
}
