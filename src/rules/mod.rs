//! Rule packs: loading the TOML files in `rules/` (embedded in the binary,
//! or given with `--rules`) and validating them into [`Rule`]s that
//! evaluation runs. A pack with errors yields diagnostics into its own file.

pub mod cond;
pub mod expr;
pub mod init_data;
mod raw;
/// The shipped packs, and what build.rs read of them.
mod shipped {
    use super::raw;
    include!(concat!(env!("OUT_DIR"), "/shipped_rules.rs"));
}
use shipped::{Shipped, BUILTIN};

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use toml::Spanned;

pub use cond::{Cond, DateRef, Leaf, Path, Scalar, Scope, Test};

use crate::finding::{Citation, Code, Finding, Label, Location, Provenance, Severity};
use crate::lang::Text;
use crate::message::{Message, Texts};
use crate::plan::{schema, Date};
use crate::source::{Source, SourceDb, SourceId, Span};
use crate::template::Template;

/// Placeholders a message, help or label may use.
const PLACEHOLDERS: &[&str] = &[
    "unit",
    "jurisdiction",
    "value",
    "other",
    "missing",
    "failed",
    "count",
    "min",
    "item",
    "rule",
    "statement",
    "what",
    "expires",
];

pub struct Pack {
    pub name: String,
    pub title: String,
    pub title_zh: Option<String>,
    pub document: String,
    pub signed: Option<Date>,
    pub applies: Applies,
    pub designated: Vec<Designated>,
    pub source: SourceId,
    /// What `cdocheck init` needs beside the rules: texts, example dates, places.
    pub init: init_data::InitData,
    /// The rules: set when a pack of one's own loads; a shipped pack's are
    /// compiled the first time a run asks for them (see [`Rules::builtin`]).
    body: OnceLock<Body>,
    deferred: Option<Deferred>,
}

/// A pack's rules, and each rule id's index among them.
#[derive(Default)]
struct Body {
    rules: Vec<Rule>,
    ids: HashMap<String, usize>,
}

impl Body {
    fn new(rules: Vec<Rule>) -> Body {
        let mut ids = HashMap::with_capacity(rules.len());
        for (i, r) in rules.iter().enumerate() {
            ids.entry(r.id.clone()).or_insert(i);
        }
        Body { rules, ids }
    }
}

/// What compiling a shipped pack's rules later needs.
struct Deferred {
    text: &'static str,
    /// Its rules as build.rs read them: no TOML to parse at run time.
    rules: fn() -> Vec<raw::Rule>,
    /// Where the first `[[rule]]` starts: what comes before was read at start.
    head: usize,
    keywords: BTreeMap<String, Vec<String>>,
    /// The rules' ids, read from the TOML alone: a pack of one's own is
    /// checked against every shipped id (RP003) without compiling the
    /// shipped packs, which cost a `--rules` run about 3 ms.
    ids: OnceLock<std::collections::HashSet<String>>,
}

impl Pack {
    /// The pack's rules, compiled on first use.
    pub fn rules(&self) -> &[Rule] {
        &self.body().rules
    }

    fn body(&self) -> &Body {
        self.body.get_or_init(|| match &self.deferred {
            Some(d) => self.compile_deferred(d),
            None => Body::default(),
        })
    }

    fn rule(&self, id: &str) -> Option<&Rule> {
        let body = self.body();
        body.rules.get(*body.ids.get(id)?)
    }

    /// Whether the pack has a rule with this id; a shipped pack not yet
    /// compiled answers from its rules' ids alone.
    fn defines(&self, id: &str) -> bool {
        match (self.body.get(), &self.deferred) {
            (Some(body), _) => body.ids.contains_key(id),
            (None, Some(d)) => d
                .ids
                .get_or_init(|| raw::rule_ids(d.text, d.head))
                .contains(id),
            (None, None) => false,
        }
    }

    /// A shipped pack's rules. The test `shipped_packs_load_the_same_lazily`
    /// validates them in full (ids unique across packs, supersedes), as a
    /// pack of one's own is; a problem here is a bug, and its rule is left out.
    fn compile_deferred(&self, d: &Deferred) -> Body {
        let mut out = Problems {
            source: self.source,
            findings: Vec::new(),
            text: d.text.into(),
        };
        let rules: Vec<Rule> = (d.rules)()
            .into_iter()
            .filter_map(|r| compile_rule(r, &self.name, self.source, &d.keywords, &mut out))
            .collect();
        debug_assert!(out.findings.is_empty(), "shipped pack {}", self.name);
        Body::new(rules)
    }
}

pub enum Applies {
    Always,
    When(Cond),
    /// Only when a plan or the command line names the pack.
    ByName,
}

