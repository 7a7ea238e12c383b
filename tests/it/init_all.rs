//! `init` for every plan a Guangdong planner writes (issue 11, part 4): each
//! of the province file's cities by its English, Chinese and short Chinese
//! name, a division of each city (a district, a county, a county-level
//! city, a sub-district) named three ways, and every provincial department,
//! in English and Chinese. Checked together in one run, an unfilled
//! skeleton earns CORE008 and nothing else but GD003 (an info: the notice
//! does not designate every issuer).

use crate::common::*;

use std::collections::BTreeMap;
use std::path::Path;

/// One skeleton to write: the `init` arguments after `init`.
struct Case {
    args: Vec<String>,
    /// What `plan.jurisdiction` must hold (a division's name, say).
    names: String,
    level: Option<&'static str>,
}

fn case(jurisdiction: &str, level: Option<&'static str>, lang: &str, names: &str) -> Case {
    let mut args = vec![
        "--jurisdiction".to_string(),
        jurisdiction.to_string(),
        "--lang".to_string(),
        lang.to_string(),
    ];
    if let Some(l) = level {
        args.extend(["--level".to_string(), l.to_string()]);
    }
    Case {
        args,
        names: names.to_string(),
        level,
    }
}

/// Every case, from the province file itself.
fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/provinces/guangdong.toml"
    ))
    .unwrap();
    let data: toml::Table = toml::from_str(&text).unwrap();
    let s = |v: &toml::Value, k: &str| v[k].as_str().unwrap().to_string();
    let langs = ["en", "zh-CN"];
    let mut out = Vec::new();
    let cities = data["city"].as_array().unwrap();
    assert_eq!(cities.len(), 21, "Guangdong has 21 prefecture-level cities");
    for (i, c) in cities.iter().enumerate() {
        let (en, zh) = (s(c, "name"), s(c, "name_zh"));
        let short = zh.trim_end_matches('市').to_string();
        // Each name in one language, the languages alternating by city.
        let (a, b) = (langs[i % 2], langs[(i + 1) % 2]);
        out.push(case(&en, None, a, &en));
        out.push(case(&zh, None, b, &en));
        out.push(case(&short, None, a, &en));
        let divisions = c["divisions"].as_array().unwrap();
        let d = &divisions[i % divisions.len()];
        let (d_en, d_zh) = (s(d, "name"), s(d, "name_zh"));
        out.push(case(&format!("{d_en}, {en}"), Some("county"), b, &d_en));
        out.push(case(&format!("{zh}{d_zh}"), Some("county"), a, &d_en));
        out.push(case(&d_zh, Some("county"), b, &d_en));
    }
    for d in data["provincial_department"].as_array().unwrap() {
        let (en, zh) = (s(d, "name"), s(d, "name_zh"));
        for lang in langs {
            out.push(case(&en, None, lang, &en));
            out.push(case(&zh, None, lang, &en));
        }
    }
    // A county-level city and a county, by their Chinese names alone.
    for lang in langs {
        out.push(case(
            "台山市",
            Some("county"),
            lang,
            "Taishan City, Jiangmen",
        ));
        out.push(case(
            "南澳县",
            Some("county"),
            lang,
            "Nan'ao County, Shantou",
        ));
    }
    out
}

/// Writes each case's skeleton into `dir` as `sN.toml`, four `init`
/// processes at a time.
fn write_all(dir: &Path, cases: &[Case]) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(c) = cases.get(i) else { break };
                let path = dir.join(format!("s{i}.toml"));
                let mut args = vec!["init", "-o", path.to_str().unwrap()];
                args.extend(c.args.iter().map(String::as_str));
                let o = run(&args);
                assert_eq!(o.status.code(), Some(0), "{:?}: {}", c.args, stderr(&o));
            });
        }
    });
}

