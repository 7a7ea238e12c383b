//! `--write-baseline FILE`: the baseline of every finding a run reports.

use std::io::{self, Write};

use super::{Emitter, Finish};
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;

use crate::read::MAX_BASELINE_BYTES;
use crate::report::{Entry, FileReport};
use crate::source::SourceDb;

/// Writes a baseline of every finding a run reports (waived ones aside: a
/// waiver already records them), those beyond the finding cap included.
/// Identical fingerprints are held once with a count: a file of 2,000,000
/// identical findings holds one entry, not two million, until written.
#[derive(Default)]
pub struct Writer {
    entries: Vec<(Entry, usize)>,
}

impl Emitter for Writer {
    fn file(&mut self, _: &mut dyn Write, report: &FileReport, _: &SourceDb) -> io::Result<()> {
        for f in report.every().filter(|f| !f.waived) {
            let entry = Entry {
                path: report.path.clone(),
                code: f.code.to_string(),
                unit: f.unit.map(str::to_string),
                key: f.key.map(str::to_string),
            };
            match self.entries.last_mut() {
                Some((last, n)) if *last == entry => *n += f.n,
                _ => self.entries.push((entry, f.n)),
            }
        }
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, _: &Finish) -> io::Result<()> {
        let mut entries = std::mem::take(&mut self.entries);
        entries.sort();
        let file = Out {
            version: 1,
            findings: Repeated(&entries),
        };
        // A baseline `--baseline` would refuse to read back is not written.
        let mut w = Capped {
            inner: w,
            left: MAX_BASELINE_BYTES,
        };
        serde_json::to_writer_pretty(&mut w, &file)?;
        writeln!(w)
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

/// The baseline file as [`crate::baseline::File`] writes it.
#[derive(Serialize)]
struct Out<'a> {
    version: u32,
    findings: Repeated<'a>,
}

/// Each entry as many times as it occurs.
struct Repeated<'a>(&'a [(Entry, usize)]);

impl Serialize for Repeated<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let len = self.0.iter().map(|(_, n)| n).sum();
        let mut seq = s.serialize_seq(Some(len))?;
        for (e, n) in self.0 {
            for _ in 0..*n {
                seq.serialize_element(e)?;
            }
        }
        seq.end()
    }
}
