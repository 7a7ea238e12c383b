//! A citation as people read it: the clause, how the checker knows its
//! words (provenance), and where they were read (source). Shared by every
//! renderer that shows a citation, so that they all say the same.
//!
//! In Chinese a clause is cited the way a civil servant cites one:
//! `依据《广东省首席数据官制度试点工作方案》（粤办函〔2021〕63号）“二、试点范围”`,
//! the title in 《》, the document number in （）, the section in “”.

use crate::finding::{Citation, Provenance};
use crate::lang::Lang;
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
        Some(format!("关于 `{s}` 的规定"))
    } else {
        None
    }
}

/// `《标题》（文号）“二、试点范围”`, without `依据`.
pub fn clause_zh(c: &Citation, pack: Option<&Pack>) -> String {
    let doc = document_zh(c, pack);
    match section_zh(c) {
        Some(s) => format!("{doc}{s}"),
        None => doc,
    }
}

/// `依据《标题》（文号）“二、试点范围”`: a space after `依据` only before
/// Latin text.
pub fn cites_zh(c: &Citation, pack: Option<&Pack>) -> String {
    let clause = clause_zh(c, pack);
    let space = if clause.starts_with(|ch: char| ch.is_ascii_alphanumeric()) {
        " "
    } else {
        ""
    };
    format!("依据{space}{clause}")
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

/// How the checker knows the words, and where they were read:
/// `text; source: 63号 text, §二` or `来源：原文，出处：…`.
pub fn provenance(c: &Citation, lang: Lang) -> String {
    let word = c.provenance.word(lang);
    match (lang, source(c, lang)) {
        (Lang::En, Some(s)) => format!("{word}; source: {s}"),
        (Lang::En, None) => word.to_string(),
        (Lang::Zh, Some(s)) => format!("来源：{word}，出处：{s}"),
        (Lang::Zh, None) => format!("来源：{word}"),
    }
}

/// The citation line under a finding, without the pointer to `explain`:
/// `cites 粤办函〔2021〕63号 §二 试点范围 (text; source: …)` or
/// `依据《…》（粤办函〔2021〕63号）“二、试点范围”；来源：原文，出处：…`.
pub fn line(c: &Citation, rules: &Rules, lang: Lang) -> String {
    match lang {
        Lang::En => format!("cites {} ({})", clause_en(c), provenance(c, lang)),
        Lang::Zh => format!(
            "{}；{}",
            cites_zh(c, rules.pack(&c.pack)),
            provenance(c, lang)
        ),
    }
}

/// What a provenance means, for `explain`.
pub fn provenance_meaning(p: Provenance, lang: Lang) -> &'static str {
    match (p, lang) {
        (Provenance::Text, Lang::En) => "read in the official text",
        (Provenance::Report, Lang::En) => {
            "known from reports of the document; its full text was not available"
        }
        (Provenance::Convention, Lang::En) => {
            "a drafting convention or the checker's own rule; it rests on no clause"
        }
        (Provenance::Text, Lang::Zh) => "据官方公布的文本",
        (Provenance::Report, Lang::Zh) => "据对该文件的报道，未见其全文",
        (Provenance::Convention, Lang::Zh) => "起草惯例或本工具自身的规则，不以文件条款为依据",
    }
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
        assert_eq!(cites_zh(&c, None), "依据粤办函〔2021〕63号“二 试点范围”");
    }

    #[test]
    fn english_sections_are_keys_or_nothing_in_chinese() {
        let c = citation("Plan format v1", Some("[[waiver]] expires"), None);
        assert_eq!(section_zh(&c).unwrap(), "关于 `[[waiver]] expires` 的规定");
        let c = citation("cdocheck init", Some("placeholders"), None);
        assert_eq!(section_zh(&c), None);
        assert_eq!(cites_zh(&c, None), "依据 cdocheck init");
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
