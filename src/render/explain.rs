//! `cdocheck explain CODE`: a rule, its citation, why it matters, examples.

use std::fmt::Write;

use crate::finding::Code;
use crate::rules::{Rule, Rules};

/// The explanation of a rule id or a format code; `None` when unknown.
pub fn explain(rules: &Rules, code: &str) -> Option<String> {
    let code = code.trim().to_uppercase();
    if let Some(r) = rules.rule(&code) {
        return Some(rule(rules, r));
    }
    Code::ALL.iter().find(|c| c.as_str() == code).map(|c| format!("{}: {}\n\nA format diagnostic: the file cannot be read as a plan. Always an error; see the plan format (shared/spec/plan-format.md).\n", c.as_str(), c.describe()))
}

fn rule(rules: &Rules, r: &Rule) -> String {
    let mut s = String::new();
    let pack = rules.pack(&r.pack);
    let _ = writeln!(s, "{}: {}\n", r.id, r.statement);
    let waivable = if r.waivable {
        "waivable with a recorded reason"
    } else {
        "not waivable"
    };
    let _ = writeln!(
        s,
        "Severity: {}, {waivable}. Pack: {}{}.\n",
        r.severity.as_str(),
        r.pack,
        pack.map(|p| format!(" ({})", p.title)).unwrap_or_default()
    );
    let c = &r.citation;
    let provenance = match c.provenance.as_str() {
        "report" => "known from press reports of the document; the full text was not available",
        _ => "read in the official text",
    };
    let _ = writeln!(
        s,
        "Citation: {}{}",
        c.document,
        c.section
            .as_deref()
            .map(|x| format!(", {x}"))
            .unwrap_or_default()
    );
    if let Some(q) = &c.quote {
        let _ = writeln!(s, "  「{q}」");
    }
    if let Some(q) = &c.quote_en {
        let _ = writeln!(s, "  \"{q}\"");
    }
    let _ = writeln!(s, "  Provenance: {} ({provenance}).\n", c.provenance);
    let _ = writeln!(s, "Why it matters:\n  {}\n", r.rationale);
    let _ = writeln!(s, "Fails:\n{}", indent(&r.example_fail));
    let _ = writeln!(s, "Passes:\n{}", indent(&r.example_pass));
    s
}

fn indent(t: &str) -> String {
    t.trim_matches('\n')
        .lines()
        .map(|l| format!("    {l}\n"))
        .collect()
}
