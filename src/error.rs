//! Operational errors: what stops cdocheck before or while it checks (exit
//! 2), said like every other message, in the user's language.

use crate::message::{Arg, Message};

/// Why a command cannot run.
#[derive(Debug)]
pub(crate) enum Error {
    /// A rule pack has errors (they were shown): nothing was checked.
    PacksHaveErrors,
    /// `man COMMAND` names no command.
    NoCommand { name: String, commands: Vec<String> },
    /// `explain CODE` names no rule or format code.
    NoCode { code: String, meant: Option<String> },
    /// `--pack NAME` or `rules --pack NAME` names no pack.
    NoSuchPack {
        name: String,
        packs: Vec<String>,
        meant: Option<String>,
    },
    /// Standard output named twice, or beside `--format`.
    StdoutTwice,
    /// An `--include`/`--exclude` glob that does not parse.
    BadGlob { glob: String, detail: String },
    /// A path given on the command line that does not exist.
    NoSuchPath { path: String },
    /// A baseline that cannot be read or is not one.
    Baseline { path: String, why: Message },
    /// An output that cannot be written.
    Output { path: String, detail: String },
    /// The paths given hold no plan file; says what was skipped.
    NoPlans(Message),
    /// A single-file output that names a folder.
    OutputIsDir { path: String },
    /// A single-file output that names a file being read.
    OutputIsInput { output: String, input: String },
    /// Two outputs naming one file.
    OutputTwice { first: String, second: String },
    /// The configuration file cannot be read (`why`), or has errors (shown
    /// before).
    Config { path: String, why: Option<Message> },
    /// Standard input cannot be read.
    Stdin { detail: String },
    /// `-` given more than once.
    StdinTwice,
    /// `--stdin-filename` without `-`.
    StdinFilename,
    /// Standard output (or an output file, named in `detail`) could not be
    /// written: a full disk, a closed device.
    Write { detail: String },
    /// `letters` asked for on standard output: it is a folder of files.
    LettersFolder,
    /// A file a folder output would replace, without `--force`.
    OutputExists { path: String },
    /// A folder output that names an existing file.
    LettersNotDir { path: String },
    /// `check --diff` with `--format` or `--output`.
    DiffWithOutput,
    /// `check --fix` of standard input.
    FixStdin,
}

impl Error {
    /// What went wrong, without the `error:` prefix.
    pub(crate) fn message(&self) -> Message {
        // Paths and names come from the user or the file system: made safe,
        // so an error is one line that no path can forge or recolour.
        let safe = |s: &str| crate::text::safe(s).into_owned();
        let list = |items: &[String]| {
            Arg::List(
                items
                    .iter()
                    .map(|s| Arg::Plain(format!("`{}`", safe(s))))
                    .collect(),
            )
        };
        match self {
            Error::PacksHaveErrors => Message::new("error.packs"),
            Error::NoCommand { name, commands } => Message::new("error.no-command")
                .arg("name", safe(name))
                .arg("commands", list(commands)),
            Error::NoCode { code, meant: None } => {
                Message::new("error.no-code").arg("code", safe(code))
            }
            Error::NoCode {
                code,
                meant: Some(m),
            } => Message::new("error.no-code.did-you-mean")
                .arg("code", safe(code))
                .arg("meant", safe(m)),
            Error::NoSuchPack {
                name,
                packs,
                meant: None,
            } => Message::new("error.no-pack")
                .arg("name", safe(name))
                .arg("packs", list(packs)),
            Error::NoSuchPack {
                name,
                packs,
                meant: Some(m),
            } => Message::new("error.no-pack.did-you-mean")
                .arg("name", safe(name))
                .arg("meant", safe(m))
                .arg("packs", list(packs)),
            Error::StdoutTwice => Message::new("error.stdout-twice"),
            Error::BadGlob { glob, detail } => Message::new("error.glob")
                .arg("glob", safe(glob))
                .arg("detail", safe(detail)),
            Error::NoSuchPath { path } => Message::new("error.no-path").arg("path", safe(path)),
            Error::Baseline { path, why } => Message::new("error.baseline")
                .arg("path", safe(path))
                .arg("why", why.clone()),
            Error::Output { path, detail } => Message::new("error.output")
                .arg("path", safe(path))
                .arg("detail", safe(detail)),
            Error::NoPlans(why) => why.clone(),
            Error::OutputIsDir { path } => Message::new("error.output-dir").arg("path", safe(path)),
            Error::OutputIsInput { output, input } => Message::new("error.output-input")
                .arg("output", safe(output))
                .arg("input", safe(input)),
            Error::OutputTwice { first, second } => Message::new("error.output-twice")
                .arg("first", safe(first))
                .arg("second", safe(second)),
            Error::Config { path, why: None } => {
                Message::new("error.config").arg("path", safe(path))
            }
            Error::Config {
                path,
                why: Some(why),
            } => Message::new("error.config.unreadable")
                .arg("path", safe(path))
                .arg("why", why.clone()),
            Error::Stdin { detail } => Message::new("error.stdin").arg("detail", safe(detail)),
            Error::StdinTwice => Message::new("error.stdin-twice"),
            Error::StdinFilename => Message::new("error.stdin-filename"),
            Error::Write { detail } => Message::new("error.write").arg("detail", safe(detail)),
            Error::LettersFolder => Message::new("error.letters-stdout"),
            Error::OutputExists { path } => {
                Message::new("error.output-exists").arg("path", safe(path))
            }
            Error::LettersNotDir { path } => {
                Message::new("error.letters-not-dir").arg("path", safe(path))
            }
            Error::DiffWithOutput => Message::new("error.diff-output"),
            Error::FixStdin => Message::new("error.fix-stdin"),
        }
    }

    /// The line for standard error: `error: …` / `错误：…`.
    pub(crate) fn line(&self) -> Message {
        Message::new("error").arg("message", self.message())
    }
}
