//! Plans: the format's schema, the spanned tree, and loading a file into it.

mod load;
pub mod schema;
mod tree;

pub use load::{load, Loaded, Spot};
pub use tree::{placeholder, Date, Entry, Node, Table, Value};

use std::io::Read;
use std::path::Path;

use crate::finding::{Code, Finding, Location};
use crate::lang::Lang;
use crate::source::{Source, SourceDb, SourceId};

/// Files larger than this are reported, not read (`--max-file-size`).
pub const DEFAULT_MAX_BYTES: u64 = 4 * 1024 * 1024;

/// A plan file as loaded: the validated tree (when the TOML parses) and the
/// format diagnostics it earned.
#[derive(Debug)]
pub struct Plan {
    pub source: SourceId,
    pub root: Option<Table>,
    pub diagnostics: Vec<Finding>,
    /// Every string holding a `<…>` placeholder, in file order.
    pub placeholders: Vec<Spot>,
}

impl Plan {
    pub fn from_text(source: SourceId, text: &str, lang: Lang) -> Plan {
        let l = load(source, text, lang);
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
            diagnostics: vec![diagnostic],
            placeholders: Vec::new(),
        }
    }

    /// Reads a file into the source database and loads it. A file that
    /// cannot be read, is too large, binary or not UTF-8 becomes a plan with
    /// one PF001 and no tree.
    pub fn read(db: &mut SourceDb, path: &Path, name: &str, max_bytes: u64, lang: Lang) -> Plan {
        let (text, problem) = match read_capped(path, max_bytes) {
            Err(e) => {
                let msg = lang.pick(
                    format!("this file cannot be read: {e}"),
                    format!("无法读取此文件：{e}"),
                );
                (
                    String::new(),
                    Some((
                        0,
                        msg,
                        lang.pick("check the path and its permissions", "请检查路径和权限"),
                    )),
                )
            }
            Ok(None) => {
                let msg = lang.pick(
                    format!("this file is larger than {max_bytes} bytes; it was not read"),
                    format!("此文件超过 {max_bytes} 字节，未读取"),
                );
                let help = lang.pick(
                    "split the plan, or raise the limit with --max-file-size",
                    "请拆分方案，或用 --max-file-size 提高上限",
                );
                (String::new(), Some((0, msg, help)))
            }
            Ok(Some(bytes)) if bytes.contains(&0) => {
                let at = bytes.iter().position(|b| *b == 0).unwrap_or(0);
                let text = String::from_utf8_lossy(&bytes[..at]).into_owned();
                let msg = lang
                    .pick(
                        "this is a binary file, not a plan",
                        "这是二进制文件，不是方案",
                    )
                    .to_string();
                (
                    text,
                    Some((
                        at,
                        msg,
                        lang.pick("plans are TOML text files", "方案应为 TOML 文本文件"),
                    )),
                )
            }
            Ok(Some(bytes)) => match String::from_utf8(bytes) {
                Ok(t) => (t, None),
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    let msg = lang
                        .pick("this file is not UTF-8 text", "此文件不是 UTF-8 编码的文本")
                        .to_string();
                    (
                        text,
                        Some((
                            at,
                            msg,
                            lang.pick("save the plan as UTF-8", "请将方案另存为 UTF-8 编码"),
                        )),
                    )
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
            None => Plan::from_text(source, &db.get(source).text, lang),
        }
    }

    /// `plan.jurisdiction`, when it could be read.
    pub fn jurisdiction(&self) -> Option<&str> {
        self.root.as_ref()?.table("plan")?.str("jurisdiction")
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