/// A pilot the notice designates, for the portfolio roll-up.
pub struct Designated {
    pub name: String,
    pub name_zh: Option<String>,
    pub level: String,
    pub keywords: Vec<String>,
}

pub struct Rule {
    pub id: String,
    pub pack: String,
    pub statement: Text,
    pub severity: Severity,
    pub waivable: bool,
    /// Rules whose findings on the same element this rule's finding replaces.
    pub supersedes: Vec<String>,
    pub when: Option<Cond>,
    pub given: Option<String>,
    pub check: Check,
    /// Where the finding points when not at the failing field.
    pub at: Option<Path>,
    /// The message, help and label, parsed once when the pack loads.
    pub message: Arc<Texts>,
    pub help: Arc<Texts>,
    pub label: Option<Arc<Texts>>,
    pub first_label: Option<Text>,
    pub rationale: Text,
    pub example_fail: String,
    pub example_pass: String,
    pub citation: Arc<Citation>,
    /// Where the rule is defined.
    pub defined: Location,
}

pub enum Check {
    /// Each element (or the plan) satisfies `require`.
    Assert { require: Cond },
    /// At least `min` elements satisfy `where_`.
    Count {
        where_: Cond,
        min: i64,
        counted: Option<Text>,
        notes: Vec<(Cond, Text)>,
    },
    /// No two elements share a value of `field`.
    Unique { field: Path },
    /// For each item, some element satisfies its condition.
    Required { items: Vec<Item> },
    /// A CEL expression is true (for each element, or the plan), within
    /// its cost budget.
    Expr(Arc<expr::Expr>),
    /// The waiver mechanism's own checks (CORE003–CORE006, CORE009).
    Waiver(WaiverCheck),
    /// Checks of the plan's own choice of packs (CORE010–CORE012).
    Selection(SelectionCheck),
    /// Every string anywhere in the plan that holds a `<…>` placeholder (CORE008).
    Placeholder,
}

