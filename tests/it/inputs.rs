//! Inputs that once hung, grew without end or were misplaced (issue 14):
//! FIFOs and devices named as plans, baselines, packs or fixtures; the caps
//! on auxiliary inputs; a plan in a folder that cannot be searched; a
//! byte-order mark; the order of files; over-deep dotted keys; `-j`.

use crate::common::*;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use serde_json::Value;

const JIANGMEN: &str = "examples/jiangmen-2021.toml";

/// Long enough for a debug build on a busy machine; a regression that
/// blocks in `open()` fails here instead of hanging the suite.
const PATIENCE: Duration = Duration::from_secs(60);

fn plan() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(JIANGMEN)).unwrap()
}

fn run_timed(args: &[&str]) -> Output {
    cdocheck().args(args).timeout(PATIENCE).output().unwrap()
}

fn json_timed(args: &[&str]) -> (Value, i32) {
    let mut all = vec!["check", "--format", "json", "--today", "2026-01-01"];
    all.extend_from_slice(args);
    let o = run_timed(&all);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(&o), stderr(&o)));
    (v, o.status.code().unwrap())
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The file entry reported under `path`.
fn file<'a>(v: &'a Value, path: &str) -> &'a Value {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} not reported: {v}"))
}

/// The diagnostics of one file with this code.
fn with_code<'a>(f: &'a Value, code: &str) -> Vec<&'a Value> {
    f["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
    assert_eq!(
        unsafe { libc::mkfifo(c.as_ptr(), 0o644) },
        0,
        "mkfifo {p:?}"
    );
}

/// A file of `len` bytes that takes no disk space (all zeros, sparse).
fn sparse(p: &Path, len: u64) {
    std::fs::File::create(p).unwrap().set_len(len).unwrap();
}

// 1. Nothing hangs.

#[cfg(unix)]
#[test]
fn a_fifo_named_as_a_plan_is_pf001_at_once_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    mkfifo(&d.join("a.toml"));
    mkfifo(&d.join("b"));
    std::os::unix::fs::symlink(d.join("b"), d.join("link.toml")).unwrap();
    write(d, "c.toml", &plan());
    let (a, c, link) = (d.join("a.toml"), d.join("c.toml"), d.join("link.toml"));
    let (v, code) = json_timed(&[s(&a), s(&link), s(&c), "/dev/zero"]);
    assert_eq!(code, 1, "{v}");
    for (path, kind) in [
        (s(&a), "a FIFO (named pipe)"),
        (s(&link), "a FIFO (named pipe)"),
        ("/dev/zero", "a character device"),
    ] {
        let f = file(&v, path);
        let pf = with_code(f, "PF001");
        assert_eq!(pf.len(), 1, "{f}");
        assert_eq!(
            pf[0]["message"],
            format!("this is {kind}, not a regular file; it was not read")
        );
        assert_eq!((&pf[0]["line"], &pf[0]["column"]), (&1.into(), &1.into()));
        assert_eq!(f["status"], "fail");
    }
    assert_eq!(file(&v, s(&c))["status"], "pass", "the batch goes on");
    // Found while walking, a FIFO is skipped, as before.
    let (v, _) = json_timed(&[s(d)]);
    assert_eq!(v["summary"]["files"], 1, "{v}");
}

