//! `--output html=PATH`: one self-contained page, read back as a browser
//! renders it. Headless Chromium (Debian's `chromium`, with
//! `fonts-noto-cjk`) loads the file from disk; the test reads the rendered
//! DOM and checks every plan, finding code and designated pilot is there
//! and that the page's script ran without error. A screenshot of the first
//! screen is kept under target/ as an artifact. Without Chromium the
//! browser tests are skipped with a note, except under CI=true.

use crate::common::*;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A mixed scan: pass, fail, waived, unreadable, format errors,
/// opted-out (CORE010), designated pilots and not.
pub const AUDIT_PLANS: &[&str] = &[
    "examples/beijing-2023.toml",
    "examples/foshan-2021.toml",
    "examples/jiangmen-2021.toml",
    "examples/maoming-draft.toml",
    "examples/shenzhen-2021.toml",
    "rules/tests/core/CORE003-fail-unknown-rule.toml",
    "rules/tests/core/CORE010-fail-core-only.toml",
    "tests/fixtures/format/PF001-not-utf8.toml",
    "tests/fixtures/format/PF002-misspelled-rank.toml",
];

/// `check --format json --output FORMAT=OUT AUDIT_PLANS` (plus `extra`):
/// the JSON report and the exit code.
pub fn audit_run(format: &str, out: &Path, extra: &[&str]) -> Value {
    let spec = format!("{format}={}", out.display());
    let mut args = vec!["--output", spec.as_str()];
    args.extend_from_slice(extra);
    args.extend_from_slice(AUDIT_PLANS);
    let (v, code) = json(&args);
    assert_eq!(code, 1, "the mixed scan fails");
    v
}

fn html(lang: &str) -> (tempfile::TempDir, PathBuf, Value) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    let v = audit_run("html", &out, &["--lang", lang]);
    (dir, out, v)
}

fn codes(v: &Value) -> Vec<String> {
    let mut c: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap().iter())
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    c.sort();
    c.dedup();
    c
}

#[test]
fn self_contained_and_deterministic() {
    let (dir, out, v) = html("en");
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    // Nothing fetched: no external URL in any src/href, a CSP forbidding it.
    for bad in ["src=\"http", "href=\"http", "@import", "url(", "<link"] {
        assert!(!page.contains(bad), "the page refers outside itself: {bad}");
    }
    assert!(page.contains("default-src 'none'"));
    assert!(page.contains("Noto Sans CJK SC"));
    for f in v["files"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        assert!(page.contains(&format!("data-path=\"{path}\"")), "{path}");
    }
    for c in codes(&v) {
        assert!(page.contains(&format!("data-code=\"{c}\"")), "{c}");
    }
    // The same input and --today: the same bytes.
    let again = dir.path().join("again.html");
    audit_run("html", &again, &["--lang", "en"]);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());
}

/// The summary's counts agree with their nouns: `1 note`, never `1 notes`.
#[test]
fn counts_agree_with_their_nouns() {
    let (_dir, out, v) = html("en");
    let page = std::fs::read_to_string(&out).unwrap();
    let s = &v["summary"];
    let n = |k: &str| s[k].as_u64().unwrap();
    let counted =
        |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let line = format!(
        "{} checked: {} pass, {} fail; {}, {}, {}, {} waived.",
        counted(n("files"), "plan", "plans"),
        n("passed"),
        n("failed"),
        counted(n("errors"), "error", "errors"),
        counted(n("warnings"), "warning", "warnings"),
        counted(n("infos"), "note", "notes"),
        n("waived"),
    );
    assert!(page.contains(&line), "{line}");
    // Foshan's plan has one warning.
    assert!(page.contains("0 errors, 1 warning, 0 notes, 0 waived"));
    for wrong in [
        " 1 notes",
        " 1 errors",
        " 1 warnings",
        ">1 errors",
        ">1 warnings",
    ] {
        assert!(!page.contains(wrong), "{wrong}");
    }
}

#[test]
fn chinese_report() {
    let (_dir, out, _) = html("zh-CN");
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.contains("<html lang=\"zh-CN\">"));
    assert!(page.contains("试点总体情况"));
    assert!(page.contains("江门市"), "pilots are named in Chinese");
    assert!(!page.contains("Portfolio"));
}

