//! The TOML document as written, before the schema: every value with its
//! span, in an arena. Built straight from the parser's events for the
//! documents plans are made of, so a plan is parsed without the toml
//! crate's own tree (an index map per table and a vector of every event);
//! anything else (an error, a dotted key, a table reopened) is left to
//! the toml crate, and its tree is copied into the same shape. Either way
//! the validator sees one shape, and the same spans.

use std::borrow::Cow;

use toml::de::{DeTable, DeValue};
use toml::Spanned;
use toml_parser::decoder::{Encoding, ScalarKind};
use toml_parser::parser::{EventReceiver, RecursionGuard, ValidateWhitespace};
use toml_parser::{ErrorSink, ParseError, Raw as RawText, Source, Span as TSpan};

use crate::source::Span;

/// A value's place in [`Doc::nodes`].
pub(super) type NodeId = u32;

pub(super) struct Doc<'s> {
    pub(super) nodes: Vec<Node<'s>>,
}

pub(super) struct Node<'s> {
    pub(super) span: Span,
    pub(super) value: Value<'s>,
}

pub(super) enum Value<'s> {
    String(Cow<'s, str>),
    /// The digits as written (underscores kept) and their radix.
    Integer(Cow<'s, str>, u32),
    Float,
    Boolean(bool),
    Datetime(toml::value::Datetime),
    Array(Vec<NodeId>),
    Table(Table<'s>),
}

pub(super) struct Table<'s> {
    /// Key, key span, value, in the order the toml crate keeps.
    pub(super) entries: Vec<(Cow<'s, str>, Span, NodeId)>,
    kind: Kind,
}

/// What the event builder needs to know of a table or array to tell what
/// a header may do with it.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// `[a]`, or an element of `[[a]]`: closed to another `[a]`.
    Header,
    /// Made by `[a.b]` for the `a` it passes through.
    Implicit,
    /// `{ … }`: closed to everything.
    Inline,
}

impl<'s> Doc<'s> {
    pub(super) const ROOT: NodeId = 0;

    pub(super) fn node(&self, id: NodeId) -> &Node<'s> {
        &self.nodes[id as usize]
    }

    /// The entries of the table `id` (none when it is not a table).
    pub(super) fn entries(&self, id: NodeId) -> &[(Cow<'s, str>, Span, NodeId)] {
        match &self.node(id).value {
            Value::Table(t) => &t.entries,
            _ => &[],
        }
    }

    /// The value of `key` in the table `id`.
    pub(super) fn get(&self, id: NodeId, key: &str) -> Option<&Node<'s>> {
        self.entries(id)
            .iter()
            .find(|(k, ..)| k == key)
            .map(|(.., v)| self.node(*v))
    }

    fn push(&mut self, span: Span, value: Value<'s>) -> NodeId {
        self.nodes.push(Node { span, value });
        (self.nodes.len() - 1) as NodeId
    }

    /// Parses `text`: `Ok` with the document when it is TOML, `Err` when
    /// it is not (the caller asks the toml crate for the errors).
    pub(super) fn parse(text: &'s str) -> Result<Doc<'s>, ()> {
        if let Some(doc) = Builder::run(text) {
            return Ok(doc);
        }
        match DeTable::parse(text) {
            Ok(t) => {
                let mut doc = Doc { nodes: Vec::new() };
                doc.copy_table(0..0, t.into_inner());
                Ok(doc)
            }
            Err(_) => Err(()),
        }
    }

    fn copy_table(&mut self, span: Span, t: DeTable<'s>) -> NodeId {
        let id = self.push(span, Value::Boolean(false));
        let mut entries = Vec::with_capacity(t.len());
        for (k, v) in t {
            let key_span = k.span();
            let value = self.copy(v);
            entries.push((k.into_inner(), key_span, value));
        }
        self.nodes[id as usize].value = Value::Table(Table {
            entries,
            kind: Kind::Header,
        });
        id
    }

    fn copy(&mut self, v: Spanned<DeValue<'s>>) -> NodeId {
        let span = v.span();
        let value = match v.into_inner() {
            DeValue::String(s) => Value::String(s),
            DeValue::Integer(i) => {
                let radix = i.radix();
                Value::Integer(Cow::Owned(i.as_str().to_string()), radix)
            }
            DeValue::Float(_) => Value::Float,
            DeValue::Boolean(b) => Value::Boolean(b),
            DeValue::Datetime(d) => Value::Datetime(d),
            DeValue::Array(items) => {
                let ids = items.into_iter().map(|i| self.copy(i)).collect();
                Value::Array(ids)
            }
            DeValue::Table(t) => return self.copy_table(span, t),
        };
        self.push(span, value)
    }
}

/// Tables larger than this are left to the toml crate, whose index map
/// finds a duplicate key in constant time (the builder scans the table).
const MAX_ENTRIES: usize = 64;
/// The toml crate's nesting limit, so both parsers agree on what parses.
const DEPTH: u32 = 80;

/// Builds a [`Doc`] from parser events, giving up (`failed`) at the first
/// error or construct it leaves to the toml crate.
struct Builder<'s> {
    text: &'s str,
    doc: Doc<'s>,
    failed: bool,
    /// The table key/value pairs go into (the last header's).
    current: NodeId,
    /// The parts of the key being read.
    key: Vec<(Cow<'s, str>, Span)>,
    /// A header being read: its start, and whether it is `[[…]]`.
    header: Option<(usize, bool)>,
    /// The key of the top-level pair whose value comes next.
    pending: Option<(Cow<'s, str>, Span)>,
    /// Arrays and inline tables being read, innermost last.
    open: Vec<Open<'s>>,
    /// The arrays made by `[[…]]` headers (a plan has two or three).
    tables: Vec<NodeId>,
}

enum Open<'s> {
    Array(NodeId),
    Inline(NodeId, Option<(Cow<'s, str>, Span)>),
}

/// Records that something went wrong; what is left to the toml crate.
struct Flag<'a>(&'a mut bool);

impl ErrorSink for Flag<'_> {
    fn report_error(&mut self, _: ParseError) {
        *self.0 = true;
    }
}

impl<'s> Builder<'s> {
    fn run(text: &'s str) -> Option<Doc<'s>> {
        let mut b = Builder {
            text,
            // Plans hold about 50 values a kilobyte: sized once, the arena
            // is not copied as it grows.
            doc: Doc {
                nodes: Vec::with_capacity((text.len() / 16).min(1 << 16)),
            },
            failed: false,
            current: Doc::ROOT,
            key: Vec::new(),
            header: None,
            pending: None,
            open: Vec::new(),
            tables: Vec::new(),
        };
        b.doc.push(0..0, table(Kind::Header));
        let source = Source::new(text);
        let tokens = source.lex().into_vec();
        let mut errors = false;
        {
            let mut ws = ValidateWhitespace::new(&mut b, source);
            let mut guard = RecursionGuard::new(&mut ws, DEPTH);
            toml_parser::parser::parse_document(&tokens, &mut guard, &mut Flag(&mut errors));
        }
        (!errors && !b.failed && b.open.is_empty() && b.header.is_none()).then_some(b.doc)
    }

    fn raw(&self, span: TSpan, encoding: Option<Encoding>) -> RawText<'s> {
        RawText::new_unchecked(&self.text[span.start()..span.end()], encoding, span)
    }

    fn table_mut(&mut self, id: NodeId) -> Option<&mut Table<'s>> {
        match &mut self.doc.nodes[id as usize].value {
            Value::Table(t) => Some(t),
            _ => None,
        }
    }

    /// Adds `key = value` to the table `into`; a key already there (a TOML
    /// error) or a table grown past [`MAX_ENTRIES`] gives up.
    fn insert(&mut self, into: NodeId, (key, span): (Cow<'s, str>, Span), value: NodeId) {
        let Some(t) = self.table_mut(into) else {
            self.failed = true;
            return;
        };
        if t.entries.len() >= MAX_ENTRIES || t.entries.iter().any(|(k, ..)| *k == key) {
            self.failed = true;
            return;
        }
        t.entries.push((key, span, value));
    }

    fn is_tables(&self, id: NodeId) -> bool {
        self.tables.contains(&id)
    }

    fn find(&self, table: NodeId, key: &str) -> Option<NodeId> {
        match &self.doc.node(table).value {
            Value::Table(t) => t.entries.iter().find(|(k, ..)| k == key).map(|e| e.2),
            _ => None,
        }
    }

    /// A value begins: it becomes an element of the open array, or the
    /// value of the key read before it.
    fn place(&mut self, value: NodeId) {
        let slot = match self.open.last_mut() {
            Some(Open::Array(a)) => {
                let a = *a;
                if let Value::Array(items) = &mut self.doc.nodes[a as usize].value {
                    items.push(value);
                }
                return;
            }
            Some(Open::Inline(t, key)) => key.take().map(|k| (*t, k)),
            None => self.pending.take().map(|k| (self.current, k)),
        };
        match slot {
            Some((into, key)) => self.insert(into, key, value),
            None => self.failed = true,
        }
    }

    /// `key =`: the key read so far is the one the next value belongs to.
    /// A dotted key is left to the toml crate.
    fn take_key(&mut self) -> Option<(Cow<'s, str>, Span)> {
        if self.key.len() != 1 {
            self.failed = true;
            self.key.clear();
            return None;
        }
        self.key.pop()
    }

    /// `[a.b]` or `[[a.b]]` read whole: walks to its parent and makes the
    /// table. Only a new table, or another element of an array of tables,
    /// is built here; reopening anything is left to the toml crate.
    fn header(&mut self, span: Span, array: bool) {
        let mut key = std::mem::take(&mut self.key);
        self.header_at(&mut key, span, array);
        // Its buffer holds the next key.
        key.clear();
        self.key = key;
    }

    /// [`Builder::header`] on the key read.
    fn header_at(&mut self, key: &mut Vec<(Cow<'s, str>, Span)>, span: Span, array: bool) {
        let Some(last) = key.pop() else {
            self.failed = true;
            return;
        };
        let mut at = Doc::ROOT;
        for (part, part_span) in key.drain(..) {
            at = match self.find(at, &part) {
                None => {
                    let t = self.doc.push(part_span.clone(), table(Kind::Implicit));
                    self.insert(at, (part, part_span), t);
                    t
                }
                Some(id) => match &self.doc.node(id).value {
                    Value::Table(t) if t.kind != Kind::Inline => id,
                    Value::Array(items) if self.is_tables(id) => match items.last() {
                        Some(&last) => last,
                        None => {
                            self.failed = true;
                            return;
                        }
                    },
                    _ => {
                        self.failed = true;
                        return;
                    }
                },
            };
        }
        let new = self.doc.push(span.clone(), table(Kind::Header));
        match (self.find(at, &last.0), array) {
            (None, false) => self.insert(at, last, new),
            (None, true) => {
                let list = self.doc.push(span, Value::Array(vec![new]));
                self.tables.push(list);
                self.insert(at, last, list);
            }
            (Some(list), true) if self.is_tables(list) => {
                if let Value::Array(items) = &mut self.doc.nodes[list as usize].value {
                    items.push(new);
                }
            }
            _ => self.failed = true,
        }
        self.current = new;
    }
}

fn table<'s>(kind: Kind) -> Value<'s> {
    // A plan's tables hold five keys or so (a unit, its CDO): room for
    // eight at once, not four and then eight.
    let room = if kind == Kind::Implicit { 0 } else { 8 };
    Value::Table(Table {
        entries: Vec::with_capacity(room),
        kind,
    })
}

fn span(s: TSpan) -> Span {
    s.start()..s.end()
}

impl EventReceiver for Builder<'_> {
    fn std_table_open(&mut self, s: TSpan, _: &mut dyn ErrorSink) {
        self.header = Some((s.start(), false));
    }

    fn array_table_open(&mut self, s: TSpan, _: &mut dyn ErrorSink) {
        self.header = Some((s.start(), true));
    }

    fn std_table_close(&mut self, s: TSpan, _: &mut dyn ErrorSink) {
        self.close_header(s);
    }

    fn array_table_close(&mut self, s: TSpan, _: &mut dyn ErrorSink) {
        self.close_header(s);
    }

    fn simple_key(&mut self, s: TSpan, encoding: Option<Encoding>, error: &mut dyn ErrorSink) {
        let text = &self.text[s.start()..s.end()];
        let decoded = match encoding {
            None if !text.is_empty() && text.bytes().all(bare) => Cow::Borrowed(text),
            Some(Encoding::BasicString) => match plain_basic(text) {
                Some(inner) => Cow::Borrowed(inner),
                None => self.decode_key(s, encoding, error),
            },
            _ => self.decode_key(s, encoding, error),
        };
        self.key.push((decoded, span(s)));
    }

    fn key_val_sep(&mut self, _: TSpan, _: &mut dyn ErrorSink) {
        let key = self.take_key();
        match self.open.last_mut() {
            Some(Open::Inline(_, pending)) => *pending = key,
            Some(Open::Array(_)) => self.failed = true,
            None => self.pending = key,
        }
    }

    fn scalar(&mut self, s: TSpan, encoding: Option<Encoding>, error: &mut dyn ErrorSink) {
        if encoding == Some(Encoding::BasicString) {
            if let Some(inner) = plain_basic(&self.text[s.start()..s.end()]) {
                let id = self.doc.push(span(s), Value::String(Cow::Borrowed(inner)));
                self.place(id);
                return;
            }
        }
        let mut decoded = Cow::Borrowed("");
        let value = match self.raw(s, encoding).decode_scalar(&mut decoded, error) {
            ScalarKind::String => Value::String(decoded),
            ScalarKind::Boolean(b) => Value::Boolean(b),
            ScalarKind::DateTime => match decoded.parse() {
                Ok(d) => Value::Datetime(d),
                Err(_) => {
                    self.failed = true;
                    return;
                }
            },
            ScalarKind::Float => Value::Float,
            ScalarKind::Integer(radix) => Value::Integer(decoded, radix.value()),
        };
        let id = self.doc.push(span(s), value);
        self.place(id);
    }

    fn array_open(&mut self, s: TSpan, _: &mut dyn ErrorSink) -> bool {
        let id = self.doc.push(span(s), Value::Array(Vec::with_capacity(8)));
        self.place(id);
        self.open.push(Open::Array(id));
        true
    }

    fn array_close(&mut self, s: TSpan, _: &mut dyn ErrorSink) {
        self.close_value(s);
    }

    fn inline_table_open(&mut self, s: TSpan, _: &mut dyn ErrorSink) -> bool {
        let id = self.doc.push(span(s), table(Kind::Inline));
        self.place(id);
        self.open.push(Open::Inline(id, None));
        true
    }

    fn inline_table_close(&mut self, s: TSpan, _: &mut dyn ErrorSink) {
        self.close_value(s);
    }

    fn error(&mut self, _: TSpan, _: &mut dyn ErrorSink) {
        self.failed = true;
    }
}

/// A byte of a bare key: `A-Za-z0-9_-`.
fn bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// The text of a `"…"` string that needs no decoding: no escape, and only
/// the characters TOML allows unescaped (toml_parser's `BASIC_UNESCAPED`:
/// tab, space, visible ASCII but `"` and `\\`, and anything non-ASCII).
/// Most plan strings are; the rest go to toml_parser's decoder, which also
/// reports what is wrong with them.
fn plain_basic(raw: &str) -> Option<&str> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    let ok = |b: u8| matches!(b, b'\t' | b' ' | b'!' | 0x23..=0x5B | 0x5D..=0x7E | 0x80..);
    inner.bytes().all(ok).then_some(inner)
}

