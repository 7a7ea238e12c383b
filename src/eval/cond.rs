//! Evaluating conditions on a plan, in three-valued logic: a field that is
//! missing from a comparison, or present but unreadable, makes the answer
//! `Unknown`, and a rule whose answer is unknown reports nothing — the format
//! diagnostic already said what is wrong.

use crate::lang::Text;
use crate::plan::{Date, Node, Table, Value};
use crate::rules::{Cond, DateRef, Leaf, Path, Scalar, Scope, Test};
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    fn from(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
}

/// What a leaf looked at: where, and what it saw.
/// Borrowed from the plan (`'p`) and the rules (`'r`): rendered into words
/// only when a finding is reported, not for every test that passes.
#[derive(Clone, Debug, Default)]
pub(super) struct Evidence<'p, 'r> {
    pub span: Span,
    pub value: Option<&'p Value>,
    pub other: Option<Date>,
    pub missing: Vec<String>,
    pub says: Option<&'r Text>,
}

/// The plan, and the element a rule is iterating over, if any.
#[derive(Clone, Copy)]
pub(super) struct Ctx<'a> {
    pub root: &'a Table,
    pub elem: Option<(&'a Span, &'a Table)>,
}

pub(super) enum Lookup<'a> {
    Found(&'a Node),
    /// Absent; the span is the header of the nearest table that exists.
    Missing(Span),
    Invalid(Span),
    /// A placeholder still to be filled: unknown, like an invalid value.
    Unfilled(Span),
}

