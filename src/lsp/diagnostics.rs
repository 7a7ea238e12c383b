//! A document's findings as LSP diagnostics: the same codes, severities,
//! places and messages as `check`, in the server's language.

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Uri,
};

use super::{Analysis, Encoding, Lines};
use crate::finding::{Finding, FindingCode, Severity};

/// Where the rule reference lives: docs/rules.md, one heading per rule,
/// whose anchor is the lower-case id (`#gd005`). Format codes (`PF…`) point
/// at plan-format.md's "Format diagnostics". docs/editors.md documents it.
pub(crate) const DOCS_URL: &str = "https://github.com/OWNER/cdocheck/blob/main/docs/";

pub(crate) fn diagnostics(a: &Analysis, text: &str, uri: &Uri, enc: Encoding) -> Vec<Diagnostic> {
    let lines = Lines::new(text, enc);
    a.findings
        .iter()
        .filter(|f| a.in_plan(&f.at))
        .map(|f| diagnostic(a, f, &lines, uri))
        .collect()
}

pub(crate) fn diagnostic(a: &Analysis, f: &Finding, lines: &Lines, uri: &Uri) -> Diagnostic {
    let lang = a.ctx.lang;
    let shifted = |s: &std::ops::Range<usize>| s.start + a.shift..s.end + a.shift;
    let mut message = f.message.get(lang);
    if let Some(help) = &f.help {
        message.push('\n');
        message.push_str(&help.get(lang));
    }
    let related: Vec<DiagnosticRelatedInformation> = f
        .labels
        .iter()
        .filter(|l| a.in_plan(&l.at))
        .map(|l| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: lines.range(&shifted(&l.at.span)),
            },
            message: l.text.get(lang),
        })
        .collect();
    Diagnostic {
        range: lines.range(&shifted(&f.at.span)),
        // A waived or baselined finding fails nothing: shown as a hint.
        severity: Some(if f.waived.is_some() || f.baselined {
            DiagnosticSeverity::HINT
        } else {
            match f.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Info => DiagnosticSeverity::INFORMATION,
            }
        }),
        code: Some(NumberOrString::String(f.code.as_str().to_string())),
        code_description: doc_url(a, &f.code)
            .and_then(|u| u.parse().ok())
            .map(|href| CodeDescription { href }),
        source: Some("cdocheck".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// The documentation of a code: shipped rules and format codes only (a
/// pack of one's own has no page we know of).
pub(crate) fn doc_url(a: &Analysis, code: &FindingCode) -> Option<String> {
    match code {
        FindingCode::Builtin(c) if c.is_format() => {
            Some(format!("{DOCS_URL}plan-format.md#format-diagnostics"))
        }
        FindingCode::Builtin(_) => None,
        FindingCode::Rule(id) => {
            let rule = a.ctx.rules.rule(id)?;
            a.ctx
                .shipped
                .contains(&rule.pack)
                .then(|| format!("{DOCS_URL}rules.md#{}", id.to_lowercase()))
        }
    }
}
