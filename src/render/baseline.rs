//! `--write-baseline FILE`: the baseline of every finding a run reports.

use std::io::{self, Write};

use super::{Emitter, Finish};
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;

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
        serde_json::to_writer_pretty(&mut *w, &file)?;
        writeln!(w)
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