impl<'a> Ctx<'a> {
    pub(super) fn lookup(&self, path: &Path) -> Lookup<'a> {
        let (mut table, mut header) = match (path.scope, self.elem) {
            (Scope::Element, Some((span, t))) => (t, span.clone()),
            _ => (self.root, 0..0),
        };
        let Some((last, parents)) = path.segs.split_last() else {
            return Lookup::Missing(header);
        };
        for seg in parents {
            match table.get(seg) {
                None => return Lookup::Missing(header),
                Some(Node {
                    value: Value::Table(t),
                    span,
                }) => {
                    table = t;
                    header = span.clone();
                }
                Some(n) => return Lookup::Invalid(n.span.clone()),
            }
        }
        match table.get(last) {
            None => Lookup::Missing(header),
            Some(n) if matches!(n.value, Value::Invalid) => Lookup::Invalid(n.span.clone()),
            Some(n) if n.value.is_placeholder() => Lookup::Unfilled(n.span.clone()),
            Some(n) => Lookup::Found(n),
        }
    }

    /// Where a path points: its value, or the nearest table that exists.
    pub(super) fn locate(&self, path: &Path) -> Span {
        if path.scope == Scope::Element && path.segs.is_empty() {
            if let Some((span, _)) = self.elem {
                return span.clone();
            }
        }
        match self.lookup(path) {
            Lookup::Found(n) => n.span.clone(),
            Lookup::Missing(s) | Lookup::Invalid(s) | Lookup::Unfilled(s) => s,
        }
    }

    pub(super) fn eval<'r>(&self, cond: &'r Cond) -> (Tri, Vec<Evidence<'a, 'r>>) {
        match cond {
            Cond::Leaf(l) => {
                let (t, e) = self.leaf(l);
                (t, vec![e])
            }
            Cond::All(cs) => self.combine(cs, Tri::False),
            Cond::Any(cs) => self.combine(cs, Tri::True),
            Cond::Not(c) => {
                let (t, e) = self.eval(c);
                (not(t), e)
            }
            Cond::Implies(i, then) => match self.eval(i).0 {
                Tri::False => (Tri::True, Vec::new()),
                Tri::True => self.eval(then),
                Tri::Unknown => (Tri::Unknown, Vec::new()),
            },
        }
    }

    /// The answer alone, without evidence (nor its allocations): for `when`,
    /// `where`, notes and pack selection, which never report where.
    pub(super) fn test(&self, cond: &Cond) -> Tri {
        match cond {
            Cond::Leaf(l) => {
                let answer = self.leaf_answer(l);
                debug_assert_eq!(answer, self.leaf(l).0, "{l:?}");
                answer
            }
            Cond::All(cs) => kleene(cs.iter().map(|c| self.test(c)), Tri::False),
            Cond::Any(cs) => kleene(cs.iter().map(|c| self.test(c)), Tri::True),
            Cond::Not(c) => not(self.test(c)),
            Cond::Implies(i, then) => match self.test(i) {
                Tri::False => Tri::True,
                Tri::True => self.test(then),
                Tri::Unknown => Tri::Unknown,
            },
        }
    }

    /// `all` (decisive = False) or `any` (decisive = True), Kleene-style;
    /// the evidence kept is that of the children that decided the answer.
    fn combine<'r>(&self, cs: &'r [Cond], decisive: Tri) -> (Tri, Vec<Evidence<'a, 'r>>) {
        let results: Vec<_> = cs.iter().map(|c| self.eval(c)).collect();
        let tri = if results.iter().any(|(t, _)| *t == decisive) {
            decisive
        } else if results.iter().any(|(t, _)| *t == Tri::Unknown) {
            Tri::Unknown
        } else if decisive == Tri::False {
            Tri::True
        } else {
            Tri::False
        };
        let keep_all = tri != decisive;
        let evidence = results
            .into_iter()
            .filter(|(t, _)| keep_all || *t == decisive)
            .flat_map(|(_, e)| e)
            .collect();
        (tri, evidence)
    }

    /// One field: its own answer. Several (`fields`): true when any is;
    /// otherwise judged on the fields present, unknown when none is.
    fn leaf<'r>(&self, leaf: &'r Leaf) -> (Tri, Evidence<'a, 'r>) {
        if let [path] = &leaf.fields[..] {
            let (tri, mut ev) = self.field(path, &leaf.test);
            ev.says = leaf.says.as_ref();
            return (tri, ev);
        }
        let mut results = Vec::with_capacity(leaf.fields.len());
        for path in &leaf.fields {
            let (tri, mut ev) = self.field(path, &leaf.test);
            ev.says = leaf.says.as_ref();
            if tri == Tri::True {
                return (tri, ev);
            }
            let present = !matches!(self.lookup(path), Lookup::Missing(_));
            results.push((tri, ev, present));
        }
        if results.len() == 1 {
            let (tri, ev, _) = results.swap_remove(0);
            return (tri, ev);
        }
        let tri = match results
            .iter()
            .filter(|r| r.2)
            .map(|r| r.0)
            .collect::<Vec<_>>()
        {
            p if p.is_empty() || p.contains(&Tri::Unknown) => Tri::Unknown,
            _ => Tri::False,
        };
        let pick = results.iter().position(|r| r.2).unwrap_or(0);
        (tri, results.swap_remove(pick).1)
    }

    fn field<'r>(&self, path: &Path, test: &Test) -> (Tri, Evidence<'a, 'r>) {
        let found = self.lookup(path);
        let mut ev = Evidence {
            span: match &found {
                Lookup::Found(n) => n.span.clone(),
                Lookup::Missing(s) | Lookup::Invalid(s) | Lookup::Unfilled(s) => s.clone(),
            },
            ..Evidence::default()
        };
        let node = match found {
            Lookup::Invalid(_) | Lookup::Unfilled(_) => return (Tri::Unknown, ev),
            Lookup::Missing(_) => {
                let tri = missing_answer(path, test);
                if let (Test::Contains(items, _), Tri::False) = (test, tri) {
                    ev.missing.clone_from(items);
                }
                return (tri, ev);
            }
            Lookup::Found(n) => n,
        };
        ev.value = Some(&node.value);
        let tri = match test {
            Test::OnOrAfter(r) => self.compare_date(&node.value, r, &mut ev, |a, b| a >= b),
            Test::OnOrBefore(r) => self.compare_date(&node.value, r, &mut ev, |a, b| a <= b),
            Test::Contains(items, normalize) => {
                ev.missing = missing_items(&node.value, items, *normalize);
                Tri::from(ev.missing.is_empty())
            }
            _ => value_answer(&node.value, test),
        };
        (tri, ev)
    }

    /// [`Ctx::leaf`]'s answer alone, with no evidence built: `when`,
    /// `where` and selection ask it of every element for every rule.
    fn leaf_answer(&self, leaf: &Leaf) -> Tri {
        if let [path] = &leaf.fields[..] {
            return self.answer(self.lookup(path), path, &leaf.test);
        }
        // As `leaf`: true when one field is; else unknown when none is
        // present or one present is unknown; else false.
        let (mut present, mut unknown) = (false, false);
        for path in &leaf.fields {
            let found = self.lookup(path);
            let here = !matches!(found, Lookup::Missing(_));
            let tri = self.answer(found, path, &leaf.test);
            if tri == Tri::True {
                return tri;
            }
            present |= here;
            unknown |= here && tri == Tri::Unknown;
        }
        if !present || unknown {
            Tri::Unknown
        } else {
            Tri::False
        }
    }

    /// [`Ctx::field`]'s answer alone, on what the lookup of `path` found.
    fn answer(&self, found: Lookup<'a>, path: &Path, test: &Test) -> Tri {
        let node = match found {
            Lookup::Invalid(_) | Lookup::Unfilled(_) => return Tri::Unknown,
            Lookup::Missing(_) => return missing_answer(path, test),
            Lookup::Found(n) => n,
        };
        let mut ev = Evidence::default();
        match test {
            Test::OnOrAfter(r) => self.compare_date(&node.value, r, &mut ev, |a, b| a >= b),
            Test::OnOrBefore(r) => self.compare_date(&node.value, r, &mut ev, |a, b| a <= b),
            Test::Contains(items, normalize) => {
                Tri::from(contains_all(&node.value, items, *normalize))
            }
            _ => value_answer(&node.value, test),
        }
    }

    fn compare_date(
        &self,
        v: &Value,
        r: &DateRef,
        ev: &mut Evidence<'_, '_>,
        ok: fn(Date, Date) -> bool,
    ) -> Tri {
        let other = match r {
            DateRef::Fixed(d) => Some(*d),
            DateRef::Field(p) => match self.lookup(p) {
                Lookup::Found(Node {
                    value: Value::Date(d),
                    ..
                }) => Some(*d),
                _ => None,
            },
        };
        match (v, other) {
            (Value::Date(d), Some(o)) => {
                ev.other = Some(o);
                Tri::from(ok(*d, o))
            }
            _ => Tri::Unknown,
        }
    }
}