impl<'s> Builder<'s> {
    fn decode_key(
        &self,
        s: TSpan,
        encoding: Option<Encoding>,
        error: &mut dyn ErrorSink,
    ) -> Cow<'s, str> {
        let mut decoded = Cow::Borrowed("");
        self.raw(s, encoding).decode_key(&mut decoded, error);
        decoded
    }
}

impl Builder<'_> {
    fn close_header(&mut self, s: TSpan) {
        match self.header.take() {
            Some((start, array)) => self.header(start..s.end(), array),
            None => self.failed = true,
        }
    }

    /// `]` or `}`: the value opened last now ends here.
    fn close_value(&mut self, s: TSpan) {
        let id = match self.open.pop() {
            Some(Open::Array(id)) => id,
            Some(Open::Inline(id, None)) => id,
            // `{ a = }`: a key without its value.
            Some(Open::Inline(_, Some(_))) | None => {
                self.failed = true;
                return;
            }
        };
        self.doc.nodes[id as usize].span.end = s.end();
    }
}

/// Whether the event builder, when it takes `text`, builds what the toml
/// crate builds: the same keys, values and spans in the same order. For
/// the tests and the fuzzer; `Err` says where they part.
#[doc(hidden)]
pub fn builders_agree(text: &str) -> Result<bool, String> {
    let Some(fast) = Builder::run(text) else {
        return Ok(false);
    };
    let Ok(t) = DeTable::parse(text) else {
        return Err("the builder took a document the toml crate refuses".into());
    };
    let mut slow = Doc { nodes: Vec::new() };
    slow.copy_table(0..0, t.into_inner());
    same(&fast, Doc::ROOT, &slow, Doc::ROOT, "")?;
    Ok(true)
}

