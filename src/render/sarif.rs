//! `--format sarif`: SARIF 2.1.0, the format code-scanning services (GitHub,
//! GitLab, Azure DevOps) and IDEs read. One run; `tool.driver.rules` holds
//! the rules that fired, sorted by id, each with its statement, its help and
//! the clause it cites; format diagnostics (PF…) get a rule entry too.
//! Every finding is a result pointing at its region (columns count Unicode
//! characters, `columnKind: unicodeCodePoints`); a waived finding keeps its
//! level and carries an external suppression with the waiver's reason.
//!
//! `ruleIndex` needs the whole rule list, so results are held until the end.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use serde_json::{json, Value};
use serde_sarif::sarif::{
    Artifact, ArtifactChange, ArtifactContent, ArtifactLocation, Fix as SarifFix, Location,
    Message as SarifMessage, MultiformatMessageString, PhysicalLocation, PropertyBag, Region,
    Replacement, ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel,
    Run, Sarif as Log, Suppression, Tool, ToolComponent,
};

use super::{cite, code_description, Config, Emitter, Finish, Level};
use crate::finding::{Citation, Code, Severity};
use crate::lang::Lang;
use crate::message::Message;
use crate::report::{Entry, FileReport, Located, Numbering};
use crate::rules::{Rule, Rules};
use crate::source::SourceDb;
use crate::template::Template;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

pub struct Sarif<'a> {
    cfg: Config<'a>,
    /// Each result with the code whose rule it refers to.
    results: Vec<(String, SarifResult)>,
    /// Each file checked, with the SHA-256 of the bytes read (evidence).
    artifacts: Vec<Artifact>,
}

impl<'a> Sarif<'a> {
    pub fn new(cfg: Config<'a>) -> Self {
        Sarif {
            cfg,
            results: Vec::new(),
            artifacts: Vec::new(),
        }
    }
}

impl Emitter for Sarif<'_> {
    fn file(&mut self, _: &mut dyn Write, report: &FileReport, db: &SourceDb) -> io::Result<()> {
        // Fingerprints as baselines number them, over every finding shown
        // (a cap entry stands for the findings it counts, and gets none).
        let path = normalised(&report.path);
        let mut artifact = Artifact::builder()
            .location(ArtifactLocation::builder().uri(uri(&report.path)).build())
            .build();
        artifact.hashes = report
            .sha256
            .as_ref()
            .map(|h| BTreeMap::from([("sha-256".to_string(), h.clone())]));
        self.artifacts.push(artifact);
        let mut numbering = Numbering::default();
        for l in &report.findings {
            let mut r = result(&report.path, l, self.cfg.lang);
            r.fixes = fixes(&report.path, l, self.cfg.lang, db);
            if l.omitted.is_none() {
                let entry = Entry::of(&path, &l.finding);
                let k = numbering.take(&entry, 1);
                r.partial_fingerprints = Some(BTreeMap::from([(
                    FINGERPRINT.to_string(),
                    fingerprint(&entry.numbered(k)),
                )]));
            }
            self.results.push((l.finding.code.to_string(), r));
        }
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, _: &Finish) -> io::Result<()> {
        let held = std::mem::take(&mut self.results);
        let codes: BTreeSet<String> = held.iter().map(|(c, _)| c.clone()).collect();
        let index: BTreeMap<&str, i64> = codes.iter().map(String::as_str).zip(0..).collect();
        let rules: Vec<ReportingDescriptor> =
            codes.iter().map(|c| descriptor(self.cfg, c)).collect();
        let results: Vec<SarifResult> = held
            .into_iter()
            .map(|(code, r)| SarifResult {
                rule_index: index.get(code.as_str()).copied(),
                ..r
            })
            .collect();
        let driver = ToolComponent::builder()
            .name("cdocheck")
            .version(env!("CARGO_PKG_VERSION"))
            .semantic_version(env!("CARGO_PKG_VERSION"))
            .rules(rules)
            .build();
        let mut run = Run::builder()
            .tool(Tool::builder().driver(driver).build())
            .results(results)
            .column_kind(json!("unicodeCodePoints"))
            .language(self.cfg.lang.tag())
            .build();
        // The same evidence as JSON's `run`; each file's hash is on its
        // artifact, where SARIF readers look for it.
        if let Some(info) = self.cfg.run {
            let props = BTreeMap::from([
                ("today".to_string(), json!(info.today)),
                ("packs".to_string(), json!(info.packs)),
                ("options".to_string(), json!(info.options)),
            ]);
            run.properties = Some(bag(Vec::new(), props));
        }
        let artifacts = std::mem::take(&mut self.artifacts);
        if !artifacts.is_empty() {
            run.artifacts = Some(artifacts);
        }
        let log = Log::builder()
            .schema(SCHEMA)
            .version(json!("2.1.0"))
            .runs(vec![run])
            .build();
        serde_json::to_writer_pretty(&mut *w, &log)?;
        w.write_all(b"\n")
    }
}

