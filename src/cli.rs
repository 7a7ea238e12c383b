//! The command line: clap's raw arguments, checked into what each command
//! needs, then run. Output goes to the writers given; the binary only
//! passes stdout and stderr and turns the outcome into an exit code.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::baseline::Baseline;
use crate::check::{self, Dest, Output, Settings};
use crate::discover::{self, Input, Walk};
use crate::error::Error;
use crate::eval::Options;
use crate::finding::{Code, Finding, Location, Severity};
use crate::lang::Lang;
use crate::message::{Arg, Message};
use crate::outputs;
use crate::plan::Date;
use crate::read::Refused;
use crate::render::{self, explain, human::Human, rules_md, rules_table, Config, Format};
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
    /// Language of messages: en or zh-CN [default: from LC_ALL / LANG]
    #[arg(long, global = true, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check plan files (and every *.toml below directories)
    Check(Box<CheckArgs>),
    /// List the rules of the loaded packs
    Rules(RulesArgs),
    /// Run rule-pack fixtures: plans whose `# expect:` lines state their findings
    TestRules {
        /// Fixture files or directories [default: rules/tests]
        paths: Vec<PathBuf>,
        /// Accept paths that hold no fixture: pass (exit 0) instead of exit 2
        #[arg(long)]
        allow_no_plans: bool,
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
    /// Write a commented plan skeleton for a jurisdiction, with `<…>` placeholders to fill in
    Init(InitArgs),
    /// Read plan documents (.docx, .txt, .md) into draft plans that `check` can judge
    Import(crate::import::ImportArgs),
    /// Print the JSON Schema of plan format v1, for editors and validators
    Schema,
    /// Print a shell completion script
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): cdocheck(1), or a command's own page
    Man {
        /// A command: its page, cdocheck-COMMAND(1)
        command: Option<String>,
    },
    /// List every [[waiver]] of the plans, with its state and days left
    Waivers(Box<crate::register::WaiversArgs>),
    /// Compare two JSON reports: the findings fixed, new and unchanged per plan
    Diff(crate::resubmit::DiffArgs),
    /// Run the language server on standard input and output, for editors
    Lsp {
        #[command(flatten)]
        packs: PackArgs,
    },
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("target").args(["output", "config"]).multiple(true)))]
pub struct InitArgs {
    /// The jurisdiction: a city (Jiangmen, Shenzhen, 江门 …), a provincial
    /// department, a place a pack given with --rules names, or any other
    /// place [default: a placeholder]
    #[arg(long, value_name = "NAME")]
    pub jurisdiction: Option<String>,
    /// Administrative level of the issuer [default: from the jurisdiction]
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub level: Option<crate::init::Level>,
    /// Write the skeleton to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite FILE when it exists
    #[arg(long, requires = "target")]
    pub force: bool,
    /// Write a commented configuration file, cdocheck.toml (or FILE), instead
    /// of a plan skeleton
    #[arg(long, conflicts_with_all = ["jurisdiction", "level"])]
    pub config: bool,
    #[command(flatten)]
    pub packs: PackArgs,
}

/// `cdocheck init`: the skeleton to standard output or, with `-o`, to a file
/// written whole (never over an existing file without `--force`).
fn init(
    args: &InitArgs,
    rules: &Rules,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    if args.config {
        return init_config(args, lang, err);
    }
    let req = crate::init::Request {
        jurisdiction: args.jurisdiction.clone(),
        level: args.level,
    };
    let skeleton = match crate::init::skeleton(&req, rules, lang) {
        Ok(s) => s,
        Err(e) => {
            writeln!(err, "{}", e.line().get(lang))?;
            return Ok(Outcome::Broken);
        }
    };
    let Some(path) = &args.output else {
        out.write_all(skeleton.text.as_bytes())?;
        return Ok(Outcome::Pass);
    };
    let wrote = |shown: &str| {
        Message::new("init.wrote")
            .arg("path", shown)
            .arg("count", skeleton.placeholders.to_string())
    };
    write_new(path, &skeleton.text, args.force, wrote, lang, err)
}

/// Writes a file `init` makes, whole, never over an existing one without
/// `force`; says on standard error what was written (`wrote`, given the
/// path as shown) or why not (exit 2).
fn write_new(
    path: &Path,
    text: &str,
    force: bool,
    wrote: impl Fn(&str) -> Message,
    lang: Lang,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    let shown = crate::text::safe(&path.display().to_string()).into_owned();
    if !force && path.exists() {
        let exists = Message::new("init.exists").arg("path", shown.as_str());
        let line = Message::new("error").arg("message", exists);
        writeln!(err, "{}", line.get(lang))?;
        return Ok(Outcome::Broken);
    }
    match crate::atomic::write(path, text.as_bytes(), force) {
        Ok(()) => {
            writeln!(err, "{}", wrote(&shown).get(lang))?;
            Ok(Outcome::Pass)
        }
        Err(e) => {
            let e = Error::Output {
                path: shown,
                detail: e.to_string(),
            };
            fail(err, e, lang)
        }
    }
}

/// `cdocheck init --config`: the commented configuration file, written
/// whole, never over an existing file without `--force`.
fn init_config(args: &InitArgs, lang: Lang, err: &mut dyn Write) -> io::Result<Outcome> {
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(crate::config::FILE_NAME));
    let text = crate::config::template(lang);
    let wrote = |shown: &str| Message::new("init.config.wrote").arg("path", shown);
    write_new(&path, text.trim_start(), args.force, wrote, lang, err)
}

