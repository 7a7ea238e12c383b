//! Files written whole or not at all: a temporary file beside the target,
//! renamed onto it once complete. Reports, baselines and skeletons never
//! leave a half-written file behind.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub(crate) struct AtomicFile {
    temp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl AtomicFile {
    /// A temporary file in `path`'s directory.
    pub(crate) fn create(path: &Path) -> io::Result<AtomicFile> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Ok(AtomicFile {
            temp: tempfile::NamedTempFile::new_in(dir)?,
            path: path.to_path_buf(),
        })
    }

    /// A handle to write through (the temporary file stays owned here).
    pub(crate) fn file(&self) -> io::Result<File> {
        self.temp.as_file().try_clone()
    }

    /// Renames the finished file onto its path. Without `overwrite`, fails
    /// rather than replace a file that exists (or appeared meanwhile).
    pub(crate) fn commit(self, overwrite: bool) -> io::Result<()> {
        self.temp.as_file().sync_all()?;
        let done = if overwrite {
            self.temp.persist(&self.path)
        } else {
            self.temp.persist_noclobber(&self.path)
        };
        done.map(drop).map_err(|e| e.error)
    }
}

/// Writes `bytes` to `path` atomically.
pub(crate) fn write(path: &Path, bytes: &[u8], overwrite: bool) -> io::Result<()> {
    let f = AtomicFile::create(path)?;
    f.file()?.write_all(bytes)?;
    f.commit(overwrite)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_refuses_to_clobber_unless_told() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.txt");
        write(&p, b"one", false).unwrap();
        assert!(write(&p, b"two", false).is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write(&p, b"two", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }
}
