//! Plan loading: TOML text → validated, spanned [`Table`] plus every format
//! diagnostic (PF001–PF006) the file earns, all of them in one pass, in the
//! language asked for.

use toml::de::{DeTable, DeValue};

use super::raw::{Doc, NodeId, Value as RawValue};

use super::schema::{self, Field, Ty};
use super::tree::{element_identity, placeholder, Date, Entry, Node, Table, Value};
use crate::finding::{Code, Edit, Fix, Location};
use crate::findings::{Extra, Findings, CAP};
use crate::message::{Arg, Message};
use crate::source::{SourceId, Span};

/// A string value that holds a `<…>` placeholder, wherever it stands
/// (under unknown keys too): what CORE008 reports.
#[derive(Clone, Debug)]
pub struct Spot {
    pub span: Span,
    /// The id of the `[[unit]]` whose table holds the string, as written.
    pub unit: Option<String>,
    /// The first placeholder in the string.
    pub text: String,
}

/// What loading a plan gives: the tree (`None` when the TOML does not
/// parse), its format diagnostics, and its placeholders.
pub struct Loaded {
    pub root: Option<Table>,
    pub diagnostics: Findings,
    pub placeholders: Vec<Spot>,
}

/// Parses and validates one plan.
pub fn load(source: SourceId, text: &str) -> Loaded {
    let mut loader = Loader {
        source,
        text,
        diags: Findings::new(),
        spots: Vec::new(),
        angles: memchr::memchr2(b'<', b'\\', text.as_bytes()).is_some(),
    };
    // A valid plan is parsed once. An invalid one is parsed again for all
    // its errors, first by the low-level parser alone, which only counts
    // beyond the cap: 2,000,000 syntax errors collected whole by
    // `parse_recoverable` take ~130 bytes each.
    let doc = match Doc::parse(text) {
        Ok(doc) => doc,
        Err(()) => {
            loader.not_toml(text);
            return Loaded {
                root: None,
                diagnostics: loader.diags,
                placeholders: Vec::new(),
            };
        }
    };
    let root = loader.table(&doc, Doc::ROOT, schema::ROOT, 0..0, &Ctx::root());
    loader.check_format(&root);
    loader.spots.sort_by_key(|s| s.span.start);
    Loaded {
        root: Some(root),
        diagnostics: loader.diags,
        placeholders: loader.spots,
    }
}

/// The errors of the low-level (syntax) pass: the first [`CAP`] whole
/// (span and message, worded as the toml crate words them), then a count.
#[derive(Default)]
struct SyntaxErrors {
    kept: Vec<(Span, String)>,
    more: usize,
}

impl toml_parser::ErrorSink for SyntaxErrors {
    fn report_error(&mut self, e: toml_parser::ParseError) {
        if self.kept.len() > CAP {
            self.more += 1;
            return;
        }
        let span = e.unexpected().map_or(0..0, |s| s.start()..s.end());
        self.kept.push((span, describe(&e)));
    }
}

/// A parse error's message, as `toml::de::Error::message` words it.
fn describe(e: &toml_parser::ParseError) -> String {
    let mut m = e.description().to_string();
    if let Some(expected) = e.expected() {
        m.push_str(", expected ");
        if expected.is_empty() {
            m.push_str("nothing");
        }
        for (i, x) in expected.iter().enumerate() {
            if i > 0 {
                m.push_str(", ");
            }
            match x {
                toml_parser::Expected::Literal("\n") => m.push_str("newline"),
                toml_parser::Expected::Literal("`") => m.push_str("'`'"),
                toml_parser::Expected::Literal(s) if s.chars().all(|c| c.is_ascii_control()) => {
                    m.push_str(&format!("`{}`", s.escape_debug()));
                }
                toml_parser::Expected::Literal(s) => m.push_str(&format!("`{s}`")),
                toml_parser::Expected::Description(d) => m.push_str(d),
                _ => m.push_str("etc"),
            }
        }
    }
    m
}

