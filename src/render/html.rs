//! `--output html=PATH`: one self-contained page for an auditor's
//! director. CSS and script are inline (`assets/`), nothing is fetched (a
//! Content-Security-Policy forbids it), and the fonts are the reader's own
//! Chinese fonts. Each plan's section is rendered on the worker that
//! checked it ([`Prep`]) and written to the page in path order as it
//! comes: memory holds a small row per plan, never the findings' text.
//! The first screen is the portfolio, known only at the end of a run, so
//! it is written after the sections (with the summary, the index and the
//! filters, each marked `front`), and the page's script moves it before
//! them; without script, CSS shows it first. A spool to put it first in
//! the file cost a second copy of every section (tens of megabytes on a
//! large scan).
//!
//! Every text from a plan, a path or a pack is escaped ([`esc`]) after
//! being made safe ([`safe`]); the page holds no timestamp, so the same
//! input and `--today` give the same bytes.

use std::borrow::Cow;
use std::io::{self, Write};

use super::audit::{self, FindingView, PlanView, PortfolioView, Shared, Snippet};
use super::{Config, Emitter, Finish, Part, Prepare};
use crate::lang::Lang;
use crate::report::{FileReport, Status, Summary};
use crate::source::SourceDb;

const CSS: &str = include_str!("assets/report.css");
const JS: &str = include_str!("assets/report.js");

pub struct Html<'a> {
    cfg: Config<'a>,
    /// The page's head and the opening of the plans' sections written.
    begun: bool,
    /// Each plan's path (shown), in path order: the portfolio links to
    /// its section.
    paths: Vec<String>,
    /// The index table's rows, made on the workers: one buffer, not a
    /// view of every plan held to the end.
    rows: String,
}

impl<'a> Html<'a> {
    pub fn new(cfg: Config<'a>) -> Self {
        Html {
            cfg,
            begun: false,
            paths: Vec::new(),
            rows: String::new(),
        }
    }
}

/// HTML text and attribute values: the five characters that matter.
pub fn esc(s: &str) -> Cow<'_, str> {
    crate::text::escape_ascii(s, &HTML_LOOK, |b| match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#39;"),
        _ => None,
    })
}

/// The bytes [`esc`] escapes.
const HTML_LOOK: [bool; 256] = crate::text::byte_table(false, b"&<>\"'");

/// The anchor of the `i`th plan (0-based, path order).
fn anchor(i: usize) -> String {
    format!("p-{}", i + 1)
}

/// One plan's section of the page and its row of the index, rendered on
/// the worker that checked the plan ([`Prep`]).
pub struct Section {
    path: String,
    row: String,
    bytes: Vec<u8>,
}

/// Renders plans' sections on the workers.
pub struct Prep<'a>(pub Config<'a>);

impl Prepare for Prep<'_> {
    fn prepare(&self, i: usize, report: &FileReport, db: &SourceDb, view: &Shared) -> Part {
        Part::Html(section(self.0, i, report, db, view))
    }
}

/// The `i`th plan's section (0-based, path order).
fn section(cfg: Config, i: usize, report: &FileReport, db: &SourceDb, view: &Shared) -> Section {
    let lang = cfg.lang;
    let v = view.get(report, cfg.rules, lang);
    let mut s = String::new();
    plan_section(&mut s, i, &v.plan, lang);
    if v.findings.is_empty() {
        s.push_str(&format!(
            "<p class=\"muted\">{}</p>\n",
            say("html.no-findings", lang)
        ));
    } else {
        s.push_str("<ol class=\"findings\">\n");
        let mut item = Item {
            path: esc(&v.plan.path),
            help: say("html.help", lang),
            cites: Vec::new(),
            lang,
        };
        for (l, f) in report.findings.iter().zip(&v.findings) {
            item.write(&mut s, f, audit::snippet(l, db).as_ref());
        }
        s.push_str("</ol>\n");
    }
    waivers(&mut s, &report.waivers, lang);
    s.push_str("</section>\n");
    let mut row = String::new();
    index_row(&mut row, i, &v.plan, lang);
    Section {
        path: v.plan.path.clone(),
        row,
        bytes: s.into_bytes(),
    }
}