/// The rule packs of commands that take no `--rules`.
static NO_EXTRA_PACKS: PackArgs = PackArgs { extra: Vec::new() };

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Plan files or directories [default: .]; `-` reads one plan from
    /// standard input
    pub paths: Vec<PathBuf>,
    /// The name to report the plan read from standard input (`-`) under
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,
    /// Read the configuration from FILE instead of the cdocheck.toml found
    /// in the current folder or above it (up to the repository root)
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file
    #[arg(long)]
    pub no_config: bool,
    /// Output format on standard output [default: human]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Also write FORMAT to PATH (repeatable), e.g. `--output sarif=cdocheck.sarif`;
    /// `FORMAT=-` puts FORMAT on standard output instead of `--format`
    #[arg(long = "output", value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub outputs: Vec<(Format, PathBuf)>,
    /// Lowest severity that fails a plan [default: error]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Apply these packs instead of those the plan selects (repeatable)
    #[arg(long = "pack", value_name = "NAME")]
    pub packs: Vec<String>,
    /// Check every plan against these packs too, besides those it selects
    /// (repeatable, or comma-separated)
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub require_packs: Vec<String>,
    /// Judge waiver expiry against this date instead of today (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<Date>,
    /// Ignore every waiver (an auditor's strict mode)
    #[arg(long)]
    pub no_waivers: bool,
    /// A table per plan, totals and the portfolio roll-up (human and
    /// concise output)
    #[arg(long)]
    pub summary: bool,
    /// A table per rule that fired (human and concise output)
    #[arg(long)]
    pub statistics: bool,
    /// Only files matching these .gitignore patterns when walking
    /// directories [default: *.toml]
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files and directories matching these .gitignore patterns:
    /// `drafts/` every drafts folder, `drafts/*` the one at the scan root
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Also walk hidden files and what .gitignore, .ignore and
    /// .git/info/exclude name
    #[arg(long)]
    pub no_ignore: bool,
    /// Follow symlinks inside directories (loops are reported)
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Accept paths that hold no plan file: exit 0 with an empty report.
    /// Without it such a scan is exit 2, so a CI job never passes on nothing
    #[arg(long)]
    pub allow_no_plans: bool,
    /// Replace files already in a folder output (`--output letters=DIR`);
    /// without it an existing file there stops the run before any check
    #[arg(long)]
    pub force: bool,
    /// Report files larger than this instead of reading them (e.g. 4MiB)
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "4MiB")]
    pub max_file_size: u64,
    /// Worker threads [default: one per core]
    #[arg(long, short, value_name = "N")]
    pub jobs: Option<usize>,
    /// When to use colour in the human output
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Record every finding in FILE, to adopt cdocheck with old findings
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Show findings recorded in FILE as baselined (not failing); fail only on new ones
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// With --write-baseline: remove the entries of checked files that no
    /// longer occur (kept otherwise)
    #[arg(long, requires = "write_baseline")]
    pub prune_baseline: bool,
    /// For auditors: only the tables (--summary, --statistics) and the
    /// summary line; no findings, notes or progress bar
    #[arg(long, short)]
    pub quiet: bool,
    /// Repair the plan files where the repair is unambiguous (quoted dates,
    /// an enum value's case or spacing, a misspelt key with one close
    /// match, document numbers in 〔〕), writing each file in place, then
    /// check them; standard input is never fixed (use --diff)
    #[arg(long, conflicts_with_all = ["diff", "write_baseline"])]
    pub fix: bool,
    /// Print what --fix would change, as a unified diff on standard output,
    /// and write nothing: exit 0 when there is nothing to fix, 1 when there
    /// is; not with --format or --output
    #[arg(long, conflicts_with = "write_baseline")]
    pub diff: bool,
    /// Human output: list each placeholder `<…>` left in a plan, instead of
    /// one summary per plan
    #[arg(long)]
    pub verbose: bool,
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

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s)
        .ok_or_else(|| format!("`{s}` is not a language cdocheck speaks; use `en` or `zh-CN`"))
}

pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date; write it as YYYY-MM-DD"))
}

fn parse_output(s: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = s
        .split_once('=')
        .ok_or("write it as FORMAT=PATH, e.g. sarif=cdocheck.sarif")?;
    // A folder output, so not a value of `--format` (which writes a stream).
    if format.eq_ignore_ascii_case("letters") {
        return Ok((Format::Letters, PathBuf::from(path)));
    }
    let format = Format::from_str(format, true).map_err(|_| {
        let names: Vec<_> = Format::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_string())
            .chain(["letters".to_string()])
            .collect();
        format!(
            "unknown format `{format}`; the formats are: {}",
            names.join(", ")
        )
    })?;
    Ok((format, PathBuf::from(path)))
}

/// `4194304`, `512K`, `4MiB`, `1G`: bytes with an optional binary unit.
pub(crate) fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_lowercase();
    let digits = t.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = match &t[digits.len()..] {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("`{s}` is not a size; write e.g. 4MiB or 512K")),
    };
    digits
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .ok_or_else(|| format!("`{s}` is not a size; write e.g. 4MiB or 512K"))
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

