//! `cdocheck diff OLD.json NEW.json`: what a resubmission fixed. Two JSON
//! reports (`check --format json`) of the same plans, before and after
//! rectification, compared per plan by the findings' fingerprints
//! (json-output.md, "Fingerprints": path as reported and normalised, code,
//! unit, key path; never the line), so a finding that merely moved is
//! unchanged. Cap entries (`omitted`) stand for findings the reports do not
//! carry; each is compared as one finding of its code.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table as Grid};
use serde::{Deserialize, Serialize};

use crate::cli::Outcome;
use crate::lang::Lang;
use crate::message::Message;
use crate::read::Refused;
use crate::render::safe;
use crate::render::tables::cell;
use crate::report::{Entry, Numbering};

/// The most a report given to `diff` may hold: a JSON report of 10,000
/// plans with their findings' words is some hundreds of megabytes.
pub(crate) const MAX_REPORT_BYTES: u64 = 1 << 30;

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The report before rectification (`check --format json`)
    pub old: PathBuf,
    /// The report after
    pub new: PathBuf,
    /// Output format on standard output
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Exit 1 when some finding is new
    #[arg(long)]
    pub fail_on_new: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// A table per plan that changed, then the totals
    Human,
    /// `{"summary": {...}, "plans": [...]}`
    Json,
}

/// The parts of a JSON report that `diff` reads; the rest is ignored.
#[derive(Deserialize)]
struct Report {
    #[serde(default)]
    tool: Option<Tool>,
    #[serde(default)]
    run: Option<RunIn>,
    files: Vec<FileIn>,
}

#[derive(Deserialize)]
struct Tool {
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct RunIn {
    #[serde(default)]
    packs: Vec<PackIn>,
}

#[derive(Deserialize)]
struct PackIn {
    name: String,
    #[serde(default)]
    sha256: Option<String>,
}

#[derive(Deserialize)]
struct FileIn {
    path: String,
    status: String,
    #[serde(default)]
    diagnostics: Vec<DiagIn>,
}

/// A finding as a report gives it, and as `diff` shows it again.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct DiagIn {
    pub code: String,
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub line: usize,
    #[serde(default)]
    pub column: usize,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(default)]
    pub waived: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omitted: Option<usize>,
}

/// One plan's comparison.
#[derive(Debug, Serialize)]
pub struct PlanDiff {
    pub path: String,
    /// `null` when the plan is not in that report.
    pub old_status: Option<String>,
    pub new_status: Option<String>,
    pub fixed: Vec<DiagIn>,
    pub new: Vec<DiagIn>,
    pub unchanged: Vec<DiagIn>,
}

#[derive(Debug, Default, Serialize)]
pub struct Counts {
    pub fixed: usize,
    pub new: usize,
    pub unchanged: usize,
}

#[derive(Debug, Serialize)]
pub struct Diff {
    pub summary: Counts,
    pub plans: Vec<PlanDiff>,
    /// How the two reports' tools or packs differ (also on standard error).
    pub warnings: Vec<String>,
}

/// The reported path without `./` or `//`, `\` as `/`.
pub fn normalised(p: &str) -> String {
    let p = p.replace('\\', "/");
    let abs = p.starts_with('/');
    let parts: Vec<&str> = p
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    format!("{}{}", if abs { "/" } else { "" }, parts.join("/"))
}

/// Each finding of a file keyed by its numbered fingerprint.
fn keyed(path: &str, diags: Vec<DiagIn>) -> Vec<(Entry, DiagIn)> {
    let mut numbering = Numbering::default();
    diags
        .into_iter()
        .map(|d| {
            // A cap entry stands for many: compared as one of its code.
            let key = match d.omitted {
                Some(_) => Some("#omitted".to_string()),
                None => d.key.clone(),
            };
            let e = Entry::from_parts(
                path,
                &d.code,
                d.unit.as_deref(),
                key.as_deref(),
                d.item.as_deref(),
            );
            let k = numbering.take(&e, 1);
            (e.numbered(k), d)
        })
        .collect()
}

