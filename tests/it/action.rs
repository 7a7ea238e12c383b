//! The Action's script (scripts/action.sh), run as action.yml runs it, with a
//! fake `cdocheck` (and `curl`) on PATH that record what they were given
//! (issue 15, item 7). No network: release downloads come from a folder.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A sandbox: `bin/` with the fakes, a work folder holding files that the
/// hostile globs would match.
struct Sandbox {
    dir: tempfile::TempDir,
}

const FAKE_CDOCHECK: &str = r#"#!/bin/sh
# Records each argument NUL-terminated, and the job summary variable.
: > "$FAKE_LOG"
for a in "$@"; do printf '%s\0' "$a" >> "$FAKE_LOG"; done
printf '%s' "${GITHUB_STEP_SUMMARY-<unset>}" > "$FAKE_LOG.summary"
exit "${FAKE_EXIT:-0}"
"#;

/// Serves `-o FILE URL` from $FAKE_RELEASES by the URL's last part, and
/// records every URL asked for.
const FAKE_CURL: &str = r#"#!/bin/sh
out=""; url=""
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out=$2; shift 2 ;;
    -*) shift ;;
    *) url=$1; shift ;;
  esac
done
echo "$url" >> "$FAKE_RELEASES/asked"
name=${url##*/}
[ -f "$FAKE_RELEASES/$name" ] || exit 22
cp "$FAKE_RELEASES/$name" "$out"
"#;

fn executable(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("bin")).unwrap();
        std::fs::create_dir_all(d.join("work/plans/drafts")).unwrap();
        std::fs::create_dir_all(d.join("releases")).unwrap();
        for f in ["a.toml", "b.toml"] {
            std::fs::write(d.join("work/plans/drafts").join(f), "").unwrap();
        }
        executable(&d.join("bin/cdocheck"), FAKE_CDOCHECK);
        executable(&d.join("bin/curl"), FAKE_CURL);
        Sandbox { dir }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    /// `bash scripts/action.sh SUB` in `work/`, with ENV added.
    fn run(&self, sub: &str, env: &[(&str, &str)]) -> Output {
        let path = format!(
            "{}:{}",
            self.path("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut c = Command::new("bash");
        c.arg(root().join("scripts/action.sh"))
            .arg(sub)
            .current_dir(self.path("work"))
            .env("PATH", path)
            .env("FAKE_LOG", self.path("argv"))
            .env("FAKE_RELEASES", self.path("releases"))
            .env("GITHUB_STEP_SUMMARY", self.path("summary.md"));
        for k in [
            "CDOCHECK_INPUT_PATHS",
            "CDOCHECK_INPUT_ARGS",
            "CDOCHECK_INPUT_SARIF",
            "CDOCHECK_INPUT_SARIF_FILE",
            "CDOCHECK_INPUT_JOB_SUMMARY",
            "GITHUB_OUTPUT",
            "GITHUB_PATH",
            "RUNNER_OS",
            "RUNNER_ARCH",
            "RUNNER_TEMP",
        ] {
            c.env_remove(k);
        }
        c.envs(env.iter().copied());
        c.output().unwrap()
    }

    /// What the fake cdocheck was run with, or `None` if it was not run.
    fn argv(&self) -> Option<Vec<String>> {
        let bytes = std::fs::read(self.path("argv")).ok()?;
        let text = String::from_utf8(bytes).unwrap();
        let mut v: Vec<String> = text.split('\0').map(str::to_string).collect();
        assert_eq!(v.pop().as_deref(), Some(""), "NUL-terminated: {text:?}");
        Some(v)
    }
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn hostile_paths_and_args_reach_cdocheck_exactly_as_written() {
    let s = Sandbox::new();
    let paths =
        "plans/drafts/*\n  my plans/x y.toml  \n\n::error::forged\n$(touch pwned)\n-dash.toml\r\n";
    let args = concat!(
        "--exclude plans/drafts/* --fail-on \"warn ing\" 'a b' c\\ d ",
        "\"$(touch pwned2)\" `touch pwned3` ~ $HOME \\\n e \"q\\\"q\" '::warning::x' ''"
    );
    let o = s.run(
        "check",
        &[
            ("CDOCHECK_INPUT_PATHS", paths),
            ("CDOCHECK_INPUT_ARGS", args),
            ("CDOCHECK_INPUT_SARIF", "true"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let argv = s.argv().expect("cdocheck ran");
    let want = [
        "check",
        "--format",
        "github",
        "--output",
        "sarif=cdocheck.sarif",
        "--exclude",
        "plans/drafts/*",
        "--fail-on",
        "warn ing",
        "a b",
        "c d",
        "$(touch pwned2)",
        "`touch",
        "pwned3`",
        "~",
        "$HOME",
        "e",
        "q\"q",
        "::warning::x",
        "",
        "--",
        "plans/drafts/*",
        "my plans/x y.toml",
        "::error::forged",
        "$(touch pwned)",
        "-dash.toml",
    ];
    assert_eq!(argv, want);
    for f in ["pwned", "pwned2", "pwned3"] {
        assert!(!s.path("work").join(f).exists(), "{f}: something ran");
    }
    // The command is logged quoted: no argument starts a line of its own.
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.lines().all(|l| !l.starts_with("::")), "{out}");
}

#[test]
fn without_inputs_cdocheck_chooses_the_paths_and_sarif_is_off() {
    let s = Sandbox::new();
    let o = s.run("check", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(s.argv().unwrap(), ["check", "--format", "github"]);
    let summary = std::fs::read_to_string(s.path("argv.summary")).unwrap();
    assert_eq!(summary, s.path("summary.md").display().to_string());
}

#[test]
fn a_double_dash_in_args_is_not_repeated_and_the_job_summary_can_be_turned_off() {
    let s = Sandbox::new();
    let o = s.run(
        "check",
        &[
            ("CDOCHECK_INPUT_PATHS", "b.toml"),
            ("CDOCHECK_INPUT_ARGS", "-- a.toml"),
            ("CDOCHECK_INPUT_SARIF", "true"),
            ("CDOCHECK_INPUT_SARIF_FILE", "out dir/c.sarif"),
            ("CDOCHECK_INPUT_JOB_SUMMARY", "false"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        s.argv().unwrap(),
        [
            "check",
            "--format",
            "github",
            "--output",
            "sarif=out dir/c.sarif",
            "--",
            "a.toml",
            "b.toml"
        ]
    );
    let summary = std::fs::read_to_string(s.path("argv.summary")).unwrap();
    assert_eq!(summary, "<unset>");
}

#[test]
fn cdocheck_s_exit_code_is_the_step_s() {
    let s = Sandbox::new();
    let o = s.run("check", &[("FAKE_EXIT", "1")]);
    assert_eq!(o.status.code(), Some(1));
    let o = s.run("check", &[("FAKE_EXIT", "2")]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_inputs_stop_before_cdocheck_runs() {
    for (key, value, says) in [
        (
            "CDOCHECK_INPUT_ARGS",
            "--exclude \"drafts",
            "unmatched \" quote",
        ),
        ("CDOCHECK_INPUT_ARGS", "it's", "unmatched ' quote"),
        (
            "CDOCHECK_INPUT_SARIF",
            "yes",
            "'sarif' must be true or false",
        ),
        ("CDOCHECK_INPUT_JOB_SUMMARY", "no", "'job-summary' must be"),
    ] {
        let s = Sandbox::new();
        let o = s.run("check", &[(key, value)]);
        assert_eq!(o.status.code(), Some(2), "{key}={value}");
        assert!(s.argv().is_none(), "{key}={value}: cdocheck ran");
        let e = err(&o);
        assert!(e.starts_with("::error title=cdocheck action::"), "{e}");
        assert!(e.contains(says), "{e}");
    }
}

fn outputs(s: &Sandbox) -> Vec<(String, String)> {
    std::fs::read_to_string(s.path("output"))
        .unwrap()
        .lines()
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn get<'a>(o: &'a [(String, String)], k: &str) -> Option<&'a str> {
    o.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str())
}

/// `install` as action.yml runs it, on a Linux x64 runner.
fn install(s: &Sandbox, ref_: &str) -> Output {
    let action = root().display().to_string();
    let output = s.path("output").display().to_string();
    let gpath = s.path("ghpath").display().to_string();
    let temp = s.path("runner-temp").display().to_string();
    s.run(
        "install",
        &[
            ("CDOCHECK_ACTION_PATH", &action),
            ("CDOCHECK_ACTION_REF", ref_),
            ("CDOCHECK_ACTION_REPOSITORY", "someone/cdocheck"),
            ("GITHUB_OUTPUT", &output),
            ("GITHUB_PATH", &gpath),
            ("RUNNER_OS", "Linux"),
            ("RUNNER_ARCH", "X64"),
            ("RUNNER_TEMP", &temp),
        ],
    )
}

#[test]
fn a_branch_or_commit_is_built_and_cached_without_asking_for_a_release() {
    let s = Sandbox::new();
    let o = install(&s, "main");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let out = outputs(&s);
    assert_eq!(get(&out, "found"), Some("false"));
    let key = get(&out, "cache-key").unwrap();
    assert!(key.starts_with("cdocheck-Linux-X64-main-"), "{key}");
    assert_eq!(key.len(), "cdocheck-Linux-X64-main-".len() + 64, "{key}");
    let root = s.path("runner-temp/cdocheck-action");
    assert_eq!(get(&out, "root"), Some(root.to_str().unwrap()));
    let gpath = std::fs::read_to_string(s.path("ghpath")).unwrap();
    assert_eq!(gpath, format!("{}\n", root.join("bin").display()));
    assert!(!s.path("releases/asked").exists(), "no download tried");
    // The key is the same for the same source.
    std::fs::remove_file(s.path("output")).unwrap();
    install(&s, "main");
    assert_eq!(get(&outputs(&s), "cache-key"), Some(key));
}

fn release(s: &Sandbox, tag: &str, good_sum: bool) {
    let staging = s.path("staging");
    std::fs::create_dir_all(&staging).unwrap();
    executable(&staging.join("cdocheck"), "#!/bin/sh\necho released\n");
    let name = format!("cdocheck-{tag}-x86_64-unknown-linux-musl.tar.gz");
    let tarball = s.path("releases").join(&name);
    let ok = Command::new("tar")
        .arg("-czf")
        .arg(&tarball)
        .arg("-C")
        .arg(&staging)
        .arg("cdocheck")
        .status()
        .unwrap();
    assert!(ok.success());
    let sum = Command::new("sha256sum").arg(&tarball).output().unwrap();
    let mut sum = String::from_utf8(sum.stdout).unwrap();
    if !good_sum {
        sum = format!("{}{}", "0".repeat(64), &sum[64..]);
    }
    std::fs::write(s.path("releases").join(format!("{name}.sha256")), sum).unwrap();
}

#[test]
fn a_version_tag_with_a_release_asset_is_downloaded_and_checked() {
    let s = Sandbox::new();
    release(&s, "v9.8.7", true);
    let o = install(&s, "v9.8.7");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(get(&outputs(&s), "found"), Some("true"));
    let asked = std::fs::read_to_string(s.path("releases/asked")).unwrap();
    assert_eq!(
        asked.lines().next(),
        Some(
            "https://github.com/someone/cdocheck/releases/download/v9.8.7/\
             cdocheck-v9.8.7-x86_64-unknown-linux-musl.tar.gz"
        )
    );
    let bin = s.path("runner-temp/cdocheck-action/bin/cdocheck");
    let ran = Command::new(&bin).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&ran.stdout), "released\n");
}

#[test]
fn a_release_asset_that_fails_its_checksum_or_is_missing_is_built_instead() {
    let s = Sandbox::new();
    release(&s, "v9.8.7", false);
    let o = install(&s, "v9.8.7");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("::warning"));
    assert_eq!(get(&outputs(&s), "found"), Some("false"));
    assert!(!s.path("runner-temp/cdocheck-action/bin/cdocheck").exists());
    let s = Sandbox::new();
    let o = install(&s, "v1.0.0");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(get(&outputs(&s), "found"), Some("false"));
    assert!(s.path("releases/asked").exists(), "a download was tried");
}

#[test]
fn action_yml_passes_inputs_through_the_environment_only() {
    let yml = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let mut runs = 0;
    for line in yml.lines() {
        if let Some(run) = line.trim_start().strip_prefix("run:") {
            runs += 1;
            assert!(
                !run.contains("${{"),
                "an expression pasted into a script: {line}"
            );
            assert!(run.contains("scripts/action.sh"), "{line}");
        }
    }
    assert_eq!(runs, 3);
    assert!(yml.contains("CDOCHECK_INPUT_ARGS: ${{ inputs.args }}"));
    assert!(yml.contains("  sarif:\n"), "sarif is an input");
    assert!(
        !yml.contains("upload-sarif:\n"),
        "the old always-on input is gone"
    );
}

#[test]
fn the_script_passes_shellcheck_when_it_is_installed() {
    let Ok(o) = Command::new("shellcheck")
        .arg(root().join("scripts/action.sh"))
        .output()
    else {
        // CI installs it (.ci/run), so there a missing shellcheck fails.
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "shellcheck is not installed, and CI=true: .ci/run installs it"
        );
        eprintln!("shellcheck is not installed; skipped (apt-get install shellcheck)");
        return;
    };
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}
