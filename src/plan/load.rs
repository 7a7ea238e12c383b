//! Plan loading: TOML text → validated, spanned [`Table`] plus every format
//! diagnostic (PF001–PF006) the file earns, all of them in one pass.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::schema::{self, Field, Ty};
use super::tree::{Date, Entry, Node, Table, Value};
use crate::finding::{Code, Finding, Location};
use crate::source::{SourceId, Span};

/// Parses and validates one plan. `None` when the TOML itself does not parse.
pub fn load(source: SourceId, text: &str) -> (Option<Table>, Vec<Finding>) {
    let (doc, errors) = DeTable::parse_recoverable(text);
    let mut loader = Loader {
        source,
        diags: Vec::new(),
    };
    if !errors.is_empty() {
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            let msg = format!("this is not valid TOML: {}", e.message().trim_end());
            loader.diags.push(
                Code::PF001
                    .at(loader.loc(span), msg)
                    .with_help("fix the TOML syntax here; the plan is checked once it parses"),
            );
        }
        return (None, loader.diags);
    }
    let root = loader.table(doc.get_ref(), schema::ROOT, 0..0, &Ctx::root());
    loader.check_format(&root);
    (Some(root), loader.diags)
}

/// Where a table stands, for messages: `[plan]`, `[unit.cdo] of unit `futian``.
struct Ctx {
    path: String,
    unit: Option<String>,
}

impl Ctx {
    fn root() -> Self {
        Ctx {
            path: String::new(),
            unit: None,
        }
    }

    fn child(&self, key: &str) -> Ctx {
        let path = if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        };
        Ctx {
            path,
            unit: self.unit.clone(),
        }
    }

    fn name(&self) -> String {
        match (&self.path[..], &self.unit) {
            ("", _) => "the top level".to_string(),
            ("unit", Some(u)) => format!("unit `{u}`"),
            (p, Some(u)) => format!("[{p}] of unit `{u}`"),
            (p, None) => format!("[{p}]"),
        }
    }
}

struct Loader {
    source: SourceId,
    diags: Vec<Finding>,
}

type DeNode<'a> = Spanned<DeValue<'a>>;

impl Loader {
    fn loc(&self, span: Span) -> Location {
        Location {
            source: self.source,
            span,
        }
    }

    fn push(&mut self, code: Code, span: Span, msg: String, help: String) {
        let f = code.at(self.loc(span), msg).with_help(help);
        self.diags.push(f);
    }

    fn table(&mut self, de: &DeTable, fields: &[Field], header: Span, ctx: &Ctx) -> Table {
        let mut out = Table::default();
        for (key, value) in de.iter() {
            let k: &str = key.get_ref();
            let Some(field) = fields.iter().find(|f| f.key == k) else {
                self.unknown_key(k, key.span(), fields, ctx);
                continue;
            };
            let node = self.value(value, &field.ty, &ctx.child(k));
            out.entries.push(Entry {
                key: k.to_string(),
                key_span: key.span(),
                node,
            });
        }
        for f in fields.iter().filter(|f| f.required) {
            // `unit = []` declares no unit, which is as good as none.
            let absent = match out.get(f.key).map(|n| &n.value) {
                None => true,
                Some(Value::List(l)) => l.is_empty() && matches!(f.ty, Ty::Tables(_)),
                Some(_) => false,
            };
            if absent {
                let msg = format!("{} is missing the required key `{}`", ctx.name(), f.key);
                let help = format!("add `{} = {}`", f.key, example_of(&f.ty));
                self.push(Code::PF004, header.clone(), msg, help);
            }
        }
        out
    }

    fn unknown_key(&mut self, key: &str, span: Span, fields: &[Field], ctx: &Ctx) {
        let msg = format!("unknown key `{key}` in {}", ctx.name());
        let close = fields
            .iter()
            .map(|f| (strsim::damerau_levenshtein(key, f.key), f.key))
            .filter(|(d, k)| *d <= 2.max(k.len() / 4))
            .min();
        let help = match close {
            Some((_, k)) => format!("did you mean `{k}`?"),
            None => {
                let keys: Vec<_> = fields.iter().map(|f| format!("`{}`", f.key)).collect();
                format!("{} takes these keys: {}", ctx.name(), keys.join(", "))
            }
        };
        self.push(Code::PF002, span, msg, help);
    }

    fn value(&mut self, de: &DeNode, ty: &Ty, ctx: &Ctx) -> Node {
        let span = de.span();
        let value = match (ty, de.get_ref()) {
            (Ty::Str, DeValue::String(s)) => Value::Str(s.to_string()),
            (Ty::Enum(allowed), DeValue::String(s)) => self.enumerated(s, allowed, &span, ctx),
            (Ty::Id, DeValue::String(s)) => self.id(s, &span),
            (Ty::Int, DeValue::Integer(i)) => self.integer(i.as_str(), i.radix(), &span),
            (Ty::Bool, DeValue::Boolean(b)) => Value::Bool(*b),
            (Ty::Date, DeValue::Datetime(dt)) => self.date(dt, &span),
            (Ty::List(inner), DeValue::Array(items)) => {
                Value::List(items.iter().map(|v| self.value(v, inner, ctx)).collect())
            }
            (Ty::Table(fields), DeValue::Table(t)) => {
                Value::Table(self.table(t, fields, span.clone(), ctx))
            }
            (Ty::Tables(fields), DeValue::Array(items)) => self.tables(items.iter(), fields, ctx),
            (_, found) => {
                self.wrong_type(ty, found, span.clone(), ctx);
                Value::Invalid
            }
        };
        Node { span, value }
    }

