//! The command line: clap's raw arguments, checked into what each command
//! needs, then run. Output goes to the writers given; the binary only
//! passes stdout and stderr and turns the outcome into an exit code.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::discover;
use crate::eval::{self, Options};
use crate::finding::{Code, Finding, Location, Severity};
use crate::plan::{Date, Plan, DEFAULT_MAX_BYTES};
use crate::render::{explain, human::Human, json, rules_md, rules_table};
use crate::report::{FileReport, Summary};
use crate::rules::Rules;
use crate::source::{Source, SourceDb};
use crate::verify;

#[derive(Debug, Parser)]
#[command(
    name = "cdocheck",
    version,
    about = "Check Chief Data Officer pilot plans against the notices they implement"
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check plan files (and every *.toml below directories)
    Check(CheckArgs),
    /// List the rules of the loaded packs
    Rules(RulesArgs),
    /// Run rule-pack fixtures: plans whose `# expect:` lines state their findings
    TestRules {
        /// Fixture files or directories [default: rules/tests]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        packs: PackArgs,
    },
    /// Explain a rule or format code: its citation, why it matters, examples
    Explain {
        /// A rule id (GD001) or format code (PF002)
        code: String,
        #[command(flatten)]
        packs: PackArgs,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Plan files or directories [default: .]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Lowest severity that fails a plan
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Apply these packs instead of those the plan selects (repeatable)
    #[arg(long = "pack", value_name = "NAME")]
    pub packs: Vec<String>,
    /// Judge waiver expiry against this date instead of today (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Ignore every waiver (an auditor's strict mode)
    #[arg(long)]
    pub no_waivers: bool,
    /// When to use colour in the human output
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Print only findings, no summary line
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub rules: PackArgs,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Only the rules of this pack
    #[arg(long, value_name = "NAME")]
    pub pack: Option<String>,
    /// Print the rule reference as Markdown (docs/rules.md)
    #[arg(long, conflicts_with = "pack")]
    pub markdown: bool,
    #[command(flatten)]
    pub rules: PackArgs,
}

#[derive(Debug, clap::Args)]
pub struct PackArgs {
    /// Load more rule packs from a file or directory (repeatable)
    #[arg(long = "rules", value_name = "PATH")]
    pub extra: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// How a run ended, before it becomes a process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every plan passes.
    Pass,
    /// Some plan fails.
    Fail,
    /// cdocheck could not run.
    Broken,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Pass => 0,
            Outcome::Fail => 1,
            Outcome::Broken => 2,
        }
    }
}