impl Emitter for Html<'_> {
    fn file(&mut self, w: &mut dyn Write, report: &FileReport, db: &SourceDb) -> io::Result<()> {
        let i = self.paths.len();
        let part = Part::Html(section(self.cfg, i, report, db, &Shared::default()));
        self.prepared(w, report, db, part)
    }

    fn prepared(
        &mut self,
        w: &mut dyn Write,
        report: &FileReport,
        db: &SourceDb,
        part: Part,
    ) -> io::Result<()> {
        let Part::Html(section) = part else {
            return self.file(w, report, db);
        };
        self.begin(w)?;
        w.write_all(&section.bytes)?;
        self.paths.push(section.path);
        self.rows.push_str(&section.row);
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, end: &Finish) -> io::Result<()> {
        self.begin(w)?;
        let lang = self.cfg.lang;
        let pf = audit::portfolio(end.portfolio, self.cfg.rules, lang);
        let mut s = String::from("</section>\n");
        summary(&mut s, &end.totals.summary, lang);
        let links: Links = self
            .paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_str(), i))
            .collect();
        portfolio(&mut s, &pf, &links, lang);
        index(&mut s, &self.rows, lang);
        filters(&mut s, end, &pf, lang);
        if let Some(r) = self.cfg.run {
            run(&mut s, &audit::run(r, lang), lang);
        }
        let tool = format!("cdocheck {}", env!("CARGO_PKG_VERSION"));
        s.push_str(&format!(
            "<footer>{}</footer>\n<script>{JS}</script>\n</body>\n</html>\n",
            esc(&audit::say_with("html.footer", [("tool", tool)], lang))
        ));
        w.write_all(s.as_bytes())
    }
}

impl Html<'_> {
    /// The page's head and the opening of the plans' sections, before the
    /// first section (or at the end of a run without plans).
    fn begin(&mut self, w: &mut dyn Write) -> io::Result<()> {
        if !self.begun {
            let mut s = String::new();
            head(&mut s, self.cfg.lang);
            s.push_str("<section id=\"plans\">\n");
            w.write_all(s.as_bytes())?;
            self.begun = true;
        }
        Ok(())
    }
}

/// A count with its noun in one or many, for the languages that tell
/// them apart: `1 note`, `3 notes`.
fn counted(n: usize, [one, many]: [&'static str; 2], lang: Lang) -> String {
    let id = if n == 1 { one } else { many };
    audit::say_with(id, [("count", n.to_string())], lang)
}

const PLANS: [&str; 2] = ["html.plans.one", "html.plans.many"];
const ERRORS: [&str; 2] = ["html.errors.one", "html.errors.many"];
const WARNINGS: [&str; 2] = ["html.warnings.one", "html.warnings.many"];
const NOTES: [&str; 2] = ["html.notes.one", "html.notes.many"];

fn say(id: &'static str, lang: Lang) -> String {
    esc(&audit::say(id, lang)).into_owned()
}

/// The plan's waiver register, as `cdocheck waivers` lists it.
fn waivers(s: &mut String, entries: &[crate::register::Entry], lang: Lang) {
    if entries.is_empty() {
        return;
    }
    let text = |v: &Option<String>| v.as_deref().map_or(Cow::Borrowed("—"), |v| esc_safe(v));
    s.push_str(&format!(
        "<h3>{}</h3>\n<table class=\"waivers\">\n<tr>",
        say("xlsx.sheet.waivers", lang)
    ));
    for id in [
        "xlsx.col.line",
        "waivers.rule",
        "waivers.unit",
        "waivers.reason",
        "waivers.approved-by",
        "waivers.expires",
        "waivers.days-left",
        "waivers.state",
    ] {
        s.push_str(&format!("<th>{}</th>", say(id, lang)));
    }
    s.push_str("</tr>\n");
    for e in entries {
        let state = esc(&crate::register::state_word(e.state).get(lang)).into_owned();
        s.push_str(&format!(
            "<tr class=\"waiver {}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td class=\"state\">{state}</td></tr>\n",
            e.state.as_str(),
            e.line,
            text(&e.rule),
            text(&e.unit),
            text(&e.reason),
            text(&e.approved_by),
            text(&e.expires),
            e.days_left.map_or("—".to_string(), |d| d.to_string()),
        ));
    }
    s.push_str("</table>\n");
}

/// Plan text, made safe then escaped.
fn esc_safe(v: &str) -> Cow<'static, str> {
    Cow::Owned(esc(&super::safe(v)).into_owned())
}

