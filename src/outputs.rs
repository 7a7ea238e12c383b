//! Where a check run's reports go: the extra outputs (`--output`,
//! `--write-baseline`, the GitHub job summary) opened before the scan, the
//! refusal of any that would destroy an input or another output, and
//! standard streams that survive a closed pipe (docs/limits.md, "Outputs").

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::atomic::AtomicFile;
use crate::check::{Dest, Output};
use crate::discover::Input;
use crate::error::Error;
use crate::render::{self, Format};

/// Standard output or error as a run writes to it: once its reader has
/// gone (a closed pipe, `| head`), the rest is dropped and the run goes on,
/// so that every other output is written and the exit code is the verdict.
pub struct Closable<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> Closable<W> {
    pub fn new(inner: W) -> Self {
        Closable {
            inner,
            closed: false,
        }
    }

    fn absorb<T>(&mut self, r: io::Result<T>, all: T) -> io::Result<T> {
        match r {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(all)
            }
            r => r,
        }
    }
}

impl<W: Write> Write for Closable<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        self.absorb(r, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let r = self.inner.flush();
        self.absorb(r, ())
    }
}

/// An output file whose write errors name it.
pub(crate) struct Named<W> {
    inner: W,
    path: String,
}

impl<W: Write> Named<W> {
    fn name(&self, e: io::Error) -> io::Error {
        io::Error::new(e.kind(), format!("{}: {e}", self.path))
    }
}

impl<W: Write> Write for Named<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).map_err(|e| self.name(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(|e| self.name(e))
    }
}

/// With annotations on GitHub (`$GITHUB_STEP_SUMMARY` set), the file the
/// job summary is appended to, opened before the scan so that a run that
/// cannot write it stops at once (exit 2). Appended, never replaced: other
/// steps' summaries are in it.
pub(crate) fn job_summary(github: bool) -> Result<Option<Named<std::fs::File>>, Error> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    if !github {
        return Ok(None);
    }
    let path = PathBuf::from(path);
    let file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .map_err(|e| Error::Output {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
    Ok(Some(Named {
        inner: file,
        path: path.display().to_string(),
    }))
}

/// An extra output: its emitter, its preparer, its file.
pub(crate) type Wanted<'a, 'p> = (
    Box<dyn render::Emitter + 'a>,
    Option<Box<dyn render::Prepare + 'a>>,
    &'p Path,
);

/// Opens a file for each extra output; an error names the file.
#[allow(clippy::type_complexity)]
pub(crate) fn open_outputs<'a, 'p>(
    wanted: Vec<Wanted<'a, 'p>>,
) -> Result<(Vec<Output<'a>>, Vec<(AtomicFile, &'p Path)>), Error> {
    let mut outputs = Vec::new();
    let mut files = Vec::new();
    for (emitter, prepare, path) in wanted {
        let cannot = |e: io::Error| Error::Output {
            path: path.display().to_string(),
            detail: e.to_string(),
        };
        let file = AtomicFile::create_with_folders(path).map_err(cannot)?;
        let named = Named {
            inner: file.file().map_err(cannot)?,
            path: path.display().to_string(),
        };
        outputs.push(Output {
            emitter,
            // Sections of an HTML report, a JSON report: tens of megabytes
            // for a large scan, not 8 KB a system call.
            writer: Dest::Apart(Box::new(io::BufWriter::with_capacity(1 << 16, named))),
            prepare,
        });
        files.push((file, path));
    }
    Ok((outputs, files))
}