impl Loader<'_> {
    /// PF001 for each TOML error of a text that does not parse.
    fn not_toml(&mut self, text: &str) {
        let source = toml_parser::Source::new(text);
        let tokens = source.lex().into_vec();
        let mut syntax = SyntaxErrors::default();
        let mut events = ();
        let mut ws = toml_parser::parser::ValidateWhitespace::new(&mut events, source);
        // The toml crate's nesting limit, so both passes agree.
        let mut guard = toml_parser::parser::RecursionGuard::new(&mut ws, 80);
        toml_parser::parser::parse_document(&tokens, &mut guard, &mut syntax);
        drop(tokens);
        let errors: Vec<(Span, String)> = if syntax.kept.len() > CAP {
            // Too many to collect whole: the syntax errors alone stand
            // (key-level errors such as duplicate keys are not looked for).
            std::mem::take(&mut syntax.kept)
        } else {
            let (_, mut errors) = DeTable::parse_recoverable(text);
            self.too_deep(text, &mut errors);
            syntax.more = 0;
            errors
                .into_iter()
                .map(|e| (e.span().unwrap_or(0..0), e.message().trim_end().to_string()))
                .collect()
        };
        for (span, detail) in errors {
            self.toml_error(span, detail.trim_end());
        }
        if syntax.more > 0 {
            let e = Extra {
                n: syntax.more,
                ..Extra::of(&Code::PF001.at(self.loc(0..0), Message::plain("")))
            };
            let at = self.loc(text.len()..text.len());
            self.diags.push_extra(e, &at);
        }
    }

    fn toml_error(&mut self, span: Span, detail: &str) {
        let msg = Message::new("pf001.not-toml").arg("detail", detail);
        let help = Message::new("pf001.not-toml.help");
        self.diags
            .push(Code::PF001.at(self.loc(span), msg).with_help(help));
    }
}

/// Where a value stands: a chain of keys back to the top, and the unit it
/// belongs to. Borrowed, not built: the path is only spelled out when a
/// diagnostic needs it, which keeps loading a clean plan cheap.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    parent: Option<&'a Ctx<'a>>,
    key: &'a str,
    unit: Option<&'a str>,
    /// For an element of a list of tables (its node and position): its
    /// identity, or its position, names it in key paths so that two
    /// elements' diagnostics have different keys. Spelt out only for a
    /// diagnostic: most elements have none.
    elem: Option<(&'a Doc<'a>, NodeId, usize)>,
}

impl<'a> Ctx<'a> {
    fn root() -> Ctx<'static> {
        Ctx {
            parent: None,
            key: "",
            unit: None,
            elem: None,
        }
    }

    fn child(&'a self, key: &'a str) -> Ctx<'a> {
        Ctx {
            parent: Some(self),
            key,
            unit: self.unit,
            elem: None,
        }
    }

    /// The dotted path, for messages: `unit.cdo.rank`.
    fn path(&self) -> String {
        match self.parent.map(Ctx::path) {
            None => String::new(),
            Some(p) if p.is_empty() => self.key.to_string(),
            Some(p) => format!("{p}.{}", self.key),
        }
    }

    /// The key path that fingerprints a diagnostic, as `KeyIndex` spells
    /// it: `unit[futian].cdo.rank`, `waiver[GD005,jm-edu].expires`.
    fn key(&self) -> String {
        let mut p = match self.parent.map(Ctx::key) {
            None => return String::new(),
            Some(p) if p.is_empty() => self.key.to_string(),
            Some(p) => format!("{p}.{}", self.key),
        };
        if let Some((doc, item, i)) = self.elem {
            let raw = |k: &str| doc.get(item, k).and_then(|v| de_scalar(&v.value));
            let id = element_identity(self.key, raw).unwrap_or_else(|| i.to_string());
            p.push('[');
            p.push_str(&id);
            p.push(']');
        }
        p
    }

    /// How messages name the table: `[plan]`, `[unit.cdo] of unit `futian``.
    fn name(&self) -> Message {
        match (&self.path()[..], self.unit) {
            ("", _) => Message::new("table.top"),
            ("unit", Some(u)) => Message::new("table.unit").arg("unit", u),
            (p, Some(u)) => Message::new("table.of-unit").arg("table", p).arg("unit", u),
            (p, None) => Message::new("table.plain").arg("table", p),
        }
    }
}

struct Loader<'t> {
    source: SourceId,
    /// The plan's text: where a fix inserts a line, how a key is written.
    text: &'t str,
    diags: Findings,
    spots: Vec<Spot>,
    /// Whether a string may hold a `<`: only where the text has one, or a
    /// backslash (an escape may spell it). Most plans have neither, and
    /// their strings are then not searched one by one.
    angles: bool,
}

