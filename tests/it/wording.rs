//! Wording: citations show provenance and source in every format, Chinese
//! output cites as a civil servant does and holds no stray English, and
//! text from files cannot forge lines.

use serde_json::Value;

use crate::common::{cdocheck, json, run, stderr, stdout, write};

const MAOMING: &str = "examples/maoming-draft.toml";

/// English words that must not appear in Chinese output (rule-catalogue and
/// review wording); checked as whole words.
const ENGLISH: &[&str] = &[
    "prefecture",
    "province",
    "text",
    "report",
    "reported",
    "convention",
    "Plan format v1",
    "waived",
    "waiver",
    "pass",
    "fail",
    "missing",
    "help",
    "cites",
    "Provenance",
    "Source",
];

/// Every English word of `ENGLISH` found in `out` as a whole word outside
/// backticks (`` `rule_packs` `` is a key, not prose).
fn english_words(out: &str) -> Vec<String> {
    let mut prose = String::new();
    for (i, part) in out.split('`').enumerate() {
        if i % 2 == 0 {
            prose.push_str(part);
            prose.push(' ');
        }
    }
    ENGLISH
        .iter()
        .filter(|w| {
            prose.match_indices(*w).any(|(at, _)| {
                let before = prose[..at].chars().next_back();
                let after = prose[at + w.len()..].chars().next();
                let word = |c: Option<char>| {
                    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                };
                !word(before) && !word(after)
            })
        })
        .map(|w| w.to_string())
        .collect()
}

/// Each ASCII colon that follows a CJK character (`来源:`), with its line.
fn ascii_colons_after_cjk(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| {
            let cs: Vec<char> = l.chars().collect();
            cs.windows(2).any(|w| w[1] == ':' && is_cjk(w[0]))
        })
        .map(str::to_string)
        .collect()
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

fn explain(code: &str, zh: bool) -> String {
    let mut args = vec!["explain", code];
    if zh {
        args.extend(["--lang", "zh-CN"]);
    }
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn explain_in_english_shows_provenance_and_source() {
    let out = explain("GD001", false);
    assert!(out.contains("Citation: 粤办函〔2021〕63号"), "{out}");
    assert!(out.contains("Provenance: text ("), "{out}");
    let source = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("Source: "))
        .unwrap_or_else(|| panic!("no `Source:` line: {out}"));
    assert!(
        source.contains("63号"),
        "the source names the text read: {source}"
    );
    // A reported rule says so, in the human word.
    let out = explain("GD005", false);
    assert!(out.contains("Provenance: reported ("), "{out}");
    assert!(out.contains("Source: "), "{out}");
    // A core rule rests on no clause.
    let out = explain("CORE001", false);
    assert!(out.contains("Provenance: convention ("), "{out}");
}

#[test]
fn explain_in_chinese_cites_as_a_civil_servant_does() {
    let out = explain("GD001", true);
    assert!(
        out.contains("依据《广东省首席数据官制度试点工作方案》（粤办函〔2021〕63号）"),
        "{out}"
    );
    // The spec asks for the section as a Chinese reader cites it, in quotes.
    assert!(
        out.contains("（粤办函〔2021〕63号）“二、试点范围”"),
        "section_zh in quotes after the document: {out}"
    );
    assert!(out.contains("来源：原文"), "{out}");
    assert!(out.contains("出处："), "the source is shown: {out}");
    assert!(out.contains("严重程度："), "{out}");
    assert!(!out.contains("级别"), "级别 is not severity: {out}");
    assert!(!out.contains("豁免"), "waivers are 例外: {out}");
    assert!(!out.contains('§'), "no section sign in Chinese: {out}");
    assert_eq!(ascii_colons_after_cjk(&out), Vec::<String>::new(), "{out}");
    // TOML examples are code; the prose above them must be Chinese.
    let prose = out.split("不符合示例").next().unwrap();
    assert_eq!(english_words(prose), Vec::<String>::new(), "{prose}");
}