pub struct Item {
    pub name: String,
    pub name_zh: Option<String>,
    pub where_: Cond,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaiverCheck {
    UnknownTarget,
    NotWaivable,
    Unused,
    Expired,
    /// A blank `reason` or `approved_by`.
    Blank,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectionCheck {
    /// `rule_packs` leaves out a pack whose `applies_when` matches.
    LeftOut,
    /// No pack but those always on applies.
    NoneApplies,
    /// The field a pack selects on is a near miss of one of its keywords.
    NearMiss,
}

/// Every loaded pack.
#[derive(Default)]
pub struct Rules {
    pub packs: Vec<Pack>,
}

/// Diagnostics into one pack file, collected while validating it.
pub struct Problems {
    source: SourceId,
    pub findings: Vec<Finding>,
    /// The pack's text: spans inside a CEL string are found in it.
    text: Arc<str>,
}

impl Problems {
    pub fn push(&mut self, span: Span, msg: impl Into<String>) {
        self.push_code(Code::RP002, span, msg.into());
    }

    fn push_code(&mut self, code: Code, span: Span, msg: String) {
        self.push_help(code, span, msg, None);
    }

    fn push_help(&mut self, code: Code, span: Span, msg: String, help: Option<String>) {
        let at = Location {
            source: self.source,
            span,
        };
        // Pack diagnostics are written for pack authors, in English.
        let f = code.at(at, Message::plain(msg));
        self.findings.push(match help {
            Some(help) => f.with_help(Message::plain(help)),
            None => f,
        });
    }
}

impl Rule {
    /// Are its findings about single units (rather than the plan as a
    /// whole, as counts and required units are, though they read units)?
    pub fn about_units(&self) -> bool {
        self.given.as_deref() == Some("unit")
            && !matches!(self.check, Check::Count { .. } | Check::Required { .. })
    }
}

impl Rules {
    /// The packs shipped in the binary. Only each pack's head (header,
    /// keyword sets, pilots, `init`: what comes before its first `[[rule]]`)
    /// is read here; its rules are compiled when a run first asks for them,
    /// so that a plan pays only for the packs it selects. Reading every pack
    /// in full was most of a one-plan run.
    pub fn builtin(db: &mut SourceDb) -> Result<Rules, Vec<Finding>> {
        let mut rules = Rules::default();
        for pack in BUILTIN {
            rules.add_shipped(db, pack)?;
        }
        Ok(rules)
    }

    /// The shipped packs read and validated in full, as packs of one's own
    /// are (for the tests).
    #[cfg(test)]
    fn builtin_eager(db: &mut SourceDb) -> Result<Rules, Vec<Finding>> {
        let mut rules = Rules::default();
        for pack in BUILTIN {
            rules.add(db, pack.file, pack.text)?;
        }
        Ok(rules)
    }

    fn add_shipped(&mut self, db: &mut SourceDb, shipped: &Shipped) -> Result<(), Vec<Finding>> {
        let text = shipped.text;
        let source = db.add(Source::new(shipped.file, text));
        let head = raw::rules_start(text);
        let mut problems = Problems {
            source,
            findings: Vec::new(),
            text: text.into(),
        };
        let pack = self
            .compile_head((shipped.head)(), source, &mut problems)
            .map(|(mut pack, keywords)| {
                pack.deferred = Some(Deferred {
                    text,
                    rules: shipped.rules,
                    head,
                    keywords,
                    ids: OnceLock::new(),
                });
                pack
            });
        match pack {
            Some(pack) if problems.findings.is_empty() => {
                self.packs.push(pack);
                Ok(())
            }
            _ => Err(problems.findings),
        }
    }

    /// Loads one pack file; its errors point into it.
    pub fn add(&mut self, db: &mut SourceDb, name: &str, text: &str) -> Result<(), Vec<Finding>> {
        let source = db.add(Source::new(name, text));
        let mut problems = Problems {
            source,
            findings: Vec::new(),
            text: text.into(),
        };
        let Some((file, rules)) = raw::parse(text, &mut problems) else {
            return Err(problems.findings);
        };
        let pack = self.compile_pack(file, rules, source, &mut problems);
        if problems.findings.is_empty() {
            if let Some(pack) = pack {
                self.packs.push(pack);
            }
            Ok(())
        } else {
            Err(problems.findings)
        }
    }

    pub fn pack(&self, name: &str) -> Option<&Pack> {
        self.packs.iter().find(|p| p.name == name)
    }

    /// The rule with this id. Ids are unique across packs (RP003): the
    /// pack that defines it is found without compiling any other.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.packs
            .iter()
            .find(|p| p.defines(id))
            .and_then(|p| p.rule(id))
    }

    pub fn all(&self) -> impl Iterator<Item = &Rule> {
        self.packs.iter().flat_map(|p| p.rules().iter())
    }

    pub fn pack_names(&self) -> Vec<&str> {
        self.packs.iter().map(|p| p.name.as_str()).collect()
    }

    /// The pack a name that names none probably means: the one pack it
    /// begins (`guangdong` → `guangdong-2021`), else the closest name.
    pub fn meant_pack(&self, name: &str) -> Option<&str> {
        let names = self.pack_names();
        let lower = name.trim().to_lowercase();
        let mut starts = names
            .iter()
            .filter(|p| !lower.is_empty() && p.starts_with(&lower));
        match (starts.next(), starts.next()) {
            (Some(p), None) => Some(p),
            _ => expr::suggest(name, &names),
        }
    }

    fn compile_pack(
        &self,
        file: raw::PackFile,
        raw_rules: Vec<raw::Rule>,
        source: SourceId,
        out: &mut Problems,
    ) -> Option<Pack> {
        let (pack, keywords) = self.compile_head(file, source, out)?;
        let rules = self.compile_rules(&pack.name, raw_rules, source, &keywords, out);
        pack.body
            .set(Body::new(rules))
            .unwrap_or_else(|_| unreachable!("a new pack has no rules yet"));
        Some(pack)
    }

    /// A pack without its rules, and its keyword sets (which the rules use).
    fn compile_head(
        &self,
        file: raw::PackFile,
        source: SourceId,
        out: &mut Problems,
    ) -> Option<(Pack, BTreeMap<String, Vec<String>>)> {
        let header = file.pack;
        let name = header.name.get_ref().clone();
        if self.pack(&name).is_some() {
            out.push_code(
                Code::RP003,
                header.name.span(),
                format!("a pack named `{name}` is already loaded"),
            );
        }
        let keywords = keyword_sets(&file.keywords, out);
        let top = cond::Compiler {
            given: None,
            keywords: &keywords,
        };
        let applies = match (&header.applies_when, header.always) {
            (_, true) => Applies::Always,
            (Some(c), false) => Applies::When(top.cond(c, out)?),
            (None, false) => Applies::ByName,
        };
        let designated = file
            .designated
            .iter()
            .filter_map(|d| {
                let kws = top.keywords(
                    std::slice::from_ref(&Spanned::new(
                        d.keywords.span(),
                        format!("@{}", d.keywords.get_ref()),
                    )),
                    out,
                )?;
                Some(Designated {
                    name: d.name.clone(),
                    name_zh: d.name_zh.clone(),
                    level: d.level.clone(),
                    keywords: kws,
                })
            })
            .collect();
        let pack = Pack {
            name,
            title: header.title,
            title_zh: header.title_zh,
            document: header.document,
            signed: header.signed.and_then(|d| Date::parse(&d.to_string())),
            applies,
            designated,
            source,
            init: init_data::compile(file.init, &top, out),
            body: OnceLock::new(),
            deferred: None,
        };
        Some((pack, keywords))
    }

    fn compile_rules(
        &self,
        name: &str,
        raw_rules: Vec<raw::Rule>,
        source: SourceId,
        keywords: &BTreeMap<String, Vec<String>>,
        out: &mut Problems,
    ) -> Vec<Rule> {
        let mut rules: Vec<Rule> = Vec::new();
        // The ids of this pack so far, each to its index in `rules`.
        let mut ids: HashMap<String, usize> = HashMap::new();
        for r in raw_rules {
            let id = r.id.get_ref();
            let lookup = |id: &str| -> Option<&Rule> {
                match ids.get(id) {
                    Some(&i) => rules.get(i),
                    None => self.rule(id),
                }
            };
            if let Err(why) = check_id(id) {
                out.push(r.id.span(), why);
            } else if let Some(first) = lookup(id) {
                let at = first.defined.clone();
                out.push_code(
                    Code::RP003,
                    r.id.span(),
                    format!("rule `{id}` is defined twice"),
                );
                // It may be another pack's: the packs share one source database.
                if let Some(f) = out.findings.last_mut() {
                    f.labels.push(Label {
                        at,
                        text: Message::new("rp003.first"),
                    });
                }
            }
            for sup in &r.supersedes {
                let target = lookup(sup.get_ref());
                match target {
                    None => out.push(
                        sup.span(),
                        format!(
                            "`{}` supersedes `{}`, which no pack loaded before this rule defines",
                            crate::text::safe(id),
                            crate::text::safe(sup.get_ref())
                        ),
                    ),
                    Some(t) if t.given.as_deref() != r.kind.given().map(|g| g.get_ref().as_str()) => out.push(
                        sup.span(),
                        format!(
                            "`{}` is about each `{}`, this rule about each `{}`: a rule supersedes only rules about the same element",
                            sup.get_ref(),
                            t.given.as_deref().unwrap_or("plan"),
                            r.kind.given().map_or("plan", |g| g.get_ref().as_str()),
                        ),
                    ),
                    Some(_) => {}
                }
            }
            let id = id.clone();
            if let Some(rule) = compile_rule(r, name, source, keywords, out) {
                ids.entry(id).or_insert(rules.len());
                rules.push(rule);
            }
        }
        rules
    }
}

/// What a rule id looks like: one to ten capital ASCII letters, then one to
/// six digits (`GD005`, `CORE001`). `PF` and `RP` are cdocheck's own codes.
fn check_id(id: &str) -> Result<(), String> {
    let letters = id.bytes().take_while(u8::is_ascii_uppercase).count();
    let digits = id.len() - letters;
    let shaped = (1..=10).contains(&letters)
        && (1..=6).contains(&digits)
        && id[letters..].bytes().all(|b| b.is_ascii_digit());
    if !shaped {
        return Err(format!(
            "rule id `{}` is not one to ten capital letters A–Z followed by one to six digits, as `GD005`",
            crate::text::safe(id)
        ));
    }
    if matches!(&id[..letters], "PF" | "RP") {
        return Err(format!(
            "rule id `{id}`: ids starting with `PF` or `RP` are cdocheck's own codes"
        ));
    }
    Ok(())
}

/// Resolves `@set` references between keyword sets, however deep; a cycle
/// (naming its chain), an unknown set, a blank keyword or a set that comes
/// out empty is an error at the set.
fn keyword_sets(
    raw: &BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    out: &mut Problems,
) -> BTreeMap<String, Vec<String>> {
    let mut done: BTreeMap<String, Option<Vec<String>>> = BTreeMap::new();
    for name in raw.keys() {
        expand_set(raw, &mut vec![name.as_str()], &mut done, out);
    }
    // A set with an error stays, empty, so that conditions naming it do not
    // earn a second error: the pack does not load either way.
    done.into_iter()
        .map(|(k, v)| (k, v.unwrap_or_default()))
        .collect()
}

/// The keywords of the set last in `chain`, its includes expanded, each
/// keyword once; `done` holds every set already expanded (`None`: it has
/// an error, reported once), so each is expanded once.
fn expand_set<'a>(
    raw: &'a BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    chain: &mut Vec<&'a str>,
    done: &mut BTreeMap<String, Option<Vec<String>>>,
    out: &mut Problems,
) -> Option<Vec<String>> {
    let name = *chain.last()?;
    if let Some(words) = done.get(name) {
        return words.clone();
    }
    let list = raw.get(name)?;
    let mut words: Vec<String> = Vec::new();
    let mut ok = true;
    for w in list.get_ref() {
        let Some(inc) = w.get_ref().strip_prefix('@') else {
            let word = w.get_ref().trim().to_lowercase();
            if word.is_empty() {
                out.push(w.span(), "a blank keyword matches every name".to_string());
                ok = false;
            }
            words.push(word);
            continue;
        };
        if let Some(pos) = chain.iter().position(|c| *c == inc) {
            let mut cycle: Vec<String> = chain[pos..].iter().map(|c| format!("@{c}")).collect();
            cycle.push(format!("@{inc}"));
            out.push(
                w.span(),
                format!("keyword sets include each other: {}", cycle.join(" → ")),
            );
            ok = false;
            continue;
        }
        let Some((key, _)) = raw.get_key_value(inc) else {
            out.push(
                w.span(),
                format!("no keyword set `{}` in this pack", crate::text::safe(inc)),
            );
            ok = false;
            continue;
        };
        chain.push(key.as_str());
        let sub = expand_set(raw, chain, done, out);
        chain.pop();
        match sub {
            Some(sub) => words.extend(sub),
            None => ok = false,
        }
    }
    let mut seen = std::collections::HashSet::new();
    words.retain(|w| seen.insert(w.clone()));
    if ok && words.is_empty() {
        out.push(
            list.span(),
            format!("keyword set `{name}` holds no keyword: a condition on it could never hold"),
        );
        ok = false;
    }
    let result = ok.then_some(words);
    done.insert(name.to_string(), result.clone());
    result
}

