//! Baselines: adopting cdocheck on plans with old findings that cannot be
//! fixed at once. `--write-baseline FILE` records today's findings;
//! `--baseline FILE` then shows those as baselined (not failing), fails only
//! on new ones, and lists entries that no longer occur. Findings are
//! fingerprinted by file, code, unit and key path — never by line — so a
//! baseline survives edits that move lines.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
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
    /// file's entries that matched nothing.
    pub fn apply(&self, path: &str, findings: &mut [Finding]) -> Vec<Entry> {
        let mut left: Vec<Entry> = self.by_path.get(path).cloned().unwrap_or_default();
        for f in findings.iter_mut().filter(|f| f.waived.is_none()) {
            let entry = Entry::of(path, f);
            if let Some(i) = left.iter().position(|e| *e == entry) {
                left.remove(i);
                f.baselined = true;
            }
        }
        left
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Location, Severity};
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
        let mut fs = vec![
            finding("GD005", "x", "unit[x].cdo.rank", 900),
            finding("GD005", "x", "unit[x].cdo.rank", 950),
        ];
        let stale = b.apply("a.toml", &mut fs);
        assert!(fs[0].baselined, "moved lines still match");
        assert!(!fs[1].baselined, "a second, new finding is not covered");
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].code, "GD004");
        assert!(b.apply("b.toml", &mut fs[1..]).is_empty());
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