/// A plan whose values try to break out of the page: every one is text.
#[test]
fn hostile_plan_text_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/maoming-draft.toml")).unwrap();
    let evil = text.replace(
        r#"id = "mm-nr""#,
        r#"id = "</pre><script>alert(1)</script><img src=x onerror=alert(2)>""#,
    );
    assert_ne!(evil, text);
    let plan = dir.path().join("<b>evil.toml");
    std::fs::write(&plan, evil).unwrap();
    let out = dir.path().join("r.html");
    let o = check_to("html", &out, &plan);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let page = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        page.matches("<script>").count(),
        1,
        "only the page's own script"
    );
    assert!(!page.contains("<img"));
    assert!(!page.contains("<b>evil"));
    assert!(page.contains("&lt;script&gt;alert(1)"));
}

/// Chromium, or `None` (skip) on a newcomer's machine; CI must have it.
fn chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(o) = Command::new(name).arg("--version").output() {
            if o.status.success() {
                return Some(PathBuf::from(name));
            }
        }
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "chromium is not installed; CI needs the Debian packages chromium and fonts-noto-cjk"
        );
    }
    eprintln!("note: chromium not found; the HTML browser test is skipped (apt-get install chromium fonts-noto-cjk)");
    None
}

fn headless(browser: &Path, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--no-first-run",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        "--virtual-time-budget=3000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    // No network is needed: any request would fail here.
    .arg("--proxy-server=127.0.0.1:9")
    .env_remove("DISPLAY");
    c
}

/// The DOM of the page at `url` as Chromium renders it.
fn dump(browser: &Path, profile: &Path, url: &str) -> String {
    let o = headless(browser, profile)
        .arg("--dump-dom")
        .arg(url)
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        !dom.is_empty(),
        "chromium rendered nothing: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    dom
}

/// The filters, preset from the address, hide what does not match.
#[test]
fn filters_work_in_chromium() {
    let Some(browser) = chromium() else {
        return;
    };
    let (dir, out, v) = html("en");
    let profile = dir.path().join("profile");
    let url = format!("file://{}?rule=GD005&severity=error", out.display());
    let dom = dump(&browser, &profile, &url);
    let body = &dom[dom.find("<body").unwrap()..];
    let tag = &body[..body.find('>').unwrap()];
    assert!(
        tag.contains("data-ready=\"1\"") && !tag.contains("data-script-error"),
        "{tag}"
    );
    let with: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["code"] == "GD005")
        })
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(!with.is_empty());
    assert!(
        dom.contains(&format!("<span id=\"f-count\">{}</span>", with.len())),
        "{with:?}"
    );
    for part in dom.split("<section class=\"plan\"").skip(1) {
        let head = &part[..part.find('>').unwrap()];
        let shown = with
            .iter()
            .any(|p| head.contains(&format!("data-path=\"{p}\"")));
        assert_eq!(!head.contains("hidden"), shown, "{head}");
    }
    for li in dom.split("<li class=\"finding").skip(1) {
        let head = &li[..li.find('>').unwrap()];
        let shown = head.contains("data-code=\"GD005\"");
        assert_eq!(!head.contains("hidden"), shown, "{head}");
    }
    // A text search finds a plan by a word of its findings.
    let url = format!("file://{}?q=mm-nr", out.display());
    let dom = dump(&browser, &profile, &url);
    assert!(dom.contains("<span id=\"f-count\">1</span>"));
    // The phrase follows the number: one plan, not "1 plans".
    assert!(
        dom.contains("<span id=\"f-count\">1</span> plan shown</span>"),
        "{}",
        &dom[dom.find("id=\"f-shown\"").unwrap_or(0)..][..200]
    );
}

/// The rendered DOM and a screenshot of the first screen.
fn render(lang: &str) -> Option<(String, Value)> {
    let browser = chromium()?;
    let (dir, out, v) = html(lang);
    let url = format!("file://{}", out.display());
    let profile = dir.path().join("profile");
    let o = headless(&browser, &profile)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        !dom.is_empty(),
        "chromium rendered nothing: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join(format!("html-first-screen-{lang}.png"));
    let _ = std::fs::remove_file(&shot);
    let s = headless(&browser, &profile)
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,900")
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&s.stderr)
    );
    Some((dom, v))
}

