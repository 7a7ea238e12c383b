//! A sheet's rows as SpreadsheetML, built on the worker that checked the
//! plan. A row's number depends on every plan before it, which a worker
//! does not know: the XML carries two marks instead, [`ROW`] where a row
//! starts and [`NUM`] where its number goes, and the writer fills them in
//! as it appends the rows in path order ([`super::book`]). Neither byte
//! can occur in cell text: control characters are escaped as `_xHHHH_`.
//!
//! Cells are written as rust_xlsxwriter writes them in its constant-memory
//! mode (inline strings, its escapes, numbers as `f64` prints them), so the
//! workbook's XML is the one that crate wrote before (a unit test holds
//! them equal).

/// Where a row starts; the writer puts `<row r="N">` there.
pub(super) const ROW: u8 = 0x01;
/// Where the row's number goes, in each cell's reference.
pub(super) const NUM: u8 = 0x00;

/// Excel's limit on a cell: 32,767 characters.
pub const MAX_CELL: usize = 32_767;

/// A value of a row.
pub(super) enum V<'s> {
    S(&'s str),
    N(usize),
    I(i64),
    B(bool),
    Empty,
}

/// Rows of one sheet, their numbers left for the writer.
#[derive(Default)]
pub(super) struct Rows {
    pub(super) xml: Vec<u8>,
}

impl Rows {
    /// Rows for about `bytes` of XML, written without growing often.
    pub(super) fn with_capacity(bytes: usize) -> Self {
        Rows {
            xml: Vec::with_capacity(bytes),
        }
    }

    /// Appends a row of cells; `bold` styles them as a header (the
    /// workbook's second cell format). A row with no value still takes a
    /// number, as it did in rust_xlsxwriter, which writes no element for it.
    pub(super) fn push(&mut self, values: &[V], bold: bool) {
        self.xml.push(ROW);
        let start = self.xml.len();
        for (c, v) in values.iter().enumerate() {
            cell(&mut self.xml, c, v, bold);
        }
        if self.xml.len() > start {
            self.xml.extend_from_slice(b"</row>");
        }
    }
}

fn cell(out: &mut Vec<u8>, col: usize, v: &V, bold: bool) {
    let open = |out: &mut Vec<u8>| {
        out.extend_from_slice(b"<c r=\"");
        out.push(column(col));
        out.push(NUM);
        out.push(b'"');
        if bold {
            out.extend_from_slice(b" s=\"1\"");
        }
    };
    match v {
        // Excel ignores an empty string without a format, and so did
        // rust_xlsxwriter.
        V::S("") | V::Empty => {}
        V::S(s) => {
            open(out);
            text(out, s);
        }
        V::N(n) => {
            open(out);
            match i64::try_from(*n) {
                Ok(n) => integer(out, n),
                Err(_) => number(out, *n as f64),
            }
        }
        V::I(n) => {
            open(out);
            integer(out, *n);
        }
        V::B(b) => {
            open(out);
            out.extend_from_slice(if *b {
                b" t=\"b\"><v>1</v></c>"
            } else {
                b" t=\"b\"><v>0</v></c>"
            });
        }
    }
}

/// A column's letter: the sheets have at most 26 columns.
fn column(col: usize) -> u8 {
    b'A' + (col as u8 % 26)
}

/// A number as rust_xlsxwriter wrote it: `f64`'s `Display`, which for
/// whole numbers below 2^53 is their digits.
fn number(out: &mut Vec<u8>, n: f64) {
    use std::io::Write;
    out.extend_from_slice(b"><v>");
    let _ = write!(out, "{n}");
    out.extend_from_slice(b"</v></c>");
}

/// A whole number as [`number`] writes it, without formatting a float:
/// below 2^53 in size, `f64` prints its digits.
fn integer(out: &mut Vec<u8>, n: i64) {
    const EXACT: i64 = 1 << 53;
    if !(-EXACT..=EXACT).contains(&n) {
        return number(out, n as f64);
    }
    out.extend_from_slice(b"><v>");
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    out.extend_from_slice(b"</v></c>");
}

