//! The findings of one file as loading and evaluation collect them: every
//! finding is judged (waivers, baselines, counts, status), but a file shows
//! at most [`CAP`] of one code (json-output.md, "Finding cap"), so beyond
//! that only what judging needs is kept. A plan of 2,000,000 bad lines
//! then holds a thousand findings and a count, not two million messages.

use std::collections::HashMap;

use crate::finding::{Finding, FindingCode, Location, Severity, Waiver};

/// The most findings of one code a file shows; the next place holds one
/// finding saying how many more there were (built in `report.rs`).
pub const CAP: usize = 1000;

/// A finding beyond the cap: its fingerprint and its state, no words.
/// Identical ones that follow each other are one entry with a count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extra {
    pub code: FindingCode,
    pub severity: Severity,
    pub unit: Option<Box<str>>,
    pub key: Option<Box<str>>,
    /// As [`Finding::element`], for superseding.
    pub element: Option<(usize, usize)>,
    /// The waiver covering it: an index into [`Findings::waivers`].
    pub waived: Option<u32>,
    pub baselined: bool,
    /// How many identical findings this entry stands for (at least 1).
    pub n: usize,
}

impl Extra {
    pub fn of(f: &Finding) -> Extra {
        Extra {
            code: f.code.clone(),
            severity: f.severity,
            unit: f.unit.as_deref().map(Box::from),
            key: f.key.as_deref().map(Box::from),
            element: f.element.as_ref().map(|e| (e.start, e.end)),
            waived: None,
            baselined: f.baselined,
            n: 1,
        }
    }

    /// The same finding, whatever the count.
    fn same(&self, o: &Extra) -> bool {
        self.code == o.code
            && self.severity == o.severity
            && self.unit == o.unit
            && self.key == o.key
            && self.element == o.element
            && self.waived == o.waived
            && self.baselined == o.baselined
    }

    /// Counts against the file at `level`, as [`Finding::fails_at`].
    pub fn fails_at(&self, level: Option<Severity>) -> bool {
        self.waived.is_none() && !self.baselined && level.is_some_and(|l| self.severity <= l)
    }
}

/// Where a code's findings beyond the cap start, and their severity.
#[derive(Clone, Debug)]
pub struct Overflow {
    pub code: FindingCode,
    pub severity: Severity,
    pub at: Location,
}

/// One file's findings: the first [`CAP`] of each code whole, in the order
/// they were found, and the rest as [`Extra`]s.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    pub shown: Vec<Finding>,
    pub extra: Vec<Extra>,
    /// Waivers that cover extras (each stored once).
    pub waivers: Vec<Waiver>,
    /// Per code with extras, in the order the first extra came.
    pub overflow: Vec<Overflow>,
    kept: HashMap<FindingCode, usize>,
}

impl Findings {
    pub fn new() -> Self {
        Self::default()
    }

    /// Would a finding of `code` be kept whole? Callers that find many may
    /// ask first, and build only an [`Extra`] when not.
    pub fn wants(&self, code: &FindingCode) -> bool {
        self.kept.get(code).is_none_or(|n| *n < CAP)
    }

    pub fn push(&mut self, f: Finding) {
        if self.wants(&f.code) {
            *self.kept.entry(f.code.clone()).or_insert(0) += 1;
            self.shown.push(f);
        } else {
            let e = Extra::of(&f);
            self.push_extra(e, &f.at);
        }
    }

    /// A finding beyond the cap, located (for the cap's own entry).
    pub fn push_extra(&mut self, e: Extra, at: &Location) {
        if !self.overflow.iter().any(|o| o.code == e.code) {
            self.overflow.push(Overflow {
                code: e.code.clone(),
                severity: e.severity,
                at: at.clone(),
            });
        }
        self.add_extra(e);
    }

    /// Merges `e` into the last extra when they are the same finding.
    fn add_extra(&mut self, e: Extra) {
        match self.extra.last_mut() {
            Some(last) if last.same(&e) => last.n += e.n,
            _ => self.extra.push(e),
        }
    }

    pub fn extend(&mut self, fs: impl IntoIterator<Item = Finding>) {
        for f in fs {
            self.push(f);
        }
    }

    /// Adds another file's collection (loading's, then evaluation's).
    pub fn append(&mut self, other: Findings) {
        let base = u32::try_from(self.waivers.len()).unwrap_or(u32::MAX);
        self.waivers.extend(other.waivers);
        self.extend(other.shown);
        for o in other.overflow {
            if !self.overflow.iter().any(|m| m.code == o.code) {
                self.overflow.push(o);
            }
        }
        for mut e in other.extra {
            e.waived = e.waived.map(|w| w.saturating_add(base));
            self.add_extra(e);
        }
    }

    /// The whole findings, as the cap keeps them.
    pub fn iter(&self) -> std::slice::Iter<'_, Finding> {
        self.shown.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.shown.is_empty() && self.extra.is_empty()
    }

    /// Every finding counted: the whole ones and the extras.
    pub fn len(&self) -> usize {
        self.shown.len() + self.extra.iter().map(|e| e.n).sum::<usize>()
    }

    /// Keeps the findings, whole and extra, that the predicates keep.
    pub fn retain(
        &mut self,
        mut keep_whole: impl FnMut(&Finding) -> bool,
        mut keep_extra: impl FnMut(&Extra) -> bool,
    ) {
        self.shown.retain(&mut keep_whole);
        self.extra.retain(&mut keep_extra);
        let extra = &self.extra;
        self.overflow
            .retain(|o| extra.iter().any(|e| e.code == o.code));
    }

    /// Splits an extra so that `k` of its `n` findings can be marked.
    pub fn split_extra(&mut self, i: usize, k: usize) -> Option<usize> {
        let e = self.extra.get_mut(i)?;
        if k == 0 || k >= e.n {
            return Some(i);
        }
        e.n -= k;
        let mut part = e.clone();
        part.n = k;
        self.extra.insert(i + 1, part);
        Some(i + 1)
    }
}

impl From<Vec<Finding>> for Findings {
    fn from(fs: Vec<Finding>) -> Self {
        let mut out = Findings::new();
        out.extend(fs);
        out
    }
}

impl<'a> IntoIterator for &'a Findings {
    type Item = &'a Finding;
    type IntoIter = std::slice::Iter<'a, Finding>;
    fn into_iter(self) -> Self::IntoIter {
        self.shown.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Code;
    use crate::message::Message;
    use crate::source::SourceId;

    fn pf(code: Code, at: usize) -> Finding {
        let loc = Location {
            source: SourceId(0),
            span: at..at,
        };
        code.at(loc, Message::plain("x"))
    }

    #[test]
    fn beyond_the_cap_only_counts_and_fingerprints_are_kept() {
        let mut fs = Findings::new();
        for i in 0..CAP + 500 {
            fs.push(pf(Code::PF001, i));
        }
        fs.push(pf(Code::PF002, 0));
        assert_eq!(fs.shown.len(), CAP + 1);
        assert_eq!(fs.extra.len(), 1, "identical extras are one entry");
        assert_eq!(fs.extra[0].n, 500);
        assert_eq!(fs.len(), CAP + 501);
        assert_eq!(fs.overflow.len(), 1);
        assert_eq!(fs.overflow[0].at.span, CAP..CAP);
        let i = fs.split_extra(0, 200).unwrap();
        assert_eq!((fs.extra[0].n, fs.extra[i].n), (300, 200));
    }
}
