//! Renderers: findings and rules in, text out. They never decide anything;
//! every verdict was made in `eval` and `report`.

pub mod explain;
pub mod human;
pub mod json;
pub mod rules_table;

/// Makes plan text safe for a terminal: control characters (escape
/// sequences included) are shown escaped, never sent raw.
pub fn safe(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n') {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn escape_sequences_never_pass_raw() {
        assert_eq!(super::safe("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(super::safe("深圳"), "深圳");
    }
}
