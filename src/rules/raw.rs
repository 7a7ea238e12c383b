//! The rule-pack file as written, with spans, so that validation can point
//! back into the pack. The header, keyword sets, pilots and conditions are
//! serde structs; each `[[rule]]` is read key by key into its kind's own
//! struct (see [`Keys`] for why).

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

use super::Problems;
use crate::finding::Code;
use crate::source::Span;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PackFile {
    pub pack: PackHeader,
    #[serde(default)]
    pub keywords: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub designated: Vec<Designated>,
    /// What `cdocheck init` needs beside the rules (see `init_data`).
    pub init: Option<RawInit>,
    // `[[rule]]` tables are taken out before serde sees the file and read
    // by [`Rule::read`].
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PackHeader {
    pub name: Spanned<String>,
    pub title: String,
    pub title_zh: Option<String>,
    pub document: String,
    pub signed: Option<toml::value::Datetime>,
    pub applies_when: Option<Spanned<Cond>>,
    #[serde(default)]
    pub always: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Designated {
    pub name: String,
    pub name_zh: Option<String>,
    pub level: String,
    pub keywords: Spanned<String>,
}

/// One `[[rule]]` table: the keys every rule has, and its kind's own.
#[derive(Debug)]
pub(super) struct Rule {
    pub id: Spanned<String>,
    pub statement: String,
    pub severity: Spanned<String>,
    pub waivable: bool,
    pub kind: Kind,
    pub message: Spanned<String>,
    pub help: Spanned<String>,
    pub label: Option<Spanned<String>>,
    /// Required of the shipped packs (a test says so), optional in others.
    pub rationale: Option<String>,
    pub example_fail: Option<String>,
    pub example_pass: Option<String>,
    pub citation: Citation,
    /// Rules of other packs this one restates more strictly: their findings
    /// on the same element are dropped when this rule reports one.
    pub supersedes: Vec<Spanned<String>>,
    /// The rule's words in Simplified Chinese.
    pub zh: Option<RuleZh>,
}

/// The kinds, as `kind` names them.
pub(super) const KINDS: &[&str] = &[
    "assert",
    "count",
    "unique",
    "required",
    "expr",
    "waiver",
    "selection",
    "placeholder",
];

/// What a rule of each kind says beyond the keys every rule has.
#[derive(Debug)]
pub(super) enum Kind {
    Assert(Assert),
    Count(Count),
    Unique(Unique),
    Required(Required),
    Expr(Expr),
    Waiver(Waiver),
    Selection(Selection),
    Placeholder(Placeholder),
}

/// Each element (or the plan) satisfies `require`.
#[derive(Debug)]
pub(super) struct Assert {
    pub given: Option<Spanned<String>>,
    pub when: Option<Spanned<Cond>>,
    pub require: Spanned<Cond>,
    pub at: Option<Spanned<String>>,
}

/// At least `min` elements satisfy `where`.
#[derive(Debug)]
pub(super) struct Count {
    pub given: Spanned<String>,
    pub when: Option<Spanned<Cond>>,
    pub where_: Spanned<Cond>,
    pub min: i64,
    pub counted: Option<String>,
    pub note: Vec<Note>,
    pub at: Option<Spanned<String>>,
}

/// No two elements share a value of `field`.
#[derive(Debug)]
pub(super) struct Unique {
    pub given: Spanned<String>,
    pub field: Spanned<String>,
    pub first_label: Option<String>,
}

/// For each item, some element satisfies its `where`.
#[derive(Debug)]
pub(super) struct Required {
    pub given: Spanned<String>,
    pub when: Option<Spanned<Cond>>,
    pub item: Vec<Item>,
    pub at: Option<Spanned<String>>,
}

/// A CEL expression is true (for each element, or the plan).
#[derive(Debug)]
pub(super) struct Expr {
    pub given: Option<Spanned<String>>,
    pub when: Option<Spanned<Cond>>,
    pub expr: Spanned<String>,
    pub at: Option<Spanned<String>>,
}

/// One of the waiver mechanism's own checks.
#[derive(Debug)]
pub(super) struct Waiver {
    pub check: Spanned<String>,
}

/// One of the checks of the plan's own choice of packs.
#[derive(Debug)]
pub(super) struct Selection {
    pub check: Spanned<String>,
    pub at: Option<Spanned<String>>,
}

/// Strings that still hold a `<…>` placeholder.
#[derive(Debug)]
pub(super) struct Placeholder {
    pub when: Option<Spanned<Cond>>,
}

/// `[rule.zh]`: the same texts as the rule's, in Simplified Chinese.
#[derive(Debug)]
pub(super) struct RuleZh {
    pub statement: String,
    pub message: Spanned<String>,
    pub help: Spanned<String>,
    pub label: Option<Spanned<String>>,
    /// Only in `unique` rules.
    pub first_label: Option<String>,
    /// Only in `count` rules.
    pub counted: Option<String>,
    pub rationale: Option<String>,
}

/// `[[rule.item]]` of a `required` rule.
#[derive(Debug)]
pub(super) struct Item {
    pub name: String,
    pub name_zh: Option<String>,
    pub where_: Spanned<Cond>,
}

/// `[[rule.note]]` of a `count` rule.
#[derive(Debug)]
pub(super) struct Note {
    pub when: Spanned<Cond>,
    pub says: String,
    pub says_zh: Option<String>,
}

#[derive(Debug)]
pub(super) struct Citation {
    pub document: String,
    pub section: Option<String>,
    /// The section as a Chinese reader cites it: `二、试点范围`.
    pub section_zh: Option<String>,
    pub quote: Option<String>,
    pub quote_en: Option<String>,
    pub provenance: Spanned<String>,
    /// Where the words were read: the publication and section, the press
    /// reports, or (for a convention) the practice it follows.
    pub source: Option<String>,
    pub source_zh: Option<String>,
}

/// A condition: exactly one of the combinators, or `field`/`fields` with
/// exactly one test.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cond {
    pub all: Option<Vec<Spanned<Cond>>>,
    pub any: Option<Vec<Spanned<Cond>>>,
    pub not: Option<Box<Spanned<Cond>>>,
    #[serde(rename = "if")]
    pub if_: Option<Box<Spanned<Cond>>>,
    pub then: Option<Box<Spanned<Cond>>>,
    pub field: Option<Spanned<String>>,
    pub fields: Option<Vec<Spanned<String>>>,
    pub exists: Option<bool>,
    pub non_empty: Option<bool>,
    pub equals: Option<Spanned<toml::Value>>,
    #[serde(rename = "in")]
    pub in_: Option<Vec<Spanned<toml::Value>>>,
    pub at_least: Option<i64>,
    pub at_most: Option<i64>,
    pub on_or_after: Option<Spanned<toml::Value>>,
    pub on_or_before: Option<Spanned<toml::Value>>,
    pub contains: Option<Vec<String>>,
    pub normalize: Option<Spanned<String>>,
    pub keywords: Option<Vec<Spanned<String>>>,
    pub says: Option<String>,
    pub says_zh: Option<String>,
}

/// Reads a pack: the header, keyword sets and designated pilots with serde,
/// each `[[rule]]` key by key ([`Rule::read`]). A rule that cannot be read
/// is left out, its problems in `out`; `None` when the file or its header
/// cannot be read.
pub(super) fn parse(text: &str, out: &mut Problems) -> Option<(PackFile, Vec<Rule>)> {
    let mut doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            unreadable(out, e.span().unwrap_or(0..0), e.message());
            return None;
        }
    };
    let rules = doc.get_mut().remove("rule");
    let file = PackFile::deserialize(toml::de::Deserializer::from(doc))
        .map_err(|e| unreadable(out, e.span().unwrap_or(0..0), e.message()))
        .ok();
    let rules = rules.map_or_else(Vec::new, |r| read_rules(&r, out));
    Some((file?, rules))
}