/// Runs a parsed command line and flushes `out`. An output that cannot be
/// written (a full disk included) is exit 2 with a message, never a panic.
pub fn run(
    mut args: Args,
    out: &mut (dyn Write + Send),
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    // The server finds each document's configuration and packs itself.
    if let Command::Lsp { packs } = &args.command {
        return crate::lsp::run(&packs.extra, args.lang, out);
    }
    if let Command::Check(c) = &mut args.command {
        match with_config(c) {
            Ok(config_lang) => args.lang = args.lang.or(config_lang),
            Err((db, path, problem)) => {
                let lang = args.lang.unwrap_or_else(Lang::from_env);
                return config_problem(&db, &path, problem, lang, err);
            }
        }
    }
    if let Command::Waivers(w) = &mut args.command {
        match waivers_config(w) {
            Ok(config_lang) => args.lang = args.lang.or(config_lang),
            Err((db, path, problem)) => {
                let lang = args.lang.unwrap_or_else(Lang::from_env);
                return config_problem(&db, &path, problem, lang, err);
            }
        }
    }
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    match run_command(args, lang, out, err).and_then(|o| out.flush().map(|()| o)) {
        Ok(outcome) => Ok(outcome),
        Err(e) => fail(
            err,
            Error::Write {
                detail: e.to_string(),
            },
            lang,
        ),
    }
}

/// Reads the configuration file (`--config`, else the one found) and fills
/// in what the command line leaves unset; a list given on the command line
/// replaces the file's. Returns the file's `lang`.
#[allow(clippy::type_complexity)]
fn with_config(
    c: &mut CheckArgs,
) -> Result<Option<Lang>, (SourceDb, PathBuf, crate::config::Problem)> {
    let Some(cfg) = find_config(c.config.as_ref(), c.no_config)? else {
        return Ok(None);
    };
    fill(&mut c.paths, cfg.paths);
    fill(&mut c.include, cfg.include);
    fill(&mut c.exclude, cfg.exclude);
    fill(&mut c.require_packs, cfg.require_packs);
    fill(&mut c.rules.extra, cfg.rules);
    c.baseline = c.baseline.take().or(cfg.baseline);
    c.jobs = c.jobs.or(cfg.jobs);
    c.fail_on = c
        .fail_on
        .or_else(|| cfg.fail_on.and_then(|f| FailOn::from_str(f, true).ok()));
    Ok(cfg.lang)
}

/// The configuration `waivers` honours, as `check` does: the plans, the
/// walk and the packs.
#[allow(clippy::type_complexity)]
fn waivers_config(
    w: &mut crate::register::WaiversArgs,
) -> Result<Option<Lang>, (SourceDb, PathBuf, crate::config::Problem)> {
    let Some(cfg) = find_config(w.config.as_ref(), w.no_config)? else {
        return Ok(None);
    };
    fill(&mut w.paths, cfg.paths);
    fill(&mut w.include, cfg.include);
    fill(&mut w.exclude, cfg.exclude);
    fill(&mut w.require_packs, cfg.require_packs);
    fill(&mut w.rules.extra, cfg.rules);
    Ok(cfg.lang)
}

/// The configuration file: `--config`, else the one found; `None` with
/// `--no-config` or when there is none.
#[allow(clippy::type_complexity)]
fn find_config(
    config: Option<&PathBuf>,
    no_config: bool,
) -> Result<Option<crate::config::Config>, (SourceDb, PathBuf, crate::config::Problem)> {
    if no_config {
        return Ok(None);
    }
    let path = match config {
        Some(p) => p.clone(),
        None => {
            let found = std::env::current_dir()
                .ok()
                .and_then(|cwd| crate::config::find(&cwd));
            match found {
                Some(p) => p,
                None => return Ok(None),
            }
        }
    };
    let mut db = SourceDb::default();
    match crate::config::load(&mut db, &path) {
        Ok(cfg) => Ok(Some(cfg)),
        Err(problem) => Err((db, path, problem)),
    }
}

/// A list from the configuration, unless the command line gave one.
fn fill<T>(given: &mut Vec<T>, from: Option<Vec<T>>) {
    if given.is_empty() {
        *given = from.unwrap_or_default();
    }
}

/// A configuration file that cannot be used: its errors shown as findings
/// into it, then one line; exit 2, nothing checked.
fn config_problem(
    db: &SourceDb,
    path: &Path,
    problem: crate::config::Problem,
    lang: Lang,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    let shown = path.display().to_string();
    let e = match problem {
        crate::config::Problem::Unreadable(why) => Error::Config {
            path: shown,
            why: Some(why),
        },
        crate::config::Problem::Invalid(findings) => {
            let none = Rules::default();
            let human = Human::new(config(&none, lang, color_for(&io::stderr())));
            for f in &findings {
                human.finding(err, db, f)?;
            }
            Error::Config {
                path: shown,
                why: None,
            }
        }
    };
    fail(err, e, lang)
}

