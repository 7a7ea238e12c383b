//! Compiled conditions and field paths, validated against the plan schema.

use toml::Spanned;

use super::raw;
use super::Problems;
use crate::lang::Text;
use crate::plan::{schema, Date};

/// Where a path starts: the plan's top level, or the element a rule iterates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Root,
    Element,
}

/// A dotted field path, `plan.published` or (given `unit`) `unit.cdo.rank`.
#[derive(Clone, Debug)]
pub struct Path {
    pub text: String,
    pub scope: Scope,
    /// Segments below the scope: for `unit.cdo.rank` given `unit`, `cdo.rank`;
    /// the schema's own strings.
    pub segs: Vec<&'static str>,
    /// The format requires the key, so its absence was already a PF004.
    pub required: bool,
}

#[derive(Clone, Debug)]
pub enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    Implies(Box<Cond>, Box<Cond>),
    Leaf(Leaf),
}

impl Cond {
    /// Its tests on fields, however deep.
    pub fn leaves(&self) -> Vec<&Leaf> {
        match self {
            Cond::Leaf(l) => vec![l],
            Cond::All(cs) | Cond::Any(cs) => cs.iter().flat_map(Cond::leaves).collect(),
            Cond::Not(c) => c.leaves(),
            Cond::Implies(a, b) => a.leaves().into_iter().chain(b.leaves()).collect(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Leaf {
    /// Any one of these fields satisfying the test satisfies the leaf.
    pub fields: Vec<Path>,
    pub test: Test,
    /// How a failure of this leaf is described: "is below deputy rank".
    pub says: Option<Text>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Str(String),
    Int(i64),
    Bool(bool),
}

#[derive(Clone, Debug)]
pub enum DateRef {
    Fixed(Date),
    Field(Path),
}

#[derive(Clone, Debug)]
pub enum Test {
    Exists(bool),
    NonEmpty(bool),
    Equals(Scalar),
    In(Vec<Scalar>),
    AtLeast(i64),
    AtMost(i64),
    OnOrAfter(DateRef),
    OnOrBefore(DateRef),
    /// The list holds every item; document numbers compare normalised.
    Contains(Vec<String>, bool),
    /// The string holds one of these lowercase keywords.
    Keywords(Vec<String>),
}

/// Compiles conditions of one rule: knows the iterated element and the
/// pack's keyword sets.
pub struct Compiler<'a> {
    pub given: Option<&'a str>,
    pub keywords: &'a std::collections::BTreeMap<String, Vec<String>>,
}

impl Compiler<'_> {
    pub fn cond(&self, raw: &Spanned<raw::Cond>, out: &mut Problems) -> Option<Cond> {
        let c = raw.get_ref();
        let span = raw.span();
        let combinators = [
            c.all.is_some(),
            c.any.is_some(),
            c.not.is_some(),
            c.if_.is_some(),
        ];
        let n_comb = combinators.iter().filter(|b| **b).count();
        let has_field = c.field.is_some() || c.fields.is_some();
        if n_comb + usize::from(has_field) != 1 || c.then.is_some() != c.if_.is_some() {
            out.push(span, "a condition needs exactly one of `all`, `any`, `not`, `if`/`then`, or `field`/`fields` with a test");
            return None;
        }
        if let Some(list) = c.all.as_ref().or(c.any.as_ref()) {
            let items: Vec<_> = list.iter().filter_map(|x| self.cond(x, out)).collect();
            if items.len() != list.len() {
                return None;
            }
            return Some(if c.all.is_some() {
                Cond::All(items)
            } else {
                Cond::Any(items)
            });
        }
        if let Some(inner) = &c.not {
            return Some(Cond::Not(Box::new(self.cond(inner, out)?)));
        }
        if let (Some(i), Some(t)) = (&c.if_, &c.then) {
            let (i, t) = (self.cond(i, out), self.cond(t, out));
            return Some(Cond::Implies(Box::new(i?), Box::new(t?)));
        }
        self.leaf(c, span, out).map(Cond::Leaf)
    }

    fn leaf(
        &self,
        c: &raw::Cond,
        span: std::ops::Range<usize>,
        out: &mut Problems,
    ) -> Option<Leaf> {
        let raw_fields: Vec<&Spanned<String>> = match (&c.field, &c.fields) {
            (Some(f), None) => vec![f],
            (None, Some(fs)) if !fs.is_empty() => fs.iter().collect(),
            _ => {
                out.push(span, "use `field` or a non-empty `fields`, not both");
                return None;
            }
        };
        let fields: Vec<Path> = raw_fields
            .iter()
            .filter_map(|f| self.path(f, out))
            .collect();
        let test = self.test(c, &span, out)?;
        (fields.len() == raw_fields.len()).then(|| Leaf {
            fields,
            test,
            says: c
                .says
                .as_ref()
                .map(|en| Text::new(en.clone(), c.says_zh.clone())),
        })
    }

    fn test(
        &self,
        c: &raw::Cond,
        span: &std::ops::Range<usize>,
        out: &mut Problems,
    ) -> Option<Test> {
        let mut tests = Vec::new();
        if let Some(b) = c.exists {
            tests.push(Test::Exists(b));
        }
        if let Some(b) = c.non_empty {
            tests.push(Test::NonEmpty(b));
        }
        if let Some(v) = &c.equals {
            tests.push(Test::Equals(scalar(v, out)?));
        }
        if let Some(vs) = &c.in_ {
            let vals: Vec<_> = vs.iter().filter_map(|v| scalar(v, out)).collect();
            if vals.len() != vs.len() {
                return None;
            }
            tests.push(Test::In(vals));
        }
        if let Some(n) = c.at_least {
            tests.push(Test::AtLeast(n));
        }
        if let Some(n) = c.at_most {
            tests.push(Test::AtMost(n));
        }
        if let Some(v) = &c.on_or_after {
            tests.push(Test::OnOrAfter(self.date_ref(v, out)?));
        }
        if let Some(v) = &c.on_or_before {
            tests.push(Test::OnOrBefore(self.date_ref(v, out)?));
        }
        if let Some(items) = &c.contains {
            let normalize = match c.normalize.as_ref().map(|n| n.get_ref().as_str()) {
                None => false,
                Some("document-number") => true,
                Some(_) => {
                    let n = c.normalize.as_ref()?;
                    out.push(
                        n.span(),
                        "unknown `normalize`; the one there is: \"document-number\"",
                    );
                    return None;
                }
            };
            tests.push(Test::Contains(items.clone(), normalize));
        }
        if let Some(kws) = &c.keywords {
            let words = self.keywords(kws, out)?;
            if words.is_empty() {
                out.push(span.clone(), "an empty `keywords` list matches no name");
                return None;
            }
            tests.push(Test::Keywords(words));
        }
        if tests.len() != 1 {
            out.push(
                span.clone(),
                "a field condition needs exactly one test: `exists`, `non_empty`, `equals`, `in`, `at_least`, `at_most`, `on_or_after`, `on_or_before`, `contains` or `keywords`",
            );
            return None;
        }
        tests.pop()
    }

    fn date_ref(&self, v: &Spanned<toml::Value>, out: &mut Problems) -> Option<DateRef> {
        match v.get_ref() {
            toml::Value::Datetime(dt) => match Date::parse(&dt.to_string()) {
                Some(d) => Some(DateRef::Fixed(d)),
                None => {
                    out.push(v.span(), "expected a plain date such as 2021-04-23");
                    None
                }
            },
            toml::Value::String(s) => {
                let path = self.path(&Spanned::new(v.span(), s.clone()), out)?;
                Some(DateRef::Field(path))
            }
            _ => {
                out.push(
                    v.span(),
                    "expected a date (2021-04-23) or a field path (\"plan.published\")",
                );
                None
            }
        }
    }

    /// Expands `@set` references; keywords match lowercase.
    pub fn keywords(&self, kws: &[Spanned<String>], out: &mut Problems) -> Option<Vec<String>> {
        let mut all = Vec::new();
        for kw in kws {
            match kw.get_ref().strip_prefix('@') {
                Some(set) => match self.keywords.get(set) {
                    Some(words) => all.extend(words.iter().cloned()),
                    None => {
                        let known: Vec<_> = self.keywords.keys().map(|k| format!("@{k}")).collect();
                        out.push(
                            kw.span(),
                            format!(
                                "no keyword set `{set}` in this pack; it has: {}",
                                known.join(", ")
                            ),
                        );
                        return None;
                    }
                },
                None => {
                    let word = kw.get_ref().trim().to_lowercase();
                    if word.is_empty() {
                        out.push(kw.span(), "a blank keyword matches every name");
                        return None;
                    }
                    all.push(word);
                }
            }
        }
        Some(all)
    }

    pub fn path(&self, raw: &Spanned<String>, out: &mut Problems) -> Option<Path> {
        let text = raw.get_ref().clone();
        let segs: Vec<&str> = text.split('.').collect();
        let Some(field) = schema::lookup(&segs) else {
            let mut msg = format!("`{text}` is not a field of plan format v1");
            if let Some(p) = closest_path(&segs) {
                msg.push_str(&format!("; did you mean `{p}`?"));
            }
            out.push(raw.span(), msg);
            return None;
        };
        let element_scope = self.given == Some(segs[0]);
        let iterated = matches!(
            schema::lookup(&segs[..1]).map(|f| &f.ty),
            Some(schema::Ty::Tables(_))
        );
        if iterated && !element_scope {
            let msg = format!(
                "`{text}` is a field of each `{}`: set `given = \"{}\"` on the rule",
                segs[0], segs[0]
            );
            out.push(raw.span(), msg);
            return None;
        }
        let (scope, rest) = if element_scope {
            (Scope::Element, &segs[1..])
        } else {
            (Scope::Root, &segs[..])
        };
        // The schema's spelling of each key: a plan's tables hold the same.
        let keys = schema::keys(&segs).unwrap_or_default();
        let from = segs.len() - rest.len();
        Some(Path {
            scope,
            segs: keys.get(from..).unwrap_or_default().to_vec(),
            required: field.required,
            text,
        })
    }
}

/// The field path nearest `segs`, each unknown segment replaced by the
/// closest key of its table (`unit.cdo.apointee` → `unit.cdo.appointee`).
fn closest_path(segs: &[&str]) -> Option<String> {
    let mut fields = schema::ROOT;
    let mut out: Vec<&str> = Vec::with_capacity(segs.len());
    for seg in segs {
        let keys: Vec<&str> = fields.iter().map(|f| f.key).collect();
        let key = match keys.iter().find(|k| *k == seg) {
            Some(k) => *k,
            None => super::expr::suggest(seg, &keys)?,
        };
        out.push(key);
        fields = match schema::lookup(&out).map(|f| &f.ty) {
            Some(schema::Ty::Table(f) | schema::Ty::Tables(f)) => f,
            _ => &[],
        };
    }
    Some(out.join("."))
}

fn scalar(v: &Spanned<toml::Value>, out: &mut Problems) -> Option<Scalar> {
    match v.get_ref() {
        toml::Value::String(s) => Some(Scalar::Str(s.clone())),
        toml::Value::Integer(i) => Some(Scalar::Int(*i)),
        toml::Value::Boolean(b) => Some(Scalar::Bool(*b)),
        _ => {
            out.push(v.span(), "expected a string, an integer or a boolean");
            None
        }
    }
}
