//! What the auditor's outputs (HTML, xlsx, review letters) show, as plain
//! view models built from the reports and the portfolio in one place, so
//! that a field added to either (a pilot's figures, a plan's details) is
//! wired into every auditor output here. Every string here is already in
//! the output's language and made safe ([`safe`]); each format escapes for
//! itself (HTML entities, XML).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::finding::{Citation, Severity};
use crate::lang::{Lang, Text};
use crate::message::{Arg, Message};
use crate::portfolio::{Pilot, PilotStatus, Portfolio};
use crate::report::{FileReport, Located, Status};
use crate::rules::Rules;
use crate::source::SourceDb;

use super::{cite, safe, safe_source, tables};
use crate::text::safe_owned;

/// One plan's line: the Plans sheet, the HTML index and a letter's heading.
#[derive(Clone, Debug)]
pub struct PlanView {
    pub path: String,
    /// Jurisdiction in the reader's language; `None` when unknown.
    pub jurisdiction: Option<String>,
    /// The level as the plan writes it (a machine token).
    pub level: Option<String>,
    pub packs: Vec<String>,
    pub status: Status,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub waived: usize,
    pub baselined: usize,
    /// Could not be read or parsed (PF001).
    pub unreadable: bool,
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub document_number: Option<String>,
    pub published: Option<String>,
    /// SHA-256 of the bytes read (the JSON's `sha256`); `None` when the
    /// file could not be read at all.
    pub sha256: Option<String>,
}

pub fn plan(r: &FileReport, lang: Lang) -> PlanView {
    let c = r.counts();
    let pick = |en: &Option<String>, zh: &Option<String>| {
        let zh = zh.as_deref().filter(|_| lang == Lang::Zh);
        zh.or(en.as_deref()).map(|s| safe(s).into_owned())
    };
    let f = &r.facts;
    PlanView {
        path: safe(&r.path).into_owned(),
        jurisdiction: pick(&f.jurisdiction, &f.jurisdiction_zh),
        level: f.level.as_deref().map(|s| safe(s).into_owned()),
        packs: r.packs.iter().map(|p| safe(p).into_owned()).collect(),
        status: r.status,
        errors: c.errors,
        warnings: c.warnings,
        infos: c.infos,
        waived: c.waived,
        baselined: c.baselined,
        unreadable: r.findings.iter().any(|l| &*l.finding.code == "PF001"),
        title: pick(&f.title, &f.title_zh),
        issuer: f.issuer.as_deref().map(|s| safe(s).into_owned()),
        document_number: f.document_number.as_deref().map(|s| safe(s).into_owned()),
        published: f.published.map(|d| d.to_string()),
        sha256: r.sha256.as_deref().map(|s| safe(s).into_owned()),
    }
}

/// A file as the auditor's outputs show it: its line and its findings.
#[derive(Clone, Debug)]
pub struct FileView {
    pub plan: PlanView,
    pub findings: Vec<FindingView>,
}

/// One file's [`FileView`], built once for all the auditor outputs of a
/// run (they share the reader's language) by the first that asks.
#[derive(Default)]
pub struct Shared<'c> {
    view: OnceLock<FileView>,
    cites: Option<&'c Cites>,
}

impl<'c> Shared<'c> {
    /// A file's view, its citations taken from the run's `cites`.
    pub fn with(cites: &'c Cites) -> Self {
        Shared {
            view: OnceLock::new(),
            cites: Some(cites),
        }
    }

    pub fn get(&self, r: &FileReport, rules: &Rules, lang: Lang) -> &FileView {
        self.view.get_or_init(|| {
            // A plan's findings cite a few rules, most several times: each
            // citation looked up once per plan, not once per finding (the
            // run's cache is behind a lock the workers share).
            let mut cited: Vec<(*const Citation, Arc<CiteView>)> = Vec::new();
            let mut cite = |c: &Arc<Citation>| {
                if let Some((_, v)) = cited.iter().find(|(k, _)| *k == Arc::as_ptr(c)) {
                    return v.clone();
                }
                let v = match self.cites {
                    Some(cites) => cites.get(c, rules, lang),
                    None => Arc::new(cite_view(c, rules, lang)),
                };
                cited.push((Arc::as_ptr(c), v.clone()));
                v
            };
            FileView {
                plan: plan(r, lang),
                findings: r
                    .findings
                    .iter()
                    .map(|l| finding(l, l.finding.citation.as_ref().map(&mut cite), lang))
                    .collect(),
            }
        })
    }
}

