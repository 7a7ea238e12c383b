//! `--output xlsx=PATH`: an Excel workbook, because Chinese auditors open
//! CSV in Excel and get mojibake and no types. Sheets Plans (a row per
//! plan, with the SHA-256 of its bytes), Findings (a row per finding, as
//! JSON's `diagnostics`), Portfolio (a row per pilot's plan), Waivers (the
//! waiver register: a row per `[[waiver]]`, as `cdocheck waivers`) and Run (what the run was judged against: the
//! JSON's `run`), each with a bold frozen header,
//! an autofilter and set column widths; sheet names and headers in the
//! reader's language.
//!
//! The sheets are constant-memory: rows stream to temporary files as the
//! reports arrive. Cells are typed (numbers, booleans); text is written as
//! text, never as a formula, so plan text cannot run in a spreadsheet.
//! Limits (Excel's own): a cell holds at most 32,767 characters, cut with
//! `…`; a sheet holds at most 1,048,576 rows, the last one then saying how
//! many rows were left out.

use std::io::{self, Write};

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format as Style, Workbook, Worksheet, XlsxError,
};

use super::audit::{self, PortfolioView, Shared};
use super::{Config, Emitter, Finish, Part, Prepare};
use crate::lang::Lang;
use crate::report::FileReport;
use crate::source::SourceDb;

/// Excel's limits.
pub const MAX_ROWS: u32 = 1_048_576;
pub const MAX_CELL: usize = 32_767;

const PLANS: usize = 0;
const FINDINGS: usize = 1;
const PORTFOLIO: usize = 2;
const WAIVERS: usize = 3;
const RUN: usize = 4;

/// Each sheet's name and its columns: message id and width.
const SHEETS: [(&str, &[(&str, f64)]); 5] = [
    (
        "xlsx.sheet.plans",
        &[
            ("xlsx.col.path", 40.0),
            ("xlsx.col.jurisdiction", 18.0),
            ("xlsx.col.level", 12.0),
            ("xlsx.col.packs", 24.0),
            ("xlsx.col.status", 9.0),
            ("xlsx.col.errors", 8.0),
            ("xlsx.col.warnings", 8.0),
            ("xlsx.col.infos", 8.0),
            ("xlsx.col.waived", 8.0),
            ("xlsx.col.baselined", 8.0),
            ("xlsx.col.sha256", 66.0),
        ],
    ),
    (
        "xlsx.sheet.findings",
        &[
            ("xlsx.col.path", 40.0),
            ("xlsx.col.line", 7.0),
            ("xlsx.col.column", 7.0),
            ("xlsx.col.code", 10.0),
            ("xlsx.col.severity", 9.0),
            ("xlsx.col.waived", 8.0),
            ("xlsx.col.baselined", 8.0),
            ("xlsx.col.unit", 14.0),
            ("xlsx.col.key", 22.0),
            ("xlsx.col.message", 60.0),
            ("xlsx.col.help", 50.0),
            ("xlsx.col.citation", 50.0),
        ],
    ),
    (
        "xlsx.sheet.portfolio",
        &[
            ("xlsx.col.notice", 28.0),
            ("xlsx.col.entry", 14.0),
            ("xlsx.col.pilot", 18.0),
            ("xlsx.col.level", 12.0),
            ("xlsx.col.plan", 40.0),
            ("xlsx.col.status", 9.0),
            ("xlsx.col.plan-status", 9.0),
            ("xlsx.col.counted", 9.0),
            ("xlsx.col.figures", 36.0),
            ("xlsx.col.cdo", 10.0),
        ],
    ),
    (
        "xlsx.sheet.waivers",
        &[
            ("xlsx.col.path", 40.0),
            ("xlsx.col.line", 7.0),
            ("waivers.rule", 10.0),
            ("xlsx.col.unit", 14.0),
            ("xlsx.col.reason", 50.0),
            ("xlsx.col.approved-by", 24.0),
            ("waivers.expires", 11.0),
            ("waivers.days-left", 9.0),
            ("waivers.state", 12.0),
        ],
    ),
    (
        "xlsx.sheet.run",
        &[
            ("xlsx.col.item", 30.0),
            ("xlsx.col.value", 24.0),
            ("xlsx.col.document", 28.0),
            ("xlsx.col.sha256", 66.0),
        ],
    ),
];

pub struct Xlsx<'a> {
    cfg: Config<'a>,
    book: Option<Workbook>,
    /// The next row of each sheet.
    rows: [u32; 5],
    /// Rows left out of each sheet past Excel's limit.
    dropped: [u64; 5],
}

fn io(e: XlsxError) -> io::Error {
    io::Error::other(e.to_string())
}

/// Text for a cell: at most [`MAX_CELL`] characters.
fn cell(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(MAX_CELL - 1) {
        Some((i, _)) => format!("{}…", &s[..i]).into(),
        None => s.into(),
    }
}

/// A value of a row.
enum V<'s> {
    S(&'s str),
    N(usize),
    I(i64),
    B(bool),
    Empty,
}

