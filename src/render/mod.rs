//! Renderers: reports in, text out. They never decide anything; every
//! verdict was made in `eval` and `report`. Each output format is one file
//! implementing [`Emitter`], fed each file's report as it completes (in path
//! order) and the run's totals at the end.

use std::io::{self, Write};

use crate::lang::Lang;
use crate::portfolio::Portfolio;
use crate::report::{FileReport, Totals};
use crate::rules::Rules;
use crate::source::SourceDb;
pub use crate::text::{safe, safe_multiline, safe_source};

pub mod baseline;
pub mod cite;
pub mod csv;
pub mod explain;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod rules_md;
pub mod rules_table;
pub mod sarif;
pub mod tables;

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
}

/// What every emitter may need besides the reports.
#[derive(Clone, Copy)]
pub struct Config<'a> {
    pub rules: &'a Rules,
    pub lang: Lang,
    pub color: bool,
    /// `--summary`: a table per plan, totals and the portfolio roll-up.
    pub summary: bool,
    /// `--statistics`: a table per rule that fired.
    pub statistics: bool,
    /// `--quiet`: findings only.
    pub quiet: bool,
}

/// The end of a run, for [`Emitter::finish`].
pub struct Finish<'a> {
    pub totals: &'a Totals,
    pub portfolio: &'a Portfolio,
}

pub trait Emitter {
    /// One file, as soon as it is checked; `db` holds its text.
    fn file(&mut self, w: &mut dyn Write, report: &FileReport, db: &SourceDb) -> io::Result<()>;
    /// After the last file.
    fn finish(&mut self, w: &mut dyn Write, end: &Finish) -> io::Result<()>;
}

/// The emitter for a format.
pub fn emitter<'a>(format: Format, cfg: Config<'a>) -> Box<dyn Emitter + 'a> {
    match format {
        Format::Human => Box::new(human::Human::new(cfg)),
        Format::Concise => Box::new(human::Concise::new(cfg)),
        Format::Json => Box::new(json::Json::new(cfg)),
        Format::Sarif => Box::new(sarif::Sarif::new(cfg)),
        Format::Junit => Box::new(junit::Junit::new(cfg)),
        Format::Github => Box::new(github::Github::new(cfg)),
        Format::Csv => Box::new(csv::Csv::new(cfg)),
    }
}