/// Where a shipped pack's first `[[rule]]` line starts (its length if none).
/// The shipped packs put every other table before it; the test
/// `shipped_packs_load_the_same_lazily` holds them to that.
pub(super) fn rules_start(text: &str) -> usize {
    const RULE: &str = "[[rule]]";
    if text.starts_with(RULE) {
        return 0;
    }
    text.match_indices("\n[[rule]]")
        .map(|(i, _)| i + 1)
        .next()
        .unwrap_or(text.len())
}

/// Only the `[[rule]]` tables of a shipped pack's text, its head (what comes
/// before the first `[[rule]]`, read by [`parse`] when the binary starts)
/// blanked out so that spans still point into the whole file.
// Read by build.rs, which writes what it reads into the binary, and the tests.
#[cfg_attr(not(test), allow(dead_code))]
pub(super) fn parse_rules(text: &str, head: usize, out: &mut Problems) -> Vec<Rule> {
    let Some(body) = text.get(head..) else {
        return Vec::new();
    };
    let padded = format!("{:head$}{body}", "");
    let mut doc = match DeTable::parse(&padded) {
        Ok(doc) => doc,
        Err(e) => {
            unreadable(out, e.span().unwrap_or(0..0), e.message());
            return Vec::new();
        }
    };
    let rules = doc.get_mut().remove("rule");
    if let Some((key, _)) = doc.get_ref().iter().next() {
        unreadable(
            out,
            key.span(),
            "only `[[rule]]` tables follow the first one",
        );
    }
    rules.map_or_else(Vec::new, |r| read_rules(&r, out))
}

