//! Throughput of `cdocheck check` on generated corpora, against a floor:
//! reading every file and parsing it as TOML (the parser cdocheck uses) on
//! the same number of threads, measured in the same run.
//!
//! ```sh
//! cargo bench --bench throughput              # 1,000 and 10,000 plans (about a minute on 2 cores)
//! cargo bench --bench throughput -- --quick   # 100 and 1,000 plans, fewer runs (CI smoke)
//! ```
//!
//! Cargo builds the release binary first and passes its path in
//! `CARGO_BIN_EXE_cdocheck`. Environment: `CDOCHECK_BENCH_QUICK=1` (same as
//! `--quick`), `CDOCHECK_BENCH_JOBS` (threads; default one per core),
//! `CDOCHECK_BENCH_SEED` (corpus seed), `CDOCHECK_BENCH_RUNS` (runs per
//! measurement), `CDOCHECK_BENCH_DIR` (write the corpora there and keep
//! them; by default they go to a temporary directory, removed at the end).
//!
//! Reported: plans/s of the whole process (`cdocheck check --format json
//! --jobs N DIR`, stdout to /dev/null) and of the floor, their time ratio,
//! the latency of one process on a 30-unit plan (and of `/bin/true`, for
//! scale), and the peak RSS of the process (`wait4` rusage) for 100 plans
//! and for the largest corpus. Figures are medians; runs of cdocheck and of
//! the floor alternate, so that both see the same machine.

mod child;
mod corpus;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rayon::prelude::*;

const DEFAULT_SEED: u64 = 2021_0423;