/// Refuses folder outputs (`--output letters=DIR`) that cannot be one (an
/// existing file of that name), and, without `--force`, any that already
/// holds a letter this run could write: checked before the scan for every
/// input, since which plans fail is not known yet (json-output.md,
/// "Outputs that are folders").
pub(crate) fn refuse_letters(dirs: &[PathBuf], inputs: &[Input], force: bool) -> Result<(), Error> {
    for dir in dirs {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::LettersNotDir {
                path: dir.display().to_string(),
            });
        }
        if force || !dir.exists() {
            continue;
        }
        for i in inputs {
            for file in render::letters::files(dir, i.display()) {
                if file.exists() {
                    return Err(Error::OutputExists {
                        path: file.display().to_string(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// Refuses single-file outputs that would destroy something: one naming a
/// plan being checked or the baseline read (by any spelling: a symlink, a
/// hard link, `dir/../p.toml`), one naming another output, or a folder
/// (json-output.md, "Outputs that are folders"). Updating the baseline in
/// place (`--baseline F --write-baseline F`) is the normal workflow.
pub(crate) fn refuse_clashes(
    outputs: &[(Format, PathBuf)],
    write_baseline: Option<&Path>,
    baseline: Option<&Path>,
    inputs: &[Input],
) -> Result<(), Error> {
    let outputs = outputs.iter().map(|(_, p)| (p.as_path(), false));
    let outputs = outputs.chain(write_baseline.map(|p| (p, true)));
    let mut taken: Vec<(&Path, FileId)> = Vec::new();
    // The inputs' identities, computed only when an output already exists.
    let mut known: Option<Vec<(FileId, String)>> = None;
    for (path, is_baseline) in outputs {
        let shown = || path.display().to_string();
        let id = FileId::of(path);
        if id.dir {
            return Err(Error::OutputIsDir { path: shown() });
        }
        // Several outputs may write through to one device (`/dev/null`).
        if let Some((first, _)) = taken.iter().find(|(_, t)| t.same(&id) && !id.device) {
            return Err(Error::OutputTwice {
                first: first.display().to_string(),
                second: shown(),
            });
        }
        if id.inode.is_some() {
            let known = known.get_or_insert_with(|| {
                // An existing output and an input are one file exactly
                // when they share an inode, which discovery has read: no
                // need to resolve each input's path (a `readlink` per
                // component, 10,000 times).
                let plans = inputs.iter().map(|i| {
                    let id = match i.inode {
                        Some(inode) => FileId {
                            inode: Some(inode),
                            ..FileId::default()
                        },
                        None => FileId::existing(&i.path),
                    };
                    (id, i.display().to_string())
                });
                let base = baseline.map(|b| (FileId::of(b), b.display().to_string()));
                plans
                    .chain(base.map(|(id, b)| {
                        (
                            FileId {
                                baseline: true,
                                ..id
                            },
                            b,
                        )
                    }))
                    .collect()
            });
            let clash = known
                .iter()
                .find(|(k, _)| k.same(&id) && !(is_baseline && k.baseline));
            if let Some((_, input)) = clash {
                return Err(Error::OutputIsInput {
                    output: shown(),
                    input: input.clone(),
                });
            }
        }
        taken.push((path, id));
    }
    Ok(())
}

/// What a path names, to tell whether two spellings are one file.
#[derive(Default)]
struct FileId {
    /// The path with symlinks, `.` and `..` resolved (its folder's, for a
    /// file not yet there).
    canonical: Option<PathBuf>,
    /// Device and inode of an existing file: hard links too.
    inode: Option<(u64, u64)>,
    dir: bool,
    /// Not a regular file: a device, a FIFO, a socket.
    device: bool,
    /// The baseline read, which `--write-baseline` may replace.
    baseline: bool,
}

impl FileId {
    fn of(path: &Path) -> FileId {
        let canonical = std::fs::canonicalize(path).ok().or_else(|| {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            let dir = std::fs::canonicalize(dir.unwrap_or(Path::new("."))).ok()?;
            Some(dir.join(path.file_name()?))
        });
        let Ok(meta) = std::fs::metadata(path) else {
            return FileId {
                canonical,
                ..FileId::default()
            };
        };
        FileId {
            canonical,
            ..FileId::from_meta(&meta)
        }
    }

    /// An existing file's identity, its path not resolved where the inode
    /// tells (elsewhere, as [`FileId::of`]).
    fn existing(path: &Path) -> FileId {
        if cfg!(unix) {
            std::fs::metadata(path).map_or_else(|_| FileId::default(), |m| FileId::from_meta(&m))
        } else {
            FileId::of(path)
        }
    }

    fn from_meta(meta: &std::fs::Metadata) -> FileId {
        #[cfg(unix)]
        let inode = {
            use std::os::unix::fs::MetadataExt;
            Some((meta.dev(), meta.ino()))
        };
        #[cfg(not(unix))]
        let inode = None;
        FileId {
            canonical: None,
            inode,
            dir: meta.is_dir(),
            device: !meta.is_dir() && !meta.is_file(),
            baseline: false,
        }
    }

    fn same(&self, other: &FileId) -> bool {
        (self.inode.is_some() && self.inode == other.inode)
            || (self.canonical.is_some() && self.canonical == other.canonical)
    }
}