fn run_command(
    args: Args,
    lang: Lang,
    out: &mut (dyn Write + Send),
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    let mut db = SourceDb::default();
    let packs = match &args.command {
        Command::Check(c) => &c.rules,
        Command::Rules(r) => &r.rules,
        Command::Explain { packs, .. } | Command::TestRules { packs, .. } => packs,
        Command::Init(a) => &a.packs,
        Command::Waivers(w) => &w.rules,
        Command::Diff(_) | Command::Lsp { .. } => &NO_EXTRA_PACKS,
        Command::Import(a) => &a.packs,
        Command::Schema | Command::Completions { .. } | Command::Man { .. } => &NO_EXTRA_PACKS,
    };
    let mut pack_hashes = std::collections::HashMap::new();
    let rules = match load_rules(&mut db, &packs.extra, &mut pack_hashes) {
        Ok(r) => r,
        Err(problems) => {
            let none = Rules::default();
            let human = Human::new(config(&none, lang, color_for(&io::stderr())));
            for p in &problems {
                human.finding(err, &db, p)?;
            }
            return fail(err, Error::PacksHaveErrors, lang);
        }
    };
    match args.command {
        // Machine-read output never follows the environment's language.
        Command::Check(c) => {
            let langs = (lang, args.lang.unwrap_or(Lang::En));
            check(*c, (&rules, &db, &pack_hashes), langs, out, err)
        }
        Command::Rules(r) => {
            if let Some(p) = r.pack.as_deref().filter(|p| rules.pack(p).is_none()) {
                return fail(err, no_such_pack(&rules, p), lang);
            }
            let width = (!io::stdout().is_terminal()).then_some(100);
            let text = if r.markdown {
                rules_md::render(&rules)
            } else {
                rules_table::render(&rules, r.pack.as_deref(), width, lang)
            };
            out.write_all(text.as_bytes())?;
            Ok(Outcome::Pass)
        }
        Command::TestRules {
            paths,
            allow_no_plans,
            ..
        } => test_rules(&paths, allow_no_plans, &rules, lang, out, err),
        Command::Init(a) => init(&a, &rules, lang, out, err),
        Command::Waivers(w) => crate::register::run(&w, &rules, lang, out, err),
        Command::Diff(d) => crate::resubmit::run(&d, lang, out, err),
        // Handled in `run`, before any pack is loaded.
        Command::Lsp { .. } => Ok(Outcome::Broken),
        Command::Import(a) => {
            let json_lang = args.lang.unwrap_or(Lang::En);
            crate::import::run(&a, &rules, lang, json_lang, out, err)
        }
        Command::Schema => {
            out.write_all(crate::json_schema::render().as_bytes())?;
            Ok(Outcome::Pass)
        }
        Command::Completions { shell } => {
            crate::docgen::completions(Args::command(), shell, out)?;
            Ok(Outcome::Pass)
        }
        Command::Man { command } => {
            if crate::docgen::man(Args::command(), command.as_deref(), out)? {
                return Ok(Outcome::Pass);
            }
            let e = Error::NoCommand {
                name: command.unwrap_or_default(),
                commands: crate::docgen::commands(&Args::command()),
            };
            fail(err, e, lang)
        }
        Command::Explain { code, .. } => match explain::explain(&rules, &code, lang) {
            Some(text) => {
                out.write_all(text.as_bytes())?;
                Ok(Outcome::Pass)
            }
            None => {
                let mut known: Vec<&str> = rules.all().map(|r| r.id.as_str()).collect();
                for c in Code::all() {
                    known.push(c.as_str());
                }
                let meant = crate::rules::expr::suggest(&code, &known).map(str::to_string);
                fail(err, Error::NoCode { code, meant }, lang)
            }
        },
    }
}

fn config(rules: &Rules, lang: Lang, color: bool) -> Config<'_> {
    Config {
        rules,
        lang,
        machine_lang: lang,
        color,
        summary: false,
        statistics: false,
        quiet: false,
        run: None,
    }
}

pub(crate) fn no_such_pack(rules: &Rules, name: &str) -> Error {
    Error::NoSuchPack {
        name: name.to_string(),
        packs: rules.pack_names().into_iter().map(str::to_string).collect(),
        meant: rules.meant_pack(name).map(str::to_string),
    }
}

/// Says why the command cannot run; exit 2.
pub(crate) fn fail(err: &mut dyn Write, e: Error, lang: Lang) -> io::Result<Outcome> {
    writeln!(err, "{}", e.line().get(lang))?;
    Ok(Outcome::Broken)
}

