//! Message templates: text with `{name}` variables, parsed once (when a
//! pack or the message catalogue loads) into literal and variable parts, and
//! filled in one pass. A value is copied verbatim, never read again as a
//! template, so plan text holding `{missing}` shows as written.

use std::ops::Range;

/// A parsed template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Lit(Box<str>),
    Var(Box<str>),
}

/// A `{name}` that is not one of the variables allowed, with its byte range
/// in the template text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownVar {
    pub at: Range<usize>,
    pub name: String,
}

impl Template {
    /// Parses `text`; `{name}` is a variable when `name` is one of `known`.
    /// A `{` with no `}` after it is literal text. Every unknown variable is
    /// reported, not only the first.
    pub fn parse(text: &str, known: &[&str]) -> Result<Template, Vec<UnknownVar>> {
        let mut parts = Vec::new();
        let mut errors = Vec::new();
        let mut lit = String::new();
        let mut rest = text;
        let mut offset = 0;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            let name = &rest[open + 1..close];
            lit.push_str(&rest[..open]);
            if known.contains(&name) {
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit).into()));
                }
                parts.push(Part::Var(name.into()));
            } else {
                errors.push(UnknownVar {
                    at: offset + open..offset + close + 1,
                    name: name.to_string(),
                });
                lit.push_str(&rest[open..=close]);
            }
            offset += close + 1;
            rest = &rest[close + 1..];
        }
        lit.push_str(rest);
        if !lit.is_empty() {
            parts.push(Part::Lit(lit.into()));
        }
        if errors.is_empty() {
            Ok(Template { parts })
        } else {
            Err(errors)
        }
    }

    /// A template of literal text alone.
    pub fn literal(text: impl Into<Box<str>>) -> Template {
        Template {
            parts: vec![Part::Lit(text.into())],
        }
    }

    /// Fills the variables in one pass; one that `value` does not know is
    /// left empty.
    pub fn fill<'v>(&self, value: impl Fn(&str) -> Option<&'v str>) -> String {
        let mut out = String::new();
        self.fill_into(&mut out, |name, out| {
            out.push_str(value(name).unwrap_or_default())
        });
        out
    }

    /// Appends the template to `out`, each variable written by `var`
    /// straight into it.
    pub fn fill_into(&self, out: &mut String, mut var: impl FnMut(&str, &mut String)) {
        for p in &self.parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Var(name) => var(name, out),
            }
        }
    }

    /// The variables it uses, in order.
    pub fn vars(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var(v) => Some(&**v),
            Part::Lit(_) => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_filled_verbatim_in_one_pass() {
        let t = Template::parse("`{value}` is not {what}", &["value", "what"]).unwrap();
        let filled = t.fill(|n| match n {
            "value" => Some("Zhanjiang {what} {missing}"),
            "what" => Some("a pilot"),
            _ => None,
        });
        assert_eq!(filled, "`Zhanjiang {what} {missing}` is not a pilot");
    }

    #[test]
    fn unknown_variables_are_all_reported_with_where_they_stand() {
        let e = Template::parse("a {x} b {value} c {y}", &["value"]).unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!((e[0].name.as_str(), e[0].at.clone()), ("x", 2..5));
        assert_eq!((e[1].name.as_str(), e[1].at.clone()), ("y", 18..21));
    }

    #[test]
    fn an_open_brace_without_a_close_is_text() {
        let t = Template::parse("write { field = … ", &[]).unwrap();
        assert_eq!(t.fill(|_| None), "write { field = … ");
        assert_eq!(t.vars().count(), 0);
    }
}
