//! Baselines: adopting cdocheck on plans with old findings that cannot be
//! fixed at once. `--write-baseline FILE` records today's findings;
//! `--baseline FILE` then shows those as baselined (not failing), fails only
//! on new ones, and lists entries that no longer occur.
//!
//! Findings are fingerprinted as json-output.md ("Fingerprints") defines:
//! the file's path relative to the baseline file's folder (every spelling
//! of one file, `./`, `//`, absolute, through a symlink or from another
//! working directory, gives one path), the code, the unit and a key path
//! by identity (`waiver[GD005,jm-edu]`, never `waiver[3]`), never the line.
//! Findings that still share a fingerprint are numbered `#2`, `#3` in
//! document order.

use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::findings::Findings;
use crate::message::Message;
pub(crate) use crate::report::Entry;
use crate::report::Numbering;

/// The version `--write-baseline` writes.
pub const VERSION: u32 = 2;

/// The baseline file as written: `{"version": 2, "findings": [...]}`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct File {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// A loaded baseline, by file.
#[derive(Debug, Default)]
pub struct Baseline {
    /// The folder paths are relative to (canonical).
    dir: PathBuf,
    /// The version read: 1 is read with a warning.
    pub version: u32,
    by_path: HashMap<String, Vec<Entry>>,
}

/// A fingerprint without its file and its number: what numbering counts.
type Base = (String, Option<String>, Option<String>);

impl Baseline {
    /// Reads a baseline file's bytes, its paths relative to the working
    /// directory. A leading byte-order mark (which some editors add on
    /// saving) is skipped.
    pub fn parse(bytes: &[u8]) -> Result<Baseline, Message> {
        Baseline::parse_in(bytes, Path::new("."))
    }

    /// Reads the bytes of the baseline file `file`: its paths are relative
    /// to `file`'s folder.
    pub fn parse_at(bytes: &[u8], file: &Path) -> Result<Baseline, Message> {
        Baseline::parse_in(bytes, &folder_of(file))
    }

    fn parse_in(bytes: &[u8], dir: &Path) -> Result<Baseline, Message> {
        let file: File = serde_json::from_slice(crate::read::without_bom(bytes))
            .map_err(|e| Message::new("baseline.not-json").arg("detail", e.to_string()))?;
        if !(1..=VERSION).contains(&file.version) {
            let version = file.version.to_string();
            return Err(Message::new("baseline.version").arg("version", version));
        }
        let dir = resolve(dir);
        let mut by_path: HashMap<String, Vec<Entry>> = HashMap::new();
        for mut e in file.findings {
            e.path = if file.version == 1 {
                // Version 1 kept paths as typed, from the working directory.
                relative(&dir, &e.path)
            } else {
                normalise(&e.path)
            };
            by_path.entry(e.path.clone()).or_default().push(e);
        }
        Ok(Baseline {
            dir,
            version: file.version,
            by_path,
        })
    }

    /// The key of a file as reported (`display`): its path relative to the
    /// baseline's folder.
    pub fn key_of(&self, display: &str) -> String {
        relative(&self.dir, display)
    }

    /// Entries of files whose key is not in `checked`, in no order.
    pub(crate) fn others<'a>(
        &'a self,
        checked: &'a std::collections::HashSet<String>,
    ) -> impl Iterator<Item = &'a Entry> {
        self.by_path
            .iter()
            .filter(move |(p, _)| !checked.contains(*p))
            .flat_map(|(_, v)| v.iter())
    }

    /// The entries recorded for one file (by key).
    pub(crate) fn entries(&self, key: &str) -> &[Entry] {
        self.by_path.get(key).map_or(&[][..], Vec::as_slice)
    }

    /// Marks the findings of one file (as reported) that the baseline
    /// records; returns the file's entries that matched nothing, in the
    /// baseline's order. Entries are looked up by fingerprint, so many
    /// findings cost no scan each.
    pub fn apply(&self, display: &str, findings: &mut Findings) -> Vec<Entry> {
        let path = self.key_of(display);
        let entries = self.entries(&path);
        if entries.is_empty() {
            return Vec::new();
        }
        let mut left = numbers(entries);
        let mut numbering = Numbering::default();
        for f in findings.shown.iter_mut() {
            let entry = Entry::of(&path, f);
            let k = numbering.take(&entry, 1);
            let (base, k) = split(&entry.numbered(k));
            if f.waived.is_none() && left.get_mut(&base).is_some_and(|s| s.remove(&k)) {
                f.baselined = true;
            }
        }
        let mut i = 0;
        while i < findings.extra.len() {
            let e = &findings.extra[i];
            let entry = Entry {
                path: path.clone(),
                code: e.code.to_string(),
                unit: e.unit.as_deref().map(str::to_string),
                key: e.key.as_deref().map(str::to_string),
            };
            let first = numbering.take(&entry, e.n);
            if e.waived.is_none() && !e.baselined {
                let (base, _) = split(&entry);
                let took = left.get_mut(&base).map_or(0, |s| {
                    let hit: Vec<usize> = s.range(first..first + e.n).copied().collect();
                    hit.iter().for_each(|k| {
                        s.remove(k);
                    });
                    hit.len()
                });
                if let Some(j) = findings.split_extra(i, took).filter(|_| took > 0) {
                    findings.extra[j].baselined = true;
                    i = j;
                }
            }
            i += 1;
        }
        entries
            .iter()
            .filter(|e| {
                let (base, k) = split(e);
                left.get(&base).is_some_and(|s| s.contains(&k))
            })
            .cloned()
            .collect()
    }
}

