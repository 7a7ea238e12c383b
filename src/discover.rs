//! Finding the plan files: paths from the command line, directories walked
//! for `*.toml`. Hidden and VCS directories are skipped; symlinks inside
//! directories are followed only when asked, and then a loop is reported,
//! never hung on. A problem with one entry becomes that entry's finding, and
//! the walk goes on. Every entry skipped is counted by reason, so a scan that
//! finds nothing can say why. A file found twice, by any spelling, is kept
//! once under the first spelling given, and the files are sorted by that
//! spelling, byte by byte, whatever the order of the paths given.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use walkdir::{DirEntry, WalkDir};

use crate::error::Error;
use crate::message::{Arg, Message};

/// One file to check, with the path as the user will see it.
#[derive(Clone, Debug)]
pub(crate) struct Input {
    pub path: PathBuf,
    /// As given or found, with `/` separators.
    pub display: String,
    /// Why this entry cannot be checked (a symlink loop, an unreadable
    /// directory), found while walking.
    pub problem: Option<Message>,
}

/// How to walk.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    /// Only files matching these (default: `*.toml`).
    pub include: Option<GlobSet>,
    /// Skip files and directories matching these.
    pub exclude: Option<GlobSet>,
    pub follow_symlinks: bool,
}

impl Walk {
    /// Builds the glob sets; an invalid glob is an error naming it.
    pub(crate) fn new(
        include: &[String],
        exclude: &[String],
        follow_symlinks: bool,
    ) -> Result<Walk, Error> {
        Ok(Walk {
            include: globs(include)?,
            exclude: globs(exclude)?,
            follow_symlinks,
        })
    }

    /// Matches a glob against the whole path, or, for a glob without `/`,
    /// against the file name, as .gitignore does.
    fn matches(set: &GlobSet, display: &str) -> bool {
        let name = display.rsplit('/').next().unwrap_or(display);
        set.is_match(display) || set.is_match(name)
    }

    fn excluded(&self, display: &str) -> bool {
        self.exclude
            .as_ref()
            .is_some_and(|s| Walk::matches(s, display))
    }

    fn included(&self, display: &str) -> bool {
        match &self.include {
            Some(s) => Walk::matches(s, display),
            None => display.ends_with(".toml"),
        }
    }

    /// Why an entry below a directory given is not walked or checked, if it
    /// is not; `None` for a directory to walk or a file to check.
    fn skip(&self, e: &DirEntry) -> Option<Skip> {
        let name = e.file_name();
        let kind = e.file_type();
        if kind.is_dir() && is_vcs(name) {
            return Some(Skip::Vcs);
        }
        if is_hidden(name) {
            return Some(Skip::Hidden);
        }
        let shown = display(e.path());
        if self.excluded(&shown) {
            return Some(Skip::Excluded);
        }
        let unmatched = || {
            if self.include.is_some() {
                Skip::NotIncluded
            } else {
                Skip::NotToml
            }
        };
        if kind.is_dir() {
            None
        } else if kind.is_symlink() {
            // Only reached when links are not followed. A link that could
            // lead to a plan (a directory, or named as one) is counted as a
            // link, so the message points at --follow-symlinks.
            let to_dir = std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir());
            Some(if to_dir || self.included(&shown) {
                Skip::Symlink
            } else {
                unmatched()
            })
        } else if !self.included(&shown) {
            Some(unmatched())
        } else if kind.is_file() {
            None
        } else {
            Some(Skip::Special)
        }
    }
}

fn globs(patterns: &[String]) -> Result<Option<GlobSet>, Error> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| Error::BadGlob {
            glob: p.clone(),
            detail: e.kind().to_string(),
        })?);
    }
    b.build().map(Some).map_err(|e| Error::BadGlob {
        glob: patterns.join(" "),
        detail: e.to_string(),
    })
}

