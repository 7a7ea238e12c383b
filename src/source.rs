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
    index: OnceLock<Index>,
}

/// Where lines start, and how many characters precede every
/// [`BLOCK`]th byte: a column is then counted over at most one block, not
/// from the start of its line (a file of lone CRs is one long line).
#[derive(Debug)]
struct Index {
    line_starts: Vec<usize>,
    /// Characters before byte `i * BLOCK`; empty when the text is ASCII.
    chars_before: Vec<usize>,
}

const BLOCK: usize = 256;

/// A UTF-8 byte that starts a character.
fn starts_char(b: u8) -> bool {
    b & 0xC0 != 0x80
}

impl Index {
    fn new(text: &str) -> Index {
        let bytes = text.as_bytes();
        let newlines = memchr_all(bytes);
        let line_starts = std::iter::once(0).chain(newlines).collect();
        let chars_before = if text.is_ascii() {
            Vec::new()
        } else {
            // One entry per block and one for the end: `offset == len`
            // on a block boundary has its own.
            let mut before = Vec::with_capacity(bytes.len() / BLOCK + 1);
            let mut n = 0;
            for block in bytes.chunks(BLOCK) {
                before.push(n);
                n += block.iter().filter(|b| starts_char(**b)).count();
            }
            before.push(n);
            before
        };
        Index {
            line_starts,
            chars_before,
        }
    }

    /// Characters before byte `offset` (a byte that does not start a
    /// character counts with the one it belongs to).
    fn chars_to(&self, bytes: &[u8], offset: usize) -> usize {
        if self.chars_before.is_empty() {
            return offset;
        }
        let block = offset / BLOCK;
        let from = block * BLOCK;
        self.chars_before[block]
            + bytes[from..offset]
                .iter()
                .filter(|b| starts_char(**b))
                .count()
    }
}

/// Offsets just after each `\n`.
fn memchr_all(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes).map(|i| i + 1)
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
            index: OnceLock::new(),
        }
    }

    /// 1-based line and column (in characters, not bytes) of a byte offset,
    /// in time independent of the line's length.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let index = self.index.get_or_init(|| Index::new(&self.text));
        let starts = &index.line_starts;
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let bytes = self.text.as_bytes();
        let col = index.chars_to(bytes, offset) - index.chars_to(bytes, starts[line]);
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

    #[test]
    fn columns_are_right_far_into_long_lines() {
        // Lone CRs end no line; multi-byte characters straddle blocks.
        let text = "深a\r".repeat(1000) + "x";
        let s = Source::new("x", text.as_str());
        let x = text.len() - 1;
        assert_eq!(s.line_col(x), (1, 3001));
        assert_eq!(s.line_col(text.len()), (1, 3002));
        let t = "a\n".to_string() + &"深".repeat(300) + "\nb";
        let s = Source::new("x", t.as_str());
        assert_eq!(s.line_col(t.len() - 1), (3, 1));
        assert_eq!(s.line_col(2 + 3 * 299), (2, 300));
        let exact = "é".repeat(BLOCK);
        let s = Source::new("x", exact.as_str());
        assert_eq!(s.line_col(exact.len()), (1, BLOCK + 1));
    }
}