impl<'a> Xlsx<'a> {
    pub fn new(cfg: Config<'a>) -> Self {
        Xlsx {
            cfg,
            book: None,
            rows: [1; 5],
            dropped: [0; 5],
        }
    }

    /// The workbook with its sheets and headers, made on first use.
    fn book(&mut self) -> io::Result<&mut Workbook> {
        if self.book.is_none() {
            let lang = self.cfg.lang;
            // rust_xlsxwriter panics when it cannot make a sheet's temporary
            // file: find out first, and fail as an output error instead.
            drop(tempfile::tempfile()?);
            let mut book = Workbook::new();
            // A fixed creation date, not the clock: the same input gives
            // the same workbook.
            let epoch = ExcelDateTime::from_ymd(1980, 1, 1).map_err(io)?;
            book.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
            let bold = Style::new().set_bold();
            for (name, cols) in SHEETS {
                let ws = book.add_worksheet_with_constant_memory();
                ws.set_name(audit::say(name, lang)).map_err(io)?;
                for (c, (id, width)) in cols.iter().enumerate() {
                    ws.set_column_width(c as u16, *width).map_err(io)?;
                    ws.write_string_with_format(0, c as u16, audit::say(id, lang), &bold)
                        .map_err(io)?;
                }
                ws.set_freeze_panes(1, 0).map_err(io)?;
            }
            self.book = Some(book);
        }
        self.book
            .as_mut()
            .ok_or_else(|| io::Error::other("workbook"))
    }

    fn row(&mut self, sheet: usize, values: &[V]) -> io::Result<()> {
        // The last row is kept for the note on rows left out.
        if self.rows[sheet] >= MAX_ROWS - 1 {
            self.dropped[sheet] += 1;
            return Ok(());
        }
        let r = self.rows[sheet];
        let ws = self.book()?.worksheet_from_index(sheet).map_err(io)?;
        put(ws, r, values)?;
        self.rows[sheet] += 1;
        Ok(())
    }

    fn portfolio(&mut self, pf: &PortfolioView) -> io::Result<()> {
        let lang = self.cfg.lang;
        let pilot_word = audit::say("xlsx.entry.pilot", lang);
        let other = |id| audit::say(id, lang);
        for n in &pf.notices {
            for p in &n.pilots {
                let figures: Vec<&str> = p.counts.figures.iter().map(|f| f.text.as_str()).collect();
                let figures = figures.join("\n");
                let cdo = audit::yes_no(p.counts.city_cdo, lang);
                let pilot = |plan, plan_status, counted| {
                    [
                        V::S(&n.title),
                        V::S(&pilot_word),
                        V::S(&p.name),
                        V::S(&p.level),
                        plan,
                        V::S(&p.status_word),
                        plan_status,
                        counted,
                        if figures.is_empty() {
                            V::Empty
                        } else {
                            V::S(&figures)
                        },
                        if p.counts.city_cdo.is_some() {
                            V::S(&cdo)
                        } else {
                            V::Empty
                        },
                    ]
                };
                // A row per plan of the pilot, so that a filter on the
                // plan column finds it; one row for a pilot without plans.
                let mut rows: Vec<[V; 10]> = p
                    .details
                    .iter()
                    .map(|d| pilot(V::S(&d.path), V::S(&d.status_word), V::B(d.counted)))
                    .collect();
                if rows.is_empty() {
                    rows.push(pilot(V::Empty, V::Empty, V::Empty));
                }
                for r in rows {
                    self.row(PORTFOLIO, &r)?;
                }
            }
            for (id, paths) in [
                ("xlsx.entry.not-designated", &n.not_designated),
                ("xlsx.entry.opted-out", &n.opted_out),
                ("xlsx.entry.unreadable", &n.unreadable),
                ("xlsx.entry.other-level", &n.other_levels),
            ] {
                let what = other(id);
                for path in paths {
                    self.row(
                        PORTFOLIO,
                        &[V::S(&n.title), V::S(&what), V::Empty, V::Empty, V::S(path)],
                    )?;
                }
            }
        }
        let what = other("xlsx.entry.unreadable");
        for path in &pf.unreadable {
            self.row(
                PORTFOLIO,
                &[V::Empty, V::S(&what), V::Empty, V::Empty, V::S(path)],
            )?;
        }
        Ok(())
    }
}

impl Xlsx<'_> {
    /// The Run sheet: each option, then a row per pack with its SHA-256.
    fn run(&mut self, r: &audit::RunView) -> io::Result<()> {
        let lang = self.cfg.lang;
        for (name, value) in &r.options {
            let v = match value {
                audit::RunValue::Text(s) => V::S(s),
                audit::RunValue::Flag(b) => V::B(*b),
                audit::RunValue::None => V::Empty,
            };
            self.row(RUN, &[V::S(name), v])?;
        }
        let pack = audit::say("xlsx.run.pack", lang);
        for p in &r.packs {
            self.row(
                RUN,
                &[
                    V::S(&pack),
                    V::S(&p.name),
                    V::S(&p.document),
                    V::S(&p.sha256),
                ],
            )?;
        }
        Ok(())
    }
}

