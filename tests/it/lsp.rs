//! `cdocheck lsp`: the binary spoken to over JSON-RPC on its standard input
//! and output, as an editor does. Every read has a timeout, so a server that
//! hangs fails its test instead of hanging the suite.

use std::io::{BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::common::{jiangmen, json, ID_PACK};

const WAIT: Duration = Duration::from_secs(20);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: mpsc::Receiver<Value>,
    /// Notifications read while waiting for something else.
    pending: Vec<Value>,
    next: i64,
}

impl Client {
    pub fn start(cwd: &Path, args: &[&str]) -> Client {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("cdocheck"))
            .arg("lsp")
            .args(args)
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        // Frames read by the protocol crate the server itself uses: a
        // malformed frame ends the reader, and the test fails on its wait.
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Ok(Some(m)) = lsp_server::Message::read(&mut r) {
                let v = serde_json::to_value(m).expect("a message as JSON");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            pending: Vec::new(),
            next: 1,
        }
    }

    fn send(&mut self, v: &Value) {
        let body = serde_json::to_vec(v).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn recv(&mut self) -> Value {
        self.rx
            .recv_timeout(WAIT)
            .expect("the server answered within the timeout")
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (the whole message).
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let v = self.recv();
            if v["id"] == json!(id) && v.get("method").is_none() {
                return v;
            }
            self.pending.push(v);
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let v = self.call(method, params);
        assert!(v.get("error").is_none(), "{method} failed: {v}");
        v["result"].clone()
    }

    pub fn initialize(&mut self, capabilities: Value) -> Value {
        let r = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
        );
        self.notify("initialized", json!({}));
        r
    }

    /// The next diagnostics published for `uri`.
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let is_ours = |v: &Value| {
            v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri
        };
        if let Some(i) = self.pending.iter().position(is_ours) {
            let v = self.pending.remove(i);
            return v["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let v = self.recv();
            if is_ours(&v) {
                return v["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.pending.push(v);
        }
    }

    pub fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "toml", "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }

    /// Shuts down and exits; the exit code.
    pub fn stop(mut self) -> i32 {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        for _ in 0..200 {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.code().unwrap_or(-1);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("the server did not exit within 10 s of `exit`");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `file:` URI for a path.
pub fn file_uri(p: &Path) -> String {
    let mut s = String::from("file://");
    for b in p.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// A Chinese Jiangmen plan with findings after CJK text and an emoji: a
/// misspelt key (PF002), a post below deputy (GD005, waivable, unit
/// jm-psb) and a placeholder after an emoji in an array (CORE008).
pub fn chinese_plan() -> String {
    jiangmen()
        .replacen(
            "basis = [\"粤办函〔2021〕63号\"]",
            "basis = [\"粤办函〔2021〕63号\", \"😀办\", \"<待定文号>\"]",
            1,
        )
        .replacen(
            "position = \"Deputy Director in charge of digital government\"\nrank = \"deputy\"",
            "position = \"公安局科长😀\"\nrank = \"other\"",
            1,
        )
        .replacen(
            "name_zh = \"江门市公安局\"",
            "name_zh = \"江门市公安局\"\n\"备注\" = \"说明\"",
            1,
        )
}

/// `(code, line, character)` of `check --format json`'s diagnostics,
/// 0-based, the column converted from characters to UTF-16 units (or bytes).
pub fn expected(dir: &Path, name: &str, text: &str, utf8: bool) -> Vec<(String, u64, u64)> {
    let (v, _) = json(&[dir.join(name).to_str().unwrap()]);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<_> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let line = d["line"].as_u64().unwrap() - 1;
            let col = d["column"].as_u64().unwrap() as usize - 1;
            let before = lines[line as usize].chars().take(col);
            let units: usize = if utf8 {
                before.map(char::len_utf8).sum()
            } else {
                before.map(char::len_utf16).sum()
            };
            (d["code"].as_str().unwrap().to_string(), line, units as u64)
        })
        .collect();
    out.sort();
    out
}

pub fn got(diags: &[Value]) -> Vec<(String, u64, u64)> {
    let mut out: Vec<_> = diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn setup(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("江门.toml"), text).unwrap();
    let uri = file_uri(&dir.path().join("江门.toml"));
    (dir, uri)
}

/// The offset of `needle` as an LSP position (UTF-16), plus `by` units.
fn pos(text: &str, needle: &str, by: usize) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} in the plan"));
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let ch: usize = text[start..at].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": ch + by})
}

#[test]
fn diagnostics_equal_check_json_in_utf16() {
    let text = chinese_plan();
    let (dir, uri) = setup(&text);
    let want = expected(dir.path(), "江门.toml", &text, false);
    let codes: Vec<&str> = want.iter().map(|w| w.0.as_str()).collect();
    assert!(
        codes.contains(&"PF002") && codes.contains(&"GD005") && codes.contains(&"CORE008"),
        "{want:?}"
    );
    let mut c = Client::start(dir.path(), &[]);
    let init = c.initialize(json!({}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    let diags = c.open(&uri, &text);
    assert_eq!(got(&diags), want);
    // The emoji counts two UTF-16 units: CORE008's column says so.
    let core008 = diags.iter().find(|d| d["code"] == "CORE008").unwrap();
    assert_eq!(core008["range"]["start"], pos(&text, "\"<待定文号>\"", 0));
    let gd005 = diags.iter().find(|d| d["code"] == "GD005").unwrap();
    assert_eq!(gd005["source"], "cdocheck");
    assert_eq!(gd005["severity"], 1);
    assert!(gd005["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("docs/rules.md#gd005"));
    assert_eq!(c.stop(), 0);
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let text = chinese_plan();
    let (dir, uri) = setup(&text);
    let want = expected(dir.path(), "江门.toml", &text, true);
    let mut c = Client::start(dir.path(), &[]);
    let init = c.initialize(json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(got(&c.open(&uri, &text)), want);
}

#[test]
fn a_change_is_checked_again_and_close_clears() {
    let text = jiangmen();
    let (dir, uri) = setup(&text);
    let mut c = Client::start(dir.path(), &["--lang", "zh-CN"]);
    c.initialize(json!({}));
    assert_eq!(got(&c.open(&uri, &text)), vec![]);
    let broken = text.replacen("rank = \"deputy\"", "rank = \"Deputy\"", 1);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": broken}]}),
    );
    let diags = c.diagnostics(&uri);
    assert_eq!(
        got(&diags),
        vec![(
            "PF005".to_string(),
            pos(&broken, "\"Deputy\"", 0)["line"].as_u64().unwrap(),
            7
        )]
    );
    // In the server's language.
    let message = diags[0]["message"].as_str().unwrap();
    assert!(
        message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{message}"
    );
    // Hover speaks it too.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(&broken, "position =", 1)}),
    );
    let hover = hover["contents"]["value"].as_str().unwrap().to_string();
    assert!(hover.contains("必填") && hover.contains("职务"), "{hover}");
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());
}

#[test]
fn hover_on_a_key_a_finding_and_a_unit() {
    let text = chinese_plan() + "\n[[waiver]]\nrule = \"GD001\"\nunit = \"jm-psb\"\nreason = \"x\"\napproved_by = \"y\"\n";
    let (dir, uri) = setup(&text);
    let mut c = Client::start(dir.path(), &[]);
    c.initialize(json!({}));
    c.open(&uri, &text);
    let hover = |c: &mut Client, at: Value| {
        let r = c.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": at}),
        );
        r["contents"]["value"].as_str().unwrap_or("").to_string()
    };
    // A key: its type, whether required, allowed values with their meaning.
    let key = hover(&mut c, pos(&text, "oversees_digital_government", 2));
    assert!(
        key.contains("unit.cdo.oversees_digital_government"),
        "{key}"
    );
    assert!(key.contains("boolean") && key.contains("required"), "{key}");
    let rank = hover(&mut c, pos(&text, "rank = \"deputy\"", 1));
    assert!(rank.contains("`chief`: 正职"), "{rank}");
    // A finding: its message and the rule as `explain` gives it.
    let finding = hover(&mut c, pos(&text, "rank = \"other\"", 9));
    assert!(finding.contains("**GD005**"), "{finding}");
    let explain = crate::common::stdout(&crate::common::run(&["explain", "GD005"]));
    assert!(
        finding.contains(explain.lines().next().unwrap()),
        "{finding}"
    );
    // A unit id in a waiver: the unit and its post.
    let unit = hover(&mut c, pos(&text, "unit = \"jm-psb\"", 10));
    assert!(
        unit.contains("Jiangmen Municipal Public Security Bureau"),
        "{unit}"
    );
    assert!(unit.contains("公安局科长😀"), "{unit}");
}

fn labels(items: &Value) -> Vec<String> {
    let items = items.as_array().cloned().unwrap_or_default();
    items
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn completion_offers_keys_values_rules_and_units() {
    let good = jiangmen() + "\n[[waiver]]\nrule = \"\"\nunit = \"\"\n";
    let (dir, uri) = setup(&good);
    let mut c = Client::start(dir.path(), &[]);
    c.initialize(json!({}));
    c.open(&uri, &good);
    // Then a buffer being typed: it does not parse; the packs of the last
    // check that selected some still apply.
    let text = good.replacen(
        "oversees_digital_government = true\n",
        "oversees_digital_government = true\nappoin\n",
        1,
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}),
    );
    let complete = |c: &mut Client, at: Value| {
        c.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": at}),
        )
    };
    // Keys of [unit.cdo] not written yet.
    let keys = labels(&complete(&mut c, pos(&text, "appoin\n", 6)));
    assert!(keys.contains(&"appointed_by".to_string()), "{keys:?}");
    assert!(!keys.contains(&"rank".to_string()), "{keys:?}");
    assert!(!keys.contains(&"name".to_string()), "{keys:?}");
    // Enum values with their Chinese meaning.
    let ranks = complete(&mut c, pos(&text, "rank = \"deputy\"", 8));
    assert_eq!(labels(&ranks), ["chief", "deputy", "other"]);
    assert_eq!(ranks[0]["detail"], "正职");
    // Waivable rules of the packs that apply; unit ids of the plan.
    let rules = labels(&complete(&mut c, pos(&text, "rule = \"\"", 8)));
    assert!(rules.contains(&"GD005".to_string()), "{rules:?}");
    assert!(
        !rules.contains(&"GD004".to_string()),
        "not waivable: {rules:?}"
    );
    assert!(
        !rules.iter().any(|r| r.starts_with("SZ")),
        "not applied: {rules:?}"
    );
    let units = labels(&complete(&mut c, pos(&text, "unit = \"\"", 8)));
    assert!(units.contains(&"jm-psb".to_string()), "{units:?}");
    // Headers: `[[unit]]` again, not `[plan]` twice.
    let at_end = json!({"line": text.matches('\n').count(), "character": 0});
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": format!("{text}[")}]}),
    );
    let heads = labels(&complete(
        &mut c,
        json!({"line": at_end["line"], "character": 1}),
    ));
    assert!(heads.contains(&"[[unit]]".to_string()), "{heads:?}");
    assert!(!heads.contains(&"[plan]".to_string()), "{heads:?}");
}