/// The ids of the `[[rule]]` tables from `head` on, read line by line
/// without parsing the rules: each `id = "…"` line directly under a
/// `[[rule]]` header. Only for shipped packs, whose text is fixed: a test
/// holds the ids read this way equal to the compiled rules' ids.
pub(super) fn rule_ids(text: &str, head: usize) -> std::collections::HashSet<String> {
    let mut ids = std::collections::HashSet::new();
    let mut in_rule = false;
    for line in text.get(head..).unwrap_or_default().lines() {
        let line = line.trim_start();
        if line.starts_with('[') {
            in_rule = line.trim_end() == "[[rule]]";
        } else if in_rule {
            let id = line
                .strip_prefix("id")
                .map(str::trim_start)
                .and_then(|l| l.strip_prefix('='))
                .map(str::trim_start)
                .and_then(|l| l.strip_prefix('"'))
                .and_then(|l| l.split_once('"'));
            if let Some((id, _)) = id {
                ids.insert(id.to_string());
            }
        }
    }
    ids
}

fn unreadable(out: &mut Problems, span: Span, why: &str) {
    let msg = format!("this rule pack cannot be read: {why}");
    out.push_code(Code::RP001, span, msg);
}

fn read_rules(rules: &Spanned<DeValue>, out: &mut Problems) -> Vec<Rule> {
    let DeValue::Array(list) = rules.get_ref() else {
        unreadable(out, rules.span(), "`rule` is a list of `[[rule]]` tables");
        return Vec::new();
    };
    list.iter()
        .filter_map(|r| Rule::read(Keys::of("a rule", r, out)?, out))
        .collect()
}

impl Rule {
    /// Reads `id` and `kind` first, then the keys every rule has, then the
    /// kind's own; a key neither asks for is a problem at that key.
    fn read(mut k: Keys, out: &mut Problems) -> Option<Rule> {
        let before = out.findings.len();
        k.rule = true;
        let id: Option<Spanned<String>> = k.req("id", out);
        if let Some(id) = &id {
            k.at = id.span();
        }
        let kind_name: Option<Spanned<String>> = k.req("kind", out);
        let known = kind_name.as_ref().and_then(|n| known_kind(n, out));
        match known {
            Some(kind) => k.what = format!("{} `{kind}` rule", article(kind)),
            // Keys of any kind are fine until the kind is known.
            None => k.also = KINDS.iter().flat_map(|n| keys_of(n, out)).collect(),
        }
        let statement = k.req("statement", out);
        let severity = k.req("severity", out);
        let waivable = k.opt("waivable", out).unwrap_or(false);
        let kind = known.and_then(|n| Kind::read(n, &mut k, out));
        let message = k.req("message", out);
        let help = k.req("help", out);
        let label = k.opt("label", out);
        let rationale = k.opt("rationale", out);
        let example_fail = k.opt("example_fail", out);
        let example_pass = k.opt("example_pass", out);
        let supersedes = k.opt("supersedes", out).unwrap_or_default();
        let citation = k.table("citation", "`[rule.citation]`", true, out, Citation::read);
        let zh = k.table("zh", "`[rule.zh]`", false, out, |z, out| {
            RuleZh::read(z, known, out)
        });
        k.finish(out);
        if out.findings.len() > before {
            return None;
        }
        Some(Rule {
            id: id?,
            statement: statement?,
            severity: severity?,
            waivable,
            kind: kind?,
            message: message?,
            help: help?,
            label,
            rationale,
            example_fail,
            example_pass,
            citation: citation?,
            supersedes,
            zh,
        })
    }
}

