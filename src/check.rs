//! A check run: the discovered files checked on all cores, each report
//! emitted to every output in path order as soon as its turn comes, so the
//! output is the same bytes whatever the thread count, and only a few
//! plans per thread are ever held at once.

use std::io::{self, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::baseline::Baseline;
use crate::discover::Input;
use crate::eval::{self, Options};
use crate::finding::{Code, Location, Severity};
use crate::message::Message;
use crate::plan::{Plan, ReadFrom};
use crate::portfolio;
use crate::render::{audit, Emitter, Finish, Part, Prepare};
use crate::report::{FileReport, PlanFacts, Totals};
use crate::rules::Rules;
use crate::source::{Source, SourceDb};
use crate::turns;

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
    pub writer: Dest<'a>,
    /// The part of its work done on the workers, if any.
    pub prepare: Option<Box<dyn Prepare + 'a>>,
}

/// Where an output's bytes go.
pub(crate) enum Dest<'a> {
    /// Standard output, which this thread ends.
    Here(Box<dyn Write + Send + 'a>),
    /// A file of its own (or nowhere): the end of its output, known once
    /// every plan is in, may be written on a thread of its own.
    Apart(Box<dyn Write + Send + 'a>),
}

impl Write for Dest<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Dest::Here(w) => w.write(buf),
            Dest::Apart(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Dest::Here(w) => w.write_all(buf),
            Dest::Apart(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Dest::Here(w) => w.flush(),
            Dest::Apart(w) => w.flush(),
        }
    }
}

/// A checked file and what each output's preparer made of it.
type Checked = (FileReport, SourceDb, Vec<Part>);

/// The outputs' preparers, and what they share across plans.
struct Preparers<'p> {
    each: Vec<Option<&'p dyn Prepare>>,
    cites: audit::Cites,
}

/// Checks the `index`th input and runs the outputs' preparers on it.
fn check_and_prepare(s: &Settings, preps: &Preparers, index: usize, input: &Input) -> Checked {
    let (report, db) = check_file(s, input);
    let view = audit::Shared::with(&preps.cites);
    let parts = preps
        .each
        .iter()
        .map(|p| p.map_or(Part::None, |p| p.prepare(index, &report, &db, &view)))
        .collect();
    (report, db, parts)
}

/// Checks every input and feeds every output; returns the totals.
pub(crate) fn run(inputs: &[Input], s: &Settings, outputs: &mut [Output]) -> io::Result<Totals> {
    let bar = progress(s.progress, inputs.len());
    let mut sink = Sink {
        outputs,
        totals: Totals {
            stale: s.baseline.as_ref().map(|_| Vec::new()),
            keep_plans: s.plan_rows,
            ..Totals::default()
        },
        roll: portfolio::Roll::new(s.rules),
        bar: &bar,
    };
    let preps: Vec<Option<Box<dyn Prepare>>> =
        sink.outputs.iter_mut().map(|o| o.prepare.take()).collect();
    let preps = Preparers {
        each: preps.iter().map(|p| p.as_deref()).collect(),
        cites: audit::Cites::default(),
    };
    if s.jobs <= 1 {
        // One thread: no pool to start, each plan written as it is checked.
        for (i, input) in inputs.iter().enumerate() {
            sink.emit(check_and_prepare(s, &preps, i, input))?;
        }
    } else {
        parallel(inputs, s, &preps, &mut sink)?;
    }
    bar.finish_and_clear();
    let Sink {
        outputs,
        totals,
        roll,
        ..
    } = sink;
    let portfolio = roll.finish();
    let end = Finish {
        totals: &totals,
        portfolio: &portfolio,
    };
    finish(outputs, &end, s.jobs > 1)?;
    Ok(totals)
}

/// Ends every output: the portfolio, the indexes, a workbook's last sheet
/// and its package. With `apart`, each output with a file of its own ends
/// on a thread of its own, so the ends (tens of milliseconds each on a
/// large scan) take the time of the longest, not of all; the first error
/// in output order is the run's.
fn finish(outputs: &mut [Output], end: &Finish, apart: bool) -> io::Result<()> {
    fn one(emitter: &mut dyn Emitter, w: &mut dyn Write, end: &Finish) -> io::Result<()> {
        emitter.finish(w, end)?;
        w.flush()
    }
    if !apart {
        return outputs
            .iter_mut()
            .try_for_each(|o| one(&mut *o.emitter, &mut o.writer, end));
    }
    enum Ending<'o, 'a, T> {
        Here(&'o mut (dyn Emitter + 'a), &'o mut Dest<'a>),
        Apart(T),
    }
    std::thread::scope(|scope| {
        let ending: Vec<_> = outputs
            .iter_mut()
            .map(
                |Output {
                     emitter, writer, ..
                 }| match writer {
                    Dest::Apart(w) => Ending::Apart(scope.spawn(|| one(&mut **emitter, w, end))),
                    here => Ending::Here(&mut **emitter, here),
                },
            )
            .collect();
        let mut first = Ok(());
        for e in ending {
            let r = match e {
                Ending::Here(emitter, w) => one(emitter, w, end),
                Ending::Apart(thread) => thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            };
            if first.is_ok() {
                first = r;
            }
        }
        first
    })
}

