//! `cdocheck waivers`: the waiver register (json-output.md, "Waiver
//! register"). Every `[[waiver]]` across the scanned plans, each with the
//! state its own findings give it. The verdicts are `check`'s: each plan is
//! evaluated exactly as `check` evaluates it, and a waiver's state is read
//! off the waiver findings (CORE003–CORE006, CORE008, CORE009) that point
//! into it, by the precedence the spec gives: `invalid`, `not-waivable`,
//! `expired`, `unused`, `active`.

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::PathBuf;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table as Grid};
use rayon::prelude::*;
use serde::Serialize;

use crate::cli::{self, Outcome};
use crate::discover::{self, Input, Walk};
use crate::eval::Options;
use crate::findings::Findings;
use crate::lang::Lang;
use crate::message::Message;
use crate::plan::{Date, Plan, Table};
use crate::render::csv::{quote, text as csv_text};
use crate::render::{safe, tables};
use crate::rules::{Check, Rules, WaiverCheck};
use crate::source::{Source, SourceDb, Span};

/// `cdocheck waivers` arguments.
#[derive(Debug, clap::Args)]
pub struct WaiversArgs {
    /// Plan files or directories [default: .]
    pub paths: Vec<PathBuf>,
    /// Judge expiry (and `days_left`) against this date instead of today (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = crate::cli::parse_date)]
    pub today: Option<Date>,
    /// Output format on standard output
    #[arg(long, value_enum, default_value_t = RegisterFormat::Human)]
    pub format: RegisterFormat,
    /// Apply these packs instead of those the plan selects (repeatable)
    #[arg(long = "pack", value_name = "NAME")]
    pub packs: Vec<String>,
    /// Check every plan against these packs too (repeatable, or comma-separated)
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub require_packs: Vec<String>,
    /// Read the configuration from FILE instead of the cdocheck.toml found
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file
    #[arg(long)]
    pub no_config: bool,
    /// Only files matching these .gitignore patterns when walking directories
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files and directories matching these .gitignore patterns
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Also walk hidden files and what ignore files name
    #[arg(long)]
    pub no_ignore: bool,
    /// Follow symlinks inside directories
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Report files larger than this instead of reading them (e.g. 4MiB)
    #[arg(long, value_name = "SIZE", value_parser = crate::cli::parse_size, default_value = "4MiB")]
    pub max_file_size: u64,
    #[command(flatten)]
    pub rules: crate::cli::PackArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RegisterFormat {
    /// A table
    Human,
    /// `{"today": …, "waivers": [...]}`
    Json,
    /// RFC 4180, a header then a row per waiver
    Csv,
}

/// A waiver's standing, the first that holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// A blank or missing reason or approver, a rule or unit that names
    /// nothing (CORE003, CORE009), or a placeholder (CORE008).
    Invalid,
    /// It names a rule that cannot be waived (CORE004).
    NotWaivable,
    /// Past its `expires` (CORE006).
    Expired,
    /// It covers no finding (CORE005).
    Unused,
    /// It covers a finding.
    Active,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Invalid => "invalid",
            State::NotWaivable => "not-waivable",
            State::Expired => "expired",
            State::Unused => "unused",
            State::Active => "active",
        }
    }
}

/// One `[[waiver]]` of a plan.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub path: String,
    /// The line of its `[[waiver]]` header.
    pub line: usize,
    pub rule: Option<String>,
    pub unit: Option<String>,
    pub reason: Option<String>,
    pub approved_by: Option<String>,
    pub expires: Option<String>,
    /// `expires` − today in days: 0 on the day it expires, negative after.
    pub days_left: Option<i64>,
    pub state: State,
}

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    today: String,
    waivers: &'a [Entry],
}

