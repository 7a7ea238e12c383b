//! `kind = "placeholder"`: every string value anywhere in the plan that still
//! holds a `<…>` placeholder, as `cdocheck init` writes them (CORE008). The
//! condition language tests named fields; this walks them all.

use super::cond::{Ctx, Tri};
use super::Emit;
use crate::finding::Finding;
use crate::plan::{Node, Table, Value};
use crate::rules::Rule;

/// One finding per string that holds a placeholder, at the string.
pub fn find(rule: &Rule, emit: &Emit) -> Vec<Finding> {
    let plan = Ctx {
        root: emit.root,
        elem: None,
    };
    if rule
        .when
        .as_ref()
        .is_some_and(|w| plan.test(w) != Tri::True)
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    walk_table(emit.root, None, rule, emit, &mut out);
    out
}

fn walk_table(t: &Table, unit: Option<&str>, rule: &Rule, emit: &Emit, out: &mut Vec<Finding>) {
    for e in &t.entries {
        // Inside a `[[unit]]`, findings name the unit.
        if e.key == "unit" && unit.is_none() {
            if let Value::List(units) = &e.node.value {
                for u in units {
                    let id = u.as_table().and_then(|t| t.str("id"));
                    walk(u, id.or(Some("")), rule, emit, out);
                }
                continue;
            }
        }
        walk(&e.node, unit, rule, emit, out);
    }
}

fn walk(n: &Node, unit: Option<&str>, rule: &Rule, emit: &Emit, out: &mut Vec<Finding>) {
    match &n.value {
        Value::Str(s) => {
            if let Some(p) = placeholder(s) {
                let vars = [("value", p.to_string())];
                let unit = unit.filter(|u| !u.is_empty());
                out.push(emit.finding(rule, n.span.clone(), &vars, unit));
            }
        }
        Value::List(items) => items.iter().for_each(|i| walk(i, unit, rule, emit, out)),
        Value::Table(t) => walk_table(t, unit.or(Some("")), rule, emit, out),
        _ => {}
    }
}

/// The first `<…>` in `s`: text between angle brackets, on one line, that
/// neither starts nor ends with a space (`a < b > c` is not one).
pub fn placeholder(s: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(open) = s[from..].find('<').map(|i| from + i) {
        let rest = &s[open + 1..];
        let close = rest.find(['<', '>', '\n']);
        if let Some(close) = close.filter(|&c| rest[c..].starts_with('>')) {
            let inner = &rest[..close];
            let spaced = |c: Option<char>| c.is_none_or(char::is_whitespace);
            if !spaced(inner.chars().next()) && !spaced(inner.chars().last()) {
                return Some(&s[open..open + close + 2]);
            }
        }
        from = open + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::placeholder;

    #[test]
    fn angle_brackets_around_words_are_placeholders() {
        assert_eq!(
            placeholder("<Name of the district government>"),
            Some("<Name of the district government>")
        );
        assert_eq!(placeholder("Bureau of <区政府名称>"), Some("<区政府名称>"));
        assert_eq!(placeholder("a <<b> c"), Some("<b>"));
        assert_eq!(placeholder("x"), None);
        assert_eq!(placeholder("a < b > c"), None);
        assert_eq!(placeholder("<>"), None);
        assert_eq!(placeholder("<open\nclose>"), None);
        assert_eq!(placeholder("1 < 2"), None);
    }
}