/// Where checked plans go, in path order.
struct Sink<'o, 'w, 'r> {
    outputs: &'o mut [Output<'w>],
    totals: Totals,
    roll: portfolio::Roll<'r>,
    bar: &'o ProgressBar,
}

impl Sink<'_, '_, '_> {
    fn emit(&mut self, (report, db, parts): Checked) -> io::Result<()> {
        for (out, part) in self.outputs.iter_mut().zip(parts) {
            out.emitter.prepared(&mut out.writer, &report, &db, part)?;
        }
        self.totals.add(&report);
        self.roll.add(&report);
        self.bar.inc(1);
        Ok(())
    }
}

/// Plans checked on `s.jobs` threads, this one among them, each written
/// by the thread that finds its turn has come ([`turns::in_turn`]): the
/// output is in path order whatever the thread count, and a plan is
/// checked only once the one `HELD` per thread before it is written.
fn parallel(inputs: &[Input], s: &Settings, preps: &Preparers, sink: &mut Sink) -> io::Result<()> {
    /// Plans checked ahead of the one being written, per thread: room
    /// for a slow plan to hold no thread up, few enough held at once.
    const HELD: usize = 16;
    let check = |i: usize| check_and_prepare(s, preps, i, &inputs[i]);
    turns::in_turn(inputs.len(), s.jobs, s.jobs * HELD, check, |c| sink.emit(c))
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
    let mut sha256 = None;
    let plan = match &input.problem {
        Some(why) => {
            let source = db.add(Source::new(input.display().to_string(), ""));
            let f = Code::PF001
                .at(Location { source, span: 0..0 }, Message::clone(why))
                .with_help(Message::new("pf001.entry.help"));
            Plan::unreadable(source, f)
        }
        // Standard input, already read.
        None if input.bytes.is_some() => {
            let bytes = input.bytes.as_deref().map_or(&[][..], Vec::as_slice);
            sha256 = Some(crate::evidence::sha256_hex(bytes));
            Plan::from_bytes(&mut db, input.display(), bytes)
        }
        None => {
            let (path, name) = (&input.path, input.display());
            let from = match input.kept.take() {
                Some(file) => ReadFrom::Kept(file),
                None if input.regular => ReadFrom::Seen(path),
                None => ReadFrom::Path(path),
            };
            Plan::read_with(&mut db, from, name, s.max_bytes, |b| {
                sha256 = Some(crate::evidence::sha256_hex(b));
            })
        }
    };
    let mut checked = eval::check(&plan, s.rules, &s.opts);
    // Read off the findings before a baseline marks or splits them.
    let waivers = crate::register::entries(
        input.display(),
        &plan,
        db.get(plan.source),
        s.rules,
        s.opts.today,
        &checked.findings,
    );
    let stale = s
        .baseline
        .as_ref()
        .map(|b| b.apply(input.display(), &mut checked.findings))
        .unwrap_or_default();
    let mut report = FileReport::new(
        input.display().to_string(),
        db.get(plan.source),
        facts(&plan, &db, s.rules, &checked.packs),
        checked.packs,
        checked.findings,
        s.fail_on,
    );
    report.stale = stale;
    report.sha256 = sha256;
    report.waivers = waivers;
    (report, db)
}

fn facts(plan: &Plan, db: &SourceDb, rules: &Rules, packs: &[String]) -> PlanFacts {
    let Some(root) = plan.root.as_ref() else {
        // Unreadable: keep the start of its text for the portfolio to find
        // a pilot's name in (the rest is dropped with the file).
        let text = &db.get(plan.source).text;
        let mut end = text.len().min(crate::report::HINT_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        return PlanFacts {
            hint: Some(text[..end].to_string()),
            ..PlanFacts::default()
        };
    };
    let p = root.table("plan");
    let get = |k: &str| p.and_then(|p| p.str(k)).map(str::to_string);
    let level = get("level");
    let counts = eval::facts::counts(root, rules, packs);
    let own_cdo = level.as_deref().map(|level| {
        root.tables("unit").any(|(_, u)| {
            u.str("level") == Some(level)
                && u.str("kind") == Some("government")
                && u.table("cdo").is_some()
        })
    });
    PlanFacts {
        jurisdiction: get("jurisdiction"),
        jurisdiction_zh: get("jurisdiction_zh"),
        level,
        published: p.and_then(|p| p.date("published")),
        counts,
        own_cdo,
        hint: None,
        title: get("title"),
        title_zh: get("title_zh"),
        issuer: get("issuer"),
        document_number: get("document_number"),
    }
}