/// Why an entry was skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Skip {
    Symlink,
    Hidden,
    Vcs,
    Excluded,
    NotIncluded,
    NotToml,
    Special,
}

/// How many entries below the directories given were skipped, by reason.
/// An entry is one file, link or directory; a directory skipped counts once,
/// whatever it holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Skipped {
    /// Symlinks not followed (without `--follow-symlinks`).
    pub symlinks: usize,
    /// Hidden files and directories (other than VCS directories).
    pub hidden: usize,
    /// VCS directories (`.git`, `.hg`, `.svn`, …).
    pub vcs: usize,
    /// Files and directories matching `--exclude`.
    pub excluded: usize,
    /// Files not matching `--include`.
    pub not_included: usize,
    /// Files not named `*.toml` (when no `--include` is given).
    pub not_toml: usize,
    /// Entries that are neither files, directories nor symlinks (pipes,
    /// sockets, devices).
    pub special: usize,
}

impl Skipped {
    fn add(&mut self, why: Skip) {
        let n = match why {
            Skip::Symlink => &mut self.symlinks,
            Skip::Hidden => &mut self.hidden,
            Skip::Vcs => &mut self.vcs,
            Skip::Excluded => &mut self.excluded,
            Skip::NotIncluded => &mut self.not_included,
            Skip::NotToml => &mut self.not_toml,
            Skip::Special => &mut self.special,
        };
        *n += 1;
    }

    pub(crate) fn total(&self) -> usize {
        self.symlinks
            + self.hidden
            + self.vcs
            + self.excluded
            + self.not_included
            + self.not_toml
            + self.special
    }

    /// What was skipped, e.g. `3 entries skipped: 2 symlinks (not followed
    /// without --follow-symlinks), 1 excluded by --exclude`.
    pub(crate) fn describe(&self) -> Message {
        let count = |id_one, id_many, n: usize| {
            let id = if n == 1 { id_one } else { id_many };
            Message::new(id).arg("count", n.to_string())
        };
        let reasons: Vec<Arg> = [
            (self.symlinks, "skip.symlinks.one", "skip.symlinks.many"),
            (self.hidden, "skip.hidden.one", "skip.hidden.many"),
            (self.vcs, "skip.vcs.one", "skip.vcs.many"),
            (self.excluded, "skip.excluded.one", "skip.excluded.many"),
            (
                self.not_included,
                "skip.not-included.one",
                "skip.not-included.many",
            ),
            (self.not_toml, "skip.not-toml.one", "skip.not-toml.many"),
            (self.special, "skip.special.one", "skip.special.many"),
        ]
        .into_iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| count(one, many, n).into())
        .collect();
        let total = self.total();
        if reasons.is_empty() {
            count("skip.total.one", "skip.total.many", total)
        } else {
            count("skip.total.one.reasons", "skip.total.many.reasons", total)
                .arg("reasons", Arg::List(reasons))
        }
    }

    /// The message for a scan that found no plan file, e.g. `no plan files
    /// found; 3 entries skipped: 2 symlinks (…), 1 excluded by --exclude`.
    pub(crate) fn nothing_found(&self) -> Message {
        Message::new("skip.none").arg("skipped", self.describe())
    }
}

/// What a scan found: the files to check, and what it skipped.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Sorted by `display`; each file once.
    pub inputs: Vec<Input>,
    pub skipped: Skipped,
}

/// Expands paths into files. A path given that does not exist is an error
/// for the whole run; everything below it is an entry.
pub(crate) fn discover(paths: &[PathBuf], walk: &Walk) -> Result<Vec<Input>, Error> {
    scan(paths, walk).map(|found| found.inputs)
}

