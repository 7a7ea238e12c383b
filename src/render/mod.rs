//! Renderers: reports in, text out. They never decide anything; every
//! verdict was made in `eval` and `report`. Each output format is one file
//! implementing [`Emitter`], fed each file's report as it completes (in path
//! order) and the run's totals at the end.

use std::io::{self, Write};

use crate::finding::{Code, Finding, Severity};
use crate::lang::Lang;
use crate::message::Message;
use crate::portfolio::Portfolio;
use crate::report::{FileReport, Totals};
use crate::rules::Rules;
use crate::source::SourceDb;
pub use crate::text::{safe, safe_multiline, safe_source};

pub mod audit;
pub mod baseline;
pub mod cite;
pub mod csv;
pub mod explain;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod letters;
mod package;
pub mod rules_md;
pub mod rules_table;
pub mod sarif;
pub mod summary;
pub mod tables;
pub mod xlsx;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Each finding with the lines it points at, then a summary
    Human,
    /// `path:line:col: CODE severity message`, one line each
    Concise,
    /// One JSON document (docs/json-output.md)
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub, GitLab, IDEs)
    Sarif,
    /// JUnit XML: a test suite per plan, a test case per rule
    Junit,
    /// GitHub Actions workflow commands: an annotation per finding
    Github,
    /// CSV (RFC 4180): a header, then a row per finding
    Csv,
    /// One self-contained HTML page for auditors: the portfolio, then each plan
    Html,
    /// An Excel workbook: sheets Plans, Findings, Portfolio, Waivers
    Xlsx,
    /// A folder of draft review letters (.docx and .md), one per failing
    /// plan: `--output letters=DIR` only, never a `--format`.
    #[value(skip)]
    Letters,
}

/// What every emitter may need besides the reports.
#[derive(Clone, Copy)]
pub struct Config<'a> {
    pub rules: &'a Rules,
    /// The language of human-facing output: `--lang`, else the
    /// configuration, else the environment.
    pub lang: Lang,
    /// The language of machine-read output (JSON, SARIF, JUnit, CSV, GitHub
    /// annotations): `--lang` or the configuration only, never the
    /// environment (json-output.md, "Languages").
    pub machine_lang: Lang,
    pub color: bool,
    /// `--summary`: a table per plan, totals and the portfolio roll-up.
    pub summary: bool,
    /// `--statistics`: a table per rule that fired.
    pub statistics: bool,
    /// `--quiet`: findings only.
    pub quiet: bool,
    /// What the run was judged against (audit evidence), for machine
    /// formats; `None` outside `check`.
    pub run: Option<&'a crate::evidence::RunInfo>,
}

/// The end of a run, for [`Emitter::finish`].
pub struct Finish<'a> {
    pub totals: &'a Totals,
    pub portfolio: &'a Portfolio,
}

pub trait Emitter: Send {
    /// One file, as soon as it is checked; `db` holds its text.
    fn file(&mut self, w: &mut dyn Write, report: &FileReport, db: &SourceDb) -> io::Result<()>;
    /// One file with what this output's [`Prepare`] made of it on the
    /// worker that checked it. Outputs without a preparer never get one.
    fn prepared(
        &mut self,
        w: &mut dyn Write,
        report: &FileReport,
        db: &SourceDb,
        part: Part,
    ) -> io::Result<()> {
        let _ = part;
        self.file(w, report, db)
    }
    /// After the last file.
    fn finish(&mut self, w: &mut dyn Write, end: &Finish) -> io::Result<()>;
}

/// The part of an output's work on one file that needs nothing but that
/// file: the auditor outputs' text (an HTML section, a workbook's rows, a
/// letter), built on the worker thread that checked the file, so on every
/// core, and handed to [`Emitter::prepared`] in path order. Rendering
/// the auditor outputs costs about as much CPU as checking the plans:
/// files are emitted one at a time, and rendered there it would hold
/// every worker up.
pub trait Prepare: Send + Sync {
    /// `index`: the file's place in path order; `view`: the auditor's view
    /// of the file, built by the first output that asks for it.
    fn prepare(
        &self,
        index: usize,
        report: &FileReport,
        db: &SourceDb,
        view: &audit::Shared,
    ) -> Part;
}

/// What a [`Prepare`] made of one file.
pub enum Part {
    None,
    Html(html::Section),
    Xlsx(xlsx::Rows),
    /// The letter's files; `None` for a plan that passes.
    Letter(io::Result<Option<letters::Files>>),
}

/// The preparer of a format's output, if it has one.
pub fn preparer<'a>(format: Format, cfg: Config<'a>) -> Option<Box<dyn Prepare + 'a>> {
    match format {
        Format::Html => Some(Box::new(html::Prep(cfg))),
        Format::Xlsx => Some(Box::new(xlsx::Prep(cfg))),
        _ => None,
    }
}

/// The emitter for a format.
pub fn emitter<'a>(format: Format, cfg: Config<'a>) -> Box<dyn Emitter + 'a> {
    let machine = Config {
        lang: cfg.machine_lang,
        ..cfg
    };
    match format {
        Format::Human => Box::new(human::Human::new(cfg)),
        Format::Concise => Box::new(human::Concise::new(cfg)),
        Format::Json => Box::new(json::Json::new(machine)),
        Format::Sarif => Box::new(sarif::Sarif::new(machine)),
        Format::Junit => Box::new(junit::Junit::new(machine)),
        Format::Github => Box::new(github::Github::new(machine)),
        Format::Csv => Box::new(csv::Csv::new(machine)),
        // Read by people: the human language.
        Format::Html => Box::new(html::Html::new(cfg)),
        Format::Xlsx => Box::new(xlsx::Xlsx::new(cfg)),
        // A folder output: built by the command line with its folder
        // (`letters::Letters::new`); as a stream it writes nothing.
        Format::Letters => Box::new(letters::Refused),
    }
}

/// How loudly a finding shows. These are SARIF's levels; miette's
/// severities and GitHub's workflow commands follow them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    /// A rule's own level, from its severity.
    pub fn of(s: Severity) -> Level {
        match s {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
            Severity::Info => Level::Note,
        }
    }

    /// How a finding shows in a report: one that a waiver or the baseline
    /// covers is a note, whatever its severity.
    pub fn shown(f: &Finding) -> Level {
        if f.waived.is_some() || f.baselined {
            Level::Note
        } else {
            Level::of(f.severity)
        }
    }

    /// SARIF's name for it; a machine token, the same in every language.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

/// What follows the message of a finding that does not count: ` (waived)`
/// or ` (baselined)`.
pub fn mark(f: &Finding) -> Option<Message> {
    match (&f.waived, f.baselined) {
        (Some(_), _) => Some(Message::new("mark.waived")),
        (None, true) => Some(Message::new("mark.baselined")),
        (None, false) => None,
    }
}

/// The word for a severity in tables and explanations (the token that
/// machines read is [`Severity::as_str`]).
pub fn severity_word(s: Severity) -> Message {
    match s {
        Severity::Error => Message::new("severity.error"),
        Severity::Warning => Message::new("severity.warning"),
        Severity::Info => Message::new("severity.info"),
    }
}

/// What a built-in code is about: `unknown key`.
pub fn code_description(c: Code) -> Message {
    c.describe()
}
