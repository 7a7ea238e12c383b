//! Baselines: adopting cdocheck on plans with old findings that cannot be
//! fixed at once. `--write-baseline FILE` records today's findings;
//! `--baseline FILE` then shows those as baselined (not failing), fails only
//! on new ones, and lists entries that no longer occur. Findings are
//! fingerprinted by file, code, unit and key path — never by line — so a
//! baseline survives edits that move lines.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::findings::Findings;
use crate::message::Message;
pub(crate) use crate::report::Entry;

/// The baseline file as written: `{"version": 1, "findings": [...]}`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct File {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// A loaded baseline, by file.
#[derive(Debug, Default)]
pub struct Baseline {
    by_path: BTreeMap<String, Vec<Entry>>,
}

impl Baseline {
    /// Reads a baseline file's bytes. A leading byte-order mark (which
    /// some editors add on saving) is skipped.
    pub fn parse(bytes: &[u8]) -> Result<Baseline, Message> {
        let file: File = serde_json::from_slice(crate::read::without_bom(bytes))
            .map_err(|e| Message::new("baseline.not-json").arg("detail", e.to_string()))?;
        if file.version != 1 {
            let version = file.version.to_string();
            return Err(Message::new("baseline.version").arg("version", version));
        }
        let mut by_path: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
        for e in file.findings {
            by_path.entry(e.path.clone()).or_default().push(e);
        }
        Ok(Baseline { by_path })
    }

    /// Marks the findings of one file that the baseline records; returns the
    /// file's entries that matched nothing. Each entry covers one finding;
    /// entries are counted by value, so many findings cost no scan each.
    pub fn apply(&self, path: &str, findings: &mut Findings) -> Vec<Entry> {
        let entries = self.by_path.get(path).map_or(&[][..], Vec::as_slice);
        let mut left: HashMap<&Entry, usize> = HashMap::new();
        for e in entries {
            *left.entry(e).or_insert(0) += 1;
        }
        let mut take = |entry: &Entry, n: usize| match left.get_mut(entry) {
            Some(k) => {
                let took = n.min(*k);
                *k -= took;
                took
            }
            None => 0,
        };
        for f in findings.shown.iter_mut().filter(|f| f.waived.is_none()) {
            if take(&Entry::of(path, f), 1) == 1 {
                f.baselined = true;
            }
        }
        let mut i = 0;
        while i < findings.extra.len() {
            let e = &findings.extra[i];
            if e.waived.is_none() && !e.baselined {
                let entry = Entry {
                    path: path.to_string(),
                    code: e.code.to_string(),
                    unit: e.unit.as_deref().map(str::to_string),
                    key: e.key.as_deref().map(str::to_string),
                };
                let took = take(&entry, e.n);
                if let Some(j) = findings.split_extra(i, took).filter(|_| took > 0) {
                    findings.extra[j].baselined = true;
                    i = j;
                }
            }
            i += 1;
        }
        // What is left, in the baseline's order.
        let mut stale = Vec::new();
        for e in entries {
            if let Some(k) = left.get_mut(e).filter(|k| **k > 0) {
                *k -= 1;
                stale.push(e.clone());
            }
        }
        stale
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Location, Severity};
    use crate::source::SourceId;

    fn finding(code: &str, unit: &str, key: &str, start: usize) -> Finding {
        let at = Location {
            source: SourceId(0),
            span: start..start + 1,
        };
        let mut f = Finding::new(code, Severity::Error, Message::plain(""), at);
        f.unit = Some(unit.into());
        f.key = Some(key.into());
        f
    }

    #[test]
    fn matching_ignores_lines_and_counts_each_entry_once() {
        let text = r#"{"version":1,"findings":[{"path":"a.toml","code":"GD005","unit":"x","key":"unit[x].cdo.rank"},
            {"path":"a.toml","code":"GD004","unit":"y","key":"unit[y]"}]}"#;
        let b = Baseline::parse(text.as_bytes()).unwrap();
        let mut fs = Findings::from(vec![
            finding("GD005", "x", "unit[x].cdo.rank", 900),
            finding("GD005", "x", "unit[x].cdo.rank", 950),
        ]);
        let stale = b.apply("a.toml", &mut fs);
        assert!(fs.shown[0].baselined, "moved lines still match");
        assert!(
            !fs.shown[1].baselined,
            "a second, new finding is not covered"
        );
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].code, "GD004");
        assert!(b.apply("b.toml", &mut fs).is_empty());
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let text = b"\xEF\xBB\xBF{\"version\":1,\"findings\":[]}";
        assert!(Baseline::parse(text).is_ok());
    }

    #[test]
    fn bad_baselines_say_why() {
        assert!(Baseline::parse(b"[]")
            .unwrap_err()
            .to_string()
            .contains("not a cdocheck baseline"));
        assert!(Baseline::parse(br#"{"version":2,"findings":[]}"#)
            .unwrap_err()
            .to_string()
            .contains("version 2"));
    }
}