#[test]
fn renders_in_chromium() {
    for lang in ["en", "zh-CN"] {
        let Some((dom, v)) = render(lang) else {
            return;
        };
        let body = dom.find("<body").map(|i| &dom[i..]).unwrap_or("");
        let tag = &body[..body.find('>').unwrap_or(0)];
        assert!(
            !tag.contains("data-script-error"),
            "{lang}: script error: {tag}"
        );
        assert!(
            tag.contains("data-ready=\"1\""),
            "{lang}: script did not run: {tag}"
        );
        for f in v["files"].as_array().unwrap() {
            let path = f["path"].as_str().unwrap();
            assert!(
                dom.contains(&format!("data-path=\"{path}\"")),
                "{lang}: {path}"
            );
        }
        for c in codes(&v) {
            assert!(
                dom.contains(&format!("<code class=\"code\">{c}</code>")),
                "{lang}: {c}"
            );
        }
        // Every designated pilot of every notice, in the portfolio.
        let key = if lang == "en" { "name" } else { "name_zh" };
        let mut pilots = 0;
        for n in v["portfolio"]["notices"].as_array().unwrap() {
            for p in n["pilots"].as_array().unwrap() {
                let name = p[key].as_str().or(p["name"].as_str()).unwrap();
                let cell = format!("<td class=\"pilot\">{name}</td>");
                assert!(dom.contains(&cell), "{lang}: pilot {name}");
                pilots += 1;
            }
        }
        assert!(pilots >= 16, "Guangdong's 10 cities and 6 departments");
        assert!(
            dom.contains("class=\"paths unreadable\""),
            "{lang}: unreadable listed"
        );
        assert!(
            dom.contains("class=\"paths opted-out\""),
            "{lang}: opted-out listed"
        );
        assert!(
            dom.contains("class=\"missing\""),
            "{lang}: missing pilots stand out"
        );
        // Each plan's waiver register: a row per waiver `cdocheck waivers`
        // lists, with its state.
        let mut args = vec!["waivers", "--format", "json"];
        args.extend_from_slice(AUDIT_PLANS);
        let register: Value = serde_json::from_slice(&run(&args).stdout).unwrap();
        let register = register["waivers"].as_array().unwrap();
        assert!(!register.is_empty(), "the scan has waivers");
        assert_eq!(
            dom.matches("<tr class=\"waiver ").count(),
            register.len(),
            "{lang}: a row per waiver"
        );
        for w in register {
            let state = w["state"].as_str().unwrap();
            assert!(
                dom.contains(&format!("<tr class=\"waiver {state}\">")),
                "{lang}: {state}"
            );
        }
        // What is known only at the end of the run is written after the
        // plans' sections; the script moves it before them, so the page
        // reads in the order it shows.
        assert!(!tag.contains("nojs"), "{lang}: {tag}");
        let sections = dom.find("<section id=\"plans\"").unwrap();
        for id in ["summary", "portfolio", "index", "filters"] {
            let at = dom.find(&format!("id=\"{id}\"")).unwrap();
            assert!(at < sections, "{lang}: #{id} after the plans");
        }
        // Every plan is shown before any filter is chosen.
        let n = v["files"].as_array().unwrap().len();
        assert!(
            dom.contains(&format!("<span id=\"f-count\">{n}</span>")),
            "{lang}"
        );
    }
}

/// A plan line of half a megabyte: the page quotes a bounded part of it.
#[test]
fn long_lines_are_quoted_in_part() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/maoming-draft.toml")).unwrap();
    let long = format!("rank = \"other\" # {}", "长".repeat(200_000));
    let evil = text.replacen("rank = \"other\"", &long, 1);
    assert_ne!(evil, text);
    let plan = dir.path().join("long.toml");
    std::fs::write(&plan, evil).unwrap();
    let out = dir.path().join("r.html");
    let o = check_to("html", &out, &plan);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(
        page.contains("<mark>&quot;other&quot;</mark>"),
        "the span is marked"
    );
    assert!(page.len() < 200_000, "the page quotes {} bytes", page.len());
}