fn not(t: Tri) -> Tri {
    match t {
        Tri::True => Tri::False,
        Tri::False => Tri::True,
        Tri::Unknown => Tri::Unknown,
    }
}

/// Kleene `all` (decisive = False) or `any` (decisive = True), stopping at
/// the first decisive answer.
fn kleene(answers: impl Iterator<Item = Tri>, decisive: Tri) -> Tri {
    let mut unknown = false;
    for t in answers {
        if t == decisive {
            return decisive;
        }
        unknown |= t == Tri::Unknown;
    }
    if unknown {
        Tri::Unknown
    } else {
        not(decisive)
    }
}

/// A test's answer on a field that is missing.
fn missing_answer(path: &Path, test: &Test) -> Tri {
    match test {
        Test::Exists(b) | Test::NonEmpty(b) => Tri::from(!*b),
        // An optional list left out holds nothing; a required one left out
        // was PF004, and the rule stays silent.
        Test::Contains(..) if !path.required => Tri::False,
        _ => Tri::Unknown,
    }
}

/// A test's answer on a value, for the tests that need nothing but the
/// value (not dates, which may read another field, nor `contains`).
fn value_answer(v: &Value, test: &Test) -> Tri {
    match test {
        Test::Exists(b) => Tri::from(*b),
        Test::NonEmpty(b) => Tri::from(non_empty(v) == *b),
        Test::Equals(s) => Tri::from(equals(v, s)),
        Test::In(ss) => Tri::from(ss.iter().any(|s| equals(v, s))),
        Test::AtLeast(n) => number(v).map_or(Tri::Unknown, |v| Tri::from(v >= *n)),
        Test::AtMost(n) => number(v).map_or(Tri::Unknown, |v| Tri::from(v <= *n)),
        Test::Keywords(kws) => match v {
            Value::Str(s) => Tri::from(matches_keywords(s, kws)),
            _ => Tri::Unknown,
        },
        Test::OnOrAfter(_) | Test::OnOrBefore(_) | Test::Contains(..) => Tri::Unknown,
    }
}