/// A result keeps its rule's level when waived: the suppression says so.
fn level(s: Severity) -> ResultLevel {
    match Level::of(s) {
        Level::Error => ResultLevel::Error,
        Level::Warning => ResultLevel::Warning,
        Level::Note => ResultLevel::Note,
    }
}

/// The `partialFingerprints` key: code scanning tracks a result across
/// commits by it (json-output.md, "Fingerprints").
const FINGERPRINT: &str = "cdocheckFingerprint/v1";

/// The fingerprint as one string: path, code, unit and key, each as JSON
/// so that no value can run into the next.
fn fingerprint(e: &Entry) -> String {
    let q = |s: Option<&str>| serde_json::to_string(&s).unwrap_or_default();
    format!(
        "{}:{}:{}:{}",
        q(Some(&e.path)),
        q(Some(&e.code)),
        q(e.unit.as_deref()),
        q(e.key.as_deref())
    )
}

/// The reported path without `./` or `//`, as `diff` fingerprints it.
fn normalised(p: &str) -> String {
    let p = p.replace('\\', "/");
    let abs = p.starts_with('/');
    let parts: Vec<&str> = p
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    format!("{}{}", if abs { "/" } else { "" }, parts.join("/"))
}

/// SARIF counts from 1 in `i64`; a `usize` that does not fit never occurs.
fn int(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX).max(1)
}

fn result(path: &str, l: &Located, lang: Lang) -> SarifResult {
    let f = &l.finding;
    let region = Region::builder()
        .start_line(int(l.start.line))
        .start_column(int(l.start.column))
        .end_line(int(l.end.line))
        .end_column(int(l.end.column))
        .build();
    let physical = PhysicalLocation::builder()
        .artifact_location(ArtifactLocation::builder().uri(uri(path)).build())
        .region(region)
        .build();
    let location = Location::builder().physical_location(physical).build();
    let mut r = SarifResult::builder()
        .rule_id(f.code.as_str())
        .level(level(f.severity))
        .message(SarifMessage::builder().text(f.message.get(lang)).build())
        .locations(vec![location])
        .build();
    let mut props = BTreeMap::new();
    if let Some(unit) = &f.unit {
        props.insert("unit".to_string(), json!(unit));
    }
    if let Some(help) = &f.help {
        props.insert("help".to_string(), json!(help.get(lang)));
    }
    if let Some(n) = l.omitted {
        // As JSON's `omitted`: the findings of this code beyond the cap.
        props.insert("omitted".to_string(), json!(n));
    }
    if !props.is_empty() {
        r.properties = Some(bag(Vec::new(), props));
    }
    if f.baselined {
        // Recorded in the `--baseline` the run compared against.
        r.baseline_state = Some(json!("unchanged"));
    }
    if let Some(w) = &f.waived {
        let props = BTreeMap::from([("approvedBy".to_string(), json!(w.approved_by))]);
        let s = Suppression::builder()
            .kind(json!("external"))
            .status(json!("accepted"))
            .justification(w.reason.as_str())
            .properties(bag(Vec::new(), props))
            .build();
        r.suppressions = Some(vec![s]);
    }
    r
}

