//! Reading an input file whole, the one way every input is read: plans,
//! baselines, rule packs and fixtures. Only regular files are read: opening
//! a FIFO to read blocks until a writer comes (forever, in CI), and a device
//! such as `/dev/zero` never ends. Every read stops at a cap.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

use crate::message::Message;

/// The most a `--baseline` file may hold: a big repository's baseline
/// (1,000,000 findings take about 60 MB) with room to spare.
pub(crate) const MAX_BASELINE_BYTES: u64 = 64 << 20;

/// The most a `--rules` pack file may hold: 20,000 rules the size of the
/// shipped Guangdong ones (2.3 KB each, with their Chinese text and
/// examples) take about 47 MB.
pub(crate) const MAX_PACK_BYTES: u64 = 128 << 20;

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum Refused {
    /// Opening or reading failed (not found, permission denied, …).
    Io(io::Error),
    /// Not a regular file: nothing was read.
    NotRegular(Kind),
    /// It holds more than the cap: what was read is dropped.
    TooLarge,
}

/// What a path names, when it is not a regular file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Directory,
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    Other,
}

impl Kind {
    /// `None` for a regular file.
    fn of(m: &Metadata) -> Option<Kind> {
        let t = m.file_type();
        if t.is_file() {
            return None;
        }
        if t.is_dir() {
            return Some(Kind::Directory);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_fifo() {
                return Some(Kind::Fifo);
            }
            if t.is_char_device() {
                return Some(Kind::CharDevice);
            }
            if t.is_block_device() {
                return Some(Kind::BlockDevice);
            }
            if t.is_socket() {
                return Some(Kind::Socket);
            }
        }
        Some(Kind::Other)
    }

    /// `a FIFO (named pipe)`, `a character device`, …
    pub(crate) fn message(self) -> Message {
        Message::new(match self {
            Kind::Directory => "read.kind.directory",
            Kind::Fifo => "read.kind.fifo",
            Kind::CharDevice => "read.kind.char-device",
            Kind::BlockDevice => "read.kind.block-device",
            Kind::Socket => "read.kind.socket",
            Kind::Other => "read.kind.other",
        })
    }
}

/// The bytes of the regular file at `path` (symlinks followed), at most
/// `max` of them.
pub(crate) fn read(path: &Path, max: u64) -> Result<Vec<u8>, Refused> {
    // Looked at before opening, so a device is never even opened; and again
    // on the handle ([`read_seen`]), since another file may have been
    // swapped in between.
    regular(&std::fs::metadata(path).map_err(Refused::Io)?)?;
    read_seen(path, max)
}

/// As [`read`], for a path just seen to be a regular file (discovery's
/// `stat` of each input): not looked at again before opening, which in a
/// large scan is a path lookup per file. The handle is still checked.
pub(crate) fn read_seen(path: &Path, max: u64) -> Result<Vec<u8>, Refused> {
    read_open(&open(path).map_err(Refused::Io)?, max)
}

/// A regular file left open by the look that told it apart ([`Peek`]), to
/// be read whole later: the check then asks the file system for no path
/// again, and reads the very file that was told apart.
#[derive(Debug)]
pub(crate) struct Opened {
    file: File,
    /// Its length when looked at: a hint, as it may have grown since.
    len: u64,
}

impl Opened {
    /// The file's bytes from its start, at most `max` of them.
    pub(crate) fn read(self, max: u64) -> Result<Vec<u8>, Refused> {
        #[cfg(unix)]
        let from_start = From0::new(&self.file);
        #[cfg(not(unix))]
        let from_start = {
            use std::io::{Seek, SeekFrom};
            let mut f = &self.file;
            f.seek(SeekFrom::Start(0)).map_err(Refused::Io)?;
            f
        };
        read_capped(from_start, self.len, max)
    }
}

/// Reads a file from its start wherever its handle stands, without moving
/// it first (`pread`, one call less than a seek and a read).
#[cfg(unix)]
struct From0<'f> {
    file: &'f File,
    at: u64,
}

