//! Plans: the format's schema, the spanned tree, and loading a file into it.

mod load;
pub mod schema;
mod tree;

pub use load::load;
pub use tree::{Date, Entry, Node, Table, Value};

use crate::finding::Finding;
use crate::source::SourceId;

/// A plan file as loaded: the validated tree (when the TOML parses) and the
/// format diagnostics it earned.
#[derive(Debug)]
pub struct Plan {
    pub source: SourceId,
    pub root: Option<Table>,
    pub diagnostics: Vec<Finding>,
}

impl Plan {
    pub fn from_text(source: SourceId, text: &str) -> Plan {
        let (root, diagnostics) = load(source, text);
        Plan {
            source,
            root,
            diagnostics,
        }
    }

    /// `plan.jurisdiction`, when it could be read.
    pub fn jurisdiction(&self) -> Option<&str> {
        self.root.as_ref()?.table("plan")?.str("jurisdiction")
    }
}
