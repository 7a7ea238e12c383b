//! The zip archive an .xlsx or .docx package is, written front to back:
//! each entry's sizes are known before its data (no data descriptors),
//! the date is fixed (the same input gives the same bytes), and there is
//! no zip64: an entry or archive over 4 GiB is an error, not a damaged
//! file.

use std::io::{self, Write};

/// A zip entry's method, checksum and sizes.
#[derive(Clone)]
pub(crate) struct Entry {
    /// Deflated, or stored as it is.
    pub(crate) deflated: bool,
    pub(crate) crc: u32,
    pub(crate) size: u64,
    pub(crate) packed: u64,
}

/// An archive being written: entries, then the central directory.
pub(crate) struct Zip<'w> {
    w: &'w mut dyn Write,
    at: u64,
    central: Vec<u8>,
    entries: u16,
}

/// 1980-01-01 00:00 in MS-DOS form: time 0, date (0 << 9 | 1 << 5 | 1).
const DOS_DATE: u16 = 0x21;

impl<'w> Zip<'w> {
    pub(crate) fn new(w: &'w mut dyn Write) -> Self {
        Zip {
            w,
            at: 0,
            central: Vec::new(),
            entries: 0,
        }
    }

    /// A part stored as it is.
    pub(crate) fn stored(&mut self, name: &str, data: &[u8]) -> io::Result<()> {
        let entry = Entry {
            deflated: false,
            crc: crc32fast::hash(data),
            size: data.len() as u64,
            packed: data.len() as u64,
        };
        self.entry(name, entry, |w| w.write_all(data))
    }

    /// A part deflated by the caller: `data` as it is, `packed` as written.
    pub(crate) fn packed(&mut self, name: &str, data: &[u8], packed: &[u8]) -> io::Result<()> {
        let entry = Entry {
            deflated: true,
            crc: crc32fast::hash(data),
            size: data.len() as u64,
            packed: packed.len() as u64,
        };
        self.entry(name, entry, |w| w.write_all(packed))
    }

    /// An entry whose data `data` writes: `e.packed` bytes.
    pub(crate) fn entry(
        &mut self,
        name: &str,
        e: Entry,
        data: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let too_big = || io::Error::other(format!("{name} is over 4 GiB"));
        let size = u32::try_from(e.size).map_err(|_| too_big())?;
        let packed = u32::try_from(e.packed).map_err(|_| too_big())?;
        let offset = u32::try_from(self.at).map_err(|_| too_big())?;
        let name_len = name.len() as u16;
        let mut local = Vec::with_capacity(30 + name.len());
        local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        common(&mut local, &e, packed, size, name_len);
        local.extend_from_slice(name.as_bytes());
        self.w.write_all(&local)?;
        data(self.w)?;
        self.at += local.len() as u64 + e.packed;

        let c = &mut self.central;
        c.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        // Made by: Unix, zip 2.0.
        c.extend_from_slice(&(3u16 << 8 | 20).to_le_bytes());
        common(c, &e, packed, size, name_len);
        // Comment length, disk, internal attributes.
        c.extend_from_slice(&[0; 6]);
        // External attributes: a regular file, rw-r--r--.
        c.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes());
        c.extend_from_slice(&offset.to_le_bytes());
        c.extend_from_slice(name.as_bytes());
        self.entries += 1;
        Ok(())
    }

    /// The central directory.
    pub(crate) fn finish(self) -> io::Result<()> {
        let too_big = || io::Error::other("the package is over 4 GiB");
        let offset = u32::try_from(self.at).map_err(|_| too_big())?;
        let size = u32::try_from(self.central.len()).map_err(|_| too_big())?;
        self.w.write_all(&self.central)?;
        let mut end = Vec::with_capacity(22);
        end.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        end.extend_from_slice(&[0; 4]);
        end.extend_from_slice(&self.entries.to_le_bytes());
        end.extend_from_slice(&self.entries.to_le_bytes());
        end.extend_from_slice(&size.to_le_bytes());
        end.extend_from_slice(&offset.to_le_bytes());
        end.extend_from_slice(&[0; 2]);
        self.w.write_all(&end)
    }
}

/// The fields local and central headers share, from "version needed" to
/// the extra field's length.
fn common(out: &mut Vec<u8>, e: &Entry, packed: u32, size: u32, name_len: u16) {
    out.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
    out.extend_from_slice(&0u16.to_le_bytes()); // flags
    let method: u16 = if e.deflated { 8 } else { 0 };
    out.extend_from_slice(&method.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // time
    out.extend_from_slice(&DOS_DATE.to_le_bytes());
    out.extend_from_slice(&e.crc.to_le_bytes());
    out.extend_from_slice(&packed.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&name_len.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // extra field
}
