//! Issue 10: the audit evidence (§6) and the portfolio additions (§7) as
//! the auditor's outputs show them. The HTML report and the workbook read
//! one view model (src/render/audit.rs); these tests check that what JSON
//! carries reaches both: every pack's and every plan's SHA-256, the run's
//! day and options, which of a pilot's plans counts, the figures the
//! notice asks for, unreadable plans with their pilot, plans at another
//! level.

use crate::common::*;
use crate::xlsx::{b, rows, s};

use calamine::{open_workbook, Xlsx};
use serde_json::Value;

const AUDIT: &str = "tests/fixtures/audit";

/// `check --format json --output html=… --output xlsx=… AUDIT`: the JSON
/// report, the page and the workbook.
fn outputs(lang: &str) -> (Value, String, Xlsx<std::io::BufReader<std::fs::File>>) {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let xlsx = dir.path().join("r.xlsx");
    let (h, x) = (
        format!("html={}", html.display()),
        format!("xlsx={}", xlsx.display()),
    );
    let (v, code) = json(&["--lang", lang, "--output", &h, "--output", &x, AUDIT]);
    assert_eq!(code, 1, "the audit fixtures fail");
    let page = std::fs::read_to_string(&html).unwrap();
    (v, page, open_workbook(&xlsx).unwrap())
}

fn guangdong(v: &Value) -> &Value {
    v["portfolio"]["notices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["pack"] == "guangdong-2021")
        .unwrap()
}

/// The portfolio row of a pilot in the page.
fn pilot_row<'p>(page: &'p str, name: &str) -> &'p str {
    let cell = format!("<td class=\"pilot\">{name}</td>");
    let at = page.find(&cell).unwrap_or_else(|| panic!("{name}"));
    let start = page[..at].rfind("<tr").unwrap();
    let end = at + page[at..].find("</tr>").unwrap();
    &page[start..end]
}

#[test]
fn issue10_html_and_xlsx_carry_the_run_evidence() {
    let (v, page, mut book) = outputs("en");
    let run = &v["run"];
    let packs = run["packs"].as_array().unwrap();
    assert!(packs.len() >= 2);
    let sheet = rows(&mut book, "Run");
    assert_eq!(
        s(&sheet[1][1]),
        run["today"].as_str().unwrap(),
        "today first"
    );
    assert!(page.contains(&format!("<td>{}</td>", run["today"].as_str().unwrap())));
    // --no-waivers is typed, as a boolean.
    assert!(sheet
        .iter()
        .any(|r| r.len() > 1 && s(&r[0]).contains("--no-waivers") && !b(&r[1])));
    for p in packs {
        let sha = p["sha256"].as_str().unwrap();
        assert!(
            page.contains(&format!("<code>{sha}</code>")),
            "pack {} in the page",
            p["name"]
        );
        assert!(
            sheet.iter().any(|r| r.len() == 4
                && s(&r[1]) == p["name"].as_str().unwrap()
                && s(&r[2]) == p["document"].as_str().unwrap()
                && s(&r[3]) == sha),
            "pack {} in the Run sheet",
            p["name"]
        );
    }
    // Every plan's bytes: in its section of the page, in the Plans sheet.
    let plans = rows(&mut book, "Plans");
    assert_eq!(s(&plans[0][10]), "SHA-256");
    let files = v["files"].as_array().unwrap();
    assert_eq!(plans.len() - 1, files.len());
    for (row, f) in plans[1..].iter().zip(files) {
        let path = f["path"].as_str().unwrap();
        assert_eq!(s(&row[0]), path);
        let sha = f["sha256"].as_str().unwrap_or("");
        assert_eq!(s(&row[10]), sha, "{path}");
        if !sha.is_empty() {
            let at = page.find(&format!("data-path=\"{path}\"")).unwrap();
            let section = &page[at..at + page[at..].find("</div>").unwrap()];
            assert!(section.contains(sha), "{path}");
        }
    }
}