fn say_with<const N: usize>(
    id: &'static str,
    args: [(&'static str, String); N],
    lang: Lang,
) -> String {
    esc(&audit::say_with(id, args, lang)).into_owned()
}

fn head(s: &mut String, lang: Lang) {
    let title = say("html.title", lang);
    s.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
         <meta name=\"generator\" content=\"cdocheck\">\n<title>{title}</title>\n\
         <style>\n{CSS}</style>\n</head>\n<body class=\"nojs\">\n<h1>{title}</h1>\n",
        lang.tag()
    ));
}

fn summary(s: &mut String, t: &Summary, lang: Lang) {
    let line = say_with(
        "html.summary",
        [
            ("passed", t.passed.to_string()),
            ("failed", t.failed.to_string()),
            ("waived", t.waived.to_string()),
            ("files_counted", counted(t.files, PLANS, lang)),
            ("errors_counted", counted(t.errors, ERRORS, lang)),
            ("warnings_counted", counted(t.warnings, WARNINGS, lang)),
            ("infos_counted", counted(t.infos, NOTES, lang)),
        ],
        lang,
    );
    s.push_str(&format!(
        "<p class=\"summary front\" id=\"summary\">{line}</p>\n"
    ));
}

/// A link to a plan's section by its path; plain text for a path not
/// checked in this run.
/// Each plan's index by its (shown) path.
type Links<'a> = std::collections::HashMap<&'a str, usize>;

fn plan_link(path: &str, links: &Links) -> String {
    match links.get(path).copied() {
        Some(i) => format!("<a href=\"#{}\">{}</a>", anchor(i), esc(path)),
        None => esc(path).into_owned(),
    }
}

fn path_list(s: &mut String, class: &str, title: String, paths: &[String], plans: &Links) {
    if paths.is_empty() {
        return;
    }
    s.push_str(&format!("<h3>{title}</h3>\n<ul class=\"paths {class}\">\n"));
    for p in paths {
        s.push_str(&format!("<li>{}</li>\n", plan_link(p, plans)));
    }
    s.push_str("</ul>\n");
}