#[test]
fn every_guangdong_skeleton_earns_placeholders_only() {
    let cases = cases();
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), &cases);
    let (report, code) = json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "an unfilled skeleton fails");
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), cases.len());
    let mut problems = Vec::new();
    for f in files {
        let path = f["path"].as_str().unwrap();
        let stem = Path::new(path).file_stem().unwrap().to_str().unwrap();
        let i: usize = stem[1..].parse().unwrap();
        let c = &cases[i];
        let text = std::fs::read_to_string(dir.path().join(format!("{stem}.toml"))).unwrap();
        let mut codes: BTreeMap<String, usize> = BTreeMap::new();
        for d in f["diagnostics"].as_array().unwrap() {
            let code = d["code"].as_str().unwrap();
            let ok = code == "CORE008" || (code == "GD003" && d["severity"] == "info");
            if !ok {
                problems.push(format!("{:?}: {code} {}", c.args, d["message"]));
            }
            *codes.entry(code.to_string()).or_default() += 1;
        }
        if !codes.contains_key("CORE008") {
            problems.push(format!("{:?}: no placeholder found", c.args));
        }
        let packs: Vec<&str> = f["rule_packs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        if !packs.contains(&"guangdong-2021") {
            problems.push(format!("{:?}: packs {packs:?}", c.args));
        }
        let jurisdiction = f["jurisdiction"].as_str().unwrap_or_default();
        if !jurisdiction.contains(&c.names) {
            problems.push(format!("{:?}: jurisdiction {jurisdiction:?}", c.args));
        }
        if let Some(level) = c.level {
            if !text.contains(&format!("level = \"{level}\"")) {
                problems.push(format!("{:?}: not at level {level}", c.args));
            }
        }
        for must in ["province = \"Guangdong\"", "published = \"<YYYY-MM-DD>\""] {
            if !text.contains(must) {
                problems.push(format!("{:?}: no `{must}`", c.args));
            }
        }
        if text
            .lines()
            .any(|l| l.trim_start().starts_with("rule_packs"))
        {
            problems.push(format!("{:?}: a `rule_packs` line", c.args));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_division_is_planned_for_as_itself() {
    let o = run(&[
        "init",
        "--jurisdiction",
        "Futian District, Shenzhen",
        "--level",
        "county",
    ]);
    let text = stdout(&o);
    assert!(
        text.contains("jurisdiction = \"Futian District, Shenzhen\""),
        "{text}"
    );
    assert!(
        text.contains("jurisdiction_zh = \"深圳市福田区\""),
        "{text}"
    );
    assert!(text.contains("name_zh = \"福田区人民政府\""), "{text}");
    // The city's bureaus are not the district's.
    assert!(!text.contains("深圳市规划和自然资源局"), "{text}");
    // Of two divisions named, the longer name wins: Huizhou's 惠城区, not Shanwei's 城区.
    let o = run(&["init", "--jurisdiction", "惠城区", "--lang", "zh-CN"]);
    assert!(stdout(&o).contains("jurisdiction_zh = \"惠州市惠城区\""));
    let o = run(&["init", "--jurisdiction", "城区", "--lang", "zh-CN"]);
    assert!(stdout(&o).contains("jurisdiction_zh = \"汕尾市城区\""));
}

#[test]
fn a_placeholder_in_a_date_number_or_boolean_is_core008_only() {
    let o = run(&["init", "--jurisdiction", "Shenzhen"]);
    let text = stdout(&o)
        .replace("# signed = 2021-08-09", "signed = \"<YYYY-MM-DD>\"")
        .replacen(
            "oversees_digital_government = true",
            "oversees_digital_government = \"<yes or no>\"",
            1,
        );
    assert!(text.contains("contract_civil_servants = \"<"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.toml", text.as_bytes());
    let (report, _) = json(&[dir.path().join("plan.toml").to_str().unwrap()]);
    let found: Vec<(String, String)> = report["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
            (s("code"), s("key"))
        })
        .collect();
    for key in [
        "plan.signed",
        "plan.published",
        "support.contract_civil_servants",
        "unit[sz-gov].cdo.oversees_digital_government",
    ] {
        let at: Vec<_> = found.iter().filter(|(_, k)| k == key).collect();
        assert_eq!(at.len(), 1, "{key}: {found:?}");
        assert_eq!(at[0].0, "CORE008", "{key}: {found:?}");
    }
    let other: Vec<_> = found.iter().filter(|(c, _)| c != "CORE008").collect();
    assert!(other.is_empty(), "{other:?}");
}

/// An unfilled Shantou skeleton in `dir` as `plan.toml`, checked there:
/// `check --today 2026-01-01 ARGS… plan.toml`.
fn check_skeleton(dir: &Path, lang: &str, args: &[&str]) -> String {
    let path = dir.join("plan.toml");
    let o = run(&["init", "--jurisdiction", "Shantou", "--lang", lang]);
    std::fs::write(&path, &o.stdout).unwrap();
    let o = cdocheck()
        .current_dir(dir)
        .args(["check", "--today", "2026-01-01", "--lang", lang])
        .args(args)
        .arg("plan.toml")
        .output()
        .unwrap();
    stdout(&o)
}

#[test]
fn a_skeletons_placeholders_show_as_one_summary() {
    let dir = tempfile::tempdir().unwrap();
    let en = check_skeleton(dir.path(), "en", &[]);
    insta::assert_snapshot!("placeholders_grouped", en);
    let zh = check_skeleton(dir.path(), "zh-CN", &[]);
    insta::assert_snapshot!("placeholders_grouped_zh", zh);
    assert_eq!(en.matches("× CORE008").count(), 1, "{en}");
}

#[test]
fn verbose_and_every_other_format_list_each_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    let json_out = check_skeleton(dir.path(), "en", &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json_out).unwrap();
    let n = report["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "CORE008")
        .count();
    assert!(n > 8, "a skeleton has many placeholders: {n}");
    assert_eq!(report["summary"]["errors"], n, "counts are unchanged");
    let verbose = check_skeleton(dir.path(), "en", &["--verbose"]);
    assert_eq!(
        verbose.matches("× CORE008: a placeholder").count(),
        n,
        "{verbose}"
    );
    let grouped = check_skeleton(dir.path(), "en", &[]);
    assert!(grouped.contains(&format!(
        "× CORE008: {n} placeholders are left in plan.toml"
    )));
    assert!(
        grouped.contains(&format!("… and {} more", n - 8)),
        "{grouped}"
    );
    // The summary line counts each placeholder, as before.
    let last = |s: &str| s.lines().last().unwrap_or_default().to_string();
    assert_eq!(last(&grouped), last(&verbose));
    // `--output human=FILE` follows `--verbose` too.
    let file = dir.path().join("human.txt");
    let to_file = check_skeleton(
        dir.path(),
        "en",
        &[
            "--verbose",
            "--output",
            &format!("human={}", file.display()),
        ],
    );
    assert!(to_file.contains("× CORE008: a placeholder"), "{to_file}");
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        written.matches("× CORE008: a placeholder").count(),
        n,
        "{written}"
    );
    // One line per finding for tools that read `path:line:col`.
    let concise = check_skeleton(dir.path(), "en", &["--format", "concise"]);
    assert_eq!(concise.matches(": CORE008 error ").count(), n, "{concise}");
}

#[test]
fn other_findings_and_a_lone_placeholder_show_as_before() {
    let dir = tempfile::tempdir().unwrap();
    // A plan with one placeholder and a type error: both shown in full.
    let plan = jiangmen().replacen(
        "issuer = \"",
        "issuer = \"<Issuing office>\"\nissuer_old = \"",
        1,
    );
    write(dir.path(), "one.toml", plan.as_bytes());
    let o = cdocheck()
        .current_dir(dir.path())
        .args(["check", "--today", "2026-01-01", "one.toml"])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(
        out.contains("× CORE008: a placeholder `<Issuing office>` is left in the plan"),
        "{out}"
    );
    assert!(!out.contains("placeholders are left"), "{out}");
}