#[cfg(unix)]
impl<'f> From0<'f> {
    fn new(file: &'f File) -> From0<'f> {
        From0 { file, at: 0 }
    }
}

#[cfg(unix)]
impl Read for From0<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = std::os::unix::fs::FileExt::read_at(self.file, buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

/// The bytes of an open file, from where its handle stands, if it is a
/// regular file of at most `max` bytes.
fn read_open(file: &File, max: u64) -> Result<Vec<u8>, Refused> {
    let meta = file.metadata().map_err(Refused::Io)?;
    regular(&meta)?;
    read_capped(file, meta.len(), max)
}

/// All of `from`, a file of `len` bytes when it was looked at, if that and
/// what is read are at most `max` bytes.
fn read_capped(mut from: impl Read, len: u64, max: u64) -> Result<Vec<u8>, Refused> {
    if len > max {
        return Err(Refused::TooLarge);
    }
    // One read asks for a byte more than the file held when it was looked
    // at: getting exactly that length is the end of the file, with no
    // second read to find it. Anything else (the file grew or shrank, a
    // short read) reads on to the end.
    let mut bytes = vec![0; len as usize + 1];
    let n = loop {
        match from.read(&mut bytes) {
            Ok(n) => break n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Refused::Io(e)),
        }
    };
    bytes.truncate(n);
    if n as u64 != len {
        from.take(max.saturating_add(1).saturating_sub(n as u64))
            .read_to_end(&mut bytes)
            .map_err(Refused::Io)?;
    }
    if bytes.len() as u64 > max {
        return Err(Refused::TooLarge);
    }
    Ok(bytes)
}

/// The start of a file, then, when asked, the rest: a walked file is read
/// from one handle to tell a plan from other TOML (most plans say so in
/// their first lines), and that handle's metadata is its identity, so the
/// walk asks the file system one `open` per file and no `stat` by path.
pub(crate) struct Peek {
    file: File,
    pub meta: Metadata,
}

impl Peek {
    /// Opens the file at `path` (symlinks followed), as [`read_seen`] does.
    pub(crate) fn open(path: &Path) -> io::Result<Peek> {
        let file = open(path)?;
        let meta = file.metadata()?;
        Ok(Peek { file, meta })
    }

    /// At most the first `n` bytes; `None` when the handle is not a regular
    /// file or reading fails.
    pub(crate) fn head(&self, n: usize) -> Option<Vec<u8>> {
        regular(&self.meta).ok()?;
        let mut bytes = Vec::with_capacity(n);
        (&self.file).take(n as u64).read_to_end(&mut bytes).ok()?;
        Some(bytes)
    }

    /// The handle, left open to read the file whole later; `None` when it
    /// is not a regular file.
    pub(crate) fn keep(self) -> Option<Opened> {
        regular(&self.meta).ok()?;
        Some(Opened {
            len: self.meta.len(),
            file: self.file,
        })
    }

    /// The rest of the file after `head`, appended to it: the whole file, or
    /// `None` when it holds more than `max` bytes or reading fails.
    pub(crate) fn rest(&self, mut head: Vec<u8>, max: u64) -> Option<Vec<u8>> {
        if self.meta.len() > max {
            return None;
        }
        let left = max.saturating_add(1).saturating_sub(head.len() as u64);
        (&self.file).take(left).read_to_end(&mut head).ok()?;
        (head.len() as u64 <= max).then_some(head)
    }
}

fn regular(m: &Metadata) -> Result<(), Refused> {
    Kind::of(m).map_or(Ok(()), |k| Err(Refused::NotRegular(k)))
}

/// Opens without blocking: a FIFO swapped in after the first look opens at
/// once (and is then refused) instead of waiting for a writer.
#[cfg(unix)]
fn open(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// The bytes after a UTF-8 byte-order mark, if one leads: editors hide it,
/// so it must count for no column, and JSON does not allow it.
pub(crate) fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_up_to_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a");
        std::fs::write(&p, b"12345").unwrap();
        assert_eq!(read(&p, 5).unwrap(), b"12345");
        assert!(matches!(read(&p, 4), Err(Refused::TooLarge)));
        assert!(matches!(
            read(dir.path(), 5),
            Err(Refused::NotRegular(Kind::Directory))
        ));
        assert!(matches!(
            read(&dir.path().join("b"), 5),
            Err(Refused::Io(_))
        ));
    }

    /// Hands out at most `step` bytes a read, as a slow file system may.
    struct Trickle<'b> {
        bytes: &'b [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_file_that_changed_since_it_was_looked_at_is_read_to_its_end() {
        let text = b"format = 1\n[plan]\n";
        let len = text.len() as u64;
        let whole = |hint: u64, step: usize| {
            let from = Trickle { bytes: text, step };
            match read_capped(from, hint, 100) {
                Ok(b) => b,
                Err(_) => panic!("refused"),
            }
        };
        // As looked at, in one read; grown since; shrunk since.
        assert_eq!(whole(len, 100), text);
        assert_eq!(whole(len - 5, 100), text);
        assert_eq!(whole(len + 5, 100), text);
        // Short reads are not the end of the file.
        assert_eq!(whole(len, 3), text);
        // Grown past the cap since: refused.
        let from = Trickle {
            bytes: text,
            step: 100,
        };
        assert!(matches!(read_capped(from, 4, 10), Err(Refused::TooLarge)));
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_unread() {
        let zero = Path::new("/dev/zero");
        if zero.exists() {
            assert!(matches!(
                read(zero, 1 << 40),
                Err(Refused::NotRegular(Kind::CharDevice))
            ));
        }
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        assert_eq!(without_bom(b"\xEF\xBB\xBFa = 1"), b"a = 1");
        assert_eq!(without_bom(b"a = 1"), b"a = 1");
    }
}