#[test]
fn chinese_explain_of_core_and_reported_rules_has_no_english_prose() {
    for code in ["CORE001", "CORE004", "CORE005", "GD005", "GD009", "SZ002"] {
        let out = explain(code, true);
        let prose = out.split("不符合示例").next().unwrap();
        assert_eq!(
            english_words(prose),
            Vec::<String>::new(),
            "{code}: {prose}"
        );
        assert_eq!(
            ascii_colons_after_cjk(&out),
            Vec::<String>::new(),
            "{code}: {out}"
        );
        assert!(out.starts_with(&format!("{code}：")), "{out}");
        assert!(out.contains("来源："), "{code}: {out}");
    }
    let out = explain("CORE001", true);
    assert!(out.contains("来源：惯例"), "{out}");
    assert!(!out.contains("Plan format"), "{out}");
    let out = explain("CORE004", true);
    assert!(out.contains("不允许例外"), "{out}");
    let out = explain("GD005", true);
    assert!(out.contains("来源：新闻报道（注明来源）"), "{out}");
    assert!(out.contains("经批准可作例外处理"), "{out}");
}

#[test]
fn json_citations_carry_provenance_and_source() {
    let (v, code) = json(&[MAOMING]);
    assert_eq!(code, 1);
    let diags = v["files"][0]["diagnostics"].as_array().unwrap();
    let gd = diags
        .iter()
        .find(|d| d["code"] == "GD001")
        .expect("Maoming has GD001");
    let c = gd["citation"].as_object().unwrap();
    assert_eq!(c["provenance"], "text");
    let source = c["source"].as_str().expect("citation.source is a string");
    assert!(source.contains("63号"), "{source}");
    // The Chinese-only fields stay out.
    assert!(
        !c.contains_key("section_zh") && !c.contains_key("source_zh"),
        "{c:?}"
    );
    // `source` is written right after `provenance` (serde_json's map sorts
    // keys, so this reads the bytes).
    let o = run(&[
        "check",
        "--format",
        "json",
        "--today",
        "2026-01-01",
        MAOMING,
    ]);
    let lines: Vec<&str> = std::str::from_utf8(&o.stdout).unwrap().lines().collect();
    let mut pairs = 0;
    for (i, l) in lines.iter().enumerate() {
        if l.trim_start().starts_with("\"provenance\": ") {
            assert!(
                lines[i + 1].trim_start().starts_with("\"source\": "),
                "{l}\n{}",
                lines[i + 1]
            );
            pairs += 1;
        }
    }
    assert!(pairs >= 6, "every citation has both: {pairs}");
    for d in diags {
        let p = d["citation"]["provenance"].as_str().unwrap();
        assert!(["text", "report", "convention"].contains(&p), "{p}");
        assert!(d["citation"]["source"].is_string() || d["citation"]["source"].is_null());
    }
    let gd005 = diags.iter().find(|d| d["code"] == "GD005").unwrap();
    assert_eq!(gd005["citation"]["provenance"], "report");
    let core = diags.iter().find(|d| d["code"] == "CORE007").unwrap();
    assert_eq!(core["citation"]["provenance"], "convention");
    // JSON stays English, whatever the environment's language.
    let o = cdocheck()
        .env("LANG", "zh_CN.UTF-8")
        .args(["check", "--format", "json", MAOMING])
        .output()
        .unwrap();
    let zh: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        zh["files"][0]["diagnostics"][0]["citation"]["provenance"],
        "text"
    );
}

