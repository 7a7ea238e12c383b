//! A document's text as lines: `.docx` paragraphs (table cells included, in
//! order) from `word/document.xml`, or `.txt`/`.md` lines in UTF-8 or
//! GB18030. Every read stops at a cap, so a zip bomb or a huge file is
//! refused, not read into memory.

use std::io::Read;
use std::path::Path;

use quick_xml::events::Event;

/// The most a document file may hold on disk.
pub(crate) const MAX_FILE_BYTES: u64 = 32 << 20;
/// The most `word/document.xml` may hold uncompressed (a zip bomb stops here).
pub(crate) const MAX_XML_BYTES: u64 = 64 << 20;
/// The most characters of one line (paragraph) that are read; the rest of
/// a longer line is dropped.
pub(crate) const MAX_LINE_CHARS: usize = 4_000;
/// The most lines (paragraphs) that are read; later ones are dropped.
pub(crate) const MAX_LINES: usize = 50_000;

/// What kind of document a file is, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Docx,
    Text,
    Markdown,
}

impl Kind {
    pub(crate) fn of(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "docx" => Some(Kind::Docx),
            "txt" => Some(Kind::Text),
            "md" | "markdown" => Some(Kind::Markdown),
            _ => None,
        }
    }
}

/// A document's text.
#[derive(Debug)]
pub(crate) struct Doc {
    /// The lines as written (without line ends), capped.
    pub(crate) lines: Vec<String>,
    /// `Some("GB18030")` when the text was not UTF-8.
    pub(crate) encoding: Option<&'static str>,
    /// Lines or characters were dropped at a cap.
    pub(crate) truncated: bool,
}

/// Why a document could not be read.
#[derive(Debug)]
pub(crate) enum Unreadable {
    /// Not a zip archive, or no `word/document.xml` in it (detail).
    Docx(String),
    /// `word/document.xml` is not well-formed XML (detail).
    Xml(String),
    /// Larger than the cap (bytes).
    TooLarge(u64),
    /// Neither UTF-8 nor GB18030 text.
    Encoding,
}

/// The lines of a document whose bytes are `bytes`.
pub(crate) fn lines(kind: Kind, bytes: &[u8]) -> Result<Doc, Unreadable> {
    match kind {
        Kind::Docx => docx(bytes),
        Kind::Text | Kind::Markdown => {
            let (text, encoding) = decode(bytes)?;
            let mut doc = split(&text, encoding);
            if kind == Kind::Markdown {
                for l in &mut doc.lines {
                    *l = markdown(l);
                }
            }
            Ok(doc)
        }
    }
}

/// UTF-8 (a byte-order mark dropped), else GB18030 (a superset of GBK).
fn decode(bytes: &[u8]) -> Result<(String, Option<&'static str>), Unreadable> {
    let bytes = crate::read::without_bom(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), None));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|s| (s.into_owned(), Some("GB18030")))
        .ok_or(Unreadable::Encoding)
}

/// Lines split on `\n`, `\r\n` and `\r`, each capped.
fn split(text: &str, encoding: Option<&'static str>) -> Doc {
    let mut doc = Doc {
        lines: Vec::new(),
        encoding,
        truncated: false,
    };
    let text = text.replace("\r\n", "\n");
    for line in text.split(['\n', '\r']) {
        push(&mut doc, line);
    }
    doc
}

fn push(doc: &mut Doc, line: &str) {
    if doc.lines.len() >= MAX_LINES {
        doc.truncated = true;
        return;
    }
    let capped = cap(line);
    if capped.len() < line.len() {
        doc.truncated = true;
    }
    doc.lines.push(capped.to_string());
}

/// The first `MAX_LINE_CHARS` characters.
fn cap(s: &str) -> &str {
    match s.char_indices().nth(MAX_LINE_CHARS) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A Markdown line as text: heading marks, quote marks and emphasis dropped.
fn markdown(line: &str) -> String {
    let t = line.trim_start();
    let t = t
        .trim_start_matches('#')
        .trim_start_matches('>')
        .trim_start();
    t.replace("**", "").replace("__", "")
}

/// The paragraphs of a .docx, in document order (table cells are
/// paragraphs too).
fn docx(bytes: &[u8]) -> Result<Doc, Unreadable> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| Unreadable::Docx(e.to_string()))?;
    let file = zip
        .by_name("word/document.xml")
        .map_err(|e| Unreadable::Docx(e.to_string()))?;
    if file.size() > MAX_XML_BYTES {
        return Err(Unreadable::TooLarge(MAX_XML_BYTES));
    }
    // The declared size may lie: the read itself stops at the cap.
    let mut xml = Vec::new();
    file.take(MAX_XML_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|e| Unreadable::Docx(e.to_string()))?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err(Unreadable::TooLarge(MAX_XML_BYTES));
    }
    paragraphs(&xml)
}

/// The text of each `w:p`: its `w:t` runs, `w:tab` as a space, `w:br` as
/// a space (a line break inside a paragraph does not end it).
fn paragraphs(xml: &[u8]) -> Result<Doc, Unreadable> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut doc = Doc {
        lines: Vec::new(),
        encoding: None,
        truncated: false,
    };
    let mut buf = Vec::new();
    let mut para = String::new();
    let mut chars = 0usize;
    let mut in_text = false;
    let mut depth = 0usize;
    let add = |para: &mut String, chars: &mut usize, s: &str| {
        for c in s.chars() {
            if *chars >= MAX_LINE_CHARS {
                return true;
            }
            para.push(c);
            *chars += 1;
        }
        false
    };
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| Unreadable::Xml(e.to_string()))?;
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                depth += 1;
                match e.local_name().as_ref() {
                    b"p" => {
                        para.clear();
                        chars = 0;
                    }
                    b"t" => in_text = true,
                    _ => {}
                }
            }
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" | b"br" => doc.truncated |= add(&mut para, &mut chars, " "),
                b"p" if depth > 0 => push(&mut doc, ""),
                _ => {}
            },
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                match e.local_name().as_ref() {
                    b"t" => in_text = false,
                    b"p" => {
                        push(&mut doc, &para);
                        para.clear();
                        chars = 0;
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text => {
                let s = t.decode().map_err(|e| Unreadable::Xml(e.to_string()))?;
                doc.truncated |= add(&mut para, &mut chars, &s);
            }
            Event::GeneralRef(r) if in_text => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match &*r.clone().into_inner() {
                        b"amp" => Some('&'),
                        b"lt" => Some('<'),
                        b"gt" => Some('>'),
                        b"quot" => Some('"'),
                        b"apos" => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = c {
                    doc.truncated |= add(&mut para, &mut chars, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::CData(t) if in_text => {
                let s = String::from_utf8_lossy(&t);
                doc.truncated |= add(&mut para, &mut chars, &s);
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends_of_every_kind_split_lines() {
        let d = split("a\r\nb\rc\nd", None);
        assert_eq!(d.lines, ["a", "b", "c", "d"]);
        let d = split("a\r\n\r\nb", None);
        assert_eq!(d.lines, ["a", "", "b"]);
    }

    #[test]
    fn gb18030_is_detected() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("首席数据官实施方案");
        let (text, enc) = decode(&bytes).unwrap();
        assert_eq!(text, "首席数据官实施方案");
        assert_eq!(enc, Some("GB18030"));
    }

    #[test]
    fn paragraphs_and_cells_in_order() {
        let xml = br#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>a&amp;b</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">c</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:body></w:document>"#;
        let d = paragraphs(xml).unwrap();
        assert_eq!(d.lines, ["a&b c", "cell", ""]);
    }
}