/// The citations of a run as shown, each built once: every finding of a
/// rule shares its rule's citation, and showing it (clause, source,
/// quotes, each made safe) costs as much as the rest of the finding.
#[derive(Default)]
pub struct Cites(Mutex<HashMap<usize, Cited>>);

/// A rule's citation, and how it is shown.
type Cited = (Arc<Citation>, Arc<CiteView>);

impl Cites {
    fn get(&self, c: &Arc<Citation>, rules: &Rules, lang: Lang) -> Arc<CiteView> {
        // Keyed by the rule's citation itself, which the entry keeps alive
        // (so its address names no other while the run lasts).
        let key = Arc::as_ptr(c) as usize;
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let (_, view) = map
            .entry(key)
            .or_insert_with(|| (c.clone(), Arc::new(cite_view(c, rules, lang))));
        view.clone()
    }
}

/// A citation as the auditor's outputs show it.
#[derive(Clone, Debug, PartialEq)]
pub struct CiteView {
    /// `粤办函〔2021〕63号 §二 试点范围` / `《…》（…）“二、试点范围”`.
    pub clause: String,
    /// `text`, `report`, `convention` in the reader's words.
    pub provenance: String,
    /// The provenance as JSON spells it.
    pub provenance_token: &'static str,
    pub source: Option<String>,
    /// The whole citation line (`cites … (…)` / `依据…；来源：…`).
    pub line: String,
    /// The quoted words, each without its marks.
    pub quotes: Vec<String>,
}

/// A waiver that covers a finding.
#[derive(Clone, Debug)]
pub struct WaiverView {
    pub reason: String,
    pub approved_by: String,
}

/// One finding.
#[derive(Clone, Debug)]
pub struct FindingView {
    pub code: String,
    pub severity: Severity,
    /// The severity in the reader's words.
    pub severity_word: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub unit: Option<String>,
    pub key: Option<String>,
    pub message: String,
    pub help: Option<String>,
    pub citation: Option<Arc<CiteView>>,
    pub waiver: Option<WaiverView>,
    pub baselined: bool,
    /// Fails its plan at the run's `--fail-on`.
    pub fails: bool,
}

/// A finding as shown, with its citation's view.
fn finding(l: &Located, citation: Option<Arc<CiteView>>, lang: Lang) -> FindingView {
    let f = &l.finding;
    FindingView {
        code: safe(&f.code).into_owned(),
        severity: f.severity,
        severity_word: super::severity_word(f.severity).get(lang),
        line: l.start.line,
        column: l.start.column,
        end_line: l.end.line,
        end_column: l.end.column,
        unit: f.unit.as_deref().map(|s| safe(s).into_owned()),
        key: f.key.as_deref().map(|s| safe(s).into_owned()),
        message: safe_owned(f.message.get(lang)),
        help: f.help.as_ref().map(|h| safe_owned(h.get(lang))),
        citation,
        waiver: f.waived.as_ref().map(|w| WaiverView {
            reason: safe(&w.reason).into_owned(),
            approved_by: safe(&w.approved_by).into_owned(),
        }),
        baselined: f.baselined,
        fails: l.fails,
    }
}

fn cite_view(c: &Citation, rules: &Rules, lang: Lang) -> CiteView {
    CiteView {
        clause: safe(cite::clause(c, rules.pack(&c.pack)).get(lang).trim()).into_owned(),
        provenance: cite::provenance_word(c.provenance).get(lang),
        provenance_token: c.provenance.as_str(),
        source: cite::source(c, lang).map(|s| safe(s).into_owned()),
        line: safe(&cite::line(c, rules, lang)).into_owned(),
        quotes: quotes(c, lang),
    }
}

