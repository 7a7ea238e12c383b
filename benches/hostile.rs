//! Hostile inputs of issue 14, each run once through the release binary,
//! against generous bounds: every case must end within 10 s and 1 GiB of
//! peak RSS (`CDOCHECK_HOSTILE_MAX_SECS`, `CDOCHECK_HOSTILE_MAX_MIB`
//! change them), else the benchmark exits 1. A case still running at three
//! times the time bound is killed and reported (exit -9).
//!
//! ```sh
//! cargo bench --bench hostile              # the sizes of the issue (about 10 s; CI runs this)
//! cargo bench --bench hostile -- --quick   # a tenth of them
//! ```
//!
//! Cases: a plan of 25,500 units whose CDO rank is `other` (4.1 MB); 16,000
//! placeholders in one list; 400 findings at the end of a 2.4 MB list; a
//! lone-CR file (`a=1\r` x 320,000); 2,000,000 bad lines (`x\n`) in every
//! output format and with `--write-baseline`; 300,000 unknown keys; a
//! 20,000-rule pack loaded with `--rules` on one plan; a CEL rule whose
//! cost is the cube of 25,500 units (RP004); `-j 20000` on one file. Printed: wall time, peak RSS (`wait4` rusage) and exit code.

mod child;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn env_num<T: std::str::FromStr>(key: &str) -> Option<T> {
    std::env::var(key).ok().and_then(|v| v.trim().parse().ok())
}

/// The Jiangmen example up to its first unit: a valid plan head.
fn plan_head() -> String {
    let t = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/jiangmen-2021.toml"
    ))
    .expect("the Jiangmen example");
    t[..t.find("[[unit]]").expect("a unit")].to_string()
}

fn units(n: usize) -> String {
    let mut t = plan_head();
    for i in 0..n {
        t.push_str(&format!(
            "[[unit]]\nid = \"u{i}\"\nname = \"Unit {i}\"\nlevel = \"county\"\nkind = \"department\"\n\
             cdo = {{ position = \"p\", rank = \"other\", oversees_digital_government = true }}\n\n"
        ));
    }
    t
}

fn with_basis(items: &str) -> String {
    plan_head().replacen(
        "basis = [\"粤办函〔2021〕63号\"]",
        &format!("basis = [{items}]"),
        1,
    )
}

/// A pack of `n` small assert rules, on the Beijing pack's head.
fn pack(n: usize) -> String {
    let t = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/beijing-2023.toml"
    ))
    .expect("the Beijing pack");
    let mut out = t[..t.find("[[rule]]").expect("a rule")].replacen(
        "name = \"beijing-2023\"",
        "name = \"hostile-pack\"",
        1,
    );
    for i in 0..n {
        out.push_str(&format!(
            "[[rule]]\nid = \"HX{i:05}\"\nstatement = \"the plan names a jurisdiction\"\n\
             severity = \"warning\"\nkind = \"assert\"\n\
             require = {{ field = \"plan.jurisdiction\", exists = true }}\n\
             message = \"the plan names no jurisdiction\"\nhelp = \"add `jurisdiction`\"\n\
             [rule.citation]\ndocument = \"Beijing Chief Data Officer System Pilot Work Plan\"\n\
             provenance = \"report\"\nsource = \"hostile benchmark\"\n\
             [rule.zh]\nstatement = \"方案写明辖区\"\nmessage = \"方案未写明辖区\"\nhelp = \"添加 `jurisdiction`\"\n\n"
        ));
    }
    out
}