fn status(s: crate::report::Status, lang: Lang) -> String {
    audit::status_word(s, lang)
}

fn put(ws: &mut Worksheet, r: u32, values: &[V]) -> io::Result<()> {
    for (c, v) in values.iter().enumerate() {
        let c = c as u16;
        match v {
            V::S(s) => ws.write_string(r, c, cell(s)).map(|_| ()),
            V::N(n) => ws.write_number(r, c, *n as f64).map(|_| ()),
            V::I(n) => ws.write_number(r, c, *n as f64).map(|_| ()),
            V::B(b) => ws.write_boolean(r, c, *b).map(|_| ()),
            V::Empty => Ok(()),
        }
        .map_err(io)?;
    }
    Ok(())
}

/// A cell of a row built on a worker, owning its text.
pub enum Cell {
    S(String),
    N(usize),
    I(i64),
    B(bool),
    Empty,
}

impl Cell {
    fn text(s: Option<&str>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::S(s.to_string()))
    }

    fn value(&self) -> V<'_> {
        match self {
            Cell::S(s) => V::S(s),
            Cell::N(n) => V::N(*n),
            Cell::I(n) => V::I(*n),
            Cell::B(b) => V::B(*b),
            Cell::Empty => V::Empty,
        }
    }
}

/// One plan's rows: its line in Plans, its findings, its waivers; each
/// with its sheet.
pub struct Rows(Vec<(usize, Vec<Cell>)>);

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
    let mut rows = Vec::with_capacity(1 + v.findings.len() + report.waivers.len());
    rows.push((
        PLANS,
        vec![
            Cell::S(p.path.clone()),
            Cell::text(p.jurisdiction.as_deref()),
            p.level
                .as_deref()
                .map_or(Cell::Empty, |l| Cell::S(audit::level_word(l, lang))),
            Cell::S(p.packs.join(", ")),
            Cell::S(status(p.status, lang)),
            Cell::N(p.errors),
            Cell::N(p.warnings),
            Cell::N(p.infos),
            Cell::N(p.waived),
            Cell::N(p.baselined),
            Cell::text(p.sha256.as_deref()),
        ],
    ));
    for f in &v.findings {
        let citation = f.citation.as_ref().map(|c| c.line.as_str());
        rows.push((
            FINDINGS,
            vec![
                Cell::S(p.path.clone()),
                Cell::N(f.line),
                Cell::N(f.column),
                Cell::S(f.code.clone()),
                Cell::S(f.severity_word.clone()),
                Cell::B(f.waiver.is_some()),
                Cell::B(f.baselined),
                Cell::text(f.unit.as_deref()),
                Cell::text(f.key.as_deref()),
                Cell::S(f.message.clone()),
                Cell::text(f.help.as_deref()),
                Cell::text(citation),
            ],
        ));
    }
    for e in &report.waivers {
        rows.push((
            WAIVERS,
            vec![
                Cell::S(p.path.clone()),
                Cell::N(e.line),
                Cell::text(e.rule.as_deref()),
                Cell::text(e.unit.as_deref()),
                Cell::text(e.reason.as_deref()),
                Cell::text(e.approved_by.as_deref()),
                Cell::text(e.expires.as_deref()),
                e.days_left.map_or(Cell::Empty, Cell::I),
                Cell::S(crate::register::state_word(e.state).get(lang)),
            ],
        ));
    }
    Rows(rows)
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
        let Part::Xlsx(Rows(rows)) = part else {
            return self.file(w, report, db);
        };
        for (sheet, cells) in rows {
            let values: Vec<V> = cells.iter().map(Cell::value).collect();
            self.row(sheet, &values)?;
        }
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, end: &Finish) -> io::Result<()> {
        let lang = self.cfg.lang;
        let pf = audit::portfolio(end.portfolio, self.cfg.rules, lang);
        self.book()?;
        self.portfolio(&pf)?;
        if let Some(r) = self.cfg.run {
            self.run(&audit::run(r, lang))?;
        }
        let rows = self.rows;
        let dropped = self.dropped;
        let book = self.book()?;
        for (sheet, (_, cols)) in SHEETS.iter().enumerate() {
            let ws = book.worksheet_from_index(sheet).map_err(io)?;
            if dropped[sheet] > 0 {
                let note = audit::say_with(
                    "xlsx.rows-left-out",
                    &[("count", dropped[sheet].to_string())],
                    lang,
                );
                ws.write_string(MAX_ROWS - 1, 0, note).map_err(io)?;
            }
            let last = rows[sheet].saturating_sub(1);
            ws.autofilter(0, 0, last, cols.len() as u16 - 1)
                .map_err(io)?;
        }
        let bytes = book.save_to_buffer().map_err(io)?;
        w.write_all(&bytes)
    }
}