/// The quoted words without [`cite::quotes`]' indentation and marks.
fn quotes(c: &Citation, lang: Lang) -> Vec<String> {
    cite::quotes(c, lang)
        .into_iter()
        .map(|q| {
            let q = q.trim_start();
            let mut it = q.chars();
            it.next();
            it.next_back();
            it.as_str().to_string()
        })
        .collect()
}

/// The plan text a finding points at: whole lines around its span, the
/// span marked. Bounded whatever the file: at most [`SNIPPET_LINES`] lines
/// and [`SNIPPET_CONTEXT`] bytes either side of the span, the span itself
/// cut at [`SNIPPET_SPAN`] bytes.
#[derive(Clone, Debug, Default)]
pub struct Snippet {
    /// Line number of the first line shown.
    pub first_line: usize,
    /// Text before the span, the span, after it (control characters made
    /// visible); may hold line breaks.
    pub before: String,
    pub marked: String,
    pub after: String,
}

pub const SNIPPET_LINES: usize = 6;
pub const SNIPPET_CONTEXT: usize = 240;
pub const SNIPPET_SPAN: usize = 1_000;

pub fn snippet(l: &Located, db: &SourceDb) -> Option<Snippet> {
    let text: &str = &db.get(l.finding.at.source).text;
    if text.is_empty() {
        return None;
    }
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let span = &l.finding.at.span;
    let start = floor(span.start);
    let end = floor(span.end.max(start).min(start + SNIPPET_SPAN));
    // Back to the start of the line, but no further than the context.
    let lo = floor(start.saturating_sub(SNIPPET_CONTEXT));
    let from = text[lo..start].rfind('\n').map_or(lo, |i| lo + i + 1);
    let hi = floor(end + SNIPPET_CONTEXT);
    let to = text[end..hi].find('\n').map_or(hi, |i| end + i);
    let before = &text[from..start];
    let marked = text[start..end].trim_end_matches(['\n', '\r']);
    let after = &text[start + marked.len()..to];
    // Keep at most SNIPPET_LINES lines, counted from the span's first line.
    let mut after = after.to_string();
    let lines = marked.matches('\n').count();
    if lines + 1 >= SNIPPET_LINES {
        after.clear();
    }
    let marked = if lines >= SNIPPET_LINES {
        let cut = marked
            .match_indices('\n')
            .nth(SNIPPET_LINES - 1)
            .map_or(marked.len(), |(i, _)| i);
        &marked[..cut]
    } else {
        marked
    };
    let clean = |s: &str| safe_source(s).replace('\r', "");
    Some(Snippet {
        first_line: l.start.line,
        before: clean(before),
        marked: clean(marked),
        after: clean(&after),
    })
}

/// One figure a notice asks of a pilot, from the plan that counts: what
/// one of the notice's count rules counted, against its minimum.
#[derive(Clone, Debug)]
pub struct Figure {
    pub rule: String,
    pub count: i64,
    /// The rule's minimum; `None` for an id that is no count rule of the
    /// packs loaded (a portfolio is only ever built from them).
    pub min: Option<i64>,
    /// `count >= min`.
    pub met: bool,
    /// In the notice's own words, the rule's label (`试点县（市、区）4个，
    /// 原则上不少于3个`); else `GD001: 4 (at least 3)`.
    pub text: String,
}

/// The figures a notice asks of a pilot (the portfolio's `counts`): each
/// count rule's figure, as the pack words it, and whether a city has a
/// CDO post of its own. Empty and `None` when no plan counts.
#[derive(Clone, Debug, Default)]
pub struct PilotCounts {
    pub figures: Vec<Figure>,
    pub city_cdo: Option<bool>,
}

/// One plan of a pilot (the portfolio's `plan_details`).
#[derive(Clone, Debug)]
pub struct PlanDetailView {
    pub path: String,
    pub status: Status,
    pub status_word: String,
    /// The plan the pilot is judged on (the latest `published`).
    pub counted: bool,
    /// Could not be read: listed with the pilot it names, never counted.
    pub unreadable: bool,
}

