//! `--write-baseline FILE`: the baseline of every finding a run reports,
//! merged into the baseline already at FILE: entries of files this run did
//! not check are kept, so that checking a subset drops nobody else's; stale
//! entries of the files checked are kept too, unless `--prune-baseline`.
//!
//! The file is version 2 (json-output.md, "Fingerprints"): paths relative
//! to FILE's folder, sorted, one entry per line, so that a change to the
//! baseline reads as a diff of the entries that changed.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::{Emitter, Finish};

use crate::baseline::{self, Baseline, VERSION};
use crate::read::MAX_BASELINE_BYTES;
use crate::report::{Entry, FileReport, Numbering};
use crate::source::SourceDb;

/// What a baseline written holds, for the note on standard error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Entries written.
    pub entries: usize,
    /// Files they name.
    pub files: usize,
    /// Of `entries`, those kept from files this run did not check.
    pub kept: usize,
    /// Entries of checked files whose findings no longer occur: kept, or
    /// removed with `--prune-baseline`.
    pub stale: usize,
    pub pruned: bool,
}

/// Writes a baseline of every finding a run reports (waived ones aside: a
/// waiver already records them), those beyond the finding cap included.
/// Identical fingerprints are held once with a count: a file of 2,000,000
/// identical findings holds one run, not two million entries, until written.
pub struct Writer {
    /// The folder paths are written relative to (canonical).
    dir: PathBuf,
    /// The baseline already at the target, merged.
    old: Option<Baseline>,
    prune: bool,
    /// Each fingerprint with the number of its first finding and how many.
    runs: Vec<(Entry, usize, usize)>,
    /// Entries of the old baseline for checked files that matched nothing.
    stale: Vec<Entry>,
    checked: HashSet<String>,
    written: Arc<OnceLock<Written>>,
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new(Path::new("baseline.json"), None, false)
    }
}

impl Writer {
    /// A writer for the baseline file `target`, merging `old` (what the
    /// file holds now, if anything).
    pub fn new(target: &Path, old: Option<Baseline>, prune: bool) -> Writer {
        let dir = baseline::folder_of(target);
        Writer {
            dir: std::fs::canonicalize(&dir).unwrap_or(dir),
            old,
            prune,
            runs: Vec::new(),
            stale: Vec::new(),
            checked: HashSet::new(),
            written: Arc::default(),
        }
    }

    /// Where the counts go once the baseline is written.
    pub fn written(&self) -> Arc<OnceLock<Written>> {
        self.written.clone()
    }
}

impl Emitter for Writer {
    fn file(&mut self, _: &mut dyn Write, report: &FileReport, _: &SourceDb) -> io::Result<()> {
        let path = baseline::relative(&self.dir, &report.path);
        let mut numbering = Numbering::default();
        let start = self.runs.len();
        // Numbered over every finding, waived ones too, as `apply` numbers.
        for f in report.every() {
            let entry = f.entry(&path);
            let first = numbering.take(&entry, f.n);
            if !f.waived {
                self.runs.push((entry, first, f.n));
            }
        }
        if let Some(old) = &self.old {
            let entries = old.entries(&path);
            if !entries.is_empty() {
                let mut left = baseline::numbers(entries);
                for (e, first, n) in &self.runs[start..] {
                    let (base, _) = baseline::split(e);
                    if let Some(s) = left.get_mut(&base) {
                        s.retain(|k| *k < *first || *k >= first + n);
                    }
                }
                self.stale.extend(
                    entries
                        .iter()
                        .filter(|e| {
                            let (base, k) = baseline::split(e);
                            left.get(&base).is_some_and(|s| s.contains(&k))
                        })
                        .cloned(),
                );
            }
        }
        self.checked.insert(path);
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, _: &Finish) -> io::Result<()> {
        let mut runs = std::mem::take(&mut self.runs);
        let one = |e: &Entry| {
            let (_, k) = baseline::split(e);
            let base = Entry {
                key: baseline::split(e).0 .2,
                ..e.clone()
            };
            (base, k, 1)
        };
        let kept: Vec<Entry> = match &self.old {
            Some(old) => old.others(&self.checked).cloned().collect(),
            None => Vec::new(),
        };
        let stale = std::mem::take(&mut self.stale);
        let mut written = Written {
            kept: kept.len(),
            stale: stale.len(),
            pruned: self.prune,
            ..Written::default()
        };
        runs.extend(kept.iter().map(one));
        if !self.prune {
            runs.extend(stale.iter().map(one));
        }
        runs.sort();
        // A baseline `--baseline` would refuse to read back is not written.
        let mut w = Capped {
            inner: w,
            left: MAX_BASELINE_BYTES,
        };
        writeln!(w, "{{\n  \"version\": {VERSION},\n  \"findings\": [")?;
        let mut last_path: Option<&str> = None;
        for (e, first, n) in &runs {
            for k in *first..first + n {
                let sep = if written.entries == 0 { "" } else { ",\n" };
                write!(w, "{sep}    ")?;
                serde_json::to_writer(&mut w, &e.numbered(k))?;
                written.entries += 1;
            }
            if last_path != Some(e.path.as_str()) && *n > 0 {
                written.files += 1;
                last_path = Some(&e.path);
            }
        }
        if written.entries > 0 {
            writeln!(w)?;
        }
        writeln!(w, "  ]\n}}")?;
        let _ = self.written.set(written);
        Ok(())
    }
}

/// A writer that fails once more than `left` bytes go through it.
struct Capped<'a> {
    inner: &'a mut dyn Write,
    left: u64,
}

impl Write for Capped<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.left = self.left.checked_sub(buf.len() as u64).ok_or_else(|| {
            io::Error::other(format!(
                "the baseline would be larger than {MAX_BASELINE_BYTES} bytes, \
                 the most --baseline reads back; fix the findings in the largest files first"
            ))
        })?;
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
