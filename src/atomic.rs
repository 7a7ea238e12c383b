//! Files written whole or not at all: a temporary file beside the target,
//! renamed onto it once complete. Reports, baselines and skeletons never
//! leave a half-written file behind, not even when the run is interrupted
//! (the temporary files are removed on SIGINT, SIGTERM and SIGHUP).
//!
//! A target that exists and is not a regular file (a device such as
//! `/dev/null`, a FIFO, a socket, a terminal) is written through instead:
//! renaming onto it would replace the device node or pipe with a file.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub(crate) struct AtomicFile {
    target: Target,
    path: PathBuf,
}

enum Target {
    /// A temporary file beside the path, and its slot in the list of files
    /// removed on interrupt.
    Temp {
        // Dropped first: the file is removed before its slot is freed.
        temp: tempfile::NamedTempFile,
        _slot: cleanup::Slot,
    },
    /// The existing non-regular file itself, opened for writing.
    Through(File),
}

impl AtomicFile {
    /// A temporary file in `path`'s directory, or the target itself when it
    /// exists and is not a regular file. A directory is an error.
    pub(crate) fn create(path: &Path) -> io::Result<AtomicFile> {
        AtomicFile::open(path, false)
    }

    /// As [`AtomicFile::create`], making the missing folders of `path`
    /// first (`--output`, `--write-baseline`), before any work is done.
    pub(crate) fn create_with_folders(path: &Path) -> io::Result<AtomicFile> {
        AtomicFile::open(path, true)
    }

    fn open(path: &Path, folders: bool) -> io::Result<AtomicFile> {
        let target = match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                return Err(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "is a directory",
                ))
            }
            Ok(m) if !m.is_file() => Target::Through(OpenOptions::new().write(true).open(path)?),
            existing => {
                let dir = path
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                if folders {
                    std::fs::create_dir_all(dir)?;
                }
                let temp = temp_in(dir, existing.ok().as_ref())?;
                let _slot = cleanup::Slot::new(temp.path());
                Target::Temp { temp, _slot }
            }
        };
        Ok(AtomicFile {
            target,
            path: path.to_path_buf(),
        })
    }

    /// A handle to write through (the file stays owned here).
    pub(crate) fn file(&self) -> io::Result<File> {
        match &self.target {
            Target::Temp { temp, .. } => temp.as_file().try_clone(),
            Target::Through(f) => f.try_clone(),
        }
    }

    /// Renames the finished file onto its path. Without `overwrite`, fails
    /// rather than replace a file that exists (or appeared meanwhile). A
    /// target written through is already complete.
    pub(crate) fn commit(self, overwrite: bool) -> io::Result<()> {
        self.commit_with(overwrite, true)
    }

    /// As [`AtomicFile::commit`]; without `sync` the data is not forced to
    /// disk first (thousands of small files, such as review letters, where a
    /// sync each cost more than the check).
    pub(crate) fn commit_with(self, overwrite: bool, sync: bool) -> io::Result<()> {
        let Target::Temp { temp, _slot } = self.target else {
            return Ok(());
        };
        if sync {
            temp.as_file().sync_all()?;
        }
        let done = if overwrite {
            temp.persist(&self.path)
        } else {
            temp.persist_noclobber(&self.path)
        };
        // `_slot` is freed here, once the file is renamed or removed.
        done.map(drop).map_err(|e| e.error)
    }
}

/// The temporary file, with the mode the finished file should have: an
/// existing file's own, else `0666 & !umask` as any program's new file
/// (tempfile's own 0600 would hide reports from the rest of a CI job).
#[cfg(unix)]
fn temp_in(
    dir: &Path,
    existing: Option<&std::fs::Metadata>,
) -> io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    // The umask applies to the mode given at creation.
    let temp = tempfile::Builder::new()
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    if let Some(m) = existing {
        let mode = m.permissions().mode() & 0o7777;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    Ok(temp)
}

#[cfg(not(unix))]
fn temp_in(dir: &Path, _: Option<&std::fs::Metadata>) -> io::Result<tempfile::NamedTempFile> {
    tempfile::NamedTempFile::new_in(dir)
}

/// Writes `bytes` to `path` atomically.
pub(crate) fn write(path: &Path, bytes: &[u8], overwrite: bool) -> io::Result<()> {
    let f = AtomicFile::create(path)?;
    f.file()?.write_all(bytes)?;
    f.commit(overwrite)
}

/// Writes `bytes` to `path` atomically (never half-written, removed on
/// interrupt), replacing what is there, without forcing it to disk.
pub(crate) fn write_unsynced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let f = AtomicFile::create(path)?;
    f.file()?.write_all(bytes)?;
    f.commit_with(true, false)
}

/// Writes `bytes` to a new file at `path`, in place, and removes it if a
/// signal ends the run before it is whole: for thousands of small files
/// (review letters), where a temporary file and a rename each cost more
/// than the writing. Whatever is already at `path` (a file, a link) is
/// replaced as [`write_unsynced`] replaces it, never written through: a
/// hard link there may share its bytes with a file that is not ours.
pub(crate) fn write_new_unsynced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut new = OpenOptions::new();
    new.write(true).create_new(true);
    match new.open(path) {
        Ok(mut file) => {
            let _slot = cleanup::Slot::new(path);
            file.write_all(bytes)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => write_unsynced(path, bytes),
        Err(e) => Err(e),
    }
}

/// Removing temporary files when a signal ends the run. The handler may
/// only make async-signal-safe calls, so it walks a fixed array of C paths
/// built beforehand (atomic loads, `unlink`, `_exit`); no lock, no
/// allocation. Installed with the first temporary file; a signal that was
/// ignored when cdocheck started (`nohup`) stays ignored.
#[cfg(unix)]
mod cleanup {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::ptr::null_mut;
    use std::sync::atomic::{AtomicPtr, Ordering};
    use std::sync::Once;

