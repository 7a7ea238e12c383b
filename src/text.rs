//! Text from files (plan values, paths, baselines, pack words) made safe to
//! show: the bottom of the module stack, so loading and rendering both use
//! it. One rule, one place, a function per kind of output:
//! [`safe`] for everything a person reads (human, concise, GitHub, tables,
//! standard error, comments in `init` skeletons), [`safe_multiline`] for
//! CSV fields, [`safe_source`] for quoted source lines, [`xml`] on top of
//! [`safe`] for JUnit, [`quote`] for TOML strings that `init` writes.

use std::borrow::Cow;

/// Characters that could forge lines or hide text (json-output.md, "Text
/// from files"): C0 and C1 controls other than tab (so line feeds and
/// carriage returns too), DEL, the line and paragraph separators U+2028 and
/// U+2029, and the bidirectional controls U+202A–U+202E and U+2066–U+2069.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// True when `s` holds no unsafe character ([`is_unsafe`]) but those in
/// `allowed` (ASCII controls). Decided from the bytes: most text has no
/// byte that can begin one, and a lead byte that can (`0xC2` for the C1
/// controls, `0xE2` for the separators and direction marks; both also
/// begin common characters, `§` and `—`) is told by the bytes after it.
fn plain(s: &str, allowed: &[u8]) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        i = next_in(b, i, &LOOK);
        let Some(&c) = b.get(i) else {
            return true;
        };
        i += 1;
        let next = b.get(i).copied().unwrap_or(0);
        let third = b.get(i + 1).copied().unwrap_or(0);
        let unsafe_here = match c {
            // U+0080–U+009F.
            0xC2 => (0x80..=0x9F).contains(&next),
            // U+2028–U+202E, U+2066–U+2069.
            0xE2 => {
                (next == 0x80 && (0xA8..=0xAE).contains(&third))
                    || (next == 0x81 && (0xA6..=0xA9).contains(&third))
            }
            0x7F => true,
            c => !allowed.contains(&c),
        };
        if unsafe_here {
            return false;
        }
    }
}

/// The bytes [`plain`] looks at: ASCII controls, DEL, `0xC2`, `0xE2`.
const LOOK: [bool; 256] = byte_table(true, b"\x7f\xc2\xe2");

/// Makes text from a file (a plan value, a path, a pack's words) safe to
/// show in human, concise and GitHub output: a newline becomes `\n`, every
/// other unsafe character `\u{XX}` (`\u{1b}`, `\u{d}`), never sent raw. One
/// value is then always one line.
pub fn safe(s: &str) -> Cow<'_, str> {
    if plain(s, b"\t") {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            c if is_unsafe(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out.into()
}

/// [`safe`] of a string already owned: kept as it is when nothing needs
/// escaping, not copied.
pub(crate) fn safe_owned(s: String) -> String {
    match safe(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(escaped) => escaped,
    }
}

/// As [`safe`], but line breaks (`\n`, `\r`) stay as they are: for
/// machine-read formats whose fields may hold several lines (CSV quotes
/// them, XML keeps them), where a value is carried as written.
pub fn safe_multiline(s: &str) -> Cow<'_, str> {
    let keep = |c: char| matches!(c, '\n' | '\r') || !is_unsafe(c);
    if plain(s, b"\t\n\r") {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if keep(c) {
            out.push(c);
        } else {
            out.extend(c.escape_unicode());
        }
    }
    out.into()
}

/// Makes a source text safe to quote in a snippet while keeping every byte
/// offset valid: each unsafe character becomes as many `?` as it has bytes.
/// Line breaks stay (a snippet is lines): `\n`, and `\r` before `\n`; a lone
/// `\r`, which would send the cursor back over the line, does not.
pub fn safe_source(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let keep = |i: usize, c: char| {
        c == '\n' || (c == '\r' && bytes.get(i + 1) == Some(&b'\n')) || !is_unsafe(c)
    };
    if s.char_indices().all(|(i, c)| keep(i, c)) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if keep(i, c) {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        }
    }
    out.into()
}

