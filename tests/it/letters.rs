//! `--output letters=DIR`: a draft review letter per failing plan, as
//! .docx and .md under the plan's reported path; the .docx read back
//! (zip + quick-xml) names every unwaived finding's code.

use crate::common::*;
use crate::html::audit_run;

use std::io::Read;
use std::path::Path;

use serde_json::Value;

/// The text of a .docx: every `w:t` of word/document.xml, a line per `w:p`.
fn docx_text(path: &Path) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    for part in ["[Content_Types].xml", "_rels/.rels", "word/styles.xml"] {
        assert!(zip.by_name(part).is_ok(), "{part} missing");
    }
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == b"w:t" => in_text = true,
            quick_xml::events::Event::End(e) if e.name().as_ref() == b"w:t" => in_text = false,
            quick_xml::events::Event::End(e) if e.name().as_ref() == b"w:p" => out.push('\n'),
            quick_xml::events::Event::Text(t) if in_text => {
                out.push_str(&t.xml10_content().unwrap());
            }
            quick_xml::events::Event::GeneralRef(r) if in_text => {
                let name = String::from_utf8_lossy(&r);
                out.push_str(match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    _ => "?",
                });
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn letters(lang: &str) -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().unwrap();
    let v = audit_run("letters", &dir.path().join("letters"), &["--lang", lang]);
    (dir, v)
}

