//! Baselines that survive (issue 15, item 3): keyed by the path relative to
//! the baseline file's folder and by identity, merged when written, pruned
//! on request. Each test works in a temporary git repository.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::common::{cdocheck, stderr, stdout, write};

/// Maoming's draft (six findings, one a milestone's CORE007) with a waiver
/// that has expired (CORE006 at its `expires`).
fn maoming() -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/maoming-draft.toml"),
    )
    .unwrap();
    format!(
        "{text}\n[[waiver]]\nrule = \"GD005\"\nunit = \"mm-nr\"\nreason = \"r\"\n\
         approved_by = \"a\"\nexpires = 2025-01-01\n"
    )
}

/// A second plan with findings of its own.
fn other() -> String {
    maoming()
        .replace("Maoming", "Zhanjiang")
        .replace("茂名", "湛江")
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let git = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status();
    assert!(git.is_ok_and(|s| s.success()), "git init");
    write(dir.path(), "plans/maoming.toml", maoming().as_bytes());
    write(dir.path(), "plans/other.toml", other().as_bytes());
    dir
}

/// `cdocheck check ARGS… --today 2026-01-01` in `dir`.
fn check_in(dir: &Path, args: &[&str]) -> Output {
    let mut c = cdocheck();
    c.current_dir(dir)
        .args(["check", "--today", "2026-01-01"])
        .args(args);
    c.output().unwrap()
}

/// The JSON report of `check ARGS…` in `dir`, and the exit code.
fn json_in(dir: &Path, args: &[&str]) -> (Value, i32) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let o = check_in(dir, &all);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(&o), stderr(&o)));
    (v, o.status.code().unwrap())
}

/// Diagnostics neither waived nor baselined.
fn new_findings(v: &Value) -> Vec<String> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap())
        .filter(|d| d["waived"] == false && d["baselined"] == false)
        .map(|d| format!("{} {}", d["code"], d["path"]))
        .collect()
}