#[test]
fn a_waivable_finding_offers_a_waiver_skeleton() {
    let text = chinese_plan();
    let (dir, uri) = setup(&text);
    let mut c = Client::start(dir.path(), &[]);
    c.initialize(json!({}));
    c.open(&uri, &text);
    let at = pos(&text, "rank = \"other\"", 8);
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": at, "end": at},
               "context": {"diagnostics": []}}),
    );
    let actions = actions.as_array().unwrap();
    let waiver = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("GD005"))
        .unwrap_or_else(|| panic!("{actions:?}"));
    assert_eq!(waiver["kind"], "quickfix");
    let edits = &waiver["edit"]["changes"][&uri];
    let edit = &edits[0];
    let end = text.split('\n').count() - 1;
    assert_eq!(edit["range"]["start"]["line"], end);
    let new = edit["newText"].as_str().unwrap();
    assert!(
        new.contains("[[waiver]]\nrule = \"GD005\"\nunit = \"jm-psb\"\n"),
        "{new}"
    );
    // Applied, the plan holds the waiver: unfilled, it is CORE008 and
    // excuses nothing, and it adds no format error.
    let applied = format!("{text}{new}");
    std::fs::write(dir.path().join("江门.toml"), &applied).unwrap();
    let (v, _) = json(&[dir.path().join("江门.toml").to_str().unwrap()]);
    let codes: Vec<&str> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes.iter().any(|c| c.starts_with("PF") && *c != "PF002"),
        "{codes:?}"
    );
    assert!(codes.contains(&"GD005"), "{codes:?}");
}