#[cfg(unix)]
#[test]
fn a_fifo_or_device_as_baseline_or_pack_exits_2_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.json");
    mkfifo(&fifo);
    for (flag, path, says) in [
        (
            "--baseline",
            s(&fifo),
            "it is a FIFO (named pipe), not a regular file",
        ),
        (
            "--baseline",
            "/dev/zero",
            "it is a character device, not a regular file",
        ),
        (
            "--rules",
            s(&fifo),
            "it is a FIFO (named pipe), not a regular file",
        ),
        (
            "--rules",
            "/dev/zero",
            "it is a character device, not a regular file",
        ),
    ] {
        let o = run_timed(&["check", flag, path, JIANGMEN]);
        assert_eq!(o.status.code(), Some(2), "{flag} {path}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "nothing checked: {}", stdout(&o));
        let err = stderr(&o);
        assert!(
            err.contains(&format!("{path}: {says}")),
            "{flag} {path}: {err}"
        );
    }
    // A fixture: that fixture fails, saying why.
    let o = run_timed(&["test-rules", s(&fifo)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("it is a FIFO (named pipe), not a regular file"),
        "{out}"
    );
}

// 2. Caps on auxiliary inputs.

#[test]
fn a_baseline_or_pack_over_its_cap_exits_2_naming_the_file_and_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    let cap = 64 << 20;
    sparse(&big, cap + 1);
    let o = run_timed(&["check", "--baseline", s(&big), JIANGMEN]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "error: {}: it is larger than {cap} bytes, the most a baseline may hold; \
             it was not read\n",
            s(&big)
        )
    );
    let pack = dir.path().join("big.toml");
    let cap = 128 << 20;
    sparse(&pack, cap + 1);
    let o = run_timed(&["check", "--rules", s(&pack), JIANGMEN]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // The report wraps long lines: compare the words.
    let words = |t: &str| {
        let w: Vec<&str> = t.split_whitespace().filter(|w| *w != "│").collect();
        w.join(" ")
    };
    assert!(
        words(&stderr(&o)).contains(&format!(
            "RP001: {}: it is larger than {cap} bytes, the most a rule pack may hold",
            s(&pack)
        )),
        "{}",
        stderr(&o)
    );
    // At the cap exactly, it is read (and then is not JSON: NULs).
    sparse(&big, 64 << 20);
    let o = run_timed(&["check", "--baseline", s(&big), JIANGMEN]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a cdocheck baseline"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_fixture_over_the_plan_cap_fails_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    sparse(&big, (4 << 20) + 1);
    let o = run_timed(&["test-rules", s(&big)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o)
            .contains("it is larger than 4194304 bytes, the most a fixture may hold (as a plan)"),
        "{}",
        stdout(&o)
    );
}

// 3. A plan in a folder that cannot be searched.

/// `check --format json PATH`, as the user `nobody` when run as root (root
/// searches any folder, so the test would show nothing); `None` when that
/// cannot be arranged.
#[cfg(unix)]
fn json_as_a_user(dir: &Path, args: &[&str]) -> Option<(Value, i32)> {
    use std::os::unix::process::CommandExt;
    let mut all = vec!["check", "--format", "json", "--today", "2026-01-01"];
    all.extend_from_slice(args);
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_cdocheck"));
    c.current_dir(dir).args(&all).env("NO_COLOR", "1");
    if unsafe { libc::geteuid() } == 0 {
        c.uid(65534).gid(65534);
    }
    let o = c.output().ok()?;
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(&o), stderr(&o)));
    Some((v, o.status.code().unwrap()))
}

