//! `--format github`: GitHub Actions workflow commands, one line per finding,
//! which the runner turns into annotations on the plan's lines:
//! `::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=CODE::MESSAGE`.
//! Errors are `::error`, warnings `::warning`; info, waived and baselined
//! findings `::notice` (they do not fail the run, so they must not read as
//! failures on the pull request, but a reviewer still sees them). The message
//! is the finding's message, then its help and where the rule comes from, one
//! per line (`%0A`), so a "did you mean `rank`?" reaches the pull request.
//! Nothing else is printed on standard output: the job summary
//! ([`super::summary`]) goes to `$GITHUB_STEP_SUMMARY`.

use std::io::{self, Write};

use super::{cite, mark, safe, Config, Emitter, Finish, Level};
use crate::finding::Finding;
use crate::lang::Lang;
use crate::message::Message;
use crate::report::FileReport;
use crate::rules::Rules;
use crate::source::SourceDb;

pub struct Github<'a> {
    lang: Lang,
    rules: &'a Rules,
}

impl<'a> Github<'a> {
    pub fn new(cfg: Config<'a>) -> Self {
        Github {
            lang: cfg.lang,
            rules: cfg.rules,
        }
    }
}

/// The lines after a finding's message: its help, then the clause it cites
/// (as the human format shows them), each made safe on its own.
pub fn help_lines(f: &Finding, rules: &Rules, lang: Lang) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(h) = &f.help {
        let label = Message::new("human.help-label").get(lang);
        lines.push(format!("{label}{}", safe(&h.get(lang))));
    }
    if let Some(c) = &f.citation {
        let more = Message::new("human.citation")
            .arg("cites", safe(&cite::line(c, rules, lang)).into_owned())
            .arg("code", safe(&f.code).into_owned());
        lines.push(more.get(lang));
    }
    lines
}

impl Emitter for Github<'_> {
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
            let mut message = format!("{}{mark}", safe(&f.message.get(self.lang)));
            for line in help_lines(f, self.rules, self.lang) {
                message.push('\n');
                message.push_str(&line);
            }
            writeln!(
                w,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&safe(&report.path)),
                l.start.line,
                l.start.column,
                l.end.line,
                l.end.column,
                escape_property(&safe(&f.code)),
                escape_data(&message),
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