/// Each fingerprint's numbers among `entries`.
pub(crate) fn numbers(entries: &[Entry]) -> HashMap<Base, BTreeSet<usize>> {
    let mut left: HashMap<Base, BTreeSet<usize>> = HashMap::new();
    for e in entries {
        let (base, k) = split(e);
        left.entry(base).or_default().insert(k);
    }
    left
}

/// An entry's fingerprint and number: `key#3` is number 3 of `key`; a key
/// without a number is number 1.
pub(crate) fn split(e: &Entry) -> (Base, usize) {
    let key = e.key.as_deref();
    let numbered = key.and_then(|k| {
        let (base, n) = k.rsplit_once('#')?;
        let ok = n.len() <= 18 && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit());
        let n: usize = n.parse().ok().filter(|n| ok && *n >= 2)?;
        Some((base, n))
    });
    let (key, k) = match numbered {
        Some(("", n)) => (None, n),
        Some((base, n)) => (Some(base.to_string()), n),
        None => (key.map(str::to_string), 1),
    };
    ((e.code.clone(), e.unit.clone(), key), k)
}

/// The folder a file is in (`.` for a bare name).
pub(crate) fn folder_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `file` (as reported) relative to `dir` (canonical), `/`-separated:
/// symlinks, `.`, `..` and repeated separators resolved, so that every
/// spelling of one file gives one path. A file outside `dir` gets `../`.
pub(crate) fn relative(dir: &Path, file: &str) -> String {
    let abs = resolve(Path::new(file));
    let a: Vec<Component> = abs.components().collect();
    let d: Vec<Component> = dir.components().collect();
    let common = a.iter().zip(&d).take_while(|(x, y)| x == y).count();
    let up = std::iter::repeat_n("..".to_string(), d.len() - common);
    let down = a[common..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    up.chain(down).collect::<Vec<_>>().join("/")
}

/// A path written in a baseline, tidied: no `./`, no `//`, `/` separators.
fn normalise(p: &str) -> String {
    let p = p.replace('\\', "/");
    p.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// The absolute path of `p` with symlinks resolved; for a file that does
/// not exist (standard input's `--stdin-filename`), its folder's, with `.`
/// and `..` resolved as written.
fn resolve(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    match (out.parent(), out.file_name()) {
        (Some(dir), Some(name)) => match std::fs::canonicalize(dir) {
            Ok(dir) => dir.join(name),
            Err(_) => out,
        },
        _ => out,
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
        let text = r#"{"version":2,"findings":[{"path":"a.toml","code":"GD005","unit":"x","key":"unit[x].cdo.rank"},
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
    fn numbered_entries_cover_the_findings_that_share_a_fingerprint() {
        let text = r#"{"version":2,"findings":[
            {"path":"a.toml","code":"PF002","unit":null,"key":"plan.x"},
            {"path":"a.toml","code":"PF002","unit":null,"key":"plan.x#2"},
            {"path":"a.toml","code":"PF002","unit":null,"key":"plan.x#3"}]}"#;
        let b = Baseline::parse(text.as_bytes()).unwrap();
        let f = |at| {
            let mut f = finding("PF002", "", "plan.x", at);
            f.unit = None;
            f
        };
        let mut fs = Findings::from(vec![f(1), f(2)]);
        let stale = b.apply("./a.toml", &mut fs);
        assert!(fs.shown.iter().all(|f| f.baselined));
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].key.as_deref(), Some("plan.x#3"));
    }

    #[test]
    fn numbers_are_split_off_only_when_they_are_numbers() {
        let e = |k: &str| Entry {
            path: "a".into(),
            code: "C".into(),
            unit: None,
            key: Some(k.into()),
        };
        assert_eq!(split(&e("k#2")).1, 2);
        assert_eq!(split(&e("k#02")).1, 1);
        assert_eq!(split(&e("plan#Futian")).1, 1);
        assert_eq!(split(&e("k#1")).1, 1);
        assert_eq!(split(&e("#2")).0 .2, None);
    }

    #[test]
    fn paths_are_normalised() {
        assert_eq!(normalise("./plans//a.toml"), "plans/a.toml");
        let dir = resolve(Path::new("."));
        assert_eq!(relative(&dir, "./src//lib.rs"), "src/lib.rs");
        let abs = dir.join("src/lib.rs");
        assert_eq!(relative(&dir, &abs.to_string_lossy()), "src/lib.rs");
        assert_eq!(relative(&dir.join("src"), "Cargo.toml"), "../Cargo.toml");
        assert_eq!(relative(&dir, "missing/../x.toml"), "x.toml");
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
        assert!(Baseline::parse(br#"{"version":3,"findings":[]}"#)
            .unwrap_err()
            .to_string()
            .contains("version 3"));
    }
}