/// Runs a parsed command line.
pub fn run(args: Args, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<Outcome> {
    let mut db = SourceDb::default();
    let packs = match &args.command {
        Command::Check(c) => &c.rules,
        Command::Rules(r) => &r.rules,
        Command::Explain { packs, .. } | Command::TestRules { packs, .. } => packs,
    };
    let rules = match load_rules(&mut db, &packs.extra) {
        Ok(r) => r,
        Err(problems) => {
            let human = Human::new(color_for_stderr());
            for p in &problems {
                human.finding(err, db.get(p.at.source), p)?;
            }
            writeln!(
                err,
                "error: the rule packs have errors; nothing was checked"
            )?;
            return Ok(Outcome::Broken);
        }
    };
    match args.command {
        Command::Check(c) => check(c, &rules, &mut db, out, err),
        Command::Rules(r) => {
            if let Some(p) = r.pack.as_deref().filter(|p| rules.pack(p).is_none()) {
                writeln!(
                    err,
                    "error: there is no rule pack named `{p}`; the packs are: {}",
                    rules.pack_names().join(", ")
                )?;
                return Ok(Outcome::Broken);
            }
            let text = if r.markdown {
                rules_md::render(&rules)
            } else {
                rules_table::render(&rules, r.pack.as_deref(), terminal_width())
            };
            out.write_all(text.as_bytes())?;
            Ok(Outcome::Pass)
        }
        Command::TestRules { paths, .. } => test_rules(&paths, &rules, &mut db, out, err),
        Command::Explain { code, .. } => match explain::explain(&rules, &code) {
            Some(text) => {
                out.write_all(text.as_bytes())?;
                Ok(Outcome::Pass)
            }
            None => {
                writeln!(
                    err,
                    "error: no rule or format code `{code}`; `cdocheck rules` lists the rules"
                )?;
                Ok(Outcome::Broken)
            }
        },
    }
}

fn load_rules(db: &mut SourceDb, extra: &[PathBuf]) -> Result<Rules, Vec<Finding>> {
    let mut rules = Rules::builtin(db)?;
    let mut problems = Vec::new();
    for path in extra {
        let files = match discover::discover(std::slice::from_ref(path)) {
            Ok((inputs, _)) => inputs,
            Err(e) => {
                problems.push(unreadable(db, &path.to_string_lossy(), e));
                continue;
            }
        };
        for f in files {
            match std::fs::read_to_string(&f.path) {
                Ok(text) => {
                    if let Err(mut p) = rules.add(db, &f.display, &text) {
                        problems.append(&mut p);
                    }
                }
                Err(e) => problems.push(unreadable(db, &f.display, e.to_string())),
            }
        }
    }
    if problems.is_empty() {
        Ok(rules)
    } else {
        Err(problems)
    }
}

fn unreadable(db: &mut SourceDb, name: &str, why: String) -> Finding {
    let source = db.add(Source::new(name, ""));
    Code::RP001.at(
        Location { source, span: 0..0 },
        format!("{name}: cannot be read: {why}"),
    )
}

fn check(
    args: CheckArgs,
    rules: &Rules,
    db: &mut SourceDb,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    let today = match args.today.as_deref().map(|t| (t, Date::parse(t))) {
        None => Date::today(),
        Some((_, Some(d))) => d,
        Some((t, None)) => {
            writeln!(
                err,
                "error: --today `{t}` is not a date; write it as YYYY-MM-DD"
            )?;
            return Ok(Outcome::Broken);
        }
    };
    if let Some(p) = args.packs.iter().find(|p| rules.pack(p).is_none()) {
        writeln!(
            err,
            "error: there is no rule pack named `{p}`; the packs are: {}",
            rules.pack_names().join(", ")
        )?;
        return Ok(Outcome::Broken);
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (inputs, problems) = match discover::discover(&paths) {
        Ok(found) => found,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(Outcome::Broken);
        }
    };
    for p in &problems {
        writeln!(err, "warning: {}: {}", p.display, p.message)?;
    }
    if args.no_waivers {
        writeln!(
            err,
            "note: --no-waivers: every waiver is ignored; waived findings count as findings"
        )?;
    }
    let opts = Options {
        today,
        waivers: !args.no_waivers,
        packs: (!args.packs.is_empty()).then(|| args.packs.clone()),
    };
    let fail_on = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Never => None,
    };
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let human = Human::new(color);
    let mut summary = Summary::default();
    let mut reports = Vec::new();
    for input in &inputs {
        let report = check_file(db, rules, &opts, fail_on, input);
        summary.add(&report);
        match args.format {
            Format::Human => human.file(out, db, &report)?,
            Format::Json => reports.push(report),
        }
    }
    match args.format {
        Format::Human if !args.quiet => human.summary(out, &summary)?,
        Format::Human => {}
        Format::Json => json::render(out, db, &reports, &summary)?,
    }
    let failed = summary.failed > 0 || !problems.is_empty();
    Ok(if failed { Outcome::Fail } else { Outcome::Pass })
}

/// Reads, loads and checks one file; any failure to read is its finding.
fn check_file(
    db: &mut SourceDb,
    rules: &Rules,
    opts: &Options,
    fail_on: Option<Severity>,
    input: &discover::Input,
) -> FileReport {
    let plan = Plan::read(db, &input.path, &input.display, DEFAULT_MAX_BYTES);
    let checked = eval::check(&plan, rules, opts);
    let jurisdiction = plan.jurisdiction().map(str::to_string);
    FileReport::new(
        input.display.clone(),
        plan.source,
        jurisdiction,
        checked.packs,
        checked.findings,
        fail_on,
    )
}

fn test_rules(
    paths: &[PathBuf],
    rules: &Rules,
    db: &mut SourceDb,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("rules/tests")]
    } else {
        paths.to_vec()
    };
    let inputs = match discover::discover(&paths) {
        Ok((inputs, _)) => inputs,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(Outcome::Broken);
        }
    };
    let today = Date::today();
    let (mut passed, mut failed) = (0, 0);
    for input in &inputs {
        let v = verify::verify(db, rules, input, today);
        if v.passed() {
            passed += 1;
            continue;
        }
        failed += 1;
        writeln!(out, "FAIL {}", v.path)?;
        if let Some(why) = &v.broken {
            writeln!(out, "  {why}")?;
        }
        for m in &v.missing {
            writeln!(out, "  - {m:<14} expected, not reported")?;
        }
        for u in &v.unexpected {
            writeln!(out, "  + {u:<14} reported, not expected")?;
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")?;
    Ok(if failed == 0 {
        Outcome::Pass
    } else {
        Outcome::Fail
    })
}

fn color_for_stderr() -> bool {
    io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn terminal_width() -> Option<u16> {
    (!io::stdout().is_terminal()).then_some(100)
}
