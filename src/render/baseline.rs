//! `--write-baseline FILE`: the baseline of every finding a run reports.

use std::io::{self, Write};

use super::{Emitter, Finish};
use crate::baseline::File;
use crate::report::{Entry, FileReport};
use crate::source::SourceDb;

/// Writes a baseline of every finding a run reports (waived ones aside: a
/// waiver already records them).
#[derive(Default)]
pub struct Writer {
    entries: Vec<Entry>,
}

impl Emitter for Writer {
    fn file(&mut self, _: &mut dyn Write, report: &FileReport, _: &SourceDb) -> io::Result<()> {
        let found = report
            .findings
            .iter()
            .map(|l| &l.finding)
            .filter(|f| f.waived.is_none());
        self.entries
            .extend(found.map(|f| Entry::of(&report.path, f)));
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, _: &Finish) -> io::Result<()> {
        self.entries.sort();
        let file = File {
            version: 1,
            findings: std::mem::take(&mut self.entries),
        };
        serde_json::to_writer_pretty(&mut *w, &file)?;
        writeln!(w)
    }
}