/// The register's entries for one checked plan, in document order, read
/// off the findings its check just gave (before any baseline): no second
/// evaluation, so `check`'s outputs and `cdocheck waivers` always agree.
pub(crate) fn entries(
    path: &str,
    plan: &Plan,
    source: &Source,
    rules: &Rules,
    today: Date,
    findings: &Findings,
) -> Vec<Entry> {
    let Some(root) = &plan.root else {
        return Vec::new();
    };
    let today = today.days_since_epoch();
    let waivers: Vec<(&Span, &Table)> = root.tables("waiver").collect();
    if waivers.is_empty() {
        return Vec::new();
    }
    let mut states: Vec<Option<State>> = vec![None; waivers.len()];
    let judge = |states: &mut Vec<Option<State>>, i: usize, s: State| {
        let slot = &mut states[i];
        *slot = Some(slot.map_or(s, |old| old.min(s)));
    };
    for f in &findings.shown {
        let Some(state) = state_of(rules, f.code.as_str()) else {
            continue;
        };
        if let Some(i) = waivers.iter().position(|(h, w)| holds(h, w, &f.at.span)) {
            judge(&mut states, i, state);
        }
    }
    // Findings beyond the cap keep their key only: `waiver[RULE,UNIT]`.
    for e in &findings.extra {
        let Some(state) = state_of(rules, e.code.as_str()) else {
            continue;
        };
        let Some(key) = e.key.as_deref() else {
            continue;
        };
        let mut left = e.n;
        for (i, (_, w)) in waivers.iter().enumerate() {
            if left == 0 {
                break;
            }
            if states[i].is_none() && key.starts_with(&waiver_key(w)) {
                judge(&mut states, i, state);
                left -= 1;
            }
        }
    }
    waivers
        .iter()
        .zip(states)
        .map(|((header, w), state)| {
            let s = |k: &str| w.str(k).map(str::to_string);
            let expires = w.date("expires");
            // A waiver without a usable reason or approver excuses nothing:
            // invalid, even where no rule of the applied packs says so.
            let usable = ["rule", "reason", "approved_by"]
                .iter()
                .all(|k| w.str(k).is_some_and(|v| !v.trim().is_empty()));
            let state = match state {
                Some(s) => s,
                None if !usable => State::Invalid,
                None => State::Active,
            };
            Entry {
                path: path.to_string(),
                line: source.line_col(header.start).0,
                rule: s("rule"),
                unit: s("unit"),
                reason: s("reason"),
                approved_by: s("approved_by"),
                expires: expires.map(|d| d.to_string()),
                days_left: expires.map(|d| d.days_since_epoch() - today),
                state,
            }
        })
        .collect()
}

/// `waiver[RULE,UNIT]`, as fingerprints name a waiver.
fn waiver_key(w: &Table) -> String {
    format!(
        "waiver[{},{}]",
        w.str("rule").unwrap_or_default(),
        w.str("unit").unwrap_or_default()
    )
}

/// Does this finding's span point into this waiver?
fn holds(header: &Span, w: &Table, at: &Span) -> bool {
    let within = |s: &Span| s.start <= at.start && at.end <= s.end;
    at == header
        || w.entries
            .iter()
            .any(|e| within(&e.node.span) || within(&e.key_span))
}

/// The state a waiver finding gives its waiver; `None` for other findings.
fn state_of(rules: &Rules, code: &str) -> Option<State> {
    let rule = rules.rule(code)?;
    Some(match rule.check {
        Check::Placeholder => State::Invalid,
        Check::Waiver(WaiverCheck::UnknownTarget | WaiverCheck::Blank) => State::Invalid,
        Check::Waiver(WaiverCheck::NotWaivable) => State::NotWaivable,
        Check::Waiver(WaiverCheck::Expired) => State::Expired,
        Check::Waiver(WaiverCheck::Unused) => State::Unused,
        _ => return None,
    })
}

/// Every plan's entries, in path order: each plan checked as `check`
/// checks it ([`crate::check::check_file`]), its register kept.
pub(crate) fn register(inputs: &[Input], rules: &Rules, opts: &Options, max: u64) -> Vec<Entry> {
    let sources = SourceDb::default();
    let settings = crate::check::Settings {
        rules,
        sources: &sources,
        opts: opts.clone(),
        fail_on: None,
        max_bytes: max,
        jobs: 1,
        progress: false,
        baseline: None,
        plan_rows: false,
    };
    inputs
        .par_iter()
        .map(|i| crate::check::check_file(&settings, i).0.waivers)
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect()
}

/// Writes the register in `format`.
pub(crate) fn write(
    w: &mut dyn Write,
    entries: &[Entry],
    today: Date,
    format: RegisterFormat,
    lang: Lang,
    width: u16,
) -> io::Result<()> {
    match format {
        RegisterFormat::Json => {
            let doc = Doc {
                version: 1,
                today: today.to_string(),
                waivers: entries,
            };
            serde_json::to_writer_pretty(&mut *w, &doc)?;
            w.write_all(b"\n")
        }
        RegisterFormat::Csv => {
            let header = [
                "path",
                "line",
                "rule",
                "unit",
                "reason",
                "approved_by",
                "expires",
                "days_left",
                "state",
            ];
            csv_row(w, &header.map(Cow::from))?;
            for e in entries {
                fn opt(s: &Option<String>) -> Cow<'_, str> {
                    s.as_deref().map(csv_text).unwrap_or_default()
                }
                let row = [
                    csv_text(&e.path),
                    e.line.to_string().into(),
                    opt(&e.rule),
                    opt(&e.unit),
                    opt(&e.reason),
                    opt(&e.approved_by),
                    opt(&e.expires),
                    e.days_left
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                        .into(),
                    e.state.as_str().into(),
                ];
                csv_row(w, &row)?;
            }
            Ok(())
        }
        RegisterFormat::Human => human(w, entries, lang, width),
    }
}

