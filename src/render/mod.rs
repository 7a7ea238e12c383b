//! Renderers: findings and rules in, text out. They never decide anything;
//! every verdict was made in `eval` and `report`.

use std::borrow::Cow;

pub mod explain;
pub mod human;
pub mod json;
pub mod rules_md;
pub mod rules_table;

/// Characters a terminal would act on rather than show: control characters
/// (escape sequences start with one) and bidirectional overrides.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Makes plan text for a message safe for a terminal: unsafe characters are
/// shown escaped (`\u{1b}`), never sent raw.
pub fn safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if is_unsafe(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// Makes a source text safe to quote in a snippet while keeping every byte
/// offset valid: each unsafe character becomes as many `?` as it has bytes.
pub fn safe_source(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if is_unsafe(c) {
                "?".repeat(c.len_utf8())
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_never_pass_raw() {
        assert_eq!(safe("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(safe("深圳"), "深圳");
        assert_eq!(safe("a\u{202e}b"), "a\\u{202e}b");
    }

    #[test]
    fn safe_sources_keep_their_byte_offsets() {
        let src = "a = \"\u{1b}[2J\u{9b}\"";
        assert_eq!(safe_source(src).len(), src.len());
        assert_eq!(safe_source(src), "a = \"?[2J??\"");
    }
}
