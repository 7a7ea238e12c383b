//! Finding the plan files: paths from the command line, directories walked
//! for `*.toml` in sorted order.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// One file to check, with the path as the user will see it.
#[derive(Clone, Debug)]
pub struct Input {
    pub path: PathBuf,
    /// As given or found, with `/` separators.
    pub display: String,
}

/// Something found on the way that is not a plan to check but must be said.
#[derive(Debug)]
pub struct Problem {
    pub display: String,
    pub message: String,
}

/// Expands paths into files. A path that does not exist is an error for the
/// whole run; a problem inside a directory is reported on that entry.
pub fn discover(paths: &[PathBuf]) -> Result<(Vec<Input>, Vec<Problem>), String> {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(format!("{}: no such file or directory", display(p)));
        }
        if !p.is_dir() {
            inputs.push(input(p));
            continue;
        }
        let walk = WalkDir::new(p)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        for entry in walk {
            match entry {
                Ok(e) if e.file_type().is_file() && is_toml(e.path()) => {
                    inputs.push(input(e.path()))
                }
                Ok(_) => {}
                Err(err) => problems.push(Problem {
                    display: err.path().map_or_else(|| display(p), display),
                    message: err.to_string(),
                }),
            }
        }
    }
    Ok((inputs, problems))
}

fn input(p: &Path) -> Input {
    Input {
        path: p.to_path_buf(),
        display: display(p),
    }
}

fn display(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn is_toml(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "toml")
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|s| s.starts_with('.') && s != "." && s != "..")
}
