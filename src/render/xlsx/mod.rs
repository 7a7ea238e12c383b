//! `--output xlsx=PATH`: an Excel workbook, because Chinese auditors open
//! CSV in Excel and get mojibake and no types. Sheets Plans (a row per
//! plan, with the SHA-256 of its bytes), Findings (a row per finding, as
//! JSON's `diagnostics`), Portfolio (a row per pilot's plan), Waivers (the
//! waiver register: a row per `[[waiver]]`, as `cdocheck waivers`) and Run (what the run was judged against: the
//! JSON's `run`), each with a bold frozen header,
//! an autofilter and set column widths; sheet names and headers in the
//! reader's language.
//!
//! Rows are made on the workers as SpreadsheetML ([`cells`]) and stream,
//! compressed, to temporary files as the reports arrive ([`book`]). Cells
//! are typed (numbers, booleans); text is written as text, never as a
//! formula, so plan text cannot run in a spreadsheet.
//! Limits (Excel's own): a cell holds at most 32,767 characters, cut with
//! `…`; a sheet holds at most 1,048,576 rows, the last one then saying how
//! many rows were left out.

mod book;
mod cells;

use std::io::{self, Write};

use super::audit::{self, PortfolioView, Shared};
use super::{Config, Emitter, Finish, Part, Prepare};
use crate::lang::Lang;
use crate::report::FileReport;
use crate::source::SourceDb;

pub use book::MAX_ROWS;
pub use cells::MAX_CELL;
use cells::V;

const PLANS: usize = 0;
const FINDINGS: usize = 1;
const PORTFOLIO: usize = 2;
const WAIVERS: usize = 3;
const RUN: usize = 4;

/// Each sheet's name and its columns: message id and width.
const SHEETS: [(&str, &[(&str, u32)]); 5] = [
    (
        "xlsx.sheet.plans",
        &[
            ("xlsx.col.path", 40),
            ("xlsx.col.jurisdiction", 18),
            ("xlsx.col.level", 12),
            ("xlsx.col.packs", 24),
            ("xlsx.col.status", 9),
            ("xlsx.col.errors", 8),
            ("xlsx.col.warnings", 8),
            ("xlsx.col.infos", 8),
            ("xlsx.col.waived", 8),
            ("xlsx.col.baselined", 8),
            ("xlsx.col.sha256", 66),
        ],
    ),
    (
        "xlsx.sheet.findings",
        &[
            ("xlsx.col.path", 40),
            ("xlsx.col.line", 7),
            ("xlsx.col.column", 7),
            ("xlsx.col.code", 10),
            ("xlsx.col.severity", 9),
            ("xlsx.col.waived", 8),
            ("xlsx.col.baselined", 8),
            ("xlsx.col.unit", 14),
            ("xlsx.col.key", 22),
            ("xlsx.col.message", 60),
            ("xlsx.col.help", 50),
            ("xlsx.col.citation", 50),
        ],
    ),
    (
        "xlsx.sheet.portfolio",
        &[
            ("xlsx.col.notice", 28),
            ("xlsx.col.entry", 14),
            ("xlsx.col.pilot", 18),
            ("xlsx.col.level", 12),
            ("xlsx.col.plan", 40),
            ("xlsx.col.status", 9),
            ("xlsx.col.plan-status", 9),
            ("xlsx.col.counted", 9),
            ("xlsx.col.figures", 36),
            ("xlsx.col.cdo", 10),
        ],
    ),
    (
        "xlsx.sheet.waivers",
        &[
            ("xlsx.col.path", 40),
            ("xlsx.col.line", 7),
            ("waivers.rule", 10),
            ("xlsx.col.unit", 14),
            ("xlsx.col.reason", 50),
            ("xlsx.col.approved-by", 24),
            ("waivers.expires", 11),
            ("waivers.days-left", 9),
            ("waivers.state", 12),
        ],
    ),
    (
        "xlsx.sheet.run",
        &[
            ("xlsx.col.item", 30),
            ("xlsx.col.value", 24),
            ("xlsx.col.document", 28),
            ("xlsx.col.sha256", 66),
        ],
    ),
];

pub struct Xlsx<'a> {
    cfg: Config<'a>,
    sheets: Option<Vec<book::Sheet>>,
}

impl<'a> Xlsx<'a> {
    pub fn new(cfg: Config<'a>) -> Self {
        Xlsx { cfg, sheets: None }
    }

