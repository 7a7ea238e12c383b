//! A citation as people read it: the clause, how the checker knows its
//! words (provenance), and where they were read (source). Shared by every
//! renderer that shows a citation, so that they all say the same.
//!
//! In Chinese a clause is cited the way a civil servant cites one:
//! `依据《广东省首席数据官制度试点工作方案》（粤办函〔2021〕63号）“二、试点范围”`,
//! the title in 《》, the document number in （）, the section in “”.

use crate::finding::{Citation, Provenance};
use crate::lang::{Lang, Text};
use crate::message::{Arg, Message};
use crate::rules::{Pack, Rules};

/// Does the text hold a CJK character (so it is Chinese, not English)?
pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c,
            '\u{3000}'..='\u{303f}' // CJK punctuation: 〔〕
            | '\u{3400}'..='\u{4dbf}'
            | '\u{4e00}'..='\u{9fff}'
            | '\u{f900}'..='\u{faff}'
            | '\u{ff00}'..='\u{ffef}' // full-width forms
            | '\u{20000}'..='\u{2ffff}')
    })
}

/// A document number (文号) such as `粤办函〔2021〕63号`, as opposed to a title.
fn is_document_number(s: &str) -> bool {
    s.ends_with('号') && (s.contains('〔') || s.contains('['))
}

/// The section as written, `§二 试点范围` (English output).
fn section_en(c: &Citation) -> Option<&str> {
    c.section
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The document as a Chinese reader cites it: `《标题》（文号）`, the title
/// alone, or the document alone when the pack has no Chinese title. An
/// English document name (`Plan format v1`) gives way to the pack's
/// Chinese title, so Chinese output never shows it.
pub fn document_zh(c: &Citation, pack: Option<&Pack>) -> String {
    let doc = c.document.trim();
    let chinese_doc = has_cjk(doc);
    let title = pack
        .filter(|p| p.document.trim() == doc || !chinese_doc)
        .and_then(|p| p.title_zh.as_deref())
        .map(str::trim)
        .filter(|t| !t.is_empty());
    match title {
        Some(t) if chinese_doc && doc != t => format!("《{t}》（{doc}）"),
        Some(t) => format!("《{t}》"),
        None if chinese_doc && !is_document_number(doc) && !doc.starts_with('《') => {
            format!("《{doc}》")
        }
        None => doc.to_string(),
    }
}

/// The section as a Chinese reader cites it: `“二、试点范围”` from
/// `section_zh`, else the section without its `§`. A section that names a
/// key of the plan format (`[[waiver]] expires`) reads `关于 `…` 的规定`; an
/// English section with no Chinese is left out rather than shown in English.
fn section_zh(c: &Citation) -> Option<String> {
    if let Some(s) = c
        .section_zh
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        return Some(format!("“{s}”"));
    }
    let s = section_en(c)?.trim_start_matches('§').trim();
    if s.is_empty() {
        None
    } else if has_cjk(s) {
        Some(format!("“{s}”"))
    } else if s.starts_with('[') {
        // Only the Chinese form says it so; English shows the section as written.
        Some(Message::new("cite.about-key").arg("key", s).get(Lang::Zh))
    } else {
        None
    }
}

/// `《标题》（文号）“二、试点范围”`, without `依据`.
fn clause_zh(c: &Citation, pack: Option<&Pack>) -> String {
    let doc = document_zh(c, pack);
    match section_zh(c) {
        Some(s) => format!("{doc}{s}"),
        None => doc,
    }
}

/// The clause as each language cites it: `粤办函〔2021〕63号 §二 试点范围`,
/// `《…》（粤办函〔2021〕63号）“二、试点范围”`. The Chinese follows `依据`,
/// so it starts with a space when it starts with Latin text.
pub fn clause(c: &Citation, pack: Option<&Pack>) -> Text {
    let zh = clause_zh(c, pack);
    let zh = if zh.starts_with(|ch: char| ch.is_ascii_alphanumeric()) {
        format!(" {zh}")
    } else {
        zh
    };
    Text::new(clause_en(c), Some(zh))
}

/// `粤办函〔2021〕63号 §二 试点范围` (English output).
pub fn clause_en(c: &Citation) -> String {
    match section_en(c) {
        Some(s) => format!("{} {s}", c.document.trim()),
        None => c.document.trim().to_string(),
    }
}