/// `hashes` gains the SHA-256 of each `--rules` file's bytes, by its name.
pub(crate) fn load_rules(
    db: &mut SourceDb,
    extra: &[PathBuf],
    hashes: &mut std::collections::HashMap<String, String>,
) -> Result<Rules, Vec<Finding>> {
    let mut rules = Rules::builtin(db)?;
    let mut problems = Vec::new();
    for path in extra {
        let files = match discover::discover(std::slice::from_ref(path), &Walk::default()) {
            Ok(inputs) => inputs,
            Err(e) => {
                problems.push(unreadable(db, &path.to_string_lossy(), e.message()));
                continue;
            }
        };
        for f in files {
            match read_pack(&f) {
                Ok((text, sha256)) => {
                    hashes.insert(f.display().to_string(), sha256);
                    if let Err(mut p) = rules.add(db, f.display(), &text) {
                        problems.append(&mut p);
                    }
                }
                Err(why) => {
                    let source = db.add(Source::new(f.display(), ""));
                    problems.push(Code::RP001.at(Location { source, span: 0..0 }, why));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(rules)
    } else {
        Err(problems)
    }
}

/// A `--rules` pack file's text: a regular file of at most
/// [`MAX_PACK_BYTES`](crate::read::MAX_PACK_BYTES), without a byte-order
/// mark; else why not, as an RP001 message.
fn read_pack(f: &discover::Input) -> Result<(String, String), Message> {
    let max = crate::read::MAX_PACK_BYTES;
    let name = f.display();
    if let Some(why) = &f.problem {
        return Err(Message::new("rp001.unreadable")
            .arg("name", name)
            .arg("error", Message::clone(why)));
    }
    match crate::read::read(&f.path, max) {
        Ok(bytes) => Ok((
            String::from_utf8_lossy(crate::read::without_bom(&bytes)).into_owned(),
            crate::evidence::sha256_hex(&bytes),
        )),
        Err(Refused::Io(e)) => Err(Message::new("rp001.unreadable")
            .arg("name", name)
            .arg("error", e.to_string())),
        Err(Refused::NotRegular(kind)) => Err(Message::new("rp001.not-regular")
            .arg("name", name)
            .arg("kind", kind.message())),
        Err(Refused::TooLarge) => Err(Message::new("rp001.too-large")
            .arg("name", name)
            .arg("max", max.to_string())),
    }
}

fn unreadable(db: &mut SourceDb, name: &str, why: Message) -> Finding {
    let source = db.add(Source::new(name, ""));
    Code::RP001.at(
        Location { source, span: 0..0 },
        Message::new("rp001.unreadable")
            .arg("name", name)
            .arg("error", why),
    )
}

/// Standard output holds exactly one output: `--format`, or one
/// `--output FORMAT=-` (any spelling of standard output) in its place.
fn stdout_format(args: &mut CheckArgs) -> Result<Format, Error> {
    let is_stdout = |p: &Path| {
        matches!(
            p.to_str(),
            Some("-" | "/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1")
        )
    };
    let (to_stdout, files): (Vec<_>, Vec<_>) = std::mem::take(&mut args.outputs)
        .into_iter()
        .partition(|(_, p)| is_stdout(p));
    args.outputs = files;
    let format = match (to_stdout.as_slice(), args.format) {
        ([], format) => format.unwrap_or(Format::Human),
        ([(format, _)], None) => *format,
        _ => return Err(Error::StdoutTwice),
    };
    // Review letters are a folder of files, never a stream.
    if format == Format::Letters {
        return Err(Error::LettersFolder);
    }
    Ok(format)
}

fn check(
    mut args: CheckArgs,
    (rules, sources, pack_hashes): (&Rules, &SourceDb, &PackHashes),
    (lang, machine_lang): (Lang, Lang),
    out: &mut (dyn Write + Send),
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    // One day for the whole run: waivers and the evidence agree.
    args.today = Some(args.today.unwrap_or_else(Date::today));
    // The diff is standard output's one output (json-output.md).
    if args.diff && (args.format.is_some() || !args.outputs.is_empty()) {
        return fail(err, Error::DiffWithOutput, lang);
    }
    let format = match stdout_format(&mut args) {
        Ok(f) => f,
        Err(e) => return fail(err, e, lang),
    };
    let named = args.packs.iter().chain(&args.require_packs);
    if let Some(p) = named.into_iter().find(|p| rules.pack(p).is_none()) {
        return fail(err, no_such_pack(rules, p), lang);
    }
    let walk = match Walk::new(&args.include, &args.exclude, args.follow_symlinks) {
        Ok(w) => Walk {
            no_ignore: args.no_ignore,
            plans_only: true,
            max_bytes: args.max_file_size,
            // Fixed files are replaced: the check reads them anew.
            keep_open: !args.fix && !args.diff,
            one_thread: args.jobs == Some(1),
            ..w
        },
        Err(e) => return fail(err, e, lang),
    };
    let stdin = match discover::stdin_input(
        &mut args.paths,
        args.stdin_filename.as_deref(),
        args.max_file_size,
    ) {
        Ok(s) => s,
        Err(e) => return fail(err, e, lang),
    };
    if args.fix && stdin.is_some() {
        return fail(err, Error::FixStdin, lang);
    }
    let paths = if args.paths.is_empty() && stdin.is_none() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let inputs = match discover::scan(&paths, &walk) {
        Ok(mut found) => {
            if let Some(i) = stdin {
                found.inputs.push(i);
                found.inputs.sort_by(|a, b| a.display().cmp(b.display()));
            }
            if no_plans(&found, args.allow_no_plans, args.quiet, lang, err)? {
                return Ok(Outcome::Broken);
            }
            let n = found.skipped.not_plans;
            if n > 0 && !args.quiet {
                let id = if n == 1 {
                    "note.not-plans.one"
                } else {
                    "note.not-plans.many"
                };
                let why = Message::new(id).arg("count", n.to_string());
                writeln!(
                    err,
                    "{}",
                    Message::new("note").arg("message", why).get(lang)
                )?;
            }
            found.inputs
        }
        Err(e) => return fail(err, e, lang),
    };
    if args.diff {
        return fix_diff(&inputs, args.max_file_size, (lang, args.quiet), out, err);
    }
    if args.fix {
        fix_files(&inputs, args.max_file_size, (lang, args.quiet), err)?;
    }
    // Folder outputs are set aside: the single-file checks refuse folders.
    let (letters, files): (Vec<_>, Vec<_>) = std::mem::take(&mut args.outputs)
        .into_iter()
        .partition(|(f, _)| *f == Format::Letters);
    args.outputs = files;
    let letter_dirs: Vec<PathBuf> = letters.into_iter().map(|(_, d)| d).collect();
    if let Err(e) = outputs::refuse_letters(&letter_dirs, &inputs, args.force) {
        return fail(err, e, lang);
    }
    if let Err(e) = outputs::refuse_clashes(
        &args.outputs,
        args.write_baseline.as_deref(),
        args.baseline.as_deref(),
        &inputs,
    ) {
        return fail(err, e, lang);
    }
    // Tables are text: a machine format on standard output has no room for
    // them, and saying so beats ignoring the flag silently.
    if (args.summary || args.statistics) && !matches!(format, Format::Human | Format::Concise) {
        let why = Message::new("note.tables-need-text")
            .arg("format", format!("{format:?}").to_lowercase());
        writeln!(
            err,
            "{}",
            Message::new("note").arg("message", why).get(lang)
        )?;
    }
    if args.no_waivers {
        let note = Message::new("note").arg("message", Message::new("note.no-waivers"));
        writeln!(err, "{}", note.get(lang))?;
    }
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => color_for(&io::stdout()),
    };
    let run_info = run_info(&args, rules, sources, pack_hashes);
    let cfg = Config {
        summary: args.summary,
        statistics: args.statistics,
        quiet: args.quiet,
        machine_lang,
        run: Some(&run_info),
        ..config(rules, lang, color)
    };
    // Extra outputs go to files, written whole at the end, never in colour.
    let plain = Config {
        color: false,
        ..cfg
    };
    let mut wanted: Vec<outputs::Wanted> = args
        .outputs
        .iter()
        .map(|(format, path)| {
            let emitter: Box<dyn render::Emitter> = match format {
                Format::Human => Box::new(Human::new(plain).verbose(args.verbose)),
                _ => render::emitter(*format, plain),
            };
            (emitter, render::preparer(*format, plain), path.as_path())
        })
        .collect();
    let baseline = match args.baseline.as_deref().map(load_baseline).transpose() {
        Ok(b) => b,
        Err(e) => return fail(err, e, lang),
    };
    if let Some((path, b)) = args.baseline.as_deref().zip(baseline.as_ref()) {
        old_version(path, b, lang, err)?;
    }
    let mut written = None;
    if let Some(path) = &args.write_baseline {
        // Merged into what the file holds: an unreadable one stops the run
        // rather than be replaced by a baseline of this run's files only.
        let old = match path.exists() {
            true => match load_baseline(path) {
                Ok(b) => Some(b),
                Err(e) => return fail(err, e, lang),
            },
            false => None,
        };
        let writer = render::baseline::Writer::new(path, old, args.prune_baseline);
        written = Some(writer.written());
        wanted.push((Box::new(writer), None, path));
    }
    let (mut outputs, files) = match outputs::open_outputs(wanted) {
        Ok(opened) => opened,
        Err(e) => return fail(err, e, lang),
    };
    outputs.insert(
        0,
        Output {
            emitter: match format {
                Format::Human => Box::new(Human::new(cfg).verbose(args.verbose)),
                _ => render::emitter(format, cfg),
            },
            writer: Dest::Here(Box::new(&mut *out)),
            prepare: render::preparer(format, cfg),
        },
    );
    for dir in letter_dirs {
        outputs.push(Output {
            emitter: Box::new(render::letters::Letters::new(plain, dir.clone())),
            writer: Dest::Apart(Box::new(io::sink())),
            prepare: Some(Box::new(render::letters::Prep { cfg: plain, dir })),
        });
    }
    let github = format == Format::Github || args.outputs.iter().any(|(f, _)| *f == Format::Github);
    match outputs::job_summary(github) {
        Ok(Some(file)) => outputs.push(Output {
            emitter: Box::new(render::summary::JobSummary::new(cfg)),
            writer: Dest::Apart(Box::new(file)),
            prepare: None,
        }),
        Ok(None) => {}
        Err(e) => return fail(err, e, lang),
    }
    let settings = settings(&args, (rules, sources), baseline, inputs.len());
    let totals = check::run(&inputs, &settings, &mut outputs)?;
    drop(outputs);
    for (f, path) in files {
        if let Err(e) = f.commit(true) {
            let e = Error::Output {
                path: path.display().to_string(),
                detail: e.to_string(),
            };
            return fail(err, e, lang);
        }
    }
    let written = written
        .and_then(|w| w.get().copied())
        .zip(args.write_baseline.as_deref());
    if let Some((w, path)) = written {
        baseline_written(&w, path, lang, err)?;
    }
    // A baseline just written records every finding, so the run passes by
    // it (json-output.md, exit codes of `check --write-baseline`).
    Ok(
        if totals.summary.failed > 0 && args.write_baseline.is_none() {
            Outcome::Fail
        } else {
            Outcome::Pass
        },
    )
}

/// The text of a plan file for `--fix`/`--diff`, as read, with its
/// byte-order mark (kept when written back); `None` when it cannot be read
/// as text (its check says why).
fn fix_text(input: &Input, max: u64) -> Option<(Vec<u8>, String)> {
    if input.problem.is_some() {
        return None;
    }
    let bytes = match &input.bytes {
        Some(b) => b.as_ref().clone(),
        None => crate::read::read(&input.path, max).ok()?,
    };
    let text = crate::read::without_bom(&bytes);
    let bom = bytes[..bytes.len() - text.len()].to_vec();
    if text.contains(&0) {
        return None;
    }
    let text = String::from_utf8(text.to_vec()).ok()?;
    Some((bom, text))
}

/// `check --diff`: the unified diff of each file's safe fixes; nothing is
/// written. Exit 1 when there is a fix to show.
fn fix_diff(
    inputs: &[Input],
    max: u64,
    (lang, quiet): (Lang, bool),
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    let mut shown = false;
    for input in inputs {
        let Some((_, text)) = fix_text(input, max) else {
            continue;
        };
        let path = crate::text::safe(input.display()).into_owned();
        match crate::fix::repair(&text) {
            Some(r) if r.fixed() > 0 => {
                out.write_all(crate::fix::unified_diff(&path, &text, &r.text).as_bytes())?;
                shown = true;
            }
            Some(_) => {}
            None if !quiet => {
                let m = Message::new("fix.not-toml").arg("path", path);
                writeln!(err, "{}", Message::new("note").arg("message", m).get(lang))?;
            }
            None => {}
        }
    }
    Ok(if shown { Outcome::Fail } else { Outcome::Pass })
}

/// `check --fix`: each file's safe fixes written in place, atomically,
/// keeping its permissions (through a symlink, to the file it names); what
/// was fixed is said on standard error. The check that follows reads the
/// fixed files.
fn fix_files(
    inputs: &[Input],
    max: u64,
    (lang, quiet): (Lang, bool),
    err: &mut dyn Write,
) -> io::Result<()> {
    let note = |err: &mut dyn Write, m: Message| {
        if quiet {
            return Ok(());
        }
        writeln!(err, "{}", Message::new("note").arg("message", m).get(lang))
    };
    for input in inputs {
        let Some((bom, text)) = fix_text(input, max) else {
            continue;
        };
        let path = crate::text::safe(input.display()).into_owned();
        let Some(r) = crate::fix::repair(&text) else {
            note(err, Message::new("fix.not-toml").arg("path", path))?;
            continue;
        };
        if r.refused > 0 {
            let m = Message::new("fix.refused")
                .arg("path", path.as_str())
                .arg("count", r.refused.to_string());
            note(err, m)?;
        }
        if r.fixed() == 0 {
            continue;
        }
        let target = std::fs::canonicalize(&input.path).unwrap_or_else(|_| input.path.clone());
        let mut bytes = bom;
        bytes.extend_from_slice(r.text.as_bytes());
        if let Err(e) = crate::atomic::write(&target, &bytes, true) {
            let m = Message::new("fix.unwritten")
                .arg("path", path)
                .arg("error", e.to_string());
            note(err, m)?;
            continue;
        }
        let counts = r.counts.iter().map(|(code, n)| {
            let id = if code == crate::fix::DOCUMENT_NUMBER {
                "fix.count.document-number"
            } else {
                "fix.count"
            };
            Arg::Message(
                Message::new(id)
                    .arg("code", code.as_str())
                    .arg("count", n.to_string()),
            )
        });
        let m = Message::new("fix.fixed")
            .arg("path", path)
            .arg("count", r.fixed().to_string())
            .arg("counts", Arg::List(counts.collect()));
        note(err, m)?;
    }
    Ok(())
}

/// The SHA-256 of each `--rules` file's bytes, by the name it was loaded under.
type PackHashes = std::collections::HashMap<String, String>;

/// The evidence of what this run judges against (json-output.md, `run`).
fn run_info(
    args: &CheckArgs,
    rules: &Rules,
    sources: &SourceDb,
    hashes: &PackHashes,
) -> crate::evidence::RunInfo {
    let options = crate::evidence::RunOptions {
        fail_on: match args.fail_on.unwrap_or(FailOn::Error) {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Never => "never",
        },
        no_waivers: args.no_waivers,
        packs: (!args.packs.is_empty()).then(|| args.packs.clone()),
        require_packs: (!args.require_packs.is_empty()).then(|| args.require_packs.clone()),
        baseline: args
            .baseline
            .as_ref()
            .map(|p| p.to_string_lossy().replace('\\', "/")),
    };
    let today = args.today.unwrap_or_else(Date::today);
    crate::evidence::RunInfo::new(rules, sources, hashes, today, options)
}

/// A version-1 baseline is read, with a warning: its waiver and milestone
/// keys are positional and may not match.
fn old_version(path: &Path, b: &Baseline, lang: Lang, err: &mut dyn Write) -> io::Result<()> {
    if b.version < crate::baseline::VERSION {
        let m = Message::new("baseline.v1").arg(
            "path",
            crate::text::safe(&path.display().to_string()).into_owned(),
        );
        writeln!(err, "{}", m.get(lang))?;
    }
    Ok(())
}

/// The note on standard error once `--write-baseline` wrote its file.
fn baseline_written(
    w: &render::baseline::Written,
    path: &Path,
    lang: Lang,
    err: &mut dyn Write,
) -> io::Result<()> {
    let shown = crate::text::safe(&path.display().to_string()).into_owned();
    let mut m = Message::new("baseline.written")
        .arg("path", shown)
        .arg("entries", w.entries.to_string())
        .arg("files", w.files.to_string())
        .arg("kept", w.kept.to_string());
    if w.stale > 0 {
        let id = if w.pruned {
            "baseline.written.pruned"
        } else {
            "baseline.written.stale"
        };
        m = Message::new("baseline.written.and")
            .arg("first", m)
            .arg("then", Message::new(id).arg("count", w.stale.to_string()));
    }
    writeln!(err, "{}", Message::new("note").arg("message", m).get(lang))
}

/// Reads `--baseline FILE`: a regular file of at most
/// [`MAX_BASELINE_BYTES`](crate::read::MAX_BASELINE_BYTES); anything else
/// stops the run (exit 2) before anything is checked.
fn load_baseline(path: &Path) -> Result<Baseline, Error> {
    let error = |why| Error::Baseline {
        path: path.display().to_string(),
        why,
    };
    let max = crate::read::MAX_BASELINE_BYTES;
    let bytes = crate::read::read(path, max).map_err(|r| {
        error(match r {
            Refused::Io(e) => Message::new("baseline.unreadable").arg("detail", e.to_string()),
            Refused::NotRegular(kind) => {
                Message::new("read.not-regular").arg("kind", kind.message())
            }
            Refused::TooLarge => Message::new("baseline.too-large").arg("max", max.to_string()),
        })
    })?;
    Baseline::parse_at(&bytes, path).map_err(error)
}

/// What the run needs from the command line.
fn settings<'r>(
    args: &CheckArgs,
    (rules, sources): (&'r Rules, &'r SourceDb),
    baseline: Option<Baseline>,
    files: usize,
) -> Settings<'r> {
    Settings {
        rules,
        sources,
        opts: Options {
            today: args.today.unwrap_or_else(Date::today),
            waivers: !args.no_waivers,
            packs: (!args.packs.is_empty()).then(|| args.packs.clone()),
            require: args.require_packs.clone(),
        },
        fail_on: match args.fail_on.unwrap_or(FailOn::Error) {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Never => None,
        },
        max_bytes: args.max_file_size,
        jobs: jobs(args.jobs, files),
        baseline,
        plan_rows: args.summary,
        // A bar only where a person watches a scan long enough to need one.
        progress: !args.quiet
            && files >= 100
            && io::stderr().is_terminal()
            && std::env::var_os("CI").is_none(),
    }
}