/// Compares two reports.
fn compare(old: Report, new: Report, lang: Lang) -> Diff {
    let mut warnings = Vec::new();
    let version = |r: &Report| r.tool.as_ref().and_then(|t| t.version.clone());
    let (vo, vn) = (version(&old), version(&new));
    if vo != vn {
        warnings.push(
            Message::new("diff.tool-version")
                .arg("old", vo.unwrap_or_else(|| "?".into()))
                .arg("new", vn.unwrap_or_else(|| "?".into()))
                .get(lang),
        );
    }
    let packs = |r: &Report| -> BTreeMap<String, Option<String>> {
        r.run
            .as_ref()
            .map(|run| {
                run.packs
                    .iter()
                    .map(|p| (p.name.clone(), p.sha256.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (po, pn) = (packs(&old), packs(&new));
    let mut names: Vec<&String> = po.keys().chain(pn.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        if po.get(name) != pn.get(name) {
            warnings.push(
                Message::new("diff.pack-differs")
                    .arg("pack", name.as_str())
                    .get(lang),
            );
        }
    }
    let mut old_files: HashMap<String, FileIn> = old
        .files
        .into_iter()
        .map(|f| (normalised(&f.path), f))
        .collect();
    let mut plans = Vec::new();
    let mut summary = Counts::default();
    let mut seen = Vec::new();
    for f in new.files {
        let path = normalised(&f.path);
        let before = old_files.remove(&path);
        seen.push(path.clone());
        plans.push(plan(&path, before, Some(f), &mut summary));
    }
    let mut gone: Vec<(String, FileIn)> = old_files.into_iter().collect();
    gone.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, f) in gone {
        plans.push(plan(&path, Some(f), None, &mut summary));
    }
    plans.sort_by(|a, b| a.path.cmp(&b.path));
    Diff {
        summary,
        plans,
        warnings,
    }
}

fn plan(path: &str, old: Option<FileIn>, new: Option<FileIn>, sum: &mut Counts) -> PlanDiff {
    let old_status = old.as_ref().map(|f| f.status.clone());
    let new_status = new.as_ref().map(|f| f.status.clone());
    let before = keyed(path, old.map(|f| f.diagnostics).unwrap_or_default());
    let after = keyed(path, new.map(|f| f.diagnostics).unwrap_or_default());
    let mut left: HashMap<Entry, DiagIn> = before.into_iter().collect();
    let (mut fresh, mut unchanged) = (Vec::new(), Vec::new());
    for (e, d) in after {
        if left.remove(&e).is_some() {
            unchanged.push(d);
        } else {
            fresh.push(d);
        }
    }
    let mut fixed: Vec<DiagIn> = left.into_values().collect();
    fixed.sort_by(|a, b| {
        (a.line, a.column, &a.code, &a.message).cmp(&(b.line, b.column, &b.code, &b.message))
    });
    sum.fixed += fixed.len();
    sum.new += fresh.len();
    sum.unchanged += unchanged.len();
    PlanDiff {
        path: path.to_string(),
        old_status,
        new_status,
        fixed,
        new: fresh,
        unchanged,
    }
}

/// Reads one report; why not, as a message.
fn load(path: &Path) -> Result<Report, Message> {
    let bytes = crate::read::read(path, MAX_REPORT_BYTES).map_err(|r| match r {
        Refused::Io(e) => Message::plain(e.to_string()),
        Refused::NotRegular(kind) => Message::new("read.not-regular").arg("kind", kind.message()),
        Refused::TooLarge => {
            Message::new("diff.too-large").arg("max", MAX_REPORT_BYTES.to_string())
        }
    })?;
    serde_json::from_slice(crate::read::without_bom(&bytes))
        .map_err(|e| Message::new("diff.not-a-report").arg("detail", e.to_string()))
}

/// `cdocheck diff`: exit 0 when compared (1 with `--fail-on-new` when some
/// finding is new), 2 when a report cannot be read.
pub(crate) fn run(
    args: &DiffArgs,
    lang: Lang,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Outcome> {
    let mut reports = Vec::new();
    for p in [&args.old, &args.new] {
        match load(p) {
            Ok(r) => reports.push(r),
            Err(why) => {
                let m = Message::new("diff.unreadable")
                    .arg("path", safe(&p.display().to_string()).into_owned())
                    .arg("why", why);
                writeln!(err, "{}", Message::new("error").arg("message", m).get(lang))?;
                return Ok(Outcome::Broken);
            }
        }
    }
    let new = reports.pop();
    let old = reports.pop();
    let (Some(old), Some(new)) = (old, new) else {
        return Ok(Outcome::Broken);
    };
    let diff = compare(old, new, lang);
    for w in &diff.warnings {
        writeln!(err, "{}", safe(w))?;
    }
    match args.format {
        DiffFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &diff)?;
            out.write_all(b"\n")?;
        }
        DiffFormat::Human => human(out, &diff, lang, crate::render::tables::width())?,
    }
    Ok(if args.fail_on_new && diff.summary.new > 0 {
        Outcome::Fail
    } else {
        Outcome::Pass
    })
}

fn human(w: &mut dyn Write, diff: &Diff, lang: Lang, width: u16) -> io::Result<()> {
    let word = |s: Option<&str>| match s {
        Some("pass") => Message::new("status.pass").get(lang),
        Some("fail") => Message::new("status.fail").get(lang),
        Some(other) => safe(other).into_owned(),
        None => "—".into(),
    };
    for p in &diff.plans {
        if p.fixed.is_empty() && p.new.is_empty() && p.old_status == p.new_status {
            continue;
        }
        let head = Message::new("diff.plan")
            .arg("path", safe(&p.path).into_owned())
            .arg("old", word(p.old_status.as_deref()))
            .arg("new", word(p.new_status.as_deref()));
        writeln!(w, "{}", head.get(lang))?;
        let mut t = Grid::new();
        let header = ["diff.change", "diff.code", "diff.where", "diff.message"]
            .map(|id| Message::new(id).get(lang));
        t.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width)
            .set_header(header);
        let rows = [
            ("diff.fixed", &p.fixed),
            ("diff.new", &p.new),
            ("diff.unchanged", &p.unchanged),
        ];
        for (id, list) in rows {
            for d in list {
                t.add_row([
                    Message::new(id).get(lang),
                    cell(&d.code),
                    format!("{}:{}", d.line, d.column),
                    cell(&d.message),
                ]);
            }
        }
        writeln!(w, "{t}")?;
    }
    let s = &diff.summary;
    let line = Message::new("diff.summary")
        .arg("fixed", s.fixed.to_string())
        .arg("new", s.new.to_string())
        .arg("unchanged", s.unchanged.to_string());
    writeln!(w, "{}", line.get(lang))
}

#[cfg(test)]
mod tests {
    use super::normalised;

    #[test]
    fn paths_are_normalised() {
        assert_eq!(normalised("./plans//a.toml"), "plans/a.toml");
        assert_eq!(normalised("plans\\a.toml"), "plans/a.toml");
        assert_eq!(normalised("/x/./y"), "/x/y");
    }
}