/// Does the list `v` hold every item? As [`missing_items`] finding none,
/// without collecting them.
fn contains_all(v: &Value, items: &[String], normalize: bool) -> bool {
    if normalize {
        return missing_items(v, items, normalize).is_empty();
    }
    let Value::List(l) = v else {
        return items.is_empty();
    };
    items
        .iter()
        .all(|i| l.iter().filter_map(Node::as_str).any(|h| h == i))
}

/// Keyword match: case-insensitive substring, ignoring surrounding spaces.
pub fn matches_keywords(s: &str, kws: &[String]) -> bool {
    let s = s.trim().to_lowercase();
    kws.iter().any(|k| s.contains(k.as_str()))
}

/// Document numbers compare with spaces removed and bracket styles alike.
pub fn normalize_document_number(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '〔' | '[' | '【' | '（' => '(',
            '〕' | ']' | '】' | '）' => ')',
            c => c,
        })
        .collect()
}

fn missing_items(v: &Value, items: &[String], normalize: bool) -> Vec<String> {
    if !normalize {
        // Compared as written: nothing is allocated unless an item is missing.
        let has = |i: &str| match v {
            Value::List(l) => l.iter().filter_map(Node::as_str).any(|h| h == i),
            _ => false,
        };
        return items.iter().filter(|i| !has(i)).cloned().collect();
    }
    let norm = |s: &str| {
        if normalize {
            normalize_document_number(s)
        } else {
            s.to_string()
        }
    };
    let have: Vec<String> = match v {
        Value::List(l) => l.iter().filter_map(Node::as_str).map(norm).collect(),
        _ => Vec::new(),
    };
    items
        .iter()
        .filter(|i| !have.contains(&norm(i)))
        .cloned()
        .collect()
}

fn non_empty(v: &Value) -> bool {
    match v {
        Value::Str(s) => !s.trim().is_empty(),
        Value::List(l) => !l.is_empty(),
        Value::Table(t) => !t.entries.is_empty(),
        _ => true,
    }
}

fn equals(v: &Value, s: &Scalar) -> bool {
    match (v, s) {
        (Value::Str(a), Scalar::Str(b)) => a == b,
        (Value::Int(a), Scalar::Int(b)) => a == b,
        (Value::Bool(a), Scalar::Bool(b)) => a == b,
        _ => false,
    }
}

fn number(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::List(l) => Some(l.len() as i64),
        _ => None,
    }
}

/// A value as a message shows it.
pub(super) fn display(v: &Value) -> String {
    match v {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => d.to_string(),
        Value::List(l) => l
            .iter()
            .map(|n| display(&n.value))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Table(_) => "a table".to_string(),
        Value::Invalid => "an unreadable value".to_string(),
        Value::Placeholder(s) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers_ignore_spaces_and_bracket_style() {
        assert_eq!(
            normalize_document_number("粤办函 [2021] 63号"),
            normalize_document_number("粤办函〔2021〕63号")
        );
        assert_ne!(
            normalize_document_number("粤办函〔2021〕64号"),
            normalize_document_number("粤办函〔2021〕63号")
        );
    }

    #[test]
    fn keywords_ignore_case_and_spaces() {
        let kws = vec!["bao'an".to_string(), "宝安".to_string()];
        assert!(matches_keywords(
            "  Bao'an District People's Government ",
            &kws
        ));
        assert!(matches_keywords("宝安区人民政府", &kws));
        assert!(!matches_keywords("Futian", &kws));
    }
}