impl Loader<'_> {
    fn loc(&self, span: Span) -> Location {
        Location {
            source: self.source,
            span,
        }
    }

    /// A diagnostic about `key` (a path) in the table `ctx`.
    fn push(&mut self, code: Code, span: Span, ctx: &Ctx, key: &str, msg: Message, help: Message) {
        self.push_fix(code, span, ctx, key, (msg, help), None);
    }

    /// [`Loader::push`], with the repair the finding knows, if any.
    fn push_fix(
        &mut self,
        code: Code,
        span: Span,
        ctx: &Ctx,
        key: &str,
        (msg, help): (Message, Message),
        fix: Option<Fix>,
    ) {
        let mut f = code.at(self.loc(span), msg).with_help(help);
        f.unit = ctx.unit.map(str::to_string);
        f.key = Some(key.to_string());
        f.fix = fix;
        self.diags.push(f);
    }

    /// Beyond the cap of `code`: the fingerprint alone, no words.
    fn push_extra(&mut self, code: Code, span: Span, ctx: &Ctx, key: &str) -> bool {
        if self.diags.wants(&code.into()) {
            return false;
        }
        let mut e = Extra::of(&code.at(self.loc(0..0), Message::plain("")));
        e.unit = ctx.unit.map(Box::from);
        e.key = Some(key.into());
        self.diags.push_extra(e, &self.loc(span));
        true
    }

    fn table(
        &mut self,
        doc: &Doc,
        id: NodeId,
        fields: &'static [Field],
        header: Span,
        ctx: &Ctx,
    ) -> Table {
        let entries = doc.entries(id);
        let mut out = Table {
            entries: Vec::with_capacity(entries.len()),
        };
        // Required keys a misspelt key's "did you mean" names: that PF002
        // says what the PF004 would.
        let mut suggested: Vec<&str> = Vec::new();
        for (key, key_span, value) in entries {
            let k: &str = key;
            let Some(field) = fields.iter().find(|f| f.key == k) else {
                let unknown = Unknown {
                    key: k,
                    span: key_span.clone(),
                    // A table's key may be written in several headers, and
                    // a rename of one would split it: offered, not applied.
                    table: is_table(doc, *value),
                    present: &|k: &str| entries.iter().any(|e| e.0 == k),
                };
                suggested.extend(self.unknown_key(&unknown, fields, ctx));
                self.find_spots(doc, *value, ctx);
                continue;
            };
            let node = self.value(doc, *value, &field.ty, &ctx.child(k));
            out.entries.push(Entry {
                key: field.key,
                key_span: key_span.clone(),
                node,
            });
        }
        for f in fields
            .iter()
            .filter(|f| f.required && !suggested.contains(&f.key))
        {
            // `unit = []` declares no unit, which is as good as none.
            let absent = match out.get(f.key).map(|n| &n.value) {
                None => true,
                Some(Value::List(l)) => l.is_empty() && matches!(f.ty, Ty::Tables(_)),
                Some(_) => false,
            };
            if absent {
                let key = f.key;
                let msg = Message::new("pf004.missing")
                    .arg("table", ctx.name())
                    .arg("key", key);
                let path = ctx.child(key).path();
                let help = match f.ty {
                    // A table is added as a header, never as `key = { … }`.
                    Ty::Tables(_) => Message::new("pf004.missing-tables.help").arg("path", path),
                    Ty::Table(_) => Message::new("pf004.missing-table.help").arg("path", path),
                    _ => Message::new("pf004.missing.help")
                        .arg("key", key)
                        .arg("example", example_of(&f.ty)),
                };
                let fix = self.insert_key(doc, id, &header, f);
                self.push_fix(
                    Code::PF004,
                    header.clone(),
                    ctx,
                    &ctx.child(key).key(),
                    (msg, help),
                    fix,
                );
            }
        }
        out
    }

    /// PF004's fix: `key = "<…>"` on a line of its own after the table's
    /// last key/value line (after its header when it has none). Unsafe: the
    /// planner supplies the value. None for a table, or an inline table
    /// (a line cannot go inside `{ … }`).
    fn insert_key(&self, doc: &Doc, id: NodeId, header: &Span, f: &Field) -> Option<Fix> {
        // The format version has one value: no placeholder needed.
        let placeholder = match f.key {
            "format" if self.text.get(header.clone()) == Some("") => "1".to_string(),
            _ => placeholder_of(f.key, &f.ty)?,
        };
        let text = self.text;
        if text.get(header.start..)?.starts_with('{') {
            return None;
        }
        let last = doc
            .entries(id)
            .iter()
            .filter(|e| !is_table(doc, e.2))
            .map(|e| doc.node(e.2).span.end)
            .max();
        let (at, line) = match last.or((header.end > 0).then_some(header.start)) {
            Some(from) => match text.get(from..)?.find('\n') {
                Some(nl) => (from + nl + 1, format!("{} = {placeholder}\n", f.key)),
                None => (text.len(), format!("\n{} = {placeholder}\n", f.key)),
            },
            // The top table without a key: the file's first line.
            None => (0, format!("{} = {placeholder}\n", f.key)),
        };
        Some(Fix {
            title: Message::new("fix.add-key").arg("key", f.key),
            edits: vec![Edit {
                span: at..at,
                text: line,
            }],
            safe: false,
        })
    }

    /// PF002; returns the key it suggests, if any. A key with one close
    /// match not already in the table gets a fix renaming it: safe for a
    /// key of a value, offered only in the editor for a table's name.
    fn unknown_key(
        &mut self,
        u: &Unknown,
        fields: &'static [Field],
        ctx: &Ctx,
    ) -> Option<&'static str> {
        let (key, span) = (u.key, u.span.clone());
        // A distance is at least the difference in length: a key far
        // longer than every field (a megabyte long) is compared with none.
        let len = key.chars().count();
        let close = fields
            .iter()
            .filter(|f| len.abs_diff(f.key.len()) <= 2.max(f.key.len() / 4))
            .map(|f| (strsim::damerau_levenshtein(key, f.key), f.key))
            .filter(|(d, k)| *d <= 2.max(k.len() / 4))
            .min();
        let path = ctx.child(key).key();
        if self.push_extra(Code::PF002, span.clone(), ctx, &path) {
            return close.map(|(_, k)| k);
        }
        let msg = Message::new("pf002.unknown")
            .arg("table", ctx.name())
            .arg("key", key);
        let help = match close {
            Some((_, k)) => Message::new("did-you-mean").arg("key", k),
            None => {
                let keys = fields.iter().map(|f| Arg::Plain(format!("`{}`", f.key)));
                Message::new("pf002.keys")
                    .arg("table", ctx.name())
                    .arg("keys", Arg::List(keys.collect()))
            }
        };
        // One close match only: two at the same distance are a guess.
        let unique = close.filter(|(d, _)| {
            fields
                .iter()
                .filter(|f| strsim::damerau_levenshtein(key, f.key) == *d)
                .count()
                == 1
        });
        let fix = unique.filter(|(_, k)| !(u.present)(k)).map(|(_, k)| Fix {
            title: Message::new("fix.rename-key").arg("key", key).arg("to", k),
            // Every schema key is a bare key: written bare, whatever
            // quotes the misspelling had.
            edits: vec![Edit {
                span: span.clone(),
                text: k.to_string(),
            }],
            safe: !u.table,
        });
        self.push_fix(Code::PF002, span, ctx, &path, (msg, help), fix);
        close.map(|(_, k)| k)
    }

    /// Records a placeholder held by a string.
    fn spot(&mut self, s: &str, span: &Span, ctx: &Ctx) -> bool {
        if !self.angles {
            return false;
        }
        let Some(p) = placeholder(s) else {
            return false;
        };
        self.spots.push(Spot {
            span: span.clone(),
            unit: ctx
                .unit
                .filter(|u| placeholder(u).is_none())
                .map(str::to_string),
            text: p.to_string(),
        });
        true
    }

    /// Placeholders under a key the schema does not know: still values.
    fn find_spots(&mut self, doc: &Doc, id: NodeId, ctx: &Ctx) {
        let de = doc.node(id);
        match &de.value {
            RawValue::String(s) => {
                self.spot(s, &de.span, ctx);
            }
            RawValue::Array(items) => items.iter().for_each(|i| self.find_spots(doc, *i, ctx)),
            RawValue::Table(t) => t
                .entries
                .iter()
                .for_each(|e| self.find_spots(doc, e.2, ctx)),
            _ => {}
        }
    }

    fn value(&mut self, doc: &Doc, id: NodeId, ty: &Ty, ctx: &Ctx) -> Node {
        let de = doc.node(id);
        let span = de.span.clone();
        if let RawValue::String(s) = &de.value {
            // A placeholder may stand for a value of any type but a table:
            // CORE008 alone, never also PF003 or PF005.
            if !matches!(ty, Ty::Table(_) | Ty::Tables(_)) && self.spot(s, &span, ctx) {
                let value = Value::Placeholder(s.to_string());
                return Node { span, value };
            }
        }
        let value = match (ty, &de.value) {
            (Ty::Str, RawValue::String(s)) => Value::Str(s.to_string()),
            (Ty::Enum(allowed), RawValue::String(s)) => self.enumerated(s, allowed, &span, ctx),
            (Ty::Id, RawValue::String(s)) => self.id(s, &span, ctx),
            (Ty::Int, RawValue::Integer(digits, radix)) => self.integer(digits, *radix, &span, ctx),
            (Ty::Bool, RawValue::Boolean(b)) => Value::Bool(*b),
            (Ty::Date, RawValue::Datetime(dt)) => self.date(dt, &span, ctx),
            (Ty::List(inner), RawValue::Array(items)) => Value::List(
                items
                    .iter()
                    .map(|v| self.value(doc, *v, inner, ctx))
                    .collect(),
            ),
            (Ty::Table(fields), RawValue::Table(_)) => {
                Value::Table(self.table(doc, id, fields, span.clone(), ctx))
            }
            (Ty::Tables(fields), RawValue::Array(items)) => self.tables(doc, items, fields, ctx),
            (_, found) => {
                self.wrong_type(ty, found, span.clone(), ctx);
                Value::Invalid
            }
        };
        Node { span, value }
    }

    fn tables(
        &mut self,
        doc: &Doc,
        items: &[NodeId],
        fields: &'static [Field],
        ctx: &Ctx,
    ) -> Value {
        let mut out = Vec::with_capacity(items.len());
        for (i, &item) in items.iter().enumerate() {
            let node = doc.node(item);
            let span = node.span.clone();
            let value = match &node.value {
                RawValue::Table(_) => {
                    let mut ctx = *ctx;
                    ctx.elem = Some((doc, item, i));
                    if ctx.key == "unit" && ctx.parent.is_some_and(|p| p.parent.is_none()) {
                        ctx.unit = doc.get(item, "id").and_then(|v| match &v.value {
                            RawValue::String(s) => Some(&**s),
                            _ => None,
                        });
                    }
                    Value::Table(self.table(doc, item, fields, span.clone(), &ctx))
                }
                found => {
                    self.wrong_type(&Ty::Table(fields), found, span.clone(), ctx);
                    Value::Invalid
                }
            };
            out.push(Node { span, value });
        }
        Value::List(out)
    }

    fn wrong_type(&mut self, ty: &Ty, found: &RawValue, span: Span, ctx: &Ctx) {
        let key = &ctx.key();
        if self.push_extra(Code::PF003, span.clone(), ctx, key) {
            return;
        }
        let path = &ctx.path();
        let want = Message::new(type_id(ty));
        let msg = Message::new("pf003.wrong-type")
            .arg("path", path.as_str())
            .arg("want", want.clone())
            .arg("got", Message::new(raw_found_id(found)));
        // A quoted value that reads unambiguously as the type: unquoted.
        let bare = match (ty, found) {
            (Ty::Date, RawValue::String(s)) => date_in(s).map(|d| d.to_string()),
            (Ty::Bool, RawValue::String(s)) => ["true", "false"]
                .into_iter()
                .find(|b| s.trim().eq_ignore_ascii_case(b))
                .map(str::to_string),
            (Ty::Int, RawValue::String(s)) => int_in(s),
            _ => None,
        };
        let help = match (ty, found, &bare) {
            (_, _, Some(b)) => Message::new("pf003.unquote.help")
                .arg("key", ctx.key)
                .arg("value", b.as_str()),
            (Ty::Date, RawValue::String(s), None) => Message::new("pf003.quoted-not-date.help")
                .arg("key", ctx.key)
                .arg("value", crate::text::safe(s).into_owned()),
            (Ty::Bool, RawValue::String(_), None) => Message::new("pf003.quoted-bool.help"),
            (Ty::Tables(_) | Ty::Table(_), _, _) if schema::is_element(path) => {
                Message::new("pf003.tables.help").arg("path", path.as_str())
            }
            // `[[unit.cdo]]` for `[unit.cdo]`.
            (Ty::Table(_), RawValue::Array(_), _) => {
                Message::new("pf003.single-table.help").arg("path", path.as_str())
            }
            _ => Message::new("pf003.help")
                .arg("path", path.as_str())
                .arg("want", want)
                .arg("example", example_of(ty)),
        };
        let fix = bare.map(|b| Fix {
            title: Message::new("fix.unquote").arg("value", b.as_str()),
            edits: vec![Edit {
                span: span.clone(),
                text: b,
            }],
            safe: true,
        });
        self.push_fix(Code::PF003, span, ctx, key, (msg, help), fix);
    }

    fn enumerated(&mut self, s: &str, allowed: &[&str], span: &Span, ctx: &Ctx) -> Value {
        if allowed.contains(&s) {
            return Value::Str(s.to_string());
        }
        let key = &ctx.key();
        if self.push_extra(Code::PF005, span.clone(), ctx, key) {
            return Value::Invalid;
        }
        let path = &ctx.path();
        let list = || {
            Arg::List(
                allowed
                    .iter()
                    .map(|a| Arg::Plain(format!("`{a}`")))
                    .collect(),
            )
        };
        let msg = Message::new("pf005.not-allowed")
            .arg("value", s)
            .arg("path", path.as_str());
        // The same word in another case or spacing is the value meant
        // (safe); a close misspelling only perhaps (offered in the editor).
        let loose = loosen(s);
        let mut same = allowed.iter().filter(|a| **a == loose);
        let (meant, safe) = match (same.next(), same.next()) {
            (Some(a), None) => (Some(*a), true),
            _ => (crate::rules::expr::suggest(&loose, allowed), false),
        };
        let help = match meant {
            Some(m) => Message::new("pf005.did-you-mean.help")
                .arg("value", m)
                .arg("values", list()),
            None => Message::new("pf005.not-allowed.help").arg("values", list()),
        };
        let fix = meant.map(|m| Fix {
            title: Message::new("fix.replace-value").arg("value", m),
            edits: vec![Edit {
                span: span.clone(),
                text: format!("\"{m}\""),
            }],
            safe,
        });
        self.push_fix(Code::PF005, span.clone(), ctx, key, (msg, help), fix);
        Value::Invalid
    }

    fn id(&mut self, s: &str, span: &Span, ctx: &Ctx) -> Value {
        let why = if s.is_empty() {
            Some(Message::new("id.empty"))
        } else {
            s.chars()
                .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
                .map(describe_char)
        };
        let Some(why) = why else {
            return Value::Str(s.to_string());
        };
        let msg = Message::new("pf005.bad-id").arg("value", s).arg("why", why);
        let fixed: String = s
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let fixed = match fixed.trim_matches('-') {
            // Nothing left to suggest from (a Chinese id): show the shape.
            "" => "unit-1",
            f => f,
        };
        let help = Message::new("pf005.bad-id.help").arg("example", fixed);
        self.push(Code::PF005, span.clone(), ctx, &ctx.key(), msg, help);
        Value::Invalid
    }

    fn integer(&mut self, digits: &str, radix: u32, span: &Span, ctx: &Ctx) -> Value {
        let clean: String = digits.chars().filter(|c| *c != '_').collect();
        let (msg, help) = match i64::from_str_radix(&clean, radix) {
            Ok(i) if i >= 0 => return Value::Int(i),
            Ok(_) => ("pf005.negative", "pf005.negative.help"),
            Err(_) => ("pf005.too-large", "pf005.too-large.help"),
        };
        let (msg, help) = (Message::new(msg), Message::new(help));
        self.push(Code::PF005, span.clone(), ctx, &ctx.key(), msg, help);
        Value::Invalid
    }

    fn date(&mut self, dt: &toml::value::Datetime, span: &Span, ctx: &Ctx) -> Value {
        if let (Some(d), None, None) = (dt.date, dt.time, dt.offset) {
            return Value::Date(Date {
                year: d.year,
                month: d.month,
                day: d.day,
            });
        }
        let msg = Message::new("pf005.not-a-date").arg("value", dt.to_string());
        let help = Message::new("pf005.not-a-date.help");
        self.push(Code::PF005, span.clone(), ctx, &ctx.key(), msg, help);
        Value::Invalid
    }

    /// A key of more parts than the TOML parser reads is an error it reports
    /// without a place ("recursion limit"): takes those errors out of
    /// `errors` and reports each such key at the part that crosses the
    /// limit. `true` when there was one.
    fn too_deep(&mut self, text: &str, errors: &mut Vec<toml::de::Error>) -> bool {
        let deep =
            |e: &toml::de::Error| e.span().is_none() && e.message().trim_end() == "recursion limit";
        if !errors.iter().any(deep) {
            return false;
        }
        errors.retain(|e| !deep(e));
        let mut keys = deep_keys(text);
        if keys.is_empty() {
            // Not found again (the parser changed its limit): still said.
            keys.push((0..0, KEY_PARTS + 1));
        }
        for (span, parts) in keys {
            let msg = Message::new("pf001.too-deep")
                .arg("parts", parts.to_string())
                .arg("max", KEY_PARTS.to_string());
            let help = Message::new("pf001.too-deep.help");
            self.diags
                .push(Code::PF001.at(self.loc(span), msg).with_help(help));
        }
        true
    }

    fn check_format(&mut self, root: &Table) {
        let Some(node) = root.get("format") else {
            return;
        };
        if let Value::Int(v) = node.value {
            if !schema::FORMAT_VERSIONS.contains(&v) {
                let msg = Message::new("pf006.version").arg("version", v.to_string());
                let help = Message::new("pf006.version.help");
                let span = node.span.clone();
                self.push(Code::PF006, span, &Ctx::root(), "format", msg, help);
            }
        }
    }
}