/// A pack of one CEL rule whose three nested comprehensions over the units
/// cost the cube of their number: within the budget on a small plan, far
/// over it on a big one (RP004 there, decided before evaluating).
fn cel_cube_pack() -> String {
    let mut out = pack(0);
    out.push_str(
        "[[rule]]\nid = \"HX99999\"\nstatement = \"s\"\nseverity = \"warning\"\n\
         kind = \"expr\"\nexpr = \"unit.all(a, unit.all(b, unit.all(c, a.id != '' || b.id != c.id)))\"\n\
         message = \"m\"\nhelp = \"h\"\n[rule.citation]\ndocument = \"d\"\n\
         provenance = \"report\"\nsource = \"hostile benchmark\"\n\
         [rule.zh]\nstatement = \"s\"\nmessage = \"m\"\nhelp = \"h\"\n",
    );
    out
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick")
        || std::env::var_os("CDOCHECK_BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0");
    let max_secs: f64 = env_num("CDOCHECK_HOSTILE_MAX_SECS").unwrap_or(10.0);
    let max_mib: f64 = env_num("CDOCHECK_HOSTILE_MAX_MIB").unwrap_or(1024.0);
    let scale = |n: usize| if quick { n / 10 } else { n };
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_cdocheck"));
    let tmp = tempfile::Builder::new()
        .prefix("cdocheck-hostile-")
        .tempdir()
        .expect("a temporary directory");
    let dir = tmp.path();
    let put = |name: &str, text: String| -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("writing an input");
        p
    };
    let t = Instant::now();
    let units_plan = put("units.toml", units(scale(25_500)));
    let placeholders = put(
        "placeholders.toml",
        with_basis(
            &(0..scale(16_000))
                .map(|i| format!("\"<p{i}>\""))
                .collect::<Vec<_>>()
                .join(","),
        ),
    );
    let good = vec!["\"粤办函〔2021〕63号\""; scale(80_000)].join(",");
    let bad = (0..400)
        .map(|i| format!("\"<p{i}>\""))
        .collect::<Vec<_>>()
        .join(",");
    let late = put("late.toml", with_basis(&format!("{good},{bad}")));
    let lone_cr = put("lone-cr.toml", "a=1\r".repeat(scale(320_000)));
    let bad_lines = put("bad-lines.toml", "x\n".repeat(scale(2_000_000)));
    let unknown = put(
        "unknown-keys.toml",
        (0..scale(300_000)).map(|i| format!("k{i} = 1\n")).collect(),
    );
    let rules = put("pack.toml", pack(scale(20_000)));
    let cube = put("cube.toml", cel_cube_pack());
    let beijing = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/beijing-2023.toml"
    ));
    let baseline = dir.join("baseline.json");
    eprintln!("generated the inputs in {:.1} s", t.elapsed().as_secs_f64());

    let p = |p: &Path| p.to_str().expect("a UTF-8 path").to_string();
    let mut cases: Vec<(String, Vec<String>)> = vec![
        (
            format!("{} units of rank `other`", scale(25_500)),
            vec![p(&units_plan)],
        ),
        (
            format!("{} placeholders in one list", scale(16_000)),
            vec![p(&placeholders)],
        ),
        (
            "400 findings at the end of a long list".into(),
            vec![p(&late)],
        ),
        (format!("lone CRs x {}", scale(320_000)), vec![p(&lone_cr)]),
        (
            format!("{} unknown keys", scale(300_000)),
            vec![p(&unknown)],
        ),
        (
            format!("{}-rule pack with --rules", scale(20_000)),
            vec!["--rules".into(), p(&rules), p(&beijing)],
        ),
        (
            format!("CEL: 3 nested all() over {} units (RP004)", scale(25_500)),
            vec![
                "--rules".into(),
                p(&cube),
                "--pack".into(),
                "hostile-pack".into(),
                p(&units_plan),
            ],
        ),
        (
            "-j 20000 on one file".into(),
            vec!["-j".into(), "20000".into(), p(&beijing)],
        ),
        (
            format!("{} bad lines, --write-baseline", scale(2_000_000)),
            vec!["--write-baseline".into(), p(&baseline), p(&bad_lines)],
        ),
    ];
    for format in [
        "human", "concise", "json", "sarif", "junit", "github", "csv",
    ] {
        cases.push((
            format!("{} bad lines, --format {format}", scale(2_000_000)),
            vec!["--format".into(), format.into(), p(&bad_lines)],
        ));
    }

    println!();
    println!(
        "cdocheck on hostile inputs{} (bounds: {max_secs} s, {max_mib} MiB)",
        if quick { ", --quick" } else { "" }
    );
    println!();
    println!("| case | wall | peak RSS | exit |");
    println!("|---|---|---|---|");
    let mut over = Vec::new();
    for (name, args) in &cases {
        let mut cmd = Command::new(&bin);
        cmd.args(["check", "--today", "2026-01-01"])
            .args(args)
            .env("NO_COLOR", "1");
        if !args.iter().any(|a| a == "--format") {
            cmd.args(["--format", "json"]);
        }
        let r = child::run(&mut cmd, Some(Duration::from_secs_f64(max_secs * 3.0)));
        let mib = r.max_rss_kib as f64 / 1024.0;
        let secs = r.wall.as_secs_f64();
        println!("| {name} | {secs:.2} s | {mib:.0} MiB | {} |", r.code);
        // 0 and 1 are verdicts; 2 is a clean refusal (a baseline of
        // 2,000,000 entries is larger than `--baseline` reads back). A
        // signal (negative) or a panic (101) is a crash.
        if secs > max_secs || mib > max_mib || !(0..=2).contains(&r.code) {
            over.push(name.clone());
        }
    }
    println!();
    if !over.is_empty() {
        println!("OVER the bounds (or a crash): {}", over.join("; "));
        std::process::exit(1);
    }
    println!("every case within the bounds");
}
