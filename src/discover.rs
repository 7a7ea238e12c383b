//! Finding the plan files: paths from the command line, directories walked
//! for `*.toml` in sorted order. Hidden and VCS directories are skipped;
//! symlinks inside directories are followed only when asked, and then a loop
//! is reported, never hung on. A problem with one entry becomes that entry's
//! finding, and the walk goes on.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use walkdir::WalkDir;

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

/// Expands paths into files. A path given that does not exist is an error
/// for the whole run; everything below it is an entry.
pub fn discover(paths: &[PathBuf], walk: &Walk) -> Result<Vec<Input>, String> {
    let mut inputs = Vec::new();
    for p in paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(format!("{}: no such file or directory", display(p)));
        }
        if !p.is_dir() {
            // A file named on the command line is checked whatever its name.
            inputs.push(input(p, None));
            continue;
        }
        let entries = WalkDir::new(p)
            .follow_links(walk.follow_symlinks)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || !(is_hidden(e.file_name()) || walk.excluded(&display(e.path())))
            });
        for entry in entries {
            match entry {
                Ok(e) if e.file_type().is_file() && walk.included(&display(e.path())) => {
                    inputs.push(input(e.path(), None))
                }
                Ok(_) => {}
                Err(err) => {
                    let path = err.path().map_or_else(|| p.clone(), Path::to_path_buf);
                    let why = match err.loop_ancestor() {
                        Some(a) => format!("a symlink loop: this leads back to {}", display(a)),
                        None => err
                            .io_error()
                            .map_or_else(|| err.to_string(), ToString::to_string),
                    };
                    inputs.push(input(&path, Some(why)));
                }
            }
        }
    }
    Ok(inputs)
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
