//! A check run: the discovered files checked on all cores, each report
//! emitted to every output in path order as soon as its turn comes, so the
//! output is the same bytes whatever the thread count, and only a chunk of
//! plans is ever held at once.

use std::io::{self, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::baseline::Baseline;
use crate::discover::Input;
use crate::eval::{self, Options};
use crate::finding::{Code, Location, Severity};
use crate::message::Message;
use crate::plan::Plan;
use crate::portfolio;
use crate::render::{Emitter, Finish};
use crate::report::{FileReport, PlanFacts, Totals};
use crate::rules::Rules;
use crate::source::{Source, SourceDb};

pub(crate) struct Settings<'a> {
    pub rules: &'a Rules,
    /// The sources the rules were loaded from; each plan joins a fork of it.
    pub sources: &'a SourceDb,
    pub opts: Options,
    pub fail_on: Option<Severity>,
    pub max_bytes: u64,
    /// Worker threads, clamped by the command line to what helps (at least
    /// one; thousands would take longer to start than the plans to check).
    pub jobs: usize,
    pub progress: bool,
    pub baseline: Option<Baseline>,
    /// Keep a row per plan for the `--summary` table.
    pub plan_rows: bool,
}

/// One output: a format and where it goes.
pub(crate) struct Output<'a> {
    pub emitter: Box<dyn Emitter + 'a>,
    pub writer: Box<dyn Write + 'a>,
}

/// Checks every input and feeds every output; returns the totals.
pub(crate) fn run(inputs: &[Input], s: &Settings, outputs: &mut [Output]) -> io::Result<Totals> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(s.jobs)
        .build()
        .map_err(io::Error::other)?;
    let bar = progress(s.progress, inputs.len());
    let mut roll = portfolio::Roll::new(s.rules);
    let mut totals = Totals {
        stale: s.baseline.as_ref().map(|_| Vec::new()),
        keep_plans: s.plan_rows,
        ..Totals::default()
    };
    // Enough work per chunk to keep every core busy, few enough plans held.
    let chunk = pool.current_num_threads() * 16;
    for batch in inputs.chunks(chunk) {
        let checked: Vec<(FileReport, SourceDb)> =
            pool.install(|| batch.par_iter().map(|i| check_file(s, i)).collect());
        for (report, db) in &checked {
            for out in outputs.iter_mut() {
                out.emitter.file(&mut out.writer, report, db)?;
            }
            totals.add(report);
            roll.add(report);
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    let portfolio = roll.finish();
    let end = Finish {
        totals: &totals,
        portfolio: &portfolio,
    };
    for out in outputs.iter_mut() {
        out.emitter.finish(&mut out.writer, &end)?;
        out.writer.flush()?;
    }
    Ok(totals)
}

fn progress(show: bool, len: usize) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} plans {elapsed}") {
        bar.set_style(style);
    }
    bar
}

/// Reads, loads and checks one file; any failure to read is its finding.
pub(crate) fn check_file(s: &Settings, input: &Input) -> (FileReport, SourceDb) {
    let mut db = s.sources.fork();
    let plan = match &input.problem {
        Some(why) => {
            let source = db.add(Source::new(input.display.clone(), ""));
            let f = Code::PF001
                .at(Location { source, span: 0..0 }, why.clone())
                .with_help(Message::new("pf001.entry.help"));
            Plan::unreadable(source, f)
        }
        // Standard input, already read.
        None if input.bytes.is_some() => {
            let bytes = input.bytes.as_deref().map_or(&[][..], Vec::as_slice);
            Plan::from_bytes(&mut db, &input.display, bytes)
        }
        None => Plan::read(&mut db, &input.path, &input.display, s.max_bytes),
    };
    let mut checked = eval::check(&plan, s.rules, &s.opts);
    let stale = s
        .baseline
        .as_ref()
        .map(|b| b.apply(&input.display, &mut checked.findings))
        .unwrap_or_default();
    let mut report = FileReport::new(
        input.display.clone(),
        db.get(plan.source),
        facts(&plan),
        checked.packs,
        checked.findings,
        s.fail_on,
    );
    report.stale = stale;
    (report, db)
}

fn facts(plan: &Plan) -> PlanFacts {
    let p = plan.root.as_ref().and_then(|r| r.table("plan"));
    let get = |k: &str| p.and_then(|p| p.str(k)).map(str::to_string);
    PlanFacts {
        jurisdiction: get("jurisdiction"),
        jurisdiction_zh: get("jurisdiction_zh"),
        level: get("level"),
        title: get("title"),
        title_zh: get("title_zh"),
        issuer: get("issuer"),
        document_number: get("document_number"),
        published: p.and_then(|p| p.date("published")).map(|d| d.to_string()),
    }
}
