//! A line scan of a plan's text: headers, keys and where their values lie.
//! Hover and completion read it rather than the parsed plan because the
//! buffer being typed in rarely parses; it understands as much TOML as a
//! plan is written in (one key per line, arrays that may span lines), and
//! never fails.

use std::ops::Range;

/// A `[table]` or `[[array]]` header.
#[derive(Debug)]
pub(crate) struct Header {
    pub path: Vec<String>,
    pub array: bool,
    /// The header line, without its line break.
    pub span: Range<usize>,
}

/// `key = value`, the value possibly running over several lines.
#[derive(Debug)]
pub(crate) struct KeyLine {
    /// The header it is under, by index into [`Outline::headers`].
    pub header: Option<usize>,
    /// Dotted keys give several segments.
    pub key: Vec<String>,
    pub key_span: Range<usize>,
    /// From after `=` to the value's end (before a comment).
    pub value_span: Range<usize>,
}

#[derive(Debug, Default)]
pub(crate) struct Outline {
    pub headers: Vec<Header>,
    pub keys: Vec<KeyLine>,
}

/// What an open value still waits for, across lines.
enum Open {
    /// A multi-line array: its key, and the bracket depth.
    Array(usize, i32),
    /// A multi-line string, closed by this delimiter.
    Str(Option<usize>, &'static str),
}

pub(crate) fn outline(text: &str) -> Outline {
    let mut out = Outline::default();
    let mut open: Option<Open> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let at = start;
        start += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        // A header or a key ends an array left open (the user is typing):
        // it must not swallow the rest of the file.
        let t0 = body.trim_start();
        let starts_anew = t0.starts_with('[')
            || t0.split('=').next().is_some_and(|k| {
                t0.contains('=')
                    && k.trim()
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
            });
        if matches!(open, Some(Open::Array(..))) && starts_anew {
            open = None;
        }
        match open.take() {
            Some(Open::Array(k, depth)) => {
                let (depth, end) = brackets(body, depth);
                out.keys[k].value_span.end = at + end;
                if depth > 0 {
                    open = Some(Open::Array(k, depth));
                }
                continue;
            }
            Some(Open::Str(k, delim)) => {
                match body.find(delim) {
                    Some(i) => {
                        if let Some(k) = k {
                            out.keys[k].value_span.end = at + i + delim.len();
                        }
                    }
                    None => open = Some(Open::Str(k, delim)),
                }
                continue;
            }
            None => {}
        }
        let lead = body.len() - body.trim_start().len();
        let t = body.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('[') {
            let array = t.starts_with("[[");
            let inner = t.trim_start_matches('[');
            let inner = inner.split(']').next().unwrap_or("");
            out.headers.push(Header {
                path: segments(inner),
                array,
                span: at + lead..at + body.len(),
            });
            continue;
        }
        let Some(eq) = t.find('=') else {
            continue;
        };
        let key = &t[..eq];
        let value_start = eq + 1;
        let value = &t[value_start..];
        let header = out.headers.len().checked_sub(1);
        let k = out.keys.len();
        let vs = at + lead + value_start;
        let trimmed = value.trim_start();
        let (end, next) = if let Some(delim) = ["\"\"\"", "'''"]
            .into_iter()
            .find(|d| trimmed.starts_with(d))
        {
            let rest = &trimmed[3..];
            match rest.find(delim) {
                Some(i) => (value.len() - trimmed.len() + 3 + i + 3, None),
                None => (value.len(), Some(Open::Str(Some(k), delim))),
            }
        } else {
            let (depth, end) = brackets(value, 0);
            (end, (depth > 0).then_some(Open::Array(k, depth)))
        };
        open = next;
        out.keys.push(KeyLine {
            header,
            key: segments(key),
            key_span: at + lead..at + lead + key.trim_end().len(),
            value_span: vs..vs + end,
        });
    }
    out
}

/// The bracket depth after a piece of a value, and where the value ends in
/// it (before a comment, trailing space trimmed); strings are skipped.
fn brackets(s: &str, mut depth: i32) -> (i32, usize) {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut end = s.len();
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' | '{' => depth += 1,
                ']' | '}' => depth -= 1,
                '#' => {
                    end = i;
                    break;
                }
                _ => {}
            },
        }
    }
    (depth, s[..end].trim_end().len())
}