/// A finding's fix as SARIF `fixes`: its edits as replacements of regions
/// of the finding's file (an empty region inserts). Only when it has one.
fn fixes(path: &str, l: &Located, lang: Lang, db: &SourceDb) -> Option<Vec<SarifFix>> {
    let fix = l.finding.fix.as_ref()?;
    let source = db.get(l.finding.at.source);
    let replacements: Vec<Replacement> = fix
        .edits
        .iter()
        .map(|e| {
            let (line, column) = source.line_col(e.span.start);
            let (end_line, end_column) = source.line_col(e.span.end);
            let region = Region::builder()
                .start_line(int(line))
                .start_column(int(column))
                .end_line(int(end_line))
                .end_column(int(end_column))
                .build();
            Replacement::builder()
                .deleted_region(region)
                .inserted_content(ArtifactContent::builder().text(e.text.as_str()).build())
                .build()
        })
        .collect();
    let change = ArtifactChange::builder()
        .artifact_location(ArtifactLocation::builder().uri(uri(path)).build())
        .replacements(replacements)
        .build();
    Some(vec![SarifFix::builder()
        .description(SarifMessage::builder().text(fix.title.get(lang)).build())
        .artifact_changes(vec![change])
        // Safe fixes are the ones `check --fix` applies (docs/fix.md).
        .properties(bag(
            Vec::new(),
            BTreeMap::from([("safe".to_string(), json!(fix.safe))]),
        ))
        .build()])
}

fn bag(tags: Vec<String>, props: BTreeMap<String, Value>) -> PropertyBag {
    PropertyBag {
        tags: (!tags.is_empty()).then_some(tags),
        additional_properties: props,
    }
}

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

/// The rule entry for a code: a pack's rule, a format code, or (never
/// expected) a bare id.
fn descriptor(cfg: Config, code: &str) -> ReportingDescriptor {
    if let Some(rule) = cfg.rules.rule(code) {
        return rule_descriptor(rule, cfg.rules, cfg.lang);
    }
    let Some(c) = Code::parse(code) else {
        return ReportingDescriptor::builder()
            .id(code)
            .short_description(text(code))
            .build();
    };
    let lang = cfg.lang;
    let more = Message::new("sarif.more").arg("code", code);
    let help = Message::new("sarif.format.help").arg("more", more);
    ReportingDescriptor::builder()
        .id(code)
        .name(pascal(&c.describe().get(Lang::En)))
        .short_description(text(code_description(c).get(lang)))
        .full_description(text(Message::new("format.about").get(lang)))
        .help(text(help.get(lang)))
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(Level::of(Severity::Error).as_str()))
                .build(),
        )
        .properties(bag(vec!["format".into()], BTreeMap::new()))
        .build()
}

fn rule_descriptor(rule: &Rule, rules: &Rules, lang: Lang) -> ReportingDescriptor {
    let rationale = rule.rationale.get(lang);
    let full = if rationale.trim().is_empty() {
        rule.statement.get(lang)
    } else {
        rationale
    };
    let help = format!(
        "{}\n\n{}",
        generic(rule.help.get(lang)),
        cites(&rule.citation, &rule.id, rules, lang)
    );
    // `citation` carries `provenance` and `source` as in JSON; they are
    // repeated at the top of the bag for tools that read only flat values.
    let props = BTreeMap::from([
        ("pack".to_string(), json!(rule.pack)),
        ("waivable".to_string(), json!(rule.waivable)),
        ("citation".to_string(), json!(*rule.citation)),
        ("provenance".to_string(), json!(rule.citation.provenance)),
        ("source".to_string(), json!(rule.citation.source)),
    ]);
    ReportingDescriptor::builder()
        .id(rule.id.as_str())
        .name(pascal(&rule.statement.en))
        .short_description(text(rule.statement.get(lang)))
        .full_description(text(full))
        .help(text(help))
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(Level::of(rule.severity).as_str()))
                .build(),
        )
        .properties(bag(vec![rule.pack.clone()], props))
        .build()
}

/// Where a rule comes from: the clause, how it is known and where it was
/// read, the quoted words, and where to read more.
fn cites(c: &Citation, id: &str, rules: &Rules, lang: Lang) -> String {
    let mut lines = vec![cite::sentence(c, rules, lang)];
    lines.extend(cite::quotes(c, lang));
    lines.push(Message::new("sarif.more").arg("code", id).get(lang));
    lines.join("\n")
}

/// A rule's help read without a finding: each `{variable}` becomes `…`.
fn generic(help: &Template) -> String {
    help.fill(|_| Some("…"))
}

/// A readable rule name from an English statement: `the issuer is a
/// designated pilot` → `IssuerIsADesignatedPilot`.
fn pascal(statement: &str) -> String {
    let mut words = statement
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .peekable();
    if words
        .peek()
        .is_some_and(|w| matches!(w.to_ascii_lowercase().as_str(), "a" | "an" | "the"))
    {
        words.next();
    }
    words
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A report path as a relative URI reference: every byte but unreserved
/// characters and `/` percent-encoded (so a `:` never reads as a scheme).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
