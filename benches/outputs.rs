//! What the auditor outputs cost beside JSON (issue 10's goal: at most
//! 1.5x the JSON-only run): `cdocheck check --format json` alone, and with
//! `--output html=… --output xlsx=… --output letters=DIR`, on one generated
//! corpus. The two runs alternate and swap order every round (A B, B A, …),
//! so that neither always follows the other; each run writes into a fresh
//! folder, removed outside the timing.
//!
//! ```sh
//! cargo bench --bench outputs              # 10,000 plans, 11 rounds (a few minutes on 2 cores)
//! cargo bench --bench outputs -- --quick   # 1,000 plans, 3 rounds
//! ```
//!
//! Environment: `CDOCHECK_BENCH_QUICK=1` (same as `--quick`),
//! `CDOCHECK_BENCH_SEED`, `CDOCHECK_BENCH_RUNS` (rounds),
//! `CDOCHECK_BENCH_DIR` (where the corpus and the outputs go; a tmpfs such
//! as `/dev/shm` keeps the disk out of the figures). Reported: the median
//! of each round's ratio (all outputs / JSON only) of wall time and of CPU
//! time (user + system, `wait4` rusage), their range, and the peak RSS of
//! each run. The JSON goes to /dev/null in both runs.

mod child;
mod corpus;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

const DEFAULT_SEED: u64 = 2021_0423;

fn env_num<T: std::str::FromStr>(key: &str) -> Option<T> {
    std::env::var(key).ok()?.parse().ok()
}

/// The median and the range of some ratios.
fn spread(mut xs: Vec<f64>) -> (f64, f64, f64) {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let median = if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    };
    (median, xs[0], xs[n - 1])
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick")
        || std::env::var_os("CDOCHECK_BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_cdocheck"));
    let seed: u64 = env_num("CDOCHECK_BENCH_SEED").unwrap_or(DEFAULT_SEED);
    let rounds: usize = env_num("CDOCHECK_BENCH_RUNS").unwrap_or(if quick { 3 } else { 11 });
    let n = if quick { 1_000 } else { 10_000 };

    let tmp = tempfile::Builder::new()
        .prefix("cdocheck-bench-outputs-")
        .tempdir_in(
            std::env::var_os("CDOCHECK_BENCH_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(std::env::temp_dir),
        )
        .expect("a temporary directory");
    let corpus_dir = tmp.path().join(format!("plans-{n}"));
    let t = Instant::now();
    let failing = corpus::write_corpus(&corpus_dir, seed, n).expect("writing the corpus");
    eprintln!(
        "generated {n} plans ({failing} with violations) in {:.1} s under {}; binary {}",
        t.elapsed().as_secs_f64(),
        tmp.path().display(),
        bin.display()
    );

    let out = tmp.path().join("out");
    let run = |all: bool| -> child::Run {
        // A fresh folder each run: letters are never written over old ones.
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).expect("the output folder");
        let mut cmd = Command::new(&bin);
        cmd.args(["check", "--format", "json", "--today", "2026-01-01"])
            .arg(&corpus_dir)
            .env("NO_COLOR", "1");
        if all {
            let to = |what: &str, name: &str| {
                let mut a = std::ffi::OsString::from(format!("{what}="));
                a.push(out.join(name));
                a
            };
            cmd.arg("--output")
                .arg(to("html", "report.html"))
                .arg("--output")
                .arg(to("xlsx", "report.xlsx"))
                .arg("--output")
                .arg(to("letters", "letters"));
        }
        let r = child::run(&mut cmd, None);
        assert_eq!(r.code, 1, "some generated plans fail, so cdocheck exits 1");
        r
    };
    // Warm the page cache, and check that the outputs are written.
    run(false);
    run(true);
    for name in ["report.html", "report.xlsx", "letters"] {
        assert!(out.join(name).exists(), "{name} was not written");
    }
    // A letter for each failing plan.
    let letters = walkdir::WalkDir::new(out.join("letters"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "docx"))
        .count();

    let (mut wall, mut cpu, mut rss) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (all, json) = if round % 2 == 0 {
            let a = run(true);
            (a, run(false))
        } else {
            let j = run(false);
            (run(true), j)
        };
        wall.push(all.wall.as_secs_f64() / json.wall.as_secs_f64());
        cpu.push(all.cpu.as_secs_f64() / json.cpu.as_secs_f64());
        rss.push((all.max_rss_kib, json.max_rss_kib));
    }
    let _ = std::fs::remove_dir_all(&out);

    let (w, w_lo, w_hi) = spread(wall);
    let (c, c_lo, c_hi) = spread(cpu);
    let mib = |kib: Vec<u64>| spread(kib.into_iter().map(|k| k as f64 / 1024.0).collect()).0;
    let verdict = |x: f64| if x <= 1.5 { "within" } else { "OVER" };
    println!();
    println!(
        "auditor outputs beside JSON, {n} plans, {rounds} rounds (order swapped each round){}",
        if quick { ", --quick" } else { "" }
    );
    println!();
    println!("| all outputs / JSON only | median | range | the 1.5x goal |");
    println!("|---|---|---|---|");
    println!("| wall | {w:.2}x | {w_lo:.2}–{w_hi:.2} | {} |", verdict(w));
    println!(
        "| CPU (user + system) | {c:.2}x | {c_lo:.2}–{c_hi:.2} | {} |",
        verdict(c)
    );
    println!();
    println!(
        "peak RSS: all outputs {:.1} MiB, JSON only {:.1} MiB (medians)",
        mib(rss.iter().map(|r| r.0).collect()),
        mib(rss.iter().map(|r| r.1).collect())
    );
    println!(
        "corpus: seed {seed}, {n} plans, {failing} with violations, {letters} failing (a letter each)"
    );
}