fn csv_row(w: &mut dyn Write, fields: &[Cow<str>]) -> io::Result<()> {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        w.write_all(quote(field).as_bytes())?;
    }
    w.write_all(b"\r\n")
}

pub(crate) fn state_word(s: State) -> Message {
    Message::new(match s {
        State::Invalid => "waivers.state.invalid",
        State::NotWaivable => "waivers.state.not-waivable",
        State::Expired => "waivers.state.expired",
        State::Unused => "waivers.state.unused",
        State::Active => "waivers.state.active",
    })
}

fn human(w: &mut dyn Write, entries: &[Entry], lang: Lang, width: u16) -> io::Result<()> {
    let cell = |s: &Option<String>| s.as_deref().map_or("—".into(), tables::cell);
    if !entries.is_empty() {
        let mut t = Grid::new();
        let header = [
            "waivers.path",
            "waivers.rule",
            "waivers.unit",
            "waivers.expires",
            "waivers.days-left",
            "waivers.state",
            "waivers.reason",
            "waivers.approved-by",
        ]
        .map(|id| Message::new(id).get(lang));
        t.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width)
            .set_header(header);
        let paths = entries.iter().map(|e| e.path.as_str());
        // Room for `:line`.
        let pw = tables::path_width(paths, width / 5 * 3) + 7;
        for e in entries {
            t.add_row([
                tables::wrap_path(&format!("{}:{}", e.path, e.line), pw),
                cell(&e.rule),
                cell(&e.unit),
                cell(&e.expires),
                e.days_left.map_or("—".into(), |d| d.to_string()),
                state_word(e.state).get(lang),
                cell(&e.reason),
                cell(&e.approved_by),
            ]);
        }
        tables::fix_column(&mut t, 0, pw);
        // Short values keep their width; reason and approver take the rest.
        for col in [1, 3, 4, 5] {
            if let Some(c) = t.column_mut(col) {
                c.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
            }
        }
        for (col, min) in [(2, 8), (6, 12), (7, 12)] {
            if let Some(c) = t.column_mut(col) {
                c.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
                    comfy_table::Width::Fixed(min),
                ));
            }
        }
        writeln!(w, "{t}")?;
    }
    let count = |s: State| entries.iter().filter(|e| e.state == s).count().to_string();
    let id = if entries.len() == 1 {
        "waivers.count.one"
    } else {
        "waivers.count.many"
    };
    let line = Message::new("waivers.summary")
        .arg(
            "waivers",
            Message::new(id).arg("count", entries.len().to_string()),
        )
        .arg("active", count(State::Active))
        .arg("expired", count(State::Expired))
        .arg("unused", count(State::Unused))
        .arg("invalid", count(State::Invalid))
        .arg("not_waivable", count(State::NotWaivable));
    writeln!(w, "{}", safe(&line.get(lang)))
}

/// The walk `waivers` makes: as `check`'s.
pub(crate) fn walk(args: &WaiversArgs) -> Result<Walk, crate::error::Error> {
    Walk::new(&args.include, &args.exclude, args.follow_symlinks).map(|w| Walk {
        no_ignore: args.no_ignore,
        plans_only: true,
        max_bytes: args.max_file_size,
        keep_open: true,
        ..w
    })
}

/// The inputs below `paths` (`.` when none).
pub(crate) fn scan(
    args: &WaiversArgs,
    walk: &Walk,
) -> Result<discover::Found, crate::error::Error> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    discover::scan(&paths, walk)
}

/// `cdocheck waivers`: exit 0 when listed, 2 when it cannot run or finds
/// no plan file (as `check`).
pub(crate) fn run(
    args: &WaiversArgs,
    rules: &Rules,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    let named = args.packs.iter().chain(&args.require_packs);
    if let Some(p) = named.into_iter().find(|p| rules.pack(p).is_none()) {
        return cli::fail(err, cli::no_such_pack(rules, p), lang);
    }
    let walk = match walk(args) {
        Ok(w) => w,
        Err(e) => return cli::fail(err, e, lang),
    };
    let found = match scan(args, &walk) {
        Ok(f) => f,
        Err(e) => return cli::fail(err, e, lang),
    };
    if cli::no_plans(&found, false, false, lang, err)? {
        return Ok(Outcome::Broken);
    }
    let today = args.today.unwrap_or_else(Date::today);
    let opts = Options {
        today,
        waivers: true,
        packs: (!args.packs.is_empty()).then(|| args.packs.clone()),
        require: args.require_packs.clone(),
    };
    let entries = register(&found.inputs, rules, &opts, args.max_file_size);
    write(
        out,
        &entries,
        today,
        args.format,
        lang,
        crate::render::tables::width(),
    )?;
    Ok(Outcome::Pass)
}
