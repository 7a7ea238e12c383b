//! Outputs never destroy anything (issue 14): an output naming an input,
//! another output or a folder is refused before anything is checked;
//! devices and FIFOs are written through, not replaced; an interrupt leaves
//! no temporary file; a closed stdout keeps the verdict and the other
//! outputs; a full disk is exit 2, never a panic.

use crate::common::*;

use std::fs;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const JIANGMEN: &str = "examples/jiangmen-2021.toml";
const MAOMING: &str = "examples/maoming-draft.toml";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A tempdir holding `p.toml` (a failing plan) and `sub/`.
fn sandbox() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(root().join(MAOMING), dir.path().join("p.toml")).unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    dir
}

/// The binary as a `std` command, whose standard streams can be any file.
fn raw() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("cdocheck"));
    c.current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    cdocheck().current_dir(dir).args(args).output().unwrap()
}

/// The names in `dir` that look like temporary files.
fn temps(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp"))
        .collect()
}

// ------------------------------------------------ outputs that clash (item 1)

#[test]
fn an_output_naming_a_plan_by_any_spelling_is_refused_before_checking() {
    let dir = sandbox();
    let d = dir.path();
    let plan = fs::read(d.join("p.toml")).unwrap();
    std::os::unix::fs::symlink("p.toml", d.join("link.toml")).unwrap();
    fs::hard_link(d.join("p.toml"), d.join("hard.toml")).unwrap();
    let abs = d.join("p.toml").to_str().unwrap().to_string();
    for target in [
        "p.toml",
        "./p.toml",
        "sub/../p.toml",
        abs.as_str(),
        "link.toml",
        "hard.toml",
    ] {
        for flag in [
            format!("--output=json={target}"),
            format!("--write-baseline={target}"),
        ] {
            let o = run_in(d, &["check", "--format", "json", "p.toml", &flag]);
            assert_eq!(o.status.code(), Some(2), "{flag}: {}", stderr(&o));
            assert!(o.stdout.is_empty(), "{flag}: nothing is checked");
            let err = stderr(&o);
            assert!(err.contains(target) && err.contains("p.toml"), "{err}");
            assert_eq!(fs::read(d.join("p.toml")).unwrap(), plan, "{flag}");
        }
    }
    assert!(temps(d).is_empty());
}