#[test]
fn a_letter_per_failing_plan_naming_every_unwaived_finding() {
    let (dir, v) = letters("en");
    let out = dir.path().join("letters");
    for f in v["files"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        let stem = path.strip_suffix(".toml").unwrap();
        let docx = out.join(format!("{stem}.docx"));
        let md = out.join(format!("{stem}.md"));
        if f["status"] == "pass" {
            assert!(
                !docx.exists() && !md.exists(),
                "a letter for passing {path}"
            );
            continue;
        }
        let text = docx_text(&docx);
        let md = std::fs::read_to_string(&md).unwrap();
        for d in f["diagnostics"].as_array().unwrap() {
            let code = d["code"].as_str().unwrap();
            if d["waived"] == true {
                continue;
            }
            assert!(
                text.contains(&format!("{code}: ")),
                "{path}: {code} not named:\n{text}"
            );
            assert!(md.contains(code), "{path}: {code} not in the .md");
            let line = d["line"].as_u64().unwrap();
            assert!(
                text.contains(&format!("line {line}, column")),
                "{path}: line {line}"
            );
        }
        assert!(
            text.contains("Reply by: [date]"),
            "{path}: no reply placeholder"
        );
        // Each rule's clause is quoted once, under the rule, however many
        // problems rest on it.
        let mut cited: Vec<&str> = f["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["waived"] != true && !d["citation"].is_null())
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        cited.sort_unstable();
        cited.dedup();
        assert_eq!(
            md.matches("\n- Clause: ").count(),
            cited.len(),
            "{path}: a clause per rule cited:\n{md}"
        );
    }
    let maoming = docx_text(&out.join("examples/maoming-draft.docx"));
    assert!(maoming.starts_with("Review of “Pilot Work Plan"));
    assert!(maoming.contains("To: General Office of the Maoming"));
    assert!(
        maoming.contains("粤办函〔2021〕63号"),
        "the clause is cited"
    );
}

#[test]
fn chinese_letter_and_waivers_listed_apart() {
    let dir = tempfile::tempdir().unwrap();
    // Shenzhen's plan has a waived finding and a warning: failing at
    // warnings, its letter lists the waiver apart from the problems.
    let out = dir.path().join("意见");
    let spec = format!("letters={}", out.display());
    let o = run(&[
        "check",
        "--today",
        "2026-01-01",
        "--lang",
        "zh-CN",
        "--fail-on",
        "warning",
        "--output",
        &spec,
        "examples/shenzhen-2021.toml",
        "examples/maoming-draft.toml",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = docx_text(&out.join("examples/maoming-draft.docx"));
    assert!(
        text.starts_with("关于《茂名市首席数据官制度试点工作方案"),
        "{text}"
    );
    assert!(text.contains("一、需要修改的问题"));
    assert!(
        text.contains("2021年9月10日发布"),
        "dates as a letter writes them: {text}"
    );
    assert!(text.contains("回复期限"));
    assert!(text.contains("依据条款：《广东省首席数据官制度试点工作方案》（粤办函〔2021〕63号）"));
    let text = docx_text(&out.join("examples/shenzhen-2021.docx"));
    let (problems, waivers) = text.split_once("二、已同意按例外处理的事项").unwrap();
    assert!(
        problems.contains("GD011") && !problems.contains("SZ002"),
        "{text}"
    );
    assert!(
        waivers.contains("SZ002") && waivers.contains("批准人"),
        "{text}"
    );
}

#[test]
fn existing_letters_need_force_and_stdout_is_refused() {
    let (dir, _) = letters("en");
    let out = dir.path().join("letters");
    let spec = format!("letters={}", out.display());
    let args = [
        "check",
        "--today",
        "2026-01-01",
        "--output",
        &spec,
        "examples/maoming-draft.toml",
    ];
    let o = run(&args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an existing letter is not replaced"
    );
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    let mut forced = args.to_vec();
    forced.insert(1, "--force");
    assert_eq!(run(&forced).status.code(), Some(1));
    let o = run(&[
        "check",
        "--format",
        "letters",
        "examples/maoming-draft.toml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "check",
        "--output",
        "letters=-",
        "examples/maoming-draft.toml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("letters=DIR"), "{}", stderr(&o));
    // A folder output naming a file.
    let file = dir.path().join("f");
    std::fs::write(&file, "x").unwrap();
    let spec = format!("letters={}", file.display());
    let o = run(&["check", "--output", &spec, "examples/maoming-draft.toml"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Paths that climb out of the scan stay inside the folder.
#[test]
fn climbing_paths_stay_inside() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "plans/m.toml",
        &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/maoming-draft.toml"))
            .unwrap(),
    );
    let out = dir.path().join("work/letters");
    std::fs::create_dir_all(dir.path().join("work")).unwrap();
    let o = cdocheck()
        .current_dir(dir.path().join("work"))
        .args([
            "check",
            "--today",
            "2026-01-01",
            "--output",
            "letters=letters",
            "../plans/m.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(out.join("_up_/plans/m.docx").exists());
    assert!(!dir.path().join("plans/m.docx").exists());
}

/// A rule that fires twice: its clause is quoted once, under the rule,
/// and each problem keeps its place and its correction.
#[test]
fn a_rule_s_clause_is_quoted_once_for_all_its_problems() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/foshan-2021.toml")).unwrap();
    // Neither bureau FS006 names is in the scope any more.
    let plan = text
        .replace(
            "Foshan Municipal Education Bureau",
            "Foshan Municipal Culture Bureau",
        )
        .replace("佛山市教育局", "佛山市文化局")
        .replace(
            "Foshan Municipal Industry and Information Technology Bureau",
            "Foshan Municipal Commerce Bureau",
        )
        .replace("佛山市工业和信息化局", "佛山市商务局");
    let path = dir.path().join("foshan.toml");
    std::fs::write(&path, plan).unwrap();
    let out = dir.path().join("letters");
    let o = check_to("letters", &out, &path);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let md = std::fs::read_to_string(only(&out, "md")).unwrap();
    let docx = docx_text(&only(&out, "docx"));
    for text in [&md, &docx] {
        let rule = text
            .find("Rule FS006 (error, 2 found)")
            .expect("FS006's group");
        let group = &text[rule..];
        let group = &group[..group[1..].find("Rule ").map_or(group.len(), |e| e + 1)];
        assert_eq!(group.matches("Clause: ").count(), 1, "{group}");
        assert_eq!(group.matches("Where: ").count(), 2, "{group}");
        assert_eq!(group.matches("To correct: ").count(), 2, "{group}");
        assert!(group.find("Clause: ") < group.find("FS006: "), "{group}");
    }
}

/// The one file under `dir` with the extension `ext`.
fn only(dir: &Path, ext: &str) -> std::path::PathBuf {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == ext))
        .unwrap()
        .into_path()
}