#[derive(Clone, Debug)]
pub struct PilotView {
    pub name: String,
    pub level: String,
    /// The plans that applied the notice (`plans` in JSON).
    pub plans: Vec<String>,
    /// Each plan of the pilot, unreadable ones too, which one counts marked.
    pub details: Vec<PlanDetailView>,
    pub opted_out: Vec<String>,
    pub status: PilotStatus,
    /// `missing`, or `opted out` when its only plans left the notice out.
    pub status_word: String,
    pub counts: PilotCounts,
}

#[derive(Clone, Debug)]
pub struct NoticeView {
    pub pack: String,
    /// `粤办函〔2021〕63号 (guangdong-2021)` / `粤办函〔2021〕63号`.
    pub title: String,
    pub pilots: Vec<PilotView>,
    pub not_designated: Vec<String>,
    pub opted_out: Vec<String>,
    /// Plans that could not be read and that name one of its pilots.
    pub unreadable: Vec<String>,
    /// Plans of a pilot's districts or departments, at another level.
    pub other_levels: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct PortfolioView {
    pub notices: Vec<NoticeView>,
    /// Plans that could not be read and that name no designated pilot
    /// (those that do are listed with their notice and pilot).
    pub unreadable: Vec<String>,
}

/// The portfolio as the auditor's outputs show it.
pub fn portfolio(p: &Portfolio, rules: &Rules, lang: Lang) -> PortfolioView {
    let paths = |v: &[String]| v.iter().map(|p| safe(p).into_owned()).collect::<Vec<_>>();
    let notices = p
        .notices
        .iter()
        .map(|n| NoticeView {
            pack: safe(&n.pack).into_owned(),
            title: tables::notice(n).get(lang).to_string(),
            pilots: n.pilots.iter().map(|x| pilot(x, rules, lang)).collect(),
            not_designated: paths(&n.not_designated),
            opted_out: paths(&n.opted_out),
            unreadable: paths(&n.unreadable),
            other_levels: paths(&n.other_levels),
        })
        .collect();
    PortfolioView {
        notices,
        unreadable: paths(&p.unreadable),
    }
}

fn pilot(p: &Pilot, rules: &Rules, lang: Lang) -> PilotView {
    let name = Text::new(p.name.as_str(), p.name_zh.clone());
    // A set: a pilot that thousands of plans claim stays linear.
    let read: std::collections::HashSet<&str> = p.plans.iter().map(String::as_str).collect();
    let details = p
        .plan_details
        .iter()
        .map(|d| {
            let unreadable = !read.contains(d.path.as_str());
            let status_word = if unreadable {
                say("audit.plan.unreadable", lang)
            } else {
                status_word(d.status, lang)
            };
            PlanDetailView {
                path: safe(&d.path).into_owned(),
                status: d.status,
                status_word,
                counted: d.counted,
                unreadable,
            }
        })
        .collect();
    PilotView {
        name: safe(name.get(lang)).into_owned(),
        level: tables::pilot_level(&p.level).get(lang),
        plans: p.plans.iter().map(|x| safe(x).into_owned()).collect(),
        details,
        opted_out: p.opted_out.iter().map(|x| safe(x).into_owned()).collect(),
        status: p.status,
        status_word: tables::pilot_status(p).get(lang),
        counts: counts(p, rules, lang),
    }
}

/// The portfolio's `counts` of a pilot: rule ids with what they counted,
/// and `city_cdo`.
fn counts(p: &Pilot, rules: &Rules, lang: Lang) -> PilotCounts {
    let mut out = PilotCounts::default();
    let Some(map) = &p.counts else {
        return out;
    };
    for (key, value) in map {
        match value {
            serde_json::Value::Bool(b) if key == "city_cdo" => out.city_cdo = Some(*b),
            serde_json::Value::Number(n) => {
                let count = n.as_i64().unwrap_or(i64::MAX);
                out.figures.push(figure(key, count, rules, lang));
            }
            _ => {}
        }
    }
    out
}

fn figure(id: &str, count: i64, rules: &Rules, lang: Lang) -> Figure {
    let rule = rules.rule(id);
    let min = rule.and_then(|r| match &r.check {
        crate::rules::Check::Count { min, .. } => Some(*min),
        _ => None,
    });
    let args = |m: Message| {
        m.arg("count", count.to_string()).arg(
            "min",
            min.map_or_else(|| "—".to_string(), |m| m.to_string()),
        )
    };
    let text = match rule.and_then(|r| r.label.clone()).filter(|_| min.is_some()) {
        Some(label) => args(Message::pack(label)).arg("rule", id),
        None => args(Message::new("audit.figure")).arg("rule", safe(id).into_owned()),
    };
    Figure {
        rule: safe(id).into_owned(),
        count,
        min,
        met: min.is_none_or(|m| count >= m),
        text: safe_owned(text.get(lang)),
    }
}

/// What the run was judged against (the JSON's `run`), for the HTML
/// report's last section and the workbook's Run sheet.
#[derive(Clone, Debug)]
pub struct RunView {
    /// Each option that changes verdicts, its name in the reader's words
    /// and its value (`today` first).
    pub options: Vec<(String, RunValue)>,
    pub packs: Vec<PackView>,
}

/// An option's value, typed for the workbook.
#[derive(Clone, Debug)]
pub enum RunValue {
    Text(String),
    Flag(bool),
    /// Unset.
    None,
}

impl RunValue {
    pub fn word(&self, lang: Lang) -> String {
        match self {
            RunValue::Text(s) => s.clone(),
            RunValue::Flag(b) => yes_no(Some(*b), lang),
            RunValue::None => "—".to_string(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct PackView {
    pub name: String,
    pub document: String,
    pub sha256: String,
}

pub fn run(r: &crate::evidence::RunInfo, lang: Lang) -> RunView {
    let o = &r.options;
    let list = |v: &Option<Vec<String>>| match v {
        Some(v) => RunValue::Text(safe(&v.join(", ")).into_owned()),
        None => RunValue::None,
    };
    let options = vec![
        (
            "audit.run.today",
            RunValue::Text(safe(&r.today).into_owned()),
        ),
        ("audit.run.fail-on", RunValue::Text(o.fail_on.to_string())),
        ("audit.run.no-waivers", RunValue::Flag(o.no_waivers)),
        ("audit.run.packs", list(&o.packs)),
        ("audit.run.require-packs", list(&o.require_packs)),
        (
            "audit.run.baseline",
            o.baseline
                .as_deref()
                .map_or(RunValue::None, |b| RunValue::Text(safe(b).into_owned())),
        ),
    ];
    RunView {
        options: options
            .into_iter()
            .map(|(id, v)| (say(id, lang), v))
            .collect(),
        packs: r
            .packs
            .iter()
            .map(|p| PackView {
                name: safe(&p.name).into_owned(),
                document: safe(&p.document).into_owned(),
                sha256: safe(&p.sha256).into_owned(),
            })
            .collect(),
    }
}

/// `pass` / `fail` in the reader's words.
pub fn status_word(s: Status, lang: Lang) -> String {
    tables::status_word(s).get(lang)
}

/// A plan's level token (`prefecture`) in the reader's words. Not the
/// pilots' words: a province-level plan is Beijing's as well as a
/// provincial department's.
pub fn level_word(level: &str, lang: Lang) -> String {
    let id = match level {
        "province" => "audit.level.province",
        "prefecture" => "audit.level.prefecture",
        "county" => "audit.level.county",
        "township" => "audit.level.township",
        other => return other.to_string(),
    };
    Message::new(id).get(lang)
}

/// Yes / no / — for a pilot's own CDO post.
pub fn yes_no(b: Option<bool>, lang: Lang) -> String {
    match b {
        Some(true) => Message::new("audit.yes").get(lang),
        Some(false) => Message::new("audit.no").get(lang),
        None => "—".to_string(),
    }
}

/// A message with one plain argument, for headings.
pub fn say(id: &'static str, lang: Lang) -> String {
    Message::new(id).get(lang)
}

/// A message with arguments.
pub fn say_with<const N: usize>(
    id: &'static str,
    args: [(&'static str, String); N],
    lang: Lang,
) -> String {
    Message::new(id)
        .args(args.map(|(k, v)| (k, Arg::Plain(v))))
        .get(lang)
}