/// The most parts a dotted key may have: the toml crate reports "recursion
/// limit" for a key whose parts before the last number 80 or more.
const KEY_PARTS: usize = 80;

/// Every dotted key (in a header, an assignment or an inline table) of more
/// than [`KEY_PARTS`] parts: the span from the first part beyond the limit
/// to the key's end, and how many parts it has. Lexed again with the
/// parser's own lexer, so strings and comments are never taken for keys;
/// this runs only for a file the parser already refused.
fn deep_keys(text: &str) -> Vec<(Span, usize)> {
    use toml_parser::parser::{Event, EventKind};
    let tokens = toml_parser::Source::new(text).lex().into_vec();
    let mut events: Vec<Event> = Vec::new();
    toml_parser::parser::parse_document(&tokens, &mut events, &mut ());
    let mut out = Vec::new();
    // The key being read: its parts so far, where it crosses the limit, and
    // whether a `.` was just read.
    let (mut parts, mut crossing, mut dotted) = (0, None::<Span>, false);
    let mut close = |parts: usize, crossing: &mut Option<Span>| {
        if let Some(span) = crossing.take() {
            out.push((span, parts));
        }
    };
    for e in &events {
        let span = e.span().start()..e.span().end();
        match e.kind() {
            EventKind::SimpleKey => {
                if !dotted {
                    close(parts, &mut crossing);
                    parts = 0;
                }
                parts += 1;
                dotted = false;
                if parts == KEY_PARTS + 1 {
                    crossing = Some(span);
                } else if let Some(c) = &mut crossing {
                    c.end = span.end;
                }
            }
            EventKind::KeySep => dotted = true,
            EventKind::Whitespace => {}
            _ => {
                close(parts, &mut crossing);
                (parts, dotted) = (0, false);
            }
        }
    }
    close(parts, &mut crossing);
    out
}