#[test]
fn human_citation_lines_show_provenance_and_source() {
    let o = run(&["check", "--today", "2026-01-01", MAOMING]);
    let out = stdout(&o);
    assert!(
        out.contains("cites 粤办函〔2021〕63号 §二 试点范围 (text; source: 63号"),
        "{out}"
    );
    assert!(out.contains("(reported; source:"), "{out}");
    let o = run(&["check", "--today", "2026-01-01", "--lang", "zh-CN", MAOMING]);
    let out = stdout(&o);
    // miette wraps the help; join its lines back.
    let joined: String = out.lines().map(str::trim).collect();
    assert!(
        joined.contains("依据《广东省首席数据官制度试点工作方案》（粤办函〔2021〕63号）“二、试点范围”；来源：原文，出处："),
        "{out}"
    );
    assert!(
        joined.contains("来源：新闻报道（注明来源），出处："),
        "{out}"
    );
    assert!(
        out.contains("  建议："),
        "miette's help label in Chinese: {out}"
    );
    assert!(!out.contains("help:"), "{out}");
    assert_eq!(ascii_colons_after_cjk(&out), Vec::<String>::new(), "{out}");
}

#[test]
fn sarif_and_csv_citations_show_provenance_and_source() {
    let o = run(&[
        "check",
        "--format",
        "sarif",
        "--today",
        "2026-01-01",
        MAOMING,
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let gd = rules.iter().find(|r| r["id"] == "GD001").unwrap();
    assert_eq!(gd["properties"]["provenance"], "text");
    assert_eq!(gd["properties"]["citation"]["provenance"], "text");
    assert!(gd["properties"]["citation"]["source"].is_string());
    let help = gd["help"]["text"].as_str().unwrap();
    assert!(help.contains("(text; source: 63号"), "{help}");
    let o = run(&["check", "--format", "csv", "--today", "2026-01-01", MAOMING]);
    let out = stdout(&o);
    let row = out.lines().find(|l| l.contains(",GD005,")).unwrap();
    assert!(row.contains("(report; source: "), "{row}");
}

#[test]
fn chinese_tables_use_chinese_levels_and_statuses() {
    let o = run(&[
        "check",
        "--summary",
        "--statistics",
        "--today",
        "2026-01-01",
        "--lang",
        "zh-CN",
        "-q",
        "examples",
    ]);
    let out = stdout(&o);
    let tables = &out[out.find('┌').expect("tables")..];
    for word in [
        "严重程度",
        "地级以上市",
        "省直部门",
        "未报送方案",
        "通过",
        "未通过",
    ] {
        assert!(tables.contains(word), "{word}: {tables}");
    }
    assert!(
        tables.contains("粤办函〔2021〕63号确定的试点单位"),
        "{tables}"
    );
    assert!(!tables.contains("级别"), "{tables}");
    assert!(!tables.contains("缺失"), "{tables}");
    assert!(!tables.contains("豁免"), "{tables}");
    // Paths and pack names are the plan's and the packs' own; the rest is Chinese.
    let prose: String = tables
        .lines()
        .map(|l| {
            l.split(['│', '┆', ' ', '、'])
                .filter(|w| !w.contains(".toml") && !w.contains("-20") && *w != "core")
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(english_words(&prose), Vec::<String>::new(), "{prose}");
    assert_eq!(ascii_colons_after_cjk(&out), Vec::<String>::new(), "{out}");
    // The summary line counts waived findings as 已按例外处理.
    let o = run(&[
        "check",
        "--today",
        "2026-01-01",
        "--lang",
        "zh-CN",
        "examples",
    ]);
    let last = stdout(&o).lines().last().unwrap().to_string();
    assert!(last.starts_with("已检查 5 份方案："), "{last}");
    assert!(last.contains("项已按例外处理"), "{last}");
}

#[test]
fn chinese_waived_findings_are_handled_as_exceptions() {
    let o = run(&[
        "check",
        "--today",
        "2026-01-01",
        "--lang",
        "zh-CN",
        "examples/shenzhen-2021.toml",
    ]);
    let out = stdout(&o);
    assert!(out.contains("（已按例外处理）"), "{out}");
    assert!(out.contains("已按例外处理："), "{out}");
    assert!(out.contains("（批准单位："), "{out}");
    assert!(!out.contains("豁免："), "{out}");
    // Concise keeps its machine-read `CODE severity` token and says it in Chinese after.
    let o = run(&[
        "check",
        "--format",
        "concise",
        "--today",
        "2026-01-01",
        "--lang",
        "zh-CN",
        "examples/shenzhen-2021.toml",
    ]);
    let out = stdout(&o);
    let line = out.lines().find(|l| l.contains(" SZ002 ")).unwrap();
    assert!(line.contains(" SZ002 waived "), "{line}");
    assert!(line.ends_with("（已按例外处理）"), "{line}");
}

#[test]
fn opted_out_plans_stay_in_the_roll_up() {
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read_to_string("examples/jiangmen-2021.toml").unwrap();
    let opted = plan.replacen("[plan]\n", "[plan]\nrule_packs = [\"core\"]\n", 1);
    assert_ne!(opted, plan, "the example has a [plan] table");
    write(dir.path(), "jiangmen.toml", opted.as_bytes());
    let root = dir.path().to_str().unwrap();
    let (v, _) = json(&[root]);
    let codes: Vec<&str> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"CORE010"), "{codes:?}");
    let notices = v["portfolio"]["notices"].as_array().unwrap();
    let gd = notices
        .iter()
        .find(|n| n["pack"] == "guangdong-2021")
        .expect("a notice opted out of is still in the roll-up");
    let opted_out = gd["opted_out"].as_array().unwrap();
    assert_eq!(opted_out.len(), 1, "{gd}");
    assert!(opted_out[0].as_str().unwrap().ends_with("jiangmen.toml"));
    let jm = gd["pilots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Jiangmen")
        .unwrap();
    assert_eq!(
        jm["status"], "missing",
        "no plan of Jiangmen applied the notice"
    );
    let o = run(&["check", "--summary", "--lang", "zh-CN", "-q", root]);
    let out = stdout(&o);
    let row = out
        .lines()
        .find(|l| l.contains("江门市") && l.contains("地级以上市"))
        .expect("a Jiangmen row in the roll-up");
    assert!(row.contains("jiangmen.toml"), "{row}");
    assert!(row.contains("未适用本通知"), "{row}");
    let o = run(&["check", "--summary", "-q", root]);
    let out = stdout(&o);
    let row = out
        .lines()
        .find(|l| l.contains("Jiangmen") && l.contains("prefecture"))
        .unwrap();
    assert!(row.contains("opted out"), "{row}");
}

#[test]
fn text_from_files_cannot_forge_lines() {
    let dir = tempfile::tempdir().unwrap();
    // A unit id with a line feed, an escape and a right-to-left override:
    // PF005 quotes it in its message.
    let plan = std::fs::read_to_string(MAOMING).unwrap();
    let forged = plan.replacen(
        "id = \"maonan\"",
        "id = \"mao\\nnan\\u001b[2J\\u202e\\u2028x\"",
        1,
    );
    assert_ne!(forged, plan);
    write(dir.path(), "forged.toml", forged.as_bytes());
    let path = dir.path().join("forged.toml");
    let path = path.to_str().unwrap();
    for format in ["human", "concise", "github"] {
        let o = run(&["check", "--format", format, "--today", "2026-01-01", path]);
        let out = stdout(&o);
        for bad in ['\u{1b}', '\u{202e}', '\u{2028}'] {
            assert!(!out.contains(bad), "{format}: raw {bad:?} in {out}");
        }
        assert!(
            out.contains("mao\\nnan\\u{1b}[2J\\u{202e}\\u{2028}x"),
            "{format}: {out}"
        );
    }
    let o = run(&[
        "check",
        "--format",
        "concise",
        "--today",
        "2026-01-01",
        path,
    ]);
    for line in stdout(&o).lines() {
        assert!(
            line.starts_with(path) || line.starts_with("checked "),
            "one finding is one line: {line:?}"
        );
    }
}