/// `unit . "cdo"` → `["unit", "cdo"]`.
pub(crate) fn segments(s: &str) -> Vec<String> {
    s.split('.')
        .map(|p| p.trim().trim_matches(['"', '\'']).to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The string a value holds, if it is one string: `"a"` or `'a'`.
pub(crate) fn string_value(v: &str) -> Option<&str> {
    let v = v.trim();
    let q = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &v[1..];
    let end = rest.find(q)?;
    Some(&rest[..end])
}

impl Outline {
    /// The header a byte offset is under.
    pub(crate) fn header_at(&self, offset: usize) -> Option<usize> {
        self.headers.iter().rposition(|h| h.span.start <= offset)
    }

    /// The table path a header index stands for (`[]` for the top level).
    pub(crate) fn path(&self, header: Option<usize>) -> &[String] {
        header.map_or(&[], |h| &self.headers[h].path)
    }

    /// The key line whose key or value holds `offset`.
    pub(crate) fn key_at(&self, offset: usize) -> Option<&KeyLine> {
        self.keys.iter().find(|k| {
            (k.key_span.start..=k.key_span.end).contains(&offset)
                || (k.value_span.start..=k.value_span.end).contains(&offset)
        })
    }

    /// The full path of a key (`unit.cdo.rank`), as segments.
    pub(crate) fn key_path(&self, k: &KeyLine) -> Vec<String> {
        let mut p = self.path(k.header).to_vec();
        p.extend(k.key.iter().cloned());
        p
    }

    /// The units written, in order, from their `[[unit]]` blocks.
    pub(crate) fn units(&self, text: &str) -> Vec<Unit> {
        let mut units: Vec<Unit> = Vec::new();
        // The unit each header belongs to.
        let mut owner: Vec<Option<usize>> = Vec::with_capacity(self.headers.len());
        for h in &self.headers {
            let is_unit = h.array && h.path.len() == 1 && h.path[0] == "unit";
            if is_unit {
                units.push(Unit::default());
            }
            let under_unit = h.path.first().is_some_and(|p| p == "unit");
            owner.push(if under_unit {
                units.len().checked_sub(1)
            } else {
                None
            });
        }
        for k in &self.keys {
            let Some(h) = k.header else { continue };
            let Some(u) = owner[h] else { continue };
            let value = string_value(&text[k.value_span.clone()]).map(str::to_string);
            let cdo = self.headers[h].path.len() == 2;
            let unit = &mut units[u];
            match (cdo, k.key.join(".").as_str()) {
                (false, "id") => unit.id = value,
                (false, "name") => unit.name = value,
                (false, "name_zh") => unit.name_zh = value,
                (true, "position") => unit.position = value,
                (true, "rank") => unit.rank = value,
                _ => {}
            }
            if cdo {
                unit.has_cdo = true;
            }
        }
        // A `[unit.cdo]` header with no key yet is a post still.
        for (h, head) in self.headers.iter().enumerate() {
            if let Some(u) = owner[h].filter(|_| head.path.len() == 2 && head.path[1] == "cdo") {
                units[u].has_cdo = true;
            }
        }
        units
    }
}

/// What a `[[unit]]` block says about itself.
#[derive(Debug, Default)]
pub(crate) struct Unit {
    pub id: Option<String>,
    pub name: Option<String>,
    pub name_zh: Option<String>,
    pub has_cdo: bool,
    pub position: Option<String>,
    pub rank: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_keys_and_multi_line_values() {
        let text = "format = 1\n[plan]\ntitle = \"a # b\" # note\n[cdo]\nduties = [\n  \"planning\", # x\n  \"talent\",\n]\n[[unit]]\nid = \"a\"\nname = \"名\"\n[unit.cdo]\nrank = \"chief\"\nposition = \"p\"\n[[unit]]\nid = \"b\"\n";
        let o = outline(text);
        assert_eq!(o.headers.len(), 5);
        assert_eq!(o.headers[2].path, ["unit"]);
        assert!(o.headers[2].array);
        assert_eq!(o.headers[3].path, ["unit", "cdo"]);
        let title = &o.keys[1];
        assert_eq!(&text[title.value_span.clone()].trim(), &"\"a # b\"");
        let duties = &o.keys[2];
        assert_eq!(o.key_path(duties), ["cdo", "duties"]);
        assert!(text[duties.value_span.clone()].ends_with(']'));
        let units = o.units(text);
        assert_eq!(units.len(), 2);
        assert_eq!(units[0].id.as_deref(), Some("a"));
        assert_eq!(units[0].name.as_deref(), Some("名"));
        assert_eq!(units[0].rank.as_deref(), Some("chief"));
        assert!(units[0].has_cdo);
        assert!(!units[1].has_cdo);
    }

    #[test]
    fn broken_text_still_scans() {
        let o = outline("[plan\nti\n= 3\n[[\nrank = \"unclosed\n\"\"\"\n");
        assert_eq!(o.headers.len(), 2);
        assert!(o.keys.iter().any(|k| k.key == ["rank"]));
        // An array left open ends at the next header or key.
        let o = outline("[cdo]\nduties = [\"planning\",\n[[unit]]\nid = \"a\"\n");
        assert_eq!(o.headers.len(), 2);
        assert_eq!(o.keys.len(), 2);
    }
}