fn compile_rule(
    r: raw::Rule,
    pack: &str,
    source: SourceId,
    keywords: &BTreeMap<String, Vec<String>>,
    out: &mut Problems,
) -> Option<Rule> {
    let before = out.findings.len();
    let given = r.kind.given().map(|g| g.get_ref().clone());
    if let Some(g) = r.kind.given() {
        // The elements are the plan format's arrays of tables.
        if !schema::is_element(g.get_ref()) {
            let elements: Vec<String> = schema::elements().map(|e| format!("\"{e}\"")).collect();
            out.push(
                g.span(),
                format!(
                    "`given` names what a rule iterates over: {}",
                    elements.join(", ")
                ),
            );
        }
    }
    let c = cond::Compiler {
        given: given.as_deref(),
        keywords,
    };
    let severity = Severity::parse(r.severity.get_ref()).or_else(|| {
        out.push(
            r.severity.span(),
            "severity is one of \"error\", \"warning\", \"info\"",
        );
        None
    });
    let when = r.kind.when().and_then(|w| c.cond(w, out));
    let at = r.kind.at().and_then(|a| at_path(a, &c, out));
    let zh = r.zh.as_ref();
    let check = compile_check(&r.kind, zh, &c, out);
    let citation = compile_citation(r.citation, pack, out);
    let mut template = |en: &Spanned<String>, zh: Option<&Spanned<String>>| {
        let en = parse_template(en, out);
        let zh = match zh {
            Some(z) => Some(parse_template(z, out)?),
            None => None,
        };
        Some(Arc::new(Texts { en: en?, zh }))
    };
    let message = template(&r.message, zh.map(|z| &z.message));
    let help = template(&r.help, zh.map(|z| &z.help));
    let label = r
        .label
        .as_ref()
        .map(|l| template(l, zh.and_then(|z| z.label.as_ref())));
    if out.findings.len() > before {
        return None;
    }
    let zh_of = |f: fn(&raw::RuleZh) -> Option<&String>| zh.and_then(f).cloned();
    let first_label = match &r.kind {
        raw::Kind::Unique(u) => u.first_label.clone(),
        _ => None,
    };
    Some(Rule {
        id: r.id.get_ref().clone(),
        pack: pack.to_string(),
        statement: Text::new(r.statement, zh_of(|z| Some(&z.statement))),
        severity: severity?,
        supersedes: r.supersedes.iter().map(|s| s.get_ref().clone()).collect(),
        waivable: r.waivable,
        when,
        given,
        check: check?,
        at,
        message: message?,
        help: help?,
        label: label.flatten(),
        first_label: first_label.map(|l| Text::new(l, zh_of(|z| z.first_label.as_ref()))),
        // Optional in packs of one's own; a test holds the shipped ones to them.
        rationale: Text::new(
            r.rationale.unwrap_or_default(),
            zh_of(|z| z.rationale.as_ref()),
        ),
        example_fail: r.example_fail.unwrap_or_default(),
        example_pass: r.example_pass.unwrap_or_default(),
        citation: citation?,
        defined: Location {
            source,
            span: r.id.span(),
        },
    })
}

