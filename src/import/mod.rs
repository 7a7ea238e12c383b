//! `cdocheck import`: plan documents (`.docx`, `.txt`, `.md`, in UTF-8 or
//! GB18030) read into **draft** plans in format v1, each value with the
//! document line it came from, a `<…>` placeholder for each required value
//! the document does not give (spec: import.md; docs/import.md).
//!
//! `read` turns a file into lines, `extract` reads the fields with the
//! patterns of `rules/import.toml` (`words`) and the province data `init`
//! uses, `write` renders the draft; this module walks the inputs, writes
//! the drafts atomically and reports.

mod extract;
mod read;
mod words;
mod write;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Serialize;

use crate::cli::{Outcome, PackArgs};
use crate::init::Places;
use crate::lang::Lang;
use crate::message::Message;
use crate::rules::Rules;
use crate::text::safe;

use read::MAX_FILE_BYTES;

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("target").args(["output", "out_dir"])))]
pub struct ImportArgs {
    /// Plan documents (.docx, .txt, .md) or folders holding them
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Write the draft of a single document to FILE [default: standard output]
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write one draft per document into DIR, mirroring the inputs' paths
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Overwrite drafts that exist
    #[arg(long, requires = "target")]
    pub force: bool,
    /// Output format of the report [default: human]
    #[arg(long, value_enum)]
    pub format: Option<ImportFormat>,
    #[command(flatten)]
    pub packs: PackArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    Human,
    Json,
}

/// One document to import, and where its draft goes.
struct Job {
    source: PathBuf,
    draft: Option<PathBuf>,
}

/// A document's report (`--format json`).
#[derive(Serialize)]
struct Report {
    source: String,
    draft: Option<String>,
    read: usize,
    guessed: usize,
    placeholders: usize,
    units: Vec<UnitReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize)]
struct UnitReport {
    name_zh: String,
    kind: Option<&'static str>,
    level: Option<&'static str>,
}

fn error_line(err: &mut dyn Write, m: Message, lang: Lang) -> io::Result<()> {
    writeln!(err, "{}", Message::new("error").arg("message", m).get(lang))
}

fn shown(p: &Path) -> String {
    safe(&p.display().to_string()).into_owned()
}

