//! Plans: the format's schema, the spanned tree, and loading a file into it.

mod load;
pub mod schema;
mod tree;

pub use load::{load, Loaded, Spot};
pub use tree::{placeholder, Date, Entry, KeyIndex, Node, Table, Value};

use std::io::Read;
use std::path::Path;

use crate::finding::{Code, Finding, Location};
use crate::findings::Findings;
use crate::message::Message;
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
    /// cannot be read, is too large, binary or not UTF-8 becomes a plan with
    /// one PF001 and no tree.
    pub fn read(db: &mut SourceDb, path: &Path, name: &str, max_bytes: u64) -> Plan {
        let (text, problem) = match read_capped(path, max_bytes) {
            Err(e) => {
                let msg = Message::new("pf001.unreadable").arg("error", e.to_string());
                let help = Message::new("pf001.unreadable.help");
                (String::new(), Some((0, msg, help)))
            }
            Ok(None) => {
                let msg = Message::new("pf001.too-large").arg("max", max_bytes.to_string());
                let help = Message::new("pf001.too-large.help");
                (String::new(), Some((0, msg, help)))
            }
            Ok(Some(bytes)) if bytes.contains(&0) => {
                let at = bytes.iter().position(|b| *b == 0).unwrap_or(0);
                let text = String::from_utf8_lossy(&bytes[..at]).into_owned();
                let msg = Message::new("pf001.binary");
                (text, Some((at, msg, Message::new("pf001.binary.help"))))
            }
            Ok(Some(bytes)) => match String::from_utf8(bytes) {
                Ok(t) => (t, None),
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    let msg = Message::new("pf001.not-utf8");
                    (text, Some((at, msg, Message::new("pf001.not-utf8.help"))))
                }
            },
        };
        let source = db.add(Source::new(name, text));
        match problem {
            Some((at, msg, help)) => {
                let loc = Location {
                    source,
                    span: at..at,
                };
                Plan::unreadable(source, Code::PF001.at(loc, msg).with_help(help))
            }
            None => Plan::from_text(source, &db.get(source).text),
        }
    }
}

/// The file's bytes, or `None` when it holds more than `max` bytes.
fn read_capped(path: &Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max).then_some(bytes))
}