/// Where the words were read, in the reader's language when the pack has
/// it; `None` when the pack does not say.
pub fn source(c: &Citation, lang: Lang) -> Option<&str> {
    let zh = c.source_zh.as_deref().filter(|_| lang == Lang::Zh);
    zh.or(c.source.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// How human output names a provenance: `reported`.
pub fn provenance_word(p: Provenance) -> Message {
    match p {
        Provenance::Text => Message::new("provenance.text"),
        Provenance::Report => Message::new("provenance.report"),
        Provenance::Convention => Message::new("provenance.convention"),
    }
}

/// How the CSV column names a provenance: in English as JSON spells it.
fn provenance_column(p: Provenance) -> Message {
    match p {
        Provenance::Text => Message::new("csv.provenance.text"),
        Provenance::Report => Message::new("csv.provenance.report"),
        Provenance::Convention => Message::new("csv.provenance.convention"),
    }
}

/// What a provenance means, for `explain`.
pub fn provenance_meaning(p: Provenance) -> Message {
    match p {
        Provenance::Text => Message::new("provenance.text.meaning"),
        Provenance::Report => Message::new("provenance.report.meaning"),
        Provenance::Convention => Message::new("provenance.convention.meaning"),
    }
}

/// How the checker knows the words (`word`), and where they were read:
/// `text; source: 63号 text, §二` or `来源：原文，出处：…`.
fn provenance(c: &Citation, word: Message, lang: Lang) -> Message {
    match source(c, lang) {
        Some(s) => Message::new("cite.provenance.source")
            .arg("word", word)
            .arg("source", s),
        None => Message::new("cite.provenance").arg("word", word),
    }
}

/// A citation in `m`, which says `{clause}` and `{provenance}`.
fn cited(m: Message, word: Message, c: &Citation, rules: &Rules, lang: Lang) -> String {
    m.arg("clause", Arg::Text(clause(c, rules.pack(&c.pack))))
        .arg("provenance", provenance(c, word, lang))
        .get(lang)
}

/// The citation line under a finding, without the pointer to `explain`:
/// `cites 粤办函〔2021〕63号 §二 试点范围 (text; source: …)` or
/// `依据《…》（粤办函〔2021〕63号）“二、试点范围”；来源：原文，出处：…`.
pub fn line(c: &Citation, rules: &Rules, lang: Lang) -> String {
    let word = provenance_word(c.provenance);
    cited(Message::new("cite.line"), word, c, rules, lang)
}

/// The citation as a sentence, for SARIF's rule help: `Cites … (…).`
pub fn sentence(c: &Citation, rules: &Rules, lang: Lang) -> String {
    let word = provenance_word(c.provenance);
    cited(Message::new("cite.sentence"), word, c, rules, lang)
}

/// The citation as the CSV column gives it: `粤办函〔2021〕63号 §二 (report;
/// source: …)`, the provenance as JSON spells it; in Chinese, as [`line`].
pub fn column(c: &Citation, rules: &Rules, lang: Lang) -> String {
    let word = provenance_column(c.provenance);
    cited(Message::new("cite.column"), word, c, rules, lang)
}

/// The words quoted, each on a line of its own (a newline in the pack's
/// text shown as `\n`): the original, then the
/// English rendering in English, or in Chinese when it is all there is of
/// words the rule rests on (a convention's words are the checker's own).
pub fn quotes(c: &Citation, lang: Lang) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(q) = &c.quote {
        lines.push(format!("  「{}」", crate::text::safe(q)));
    }
    let english = lang == Lang::En || (c.quote.is_none() && c.provenance != Provenance::Convention);
    if let Some(q) = c.quote_en.as_ref().filter(|_| english) {
        lines.push(format!("  “{}”", crate::text::safe(q)));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn citation(document: &str, section: Option<&str>, section_zh: Option<&str>) -> Citation {
        Citation {
            pack: "p".into(),
            document: document.into(),
            section: section.map(Into::into),
            section_zh: section_zh.map(Into::into),
            quote: None,
            quote_en: None,
            provenance: Provenance::Text,
            source: None,
            source_zh: None,
        }
    }

    #[test]
    fn chinese_sections_are_quoted_without_the_section_sign() {
        let c = citation(
            "粤办函〔2021〕63号",
            Some("§二 试点范围"),
            Some("二、试点范围"),
        );
        assert_eq!(clause_zh(&c, None), "粤办函〔2021〕63号“二、试点范围”");
        let c = citation("粤办函〔2021〕63号", Some("§二 试点范围"), None);
        let rules = Rules::default();
        assert_eq!(
            line(&c, &rules, Lang::Zh),
            "依据粤办函〔2021〕63号“二 试点范围”；来源：原文"
        );
    }

    #[test]
    fn english_sections_are_keys_or_nothing_in_chinese() {
        let c = citation("Plan format v1", Some("[[waiver]] expires"), None);
        assert_eq!(section_zh(&c).unwrap(), "关于 `[[waiver]] expires` 的规定");
        let c = citation("cdocheck init", Some("placeholders"), None);
        assert_eq!(section_zh(&c), None);
        let rules = Rules::default();
        assert_eq!(line(&c, &rules, Lang::Zh), "依据 cdocheck init；来源：原文");
        assert_eq!(
            line(&c, &rules, Lang::En),
            "cites cdocheck init placeholders (text)"
        );
    }

    #[test]
    fn titles_and_numbers() {
        assert!(is_document_number("深府办函〔2021〕71号"));
        let c = citation("北京市首席数据官制度试点工作方案", None, None);
        assert_eq!(
            document_zh(&c, None),
            "《北京市首席数据官制度试点工作方案》"
        );
        assert!(has_cjk("〔"));
        assert!(!has_cjk("Plan format v1 §"));
    }
}