fn portfolio(s: &mut String, pf: &PortfolioView, plans: &Links, lang: Lang) {
    s.push_str(&format!(
        "<section id=\"portfolio\" class=\"front\">\n<h2>{}</h2>\n",
        say("html.portfolio", lang)
    ));
    if pf.notices.is_empty() {
        s.push_str(&format!(
            "<p class=\"muted\">{}</p>\n",
            say("html.portfolio.none", lang)
        ));
    }
    for (k, n) in pf.notices.iter().enumerate() {
        s.push_str(&format!(
            "<div class=\"notice\" data-pack=\"{}\">\n<h3>{}</h3>\n<table class=\"pilots\">\n<thead><tr>",
            esc(&n.pack),
            say_with("html.notice", [("notice", n.title.clone())], lang)
        ));
        for id in [
            "tables.pilots.pilot",
            "tables.pilots.level",
            "tables.pilots.plan",
            "tables.pilots.status",
            "html.pilots.figures",
            "html.pilots.cdo",
        ] {
            s.push_str(&format!("<th>{}</th>", say(id, lang)));
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for (j, p) in n.pilots.iter().enumerate() {
            let class = if p.status == crate::portfolio::PilotStatus::Missing {
                " class=\"missing\""
            } else {
                ""
            };
            let mut cell: Vec<String> = p
                .details
                .iter()
                .map(|d| detail(d, p, plans, lang))
                .collect();
            let opted = say("tables.pilots.opted-out", lang);
            cell.extend(
                p.opted_out
                    .iter()
                    .map(|x| format!("{}{opted}", plan_link(x, plans))),
            );
            let cell = if cell.is_empty() {
                "—".to_string()
            } else {
                cell.join("<br>")
            };
            let figures = if p.counts.figures.is_empty() {
                "—".to_string()
            } else {
                let f: Vec<String> = p
                    .counts
                    .figures
                    .iter()
                    .map(|f| {
                        let met = if f.met { "met" } else { "short" };
                        format!(
                            "<span class=\"figure {met}\" data-rule=\"{}\" data-count=\"{}\">{}</span>",
                            esc(&f.rule),
                            f.count,
                            esc(&f.text)
                        )
                    })
                    .collect();
                f.join("<br>")
            };
            s.push_str(&format!(
                "<tr{class} data-pilot=\"{k}-{j}\"><td class=\"pilot\">{}</td><td>{}</td><td>{cell}</td>\
                 <td class=\"status pilot-{}\">{}</td><td class=\"figures\">{figures}</td><td>{}</td></tr>\n",
                esc(&p.name),
                esc(&p.level),
                p.status.as_str(),
                esc(&p.status_word),
                esc(&audit::yes_no(p.counts.city_cdo, lang)),
            ));
        }
        s.push_str("</tbody>\n</table>\n");
        path_list(
            s,
            "not-designated",
            say("html.not-designated", lang),
            &n.not_designated,
            plans,
        );
        path_list(
            s,
            "opted-out",
            say_with("html.opted-out", [("pack", n.pack.clone())], lang),
            &n.opted_out,
            plans,
        );
        path_list(
            s,
            "unreadable",
            say("html.unreadable-pilots", lang),
            &n.unreadable,
            plans,
        );
        path_list(
            s,
            "other-levels",
            say("html.other-levels", lang),
            &n.other_levels,
            plans,
        );
        s.push_str("</div>\n");
    }
    path_list(
        s,
        "unreadable",
        say("html.unreadable", lang),
        &pf.unreadable,
        plans,
    );
    s.push_str("</section>\n");
}

fn index(s: &mut String, rows: &str, lang: Lang) {
    s.push_str(&format!(
        "<section id=\"index\" class=\"front\">\n<h2>{}</h2>\n<table class=\"plans\">\n<thead><tr>",
        say("html.plans", lang)
    ));
    for id in [
        "tables.plans.path",
        "tables.plans.jurisdiction",
        "html.level",
        "tables.plans.status",
        "tables.plans.errors",
        "tables.plans.warnings",
        "html.infos",
        "tables.plans.waived",
    ] {
        s.push_str(&format!("<th>{}</th>", say(id, lang)));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    s.push_str(rows);
    s.push_str("</tbody>\n</table>\n</section>\n");
}

/// The `i`th plan's row of the index table.
fn index_row(s: &mut String, i: usize, p: &PlanView, lang: Lang) {
    let level = p
        .level
        .as_deref()
        .map(|l| audit::level_word(l, lang))
        .unwrap_or_else(|| "—".into());
    s.push_str(&format!(
        "<tr><td><a href=\"#{}\">{}</a></td><td>{}</td><td>{}</td><td class=\"status {}\">{}</td>\
         <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
        anchor(i),
        esc(&p.path),
        esc(p.jurisdiction.as_deref().unwrap_or("—")),
        esc(&level),
        p.status.as_str(),
        esc(&audit::status_word(p.status, lang)),
        p.errors,
        p.warnings,
        p.infos,
        p.waived,
    ));
}

fn option(s: &mut String, value: &str, label: &str) {
    s.push_str(&format!(
        "<option value=\"{}\">{}</option>",
        esc(value),
        esc(label)
    ));
}

fn filters(s: &mut String, end: &Finish, pf: &PortfolioView, lang: Lang) {
    let any = say("html.filter.any", lang);
    s.push_str(&format!(
        "<h2 class=\"front\">{}</h2>\n<div id=\"filters\" class=\"front noprint\">\n",
        say("html.details", lang)
    ));
    s.push_str(&format!(
        "<label>{} <select id=\"f-status\"><option value=\"\">{any}</option>",
        say("tables.plans.status", lang)
    ));
    for st in [Status::Fail, Status::Pass] {
        option(s, st.as_str(), &audit::status_word(st, lang));
    }
    s.push_str(&format!(
        "</select></label>\n<label>{} <select id=\"f-rule\"><option value=\"\">{any}</option>",
        say("html.filter.rule", lang)
    ));
    for code in end.totals.rules.keys() {
        let code = super::safe(code);
        option(s, &code, &code);
    }
    s.push_str(&format!(
        "</select></label>\n<label>{} <select id=\"f-severity\"><option value=\"\">{any}</option>",
        say("html.filter.severity", lang)
    ));
    for sev in [
        crate::finding::Severity::Error,
        crate::finding::Severity::Warning,
        crate::finding::Severity::Info,
    ] {
        option(s, sev.as_str(), &super::severity_word(sev).get(lang));
    }
    s.push_str(&format!(
        "</select></label>\n<label>{} <select id=\"f-pilot\"><option value=\"\">{any}</option>",
        say("html.filter.pilot", lang)
    ));
    for (k, n) in pf.notices.iter().enumerate() {
        for (j, p) in n.pilots.iter().enumerate() {
            let paths: Vec<&String> = p
                .details
                .iter()
                .map(|d| &d.path)
                .chain(&p.opted_out)
                .collect();
            let json = serde_json::to_string(&paths).unwrap_or_else(|_| "[]".into());
            s.push_str(&format!(
                "<option value=\"{k}-{j}\" data-plans=\"{}\">{}</option>",
                esc(&json),
                esc(&p.name)
            ));
        }
    }
    s.push_str(&format!(
        "</select></label>\n<label>{} <input id=\"f-text\" type=\"search\"></label>\n\
         <button id=\"f-reset\" type=\"button\">{}</button>\n<span>{}</span>\n</div>\n",
        say("html.filter.search", lang),
        say("html.filter.reset", lang),
        shown(end.totals.summary.files, lang),
    ));
}

/// "N plans shown", the number in `#f-count`; the script says it again
/// as the filters change, in the phrase its `data-one`/`data-many` give.
fn shown(n: usize, lang: Lang) -> String {
    let [one, many] = SHOWN.map(|id| say_with(id, [("count", "{count}".to_string())], lang));
    let phrase = if n == 1 { &one } else { &many };
    let (before, after) = phrase.split_once("{count}").unwrap_or((phrase, ""));
    format!(
        "<span id=\"f-shown\" data-one=\"{one}\" data-many=\"{many}\">{before}<span id=\"f-count\">{n}</span>{after}</span>"
    )
}

const SHOWN: [&str; 2] = ["html.filter.shown.one", "html.filter.shown.many"];

fn plan_section(s: &mut String, i: usize, p: &PlanView, lang: Lang) {
    s.push_str(&format!(
        "<section class=\"plan\" id=\"{}\" data-path=\"{}\" data-status=\"{}\">\n<div class=\"plan-head\">\
         <h3>{} <span class=\"status {}\">{}</span></h3>\n",
        anchor(i),
        esc(&p.path),
        p.status.as_str(),
        esc(&p.path),
        p.status.as_str(),
        esc(&audit::status_word(p.status, lang)),
    ));
    let mut meta = Vec::new();
    if let Some(t) = &p.title {
        meta.push(esc(t).into_owned());
    }
    if let Some(j) = &p.jurisdiction {
        meta.push(esc(j).into_owned());
    }
    if let Some(l) = &p.level {
        meta.push(esc(&audit::level_word(l, lang)).into_owned());
    }
    if !p.packs.is_empty() {
        meta.push(say_with(
            "html.packs",
            [("packs", p.packs.join(", "))],
            lang,
        ));
    }
    meta.push(say_with(
        "html.counts",
        [
            ("waived", p.waived.to_string()),
            ("errors_counted", counted(p.errors, ERRORS, lang)),
            ("warnings_counted", counted(p.warnings, WARNINGS, lang)),
            ("infos_counted", counted(p.infos, NOTES, lang)),
        ],
        lang,
    ));
    s.push_str(&format!("<p class=\"meta\">{}</p>\n", meta.join(" · ")));
    if let Some(h) = &p.sha256 {
        s.push_str(&format!(
            "<p class=\"meta sha256\">SHA-256 <code>{}</code></p>\n",
            esc(h)
        ));
    }
    s.push_str("</div>\n");
}

/// One plan of a pilot in the portfolio: a link, and when the pilot has
/// several, its status and whether it is the one that counts.
fn detail(d: &audit::PlanDetailView, p: &audit::PilotView, plans: &Links, lang: Lang) -> String {
    let mut out = plan_link(&d.path, plans);
    if d.unreadable {
        out.push_str(&say("tables.pilots.unreadable", lang));
    } else if p.details.len() > 1 {
        out.push_str(&format!(
            " <span class=\"status {}\">{}</span>",
            d.status.as_str(),
            esc(&d.status_word)
        ));
        if d.counted {
            out.push_str(&format!(
                "<span class=\"counted\">{}</span>",
                say("tables.pilots.counts", lang)
            ));
        }
    }
    out
}

/// What the run was judged against: the day, the options that change
/// verdicts, and each pack with the SHA-256 of its bytes.
fn run(s: &mut String, r: &audit::RunView, lang: Lang) {
    s.push_str(&format!(
        "<section id=\"run\">\n<h2>{}</h2>\n<table class=\"run\">\n<tbody>\n",
        say("html.run", lang)
    ));
    for (name, value) in &r.options {
        s.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>\n",
            esc(name),
            esc(&value.word(lang))
        ));
    }
    s.push_str("</tbody>\n</table>\n<table class=\"packs\">\n<thead><tr>");
    for id in ["html.run.pack", "html.run.document", "html.run.sha256"] {
        s.push_str(&format!("<th>{}</th>", say(id, lang)));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for p in &r.packs {
        s.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td></tr>\n",
            esc(&p.name),
            esc(&p.document),
            esc(&p.sha256)
        ));
    }
    s.push_str("</tbody>\n</table>\n</section>\n");
}