/// Worker threads that can help: no more than the files to check, nor than
/// a few per core (a thread waiting on a slow disk leaves its core to
/// another); at least one. `-j 0` means one per core.
fn jobs(asked: Option<usize>, files: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    asked
        .filter(|n| *n > 0)
        .unwrap_or(cores)
        .min(cores.saturating_mul(JOBS_PER_CORE))
        .min(files)
        .max(1)
}

/// How many threads per core `-j` may ask for.
const JOBS_PER_CORE: usize = 4;

/// A scan that found no plan file: exit 2 with what was skipped, unless
/// `--allow-no-plans`, then a note. `true` when the run must stop.
pub(crate) fn no_plans(
    found: &discover::Found,
    allow: bool,
    quiet: bool,
    lang: Lang,
    err: &mut dyn Write,
) -> io::Result<bool> {
    if !found.inputs.is_empty() {
        return Ok(false);
    }
    let why = found.skipped.nothing_found();
    if !allow {
        writeln!(err, "{}", Error::NoPlans(why).line().get(lang))?;
    } else if !quiet {
        writeln!(
            err,
            "{}",
            Message::new("note").arg("message", why).get(lang)
        )?;
    }
    Ok(!allow)
}

fn test_rules(
    paths: &[PathBuf],
    allow_no_plans: bool,
    rules: &Rules,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("rules/tests")]
    } else {
        paths.to_vec()
    };
    let inputs = match discover::scan(&paths, &Walk::default()) {
        Ok(found) => {
            if no_plans(&found, allow_no_plans, false, lang, err)? {
                return Ok(Outcome::Broken);
            }
            found.inputs
        }
        Err(e) => return fail(err, e, lang),
    };
    let today = Date::today();
    let (mut passed, mut failed) = (0, 0);
    for input in &inputs {
        let v = verify::verify(rules, input, today);
        if v.passed() {
            passed += 1;
            continue;
        }
        failed += 1;
        // Paths and fixture text are shown safe: one line each.
        let safe = |s: &str| crate::text::safe(s).into_owned();
        writeln!(out, "FAIL {}", safe(&v.path))?;
        if let Some(why) = &v.broken {
            writeln!(out, "  {}", safe(&why.get(lang)))?;
        }
        for m in &v.missing {
            writeln!(
                out,
                "  - {:<14} expected, not reported",
                safe(&m.to_string())
            )?;
        }
        for u in &v.unexpected {
            writeln!(
                out,
                "  + {:<14} reported, not expected",
                safe(&u.to_string())
            )?;
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")?;
    Ok(if failed == 0 {
        Outcome::Pass
    } else {
        Outcome::Fail
    })
}

fn color_for(stream: &dyn IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!(
            parse_size("4MiB"),
            Ok(crate::plan::DEFAULT_MAX_BYTES),
            "the --max-file-size default"
        );
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("4 furlongs").is_err());
        assert!(parse_size("99999999999999G").is_err());
    }

    #[test]
    fn jobs_are_clamped_to_what_helps() {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        assert_eq!(jobs(Some(20_000), 1), 1);
        assert_eq!(jobs(Some(20_000), 1_000_000), cores * JOBS_PER_CORE);
        assert_eq!(jobs(Some(2), 10), 2);
        assert_eq!(jobs(None, 10), cores.min(10));
        assert_eq!(jobs(Some(0), 1_000), cores);
        assert_eq!(jobs(Some(8), 0), 1);
    }

    #[test]
    fn outputs_name_a_format_and_a_path() {
        assert_eq!(
            parse_output("json=out/r.json"),
            Ok((Format::Json, PathBuf::from("out/r.json")))
        );
        assert!(parse_output("yaml=x").unwrap_err().contains("concise"));
        assert!(parse_output("json").is_err());
    }
}