#[cfg(unix)]
#[test]
fn a_plan_in_a_folder_that_cannot_be_searched_is_pf001_not_exit_2() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "locked/inner.toml", &plan());
    write(d, "ok.toml", &plan());
    // Searchable by anyone, so that `nobody` reaches `locked`.
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(d.join("ok.toml"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let got = json_as_a_user(d, &["locked/inner.toml", "ok.toml"]);
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    match got {
        Some((v, code)) => {
            assert_eq!(code, 1, "{v}");
            let f = file(&v, "locked/inner.toml");
            let pf = with_code(f, "PF001");
            assert_eq!(pf.len(), 1, "{f}");
            let msg = pf[0]["message"].as_str().unwrap();
            assert!(msg.contains("ermission denied"), "the real error: {msg}");
            assert_eq!(file(&v, "ok.toml")["status"], "pass", "the batch goes on");
        }
        // Root without the right to change its user (a restricted
        // container): the symlink loop below takes the same path.
        None => eprintln!("note: cannot run as `nobody`; permission case not tested"),
    }
}

#[cfg(unix)]
#[test]
fn a_path_through_a_symlink_loop_is_pf001_even_as_root() {
    // The same code path as an unsearchable folder (the path may exist but
    // cannot be looked at), reachable whatever the user.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::os::unix::fs::symlink(d.join("loop"), d.join("loop")).unwrap();
    write(d, "ok.toml", &plan());
    let inner = d.join("loop/inner.toml");
    let (v, code) = json_timed(&[s(&inner), s(&d.join("ok.toml"))]);
    assert_eq!(code, 1, "{v}");
    let pf = with_code(file(&v, s(&inner)), "PF001");
    assert_eq!(pf.len(), 1, "{v}");
    assert!(
        pf[0]["message"]
            .as_str()
            .unwrap()
            .contains("levels of symbolic links"),
        "{v}"
    );
    // What does not exist is still exit 2.
    let o = run_timed(&["check", s(&d.join("ok.toml/x.toml"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no such file or directory"));
}

// 4. Byte-order marks.

#[test]
fn a_byte_order_mark_counts_for_no_column() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bom.toml",
        "\u{feff}format = 2\n[plan]\nzzz = 1\n".as_bytes(),
    );
    let p = dir.path().join("bom.toml");
    let (v, _) = json_timed(&[s(&p)]);
    let f = file(&v, s(&p));
    let pf6 = with_code(f, "PF006");
    assert_eq!(
        (&pf6[0]["line"], &pf6[0]["column"]),
        (&1.into(), &10.into())
    );
    assert_eq!(pf6[0]["end_column"], 11);
    let pf2 = with_code(f, "PF002");
    assert_eq!((&pf2[0]["line"], &pf2[0]["column"]), (&3.into(), &1.into()));

    let o = run_timed(&["check", "--format", "sarif", s(&p)]);
    let sarif: Value = serde_json::from_slice(&o.stdout).unwrap();
    let region = |rule: &str| {
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == rule)
            .map(|r| r["locations"][0]["physicalLocation"]["region"].clone())
            .unwrap()
    };
    assert_eq!(region("PF006")["startColumn"], 10);
    assert_eq!(region("PF006")["startLine"], 1);
    assert_eq!(region("PF002")["startColumn"], 1);
    assert_eq!(region("PF002")["startLine"], 3);
}

#[test]
fn a_baseline_or_fixture_with_a_byte_order_mark_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    let b = dir.path().join("baseline.json");
    std::fs::write(&p, "format = 2\n").unwrap();
    let o = run_timed(&["check", "--write-baseline", s(&b), s(&p)]);
    assert!(o.status.code().is_some(), "{}", stderr(&o));
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend(std::fs::read(&b).unwrap());
    std::fs::write(&b, text).unwrap();
    let (v, code) = json_timed(&["--baseline", s(&b), s(&p)]);
    assert_eq!(code, 0, "every finding baselined: {v}");

    // A shipped fixture, saved with a byte-order mark: its `# expect:` line
    // is still read, and its findings are on the same lines.
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend(std::fs::read("rules/tests/core/CORE001-fail.toml").unwrap());
    write(dir.path(), "fixture.toml", &text);
    let o = run_timed(&["test-rules", s(&dir.path().join("fixture.toml"))]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

// 5. The order of files.

#[test]
fn every_output_lists_files_in_path_order_across_roots() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for name in ["b.toml", "a/z.toml", "a-b/y.toml", "a.toml", "c/x.toml"] {
        write(d, name, b"format = 2\n");
    }
    let want = ["a-b/y.toml", "a.toml", "a/z.toml", "b.toml", "c/x.toml"];
    for format in ["concise", "json", "sarif", "junit", "csv", "github"] {
        let o = cdocheck()
            .current_dir(d)
            .args(["check", "--format", format, "--pack", "core"])
            .args(["c", "b.toml", "a", "a.toml", "./b.toml", "a-b"])
            .timeout(PATIENCE)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        let out = stdout(&o);
        let at: Vec<usize> = want
            .iter()
            .map(|w| {
                out.find(w)
                    .unwrap_or_else(|| panic!("{format}: {w} missing: {out}"))
            })
            .collect();
        assert!(at.windows(2).all(|p| p[0] < p[1]), "{format}: {out}");
    }
    let (v, _) = json_in(d, &["c", "b.toml", "a", "a.toml", "./b.toml", "a-b"]);
    let paths: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, want, "each file once, in path order: {v}");
}

fn json_in(dir: &Path, args: &[&str]) -> (Value, i32) {
    let mut all = vec!["check", "--format", "json", "--today", "2026-01-01"];
    all.extend_from_slice(args);
    let o = cdocheck()
        .current_dir(dir)
        .args(&all)
        .timeout(PATIENCE)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(&o), stderr(&o)));
    (v, o.status.code().unwrap())
}