/// How messages name what a value was found to be (plans and
/// `cdocheck.toml` alike).
pub(crate) fn found_id(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "type.string",
        DeValue::Integer(_) => "type.integer",
        DeValue::Float(_) => "type.float",
        DeValue::Boolean(_) => "type.boolean",
        DeValue::Datetime(_) => "type.date",
        DeValue::Array(_) => "type.array",
        DeValue::Table(_) => "type.table",
    }
}

/// How messages name the type a key takes.
fn type_id(ty: &Ty) -> &'static str {
    match ty {
        Ty::Str | Ty::Enum(_) | Ty::Id => "type.string",
        Ty::Int => "type.integer",
        Ty::Bool => "type.boolean",
        Ty::Date => "type.date",
        Ty::List(_) => "type.array",
        Ty::Table(_) => "type.table",
        Ty::Tables(_) => "type.tables",
    }
}

fn describe_char(c: char) -> Message {
    match c {
        c if c.is_ascii_uppercase() => Message::new("id.uppercase").arg("char", c.to_string()),
        ' ' => Message::new("id.space"),
        c if c.is_control() => {
            Message::new("id.control").arg("char", format!("U+{:04X}", c as u32))
        }
        c => Message::new("id.char").arg("char", c.to_string()),
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

/// An enum value as it was probably meant: trimmed, lowercase, `_` and
/// spaces as `-` (`Deputy`, ` data management `, `digital_government`).
fn loosen(s: &str) -> String {
    let words = s
        .trim()
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-');
    let words: Vec<_> = words.filter(|w| !w.is_empty()).collect();
    words.join("-").to_lowercase()
}

/// The date a quoted string spells unambiguously: `2021-09-15`, or
/// `2021年9月15日` (ASCII or full-width digits, spaces ignored); only a day
/// that exists.
pub(crate) fn date_in(s: &str) -> Option<Date> {
    let s: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    if let Some(d) = Date::parse(&s) {
        return Some(d);
    }
    let (y, rest) = s.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    fn num(p: &str, max: usize) -> Option<&str> {
        (!p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit())).then_some(p)
    }
    let (y, m, d) = (num(y, 4)?, num(m, 2)?, num(d, 2)?);
    if y.len() != 4 {
        return None;
    }
    Date::parse(&format!("{y}-{m:0>2}-{d:0>2}"))
}

/// The whole number a quoted string spells (`"12"`), as TOML writes it.
fn int_in(s: &str) -> Option<String> {
    let t = s.trim();
    let ok = !t.is_empty() && t.len() <= 18 && t.bytes().all(|b| b.is_ascii_digit());
    // `"007"` is not a TOML integer as written: drop the zeros.
    ok.then(|| t.parse::<i64>().ok().map(|i| i.to_string()))?
}

/// An unknown key as the loader met it.
struct Unknown<'a> {
    key: &'a str,
    span: Span,
    /// Its value is a table or an array of tables.
    table: bool,
    /// Whether the table already holds a key.
    present: &'a dyn Fn(&str) -> bool,
}

