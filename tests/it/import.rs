//! `cdocheck import`: plan documents in the style of real ones (.txt,
//! GB18030 .txt, .md, .docx generated here) read into drafts, every field
//! and its evidence asserted, and what `check` then reports on each draft.

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use super::common::{cdocheck, stderr, stdout, write};

/// A Shenzhen plan in the style of the real one: cover notice with 文号,
/// signature and date, the 为贯彻落实 preamble, 试点范围 with 、, who holds
/// the role, 任免 and 备案, numbered duties, district focus, deadlines.
const SHENZHEN: &str = include_str!("../fixtures/import/shenzhen.txt");

/// A Jiangmen plan whose scope names only two districts (GD001), and
/// whose document never says who holds the role.
const JIANGMEN: &str = include_str!("../fixtures/import/jiangmen.txt");

fn import(args: &[&str]) -> std::process::Output {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    cdocheck().args(&all).output().unwrap()
}

fn draft(path: &Path) -> (String, toml::Table) {
    let text = std::fs::read_to_string(path).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    (text, table)
}

/// The codes `check` reports on a draft, sorted, with no PF code.
fn check_codes(path: &Path) -> Vec<String> {
    let o = cdocheck()
        .args(["check", "--format", "json", "--today", "2026-01-01"])
        .arg(path)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut codes: Vec<String> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    assert!(!codes.iter().any(|c| c.starts_with("PF")), "{codes:?}");
    codes
}

fn s<'a>(t: &'a toml::Table, path: &[&str]) -> &'a str {
    let mut v = t.get(path[0]).unwrap_or_else(|| panic!("{path:?}"));
    for k in &path[1..] {
        v = v.get(k).unwrap_or_else(|| panic!("{path:?}"));
    }
    v.as_str().unwrap_or_else(|| panic!("{path:?} is {v:?}"))
}

fn units(t: &toml::Table) -> &Vec<toml::Value> {
    t["unit"].as_array().unwrap()
}

