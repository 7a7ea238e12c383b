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

use crate::lang::Lang;

/// One file to check, with the path as the user will see it.
#[derive(Clone, Debug)]
pub struct Input {
    pub path: PathBuf,
    /// As given or found, with `/` separators.
    pub display: String,
    /// Why this entry cannot be checked (a symlink loop, an unreadable
    /// directory), found while walking.
    pub problem: Option<String>,
}

/// How to walk.
#[derive(Debug, Default)]
pub struct Walk {
    /// Only files matching these (default: `*.toml`).
    pub include: Option<GlobSet>,
    /// Skip files and directories matching these.
    pub exclude: Option<GlobSet>,
    pub follow_symlinks: bool,
}

impl Walk {
    /// Builds the glob sets; an invalid glob is an error naming it.
    pub fn new(
        include: &[String],
        exclude: &[String],
        follow_symlinks: bool,
    ) -> Result<Walk, String> {
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

fn globs(patterns: &[String]) -> Result<Option<GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| format!("invalid glob `{p}`: {e}"))?);
    }
    b.build().map(Some).map_err(|e| e.to_string())
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
pub struct Skipped {
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

    pub fn total(&self) -> usize {
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
    pub fn describe(&self, lang: Lang) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let reasons: Vec<(usize, String, String)> = vec![
            (
                self.symlinks,
                plural(
                    self.symlinks,
                    "symlink (not followed without --follow-symlinks)",
                    "symlinks (not followed without --follow-symlinks)",
                ),
                format!(
                    "{} 个符号链接（未使用 --follow-symlinks 时不跟随）",
                    self.symlinks
                ),
            ),
            (
                self.hidden,
                plural(
                    self.hidden,
                    "hidden file or directory",
                    "hidden files or directories",
                ),
                format!("{} 个隐藏文件或目录", self.hidden),
            ),
            (
                self.vcs,
                plural(self.vcs, "VCS directory", "VCS directories"),
                format!("{} 个版本控制目录", self.vcs),
            ),
            (
                self.excluded,
                format!("{} excluded by --exclude", self.excluded),
                format!("{} 项被 --exclude 排除", self.excluded),
            ),
            (
                self.not_included,
                plural(
                    self.not_included,
                    "file not matching --include",
                    "files not matching --include",
                ),
                format!("{} 个文件不匹配 --include", self.not_included),
            ),
            (
                self.not_toml,
                plural(
                    self.not_toml,
                    "file not named *.toml",
                    "files not named *.toml",
                ),
                format!("{} 个文件不是 *.toml", self.not_toml),
            ),
            (
                self.special,
                plural(
                    self.special,
                    "special file (not a regular file)",
                    "special files (not regular files)",
                ),
                format!("{} 个特殊文件（非普通文件）", self.special),
            ),
        ];
        let total = self.total();
        let listed: Vec<String> = reasons
            .into_iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(_, en, zh)| lang.pick(en, zh))
            .collect();
        match lang {
            Lang::En => {
                let head = plural(total, "entry skipped", "entries skipped");
                if listed.is_empty() {
                    head
                } else {
                    format!("{head}: {}", listed.join(", "))
                }
            }
            Lang::Zh => {
                if listed.is_empty() {
                    format!("跳过 {total} 项")
                } else {
                    format!("跳过 {total} 项：{}", listed.join("，"))
                }
            }
        }
    }

    /// The message for a scan that found no plan file, e.g. `no plan files
    /// found; 3 entries skipped: 2 symlinks (…), 1 excluded by --exclude`.
    pub fn nothing_found(&self, lang: Lang) -> String {
        lang.pick(
            format!("no plan files found; {}", self.describe(lang)),
            format!("未找到方案文件；{}", self.describe(lang)),
        )
    }
}

/// What a scan found: the files to check, and what it skipped.
#[derive(Debug, Default)]
pub struct Found {
    /// Sorted by `display`; each file once.
    pub inputs: Vec<Input>,
    pub skipped: Skipped,
}

/// Expands paths into files. A path given that does not exist is an error
/// for the whole run; everything below it is an entry.
pub fn discover(paths: &[PathBuf], walk: &Walk) -> Result<Vec<Input>, String> {
    scan(paths, walk).map(|found| found.inputs)
}

/// Expands paths into files, counting what was skipped. A file reached twice
/// (`a.toml`, `./a.toml`, `d/../a.toml`, through a directory given, through
/// a symlink) is kept once, under the first spelling given; the files are
/// then sorted by their spelling.
pub fn scan(paths: &[PathBuf], walk: &Walk) -> Result<Found, String> {
    let mut found = Found::default();
    let mut seen = HashSet::new();
    let mut keep = |inputs: &mut Vec<Input>, i: Input| {
        if seen.insert(identity(&i)) {
            inputs.push(i);
        }
    };
    for p in paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(format!("{}: no such file or directory", display(p)));
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
                        Some(a) => format!("a symlink loop: this leads back to {}", display(a)),
                        None => err
                            .io_error()
                            .map_or_else(|| err.to_string(), ToString::to_string),
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

fn input(p: &Path, problem: Option<String>) -> Input {
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

    #[test]
    fn the_message_counts_each_reason() {
        let s = Skipped {
            symlinks: 2,
            excluded: 1,
            ..Skipped::default()
        };
        assert_eq!(
            s.nothing_found(Lang::En),
            "no plan files found; 3 entries skipped: 2 symlinks (not followed \
             without --follow-symlinks), 1 excluded by --exclude"
        );
        assert_eq!(
            s.nothing_found(Lang::Zh),
            "未找到方案文件；跳过 3 项：2 个符号链接（未使用 --follow-symlinks \
             时不跟随），1 项被 --exclude 排除"
        );
        let one = Skipped {
            vcs: 1,
            ..Skipped::default()
        };
        assert_eq!(
            one.nothing_found(Lang::En),
            "no plan files found; 1 entry skipped: 1 VCS directory"
        );
        assert_eq!(
            Skipped::default().nothing_found(Lang::En),
            "no plan files found; 0 entries skipped"
        );
    }
}