/// Runs `cdocheck import`. `json_lang` is the language of the JSON report
/// (`--lang` only), `lang` that of drafts and messages.
pub fn run(
    args: &ImportArgs,
    rules: &Rules,
    lang: Lang,
    json_lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    let json = args.format == Some(ImportFormat::Json);
    let (Some(w), Ok(places)) = (words::builtin(), Places::builtin()) else {
        error_line(err, Message::new("import.error.data"), lang)?;
        return Ok(Outcome::Broken);
    };
    // The documents, and the files of other types a folder held.
    let mut jobs = Vec::new();
    let mut skipped = 0usize;
    let mut walked_folder = false;
    for p in &args.paths {
        if p.is_dir() {
            walked_folder = true;
            for e in walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
            {
                let name = e.file_name().to_string_lossy();
                if read::Kind::of(e.path()).is_some() && !name.starts_with("~$") {
                    let rel = e.path().strip_prefix(p).unwrap_or(e.path()).to_path_buf();
                    jobs.push((e.path().to_path_buf(), rel));
                } else {
                    skipped += 1;
                }
            }
        } else {
            let rel = PathBuf::from(p.file_name().unwrap_or(p.as_os_str()));
            jobs.push((p.clone(), rel));
        }
    }
    if skipped > 0 {
        let m = Message::new("import.skipped").arg("count", skipped.to_string());
        writeln!(err, "{}", m.get(lang))?;
    }
    if jobs.is_empty() {
        let paths: Vec<String> = args.paths.iter().map(|p| shown(p)).collect();
        let m = Message::new("import.nothing").arg("path", paths.join(", "));
        error_line(err, m, lang)?;
        return Ok(Outcome::Broken);
    }
    let several = jobs.len() > 1 || walked_folder;
    if several && args.out_dir.is_none() {
        error_line(err, Message::new("import.needs-out-dir"), lang)?;
        return Ok(Outcome::Broken);
    }
    if json && args.output.is_none() && args.out_dir.is_none() {
        error_line(err, Message::new("import.json-needs-file"), lang)?;
        return Ok(Outcome::Broken);
    }
    let jobs = targets(jobs, args);
    // Every draft that would replace a file is refused before any is written.
    for j in &jobs {
        let Some(d) = &j.draft else { continue };
        if d.is_dir() {
            let m = Message::new("error.output-dir").arg("path", shown(d));
            error_line(err, m, lang)?;
            return Ok(Outcome::Broken);
        }
        if !args.force && d.exists() {
            let m = Message::new("init.exists").arg("path", shown(d));
            error_line(err, m, lang)?;
            return Ok(Outcome::Broken);
        }
        if jobs.iter().any(|k| same_file(&k.source, d)) {
            let m = Message::new("error.output-input")
                .arg("output", shown(d))
                .arg("input", shown(d));
            error_line(err, m, lang)?;
            return Ok(Outcome::Broken);
        }
    }

    let mut reports = Vec::new();
    let mut failed = false;
    for j in &jobs {
        match import_one(j, w, &places, rules, lang) {
            Ok((draft, report)) => {
                match &j.draft {
                    Some(path) => {
                        let written = if args.out_dir.is_some() {
                            crate::atomic::AtomicFile::create_with_folders(path).and_then(|f| {
                                f.file()?.write_all(draft.as_bytes())?;
                                f.commit(args.force)
                            })
                        } else {
                            crate::atomic::write(path, draft.as_bytes(), args.force)
                        };
                        if let Err(e) = written {
                            let m = Message::new("error.output")
                                .arg("path", shown(path))
                                .arg("detail", e.to_string());
                            error_line(err, m, lang)?;
                            return Ok(Outcome::Broken);
                        }
                        if !json {
                            human(out, &report, lang)?;
                        }
                    }
                    None => {
                        out.write_all(draft.as_bytes())?;
                        human(err, &report, lang)?;
                    }
                }
                reports.push(report);
            }
            Err(why) => {
                failed = true;
                let m = Message::new("import.failed")
                    .arg("source", shown(&j.source))
                    .arg("why", why.clone());
                error_line(err, m, lang)?;
                reports.push(Report {
                    source: j.source.display().to_string(),
                    draft: None,
                    read: 0,
                    guessed: 0,
                    placeholders: 0,
                    units: Vec::new(),
                    error: Some(why.get(json_lang)),
                });
            }
        }
    }
    if json {
        let text = serde_json::to_string_pretty(&reports).map_err(io::Error::other)?;
        writeln!(out, "{text}")?;
    }
    Ok(if failed { Outcome::Fail } else { Outcome::Pass })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Where each draft goes: `--output`, or below `--out-dir` at the input's
/// path relative to its scan root with `.toml` for its extension (the
/// whole file name and `.toml` when two inputs would share a draft).
fn targets(jobs: Vec<(PathBuf, PathBuf)>, args: &ImportArgs) -> Vec<Job> {
    let stem = |rel: &Path| rel.with_extension("toml");
    jobs.iter()
        .map(|(source, rel)| {
            let draft = match (&args.output, &args.out_dir) {
                (Some(o), _) => Some(o.clone()),
                (None, Some(dir)) => {
                    let clash = jobs.iter().filter(|(_, r)| stem(r) == stem(rel)).count() > 1;
                    let name = if clash {
                        let mut n = rel.as_os_str().to_owned();
                        n.push(".toml");
                        PathBuf::from(n)
                    } else {
                        stem(rel)
                    };
                    Some(dir.join(name))
                }
                (None, None) => None,
            };
            Job {
                source: source.clone(),
                draft,
            }
        })
        .collect()
}

/// Reads one document and renders its draft.
fn import_one(
    job: &Job,
    w: &words::Words,
    places: &Places,
    rules: &Rules,
    lang: Lang,
) -> Result<(String, Report), Message> {
    let kind = read::Kind::of(&job.source).ok_or_else(|| Message::new("import.why.type"))?;
    let bytes = crate::read::read(&job.source, MAX_FILE_BYTES).map_err(|e| match e {
        crate::read::Refused::Io(e) => {
            Message::new("import.why.unreadable").arg("detail", e.to_string())
        }
        crate::read::Refused::NotRegular(k) => {
            Message::new("import.why.not-regular").arg("kind", k.message())
        }
        crate::read::Refused::TooLarge => {
            Message::new("import.why.too-large").arg("max", MAX_FILE_BYTES.to_string())
        }
    })?;
    let source = shown(&job.source);
    let (text, mut report) = from_bytes(kind, &bytes, &source, w, places, rules, lang)?;
    report.source = job.source.display().to_string();
    report.draft = job.draft.as_ref().map(|d| d.display().to_string());
    Ok((text, report))
}

/// The draft of a document's bytes (`kind` from its file name).
fn from_bytes(
    kind: read::Kind,
    bytes: &[u8],
    source: &str,
    w: &words::Words,
    places: &Places,
    rules: &Rules,
    lang: Lang,
) -> Result<(String, Report), Message> {
    let doc = read::lines(kind, bytes).map_err(|e| match e {
        read::Unreadable::Docx(d) => Message::new("import.why.docx").arg("detail", d),
        read::Unreadable::Xml(d) => Message::new("import.why.xml").arg("detail", d),
        read::Unreadable::TooLarge(max) => {
            Message::new("import.why.too-large").arg("max", max.to_string())
        }
        read::Unreadable::Encoding => Message::new("import.why.encoding"),
    })?;
    let text = extract::Text::new(&doc.lines);
    if !text.is_plan(w) {
        return Err(Message::new("import.why.not-plan"));
    }
    let draft = extract::read(&text, w, places, rules);
    let sha = crate::evidence::sha256_hex(bytes);
    let header = write::Header {
        source,
        sha256: &sha,
        encoding: doc.encoding,
        truncated: doc.truncated,
    };
    let r = write::render(&draft, &doc.lines, &header, lang);
    let report = Report {
        source: source.to_string(),
        draft: None,
        read: r.read,
        guessed: r.guessed,
        placeholders: r.placeholders,
        units: draft
            .units
            .iter()
            .map(|u| UnitReport {
                name_zh: u.name_zh.0.clone(),
                kind: u.kind.map(|k| k.0),
                level: u.level.map(|l| l.0),
            })
            .collect(),
        error: None,
    };
    Ok((r.text, report))
}

/// The draft `import` writes for a document named `file_name` holding
/// `bytes`, or why there is none (in English). For the fuzzer and tests.
pub fn draft_of(
    file_name: &str,
    bytes: &[u8],
    rules: &Rules,
    lang: Lang,
) -> Result<String, String> {
    let kind = read::Kind::of(Path::new(file_name)).ok_or("not a .docx, .txt or .md file")?;
    // Loaded once: the fuzzer calls this for every input.
    static PLACES: std::sync::OnceLock<Option<Places>> = std::sync::OnceLock::new();
    let places = PLACES.get_or_init(|| Places::builtin().ok());
    let (Some(w), Some(places)) = (words::builtin(), places) else {
        return Err("the built-in data do not load".into());
    };
    from_bytes(kind, bytes, file_name, w, places, rules, lang)
        .map(|(text, _)| text)
        .map_err(|m| m.get(Lang::En))
}

/// The human report of one document.
fn human(out: &mut dyn Write, r: &Report, lang: Lang) -> io::Result<()> {
    let draft = r.draft.as_deref().map_or_else(
        || Message::new("import.stdout").get(lang),
        |d| safe(d).into_owned(),
    );
    let m = Message::new("import.done")
        .arg("source", safe(&r.source).into_owned())
        .arg("draft", draft)
        .arg("read", r.read.to_string())
        .arg("guessed", r.guessed.to_string())
        .arg("placeholders", r.placeholders.to_string());
    writeln!(out, "{}", m.get(lang))?;
    // Units by kind and level, in order of first appearance.
    let mut groups: Vec<((&str, &str), usize)> = Vec::new();
    for u in &r.units {
        let key = (u.kind.unwrap_or("?"), u.level.unwrap_or("?"));
        match groups.iter_mut().find(|g| g.0 == key) {
            Some(g) => g.1 += 1,
            None => groups.push((key, 1)),
        }
    }
    if groups.is_empty() {
        writeln!(out, "{}", Message::new("import.no-units").get(lang))?;
        return Ok(());
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|((k, l), n)| {
            Message::new("import.unit-count")
                .arg("count", n.to_string())
                .arg("kind", *k)
                .arg("level", *l)
                .get(lang)
        })
        .collect();
    let m = Message::new("import.units").arg("units", parts.join(", "));
    writeln!(out, "{}", m.get(lang))
}