fn same(a: &Doc, ai: NodeId, b: &Doc, bi: NodeId, at: &str) -> Result<(), String> {
    let (x, y) = (a.node(ai), b.node(bi));
    if x.span != y.span {
        return Err(format!("{at}: span {:?} != {:?}", x.span, y.span));
    }
    match (&x.value, &y.value) {
        (Value::String(p), Value::String(q)) if p == q => Ok(()),
        (Value::Integer(p, r), Value::Integer(q, s)) if p == q && r == s => Ok(()),
        (Value::Float, Value::Float) => Ok(()),
        (Value::Boolean(p), Value::Boolean(q)) if p == q => Ok(()),
        (Value::Datetime(p), Value::Datetime(q)) if p == q => Ok(()),
        (Value::Array(p), Value::Array(q)) if p.len() == q.len() => p
            .iter()
            .zip(q)
            .enumerate()
            .try_for_each(|(i, (p, q))| same(a, *p, b, *q, &format!("{at}[{i}]"))),
        (Value::Table(p), Value::Table(q)) if p.entries.len() == q.entries.len() => {
            p.entries.iter().zip(&q.entries).try_for_each(|(p, q)| {
                if p.0 != q.0 || p.1 != q.1 {
                    return Err(format!(
                        "{at}: key {:?}@{:?} != {:?}@{:?}",
                        p.0, p.1, q.0, q.1
                    ));
                }
                same(a, p.2, b, q.2, &format!("{at}.{}", p.0))
            })
        }
        _ => Err(format!("{at}: values differ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every plan and fixture in the repository that the builder takes is
    /// built as the toml crate builds it; and the plans are taken.
    #[test]
    fn the_builder_agrees_with_the_toml_crate_on_every_file_here() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut taken, mut all) = (0, 0);
        for dir in ["examples", "rules/tests", "tests/fixtures"] {
            for e in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
                let e = e.unwrap();
                if e.path().extension().is_none_or(|x| x != "toml") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(e.path()) else {
                    continue;
                };
                all += 1;
                match builders_agree(&text) {
                    Ok(t) => taken += usize::from(t),
                    Err(why) => panic!("{}: {why}", e.path().display()),
                }
            }
        }
        assert!(all > 100 && taken * 10 > all * 8, "{taken} of {all} taken");
    }

    #[test]
    fn the_builder_agrees_on_the_shapes_toml_allows() {
        let cases = [
            "a = 1\nb = 'x'\n[t]\nc = [1, [2, 3], {d = 4, e = {f = 5}}]\n",
            "[[u]]\nid = 'a'\n[u.cdo]\nr = 1\n[[u]]\nid = 'b'\n[u.cdo]\nr = 2\n[[u.x]]\ny = 1\n",
            "[a.b.c]\nd = 1\n[a.b.e]\nf = 2\n",
            "[a]\nx = 1\n[a.b]\ny = 2\n",
            "x = \"\"\"\nmulti\\nline\"\"\"\ny = '''raw'''\nz = \"esc\\u00e9\"\n",
            "d = 2021-08-09\nt = 1979-05-27T07:32:00Z\nh = 0xff\nf = 1.5\nb = true\n",
            "\"quoted key\" = 1\n'lit' = 2\n[\"q\".'r']\ns = 3\n",
            "a = []\nb = [ ]\nc = {}\nd = [\n  1, # c\n  2,\n]\n",
            "e = \"\"\nq = \"say \\\"hi\\\"\"\nt = \"a\tb\"\nz = \"中文 ~!\"\n\"k-1_A\" = 1\n",
        ];
        for c in cases {
            assert_eq!(builders_agree(c), Ok(true), "{c}");
        }
        // Left to the toml crate: dotted keys, reopened tables, errors.
        for c in [
            "a.b = 1\n",
            "[a.b]\n[a]\n",
            "a = 1\na = 2\n",
            "[a]\n[a]\n",
            "x = [1\n",
            "k = {a.b = 1}\n",
            "c = \"a\u{1}b\"\n",
            "d = \"a\u{7f}b\"\n",
        ] {
            assert_eq!(builders_agree(c), Ok(false), "{c}");
        }
    }
}
