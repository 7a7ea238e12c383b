//! Audit evidence (issue 10, §6): the top-level `run` object, each file's
//! `sha256`, and the same in SARIF.

use sha2::{Digest, Sha256};

use crate::common::{cdocheck, json, run, stdout, write};

const AUDIT: &str = "tests/fixtures/audit";

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_run_names_the_day_the_packs_and_the_options() {
    let (v, _) = json(&[AUDIT]);
    let run = &v["run"];
    assert_eq!(run["today"], "2026-01-01");
    let packs = run["packs"].as_array().unwrap();
    let names: Vec<&str> = packs.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "core",
            "guangdong-2021",
            "shenzhen-2021",
            "foshan-2021",
            "beijing-2023"
        ],
        "every shipped pack, applied or not"
    );
    for p in packs {
        let name = p["name"].as_str().unwrap();
        let bytes = std::fs::read(format!("rules/{name}.toml")).unwrap();
        assert_eq!(p["sha256"], sha(&bytes), "{name}: the embedded bytes");
        assert!(p["document"].is_string());
    }
    let o = &run["options"];
    assert_eq!(o["fail_on"], "error");
    assert_eq!(o["no_waivers"], false);
    assert!(o["packs"].is_null() && o["require_packs"].is_null() && o["baseline"].is_null());
    assert!(
        v.get("tool").is_some(),
        "the top-level tool stays where it is"
    );
}

#[test]
fn options_that_change_verdicts_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("b.json");
    let o = run(&[
        "check",
        "--write-baseline",
        base.to_str().unwrap(),
        "examples/jiangmen-2021.toml",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let (v, _) = json(&[
        "--fail-on",
        "warning",
        "--no-waivers",
        "--pack",
        "core",
        "--require-packs",
        "guangdong-2021",
        "--baseline",
        base.to_str().unwrap(),
        "examples/jiangmen-2021.toml",
    ]);
    let o = &v["run"]["options"];
    assert_eq!(o["fail_on"], "warning");
    assert_eq!(o["no_waivers"], true);
    assert_eq!(o["packs"], serde_json::json!(["core"]));
    assert_eq!(o["require_packs"], serde_json::json!(["guangdong-2021"]));
    assert_eq!(o["baseline"], base.to_str().unwrap());
}

#[test]
fn each_file_carries_the_sha256_of_the_bytes_read() {
    let dir = tempfile::tempdir().unwrap();
    // A byte-order mark is part of the bytes read, though not of the text.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(crate::common::jiangmen().as_bytes());
    write(dir.path(), "a.toml", &bom);
    write(dir.path(), "big.toml", &vec![b'#'; 200_000]);
    write(dir.path(), "bad.toml", b"format = 1\n[plan\n");
    let root = dir.path().to_str().unwrap();
    let (v, _) = json(&["--max-file-size", "100000", root]);
    let files = v["files"].as_array().unwrap();
    let get = |name: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .unwrap()
    };
    assert_eq!(get("a.toml")["sha256"], sha(&bom));
    assert_eq!(
        get("bad.toml")["sha256"],
        sha(b"format = 1\n[plan\n"),
        "read, though not parsed"
    );
    assert!(get("big.toml")["sha256"].is_null(), "too large: not read");
}

#[test]
fn standard_input_is_hashed_too() {
    let text = crate::common::jiangmen();
    let o = cdocheck()
        .args(["check", "--format", "json", "--today", "2026-01-01", "-"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"][0]["sha256"], sha(text.as_bytes()));
}

#[test]
fn a_rules_pack_is_hashed_as_read() {
    let dir = tempfile::tempdir().unwrap();
    let core = std::fs::read_to_string("rules/core.toml").unwrap();
    let pack = core
        .replacen("name = \"core\"", "name = \"local\"", 1)
        .replace("id = \"CORE", "id = \"LOC");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(pack.as_bytes());
    write(dir.path(), "local.toml", &bytes);
    let p = dir.path().join("local.toml");
    let (v, code) = json(&[
        "--rules",
        p.to_str().unwrap(),
        "examples/jiangmen-2021.toml",
    ]);
    assert!(code < 2, "{v}");
    let local = v["run"]["packs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "local")
        .unwrap_or_else(|| panic!("{}", v["run"]));
    assert_eq!(local["sha256"], sha(&bytes));
}

#[test]
fn json_output_is_reproducible_with_today() {
    let a = run(&["check", "--format", "json", "--today", "2026-01-01", AUDIT]);
    let b = run(&[
        "check",
        "--format",
        "json",
        "--today",
        "2026-01-01",
        "-j",
        "1",
        AUDIT,
    ]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn sarif_carries_the_evidence_in_run_properties() {
    let o = run(&["check", "--format", "sarif", "--today", "2026-01-01", AUDIT]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = &v["runs"][0];
    assert_eq!(r["properties"]["today"], "2026-01-01");
    assert_eq!(r["properties"]["packs"].as_array().unwrap().len(), 5);
    assert_eq!(r["properties"]["options"]["fail_on"], "error");
    let arts = r["artifacts"].as_array().unwrap();
    let jm = arts
        .iter()
        .find(|a| a["location"]["uri"] == "tests/fixtures/audit/jiangmen.toml")
        .unwrap();
    let bytes = std::fs::read("tests/fixtures/audit/jiangmen.toml").unwrap();
    assert_eq!(jm["hashes"]["sha-256"], sha(&bytes));
    assert!(stdout(&o).contains("\"sha-256\""));
}