#[test]
fn an_output_naming_a_plan_found_in_a_folder_is_refused() {
    let dir = sandbox();
    let d = dir.path();
    fs::copy(root().join(JIANGMEN), d.join("sub/j.toml")).unwrap();
    let o = run_in(d, &["check", ".", "--output", "sarif=sub/j.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("sub/j.toml"));
    assert_eq!(
        fs::read(d.join("sub/j.toml")).unwrap(),
        fs::read(root().join(JIANGMEN)).unwrap()
    );
}

#[test]
fn two_outputs_naming_one_file_are_refused() {
    let dir = sandbox();
    let d = dir.path();
    for args in [
        &["--output", "json=r", "--output", "csv=r"][..],
        &["--output", "json=r", "--output", "csv=sub/../r"],
        &["--output", "json=r", "--write-baseline", "./r"],
    ] {
        let mut all = vec!["check", "p.toml"];
        all.extend_from_slice(args);
        let o = run_in(d, &all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("same file"), "{}", stderr(&o));
        assert!(!d.join("r").exists());
    }
}

#[test]
fn an_output_naming_a_folder_is_refused() {
    let dir = sandbox();
    let o = run_in(dir.path(), &["check", "p.toml", "--output", "json=sub"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("sub is a folder"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn the_baseline_may_be_updated_in_place_but_not_overwritten_by_a_report() {
    let dir = sandbox();
    let d = dir.path();
    let o = run_in(d, &["check", "p.toml", "--write-baseline", "b.json"]);
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
    let base = ["check", "p.toml", "--baseline", "b.json"];
    let o = run_in(d, &[&base[..], &["--write-baseline", "b.json"]].concat());
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
    let before = fs::read(d.join("b.json")).unwrap();
    let o = run_in(d, &[&base[..], &["--output", "json=./b.json"]].concat());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(fs::read(d.join("b.json")).unwrap(), before);
}

// ---------------------------------------- devices and FIFOs (item 2)

#[test]
fn a_fifo_output_is_written_through_not_replaced() {
    let dir = sandbox();
    let d = dir.path();
    let fifo = d.join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut s = String::new();
            fs::File::open(fifo)
                .unwrap()
                .read_to_string(&mut s)
                .unwrap();
            s
        })
    };
    let o = run_in(d, &["check", "p.toml", "--output", "json=pipe"]);
    // Had the run not opened the FIFO, the reader would wait for ever: a
    // writer of our own lets it end (with nothing read).
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    let fd = unsafe { libc::open(c.as_ptr(), libc::O_WRONLY | libc::O_NONBLOCK) };
    if fd >= 0 {
        unsafe { libc::close(fd) };
    }
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&reader.join().unwrap()).unwrap();
    assert_eq!(json["summary"]["failed"], 1);
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(temps(d).is_empty());
}

#[test]
fn a_device_output_is_written_through_not_replaced() {
    let dir = sandbox();
    let d = dir.path();
    // As root, a device node of our own (the old code replaced it with a
    // file, which for /dev/null would break the machine); otherwise
    // /dev/null, where the old code failed to create its temporary file.
    let dev = d.join("null");
    let c = std::ffi::CString::new(dev.to_str().unwrap()).unwrap();
    let made = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) };
    let target = if made == 0 {
        dev
    } else if unsafe { libc::geteuid() } != 0 {
        PathBuf::from("/dev/null")
    } else {
        eprintln!("note: cannot make a device node as root here; test skipped");
        return;
    };
    let spec = format!("json={}", target.display());
    let also = format!("csv={}", target.display());
    let o = run_in(
        d,
        &["check", "p.toml", "--output", &spec, "--output", &also],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(fs::metadata(&target).unwrap().file_type().is_char_device());
    assert!(temps(d).is_empty());
}

// ------------------------------------------------ interrupts (item 3)

/// Starts a run that is still going when signalled: its stdout is a pipe
/// nobody reads, so it blocks mid-batch once the pipe is full, with its
/// outputs' temporary files open. Waits for those to appear.
fn interrupted(sig: libc::c_int) -> (tempfile::TempDir, std::process::ExitStatus) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("plans")).unwrap();
    let plan = fs::read(root().join(MAOMING)).unwrap();
    for i in 0..200 {
        fs::write(d.join(format!("plans/m{i:03}.toml")), &plan).unwrap();
    }
    let mut cmd = raw();
    cmd.current_dir(d)
        .args(["check", "plans", "-j", "1", "--output", "json=r.json"])
        .args(["--output", "sarif=r.sarif", "--write-baseline", "b.json"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // A shell starts background jobs (`.ci/run &`) with SIGINT ignored,
    // and cdocheck rightly keeps a signal ignored at start ignored: the
    // child gets the default disposition, as from a terminal.
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
            for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                libc::signal(sig, libc::SIG_DFL);
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    while temps(d).len() < 3 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no temporary files"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "ended before the signal"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        child.try_wait().unwrap().is_none(),
        "ended before the signal"
    );
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
    // Never hang the suite: a child that outlives the signal fails the test.
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("signal {sig} did not end the run within 30 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    drop(child.stdout.take());
    (dir, status)
}

#[test]
fn an_interrupt_removes_temporary_files_and_exits_128_plus_the_signal() {
    for (sig, code) in [
        (libc::SIGINT, 130),
        (libc::SIGTERM, 143),
        (libc::SIGHUP, 129),
    ] {
        let (dir, status) = interrupted(sig);
        assert_eq!(status.code(), Some(code), "signal {sig}");
        assert!(temps(dir.path()).is_empty(), "{:?}", temps(dir.path()));
        for f in ["r.json", "r.sarif", "b.json"] {
            assert!(!dir.path().join(f).exists(), "no half report {f}");
        }
    }
}

// --------------------------------------------- a closed stdout (item 4)

/// A pipe whose read end is already closed, as standard output.
fn closed_pipe() -> Stdio {
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    unsafe { libc::close(fds[0]) };
    Stdio::from(unsafe { OwnedFd::from_raw_fd(fds[1]) })
}

#[test]
fn a_closed_stdout_keeps_the_verdict_and_every_other_output() {
    let dir = sandbox();
    let d = dir.path();
    fs::copy(root().join(JIANGMEN), d.join("j.toml")).unwrap();
    for (plans, code) in [(&["p.toml", "j.toml"][..], 1), (&["j.toml"], 0)] {
        for format in ["human", "concise", "json", "sarif"] {
            let _ = fs::remove_file(d.join("r.sarif"));
            let o = raw()
                .current_dir(d)
                .args(["check", "--format", format])
                .args(plans)
                .args(["--output", "sarif=r.sarif"])
                .stdout(closed_pipe())
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(code), "{format}: {}", stderr(&o));
            let sarif: serde_json::Value =
                serde_json::from_slice(&fs::read(d.join("r.sarif")).unwrap()).unwrap();
            assert_eq!(sarif["version"], "2.1.0");
        }
    }
    // --write-baseline is written too, and the exit code is what it is
    // with an open stdout.
    let open = run_in(d, &["check", "p.toml", "--write-baseline", "open.json"]);
    let o = raw()
        .current_dir(d)
        .args(["check", "p.toml", "--write-baseline", "closed.json"])
        .stdout(closed_pipe())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), open.status.code(), "{}", stderr(&o));
    assert_eq!(
        fs::read(d.join("closed.json")).unwrap(),
        fs::read(d.join("open.json")).unwrap()
    );
}