/// Text for an XML document (JUnit): the characters XML 1.0 forbids (C0
/// controls other than tab, LF and CR; U+FFFE and U+FFFF) become U+FFFD
/// (json-output.md, "Text from files"). Applied after [`safe`], which has
/// escaped the controls visibly already; this is the last guard.
pub(crate) fn xml(s: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        matches!(c, '\u{fffe}' | '\u{ffff}') || (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
    };
    // Most text has no control and no U+FFFE/U+FFFF (`EF BF BE`/`BF`):
    // answered from the bytes.
    let b = s.as_bytes();
    let mut i = 0;
    let clean = loop {
        i = next_in(b, i, &XML_LOOK);
        let Some(&c) = b.get(i) else {
            break true;
        };
        let fine = match c {
            0xef => b.get(i + 1) != Some(&0xbf) || !matches!(b.get(i + 2), Some(0xbe | 0xbf)),
            b'\t' | b'\n' | b'\r' => true,
            _ => false,
        };
        if !fine {
            break false;
        }
        i += 1;
    };
    if clean {
        return s.into();
    }
    s.chars()
        .map(|c| if bad(c) { '\u{fffd}' } else { c })
        .collect::<String>()
        .into()
}

/// The bytes [`xml`] looks at: ASCII controls and `0xEF`.
const XML_LOOK: [bool; 256] = byte_table(true, b"\xef");

/// `s` as XML character data, appended to `out` in one pass: [`xml`]'s
/// replacements, then `&`, `<`, `>` and `"` escaped.
pub(crate) fn push_xml(out: &mut String, s: &str) {
    let b = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    loop {
        i = next_in(b, i, &XML_ESCAPE);
        let Some(&c) = b.get(i) else {
            break;
        };
        let rep = match c {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            // U+FFFE and U+FFFF (`EF BF BE`/`BF`): the whole character.
            0xef => {
                if let (Some(0xbf), Some(0xbe | 0xbf)) = (b.get(i + 1), b.get(i + 2)) {
                    out.push_str(&s[run..i]);
                    out.push('\u{fffd}');
                    run = i + 3;
                }
                i += 1;
                continue;
            }
            _ => "\u{fffd}",
        };
        out.push_str(&s[run..i]);
        out.push_str(rep);
        i += 1;
        run = i;
    }
    out.push_str(&s[run..]);
}

/// The bytes [`push_xml`] looks at.
const XML_ESCAPE: [bool; 256] = byte_table(true, b"&<>\"\xef");

/// Where the first byte from `i` on that `table` names is (`b.len()` if
/// none): eight bytes looked up at a time, one branch for all eight, since
/// text runs long between the bytes an escape cares about.
#[inline]
pub(crate) fn next_in(b: &[u8], mut i: usize, table: &[bool; 256]) -> usize {
    while let Some(w) = b.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let hit = table[usize::from(w[0])]
            | table[usize::from(w[1])]
            | table[usize::from(w[2])]
            | table[usize::from(w[3])]
            | table[usize::from(w[4])]
            | table[usize::from(w[5])]
            | table[usize::from(w[6])]
            | table[usize::from(w[7])];
        if hit {
            break;
        }
        i += 8;
    }
    while b.get(i).is_some_and(|&c| !table[usize::from(c)]) {
        i += 1;
    }
    i.min(b.len())
}

/// A table of the bytes a scan stops at: the ASCII controls if
/// `controls`, and `bytes`; the scan skips the others eight at a time
/// ([`next_in`]).
pub(crate) const fn byte_table(controls: bool, bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut c = 0;
    while controls && c < 0x20 {
        t[c] = true;
        c += 1;
    }
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
}

/// `s` with each byte that `escape` names replaced by its escape, in one
/// pass that copies the runs between them whole; `look` holds every byte
/// `escape` names (the scan skips the others eight at a time). `escape`
/// must name ASCII bytes only (never part of a multi-byte character), so
/// every cut falls on a character boundary.
pub(crate) fn escape_ascii<'s>(
    s: &'s str,
    look: &[bool; 256],
    escape: impl Fn(u8) -> Option<&'static str>,
) -> Cow<'s, str> {
    let bytes = s.as_bytes();
    let mut i = next_in(bytes, 0, look);
    if i == bytes.len() {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut from = 0;
    while let Some(&b) = bytes.get(i) {
        if let Some(e) = escape(b) {
            debug_assert!(b.is_ascii());
            out.push_str(&s[from..i]);
            out.push_str(e);
            from = i + 1;
        }
        i = next_in(bytes, i + 1, look);
    }
    out.push_str(&s[from..]);
    out.into()
}

/// `s` cut to at most `max` characters, with `…` after a cut.
pub(crate) fn cut(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]).into(),
        None => s.into(),
    }
}