#[test]
fn issue10_html_and_xlsx_show_which_plan_counts_and_the_figures() {
    let (v, page, mut book) = outputs("en");
    let n = guangdong(&v);
    let sheet = rows(&mut book, "Portfolio");
    let header: Vec<String> = sheet[0].iter().map(s).collect();
    assert_eq!(
        header[4..],
        [
            "plans",
            "status",
            "plan status",
            "counts",
            "figures the notice asks for",
            "own CDO post"
        ]
    );
    for p in n["pilots"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        let row = pilot_row(&page, name);
        let mine: Vec<&Vec<calamine::Data>> = sheet.iter().filter(|r| s(&r[2]) == name).collect();
        let details = p["plan_details"].as_array().unwrap();
        assert_eq!(mine.len(), details.len().max(1), "{name}: a row per plan");
        for d in details {
            let path = d["path"].as_str().unwrap();
            assert!(row.contains(path), "{name}: {path}");
            let r = mine.iter().find(|r| s(&r[4]) == path).unwrap();
            assert_eq!(b(&r[7]), d["counted"].as_bool().unwrap(), "{path}");
        }
        // Each figure, as JSON counts it, in the page and the sheet.
        if let Some(counts) = p["counts"].as_object() {
            for (rule, count) in counts.iter().filter(|(_, c)| c.is_number()) {
                let figure = format!("data-rule=\"{rule}\" data-count=\"{count}\"");
                assert!(row.contains(&figure), "{name}: {rule}");
                assert!(s(&mine[0][8]).contains(&format!("{count} ")), "{name}");
            }
        } else {
            assert_eq!(s(&mine[0][8]), "", "{name}: nothing counts");
        }
    }
    // Jiangmen: the revised plan counts, the first does not.
    let jm = pilot_row(&page, "Jiangmen");
    let revised = format!("{AUDIT}/jiangmen-revised.toml</a> <span class=\"status pass\">pass</span><span class=\"counted\"> (counts)</span>");
    assert!(jm.contains(&revised), "{jm}");
    assert_eq!(jm.matches("(counts)").count(), 1);
    // Maoming selects 2 county governments of the 3 asked for.
    let mm = pilot_row(&page, "Maoming");
    assert!(mm.contains("class=\"figure short\" data-rule=\"GD001\" data-count=\"2\""));
    assert!(mm.contains("2 county, city or district governments, at least 3 required"));
    // Zhongshan's only plan could not be read: shown with its pilot.
    let zs = pilot_row(&page, "Zhongshan");
    assert!(zs.contains(&format!("{AUDIT}/zhongshan.toml</a> (unreadable)")));
    let zs_row = sheet.iter().find(|r| s(&r[2]) == "Zhongshan").unwrap();
    assert_eq!(s(&zs_row[6]), "unreadable");
    // The notice's lists: unreadable naming a pilot, another level; and
    // the plan that names no pilot at the top.
    for (class, entry, path) in [
        ("unreadable", "unreadable", "zhongshan.toml"),
        (
            "other-levels",
            "pilot's district or department",
            "jiangmen-pengjiang.toml",
        ),
        ("unreadable", "unreadable", "draft-unknown.toml"),
    ] {
        let list = format!("<ul class=\"paths {class}\">");
        let listed = page.match_indices(&list).any(|(i, _)| {
            let rest = &page[i..];
            rest[..rest.find("</ul>").unwrap()].contains(&format!("{AUDIT}/{path}"))
        });
        assert!(listed, "{class}: {path}");
        assert!(
            sheet
                .iter()
                .any(|r| s(&r[1]) == entry && s(&r[4]) == format!("{AUDIT}/{path}")),
            "{entry}: {path}"
        );
    }
}

#[test]
fn issue10_chinese_figures_and_run_sheet() {
    let (_, page, mut book) = outputs("zh-CN");
    assert!(page.contains("试点县（市、区）4个，原则上不少于3个"));
    assert!(page.contains("本报告的核查依据"));
    assert!(page.contains("（以此为准）"));
    let sheet = rows(&mut book, "核查依据");
    assert_eq!(s(&sheet[0][3]), "SHA-256");
    assert_eq!(s(&sheet[1][0]), "判定例外所依据的日期");
    assert_eq!(s(&sheet[1][1]), "2026-01-01");
    let portfolio = rows(&mut book, "试点总体情况");
    assert!(portfolio
        .iter()
        .any(|r| s(&r[2]) == "江门市" && s(&r[8]).contains("试点市级部门7个")));
}

#[test]
fn issue10_letters_name_the_day_the_packs_and_the_bytes_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let spec = format!("letters={}", dir.path().display());
    let (v, _) = json(&["--lang", "zh-CN", "--output", &spec, AUDIT]);
    let mut letters = 0;
    for f in v["files"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        let md = dir.path().join(path.replace(".toml", ".md"));
        if f["status"] != "fail" {
            assert!(!md.exists(), "{path}: no letter for a plan that passes");
            continue;
        }
        let text = std::fs::read_to_string(&md).unwrap();
        let sha = f["sha256"].as_str().unwrap();
        assert!(text.contains(sha), "{path}");
        assert!(text.contains("本意见以2026年1月1日为审核基准日"), "{path}");
        letters += 1;
    }
    assert!(letters >= 3);
    let mm = std::fs::read_to_string(dir.path().join(AUDIT).join("maoming.md")).unwrap();
    assert!(mm.contains("依据规则包 core、guangdong-2021 形成"), "{mm}");
    let zs = std::fs::read_to_string(dir.path().join(AUDIT).join("zhongshan.md")).unwrap();
    assert!(zs.contains("所审核文件无法读取"), "{zs}");
}