/// The kind `kind` names, or a problem at it.
fn known_kind(name: &Spanned<String>, out: &mut Problems) -> Option<&'static str> {
    let found = KINDS.iter().find(|k| **k == name.get_ref().as_str());
    if found.is_none() {
        out.push(
            name.span(),
            format!(
                "unknown rule kind `{}`; the kinds are: {}",
                name.get_ref(),
                KINDS.join(", ")
            ),
        );
    }
    found.copied()
}

fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e']) {
        "an"
    } else {
        "a"
    }
}

/// The keys a kind asks for beyond those every rule has, in order: its
/// reader run on an empty table, so the reader stays the one list.
fn keys_of(kind: &str, out: &Problems) -> Vec<&'static str> {
    let empty = DeTable::new();
    let mut k = Keys::new(String::new(), &empty, 0..0);
    let mut scratch = Problems {
        source: out.source,
        findings: Vec::new(),
        text: out.text.clone(),
    };
    let _ = Kind::read(kind, &mut k, &mut scratch);
    k.asked
}

impl Kind {
    fn read(name: &str, k: &mut Keys, out: &mut Problems) -> Option<Kind> {
        Some(match name {
            "assert" => Kind::Assert(Assert::read(k, out)?),
            "count" => Kind::Count(Count::read(k, out)?),
            "unique" => Kind::Unique(Unique::read(k, out)?),
            "required" => Kind::Required(Required::read(k, out)?),
            "expr" => Kind::Expr(Expr::read(k, out)?),
            "waiver" => Kind::Waiver(Waiver {
                check: k.req("check", out)?,
            }),
            "selection" => {
                let check = k.req("check", out);
                let at = k.opt("at", out);
                Kind::Selection(Selection { check: check?, at })
            }
            "placeholder" => Kind::Placeholder(Placeholder {
                when: k.opt("when", out),
            }),
            _ => return None,
        })
    }

    /// What the rule iterates over, when it does.
    pub(super) fn given(&self) -> Option<&Spanned<String>> {
        match self {
            Kind::Assert(a) => a.given.as_ref(),
            Kind::Count(c) => Some(&c.given),
            Kind::Unique(u) => Some(&u.given),
            Kind::Required(r) => Some(&r.given),
            Kind::Expr(e) => e.given.as_ref(),
            Kind::Waiver(_) | Kind::Selection(_) | Kind::Placeholder(_) => None,
        }
    }

    /// Only where this holds.
    pub(super) fn when(&self) -> Option<&Spanned<Cond>> {
        match self {
            Kind::Assert(a) => a.when.as_ref(),
            Kind::Count(c) => c.when.as_ref(),
            Kind::Required(r) => r.when.as_ref(),
            Kind::Expr(e) => e.when.as_ref(),
            Kind::Placeholder(p) => p.when.as_ref(),
            Kind::Unique(_) | Kind::Waiver(_) | Kind::Selection(_) => None,
        }
    }

    /// Where a finding points when not at the failing field.
    pub(super) fn at(&self) -> Option<&Spanned<String>> {
        match self {
            Kind::Assert(a) => a.at.as_ref(),
            Kind::Count(c) => c.at.as_ref(),
            Kind::Required(r) => r.at.as_ref(),
            Kind::Expr(e) => e.at.as_ref(),
            Kind::Selection(s) => s.at.as_ref(),
            Kind::Unique(_) | Kind::Waiver(_) | Kind::Placeholder(_) => None,
        }
    }
}

// Each reader asks for every key before giving up on a missing one, so
// that all of them are asked for (and every problem reported) in one run.

impl Assert {
    fn read(k: &mut Keys, out: &mut Problems) -> Option<Self> {
        let given = k.opt("given", out);
        let when = k.opt("when", out);
        let require = k.req("require", out);
        let at = k.opt("at", out);
        Some(Assert {
            given,
            when,
            require: require?,
            at,
        })
    }
}