/// An inline string cell's type and text, cut to [`MAX_CELL`] characters.
fn text(out: &mut Vec<u8>, s: &str) {
    // Fewer bytes than the limit's characters: no need to count them.
    let cut = if s.len() < MAX_CELL {
        None
    } else {
        s.char_indices().nth(MAX_CELL - 1).map(|(i, _)| i)
    };
    let body = cut.map_or(s, |i| &s[..i]);
    let ellipsis = if cut.is_some() { "…" } else { "" };
    let ws = |c: char| matches!(c, '\t' | '\n' | ' ');
    let last = if cut.is_some() {
        Some('…')
    } else {
        body.chars().next_back()
    };
    let preserve = body.starts_with(ws) || last.is_some_and(ws);
    out.extend_from_slice(if preserve {
        b" t=\"inlineStr\"><is><t xml:space=\"preserve\">"
    } else {
        b" t=\"inlineStr\"><is><t>"
    });
    escape(out, body);
    out.extend_from_slice(ellipsis.as_bytes());
    out.extend_from_slice(b"</t></is></c>");
}

/// Excel's escapes, as rust_xlsxwriter applies them: `&`, `<`, `>`; control
/// characters but tab and newline, and U+FFFE and U+FFFF, as `_xHHHH_`; and
/// a literal `_xHHHH_` kept literal by escaping its underscore (`_x005F`).
fn escape(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    loop {
        i = crate::text::next_in(b, i, &SPECIAL);
        let Some(&c) = b.get(i) else {
            break;
        };
        let rep: Option<&[u8]> = match c {
            b'&' => Some(b"&amp;"),
            b'<' => Some(b"&lt;"),
            b'>' => Some(b"&gt;"),
            b'\t' | b'\n' => None,
            0xEF if b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)) => {
                Some(if b[i + 2] == 0xBE {
                    b"_xFFFE_"
                } else {
                    b"_xFFFF_"
                })
            }
            b'_' if literal_escape(&b[i..]) => {
                out.extend_from_slice(&b[run..i]);
                out.extend_from_slice(b"_x005F");
                // The escape itself is copied as it stands.
                run = i;
                i += 1;
                continue;
            }
            c if c < 0x20 => {
                out.extend_from_slice(&b[run..i]);
                out.extend_from_slice(b"_x00");
                out.push(HEX[usize::from(c >> 4)]);
                out.push(HEX[usize::from(c & 0xF)]);
                out.push(b'_');
                i += 1;
                run = i;
                continue;
            }
            _ => None,
        };
        match rep {
            Some(r) => {
                out.extend_from_slice(&b[run..i]);
                out.extend_from_slice(r);
                i += if c == 0xEF { 3 } else { 1 };
                run = i;
            }
            None => i += 1,
        }
    }
    out.extend_from_slice(&b[run..]);
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The bytes [`escape`] looks at: controls, `&<>`, `_` (of `_xHHHH_`) and
/// the first byte of U+FFFE and U+FFFF.
const SPECIAL: [bool; 256] = crate::text::byte_table(true, b"&<>_\xef");

/// Whether `b` opens with `_xHHHH_`, which Excel would read as an escape.
fn literal_escape(b: &[u8]) -> bool {
    b.len() >= 7 && b[1] == b'x' && b[6] == b'_' && b[2..6].iter().all(u8::is_ascii_hexdigit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> String {
        let mut out = Vec::new();
        escape(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_are_excels() {
        assert_eq!(esc("a<b>&c"), "a&lt;b&gt;&amp;c");
        assert_eq!(esc("tab\tnl\ncr\r"), "tab\tnl\ncr_x000D_");
        assert_eq!(esc("\u{1}\u{1f}"), "_x0001__x001F_");
        assert_eq!(esc("_x0041_ and _x00zz_"), "_x005F_x0041_ and _x00zz_");
        assert_eq!(esc("\u{fffe}\u{ffff}\u{fffd}"), "_xFFFE__xFFFF_\u{fffd}");
        assert_eq!(esc("加_x"), "加_x");
    }

    #[test]
    fn whole_numbers_are_written_as_floats_print_them() {
        let exact = 1_i64 << 53;
        for n in [
            0,
            1,
            -1,
            7,
            10,
            99,
            1_000_000,
            -123_456,
            exact - 1,
            exact,
            -exact,
        ] {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            integer(&mut a, n);
            number(&mut b, n as f64);
            assert_eq!(a, b, "{n}");
        }
        // Past 2^53 a float cannot hold every whole number: as it prints.
        let mut a = Vec::new();
        integer(&mut a, exact + 1);
        assert_eq!(a, b"><v>9007199254740992</v></c>");
    }
}
