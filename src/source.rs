//! The source database: every text a diagnostic can point into — plan files
//! and rule packs alike, embedded ones included — registered once, by id.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// A byte range in one source.
pub type Span = Range<usize>;

/// Identifies a source in a [`SourceDb`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(pub u32);

/// One text with its display name and line index.
#[derive(Debug)]
pub struct Source {
    /// Path as given on the command line (with `/` separators), or `<builtin>/…`.
    pub name: String,
    pub text: Arc<str>,
    /// Built on first use: most plans have no finding to place.
    line_starts: OnceLock<Vec<usize>>,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        }
    }

    /// 1-based line and column (in characters, not bytes) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let starts = self.line_starts.get_or_init(|| {
            let newlines = self.text.bytes().enumerate().filter(|(_, b)| *b == b'\n');
            std::iter::once(0)
                .chain(newlines.map(|(i, _)| i + 1))
                .collect()
        });
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let start = starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

/// All sources of one run. Sources are added, never removed.
#[derive(Debug, Default)]
pub struct SourceDb {
    sources: Vec<Source>,
}

impl SourceDb {
    /// A database holding this one's sources, to which a run adds a plan:
    /// plans and the packs their rules come from then share ids, so a
    /// finding can point into either. The texts are shared, not copied.
    pub fn fork(&self) -> SourceDb {
        let sources = self
            .sources
            .iter()
            .map(|s| Source::new(s.name.clone(), s.text.clone()))
            .collect();
        SourceDb { sources }
    }

    pub fn add(&mut self, source: Source) -> SourceId {
        self.sources.push(source);
        SourceId(self.sources.len() as u32 - 1)
    }

    pub fn get(&self, id: SourceId) -> &Source {
        &self.sources[id.0 as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let s = Source::new("x", "a = 1\nname = \"深圳\" # x\n");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(6), (2, 1));
        let hash = s.text.find('#').unwrap();
        assert_eq!(s.line_col(hash), (2, 13));
    }
}