    /// The sheets with their headers, made on first use.
    fn sheets(&mut self) -> io::Result<&mut Vec<book::Sheet>> {
        if self.sheets.is_none() {
            let lang = self.cfg.lang;
            let mut sheets = Vec::with_capacity(SHEETS.len());
            for (name, cols) in SHEETS {
                let words: Vec<String> = cols.iter().map(|(id, _)| audit::say(id, lang)).collect();
                let values: Vec<V> = words.iter().map(|w| V::S(w)).collect();
                let mut header = cells::Rows::default();
                header.push(&values, true);
                let widths = cols.iter().map(|(_, w)| *w).collect();
                sheets.push(book::Sheet::new(audit::say(name, lang), widths, &header)?);
            }
            self.sheets = Some(sheets);
        }
        self.sheets
            .as_mut()
            .ok_or_else(|| io::Error::other("workbook"))
    }

    fn append(&mut self, sheet: usize, rows: &cells::Rows) -> io::Result<()> {
        match self.sheets()?.get_mut(sheet) {
            Some(s) => s.append(&rows.xml),
            None => Err(io::Error::other("no such sheet")),
        }
    }
}

/// Rows appended to a sheet a few at a time: the Portfolio sheet has a
/// row per plan, more than is worth holding.
struct Batch<'s> {
    sheet: &'s mut book::Sheet,
    rows: cells::Rows,
}

impl<'s> Batch<'s> {
    fn new(sheet: &'s mut book::Sheet) -> Self {
        Batch {
            sheet,
            rows: cells::Rows::default(),
        }
    }

    fn push(&mut self, values: &[V]) -> io::Result<()> {
        self.rows.push(values, false);
        if self.rows.xml.len() < 1 << 16 {
            return Ok(());
        }
        self.flush()
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sheet.append(&self.rows.xml)?;
        self.rows.xml.clear();
        Ok(())
    }
}

/// The Portfolio sheet: a row per pilot's plan, then the plans each
/// notice lists apart.
fn portfolio(pf: &PortfolioView, lang: Lang, out: &mut Batch) -> io::Result<()> {
    let pilot_word = audit::say("xlsx.entry.pilot", lang);
    for n in &pf.notices {
        for p in &n.pilots {
            let figures: Vec<&str> = p.counts.figures.iter().map(|f| f.text.as_str()).collect();
            let figures = figures.join("\n");
            let cdo = audit::yes_no(p.counts.city_cdo, lang);
            let mut pilot = |plan, plan_status, counted| {
                out.push(&[
                    V::S(&n.title),
                    V::S(&pilot_word),
                    V::S(&p.name),
                    V::S(&p.level),
                    plan,
                    V::S(&p.status_word),
                    plan_status,
                    counted,
                    V::S(&figures),
                    if p.counts.city_cdo.is_some() {
                        V::S(&cdo)
                    } else {
                        V::Empty
                    },
                ])
            };
            // A row per plan of the pilot, so that a filter on the plan
            // column finds it; one row for a pilot without plans.
            for d in &p.details {
                pilot(V::S(&d.path), V::S(&d.status_word), V::B(d.counted))?;
            }
            if p.details.is_empty() {
                pilot(V::Empty, V::Empty, V::Empty)?;
            }
        }
        for (id, paths) in [
            ("xlsx.entry.not-designated", &n.not_designated),
            ("xlsx.entry.opted-out", &n.opted_out),
            ("xlsx.entry.unreadable", &n.unreadable),
            ("xlsx.entry.other-level", &n.other_levels),
        ] {
            let what = audit::say(id, lang);
            for path in paths {
                out.push(&[V::S(&n.title), V::S(&what), V::Empty, V::Empty, V::S(path)])?;
            }
        }
    }
    let what = audit::say("xlsx.entry.unreadable", lang);
    for path in &pf.unreadable {
        out.push(&[V::Empty, V::S(&what), V::Empty, V::Empty, V::S(path)])?;
    }
    out.flush()
}

/// The Run sheet: each option, then a row per pack with its SHA-256.
fn run(r: &audit::RunView, lang: Lang, out: &mut Batch) -> io::Result<()> {
    for (name, value) in &r.options {
        let v = match value {
            audit::RunValue::Text(s) => V::S(s),
            audit::RunValue::Flag(b) => V::B(*b),
            audit::RunValue::None => V::Empty,
        };
        out.push(&[V::S(name), v])?;
    }
    let pack = audit::say("xlsx.run.pack", lang);
    for p in &r.packs {
        out.push(&[
            V::S(&pack),
            V::S(&p.name),
            V::S(&p.document),
            V::S(&p.sha256),
        ])?;
    }
    out.flush()
}