impl Count {
    fn read(k: &mut Keys, out: &mut Problems) -> Option<Self> {
        let given = k.req("given", out);
        let when = k.opt("when", out);
        let where_ = k.req("where", out);
        let min = k.req("min", out);
        let counted = k.opt("counted", out);
        let note = k.tables("note", "`[[rule.note]]`", out, Note::read);
        let at = k.opt("at", out);
        Some(Count {
            given: given?,
            when,
            where_: where_?,
            min: min?,
            counted,
            note,
            at,
        })
    }
}

impl Unique {
    fn read(k: &mut Keys, out: &mut Problems) -> Option<Self> {
        let given = k.req("given", out);
        let field = k.req("field", out);
        let first_label = k.opt("first_label", out);
        Some(Unique {
            given: given?,
            field: field?,
            first_label,
        })
    }
}

impl Required {
    fn read(k: &mut Keys, out: &mut Problems) -> Option<Self> {
        let given = k.req("given", out);
        let when = k.opt("when", out);
        let written = k
            .table
            .get("item")
            .map_or(0, |v| v.get_ref().as_array().map_or(1, |a| a.len()));
        let item = k.tables("item", "`[[rule.item]]`", out, Item::read);
        if written == 0 {
            k.missing("one or more `[[rule.item]]`", out);
        }
        let at = k.opt("at", out);
        Some(Required {
            given: given?,
            when,
            item,
            at,
        })
    }
}

impl Expr {
    fn read(k: &mut Keys, out: &mut Problems) -> Option<Self> {
        let given = k.opt("given", out);
        let when = k.opt("when", out);
        let expr = k.req("expr", out);
        let at = k.opt("at", out);
        Some(Expr {
            given,
            when,
            expr: expr?,
            at,
        })
    }
}

impl RuleZh {
    /// `first_label` and `counted` belong to `unique` and `count` rules.
    fn read(mut k: Keys, kind: Option<&str>, out: &mut Problems) -> Option<Self> {
        let statement = k.req("statement", out);
        let message = k.req("message", out);
        let help = k.req("help", out);
        let label = k.opt("label", out);
        let first_label = (kind == Some("unique"))
            .then(|| k.opt("first_label", out))
            .flatten();
        let counted = (kind == Some("count"))
            .then(|| k.opt("counted", out))
            .flatten();
        let rationale = k.opt("rationale", out);
        k.finish(out);
        Some(RuleZh {
            statement: statement?,
            message: message?,
            help: help?,
            label,
            first_label,
            counted,
            rationale,
        })
    }
}

impl Item {
    fn read(mut k: Keys, out: &mut Problems) -> Option<Self> {
        let name = k.req("name", out);
        let name_zh = k.opt("name_zh", out);
        let where_ = k.req("where", out);
        k.finish(out);
        Some(Item {
            name: name?,
            name_zh,
            where_: where_?,
        })
    }
}

impl Note {
    fn read(mut k: Keys, out: &mut Problems) -> Option<Self> {
        let when = k.req("when", out);
        let says = k.req("says", out);
        let says_zh = k.opt("says_zh", out);
        k.finish(out);
        Some(Note {
            when: when?,
            says: says?,
            says_zh,
        })
    }
}

impl Citation {
    fn read(mut k: Keys, out: &mut Problems) -> Option<Self> {
        let document = k.req("document", out);
        let section = k.opt("section", out);
        let section_zh = k.opt("section_zh", out);
        let quote = k.opt("quote", out);
        let quote_en = k.opt("quote_en", out);
        let provenance = k.req("provenance", out);
        let source = k.opt("source", out);
        let source_zh = k.opt("source_zh", out);
        k.finish(out);
        Some(Citation {
            document: document?,
            section,
            section_zh,
            quote,
            quote_en,
            provenance: provenance?,
            source,
            source_zh,
        })
    }
}