    /// Temporary files alive at once that an interrupt removes; one more is
    /// still written and renamed, but left behind if the run is interrupted.
    pub(super) const SLOTS: usize = 64;

    static PATHS: [AtomicPtr<libc::c_char>; SLOTS] = [const { AtomicPtr::new(null_mut()) }; SLOTS];
    static INSTALL: Once = Once::new();

    /// A temporary file's place in the list, freed when dropped.
    pub(crate) struct Slot(Option<usize>);

    impl Slot {
        pub(crate) fn new(path: &Path) -> Slot {
            Slot(register(path))
        }
    }

    impl Drop for Slot {
        fn drop(&mut self) {
            if let Some(i) = self.0 {
                // The path is leaked, not freed: the handler may be reading
                // it on another thread. A few bytes per output file.
                PATHS[i].store(null_mut(), Ordering::SeqCst);
            }
        }
    }

    fn register(path: &Path) -> Option<usize> {
        INSTALL.call_once(install);
        // Absolute, so that it still names the file whatever the handler's
        // working directory.
        let path = std::path::absolute(path).ok()?;
        let raw = CString::new(path.as_os_str().as_bytes()).ok()?.into_raw();
        for (i, slot) in PATHS.iter().enumerate() {
            let free = slot.compare_exchange(null_mut(), raw, Ordering::SeqCst, Ordering::SeqCst);
            if free.is_ok() {
                return Some(i);
            }
        }
        // SAFETY: `raw` came from `into_raw` above and was never shared.
        drop(unsafe { CString::from_raw(raw) });
        None
    }

    extern "C" fn on_signal(sig: libc::c_int) {
        for slot in &PATHS {
            let p = slot.load(Ordering::SeqCst);
            if !p.is_null() {
                // SAFETY: a NUL-terminated path that is never freed.
                unsafe { libc::unlink(p) };
            }
        }
        // SAFETY: `_exit` is async-signal-safe; 128 + signal as shells do.
        unsafe { libc::_exit(128 + sig) }
    }

    fn install() {
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            // SAFETY: plain sigaction calls on zeroed structs; the handler
            // only makes async-signal-safe calls.
            unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(sig, std::ptr::null(), &mut old) != 0
                    || old.sa_sigaction == libc::SIG_IGN
                {
                    continue;
                }
                let mut act: libc::sigaction = std::mem::zeroed();
                act.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
                libc::sigemptyset(&mut act.sa_mask);
                libc::sigaction(sig, &act, null_mut());
            }
        }
    }
}

#[cfg(not(unix))]
mod cleanup {
    pub(crate) struct Slot;

    impl Slot {
        pub(crate) fn new(_: &std::path::Path) -> Slot {
            Slot
        }
    }
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

    #[test]
    fn new_files_are_written_in_place_and_others_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.txt");
        write_new_unsynced(&p, b"one").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_new_unsynced(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        #[cfg(unix)]
        {
            // A hard link is replaced, not written through.
            let other = dir.path().join("other.txt");
            std::fs::write(&other, b"theirs").unwrap();
            let link = dir.path().join("link.txt");
            std::fs::hard_link(&other, &link).unwrap();
            write_new_unsynced(&link, b"ours").unwrap();
            assert_eq!(std::fs::read(&other).unwrap(), b"theirs");
            assert_eq!(std::fs::read(&link).unwrap(), b"ours");
            // So is a symbolic link, dangling or not.
            let sym = dir.path().join("sym.txt");
            std::os::unix::fs::symlink(&other, &sym).unwrap();
            write_new_unsynced(&sym, b"ours").unwrap();
            assert_eq!(std::fs::read(&other).unwrap(), b"theirs");
            assert!(!std::fs::symlink_metadata(&sym).unwrap().is_symlink());
        }
        assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".tmp")));
    }

    #[cfg(unix)]
    #[test]
    fn new_files_follow_the_umask_and_existing_ones_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("missing/folder/x.txt");
        assert!(write(&p, b"one", true).is_err(), "init makes no folders");
        let f = AtomicFile::create_with_folders(&p).unwrap();
        f.file().unwrap().write_all(b"one").unwrap();
        f.commit(true).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // The process's umask, as Linux reports it (reading it with
        // umask(2) would change it for the tests running beside this one).
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let Some(umask) = status
            .lines()
            .find_map(|l| l.strip_prefix("Umask:"))
            .and_then(|m| u32::from_str_radix(m.trim(), 8).ok())
        else {
            return;
        };
        assert_eq!(mode(&p), 0o666 & !umask);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write(&p, b"two", true).unwrap();
        assert_eq!(mode(&p), 0o640);
    }

    #[test]
    fn a_directory_is_no_target() {
        let dir = tempfile::tempdir().unwrap();
        assert!(AtomicFile::create(dir.path()).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_through_not_replaced() {
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::FileTypeExt;
        // A null device of our own (needs root): code that replaced its
        // target must never be tried on the machine's /dev/null.
        let dir = tempfile::tempdir().unwrap();
        let dev = dir.path().join("null");
        let c = std::ffi::CString::new(dev.as_os_str().as_bytes()).unwrap();
        // SAFETY: a NUL-terminated path; mknod only creates a node.
        let made = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) };
        if made != 0 {
            // Not root: nothing to test here (tests/it/outputs.rs covers
            // /dev/null for other users).
            return;
        }
        write(&dev, b"x", true).unwrap();
        let m = std::fs::metadata(&dev).unwrap();
        assert!(m.file_type().is_char_device(), "still a device");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