fn text(s: Option<&str>) -> V<'_> {
    s.map_or(V::Empty, V::S)
}

/// One plan's rows, by sheet: its line in Plans, its findings, its
/// waivers.
pub struct Rows([cells::Rows; 3]);

/// Builds plans' rows on the workers.
pub struct Prep<'a>(pub Config<'a>);

impl Prepare for Prep<'_> {
    fn prepare(&self, _: usize, report: &FileReport, _: &SourceDb, view: &Shared) -> Part {
        Part::Xlsx(rows(self.0, report, view))
    }
}

fn rows(cfg: Config, report: &FileReport, view: &Shared) -> Rows {
    let lang = cfg.lang;
    let v = view.get(report, cfg.rules, lang);
    let p = &v.plan;
    let mut plans = cells::Rows::default();
    let level = p.level.as_deref().map(|l| audit::level_word(l, lang));
    plans.push(
        &[
            V::S(&p.path),
            text(p.jurisdiction.as_deref()),
            text(level.as_deref()),
            V::S(&p.packs.join(", ")),
            V::S(&audit::status_word(p.status, lang)),
            V::N(p.errors),
            V::N(p.warnings),
            V::N(p.infos),
            V::N(p.waived),
            V::N(p.baselined),
            text(p.sha256.as_deref()),
        ],
        false,
    );
    // Each row's text and about 400 bytes of markup around its cells.
    let text_len: usize = v
        .findings
        .iter()
        .map(|f| {
            p.path.len()
                + f.message.len()
                + f.help.as_ref().map_or(0, String::len)
                + f.citation.as_ref().map_or(0, |c| c.line.len())
                + 400
        })
        .sum();
    let mut findings = cells::Rows::with_capacity(text_len);
    for f in &v.findings {
        findings.push(
            &[
                V::S(&p.path),
                V::N(f.line),
                V::N(f.column),
                V::S(&f.code),
                V::S(&f.severity_word),
                V::B(f.waiver.is_some()),
                V::B(f.baselined),
                text(f.unit.as_deref()),
                text(f.key.as_deref()),
                V::S(&f.message),
                text(f.help.as_deref()),
                text(f.citation.as_ref().map(|c| c.line.as_str())),
            ],
            false,
        );
    }
    let mut waivers = cells::Rows::default();
    for e in &report.waivers {
        let state = crate::register::state_word(e.state).get(lang);
        waivers.push(
            &[
                V::S(&p.path),
                V::N(e.line),
                text(e.rule.as_deref()),
                text(e.unit.as_deref()),
                text(e.reason.as_deref()),
                text(e.approved_by.as_deref()),
                text(e.expires.as_deref()),
                e.days_left.map_or(V::Empty, V::I),
                V::S(&state),
            ],
            false,
        );
    }
    Rows([plans, findings, waivers])
}

impl Emitter for Xlsx<'_> {
    fn file(&mut self, w: &mut dyn Write, report: &FileReport, db: &SourceDb) -> io::Result<()> {
        let part = Part::Xlsx(rows(self.cfg, report, &Shared::default()));
        self.prepared(w, report, db, part)
    }

    fn prepared(
        &mut self,
        w: &mut dyn Write,
        report: &FileReport,
        db: &SourceDb,
        part: Part,
    ) -> io::Result<()> {
        let Part::Xlsx(Rows([plans, findings, waivers])) = part else {
            return self.file(w, report, db);
        };
        self.append(PLANS, &plans)?;
        self.append(FINDINGS, &findings)?;
        self.append(WAIVERS, &waivers)
    }

    fn finish(&mut self, w: &mut dyn Write, end: &Finish) -> io::Result<()> {
        let lang = self.cfg.lang;
        let pf = audit::portfolio(end.portfolio, self.cfg.rules, lang);
        let run_view = self.cfg.run.map(|r| audit::run(r, lang));
        let sheets = self.sheets()?;
        portfolio(&pf, lang, &mut Batch::new(&mut sheets[PORTFOLIO]))?;
        if let Some(r) = &run_view {
            run(r, lang, &mut Batch::new(&mut sheets[RUN]))?;
        }
        let mut sheets = self.sheets.take().unwrap_or_default();
        for sheet in &mut sheets {
            if sheet.dropped > 0 {
                let note = audit::say_with(
                    "xlsx.rows-left-out",
                    [("count", sheet.dropped.to_string())],
                    lang,
                );
                let mut row = cells::Rows::default();
                row.push(&[V::S(&note)], false);
                sheet.note(&row)?;
            }
        }
        book::save(sheets, w)
    }
}

#[cfg(test)]
mod tests;