// ------------------------------------------------ a full disk (item 5)

#[test]
fn a_full_disk_is_exit_2_with_a_message_for_every_command() {
    if !Path::new("/dev/full").exists() {
        eprintln!("note: no /dev/full here; test skipped");
        return;
    }
    let commands: [&[&str]; 9] = [
        &["completions", "bash"],
        &["completions", "zsh"],
        &["schema"],
        &["man"],
        &["rules"],
        &["explain", "GD005"],
        &["init", "--jurisdiction", "Jiangmen"],
        &["check", JIANGMEN],
        &["check", "--format", "json", MAOMING],
    ];
    for args in commands {
        cannot_write_to_full_disk(raw().args(args), &format!("{args:?}"));
    }
}

/// Runs `cmd` with standard output on /dev/full: exit 2, and a message.
fn cannot_write_to_full_disk(cmd: &mut Command, what: &str) {
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = cmd.stdout(full).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{what}: {}", stderr(&o));
    assert!(
        stderr(&o).starts_with("error: cannot write the output: "),
        "{what}: {}",
        stderr(&o)
    );
}

#[test]
fn a_full_disk_stops_a_check_on_several_threads_with_exit_2() {
    // Enough JSON to fill the standard output buffer many times over, so
    // the write fails while the threads are still checking: they stop,
    // and the error is the run's.
    if !Path::new("/dev/full").exists() {
        eprintln!("note: no /dev/full here; test skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let plan = fs::read(root().join("examples/maoming-draft.toml")).unwrap();
    for i in 0..200 {
        fs::write(dir.path().join(format!("{i:03}.toml")), &plan).unwrap();
    }
    for jobs in ["2", "4"] {
        let mut check = raw();
        check
            .args(["check", "--format", "json", "-j", jobs])
            .arg(dir.path());
        cannot_write_to_full_disk(&mut check, &format!("-j {jobs}"));
    }
}

#[test]
fn a_full_disk_for_an_output_file_names_it() {
    // As root, a full device of our own: code that replaced its target
    // (the bug this file guards against) would replace the machine's
    // /dev/full. Otherwise /dev/full itself, which a user cannot replace.
    let dir = tempfile::tempdir().unwrap();
    let dev = dir.path().join("full");
    let c = std::ffi::CString::new(dev.to_str().unwrap()).unwrap();
    let made = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 7)) };
    let target = if made == 0 {
        dev
    } else if unsafe { libc::geteuid() } != 0 && Path::new("/dev/full").exists() {
        PathBuf::from("/dev/full")
    } else {
        eprintln!("note: no full device to write to here; test skipped");
        return;
    };
    let spec = format!("sarif={}", target.display());
    let o = run(&["check", MAOMING, "--output", &spec]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(target.to_str().unwrap()),
        "{}",
        stderr(&o)
    );
    assert!(fs::metadata(&target).unwrap().file_type().is_char_device());
}

// Issue 15: outputs that can be read, formats that follow the verdict.