// 6. Over-deep dotted keys.

#[test]
fn an_over_deep_dotted_key_is_reported_at_the_part_that_crosses_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let key = |parts: usize| vec!["a"; parts].join(".");
    let text = format!(
        "format = 1\n{} = 1\n[{}]\n",
        key(81),
        key(120).replace('.', " . ")
    );
    write(dir.path(), "deep.toml", text.as_bytes());
    let p = dir.path().join("deep.toml");
    let (v, code) = json_timed(&[s(&p)]);
    assert_eq!(code, 1);
    let pf = with_code(file(&v, s(&p)), "PF001");
    assert_eq!(pf.len(), 2, "{v}");
    assert_eq!(
        pf[0]["message"],
        "this key has 81 parts; cdocheck reads keys of at most 80 parts"
    );
    assert_eq!((&pf[0]["line"], &pf[0]["column"]), (&2.into(), &161.into()));
    assert_eq!(pf[0]["end_column"], 162);
    assert!(pf[0]["help"].as_str().unwrap().contains("fewer dots"));
    assert_eq!(
        pf[1]["message"],
        "this key has 120 parts; cdocheck reads keys of at most 80 parts"
    );
    // `[` then 80 parts of `a . `.
    assert_eq!((&pf[1]["line"], &pf[1]["column"]), (&3.into(), &322.into()));

    // 80 parts are read.
    write(
        dir.path(),
        "ok.toml",
        format!("format = 1\n{} = 1\n", key(80)).as_bytes(),
    );
    let p = dir.path().join("ok.toml");
    let (v, _) = json_timed(&[s(&p)]);
    assert!(with_code(file(&v, s(&p)), "PF001").is_empty(), "{v}");
}

// 7. Threads.

#[test]
fn jobs_are_clamped_and_never_change_the_output() {
    let (v, code) = json_timed(&["-j", "20000", JIANGMEN]);
    assert_eq!(code, 0, "{v}");
    let dir = tempfile::tempdir().unwrap();
    for (i, f) in std::fs::read_dir("examples").unwrap().enumerate() {
        let p = f.unwrap().path();
        write(dir.path(), &format!("{i}.toml"), &std::fs::read(p).unwrap());
        write(dir.path(), &format!("bad/{i}.toml"), b"format = 2\nx = [\n");
    }
    let root = s(dir.path());
    for format in ["json", "sarif"] {
        let outputs: Vec<Vec<u8>> = ["1", "3", "20000"]
            .iter()
            .map(|j| {
                let args = [
                    "check",
                    "--format",
                    format,
                    "--today",
                    "2026-01-01",
                    "-j",
                    j,
                    root,
                ];
                run_timed(&args).stdout
            })
            .collect();
        assert!(!outputs[0].is_empty());
        assert!(
            outputs.iter().all(|o| *o == outputs[0]),
            "{format} differs with -j"
        );
    }
}
