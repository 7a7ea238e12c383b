//! Byte offsets (what spans hold) to LSP positions and back. LSP counts a
//! line's characters in UTF-16 code units unless the client agrees to UTF-8
//! (LSP 3.17 `positionEncoding`); plans are Chinese, so the two differ on
//! every line that matters, and an emoji is two UTF-16 units.

use lsp_types::{Position, Range};

/// How the client counts a line's characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    Utf16,
}

/// A text's line starts, to convert in time proportional to one line.
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    enc: Encoding,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str, enc: Encoding) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts, enc }
    }

    /// The position of a byte offset; an offset inside a character counts
    /// as that character's start, one past the end as the end.
    pub(crate) fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let before = &self.text[self.starts[line]..offset];
        let character = match self.enc {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.chars().map(char::len_utf16).sum(),
        };
        Position::new(line as u32, character as u32)
    }

    pub(crate) fn range(&self, span: &std::ops::Range<usize>) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of a position: a line past the end is the end of the
    /// text, a character past the line's end (or inside a character) the
    /// nearest character boundary before it, never past the line's end.
    pub(crate) fn offset(&self, p: Position) -> usize {
        let Some(&start) = self.starts.get(p.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(p.line as usize + 1)
            .map_or(self.text.len(), |e| e - 1);
        let line = &self.text[start..end];
        let want = p.character as usize;
        let mut units = 0;
        for (i, c) in line.char_indices() {
            let width = match self.enc {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if units + width > want {
                return start + i;
            }
            units += width;
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_and_emoji_count_as_utf16_units() {
        // 名 and 称 are 3 bytes and 1 UTF-16 unit each; 😀 is 4 bytes, 2 units.
        let text = "a = 1\nname = \"名称😀x\"\n";
        let x = text.find('x').unwrap();
        let l16 = Lines::new(text, Encoding::Utf16);
        assert_eq!(l16.position(x), Position::new(1, 8 + 2 + 2));
        assert_eq!(l16.offset(Position::new(1, 12)), x);
        let l8 = Lines::new(text, Encoding::Utf8);
        assert_eq!(l8.position(x), Position::new(1, 8 + 6 + 4));
        assert_eq!(l8.offset(Position::new(1, 18)), x);
        // Every character boundary goes there and back unchanged.
        for (i, _) in text.char_indices() {
            assert_eq!(l16.offset(l16.position(i)), i, "utf-16 at {i}");
            assert_eq!(l8.offset(l8.position(i)), i, "utf-8 at {i}");
        }
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let text = "名称😀\nb";
        let l = Lines::new(text, Encoding::Utf16);
        // Inside the emoji's surrogate pair: its start.
        assert_eq!(l.offset(Position::new(0, 3)), "名称".len());
        // Past the line's end: the end of the line, not the next line.
        assert_eq!(l.offset(Position::new(0, 99)), "名称😀".len());
        assert_eq!(l.offset(Position::new(7, 0)), text.len());
        // Inside a character's bytes: its start.
        assert_eq!(l.position(1), Position::new(0, 0));
        assert_eq!(l.position(999), Position::new(1, 1));
    }
}