/// The process umask (tests must not change it: they run side by side).
fn umask() -> Option<u32> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let m = status.lines().find_map(|l| l.strip_prefix("Umask:"))?;
    u32::from_str_radix(m.trim(), 8).ok()
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn outputs_make_missing_folders_and_get_ordinary_modes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = sandbox();
    let d = dir.path();
    let o = run_in(
        d,
        &[
            "check",
            "p.toml",
            "--output",
            "json=reports/new/r.json",
            "--write-baseline",
            "baselines/b.json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = d.join("reports/new/r.json");
    assert!(report.is_file(), "the missing folders were made");
    if let Some(umask) = umask() {
        assert_eq!(mode(&report), 0o666 & !umask, "not tempfile's 0600");
        assert_eq!(mode(&d.join("baselines/b.json")), 0o666 & !umask);
    }
    // An existing report keeps its mode.
    fs::set_permissions(&report, fs::Permissions::from_mode(0o644)).unwrap();
    let o = run_in(
        d,
        &["check", "p.toml", "--output", "json=reports/new/r.json"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(mode(&report), 0o644);
    assert!(temps(d).is_empty());
}

#[test]
fn an_output_that_cannot_be_written_stops_the_run_before_checking_and_names_it() {
    let dir = sandbox();
    let d = dir.path();
    // A folder that cannot hold the output (a plain file in its place).
    fs::write(d.join("blocked"), "").unwrap();
    let o = run_in(d, &["check", "p.toml", "--output", "json=blocked/r.json"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("blocked/r.json"), "{err}");
    assert!(!err.contains(".tmp"), "no temporary file is named: {err}");
    assert!(stdout(&o).is_empty(), "nothing was checked: {}", stdout(&o));
}

/// A baseline of the Maoming draft (`p.toml`) in `b.json`.
fn baselined(d: &Path) {
    let o = run_in(d, &["check", "p.toml", "--write-baseline", "b.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn concise_marks_baselined_findings() {
    let dir = sandbox();
    let d = dir.path();
    baselined(d);
    let o = run_in(
        d,
        &[
            "check",
            "p.toml",
            "--baseline",
            "b.json",
            "--format",
            "concise",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("p.toml:")).collect();
    assert_eq!(lines.len(), 6, "{out}");
    assert!(
        lines
            .iter()
            .all(|l| l.contains(" baselined ") && !l.contains(" error ")),
        "{out}"
    );
}

#[test]
fn junit_failures_follow_fail_on() {
    let failures = |args: &[&str]| {
        let mut all = vec!["check", MAOMING, "--format", "junit"];
        all.extend_from_slice(args);
        let o = run(&all);
        let out = stdout(&o);
        let n = out.matches("<failure").count();
        (n, o.status.code().unwrap())
    };
    // Maoming: 4 errors in 4 rules, 2 warnings in 2 others.
    assert_eq!(failures(&[]), (4, 1));
    assert_eq!(failures(&["--fail-on", "warning"]), (6, 1));
    assert_eq!(
        failures(&["--fail-on", "never"]),
        (0, 0),
        "a green run is green"
    );
}

#[test]
fn sarif_results_carry_fingerprints_that_survive_moved_lines() {
    let dir = sandbox();
    let d = dir.path();
    let prints = |d: &Path| -> Vec<String> {
        let o = run_in(d, &["check", "p.toml", "--format", "sarif"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["cdocheckFingerprint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let before = prints(d);
    assert_eq!(before.len(), 6);
    let text = fs::read_to_string(d.join("p.toml")).unwrap();
    fs::write(d.join("p.toml"), format!("# a comment\n\n{text}")).unwrap();
    let mut after = prints(d);
    let mut sorted = before.clone();
    sorted.sort();
    after.sort();
    assert_eq!(sorted, after);
    assert!(before[0].starts_with("\"p.toml\":"), "{}", before[0]);
}

/// Collects every file below `dir` as (relative path, bytes), sorted.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn extra_outputs_written_on_their_own_threads_are_the_bytes_of_one_thread() {
    // More plans than four threads check ahead of the one being written
    // (16 each), so they wait for their turn; every output against its
    // one-thread bytes.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("plans")).unwrap();
    let examples = [
        "beijing-2023",
        "foshan-2021",
        "jiangmen-2021",
        "maoming-draft",
        "shenzhen-2021",
    ];
    for i in 0..90 {
        let name = examples[i % examples.len()];
        let plan = fs::read(root().join(format!("examples/{name}.toml"))).unwrap();
        fs::write(d.join(format!("plans/{i:03}-{name}.toml")), plan).unwrap();
    }
    for jobs in ["1", "4"] {
        let out = d.join(format!("j{jobs}"));
        let o = raw()
            .current_dir(d)
            .args([
                "check",
                "plans",
                "--today",
                "2026-01-01",
                "-j",
                jobs,
                "--format",
                "json",
            ])
            .arg("--output")
            .arg(format!("html={}", out.join("r.html").display()))
            .arg("--output")
            .arg(format!("sarif={}", out.join("r.sarif").display()))
            .arg("--output")
            .arg(format!("csv={}", out.join("r.csv").display()))
            .arg("--output")
            .arg(format!("human={}", out.join("r.txt").display()))
            .arg("--output")
            .arg(format!("letters={}", out.join("letters").display()))
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        fs::write(out.join("stdout.json"), &o.stdout).unwrap();
    }
    let (one, four) = (tree(&d.join("j1")), tree(&d.join("j4")));
    assert!(one.len() > 30, "{} files", one.len());
    assert_eq!(
        one.iter().map(|f| &f.0).collect::<Vec<_>>(),
        four.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, a), (_, b)) in one.iter().zip(&four) {
        assert!(a == b, "{name} differs between -j1 and -j4");
    }
}