/// What a plan's findings share in its section: its path and the help
/// label escaped once, and each rule's citation as rendered the first time
/// (a rule's findings share their citation, [`audit::Cites`]).
struct Item<'p> {
    path: Cow<'p, str>,
    help: String,
    cites: Vec<(*const audit::CiteView, String)>,
    lang: Lang,
}

impl Item<'_> {
    fn write(&mut self, s: &mut String, f: &FindingView, snip: Option<&Snippet>) {
        use std::fmt::Write as _;
        let lang = self.lang;
        let (class, tag) = if f.waiver.is_some() {
            (" waived", Some("html.waived"))
        } else if f.baselined {
            (" baselined", Some("html.baselined"))
        } else {
            ("", None)
        };
        let code = esc(&f.code);
        let sev = f.severity.as_str();
        let _ = write!(
            s,
            "<li class=\"finding sev-{sev}{class}\" data-code=\"{code}\" data-severity=\"{sev}\">\n<div class=\"head\">\
             <code class=\"code\">{code}</code> <span class=\"sev\">{}</span> \
             <span class=\"loc\">{}:{}:{}</span>",
            esc(&f.severity_word),
            self.path,
            f.line,
            f.column,
        );
        if let Some(tag) = tag {
            let _ = write!(s, "<span class=\"tag\">{}</span>", say(tag, lang));
        }
        let _ = writeln!(s, "</div>\n<p class=\"msg\">{}</p>", esc(&f.message));
        if let Some(snip) = snip {
            source(s, snip);
        }
        if let Some(c) = &f.citation {
            let key = std::sync::Arc::as_ptr(c);
            match self.cites.iter().find(|(k, _)| *k == key) {
                Some((_, html)) => s.push_str(html),
                None => {
                    let html = cite(c);
                    s.push_str(&html);
                    self.cites.push((key, html));
                }
            }
        }
        if let Some(h) = &f.help {
            let _ = writeln!(s, "<p class=\"help\"><b>{}</b> {}</p>", self.help, esc(h));
        }
        if let Some(w) = &f.waiver {
            let words = say_with(
                "html.waiver",
                [
                    ("reason", w.reason.clone()),
                    ("approved_by", w.approved_by.clone()),
                ],
                lang,
            );
            let _ = writeln!(s, "<p class=\"waiver\">{words}</p>");
        }
        s.push_str("</li>\n");
    }
}

/// A citation's line and its quotes.
fn cite(c: &audit::CiteView) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<p class=\"cite\" data-provenance=\"{}\">{}</p>",
        c.provenance_token,
        esc(&c.line)
    );
    for q in &c.quotes {
        let _ = writeln!(s, "<blockquote>{}</blockquote>", esc(q));
    }
    s
}

/// The quoted plan lines, numbered, the span in `<mark>`.
fn source(s: &mut String, snip: &Snippet) {
    s.push_str("<pre class=\"src\">");
    let mut line = snip.first_line;
    s.push_str(&format!("<span class=\"ln\">{line}</span>"));
    let parts = [
        (snip.before.as_str(), false),
        (snip.marked.as_str(), true),
        (snip.after.as_str(), false),
    ];
    for (text, marked) in parts {
        for (k, piece) in text.split('\n').enumerate() {
            if k > 0 {
                line += 1;
                s.push_str(&format!("\n<span class=\"ln\">{line}</span>"));
            }
            if marked {
                s.push_str(&format!("<mark>{}</mark>", esc(piece)));
            } else {
                s.push_str(&esc(piece));
            }
        }
    }
    s.push_str("</pre>\n");
}
