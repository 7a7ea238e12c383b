//! Per-file results and the run's totals: what every renderer consumes.
//! Positions are resolved to lines and columns here, so machine formats
//! never need a plan's text and it can be dropped once a file is shown.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::finding::{Code, Finding, FindingCode, Severity};
use crate::findings::{Extra, Findings, CAP};
use crate::message::Message;
use crate::source::Source;

/// A finding's fingerprint (json-output.md, "Fingerprints"), as a
/// baseline records it: file, code, unit and key path by identity, never
/// the line, so it survives edits that move lines or insert elements.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub code: String,
    pub unit: Option<String>,
    pub key: Option<String>,
}

impl Entry {
    /// The fingerprint of a finding, before numbering: a finding about
    /// one item of a rule adds the item (`plan#…`).
    pub fn of(path: &str, f: &Finding) -> Entry {
        Entry::from_parts(
            path,
            f.code.as_str(),
            f.unit.as_deref(),
            f.key.as_deref(),
            f.item.as_deref(),
        )
    }

    pub fn from_parts(
        path: &str,
        code: &str,
        unit: Option<&str>,
        key: Option<&str>,
        item: Option<&str>,
    ) -> Entry {
        let key = match (key, item) {
            // Some rules name the item in the key already.
            (Some(k), Some(i)) if !k.ends_with(&format!("#{i}")) => Some(format!("{k}#{i}")),
            (None, Some(i)) => Some(format!("#{i}")),
            (k, _) => k.map(str::to_string),
        };
        Entry {
            path: path.to_string(),
            code: code.to_string(),
            unit: unit.map(str::to_string),
            key,
        }
    }

    /// The `k`th finding of this fingerprint in its file: `#k` after the
    /// key from the second on.
    pub fn numbered(&self, k: usize) -> Entry {
        if k <= 1 {
            return self.clone();
        }
        Entry {
            key: Some(format!("{}#{k}", self.key.as_deref().unwrap_or(""))),
            ..self.clone()
        }
    }
}

/// Numbers the findings of one file that share a fingerprint, in document
/// order: `take` gives the first number of the next `n` of them.
#[derive(Default)]
pub struct Numbering(std::collections::HashMap<Entry, usize>);

impl Numbering {
    pub fn take(&mut self, e: &Entry, n: usize) -> usize {
        let seen = match self.0.get_mut(e) {
            Some(seen) => seen,
            None => self.0.entry(e.clone()).or_insert(0),
        };
        let first = *seen + 1;
        *seen += n;
        first
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
    /// Set on the entry that stands for the findings of its code beyond
    /// the cap: how many there were. It is shown, never counted.
    pub omitted: Option<usize>,
    /// Whether it fails its file at the run's `--fail-on`: the verdict
    /// renderers show (JUnit's failures), never decide.
    pub fails: bool,
}

/// What a file says about itself, for the summary and the portfolio.
#[derive(Clone, Debug, Default)]
pub struct PlanFacts {
    pub jurisdiction: Option<String>,
    pub jurisdiction_zh: Option<String>,
    pub level: Option<String>,
    /// `[plan].published`: the latest of a pilot's plans counts.
    pub published: Option<crate::plan::Date>,
    /// The figures the notices that applied ask for: each count rule's id
    /// with the elements it counted (portfolio `counts`).
    pub counts: Vec<(String, i64)>,
    /// Whether the issuer itself has a CDO post: a government unit at the
    /// plan's own level with a `[unit.cdo]`. `None` without a level.
    pub own_cdo: Option<bool>,
    /// For a plan that could not be read: the start of its text, at most
    /// [`HINT_BYTES`], where the portfolio looks for a pilot's name.
    pub hint: Option<String>,
    /// For the review letters' heading (`[plan]` as written).
    pub title: Option<String>,
    pub title_zh: Option<String>,
    pub issuer: Option<String>,
    pub document_number: Option<String>,
}

/// How much of an unreadable plan's text the portfolio looks at.
pub const HINT_BYTES: usize = 16 * 1024;

/// One checked file.
#[derive(Clone, Debug)]
pub struct FileReport {
    pub path: String,
    pub facts: PlanFacts,
    pub packs: Vec<String>,
    /// What is shown: at most [`CAP`] findings of one code, then one entry
    /// (`omitted`) saying how many more there were.
    pub findings: Vec<Located>,
    /// The findings beyond the cap: counted, baselined, never shown.
    pub extra: Vec<Extra>,
    pub status: Status,
    /// Entries of the `--baseline` for this file that no longer occur.
    pub stale: Vec<Entry>,
    /// Lower-case hex SHA-256 of the bytes read; `None` when nothing was.
    pub sha256: Option<String>,
    /// The plan's waiver register: a row per `[[waiver]]`, as `cdocheck
    /// waivers` lists it.
    pub waivers: Vec<crate::register::Entry>,
}

/// A finding as counts and baselines see it, shown or not.
#[derive(Clone, Copy, Debug)]
pub struct Counted<'a> {
    pub code: &'a str,
    pub severity: Severity,
    pub waived: bool,
    pub baselined: bool,
    pub unit: Option<&'a str>,
    pub key: Option<&'a str>,
    /// The item of a rule the finding is about (shown findings only).
    pub item: Option<&'a str>,
    /// How many identical findings this stands for.
    pub n: usize,
}

impl Counted<'_> {
    /// Its fingerprint in the file `path`, before numbering.
    pub fn entry(&self, path: &str) -> Entry {
        Entry::from_parts(path, self.code, self.unit, self.key, self.item)
    }
}