/// The plan files of a corpus directory, sorted (as cdocheck discovers them).
fn list(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the corpus directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// The floor: list, read and parse every file on the pool; returns the time
/// and how many parsed.
fn floor(pool: &rayon::ThreadPool, dir: &Path) -> (Duration, usize) {
    let start = Instant::now();
    let files = list(dir);
    let parsed = pool.install(|| {
        files
            .par_iter()
            .filter(|p| {
                let text = std::fs::read_to_string(p).expect("a readable plan");
                toml::de::DeTable::parse(&text).is_ok()
            })
            .count()
    });
    (start.elapsed(), parsed)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn median_u64(mut xs: Vec<u64>) -> u64 {
    xs.sort();
    xs[xs.len() / 2]
}

fn env_num<T: std::str::FromStr>(key: &str) -> Option<T> {
    std::env::var(key).ok().and_then(|v| v.trim().parse().ok())
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn dir_size(dir: &Path) -> u64 {
    list(dir)
        .iter()
        .map(|p| p.metadata().map_or(0, |m| m.len()))
        .sum()
}

struct Throughput {
    plans: usize,
    cdocheck: Duration,
    floor: Duration,
    max_rss_kib: u64,
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick")
        || std::env::var_os("CDOCHECK_BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_cdocheck"));
    let jobs: usize = env_num("CDOCHECK_BENCH_JOBS")
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let seed: u64 = env_num("CDOCHECK_BENCH_SEED").unwrap_or(DEFAULT_SEED);
    let runs: usize = env_num("CDOCHECK_BENCH_RUNS").unwrap_or(if quick { 3 } else { 5 });
    let latency_runs = if quick { 20 } else { 100 };
    let sizes: &[usize] = if quick {
        &[100, 1_000]
    } else {
        &[1_000, 10_000]
    };
    let largest = *sizes.last().expect("a size");

    let tmp = tempfile::Builder::new()
        .prefix("cdocheck-bench-")
        .tempdir()
        .expect("a temporary directory");
    // CDOCHECK_BENCH_DIR keeps the corpora there, to look at.
    let base = std::env::var_os("CDOCHECK_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    let t = Instant::now();
    let mut dirs: Vec<(usize, PathBuf)> = Vec::new();
    let mut failing_largest = 0;
    for &n in std::iter::once(&100).chain(sizes) {
        if dirs.iter().any(|(m, _)| *m == n) {
            continue;
        }
        let dir = base.join(format!("plans-{n}"));
        let failing = corpus::write_corpus(&dir, seed, n).expect("writing the corpus");
        if n == largest {
            failing_largest = failing;
        }
        dirs.push((n, dir));
    }
    let single = base.join("single-30-units.toml");
    std::fs::write(&single, corpus::typical_city_plan(seed).text).expect("writing the plan");
    let dir_of = |n: usize| &dirs.iter().find(|(m, _)| *m == n).expect("a corpus").1;
    let largest_bytes = dir_size(dir_of(largest));
    eprintln!(
        "generated corpora of {} plans in {:.1} s (largest: {:.1} MB, {} of {} plans with violations); binary {}",
        dirs.iter().map(|(n, _)| thousands(*n)).collect::<Vec<_>>().join(", "),
        t.elapsed().as_secs_f64(),
        largest_bytes as f64 / 1e6,
        thousands(failing_largest),
        thousands(largest),
        bin.display()
    );

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("a thread pool");
    let check = |dir: &Path| -> child::Run {
        let r = child::run(
            Command::new(&bin)
                .args(["check", "--format", "json", "--jobs", &jobs.to_string()])
                .arg(dir)
                .env("NO_COLOR", "1"),
            None,
        );
        assert!(
            r.code == 0 || r.code == 1,
            "cdocheck exited with {} on {}",
            r.code,
            dir.display()
        );
        r
    };

    // Throughput: runs of cdocheck and of the floor alternate.
    let mut results = Vec::new();
    let mut rss_100 = Vec::new();
    for &(n, ref dir) in &dirs {
        // Warm the page cache (and check that every plan parses).
        let warm = check(dir);
        assert_eq!(
            warm.code, 1,
            "some generated plans fail, so cdocheck exits 1"
        );
        let (_, parsed) = floor(&pool, dir);
        assert_eq!(parsed, n, "every generated plan is valid TOML");
        let mut ours = Vec::new();
        let mut base = Vec::new();
        let mut rss = Vec::new();
        for _ in 0..runs {
            let r = check(dir);
            ours.push(r.wall);
            rss.push(r.max_rss_kib);
            base.push(floor(&pool, dir).0);
        }
        if n == 100 {
            rss_100 = rss.clone();
        }
        if sizes.contains(&n) {
            results.push(Throughput {
                plans: n,
                cdocheck: median(ours),
                floor: median(base),
                max_rss_kib: median_u64(rss),
            });
        }
        eprintln!("measured {} plans", thousands(n));
    }

    // Latency of one process on one 30-unit plan, and of /bin/true.
    let mut one = Vec::new();
    let mut truth = Vec::new();
    let true_bin = ["/bin/true", "/usr/bin/true"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    for _ in 0..latency_runs {
        let r = child::run(
            Command::new(&bin)
                .args(["check", "--format", "json"])
                .arg(&single)
                .env("NO_COLOR", "1"),
            None,
        );
        assert_eq!(r.code, 0, "the 30-unit plan passes");
        one.push(r.wall);
        if let Some(t) = true_bin {
            truth.push(child::run(&mut Command::new(t), None).wall);
        }
    }
    let one = median(one);

    // The table.
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!();
    println!(
        "cdocheck throughput ({} threads: --jobs {jobs} and a rayon pool of {jobs}; medians of {runs} runs{})",
        jobs,
        if quick { ", --quick" } else { "" }
    );
    println!();
    println!(
        "| corpus | cdocheck check --format json | floor: read + toml parse | cdocheck / floor (time) |"
    );
    println!("|---|---|---|---|");
    for r in &results {
        let rate = |d: Duration| r.plans as f64 / d.as_secs_f64();
        println!(
            "| {} plans | {:.0} plans/s ({:.0} ms) | {:.0} plans/s ({:.0} ms) | {:.2}× |",
            thousands(r.plans),
            rate(r.cdocheck),
            ms(r.cdocheck),
            rate(r.floor),
            ms(r.floor),
            r.cdocheck.as_secs_f64() / r.floor.as_secs_f64()
        );
    }
    println!();
    match true_bin.map(|_| median(truth)) {
        Some(t) => println!(
            "single 30-unit plan, whole process: {:.2} ms (median of {latency_runs}); /bin/true: {:.2} ms; ratio {:.1}×",
            ms(one),
            ms(t),
            one.as_secs_f64() / t.as_secs_f64()
        ),
        None => println!(
            "single 30-unit plan, whole process: {:.2} ms (median of {latency_runs})",
            ms(one)
        ),
    }
    let big = results.last().expect("a result");
    let small = median_u64(rss_100);
    let ratio = big.max_rss_kib as f64 / small as f64;
    println!(
        "peak RSS of the cdocheck process: 100 plans {:.1} MiB; {} plans {:.1} MiB; ratio {:.2}× ({})",
        small as f64 / 1024.0,
        thousands(big.plans),
        big.max_rss_kib as f64 / 1024.0,
        ratio,
        // Issue 12's goal: a run of 10,000 plans at most 1.5x the memory of 100.
        if ratio <= 1.5 {
            "within the 1.5× goal"
        } else {
            "OVER the 1.5× goal"
        }
    );
    println!(
        "corpus: seed {seed}, {} plans of 8–40 units, {:.1} KB per plan on average, {:.0}% with violations",
        thousands(largest),
        largest_bytes as f64 / largest as f64 / 1e3,
        failing_largest as f64 * 100.0 / largest as f64
    );
}
