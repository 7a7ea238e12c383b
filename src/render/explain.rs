//! `cdocheck explain CODE`: a rule, its citation, why it matters, examples.

use std::fmt::Write;

use crate::finding::Code;
use crate::lang::Lang;
use crate::rules::{Rule, Rules};

/// The explanation of a rule id or a format code; `None` when unknown.
pub fn explain(rules: &Rules, code: &str, lang: Lang) -> Option<String> {
    let code = code.trim().to_uppercase();
    if let Some(r) = rules.rule(&code) {
        return Some(rule(rules, r, lang));
    }
    let c = Code::ALL.iter().find(|c| c.as_str() == code)?;
    Some(lang.pick(
        format!(
            "{}: {}\n\nA diagnostic about the file itself: it cannot be read as a plan as it stands. Always an error; \
             see docs/plan-format.md.\n",
            c.as_str(),
            c.describe()
        ),
        format!("{}：{}\n\n关于文件本身的诊断：文件现状无法作为方案读取。始终为错误；参见 docs/plan-format.md。\n", c.as_str(), c.describe_zh()),
    ))
}

fn rule(rules: &Rules, r: &Rule, lang: Lang) -> String {
    let mut s = String::new();
    let c = &r.citation;
    let pack = rules.pack(&r.pack);
    let title = pack.map(|p| match (lang, &p.title_zh) {
        (Lang::Zh, Some(zh)) => zh.clone(),
        _ => p.title.clone(),
    });
    let section = c
        .section
        .as_deref()
        .map(|x| format!(", {x}"))
        .unwrap_or_default();
    let _ = writeln!(s, "{}: {}\n", r.id, r.statement.get(lang));
    match lang {
        Lang::En => {
            let waivable = if r.waivable {
                "waivable with a recorded reason"
            } else {
                "not waivable"
            };
            let _ = writeln!(
                s,
                "Severity: {}, {waivable}. Pack: {} ({}).\n",
                r.severity.as_str(),
                r.pack,
                title.unwrap_or_default()
            );
            let _ = writeln!(s, "Citation: {}{section}", c.document);
        }
        Lang::Zh => {
            let waivable = if r.waivable {
                "可凭记录的理由豁免"
            } else {
                "不可豁免"
            };
            let sev = r.severity.word(lang);
            let _ = writeln!(
                s,
                "级别：{sev}，{waivable}。规则包：{}（{}）。\n",
                r.pack,
                title.unwrap_or_default()
            );
            let _ = writeln!(s, "依据：{}{section}", c.document);
        }
    }
    if let Some(q) = &c.quote {
        let _ = writeln!(s, "  「{q}」");
    }
    if let Some(q) = &c.quote_en {
        let _ = writeln!(s, "  \"{q}\"");
    }
    let provenance = match (lang, c.provenance.as_str()) {
        (Lang::En, "report") => {
            "report (known from press reports of the document; the full text was not available)"
        }
        (Lang::En, _) => "text (read in the official text)",
        (Lang::Zh, "report") => "report（据该文件的新闻报道，未见全文）",
        (Lang::Zh, _) => "text（据官方原文）",
    };
    let (prov, why, fails, passes) = lang.pick(
        ("Provenance", "Why it matters", "Fails", "Passes"),
        ("来源", "为何重要", "不符合", "符合"),
    );
    let _ = writeln!(s, "  {prov}: {provenance}\n");
    let _ = writeln!(s, "{why}:\n  {}\n", r.rationale.get(lang));
    let _ = writeln!(s, "{fails}:\n{}", indent(&r.example_fail));
    let _ = writeln!(s, "{passes}:\n{}", indent(&r.example_pass));
    s
}

fn indent(t: &str) -> String {
    t.trim_matches('\n')
        .lines()
        .map(|l| format!("    {l}\n"))
        .collect()
}