fn compile_citation(c: raw::Citation, pack: &str, out: &mut Problems) -> Option<Arc<Citation>> {
    let Some(provenance) = Provenance::parse(c.provenance.get_ref()) else {
        out.push(c.provenance.span(), "provenance is \"text\" (read in the official text), \"report\" (known from reports of it) or \"convention\" (a drafting convention or the checker's own rule)");
        return None;
    };
    Some(Arc::new(Citation {
        pack: pack.to_string(),
        document: c.document,
        section: c.section,
        section_zh: c.section_zh,
        quote: c.quote,
        quote_en: c.quote_en,
        provenance,
        source: c.source,
        source_zh: c.source_zh,
    }))
}

/// `at` names a table or field; `unit` (given unit) is the element itself.
fn at_path(a: &Spanned<String>, c: &cond::Compiler, out: &mut Problems) -> Option<Path> {
    if c.given == Some(a.get_ref().as_str()) {
        return Some(Path {
            text: a.get_ref().clone(),
            scope: Scope::Element,
            segs: Vec::new(),
            required: true,
        });
    }
    c.path(a, out)
}

/// The kind's own part of a rule: one function per kind. The keys each kind
/// has, and which it needs, were settled when the pack was read.
fn compile_check(
    kind: &raw::Kind,
    zh: Option<&raw::RuleZh>,
    c: &cond::Compiler,
    out: &mut Problems,
) -> Option<Check> {
    match kind {
        raw::Kind::Assert(k) => compile_assert(k, c, out),
        raw::Kind::Count(k) => compile_count(k, zh, c, out),
        raw::Kind::Unique(k) => compile_unique(k, c, out),
        raw::Kind::Required(k) => compile_required(k, c, out),
        raw::Kind::Expr(k) => compile_expr(k, out),
        raw::Kind::Waiver(k) => compile_waiver(k, out),
        raw::Kind::Selection(k) => compile_selection(k, out),
        raw::Kind::Placeholder(k) => compile_placeholder(k),
    }
}