/// A table of the pack read key by key, as cargo-deny reads its
/// configuration with `toml-span`: the code that uses a key asks for it, so
/// the readers above are the one list of each table's keys. A key asked for
/// and missing or unreadable is reported at once; [`Keys::finish`] then
/// reports every key nobody asked for.
///
/// Why not serde: a rule's keys depend on its `kind`, and serde's tagged
/// enums (and `flatten`) buffer the table first, which loses the spans
/// `toml::Spanned` needs ("expected a spanned value"). Each value is still
/// deserialized by serde, from the spanned document, so spans inside it
/// (conditions) survive.
struct Keys<'a> {
    /// How diagnostics name the table: "an `assert` rule", "`[rule.citation]`".
    what: String,
    table: &'a DeTable<'a>,
    /// Where a missing key is reported: the rule's `id`, else the header.
    at: Span,
    asked: Vec<&'static str>,
    /// Keys accepted without being asked for: a rule whose kind is unknown
    /// may have the keys of any kind.
    also: Vec<&'static str>,
    /// A `[[rule]]` table: a key of another kind is named as one.
    rule: bool,
}

impl<'a> Keys<'a> {
    fn new(what: String, table: &'a DeTable<'a>, at: Span) -> Self {
        Keys {
            what,
            table,
            at,
            asked: Vec::new(),
            also: Vec::new(),
            rule: false,
        }
    }

    /// The table `value` is, or a problem.
    fn of(what: &str, value: &'a Spanned<DeValue<'a>>, out: &mut Problems) -> Option<Self> {
        match value.get_ref() {
            DeValue::Table(t) => Some(Keys::new(what.to_string(), t, value.span())),
            _ => {
                unreadable(out, value.span(), &format!("{what} must be a table"));
                None
            }
        }
    }

    fn value(&mut self, key: &'static str) -> Option<&'a Spanned<DeValue<'a>>> {
        self.asked.push(key);
        self.table.get(key)
    }

    /// An optional key: `None` when absent, or unreadable (reported).
    fn opt<T: DeserializeOwned>(&mut self, key: &'static str, out: &mut Problems) -> Option<T> {
        let value = self.value(key)?;
        T::deserialize(ValueDeserializer::from(value.clone()))
            .map_err(|e| {
                let msg = format!("`{key}` cannot be read: {}", e.message());
                out.push_code(Code::RP001, e.span().unwrap_or(value.span()), msg);
            })
            .ok()
    }

    /// A required key: missing is a problem at the table's `at`.
    fn req<T: DeserializeOwned>(&mut self, key: &'static str, out: &mut Problems) -> Option<T> {
        if self.table.get(key).is_none() {
            self.missing(&format!("`{key}`"), out);
        }
        self.opt(key, out)
    }

    fn missing(&self, what: &str, out: &mut Problems) {
        let msg = format!("{} needs {what}", self.what);
        out.push_code(Code::RP001, self.at.clone(), msg);
    }

