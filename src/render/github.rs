//! `--format github`: GitHub Actions workflow commands, one line per finding,
//! which the runner turns into annotations on the plan's lines:
//! `::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=CODE::MESSAGE`.
//! Errors are `::error`, warnings `::warning`, info and waived findings
//! `::notice`. Nothing else is printed: no summary line.

use std::io::{self, Write};

use super::{mark, safe, Config, Emitter, Finish, Level};
use crate::lang::Lang;
use crate::report::FileReport;
use crate::source::SourceDb;

pub struct Github {
    lang: Lang,
}

impl Github {
    pub fn new(cfg: Config) -> Self {
        Github { lang: cfg.lang }
    }
}

impl Emitter for Github {
    fn file(&mut self, w: &mut dyn Write, report: &FileReport, _: &SourceDb) -> io::Result<()> {
        for l in &report.findings {
            let f = &l.finding;
            // Command names are GitHub's: the same in every language.
            let command = match Level::shown(f) {
                Level::Note => "notice",
                Level::Warning => "warning",
                Level::Error => "error",
            };
            let mark = mark(f).map(|m| m.get(self.lang)).unwrap_or_default();
            writeln!(
                w,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}{}",
                escape_property(&safe(&report.path)),
                l.start.line,
                l.start.column,
                l.end.line,
                l.end.column,
                escape_property(&safe(&f.code)),
                escape_data(&safe(&f.message.get(self.lang))),
                escape_data(&mark),
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, _: &mut dyn Write, _: &Finish) -> io::Result<()> {
        Ok(())
    }
}

/// Escapes a command's message: `%`, CR and LF would end or corrupt it.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value: as [`escape_data`], and `:` and `,`, which
/// separate properties and end the property list.
pub fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in escape_data(s).chars() {
        match c {
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}