impl FileReport {
    /// Resolves positions and applies the finding cap, last: the status
    /// (here) and every count ([`FileReport::every`]) see every finding.
    pub fn new(
        path: String,
        source: &Source,
        facts: PlanFacts,
        packs: Vec<String>,
        findings: Findings,
        fail_on: Option<Severity>,
    ) -> Self {
        let pf001 = FindingCode::Builtin(Code::PF001);
        let unreadable = findings.shown.iter().any(|f| f.code == pf001)
            || findings.extra.iter().any(|e| e.code == pf001);
        let fails = unreadable
            || findings.shown.iter().any(|f| f.fails_at(fail_on))
            || findings.extra.iter().any(|e| e.fails_at(fail_on));
        let locate = |finding: Finding, omitted: Option<usize>| {
            let (line, column) = source.line_col(finding.at.span.start);
            let start = LineCol { line, column };
            let (line, column) = source.line_col(finding.at.span.end);
            Located {
                fails: finding.fails_at(fail_on),
                finding,
                start,
                end: LineCol { line, column },
                omitted,
            }
        };
        let caps = cap_entries(&findings);
        let Findings { shown, extra, .. } = findings;
        let mut located: Vec<Located> = shown.into_iter().map(|f| locate(f, None)).collect();
        // Each cap entry goes right after the last shown finding of its
        // code: the 1,001st place.
        for (f, n) in caps {
            let at = located
                .iter()
                .rposition(|l| l.finding.code == f.code)
                .map_or(located.len(), |i| i + 1);
            located.insert(at, locate(f, Some(n)));
        }
        FileReport {
            path,
            facts,
            packs,
            findings: located,
            extra,
            status: if fails { Status::Fail } else { Status::Pass },
            stale: Vec::new(),
            sha256: None,
            waivers: Vec::new(),
        }
    }

    /// Every finding, shown or beyond the cap (cap entries aside).
    pub fn every(&self) -> impl Iterator<Item = Counted<'_>> {
        let shown = self
            .findings
            .iter()
            .filter(|l| l.omitted.is_none())
            .map(|l| {
                let f = &l.finding;
                Counted {
                    code: f.code.as_str(),
                    severity: f.severity,
                    waived: f.waived.is_some(),
                    baselined: f.baselined,
                    unit: f.unit.as_deref(),
                    key: f.key.as_deref(),
                    item: f.item.as_deref(),
                    n: 1,
                }
            });
        let extra = self.extra.iter().map(|e| Counted {
            code: e.code.as_str(),
            severity: e.severity,
            waived: e.waived.is_some(),
            baselined: e.baselined,
            unit: e.unit.as_deref(),
            key: e.key.as_deref(),
            item: None,
            n: e.n,
        });
        shown.chain(extra)
    }

    pub fn counts(&self) -> Summary {
        let mut s = Summary::default();
        s.add(self);
        s
    }
}

/// One entry per code with findings beyond the cap, with how many: an
/// ordinary finding of that code and severity, at the first one left out,
/// whose message says how many more there were. It is waived when all of
/// them are, baselined when none of them fails; else it shows as failing.
fn cap_entries(findings: &Findings) -> Vec<(Finding, usize)> {
    findings
        .overflow
        .iter()
        .filter_map(|o| {
            let of_code = || findings.extra.iter().filter(|e| e.code == o.code);
            let n: usize = of_code().map(|e| e.n).sum();
            if n == 0 {
                return None;
            }
            let msg = Message::new("cap.omitted")
                .arg("count", n.to_string())
                .arg("code", o.code.as_str())
                .arg("max", CAP.to_string());
            let mut f = Finding::new(o.code.clone(), o.severity, msg, o.at.clone())
                .with_help(Message::new("cap.omitted.help"));
            f.citation = findings
                .shown
                .iter()
                .find(|s| s.code == o.code)
                .and_then(|s| s.citation.clone());
            let waiver = of_code().map(|e| e.waived).collect::<Option<Vec<u32>>>();
            match waiver.as_ref().and_then(|w| w.first()) {
                Some(w) => f.waived = findings.waivers.get(*w as usize).cloned(),
                None => f.baselined = of_code().all(|e| e.waived.is_some() || e.baselined),
            }
            Some((f, n))
        })
        .collect()
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
        for f in r.every() {
            let n = f.n;
            match (f.waived, f.baselined, f.severity) {
                (true, _, _) => self.waived += n,
                (false, true, _) => self.baselined += n,
                (false, false, Severity::Error) => self.errors += n,
                (false, false, Severity::Warning) => self.warnings += n,
                (false, false, Severity::Info) => self.infos += n,
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
        let mut seen = std::collections::HashSet::new();
        for f in r.every() {
            if !self.rules.contains_key(f.code) {
                let stat = RuleStat {
                    code: f.code.to_string(),
                    severity: f.severity,
                    plans: 0,
                    findings: 0,
                    waived: 0,
                };
                self.rules.insert(f.code.to_string(), stat);
            }
            let Some(stat) = self.rules.get_mut(f.code) else {
                continue;
            };
            stat.findings += f.n;
            stat.waived += if f.waived { f.n } else { 0 };
            if seen.insert(f.code) {
                stat.plans += 1;
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
            facts: PlanFacts {
                hint: None,
                ..r.facts.clone()
            },
            packs: r.packs.clone(),
            counts: r.counts(),
            status: r.status,
        });
    }
}