    /// A sub-table such as `[rule.citation]`, read by `read`.
    fn table<T>(
        &mut self,
        key: &'static str,
        what: &str,
        required: bool,
        out: &mut Problems,
        read: impl FnOnce(Keys<'a>, &mut Problems) -> Option<T>,
    ) -> Option<T> {
        if required && self.table.get(key).is_none() {
            self.missing(what, out);
        }
        let value = self.value(key)?;
        read(Keys::of(what, value, out)?, out)
    }

    /// An array of tables such as `[[rule.item]]`, each read by `read`.
    fn tables<T>(
        &mut self,
        key: &'static str,
        what: &str,
        out: &mut Problems,
        read: impl Fn(Keys<'a>, &mut Problems) -> Option<T>,
    ) -> Vec<T> {
        let Some(value) = self.value(key) else {
            return Vec::new();
        };
        let DeValue::Array(list) = value.get_ref() else {
            unreadable(
                out,
                value.span(),
                &format!("`{key}` is a list of {what} tables"),
            );
            return Vec::new();
        };
        list.iter()
            .filter_map(|t| read(Keys::of(what, t, out)?, out))
            .collect()
    }

    /// Reports each key of the table that nobody asked for.
    fn finish(self, out: &mut Problems) {
        for (key, _) in self.table.iter() {
            let name: &str = key.get_ref();
            if !self.asked.iter().chain(&self.also).any(|k| *k == name) {
                self.unknown(name, key.span(), out);
            }
        }
    }

    fn unknown(&self, key: &str, span: Span, out: &mut Problems) {
        let keys: Vec<String> = self.asked.iter().map(|k| format!("`{k}`")).collect();
        let msg = format!(
            "`{key}` is not a key of {}; its keys are: {}",
            self.what,
            keys.join(", ")
        );
        let elsewhere: Vec<&str> = if self.rule {
            let has = |n: &&&str| keys_of(n, out).contains(&key);
            KINDS.iter().filter(has).copied().collect()
        } else {
            Vec::new()
        };
        // A typo: one edit in a short key, two in a longer one.
        let close = self
            .asked
            .iter()
            .map(|k| (strsim::damerau_levenshtein(key, k), *k))
            .filter(|(d, k)| *d <= if k.len() <= 5 { 1 } else { 2 })
            .min();
        let help = match close {
            _ if !elsewhere.is_empty() => Some(format!(
                "`{key}` belongs to rules of kind {}",
                elsewhere.join(", ")
            )),
            Some((_, k)) => Some(format!("did you mean `{k}`?")),
            None => None,
        };
        out.push_help(Code::RP001, span, msg, help);
    }
}

// ---------------------------------------------------------------------------
// The `[init]` table and province files, as written (see `init_data`)
// ---------------------------------------------------------------------------

/// A pack's `[init]` table, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInit {
    #[serde(default)]
    pub(super) plan: Vec<RawTexts>,
    #[serde(default)]
    pub(super) place: Vec<RawPlace>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTexts {
    pub(super) when: Option<Spanned<Cond>>,
    pub(super) title: Option<Spanned<String>>,
    pub(super) title_zh: Option<Spanned<String>>,
    pub(super) issuer: Option<Spanned<String>>,
    pub(super) issuer_zh: Option<Spanned<String>>,
    pub(super) contact_agency: Option<Spanned<String>>,
    pub(super) contact_agency_zh: Option<Spanned<String>>,
    pub(super) published: Option<Spanned<toml::value::Datetime>>,
    pub(super) milestone: Option<Spanned<toml::value::Datetime>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlace {
    pub(super) id: Option<Spanned<String>>,
    pub(super) name: Spanned<String>,
    pub(super) name_zh: Option<String>,
    #[serde(default)]
    pub(super) keywords: Vec<String>,
    pub(super) level: Option<Spanned<String>>,
    pub(super) kind: Option<Spanned<String>>,
    pub(super) province: Option<Spanned<String>>,
    pub(super) province_zh: Option<String>,
    pub(super) division_level: Option<Spanned<String>>,
    pub(super) division_label: Option<RawLabel>,
    pub(super) department_label: Option<RawLabel>,
    #[serde(default)]
    pub(super) divisions: Vec<RawUnit>,
    #[serde(default)]
    pub(super) zones: Vec<RawUnit>,
    #[serde(default)]
    pub(super) departments: Vec<RawUnit>,
    pub(super) city_department: Option<Spanned<String>>,
    pub(super) note: Option<String>,
    pub(super) note_zh: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLabel {
    pub(super) id: Option<Spanned<String>>,
    pub(super) name: String,
    pub(super) name_zh: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUnit {
    pub(super) id: Option<Spanned<String>>,
    pub(super) name: Spanned<String>,
    pub(super) name_zh: Option<String>,
    pub(super) kind: Option<Spanned<String>>,
    pub(super) level: Option<Spanned<String>>,
    pub(super) government: Option<String>,
    pub(super) government_zh: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProvince {
    pub(super) province: RawProvinceHeader,
    pub(super) names: Option<RawNames>,
    #[serde(default)]
    pub(super) city: Vec<RawPlace>,
    #[serde(default)]
    pub(super) city_department: Vec<RawUnit>,
    #[serde(default)]
    pub(super) provincial_department: Vec<RawPlace>,
    #[serde(default)]
    pub(super) institution: Vec<RawUnit>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProvinceHeader {
    pub(super) name: String,
    pub(super) name_zh: Option<String>,
    #[serde(default)]
    pub(super) keywords: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNames {
    pub(super) government: Option<Spanned<String>>,
    pub(super) government_zh: Option<Spanned<String>>,
    pub(super) division_government: Option<Spanned<String>>,
    pub(super) division_government_zh: Option<Spanned<String>>,
    pub(super) department: Option<Spanned<String>>,
    pub(super) department_zh: Option<Spanned<String>>,
    pub(super) institution: Option<Spanned<String>>,
    pub(super) institution_zh: Option<Spanned<String>>,
}