#[test]
fn a_loader_fix_is_a_quick_fix() {
    // A misspelt key with one close match: its fix renames it.
    let text = jiangmen().replacen("rank = \"deputy\"", "rnak = \"deputy\"", 1);
    let (uri, fix) = quick_fix(&text, "rnak", "rank");
    assert_eq!(fix["isPreferred"], true);
    let edit = &fix["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "rank");
    assert_eq!(edit["range"]["start"], pos(&text, "rnak", 0));
    assert_eq!(edit["range"]["end"], pos(&text, "rnak", 4));
}

/// The quick fix whose title contains `word`, among the actions at
/// `needle`, with the document's URI.
fn quick_fix(text: &str, needle: &str, word: &str) -> (String, Value) {
    let (dir, uri) = setup(text);
    let mut c = Client::start(dir.path(), &[]);
    c.initialize(json!({}));
    c.open(&uri, text);
    let at = pos(text, needle, 1);
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": at, "end": at},
               "context": {"diagnostics": []}}),
    );
    let found = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains(word))
        .unwrap_or_else(|| panic!("no `{word}` action at {needle}: {actions:?}"))
        .clone();
    (uri, found)
}

#[test]
fn quick_fixes_for_a_chinese_date_an_enum_case_and_a_missing_key() {
    // A Chinese date becomes a TOML date: the quotes go with it.
    let text = jiangmen().replacen("published = 2021-08-25", "published = \"2021年8月25日\"", 1);
    let (uri, fix) = quick_fix(&text, "\"2021年8月25日\"", "2021-08-25");
    assert_eq!(fix["isPreferred"], true);
    let edit = &fix["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "2021-08-25");
    assert_eq!(edit["range"]["start"], pos(&text, "\"2021年8月25日\"", 0));

    // An enum value in the wrong case.
    let text = jiangmen().replacen("rank = \"deputy\"", "rank = \"Deputy\"", 1);
    let (uri, fix) = quick_fix(&text, "\"Deputy\"", "deputy");
    let edit = &fix["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "\"deputy\"");

    // A missing required key gets a placeholder, offered but not preferred
    // (the planner must supply the value).
    let text = jiangmen().replacen("rank = \"deputy\"\n", "", 1);
    let (uri, fix) = quick_fix(&text, "[unit.cdo]", "rank");
    assert_ne!(fix["isPreferred"], true);
    let edit = &fix["edit"]["changes"][&uri][0];
    assert!(
        edit["newText"].as_str().unwrap().contains("rank = \"<"),
        "{edit}"
    );
}

#[test]
fn a_document_over_the_plan_cap_is_pf001() {
    let text = format!("{}\n# {}\n", jiangmen(), "x".repeat(4 * 1024 * 1024));
    let dir = tempfile::tempdir().unwrap();
    let uri = file_uri(&dir.path().join("big.toml"));
    let mut c = Client::start(dir.path(), &[]);
    c.initialize(json!({}));
    let diags = c.open(&uri, &text);
    assert_eq!(got(&diags), vec![("PF001".to_string(), 0, 0)]);
    assert!(diags[0]["message"].as_str().unwrap().contains("4194304"));
}

#[test]
fn the_configuration_next_to_the_plan_is_honoured() {
    // Its language and the packs it requires, as `check` run there.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let cfg = "[check]\nlang = \"zh-CN\"\nrequire_packs = [\"shenzhen-2021\"]\n";
    std::fs::write(dir.path().join("cdocheck.toml"), cfg).unwrap();
    std::fs::create_dir(dir.path().join("plans")).unwrap();
    let text = jiangmen().replacen("rank = \"deputy\"", "rank = \"Deputy\"", 1);
    let uri = file_uri(&dir.path().join("plans/p.toml"));
    // Started elsewhere: the document's folder decides.
    let mut c = Client::start(Path::new(env!("CARGO_MANIFEST_DIR")), &[]);
    c.initialize(json!({}));
    let diags = c.open(&uri, &text);
    let pf005 = diags.iter().find(|d| d["code"] == "PF005").unwrap();
    let m = pf005["message"].as_str().unwrap();
    assert!(
        m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{m}"
    );
    assert!(
        diags
            .iter()
            .any(|d| d["code"].as_str().unwrap().starts_with("SZ")),
        "{diags:?}"
    );
}

#[test]
fn a_malformed_request_is_answered_and_the_server_lives_on() {
    let text = jiangmen();
    let (dir, uri) = setup(&text);
    let mut c = Client::start(dir.path(), &[]);
    c.initialize(json!({}));
    c.open(&uri, &text);
    let bad = c.call("textDocument/hover", json!({"textDocument": 7}));
    assert!(bad.get("error").is_some(), "{bad}");
    let unknown = c.call("workspace/nothing", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    // Hover on a document never opened: nothing, not an error.
    let none = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere.toml"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(none, Value::Null);
    assert_eq!(c.stop(), 0);
}

#[test]
fn other_toml_files_get_no_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start(dir.path(), &[]);
    c.initialize(json!({}));
    let cargo = "[package]\nname = \"x\"\nversion = \"0.1.0\"\n";
    let uri = file_uri(&dir.path().join("Cargo.toml"));
    assert_eq!(c.open(&uri, cargo), Vec::<Value>::new());
    let cfg = "[check]\nlang = \"zh-CN\"\n";
    let uri = file_uri(&dir.path().join("cdocheck.toml"));
    assert_eq!(c.open(&uri, cfg), Vec::<Value>::new());
    // A plan with a misspelt table is still a plan.
    let uri = file_uri(&dir.path().join("p.toml"));
    let plan = jiangmen().replacen("[governance]", "[governanse]", 1);
    assert!(got(&c.open(&uri, &plan)).iter().any(|d| d.0 == "PF002"));
}

#[test]
fn rules_packs_are_honoured_and_have_no_doc_link() {
    let dir = tempfile::tempdir().unwrap();
    let pack = ID_PACK;
    std::fs::write(dir.path().join("ids.toml"), pack).unwrap();
    let text = jiangmen()
        .replacen("id = \"jm-psb\"", "id = \"psb\"", 1)
        .replacen(
            "level = \"prefecture\"\n",
            "level = \"prefecture\"\nrule_packs = [\"core\", \"guangdong-2021\", \"ids\"]\n",
            1,
        );
    let uri = file_uri(&dir.path().join("p.toml"));
    let rules = dir.path().join("ids.toml");
    let mut c = Client::start(dir.path(), &["--rules", rules.to_str().unwrap()]);
    c.initialize(json!({}));
    let diags = c.open(&uri, &text);
    let id001 = diags
        .iter()
        .find(|d| d["code"] == "ID001")
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(id001["severity"], 2);
    assert!(id001.get("codeDescription").is_none(), "{id001}");
}

#[test]
fn a_burst_of_changes_ends_with_the_last_text_and_exit_without_shutdown_is_1() {
    let text = jiangmen();
    let (dir, uri) = setup(&text);
    let mut c = Client::start(dir.path(), &[]);
    c.initialize(json!({}));
    c.open(&uri, &text);
    // Sent back to back: checked together (within the debounce window)
    // or not, the last diagnostics are the last text's.
    for v in 2..=6 {
        let t = if v == 6 {
            text.replacen("rank = \"deputy\"", "rank = \"Deputy\"", 1)
        } else {
            format!("{text}# {v}\n")
        };
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": t}]}),
        );
    }
    let mut versions = Vec::new();
    loop {
        let v = c.recv();
        if v["method"] == "textDocument/publishDiagnostics" {
            versions.push(v["params"]["version"].as_i64().unwrap());
            if versions.last() == Some(&6) {
                assert_eq!(
                    got(v["params"]["diagnostics"].as_array().unwrap())[0].0,
                    "PF005"
                );
                break;
            }
        }
    }
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    c.notify("exit", Value::Null);
    for _ in 0..200 {
        if let Some(s) = c.child.try_wait().unwrap() {
            assert_eq!(s.code(), Some(1));
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("no exit");
}

#[test]
fn a_request_in_the_debounce_window_does_not_swallow_the_diagnostics() {
    let text = jiangmen();
    let (dir, uri) = setup(&text);
    let mut c = Client::start(dir.path(), &[]);
    c.initialize(json!({}));
    c.open(&uri, &text);
    let broken = text.replacen("rank = \"deputy\"", "rank = \"Deputy\"", 1);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": broken}]}),
    );
    // Checked early for the hover; published all the same.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(&broken, "\"Deputy\"", 2)}),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("PF005"));
    assert_eq!(got(&c.diagnostics(&uri))[0].0, "PF005");
}

#[test]
fn other_labels_are_related_information() {
    // A unit id given twice: the finding at the second, labelling the first.
    let text = jiangmen().replacen("id = \"jianghai\"", "id = \"pengjiang\"", 1);
    let (dir, uri) = setup(&text);
    let mut c = Client::start(dir.path(), &[]);
    c.initialize(json!({}));
    let diags = c.open(&uri, &text);
    let dup = diags
        .iter()
        .find(|d| d["relatedInformation"].is_array())
        .unwrap_or_else(|| panic!("{diags:?}"));
    let related = &dup["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri);
    assert_eq!(
        related["location"]["range"]["start"],
        pos(&text, "\"pengjiang\"", 0)
    );
    assert!(!related["message"].as_str().unwrap().is_empty());
}

#[test]
fn a_configuration_with_errors_is_logged_and_ignored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join("cdocheck.toml"),
        "[check]\nlnag = \"zh-CN\"\n",
    )
    .unwrap();
    let text = jiangmen().replacen("rank = \"deputy\"", "rank = \"Deputy\"", 1);
    let uri = file_uri(&dir.path().join("p.toml"));
    let mut c = Client::start(dir.path(), &[]);
    c.initialize(json!({}));
    let diags = c.open(&uri, &text);
    assert_eq!(got(&diags)[0].0, "PF005");
    let log = c
        .pending
        .iter()
        .find(|v| v["method"] == "window/logMessage")
        .unwrap_or_else(|| panic!("{:?}", c.pending));
    assert!(
        log["params"]["message"]
            .as_str()
            .unwrap()
            .contains("cdocheck.toml"),
        "{log}"
    );
}