fn compile_assert(k: &raw::Assert, c: &cond::Compiler, out: &mut Problems) -> Option<Check> {
    Some(Check::Assert {
        require: c.cond(&k.require, out)?,
    })
}

fn compile_count(
    k: &raw::Count,
    zh: Option<&raw::RuleZh>,
    c: &cond::Compiler,
    out: &mut Problems,
) -> Option<Check> {
    let notes = k
        .note
        .iter()
        .filter_map(|n| {
            let says = Text::new(n.says.clone(), n.says_zh.clone());
            Some((c.cond(&n.when, out)?, says))
        })
        .collect();
    let counted = k.counted.as_ref().map(|en| {
        let zh = zh.and_then(|z| z.counted.clone());
        Text::new(en.clone(), zh)
    });
    Some(Check::Count {
        where_: c.cond(&k.where_, out)?,
        min: k.min,
        counted,
        notes,
    })
}

fn compile_unique(k: &raw::Unique, c: &cond::Compiler, out: &mut Problems) -> Option<Check> {
    Some(Check::Unique {
        field: c.path(&k.field, out)?,
    })
}

fn compile_required(k: &raw::Required, c: &cond::Compiler, out: &mut Problems) -> Option<Check> {
    let items: Vec<_> = k
        .item
        .iter()
        .filter_map(|i| {
            Some(Item {
                name: i.name.clone(),
                name_zh: i.name_zh.clone(),
                where_: c.cond(&i.where_, out)?,
            })
        })
        .collect();
    (items.len() == k.item.len()).then_some(Check::Required { items })
}

fn compile_expr(k: &raw::Expr, out: &mut Problems) -> Option<Check> {
    let given = k.given.as_ref().map(|g| g.get_ref().as_str());
    match expr::compile(k.expr.get_ref(), given) {
        Ok(e) => Some(Check::Expr(Arc::new(e))),
        Err(problems) => {
            for p in problems {
                let span =
                    p.at.and_then(|at| span_in_string(&out.text, k.expr.span(), at))
                        .unwrap_or(k.expr.span());
                out.push_help(Code::RP002, span, p.msg, p.help);
            }
            None
        }
    }
}

/// The span in the pack of bytes `at` of the value of the TOML string at
/// `string`: exact when the string, as written, holds no escape (a literal
/// string, or a basic one without `\`); otherwise `None`, and the caller
/// points at the whole string.
fn span_in_string(pack: &str, string: Span, at: (usize, usize)) -> Option<Span> {
    let raw = pack.get(string.clone())?;
    let quote = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|q| raw.starts_with(q))?;
    let mut start = string.start + quote.len();
    if quote.len() == 3 {
        // A newline right after the opening quotes is not part of the value.
        let rest = pack.get(start..)?;
        start += if rest.starts_with("\r\n") {
            2
        } else {
            usize::from(rest.starts_with('\n'))
        };
    }
    let body = pack.get(start..string.end.checked_sub(quote.len())?)?;
    if quote.starts_with('"') && body.contains('\\') {
        return None;
    }
    let (a, b) = (start + at.0, start + at.1.min(body.len()));
    (a < b && pack.is_char_boundary(a) && pack.is_char_boundary(b)).then_some(a..b)
}