/// Expands paths into files, counting what was skipped. A file reached twice
/// (`a.toml`, `./a.toml`, `d/../a.toml`, through a directory given, through
/// a symlink) is kept once, under the first spelling given; the files are
/// then sorted by their spelling.
pub(crate) fn scan(paths: &[PathBuf], walk: &Walk) -> Result<Found, Error> {
    let mut found = Found::default();
    let mut seen = HashSet::new();
    let mut keep = |inputs: &mut Vec<Input>, i: Input| {
        if seen.insert(identity(&i)) {
            inputs.push(i);
        }
    };
    for p in paths {
        if let Err(e) = std::fs::symlink_metadata(p) {
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) {
                return Err(Error::NoSuchPath { path: display(p) });
            }
            // It may well exist (a folder on the way that cannot be searched,
            // a symlink loop): the entry's problem, with the real error, and
            // the other paths are still checked.
            let why = Message::new("pf001.unreadable").arg("error", e.to_string());
            keep(&mut found.inputs, input(p, Some(why)));
            continue;
        }
        if !p.is_dir() {
            // A file named on the command line is checked whatever its name.
            keep(&mut found.inputs, input(p, None));
            continue;
        }
        let mut entries = WalkDir::new(p)
            .follow_links(walk.follow_symlinks)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = entries.next() {
            match entry {
                Ok(e) if e.depth() == 0 => {}
                Ok(e) => match walk.skip(&e) {
                    Some(why) => {
                        found.skipped.add(why);
                        if e.file_type().is_dir() {
                            entries.skip_current_dir();
                        }
                    }
                    None if e.file_type().is_file() => {
                        keep(&mut found.inputs, input(e.path(), None))
                    }
                    None => {}
                },
                Err(err) => {
                    let path = err.path().map_or_else(|| p.clone(), Path::to_path_buf);
                    let why = match err.loop_ancestor() {
                        Some(a) => Message::new("walk.loop").arg("path", display(a)),
                        None => Message::new("pf001.unreadable").arg(
                            "error",
                            err.io_error()
                                .map_or_else(|| err.to_string(), ToString::to_string),
                        ),
                    };
                    keep(&mut found.inputs, input(&path, Some(why)));
                }
            }
        }
    }
    found.inputs.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(found)
}

/// What makes two entries the same file: the canonical path of a file that
/// can be read; otherwise (a dangling link, an entry with a problem) its
/// spelling.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Identity {
    File(PathBuf),
    Spelling(String),
}

fn identity(i: &Input) -> Identity {
    if i.problem.is_none() {
        if let Ok(canon) = std::fs::canonicalize(&i.path) {
            return Identity::File(canon);
        }
    }
    Identity::Spelling(i.display.clone())
}

fn input(p: &Path, problem: Option<Message>) -> Input {
    Input {
        path: p.to_path_buf(),
        display: display(p),
        problem,
    }
}

fn display(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|s| s.starts_with('.') && s != "." && s != "..")
}

/// The directories version control keeps its data in.
fn is_vcs(name: &std::ffi::OsStr) -> bool {
    matches!(
        name.to_str(),
        Some(".git" | ".hg" | ".svn" | ".bzr" | ".jj" | "_darcs" | "CVS")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn the_message_counts_each_reason() {
        let s = Skipped {
            symlinks: 2,
            excluded: 1,
            ..Skipped::default()
        };
        assert_eq!(
            s.nothing_found().get(Lang::En),
            "no plan files found; 3 entries skipped: 2 symlinks (not followed \
             without --follow-symlinks), 1 excluded by --exclude"
        );
        assert_eq!(
            s.nothing_found().get(Lang::Zh),
            "未找到方案文件；跳过 3 项：2 个符号链接（未使用 --follow-symlinks \
             时不跟随）、1 项被 --exclude 排除"
        );
        let one = Skipped {
            vcs: 1,
            ..Skipped::default()
        };
        assert_eq!(
            one.nothing_found().get(Lang::En),
            "no plan files found; 1 entry skipped: 1 VCS directory"
        );
        assert_eq!(
            Skipped::default().nothing_found().get(Lang::En),
            "no plan files found; 0 entries skipped"
        );
    }
}