/// Every field of the Shenzhen draft, however the document was stored.
fn assert_shenzhen(t: &toml::Table) {
    assert_eq!(t["format"].as_integer(), Some(1));
    assert_eq!(s(t, &["plan", "title"]), "<Title of the plan>");
    assert_eq!(
        s(t, &["plan", "title_zh"]),
        "深圳市首席数据官制度试点实施方案"
    );
    assert_eq!(s(t, &["plan", "jurisdiction"]), "Shenzhen");
    assert_eq!(s(t, &["plan", "jurisdiction_zh"]), "深圳市");
    assert_eq!(s(t, &["plan", "level"]), "prefecture");
    assert_eq!(s(t, &["plan", "province"]), "Guangdong");
    assert_eq!(s(t, &["plan", "issuer"]), "深圳市人民政府办公厅");
    assert_eq!(s(t, &["plan", "document_number"]), "深府办函〔2021〕71号");
    assert_eq!(t["plan"]["signed"].to_string(), "2021-08-03");
    assert_eq!(s(t, &["plan", "published"]), "<YYYY-MM-DD>");
    let basis: Vec<&str> = t["plan"]["basis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(basis, ["粤办函〔2021〕63号", "深府〔2020〕89号"]);
    assert_eq!(
        s(t, &["plan", "contact_agency"]),
        "深圳市政务服务数据管理局"
    );
    let duties: Vec<&str> = t["cdo"]["duties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        duties,
        [
            "digital-government",
            "data-management",
            "data-integration",
            "supervision",
            "talent",
            "special-exploration"
        ]
    );
    assert_eq!(
        s(t, &["governance", "leading_group"]),
        "深圳市智慧城市和数字政府建设领导小组"
    );
    assert_eq!(
        s(t, &["governance", "evaluation"]),
        "市智慧城市和数字政府建设领导小组办公室对试点单位开展年度考核评价"
    );
    assert_eq!(
        s(t, &["support", "contract_civil_servants"]),
        "<Number of contract civil servants>"
    );
    assert_eq!(t["support"]["purchased_services"].as_bool(), Some(true));

    let u = units(t);
    let got: Vec<(&str, &str, &str, &str)> = u
        .iter()
        .map(|u| {
            (
                u["id"].as_str().unwrap(),
                u["name_zh"].as_str().unwrap(),
                u["kind"].as_str().unwrap(),
                u["level"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("sz-01", "深圳市人民政府", "government", "prefecture"),
            ("sz-02", "深圳市公安局", "department", "prefecture"),
            (
                "sz-03",
                "深圳市规划和自然资源局",
                "department",
                "prefecture"
            ),
            ("sz-04", "深圳市福田区人民政府", "government", "county"),
            ("sz-05", "深圳市南山区人民政府", "government", "county"),
            ("sz-06", "深圳市宝安区人民政府", "government", "county"),
            ("sz-07", "深圳市坪山区人民政府", "government", "county"),
        ]
    );
    for u in u {
        assert_eq!(u["name"].as_str(), Some("<English name of the unit>"));
        let cdo = &u["cdo"];
        assert_eq!(cdo["rank"].as_str(), Some("deputy"));
        assert_eq!(cdo["oversees_digital_government"].as_bool(), Some(true));
        assert_eq!(cdo["concurrent"].as_bool(), Some(true));
        assert!(cdo["position"]
            .as_str()
            .unwrap()
            .starts_with("<Post that holds the CDO role"));
    }
    // The city and its districts by the leading group; bureaus by themselves, filed.
    let by = |i: usize, k: &str| u[i]["cdo"].get(k).and_then(|v| v.as_str());
    assert_eq!(by(0, "appointed_by"), Some("leading-group"));
    assert_eq!(by(0, "filed_with"), None);
    assert_eq!(by(1, "appointed_by"), Some("unit"));
    assert_eq!(by(1, "filed_with"), Some("leading-group-office"));
    assert_eq!(by(3, "appointed_by"), Some("leading-group"));
    assert_eq!(
        s(&u[0]["cdo"].as_table().unwrap().clone(), &["position"]),
        "<Post that holds the CDO role: 分管数字政府的副市长>"
    );
    assert_eq!(
        u[3]["cdo"]["position"].as_str(),
        Some("<Post that holds the CDO role: 分管数字政府改革建设的副区长>")
    );
    assert_eq!(
        u[3]["focus"].as_str(),
        Some("开展深港科技创新合作区数据开放")
    );
    assert_eq!(u[4]["focus"].as_str(), Some("推进数据要素市场化配置改革"));
    assert!(u[5].get("focus").is_none());

    let m = t["milestone"].as_array().unwrap();
    assert_eq!(m.len(), 2);
    assert_eq!(m[0]["due"].to_string(), "2021-12-31");
    assert_eq!(
        m[0]["deliverable"].as_str(),
        Some("2021年12月底前，各试点单位完成首席数据官任命")
    );
    assert_eq!(m[1]["due"].to_string(), "2022-06-30");
}

/// What `check` says of the Shenzhen draft: each placeholder (CORE008) and
/// what the plan, as written, does not comply with.
fn assert_shenzhen_checked(path: &Path) {
    let codes = check_codes(path);
    let placeholders = codes.iter().filter(|c| *c == "CORE008").count();
    let others: Vec<&str> = codes
        .iter()
        .filter(|c| *c != "CORE008")
        .map(String::as_str)
        .collect();
    assert_eq!(placeholders, 17);
    // Two bureaus listed (the rest elided by 等8个), two districts without
    // focus, one focus outside its area, two duties missing.
    assert_eq!(others, ["GD002", "GD011", "SZ006", "SZ006", "SZ008"]);
}

#[test]
fn a_text_plan_is_read_into_every_field_with_its_evidence() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "sz.txt", SHENZHEN.as_bytes());
    let out = dir.path().join("sz.toml");
    let o = import(&[
        dir.path().join("sz.txt").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let human = stdout(&o);
    assert!(
        human.contains("sz.toml: 49 values read, 27 guessed, 17 to fill"),
        "{human}"
    );
    assert!(
        human.contains(
            "units: 1 government at prefecture, 2 department at prefecture, 4 government at county"
        ),
        "{human}"
    );
    let (text, t) = draft(&out);
    assert_shenzhen(&t);
    // Evidence: the line each value came from, `(guessed)` where inferred.
    assert!(
        text.contains("signed = 2021-08-03  # line 9: \"2021年8月3日\"\n"),
        "{text}"
    );
    assert!(text.contains(
        "document_number = \"深府办函〔2021〕71号\"  # line 1: \"深府办函〔2021〕71号\"\n"
    ));
    assert!(
        text.contains("issuer = \"深圳市人民政府办公厅\"  # line 8: \"市政府办公厅\" (guessed)\n")
    );
    assert!(text.contains(
        "level = \"prefecture\"  # line 11: \"深圳市首席数据官制度试点实施方案\" (guessed)\n"
    ));
    assert!(text.contains("  \"talent\",  # line 26: \"5.加强人才队伍建设。\"\n"));
    assert!(text.contains("kind = \"department\"  # line 16: \"在市政府、市公安局"));
    assert!(text.contains("due = 2022-06-30  # line 33: \"到2022年6月，总结试点经验。\"\n"));
    // A quote starts where the words were read, when they are not the line's start.
    assert!(text.contains(
        "rank = \"deputy\"  # line 19: \"…各区首席数据官由分管数字政府改革建设的副区长兼任；市直部门首席数据官由分管数字政府的副局长兼任。\"\n"
    ), "{text}");
    assert!(text.contains("focus = \"推进数据要素市场化配置改革\"  # line 27: \"…南山区重点推进数据要素市场化配置改革。\"\n"));
    // The header: source, SHA-256, counts.
    assert!(text.starts_with("# Draft plan written by `cdocheck import` from "));
    assert!(text.contains("# SHA-256 of the document: "));
    assert!(text.contains("# 49 values read from the document, 27 guessed, 17 left to fill"));
    assert_shenzhen_checked(&out);
}

#[test]
fn gb18030_markdown_and_docx_read_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (gb, _, _) = encoding_rs::GB18030.encode(SHENZHEN);
    write(dir.path(), "in/gb.txt", &gb);
    // Markdown: headings marked with #, emphasis with **.
    let md: String = SHENZHEN
        .lines()
        .map(|l| match l {
            "深圳市首席数据官制度试点实施方案" => format!("# {l}"),
            l if l.starts_with("一、") || l.starts_with("二、") => format!("## **{l}**"),
            l => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    write(dir.path(), "in/md.md", md.as_bytes());
    write(dir.path(), "in/word.docx", &docx(SHENZHEN));
    let out = dir.path().join("drafts");
    let o = import(&[
        dir.path().join("in").to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let docs = v.as_array().unwrap();
    assert_eq!(docs.len(), 3);
    for d in docs {
        assert_eq!(d["read"], 49, "{d}");
        assert_eq!(d["guessed"], 27);
        assert_eq!(d["placeholders"], 17);
        assert_eq!(d["units"][0]["name_zh"], "深圳市人民政府");
        assert_eq!(d["units"][0]["kind"], "government");
        assert_eq!(d["units"][0]["level"], "prefecture");
        assert_eq!(d["units"].as_array().unwrap().len(), 7);
    }
    for name in ["gb.toml", "md.toml", "word.toml"] {
        let p = out.join(name);
        let (text, t) = draft(&p);
        assert_shenzhen(&t);
        assert_eq!(text.contains("GB18030"), name == "gb.toml", "{name}");
        assert_shenzhen_checked(&p);
    }
}

/// A .docx holding `text`, a paragraph per line; the scope line sits in a
/// table cell (cells are read in order).
fn docx(text: &str) -> Vec<u8> {
    docx_with(text, |_| None)
}

/// As [`docx`], with `table(line)` giving a whole table of rows of cells
/// in place of a line.
fn docx_with(text: &str, table: impl Fn(&str) -> Option<Vec<Vec<&'static str>>>) -> Vec<u8> {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut body = String::new();
    for l in text.lines() {
        let p = format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            esc(l)
        );
        if let Some(rows) = table(l) {
            body.push_str("<w:tbl>");
            for r in rows {
                body.push_str("<w:tr>");
                for c in r {
                    body.push_str(&format!(
                        "<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>"
                    ));
                }
                body.push_str("</w:tr>");
            }
            body.push_str("</w:tbl>");
        } else if l.starts_with("在市政府") {
            body.push_str(&format!("<w:tbl><w:tr><w:tc>{p}</w:tc></w:tr></w:tbl>"));
        } else {
            body.push_str(&p);
        }
    }
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{body}</w:body></w:document>"
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("[Content_Types].xml", opts).unwrap();
        z.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
        z.start_file("word/document.xml", opts).unwrap();
        z.write_all(xml.as_bytes()).unwrap();
        z.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn a_scope_with_too_few_districts_earns_gd001_and_silence_stays_open() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "jm.txt", JIANGMEN.as_bytes());
    let out = dir.path().join("jm.toml");
    let o = import(&[
        dir.path().join("jm.txt").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, t) = draft(&out);
    assert_eq!(s(&t, &["plan", "jurisdiction"]), "Jiangmen");
    assert_eq!(s(&t, &["plan", "issuer"]), "江门市人民政府办公室");
    assert_eq!(t["plan"]["signed"].to_string(), "2021-09-10");
    let u = units(&t);
    let names: Vec<&str> = u.iter().map(|u| u["name_zh"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "江门市政务服务数据管理局",
            "江门市公安局",
            "江门市人力资源和社会保障局",
            "江门市自然资源局",
            "江门市卫生健康局",
            "江门市蓬江区",
            "江门市江海区"
        ]
    );
    assert_eq!(u[5]["kind"].as_str(), Some("government"));
    assert_eq!(u[5]["level"].as_str(), Some("county"));
    // No sentence on who holds the role: placeholders, nothing invented.
    let cdo = u[0]["cdo"].as_table().unwrap();
    assert!(cdo["rank"].as_str().unwrap().starts_with('<'));
    assert!(cdo["oversees_digital_government"]
        .as_str()
        .unwrap()
        .starts_with('<'));
    assert!(cdo.get("concurrent").is_none() && cdo.get("appointed_by").is_none());
    let duties: Vec<&str> = t["cdo"]["duties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(duties, ["digital-government", "security"]);
    let codes = check_codes(&out);
    assert!(codes.contains(&"GD001".to_string()), "{codes:?}");
}

#[test]
fn a_folder_goes_on_past_documents_that_are_not_plans() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("submitted");
    write(&input, "a/shenzhen.txt", SHENZHEN.as_bytes());
    write(&input, "minutes.txt", "会议纪要\n今天开会。\n".as_bytes());
    write(&input, "broken.docx", b"PK\x03\x04 not really a zip");
    write(&input, "notes.pdf", b"%PDF-1.4");
    let out = dir.path().join("drafts");
    let o = import(&[input.to_str().unwrap(), "--out-dir", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("minutes.txt: not a plan"), "{err}");
    assert!(
        err.contains("broken.docx: not a readable .docx document"),
        "{err}"
    );
    assert!(err.contains("1 files of other types skipped"), "{err}");
    // The plan's draft mirrors its path below the scan root.
    let (_, t) = draft(&out.join("a/shenzhen.toml"));
    assert_shenzhen(&t);
    assert!(!out.join("minutes.toml").exists());
    assert!(!out.join("broken.toml").exists());
    // JSON: one object per document; those that failed say why.
    let o = import(&[
        input.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
        "--force",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let docs = v.as_array().unwrap();
    let sources: Vec<&str> = docs.iter().map(|d| d["source"].as_str().unwrap()).collect();
    assert!(
        sources[0].ends_with("a/shenzhen.txt") && sources.len() == 3,
        "{sources:?}"
    );
    assert!(docs[0]["draft"]
        .as_str()
        .unwrap()
        .ends_with("a/shenzhen.toml"));
    assert!(docs[0].get("error").is_none());
    assert!(docs[1]["draft"].is_null());
    assert!(docs[1]["error"]
        .as_str()
        .unwrap()
        .starts_with("not a readable .docx document"));
    assert!(docs[2]["error"].as_str().unwrap().starts_with("not a plan"));
    // Several documents need --out-dir; JSON needs a file for the draft.
    let o = import(&[input.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let one = input.join("a/shenzhen.txt");
    let o = import(&[one.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}

#[test]
fn an_existing_draft_is_kept_without_force() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "sz.txt", SHENZHEN.as_bytes());
    write(dir.path(), "sz.toml", b"mine");
    let src = dir.path().join("sz.txt");
    let out = dir.path().join("sz.toml");
    let o = import(&[src.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("exists; nothing was written"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"mine");
    // The same in a folder: stopped before anything is written.
    write(dir.path(), "out/sz.toml", b"mine");
    let o = import(&[
        src.to_str().unwrap(),
        "--out-dir",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read(dir.path().join("out/sz.toml")).unwrap(),
        b"mine"
    );
    let o = import(&[
        src.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_shenzhen(&draft(&out).1);
}

#[test]
fn one_document_without_output_goes_to_standard_output_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "sz.txt", SHENZHEN.as_bytes());
    let o = import(&[
        "--lang",
        "zh-CN",
        dir.path().join("sz.txt").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let t: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(s(&t, &["plan", "title"]), "<方案标题>");
    assert!(
        text.contains("signed = 2021-08-03  # 第 9 行：“2021年8月3日”\n"),
        "{text}"
    );
    assert!(text.contains("（推断）"));
    assert!(stderr(&o).contains("读取 49 项"), "{}", stderr(&o));
}

#[test]
fn hostile_text_stays_valid_toml_and_a_plan() {
    let dir = tempfile::tempdir().unwrap();
    let nasty = SHENZHEN
        .replace("市政府办公厅\n", "市政府\"办公厅\\\u{1b}[2J\n")
        .replace(
            "到2022年6月，总结试点经验。",
            "到2022年6月，总结\"试点\"<经验>\\n\u{7}。",
        );
    let long = "首席数据官".repeat(5_000);
    write(
        dir.path(),
        "in/nasty.txt",
        format!("{nasty}\n{long}\n").as_bytes(),
    );
    write(dir.path(), "in/bomb.docx", &docx(&"数".repeat(200_000)));
    let out = dir.path().join("out");
    let o = import(&[
        dir.path().join("in").to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    // bomb.docx names no plan: an error; nasty.txt is imported.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let p = out.join("nasty.toml");
    let (text, _) = draft(&p);
    assert!(
        text.contains("# The document is longer than import reads"),
        "{text}"
    );
    assert!(text.contains(r#"总结\"试点\"＜经验＞\\n\u0007"#), "{text}");
    // Only the placeholders are CORE008: `<经验>` read from the document is not one.
    let placeholders = text
        .lines()
        .filter(|l| l.contains("= \"<") || l.contains("[\"<"))
        .count();
    let codes = check_codes(&p);
    assert_eq!(
        codes.iter().filter(|c| *c == "CORE008").count(),
        placeholders
    );
}

/// (name_zh, kind, level) of each unit of a draft.
fn unit_rows(t: &toml::Table) -> Vec<(String, String, String)> {
    units(t)
        .iter()
        .map(|u| {
            let g = |k: &str| u[k].as_str().unwrap().to_string();
            (g("name_zh"), g("kind"), g("level"))
        })
        .collect()
}

fn rows(r: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    r.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn districts_departments_and_beijing_are_read_at_their_levels() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("drafts");
    let o = import(&[
        fixtures.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // A district's plan: its bureaus and towns named with it; its zone at
    // county level; one sentence gives every unit's CDO.
    let (_, t) = draft(&out.join("shunde.toml"));
    assert_eq!(s(&t, &["plan", "jurisdiction_zh"]), "佛山市顺德区");
    assert_eq!(s(&t, &["plan", "jurisdiction"]), "Shunde District, Foshan");
    assert_eq!(s(&t, &["plan", "level"]), "county");
    assert_eq!(s(&t, &["plan", "issuer"]), "佛山市顺德区人民政府办公室");
    assert_eq!(
        s(&t, &["plan", "contact_agency"]),
        "佛山市顺德区政务服务数据管理局"
    );
    assert_eq!(
        unit_rows(&t),
        rows(&[
            ("佛山市顺德区发展和改革局", "department", "county"),
            ("佛山市顺德区公安分局", "department", "county"),
            ("佛山市顺德区市场监督管理局", "department", "county"),
            ("佛山市顺德区大良街道", "government", "township"),
            ("佛山市顺德区容桂街道", "government", "township"),
            ("佛山市顺德区北滘镇", "government", "township"),
            ("顺德高新区管委会", "zone", "county"),
        ])
    );
    for u in units(&t) {
        assert_eq!(u["cdo"]["rank"].as_str(), Some("deputy"));
        assert_eq!(u["cdo"]["appointed_by"].as_str(), Some("leading-group"));
        assert_eq!(
            u["cdo"]["filed_with"].as_str(),
            Some("leading-group-office")
        );
    }
    let m = t["milestone"].as_array().unwrap();
    assert_eq!(m[1]["due"].to_string(), "2021-12-31");
    check_codes(&out.join("shunde.toml"));

    // A provincial department's plan: itself and the cities' bureaus.
    let (_, t) = draft(&out.join("gd-public-security.toml"));
    assert_eq!(s(&t, &["plan", "jurisdiction_zh"]), "广东省公安厅");
    assert_eq!(s(&t, &["plan", "level"]), "province");
    assert_eq!(t["plan"]["signed"].to_string(), "2021-07-01");
    assert_eq!(
        unit_rows(&t),
        rows(&[
            ("广东省公安厅机关", "department", "province"),
            ("广州市公安局", "department", "prefecture"),
            ("深圳市公安局", "department", "prefecture"),
            ("广东省公安厅科技信息化总队", "department", "province"),
        ])
    );
    check_codes(&out.join("gd-public-security.toml"));

    // A county-level city is a city of its own, at county level.
    let (_, t) = draft(&out.join("taishan.toml"));
    assert_eq!(s(&t, &["plan", "jurisdiction_zh"]), "台山市");
    assert_eq!(s(&t, &["plan", "jurisdiction"]), "Taishan City, Jiangmen");
    assert_eq!(s(&t, &["plan", "level"]), "county");
    assert_eq!(
        unit_rows(&t),
        rows(&[
            ("台山市人民政府", "government", "county"),
            ("台山市公安局", "department", "county"),
            ("台山市台城街道", "government", "township"),
            ("台山市斗山镇", "government", "township"),
        ])
    );
    assert_eq!(units(&t)[0]["cdo"]["rank"].as_str(), Some("chief"));
    assert!(units(&t)[0]["cdo"].get("concurrent").is_none());
    check_codes(&out.join("taishan.toml"));

    // A town's plan: a town is not a plan level, so the level is left to fill.
    let (_, t) = draft(&out.join("dongguan-humen.toml"));
    assert_eq!(s(&t, &["plan", "jurisdiction_zh"]), "东莞市虎门镇");
    assert_eq!(
        s(&t, &["plan", "level"]),
        "<province, prefecture or county>"
    );
    check_codes(&out.join("dongguan-humen.toml"));

    // Beijing: every level one up.
    let (_, t) = draft(&out.join("beijing.toml"));
    assert_eq!(s(&t, &["plan", "level"]), "province");
    assert_eq!(s(&t, &["plan", "province"]), "Beijing");
    assert_eq!(
        unit_rows(&t),
        rows(&[
            ("北京市东城区", "government", "prefecture"),
            ("北京市海淀区", "government", "prefecture"),
            ("北京市朝阳区", "government", "prefecture"),
            ("北京经济技术开发区管委会", "zone", "prefecture"),
            ("北京市经济和信息化局", "department", "province"),
        ])
    );
    assert_eq!(units(&t)[0]["cdo"]["rank"].as_str(), Some("chief"));
    assert_eq!(units(&t)[4]["cdo"]["rank"].as_str(), Some("deputy"));
    check_codes(&out.join("beijing.toml"));
}

#[test]
fn a_zip_bomb_is_refused_at_the_cap() {
    // 64 MiB and a little more of text, a few hundred KB compressed.
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(false);
        z.start_file("word/document.xml", opts).unwrap();
        z.write_all(b"<w:document><w:body><w:p><w:r><w:t>").unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..65 {
            z.write_all(&chunk).unwrap();
        }
        z.write_all("首席数据官方案</w:t></w:r></w:p></w:body></w:document>".as_bytes())
            .unwrap();
        z.finish().unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bomb.docx", buf.get_ref());
    let o = import(&[
        dir.path().join("bomb.docx").to_str().unwrap(),
        "-o",
        dir.path().join("bomb.toml").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("bomb.docx: larger than 67108864 bytes, the most import reads"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("bomb.toml").exists());
}

#[test]
fn units_listed_in_a_word_table_are_read() {
    let table = |l: &str| {
        l.starts_with("在市政府").then(|| {
            vec![
                vec!["序号", "单位名称", "类别"],
                vec!["1", "市政府", "市本级"],
                vec!["2", "市公安局", "市直部门"],
                vec!["3", "福田区政府", "区"],
                vec!["4", "南山区政府", "区"],
            ]
        })
    };
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.docx", &docx_with(SHENZHEN, table));
    let out = dir.path().join("t.toml");
    let o = import(&[
        dir.path().join("t.docx").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, t) = draft(&out);
    let names: Vec<&str> = units(&t)
        .iter()
        .map(|u| u["name_zh"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "深圳市人民政府",
            "深圳市公安局",
            "深圳市福田区人民政府",
            "深圳市南山区人民政府"
        ]
    );
    check_codes(&out);
}

#[test]
fn a_scope_of_more_than_500_units_is_cut_and_says_so() {
    let list: Vec<String> = (1..=510).map(|i| format!("市第{i}局")).collect();
    let doc = format!(
        "深圳市首席数据官制度试点实施方案\n一、试点范围\n在{}开展试点。\n",
        list.join("、")
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "many.txt", doc.as_bytes());
    let out = dir.path().join("many.toml");
    let o = import(&[
        dir.path().join("many.txt").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (text, t) = draft(&out);
    assert_eq!(units(&t).len(), 500);
    assert!(text.contains(
        "# The scope lists more units than import reads: only the first 500 were read.\n"
    ));
    check_codes(&out);
}