fn compile_waiver(k: &raw::Waiver, out: &mut Problems) -> Option<Check> {
    let check = match k.check.get_ref().as_str() {
        "unknown-target" => WaiverCheck::UnknownTarget,
        "not-waivable" => WaiverCheck::NotWaivable,
        "unused" => WaiverCheck::Unused,
        "expired" => WaiverCheck::Expired,
        "blank" => WaiverCheck::Blank,
        _ => {
            out.push(k.check.span(), "the `check` of a `waiver` rule is \"unknown-target\", \"not-waivable\", \"unused\", \"expired\" or \"blank\"");
            return None;
        }
    };
    Some(Check::Waiver(check))
}

fn compile_selection(k: &raw::Selection, out: &mut Problems) -> Option<Check> {
    let check = match k.check.get_ref().as_str() {
        "left-out" => SelectionCheck::LeftOut,
        "none-applies" => SelectionCheck::NoneApplies,
        "near-miss" => SelectionCheck::NearMiss,
        _ => {
            out.push(k.check.span(), "the `check` of a `selection` rule is \"left-out\", \"none-applies\" or \"near-miss\"");
            return None;
        }
    };
    Some(Check::Selection(check))
}

/// Its only key, `when`, is the rule's.
fn compile_placeholder(_: &raw::Placeholder) -> Option<Check> {
    Some(Check::Placeholder)
}

