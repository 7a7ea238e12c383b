//! Findings: what evaluation and loading produce and every renderer reads.
//! Plain data — miette is one renderer of it, not the model.

use std::sync::Arc;

use serde::Serialize;

use crate::message::Message;
use crate::source::{SourceId, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// Where in which source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub source: SourceId,
    pub span: Span,
}

/// A secondary label: "counted", "first defined here".
#[derive(Clone, Debug)]
pub struct Label {
    pub at: Location,
    pub text: Message,
}

/// The clause a rule rests on.
#[derive(Clone, Debug, Serialize)]
pub struct Citation {
    pub pack: String,
    pub document: String,
    pub section: Option<String>,
    #[serde(skip)]
    pub section_zh: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote_en: Option<String>,
    pub provenance: Provenance,
    /// Where the words were read (rule-catalogue.md's "source").
    pub source: Option<String>,
    #[serde(skip)]
    pub source_zh: Option<String>,
}

impl std::fmt::Display for Provenance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the checker knows the words a rule rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provenance {
    /// Read in the official text.
    Text,
    /// Known from reports of the document; its text was not available.
    Report,
    /// A drafting convention or the checker's own rule, resting on no clause.
    Convention,
}

impl Provenance {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "text" => Some(Provenance::Text),
            "report" => Some(Provenance::Report),
            "convention" => Some(Provenance::Convention),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Provenance::Text => "text",
            Provenance::Report => "report",
            Provenance::Convention => "convention",
        }
    }
}

/// The waiver that covers a finding.
#[derive(Clone, Debug)]
pub struct Waiver {
    pub reason: String,
    pub approved_by: String,
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub code: FindingCode,
    pub severity: Severity,
    /// What is wrong, in words the renderer puts in its language.
    pub message: Message,
    /// What to do about it.
    pub help: Option<Message>,
    pub at: Location,
    /// Text of the primary label; the message stands in when absent.
    pub label: Option<Message>,
    pub labels: Vec<Label>,
    pub unit: Option<String>,
    /// The key the finding is about, as a path (`unit.cdo.rank`): with the
    /// file, code and unit it fingerprints the finding for baselines, which
    /// must survive edits that move lines.
    pub key: Option<String>,
    pub waived: Option<Waiver>,
    /// Recorded in the baseline given with `--baseline`: shown, not failing.
    pub baselined: bool,
    pub citation: Option<Arc<Citation>>,
    /// The element (`[[unit]]` table, by its header span) a rule iterating
    /// over elements reported on; `None` for the plan. Superseding rules
    /// compare it, renderers do not read it.
    pub element: Option<Span>,
    /// The item of a rule a finding is about, when a rule reports one
    /// finding per item: a required unit missing, a pack left out.
    pub item: Option<String>,
    /// A repair the finding knows how to make: `check --fix`/`--diff` apply
    /// the safe ones, the language server offers all as quick fixes.
    pub fix: Option<Fix>,
}

/// A repair as text edits to the finding's own file (ruff's "fix"): spans
/// into the source, so comments, order and formatting around them are kept.
#[derive(Clone, Debug)]
pub struct Fix {
    /// What the repair does, e.g. "rename `rnak` to `rank`".
    pub title: Message,
    /// Non-overlapping edits, in source order.
    pub edits: Vec<Edit>,
    /// Safe: the outcome is unambiguous and keeps every value's meaning, so
    /// `--fix` may apply it. Unsafe ones (a placeholder for a missing key)
    /// are only offered in the editor.
    pub safe: bool,
}

/// Replace the bytes of `span` with `text` (an empty span inserts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

impl Finding {
    pub fn new(
        code: impl Into<FindingCode>,
        severity: Severity,
        message: Message,
        at: Location,
    ) -> Self {
        Self {
            code: code.into(),
            severity,
            message,
            help: None,
            at,
            label: None,
            labels: Vec::new(),
            unit: None,
            key: None,
            waived: None,
            baselined: false,
            citation: None,
            element: None,
            item: None,
            fix: None,
        }
    }

    pub fn with_help(mut self, help: Message) -> Self {
        self.help = Some(help);
        self
    }

    /// Does this finding fail its file at the given fail level?
    pub fn fails_at(&self, level: Option<Severity>) -> bool {
        self.waived.is_none() && !self.baselined && level.is_some_and(|l| self.severity <= l)
    }
}

