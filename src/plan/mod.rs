//! Plans: the format's schema, the spanned tree, and loading a file into it.

mod load;
mod raw;
pub mod schema;
mod tree;

pub(crate) use load::found_id;
pub use load::{load, Loaded, Spot};
#[doc(hidden)]
pub use raw::builders_agree;
pub use tree::{placeholder, Date, Entry, KeyIndex, Node, Table, Value};

use std::path::Path;

use crate::finding::{Code, Finding, Location};
use crate::findings::Findings;
use crate::message::Message;
use crate::read::Refused;
use crate::source::{Source, SourceDb, SourceId};

/// Files larger than this are reported, not read (`--max-file-size`).
pub const DEFAULT_MAX_BYTES: u64 = 4 * 1024 * 1024;

/// A plan file as loaded: the validated tree (when the TOML parses) and the
/// format diagnostics it earned.
#[derive(Debug)]
pub struct Plan {
    pub source: SourceId,
    pub root: Option<Table>,
    pub diagnostics: Findings,
    /// Every string holding a `<…>` placeholder, in file order.
    pub placeholders: Vec<Spot>,
}

/// Where a plan file is read from.
pub(crate) enum ReadFrom<'a> {
    /// A path, looked at before it is opened.
    Path(&'a Path),
    /// A path just seen to be a regular file ([`crate::read::read_seen`]).
    Seen(&'a Path),
    /// The handle discovery told the file apart through.
    Kept(crate::read::Opened),
}

impl Plan {
    pub fn from_text(source: SourceId, text: &str) -> Plan {
        let l = load(source, text);
        Plan {
            source,
            root: l.root,
            diagnostics: l.diagnostics,
            placeholders: l.placeholders,
        }
    }

    /// A file that could not be read as a plan: one diagnostic, no tree.
    pub fn unreadable(source: SourceId, diagnostic: Finding) -> Plan {
        Plan {
            source,
            root: None,
            diagnostics: Findings::from(vec![diagnostic]),
            placeholders: Vec::new(),
        }
    }

    /// Reads a file into the source database and loads it. A file that
    /// cannot be read, is not a regular file (a FIFO, a device), is too
    /// large, binary or not UTF-8 becomes a plan with one PF001 and no tree.
    pub fn read(db: &mut SourceDb, path: &Path, name: &str, max_bytes: u64) -> Plan {
        Plan::read_with(db, ReadFrom::Path(path), name, max_bytes, |_| ())
    }

    /// As [`Plan::read`], from where discovery left the file, showing
    /// `seen` the bytes read (for their hash: the evidence of what was
    /// checked), if any were.
    pub(crate) fn read_with(
        db: &mut SourceDb,
        from: ReadFrom,
        name: &str,
        max_bytes: u64,
        seen: impl FnOnce(&[u8]),
    ) -> Plan {
        let read = match from {
            ReadFrom::Path(path) => crate::read::read(path, max_bytes),
            ReadFrom::Seen(path) => crate::read::read_seen(path, max_bytes),
            ReadFrom::Kept(file) => file.read(max_bytes),
        };
        let why = match read {
            Ok(bytes) => {
                seen(&bytes);
                return Plan::from_bytes(db, name, &bytes);
            }
            Err(Refused::Io(e)) => (
                Message::new("pf001.unreadable").arg("error", e.to_string()),
                Message::new("pf001.unreadable.help"),
            ),
            Err(Refused::NotRegular(kind)) => (
                Message::new("pf001.not-regular").arg("kind", kind.message()),
                Message::new("pf001.not-regular.help"),
            ),
            Err(Refused::TooLarge) => (
                Message::new("pf001.too-large").arg("max", max_bytes.to_string()),
                Message::new("pf001.too-large.help"),
            ),
        };
        Plan::problem(db, name, String::new(), 0, why)
    }

    /// Loads a file's bytes, as read. A leading byte-order mark is dropped,
    /// so that it counts for no column. Binary or not UTF-8: one PF001.
    pub fn from_bytes(db: &mut SourceDb, name: &str, bytes: &[u8]) -> Plan {
        let bytes = crate::read::without_bom(bytes);
        if let Some(at) = memchr::memchr(0, bytes) {
            let text = String::from_utf8_lossy(&bytes[..at]).into_owned();
            let why = (
                Message::new("pf001.binary"),
                Message::new("pf001.binary.help"),
            );
            return Plan::problem(db, name, text, at, why);
        }
        match std::str::from_utf8(bytes) {
            Ok(t) => {
                let source = db.add(Source::new(name, t));
                Plan::from_text(source, &db.get(source).text)
            }
            Err(e) => {
                let text = String::from_utf8_lossy(bytes).into_owned();
                let why = (
                    Message::new("pf001.not-utf8"),
                    Message::new("pf001.not-utf8.help"),
                );
                Plan::problem(db, name, text, e.valid_up_to(), why)
            }
        }
    }

    /// A plan whose text (what of it can be shown) has one PF001 at `at`.
    fn problem(
        db: &mut SourceDb,
        name: &str,
        text: String,
        at: usize,
        (msg, help): (Message, Message),
    ) -> Plan {
        let source = db.add(Source::new(name, text));
        let loc = Location {
            source,
            span: at..at,
        };
        Plan::unreadable(source, Code::PF001.at(loc, msg).with_help(help))
    }
}