/// A message, help or label, parsed once; each unknown `{variable}` is an
/// error at the text that holds it.
fn parse_template(t: &Spanned<String>, out: &mut Problems) -> Option<Template> {
    match Template::parse(t.get_ref(), PLACEHOLDERS) {
        Ok(template) => Some(template),
        Err(unknown) => {
            for u in unknown {
                let msg = format!(
                    "unknown placeholder `{{{}}}`; the placeholders are: {}",
                    u.name,
                    PLACEHOLDERS.join(", ")
                );
                out.push(t.span(), msg);
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    /// build.rs reads the shipped packs with this module's reader: what it
    /// wrote is what reading each pack's text gives, span for span.
    #[test]
    fn shipped_rules_read_at_build_time_are_the_packs_own() {
        for read in BUILTIN {
            let (name, text) = (read.file, read.text);
            let mut out = Problems {
                source: SourceId(0),
                findings: Vec::new(),
                text: (*text).into(),
            };
            let head = raw::rules_start(text);
            let rules = raw::parse_rules(text, head, &mut out);
            let file = raw::parse(&text[..head], &mut out).map(|(f, _)| f);
            assert!(out.findings.is_empty(), "{name}");
            assert!(!rules.is_empty(), "{name}");
            assert_eq!(
                format!("{:?}", (read.rules)()),
                format!("{rules:?}"),
                "{name}"
            );
            assert_eq!(
                format!("{:?}", Some((read.head)())),
                format!("{file:?}"),
                "{name}"
            );
        }
    }

    #[test]
    fn shipped_rule_ids_are_read_without_compiling() {
        let mut db = SourceDb::default();
        let rules = Rules::builtin(&mut db).unwrap_or_else(|e| panic!("{e:?}"));
        for p in &rules.packs {
            let Some(d) = &p.deferred else { continue };
            let mut read: Vec<String> = raw::rule_ids(d.text, d.head).into_iter().collect();
            read.sort();
            assert!(p.body.get().is_none(), "{}: compiled early", p.name);
            let mut compiled: Vec<String> = p.rules().iter().map(|r| r.id.clone()).collect();
            compiled.sort();
            assert!(!compiled.is_empty(), "{}", p.name);
            assert_eq!(read, compiled, "{}", p.name);
        }
        // A lookup compiles only the pack that has the rule.
        let rules = Rules::builtin(&mut SourceDb::default()).unwrap_or_else(|e| panic!("{e:?}"));
        let d = rules.packs[1].deferred.as_ref().expect("a shipped pack");
        let id = raw::rule_ids(d.text, d.head)
            .into_iter()
            .next()
            .unwrap_or_default();
        assert!(rules.rule(&id).is_some());
        assert!(rules.rule("NOPE999").is_none());
        let compiled: Vec<&str> = rules
            .packs
            .iter()
            .filter(|p| p.body.get().is_some())
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(compiled, [rules.packs[1].name.as_str()]);
    }

    /// The shipped packs, read whole and validated as packs of one's own
    /// are (ids unique across packs, supersedes), give the same packs and
    /// rules as the start-up's head-first reading, which trusts this test.
    #[test]
    fn shipped_packs_load_the_same_lazily() {
        let (mut db, mut lazy_db) = (SourceDb::default(), SourceDb::default());
        let eager = Rules::builtin_eager(&mut db).unwrap_or_else(|e| panic!("{e:?}"));
        let lazy = Rules::builtin(&mut lazy_db).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(lazy.packs.iter().all(|p| p.body.get().is_none()));
        let shape = |rules: &Rules| -> Vec<String> {
            let mut out = Vec::new();
            for p in &rules.packs {
                out.push(format!(
                    "{} {:?} {} {} {}",
                    p.name,
                    p.source,
                    p.designated.len(),
                    p.init.texts.len(),
                    matches!(p.applies, Applies::When(_))
                ));
                for r in p.rules() {
                    out.push(format!(
                        "{} {} {:?} {:?} {:?} {} {}",
                        r.id,
                        r.pack,
                        r.given,
                        r.supersedes,
                        r.defined.span,
                        r.statement.en,
                        r.message.en.fill(|_| Some("·"))
                    ));
                }
            }
            out
        };
        assert_eq!(shape(&eager), shape(&lazy));
        for pack in BUILTIN {
            let head = &pack.text[..raw::rules_start(pack.text)];
            assert!(!head.contains("[[rule]]"), "{}", pack.file);
        }
    }

    /// Every shipped rule traces to where its words were read.
    #[test]
    fn every_shipped_rule_has_a_source() {
        let mut db = SourceDb::default();
        let rules = Rules::builtin(&mut db).unwrap_or_else(|e| panic!("{e:?}"));
        let missing: Vec<&str> = rules
            .all()
            .filter(|r| {
                r.citation
                    .source
                    .as_deref()
                    .is_none_or(|s| s.trim().is_empty())
            })
            .map(|r| r.id.as_str())
            .collect();
        assert!(missing.is_empty(), "rules without a source: {missing:?}");
    }

    /// The rules that lack a rationale (in either language) or an example.
    fn unexplained(rules: &Rules) -> Vec<&str> {
        let blank = |s: &str| s.trim().is_empty();
        rules
            .all()
            .filter(|r| {
                blank(&r.rationale.en)
                    || r.rationale.zh.as_deref().is_none_or(blank)
                    || blank(&r.example_fail)
                    || blank(&r.example_pass)
            })
            .map(|r| r.id.as_str())
            .collect()
    }

    /// Packs of one's own may leave out the rationale and examples; the
    /// shipped ones may not: `explain` and docs/rules.md show them.
    #[test]
    fn every_shipped_rule_has_a_rationale_and_examples() {
        let mut db = SourceDb::default();
        let mut rules = Rules::builtin(&mut db).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(unexplained(&rules), Vec::<&str>::new());
        let terse = r#"[pack]
name = "terse"
title = "t"
document = "d"
[[rule]]
id = "T001"
statement = "s"
severity = "error"
kind = "placeholder"
message = "m"
help = "h"
[rule.citation]
document = "d"
provenance = "convention"
"#;
        rules
            .add(&mut db, "terse.toml", terse)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(unexplained(&rules), ["T001"], "the check sees a gap");
    }

    #[test]
    fn a_superseded_rule_must_exist_and_be_about_the_same_element() {
        let mut db = SourceDb::default();
        let mut rules = Rules::builtin(&mut db).unwrap_or_else(|e| panic!("{e:?}"));
        let pack = |sup: &str, given: &str| {
            format!(
                r#"[pack]
name = "x-{given}-{sup}"
title = "x"
document = "x"
[[rule]]
id = "X{given}{sup}"
statement = "s"
severity = "error"
kind = "assert"
{given}
require = {{ field = "plan.title", exists = true }}
supersedes = ["{sup}"]
message = "m"
help = "h"
rationale = "r"
example_fail = ""
example_pass = ""
[rule.citation]
document = "x"
provenance = "convention"
"#
            )
        };
        let nowhere = rules
            .add(&mut db, "a.toml", &pack("GD999", ""))
            .unwrap_err();
        assert!(
            nowhere[0]
                .message
                .get(Lang::En)
                .contains("no pack loaded before"),
            "{}",
            nowhere[0].message
        );
        // GD005 is about each unit; a plan rule cannot supersede it.
        let other = rules
            .add(&mut db, "b.toml", &pack("GD005", ""))
            .unwrap_err();
        assert!(
            other[0].message.get(Lang::En).contains("same element"),
            "{}",
            other[0].message
        );
        assert!(rules.add(&mut db, "c.toml", &pack("GD007", "")).is_ok());
    }
}