/// Codes cdocheck itself owns (rule codes come from the packs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// Not valid TOML, not UTF-8, or unreadable.
    PF001,
    /// Unknown key.
    PF002,
    /// Wrong type.
    PF003,
    /// Missing required key.
    PF004,
    /// Invalid value.
    PF005,
    /// Unsupported format version.
    PF006,
    /// A rule pack that cannot be read: TOML, unknown field, wrong type.
    RP001,
    /// A rule pack that reads but is wrong: unknown field path, keyword set, kind or expression.
    RP002,
    /// A rule id defined twice.
    RP003,
    /// A CEL expression over its cost budget on a plan: the rule was not evaluated.
    RP004,
}

/// Every built-in code: one table, read by `explain`, SARIF's rule list and
/// the tests. Descriptions are messages (`code.PF001`, …) in the catalogues.
const CODES: &[(Code, &str)] = &[
    (Code::PF001, "PF001"),
    (Code::PF002, "PF002"),
    (Code::PF003, "PF003"),
    (Code::PF004, "PF004"),
    (Code::PF005, "PF005"),
    (Code::PF006, "PF006"),
    (Code::RP001, "RP001"),
    (Code::RP002, "RP002"),
    (Code::RP003, "RP003"),
    (Code::RP004, "RP004"),
];

impl Code {
    /// Every built-in code, in order.
    pub fn all() -> impl Iterator<Item = Code> {
        CODES.iter().map(|c| c.0)
    }

    /// The code a string names, if it is a built-in one.
    pub fn parse(s: &str) -> Option<Code> {
        CODES.iter().find(|c| c.1 == s).map(|c| c.0)
    }

    fn row(self) -> &'static (Code, &'static str) {
        CODES.iter().find(|c| c.0 == self).unwrap_or(&CODES[0])
    }

    pub fn as_str(self) -> &'static str {
        self.row().1
    }

    /// What the code means, e.g. "unknown key".
    pub fn describe(self) -> Message {
        Message::new(match self {
            Code::PF001 => "code.PF001",
            Code::PF002 => "code.PF002",
            Code::PF003 => "code.PF003",
            Code::PF004 => "code.PF004",
            Code::PF005 => "code.PF005",
            Code::PF006 => "code.PF006",
            Code::RP001 => "code.RP001",
            Code::RP002 => "code.RP002",
            Code::RP003 => "code.RP003",
            Code::RP004 => "code.RP004",
        })
    }

    /// A format diagnostic (PF…): the file cannot be read as a plan.
    pub fn is_format(self) -> bool {
        self.as_str().starts_with("PF")
    }

    /// A format diagnostic: always an error, no citation.
    pub fn at(self, at: Location, message: Message) -> Finding {
        Finding::new(self, Severity::Error, message, at)
    }
}

/// A finding's code: one of cdocheck's own, or a rule id from a pack.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FindingCode {
    Builtin(Code),
    Rule(Arc<str>),
}

impl FindingCode {
    pub fn as_str(&self) -> &str {
        match self {
            FindingCode::Builtin(c) => c.as_str(),
            FindingCode::Rule(id) => id,
        }
    }

    /// A format diagnostic: the file could not be read as a plan.
    pub fn is_format(&self) -> bool {
        matches!(self, FindingCode::Builtin(c) if c.is_format())
    }
}

impl std::ops::Deref for FindingCode {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for FindingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Codes sort as their text, whoever defines them.
impl Ord for FindingCode {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for FindingCode {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq<str> for FindingCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for FindingCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for FindingCode {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl From<Code> for FindingCode {
    fn from(c: Code) -> Self {
        FindingCode::Builtin(c)
    }
}

/// A rule's id; a built-in code's text names the built-in code.
impl From<&str> for FindingCode {
    fn from(s: &str) -> Self {
        Code::parse(s).map_or_else(|| FindingCode::Rule(s.into()), FindingCode::Builtin)
    }
}

impl From<String> for FindingCode {
    fn from(s: String) -> Self {
        FindingCode::from(s.as_str())
    }
}

impl Serialize for FindingCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_named_by_their_variant() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::all() {
            assert!(seen.insert(c.as_str()), "duplicate {}", c.as_str());
            assert_eq!(format!("{c:?}"), c.as_str());
            assert_eq!(Code::parse(c.as_str()), Some(c));
        }
    }
}