fn baseline_file(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("cdocheck-baseline.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn entries(v: &Value) -> Vec<Value> {
    v["findings"].as_array().unwrap().clone()
}

#[test]
fn a_baseline_written_at_the_root_holds_for_every_spelling_and_after_insertions() {
    let repo = repo();
    let d = repo.path();
    let o = check_in(d, &["plans", "--write-baseline", "cdocheck-baseline.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("wrote cdocheck-baseline.json: 15 entries for 2 files (0 kept"),
        "what was written is said: {}",
        stderr(&o)
    );
    let b = baseline_file(d);
    assert_eq!(b["version"], 2);
    let keys: Vec<String> = entries(&b)
        .iter()
        .filter_map(|e| e["key"].as_str().map(str::to_string))
        .collect();
    assert!(
        keys.iter().any(|k| k == "waiver[GD005,mm-nr].expires"),
        "{keys:?}"
    );
    assert!(
        keys.iter().any(|k| k.starts_with("milestone[2021-08-31,")),
        "{keys:?}"
    );
    // Sorted, one entry per line.
    let text = std::fs::read_to_string(d.join("cdocheck-baseline.json")).unwrap();
    assert_eq!(text.lines().count(), 15 + 5);
    let paths: Vec<String> = entries(&b)
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect();
    assert!(paths.windows(2).all(|w| w[0] <= w[1]), "{paths:?}");

    let abs = d.join("plans").to_str().unwrap().to_string();
    let abs_baseline = d.join("cdocheck-baseline.json");
    let abs_baseline = abs_baseline.to_str().unwrap();
    for spelling in ["plans", "./plans//", abs.as_str()] {
        let (v, code) = json_in(d, &[spelling, "--baseline", "cdocheck-baseline.json"]);
        assert_eq!(new_findings(&v), Vec::<String>::new(), "{spelling}");
        assert_eq!(code, 0, "{spelling}");
        assert_eq!(v["summary"]["baselined"], 15, "{spelling}");
    }
    // From a subdirectory.
    let (v, code) = json_in(
        &d.join("plans"),
        &["maoming.toml", "--baseline", "../cdocheck-baseline.json"],
    );
    assert_eq!((new_findings(&v), code), (vec![], 0));
    // Through a symlink, with an absolute baseline path.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.join("plans/maoming.toml"), d.join("link.toml")).unwrap();
        let (v, code) = json_in(d, &["link.toml", "--baseline", abs_baseline]);
        assert_eq!((new_findings(&v), code), (vec![], 0));
    }

    // A waiver inserted above the baselined one (it waives GD006), and a
    // milestone above the baselined milestone.
    let text = maoming()
        .replace(
            "[[milestone]]\ndue = 2021-08-31",
            "[[milestone]]\ndue = 2021-10-31\ndeliverable = \"Kick-off\"\n\n\
             [[milestone]]\ndue = 2021-08-31",
        )
        .replace(
            "\n[[waiver]]\n",
            "\n[[waiver]]\nrule = \"GD006\"\nunit = \"dianbai\"\nreason = \"r\"\n\
             approved_by = \"a\"\nexpires = 2030-01-01\n\n[[waiver]]\n",
        );
    write(d, "plans/maoming.toml", text.as_bytes());
    let (v, code) = json_in(d, &["plans", "--baseline", "cdocheck-baseline.json"]);
    assert_eq!(new_findings(&v), Vec::<String>::new());
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["waived"], 1);
    assert_eq!(v["stale_baseline"].as_array().unwrap().len(), 1, "GD006");
}

#[test]
fn writing_merges_with_the_files_not_checked_and_prunes_on_request() {
    let repo = repo();
    let d = repo.path();
    let b = "cdocheck-baseline.json";
    assert_eq!(
        check_in(d, &["plans", "--write-baseline", b]).status.code(),
        Some(0)
    );
    // GD009 fixed in one plan; the baseline rewritten from that plan only.
    let fixed = maoming().replace(
        "[cdo]\n# Includes",
        "contact_agency = \"Maoming Government Service Data Management Bureau\"\n\n[cdo]\n# Includes",
    );
    write(d, "plans/maoming.toml", fixed.as_bytes());
    let (v, _) = json_in(d, &["plans/maoming.toml"]);
    assert!(!new_findings(&v).iter().any(|f| f.contains("GD009")));
    let o = check_in(
        d,
        &["plans/maoming.toml", "--baseline", b, "--write-baseline", b],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("15 entries for 2 files (8 kept from files not checked); 1 entries"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("--prune-baseline"), "{}", stderr(&o));
    let all = entries(&baseline_file(d));
    assert_eq!(
        all.len(),
        15,
        "the stale entry is kept without --prune-baseline"
    );
    assert_eq!(
        all.iter()
            .filter(|e| e["path"] == "plans/other.toml")
            .count(),
        8,
        "the other plan's entries are kept"
    );
    // The whole scan still passes on the merged baseline.
    let (v, code) = json_in(d, &["plans", "--baseline", b]);
    assert_eq!((new_findings(&v), code), (vec![], 0));

    let o = check_in(
        d,
        &[
            "plans/maoming.toml",
            "--baseline",
            b,
            "--write-baseline",
            b,
            "--prune-baseline",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("were removed"), "{}", stderr(&o));
    let all = entries(&baseline_file(d));
    assert_eq!(all.len(), 14);
    assert!(!all
        .iter()
        .any(|e| e["code"] == "GD009" && e["path"] == "plans/maoming.toml"));
}

#[test]
fn a_version_1_baseline_is_read_with_a_warning_and_rewritten_as_version_2() {
    let repo = repo();
    let d = repo.path();
    let v1 = r#"{"version": 1, "findings": [
        {"path": "./plans/maoming.toml", "code": "GD005", "unit": "mm-nr", "key": "unit[mm-nr].cdo.rank"}]}"#;
    write(d, "old.json", v1.as_bytes());
    let o = check_in(
        d,
        &[
            "plans/maoming.toml",
            "--baseline",
            "old.json",
            "--format",
            "json",
        ],
    );
    assert!(stderr(&o).contains("version-1 baseline"), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["baselined"], 1);
    let o = check_in(
        d,
        &[
            "plans/maoming.toml",
            "--baseline",
            "old.json",
            "--write-baseline",
            "old.json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let b: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("old.json")).unwrap()).unwrap();
    assert_eq!(b["version"], 2);
}

#[test]
fn format_errors_in_list_elements_keep_their_identity() {
    let repo = repo();
    let d = repo.path();
    // Two waivers with a quoted date: two PF003 with different keys, and
    // inserting a third waiver above them changes neither.
    let waiver = |rule: &str| {
        format!(
            "\n[[waiver]]\nrule = \"{rule}\"\nunit = \"mm-nr\"\nreason = \"r\"\n\
             approved_by = \"a\"\nexpires = \"2030-01-01\"\n"
        )
    };
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/maoming-draft.toml"),
    )
    .unwrap();
    let two = format!("{base}{}{}", waiver("GD005"), waiver("GD006"));
    write(d, "plans/maoming.toml", two.as_bytes());
    std::fs::remove_file(d.join("plans/other.toml")).unwrap();
    let o = check_in(d, &["plans", "--write-baseline", "cdocheck-baseline.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let keys: Vec<String> = entries(&baseline_file(d))
        .iter()
        .filter(|e| e["code"] == "PF003")
        .map(|e| e["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        keys,
        ["waiver[GD005,mm-nr].expires", "waiver[GD006,mm-nr].expires"]
    );
    let three = format!(
        "{base}{}{}{}",
        waiver("GD004"),
        waiver("GD005"),
        waiver("GD006")
    );
    write(d, "plans/maoming.toml", three.as_bytes());
    let (v, code) = json_in(d, &["plans", "--baseline", "cdocheck-baseline.json"]);
    let new = new_findings(&v);
    assert_eq!(code, 1);
    assert_eq!(
        new.iter().filter(|f| f.contains("PF003")).count(),
        1,
        "only the inserted waiver's PF003 is new: {new:?}"
    );
}
