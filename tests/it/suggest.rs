//! Suggestions that are right (issue 11, part 3): did-you-mean for enum
//! values, waivers, `explain`, `--pack` and rule-pack field paths, and help
//! built from the user's own value.

use serde_json::Value;

use crate::common::{cdocheck, jiangmen, run, stderr, stdout, write};

/// The diagnostics of `plan` in a `check --format json`.
fn diagnostics(plan: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.toml", plan.as_bytes());
    let o = cdocheck()
        .current_dir(dir.path())
        .args([
            "check",
            "--today",
            "2026-01-01",
            "--format",
            "json",
            "p.toml",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["files"][0]["diagnostics"].as_array().unwrap().clone()
}

fn only(plan: &str, code: &str) -> Value {
    let d = diagnostics(plan);
    let mut of: Vec<&Value> = d.iter().filter(|d| d["code"] == code).collect();
    assert_eq!(of.len(), 1, "one {code}: {d:?}");
    of.remove(0).clone()
}

#[test]
fn enum_values_get_the_value_meant() {
    let base = jiangmen();
    for (from, to, meant, safe) in [
        ("rank = \"deputy\"", "rank = \"Deputy\"", "deputy", true),
        (
            "kind = \"government\"",
            "kind = \"goverment\"",
            "government",
            false,
        ),
        (
            "\"data-management\"",
            "\"data management\"",
            "data-management",
            true,
        ),
        (
            "\"data-management\"",
            "\"digital_government\"",
            "digital-government",
            true,
        ),
    ] {
        assert!(base.contains(from), "{from}");
        let d = only(&base.replacen(from, to, 1), "PF005");
        let help = d["help"].as_str().unwrap();
        assert!(
            help.starts_with(&format!("did you mean `{meant}`?")),
            "{to}: {help}"
        );
        assert_eq!(d["fix"]["safe"], safe, "{to}");
    }
}

#[test]
fn a_quoted_date_gets_the_users_own_date_back() {
    let plan = jiangmen().replacen("published = 2021-08-25", "published = \"2021年8月5日\"", 1);
    let d = only(&plan, "PF003");
    assert_eq!(d["help"], "write `published = 2021-08-05`, without quotes");
    assert_eq!(d["fix"]["edits"][0]["text"], "2021-08-05");
    // Full-width digits and zero-padded months read alike.
    let plan = jiangmen().replacen(
        "published = 2021-08-25",
        "published = \"２０２１年08月05日\"",
        1,
    );
    assert_eq!(
        only(&plan, "PF003")["fix"]["edits"][0]["text"],
        "2021-08-05"
    );
    // Not a date: the help does not pretend it is one.
    let plan = jiangmen().replacen("published = 2021-08-25", "published = \"August\"", 1);
    let d = only(&plan, "PF003");
    let help = d["help"].as_str().unwrap();
    assert!(help.contains("`August` does not read as a date"), "{help}");
    assert!(d.get("fix").is_none());
}

#[test]
fn missing_tables_are_shown_as_tables() {
    let plan = "format = 1\n";
    let d = diagnostics(plan);
    let help = |key: &str| {
        d.iter()
            .find(|d| d["code"] == "PF004" && d["key"] == key)
            .unwrap_or_else(|| panic!("no PF004 for {key}: {d:?}"))["help"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(help("plan"), "add a `[plan]` table");
    assert!(
        help("unit").starts_with("add a `[[unit]]` table"),
        "{}",
        help("unit")
    );
}

#[test]
fn an_array_of_cdo_tables_is_told_to_be_one_table() {
    let plan = jiangmen().replacen("[unit.cdo]", "[[unit.cdo]]", 1);
    let d = only(&plan, "PF003");
    assert_eq!(
        d["help"],
        "`unit.cdo` is a single table: write one `[unit.cdo]`, not `[[unit.cdo]]`"
    );
}

#[test]
fn a_misspelt_required_key_is_one_finding() {
    let plan = jiangmen().replacen("\nrank = \"deputy\"", "\nrnak = \"deputy\"", 1);
    let d = diagnostics(&plan);
    let codes: Vec<&str> = d.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["PF002"], "{d:?}");
    assert_eq!(d[0]["help"], "did you mean `rank`?");
    assert_eq!(d[0]["fix"]["safe"], true);
}

#[test]
fn a_waiver_naming_a_rule_or_unit_nearly_gets_the_one_meant() {
    let waiver = |rule: &str, unit: &str| {
        format!(
            "{}\n[[waiver]]\nrule = \"{rule}\"\nunit = \"{unit}\"\nreason = \"r\"\napproved_by = \"a\"\n",
            jiangmen()
        )
    };
    let d = only(&waiver("gd005", "jm-psb"), "CORE003");
    assert_eq!(d["help"], "did you mean `GD005`?");
    let d = only(&waiver("GD005", "jm-pbs"), "CORE003");
    assert_eq!(d["help"], "did you mean `jm-psb`?");
}

#[test]
fn explain_and_pack_suggest_the_closest_name() {
    let o = run(&["explain", "GD050"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `GD005`?"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "check",
        "--pack",
        "guangdong",
        "examples/jiangmen-2021.toml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `guangdong-2021`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_misspelt_field_path_in_a_rule_pack_gets_the_path_meant() {
    let dir = tempfile::tempdir().unwrap();
    let pack = std::fs::read_to_string("rules/guangdong-2021.toml")
        .unwrap()
        .replace("name = \"guangdong-2021\"", "name = \"mine\"")
        .replace("GD0", "MY0")
        .replace("unit.cdo.rank", "unit.cdo.rnak");
    write(dir.path(), "mine.toml", pack.as_bytes());
    let o = run(&[
        "check",
        "--rules",
        dir.path().to_str().unwrap(),
        "examples/jiangmen-2021.toml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(
            "`unit.cdo.rnak` is not a field of plan format v1; did you mean `unit.cdo.rank`?"
        ),
        "{err}"
    );
}

#[test]
fn long_enum_lists_wrap_between_items_never_inside_an_id() {
    let plan = jiangmen().replacen("\"data-management\"", "\"data-managment-and-more\"", 1);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.toml", plan.as_bytes());
    let o = cdocheck()
        .current_dir(dir.path())
        .args(["check", "--today", "2026-01-01", "p.toml"])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(out.contains("`decision-making`"), "{out}");
    for line in out.lines() {
        assert!(
            !line.trim_end().ends_with('-'),
            "split at a hyphen: {line:?}\n{out}"
        );
    }
}

#[test]
fn a_plans_pack_name_gets_the_pack_meant() {
    let plan = jiangmen().replacen("[plan]\n", "[plan]\nrule_packs = [\"guangdong\"]\n", 1);
    let d = only(&plan, "PF005");
    let help = d["help"].as_str().unwrap();
    assert!(help.starts_with("did you mean `guangdong-2021`?"), "{help}");
    assert_eq!(
        d["fix"]["safe"], false,
        "another pack is the planner's choice"
    );
}

#[test]
fn a_misspelt_table_name_gets_its_rename_offered_not_applied() {
    let plan = jiangmen().replacen("[unit.cdo]", "[unit.cod]", 1);
    let d = only(&plan, "PF002");
    assert_eq!(d["help"], "did you mean `cdo`?");
    assert_eq!(d["fix"]["safe"], false);
}