/// Is the value a table, or an array of tables (`[[unit]]`)?
fn is_table(doc: &Doc, id: NodeId) -> bool {
    match &doc.node(id).value {
        RawValue::Table(_) => true,
        RawValue::Array(items) => items
            .iter()
            .any(|i| matches!(doc.node(*i).value, RawValue::Table(_))),
        _ => false,
    }
}

/// The `<…>` placeholder (plan-format.md, "Placeholders") a missing key is
/// added with, written as TOML; none for a table.
fn placeholder_of(key: &str, ty: &Ty) -> Option<String> {
    Some(match ty {
        Ty::Date => "\"<YYYY-MM-DD>\"".into(),
        Ty::Bool => "\"<true or false>\"".into(),
        Ty::Int => "\"<number>\"".into(),
        Ty::Enum(vals) if vals.len() <= 3 => format!("\"<{}>\"", vals.join(" or ")),
        Ty::Str | Ty::Id | Ty::Enum(_) => format!("\"<{key}>\""),
        Ty::List(inner) => format!("[{}]", placeholder_of(key, inner)?),
        Ty::Table(_) | Ty::Tables(_) => return None,
    })
}

/// A scalar as written, for [`element_identity`].
fn de_scalar(v: &RawValue) -> Option<String> {
    match v {
        RawValue::String(s) => Some(s.to_string()),
        RawValue::Datetime(d) => Some(d.to_string()),
        RawValue::Integer(i, _) => Some(i.to_string()),
        RawValue::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// [`found_id`] for the plan's own tree.
fn raw_found_id(v: &RawValue) -> &'static str {
    match v {
        RawValue::String(_) => "type.string",
        RawValue::Integer(..) => "type.integer",
        RawValue::Float => "type.float",
        RawValue::Boolean(_) => "type.boolean",
        RawValue::Datetime(_) => "type.date",
        RawValue::Array(_) => "type.array",
        RawValue::Table(_) => "type.table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_dates_read_only_when_they_name_a_day() {
        let d = |s: &str| date_in(s).map(|d| d.to_string());
        assert_eq!(d("2021-09-15").as_deref(), Some("2021-09-15"));
        assert_eq!(d(" 2021年9月5日 ").as_deref(), Some("2021-09-05"));
        assert_eq!(d("2021年09月05日").as_deref(), Some("2021-09-05"));
        assert_eq!(d("２０２１年９月５日").as_deref(), Some("2021-09-05"));
        for bad in [
            "2021年2月30日",
            "21年9月5日",
            "2021年9月",
            "2021-9-5",
            "August",
            "2021年123月5日",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }

    #[test]
    fn enum_values_are_loosened_to_case_and_separators() {
        assert_eq!(loosen(" Data  Management "), "data-management");
        assert_eq!(loosen("digital_government"), "digital-government");
        assert_eq!(loosen("Deputy"), "deputy");
    }

    #[test]
    fn missing_keys_get_a_placeholder_of_their_type() {
        let p = |ty: &Ty| placeholder_of("k", ty);
        assert_eq!(p(&Ty::Date).as_deref(), Some("\"<YYYY-MM-DD>\""));
        assert_eq!(
            p(&Ty::Enum(schema::RANKS)).as_deref(),
            Some("\"<chief or deputy or other>\"")
        );
        assert_eq!(p(&Ty::List(&Ty::Str)).as_deref(), Some("[\"<k>\"]"));
        assert_eq!(p(&Ty::Table(&[])), None);
    }
}
