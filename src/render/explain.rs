//! `cdocheck explain CODE`: a rule, its citation, why it matters, examples.

use std::fmt::Write;

use super::cite;
use crate::finding::Code;
use crate::lang::Lang;
use crate::rules::{Rule, Rules};

/// The explanation of a rule id or a format code; `None` when unknown.
pub fn explain(rules: &Rules, code: &str, lang: Lang) -> Option<String> {
    let code = code.trim().to_uppercase();
    if let Some(r) = rules.rule(&code) {
        return Some(rule(rules, r, lang));
    }
    let c = Code::parse(&code)?;
    Some(lang.pick(
        format!(
            "{}: {}\n\nA diagnostic about the file itself: it cannot be read as a plan as it stands. Always an error; \
             see docs/plan-format.md.\n",
            c.as_str(),
            c.describe()
        ),
        format!(
            "{}：{}\n\n关于文件本身的诊断：文件现状无法作为方案读取。始终为错误；参见 docs/plan-format.md。\n",
            c.as_str(),
            c.describe_zh()
        ),
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
    match lang {
        Lang::En => {
            let waivable = if r.waivable {
                "waivable with a recorded reason"
            } else {
                "not waivable"
            };
            let _ = writeln!(s, "{}: {}\n", r.id, r.statement.get(lang));
            let _ = writeln!(
                s,
                "Severity: {}, {waivable}. Pack: {} ({}).\n",
                r.severity.as_str(),
                r.pack,
                title.unwrap_or_default()
            );
            let section = c
                .section
                .as_deref()
                .map(|x| format!(", {x}"))
                .unwrap_or_default();
            let _ = writeln!(s, "Citation: {}{section}", c.document);
        }
        Lang::Zh => {
            let waivable = if r.waivable {
                "属“原则上”要求，经批准可作例外处理"
            } else {
                "不允许例外"
            };
            let _ = writeln!(s, "{}：{}\n", r.id, r.statement.get(lang));
            let _ = writeln!(
                s,
                "严重程度：{}；{waivable}。规则包：{}（{}）。\n",
                r.severity.word(lang),
                r.pack,
                title.unwrap_or_default()
            );
            let _ = writeln!(s, "{}", cite::cites_zh(c, pack));
        }
    }
    if let Some(q) = &c.quote {
        let _ = writeln!(s, "  「{q}」");
    }
    // The English rendering in English; in Chinese only when it is all there
    // is of words the rule rests on (a convention's words are the checker's).
    let english = lang == Lang::En
        || (c.quote.is_none() && c.provenance != crate::finding::Provenance::Convention);
    if let Some(q) = c.quote_en.as_ref().filter(|_| english) {
        let _ = writeln!(s, "  “{q}”");
    }
    let word = c.provenance.word(lang);
    let meaning = cite::provenance_meaning(c.provenance, lang);
    let source = cite::source(c, lang);
    match lang {
        Lang::En => {
            let _ = writeln!(s, "  Provenance: {word} ({meaning})");
            if let Some(src) = source {
                let _ = writeln!(s, "  Source: {src}");
            }
        }
        Lang::Zh => {
            let _ = writeln!(s, "  来源：{word}（{meaning}）");
            if let Some(src) = source {
                let _ = writeln!(s, "  出处：{src}");
            }
        }
    }
    let (why, fails, passes) = lang.pick(
        ("Why it matters:", "Fails:", "Passes:"),
        ("设置理由：", "不符合示例：", "符合示例："),
    );
    let _ = writeln!(s, "\n{why}\n  {}\n", r.rationale.get(lang));
    let _ = writeln!(s, "{fails}\n{}", indent(&r.example_fail));
    let _ = writeln!(s, "{passes}\n{}", indent(&r.example_pass));
    s
}

fn indent(t: &str) -> String {
    t.trim_matches('\n')
        .lines()
        .map(|l| format!("    {l}\n"))
        .collect()
}
