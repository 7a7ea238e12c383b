//! `cdocheck explain CODE`: a rule, its citation, why it matters, examples.

use std::fmt::Write;

use super::{cite, code_description, severity_word};
use crate::finding::Code;
use crate::lang::{Lang, Text};
use crate::message::{Arg, Message};
use crate::rules::{Rule, Rules};
use crate::text::safe;

/// The explanation of a rule id or a format code; `None` when unknown.
pub fn explain(rules: &Rules, code: &str, lang: Lang) -> Option<String> {
    let code = code.trim().to_uppercase();
    if let Some(r) = rules.rule(&code) {
        return Some(rule(rules, r, lang));
    }
    let c = Code::parse(&code)?;
    let head = Message::new("explain.headline")
        .arg("code", c.as_str())
        .arg("statement", code_description(c));
    let about = Message::new(match c {
        Code::RP004 => "explain.rp004",
        c if c.is_format() => "format.about",
        _ => "explain.pack-code",
    });
    Some(format!("{}\n\n{}\n", head.get(lang), about.get(lang)))
}

/// Everything a pack says is the pack author's text: it is shown through
/// [`safe`] line by line, so no escape sequence or lone carriage return
/// reaches the terminal.
fn rule(rules: &Rules, r: &Rule, lang: Lang) -> String {
    let s = rule_raw(rules, r, lang);
    let mut out: String = s.split('\n').map(|l| safe(l) + "\n").collect();
    out.pop();
    out
}

fn rule_raw(rules: &Rules, r: &Rule, lang: Lang) -> String {
    let mut s = String::new();
    let c = &r.citation;
    let pack = rules.pack(&r.pack);
    let title = pack
        .map(|p| one_line(&Text::new(p.title.clone(), p.title_zh.clone())))
        .unwrap_or_default();
    let head = Message::new("explain.headline")
        .arg("code", r.id.as_str())
        .arg("statement", Arg::Text(one_line(&r.statement)));
    let _ = writeln!(s, "{}\n", head.get(lang));
    let waivable = if r.waivable {
        Message::new("explain.waivable")
    } else {
        Message::new("explain.not-waivable")
    };
    let standing = Message::new("explain.standing")
        .arg("severity", severity_word(r.severity))
        .arg("waivable", waivable)
        .arg("pack", safe(&r.pack).into_owned())
        .arg("title", Arg::Text(title));
    let _ = writeln!(s, "{}\n", standing.get(lang));
    // English names the document and section as the pack writes them.
    let mut clause = cite::clause(c, pack);
    clause.en = match &c.section {
        Some(section) => format!("{}, {section}", c.document),
        None => c.document.clone(),
    };
    let clause = one_line(&clause);
    let citation = Message::new("explain.citation").arg("clause", Arg::Text(clause));
    let _ = writeln!(s, "{}", citation.get(lang));
    for q in cite::quotes(c, lang) {
        let _ = writeln!(s, "{q}");
    }
    let provenance = Message::new("explain.provenance")
        .arg("word", cite::provenance_word(c.provenance))
        .arg("meaning", cite::provenance_meaning(c.provenance));
    let _ = writeln!(s, "  {}", provenance.get(lang));
    if let Some(src) = cite::source(c, lang) {
        let source = Message::new("explain.source").arg("source", safe(src).into_owned());
        let _ = writeln!(s, "  {}", source.get(lang));
    }
    let why = Message::new("explain.why").get(lang);
    let fails = Message::new("explain.fails").get(lang);
    let passes = Message::new("explain.passes").get(lang);
    let _ = writeln!(s, "\n{why}\n  {}\n", r.rationale.get(lang));
    let _ = writeln!(s, "{fails}\n{}", indent(&r.example_fail));
    let _ = writeln!(s, "{passes}\n{}", indent(&r.example_pass));
    s
}

/// A text meant as one line, shown as one: a newline in it as `\n`.
fn one_line(t: &Text) -> Text {
    Text::new(
        safe(&t.en).into_owned(),
        t.zh.as_deref().map(|z| safe(z).into_owned()),
    )
}

fn indent(t: &str) -> String {
    t.trim_matches('\n')
        .lines()
        .map(|l| format!("    {l}\n"))
        .collect()
}