#[test]
fn completion_inside_an_array_spanning_lines_offers_duty_ids() {
    let text = jiangmen().replacen(
        "duties = [\"digital-government\", ",
        "duties = [\n  \"digital-government\",\n  \"\",\n  ",
        1,
    );
    let (dir, uri) = setup(&text);
    let mut c = Client::start(dir.path(), &[]);
    c.initialize(json!({}));
    c.open(&uri, &text);
    let items = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": pos(&text, "\"\",\n", 1)}),
    );
    let planning = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "planning")
        .unwrap_or_else(|| panic!("{items}"));
    assert_eq!(planning["detail"], "组织制订中长期发展规划及制度规范");
    // Inside the quotes: the id alone is inserted.
    assert_eq!(planning["textEdit"]["newText"], "planning");
}

#[test]
fn a_buffer_that_does_not_parse_gets_checks_pf001() {
    let text = jiangmen().replacen("rank = \"deputy\"", "rank = \"江门\ndeputy", 1);
    let (dir, uri) = setup(&text);
    let want = expected(dir.path(), "江门.toml", &text, false);
    assert_eq!(want[0].0, "PF001", "{want:?}");
    let mut c = Client::start(dir.path(), &[]);
    c.initialize(json!({}));
    assert_eq!(got(&c.open(&uri, &text)), want);
}
