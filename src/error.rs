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
    NoCode { code: String },
    /// `--pack NAME` or `rules --pack NAME` names no pack.
    NoSuchPack { name: String, packs: Vec<String> },
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
}

impl Error {
    /// What went wrong, without the `error:` prefix.
    pub(crate) fn message(&self) -> Message {
        let list = |items: &[String]| {
            Arg::List(items.iter().map(|s| Arg::Plain(format!("`{s}`"))).collect())
        };
        match self {
            Error::PacksHaveErrors => Message::new("error.packs"),
            Error::NoCommand { name, commands } => Message::new("error.no-command")
                .arg("name", name.as_str())
                .arg("commands", list(commands)),
            Error::NoCode { code } => Message::new("error.no-code").arg("code", code.as_str()),
            Error::NoSuchPack { name, packs } => Message::new("error.no-pack")
                .arg("name", name.as_str())
                .arg("packs", list(packs)),
            Error::StdoutTwice => Message::new("error.stdout-twice"),
            Error::BadGlob { glob, detail } => Message::new("error.glob")
                .arg("glob", glob.as_str())
                .arg("detail", detail.as_str()),
            Error::NoSuchPath { path } => Message::new("error.no-path").arg("path", path.as_str()),
            Error::Baseline { path, why } => Message::new("error.baseline")
                .arg("path", path.as_str())
                .arg("why", why.clone()),
            Error::Output { path, detail } => Message::new("error.output")
                .arg("path", path.as_str())
                .arg("detail", detail.as_str()),
            Error::NoPlans(why) => why.clone(),
        }
    }

    /// The line for standard error: `error: …` / `错误：…`.
    pub(crate) fn line(&self) -> Message {
        Message::new("error").arg("message", self.message())
    }
}