/// A TOML basic string holding `s`: written into files (`init`), where a
/// value must never end the string or the line.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_counts_characters_and_marks_a_cut() {
        assert_eq!(cut("中文字", 3), "中文字");
        assert_eq!(cut("中文字", 2), "中文…");
        assert_eq!(cut("", 0), "");
    }

    #[test]
    fn plain_is_exactly_no_unsafe_character() {
        let chars = (0..0x3000u32)
            .chain(0xFEF0..0x10000)
            .chain([0x1F600, 0x10FFFF])
            .filter_map(char::from_u32);
        for c in chars {
            for text in [c.to_string(), format!("a{c}b"), format!("{c}{c}")] {
                assert_eq!(plain(&text, b"\t"), !text.chars().any(is_unsafe), "{c:?}");
                let keep = |c: char| matches!(c, '\n' | '\r') || !is_unsafe(c);
                assert_eq!(plain(&text, b"\t\n\r"), text.chars().all(keep), "{c:?}");
            }
        }
    }

    #[test]
    fn escape_sequences_never_pass_raw() {
        assert_eq!(safe("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(safe("深圳"), "深圳");
        assert_eq!(safe("a\u{202e}b"), "a\\u{202e}b");
    }

    #[test]
    fn exactly_the_characters_the_spec_names_are_escaped() {
        assert_eq!(safe("a\nb"), "a\\nb", "a newline in a value shows as \\n");
        assert_eq!(safe("a\r\nb"), "a\\u{d}\\nb");
        assert_eq!(safe("a\tb"), "a\tb", "tab stays");
        assert_eq!(safe("\u{7f}\u{85}\u{9b}"), "\\u{7f}\\u{85}\\u{9b}");
        assert_eq!(safe("a\u{2028}b\u{2029}"), "a\\u{2028}b\\u{2029}");
        assert_eq!(
            safe("\u{202a}\u{2066}\u{2069}"),
            "\\u{202a}\\u{2066}\\u{2069}"
        );
        // Neighbours of the ranges are ordinary text.
        assert_eq!(
            safe("\u{2029}\u{202f}\u{2065}\u{206a}\u{a0}"),
            "\\u{2029}\u{202f}\u{2065}\u{206a}\u{a0}"
        );
        assert_eq!(
            safe("粤办函〔2021〕63号：“二、试点范围”"),
            "粤办函〔2021〕63号：“二、试点范围”"
        );
    }

    #[test]
    fn xml_is_pushed_as_it_is_made_and_escaped() {
        let samples = [
            "plain 文字",
            "a & b < c > d \"e\"",
            "ctl \u{1}\u{8}\t\n\r end",
            "\u{fffe}x\u{ffff}\u{fffd}\u{feff}\u{ef}",
            "",
            "&",
        ];
        for t in samples {
            let mut out = String::from(">");
            push_xml(&mut out, t);
            let want = xml(t)
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;");
            assert_eq!(out, format!(">{want}"), "{t:?}");
        }
    }

    #[test]
    fn xml_text_holds_only_what_xml_allows() {
        assert_eq!(
            xml("a\u{fffe}b\u{ffff}\u{1}\u{0}"),
            "a\u{fffd}b\u{fffd}\u{fffd}\u{fffd}"
        );
        assert_eq!(
            xml("a\tb\nc\rd\u{fffd}\u{10000}"),
            "a\tb\nc\rd\u{fffd}\u{10000}"
        );
    }

    #[test]
    fn ascii_escapes_copy_what_lies_between() {
        let amp = |b: u8| (b == b'&').then_some("&amp;");
        let look = byte_table(false, b"&");
        assert_eq!(escape_ascii("深&圳&", &look, amp), "深&amp;圳&amp;");
        assert_eq!(escape_ascii("&", &look, amp), "&amp;");
        assert!(matches!(
            escape_ascii("深圳", &look, amp),
            Cow::Borrowed("深圳")
        ));
        // Past the eight bytes looked up at a time, and at every place in them.
        for n in 0..20 {
            let text = format!("{}&{}", "a".repeat(n), "深".repeat(n));
            let want = format!("{}&amp;{}", "a".repeat(n), "深".repeat(n));
            assert_eq!(escape_ascii(&text, &look, amp), want);
            assert_eq!(next_in(text.as_bytes(), 0, &look), n);
            assert_eq!(next_in(text.as_bytes(), n + 1, &look), text.len());
        }
    }

    #[test]
    fn safe_sources_keep_their_byte_offsets() {
        let src = "a = \"\u{1b}[2J\u{9b}\"";
        assert_eq!(safe_source(src).len(), src.len());
        assert_eq!(safe_source(src), "a = \"?[2J??\"");
        assert_eq!(
            safe_source("a\r\nb\rc\n"),
            "a\r\nb?c\n",
            "CRLF stays, a lone CR does not"
        );
        assert_eq!(safe_source("a\u{2028}b"), "a???b");
    }
}