    fn tables<'a>(
        &mut self,
        items: impl Iterator<Item = &'a DeNode<'a>>,
        fields: &[Field],
        ctx: &Ctx,
    ) -> Value {
        let mut out = Vec::new();
        for item in items {
            let span = item.span();
            let value = match item.get_ref() {
                DeValue::Table(t) => {
                    let mut ctx = Ctx {
                        path: ctx.path.clone(),
                        unit: ctx.unit.clone(),
                    };
                    if ctx.path == "unit" {
                        ctx.unit = t
                            .get("id")
                            .and_then(|v| v.get_ref().as_str())
                            .map(str::to_string);
                    }
                    Value::Table(self.table(t, fields, span.clone(), &ctx))
                }
                found => {
                    let msg = format!(
                        "each entry of [[{}]] must be a table, found {}",
                        ctx.path,
                        describe(found)
                    );
                    self.push(
                        Code::PF003,
                        span.clone(),
                        msg,
                        format!("write each entry as a `[[{}]]` table", ctx.path),
                    );
                    Value::Invalid
                }
            };
            out.push(Node { span, value });
        }
        Value::List(out)
    }

    fn wrong_type(&mut self, ty: &Ty, found: &DeValue, span: Span, ctx: &Ctx) {
        let msg = format!(
            "`{}` expects {}, found {}",
            ctx.path,
            ty.describe(),
            describe(found)
        );
        let help = match (ty, found) {
            (Ty::Date, DeValue::String(_)) => {
                "write the date bare, without quotes: `2021-08-09`".to_string()
            }
            (Ty::Bool, DeValue::String(_)) => "write `true` or `false`, without quotes".to_string(),
            (Ty::Tables(_), DeValue::Table(_)) => {
                format!("write each entry as a `[[{}]]` table", ctx.path)
            }
            _ => format!(
                "write `{}` as {}, e.g. `{}`",
                ctx.path,
                ty.describe(),
                example_of(ty)
            ),
        };
        self.push(Code::PF003, span, msg, help);
    }

    fn enumerated(&mut self, s: &str, allowed: &[&str], span: &Span, ctx: &Ctx) -> Value {
        if allowed.contains(&s) {
            return Value::Str(s.to_string());
        }
        let list: Vec<_> = allowed.iter().map(|a| format!("`{a}`")).collect();
        let msg = format!("`{s}` is not a valid value for `{}`", ctx.path);
        let help = format!("use one of: {}", list.join(", "));
        self.push(Code::PF005, span.clone(), msg, help);
        Value::Invalid
    }

    fn id(&mut self, s: &str, span: &Span) -> Value {
        let why = if s.is_empty() {
            Some("it is empty".to_string())
        } else {
            s.chars()
                .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
                .map(|c| format!("it contains {}", describe_char(c)))
        };
        match why {
            None => Value::Str(s.to_string()),
            Some(why) => {
                let msg = format!("`{s}` is not a valid unit id: {why}");
                let fixed: String = s
                    .to_lowercase()
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .collect();
                let help = format!(
                    "ids use lowercase letters, digits and `-` only, e.g. `{}`",
                    fixed.trim_matches('-')
                );
                self.push(Code::PF005, span.clone(), msg, help);
                Value::Invalid
            }
        }
    }

    fn integer(&mut self, digits: &str, radix: u32, span: &Span) -> Value {
        let clean: String = digits.chars().filter(|c| *c != '_').collect();
        match i64::from_str_radix(&clean, radix) {
            Ok(i) if i >= 0 => Value::Int(i),
            Ok(_) => {
                self.push(
                    Code::PF005,
                    span.clone(),
                    "this number must not be negative".into(),
                    "write 0 or more".into(),
                );
                Value::Invalid
            }
            Err(_) => {
                self.push(
                    Code::PF005,
                    span.clone(),
                    "this number is too large".into(),
                    "write a smaller whole number".into(),
                );
                Value::Invalid
            }
        }
    }

    fn date(&mut self, dt: &toml::value::Datetime, span: &Span) -> Value {
        match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => Value::Date(Date {
                year: d.year,
                month: d.month,
                day: d.day,
            }),
            _ => {
                let msg =
                    format!("`{dt}` is not a plain date: plans date things by day, without a time");
                let help = "write the date alone, e.g. `2021-08-09`".to_string();
                self.push(Code::PF005, span.clone(), msg, help);
                Value::Invalid
            }
        }
    }

    fn check_format(&mut self, root: &Table) {
        let Some(node) = root.get("format") else {
            return;
        };
        if let Value::Int(v) = node.value {
            if !schema::FORMAT_VERSIONS.contains(&v) {
                let msg = format!("plan format version {v} is not supported");
                self.push(
                    Code::PF006,
                    node.span.clone(),
                    msg,
                    "cdocheck reads plan format version 1: write `format = 1`".into(),
                );
            }
        }
    }
}

fn describe(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn describe_char(c: char) -> String {
    match c {
        c if c.is_ascii_uppercase() => format!("the uppercase letter `{c}`"),
        ' ' => "a space".to_string(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// A value to suggest in help: `add `rank = "deputy"``.
fn example_of(ty: &Ty) -> String {
    match ty {
        Ty::Str => "\"…\"".into(),
        Ty::Id => "\"unit-id\"".into(),
        Ty::Int => "1".into(),
        Ty::Bool => "true".into(),
        Ty::Date => "2021-08-09".into(),
        Ty::Enum(vals) => format!("\"{}\"", vals[0]),
        Ty::List(inner) => format!("[{}]", example_of(inner)),
        Ty::Table(_) | Ty::Tables(_) => "{ … }".into(),
    }
}
