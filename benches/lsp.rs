//! Language-server latency (issue 11): the release server holds a 40-unit
//! Chinese plan open; each round sends a `didChange` (the whole text, as
//! editors with full sync do) and times until the `publishDiagnostics` of
//! that version arrives. The 20 ms debounce is included: it is what an
//! editor waits. Goal: within 50 ms.
//!
//! ```sh
//! cargo bench --bench lsp               # 200 rounds
//! cargo bench --bench lsp -- --quick    # 30 rounds
//! ```
//!
//! Printed: the median, p90 and maximum; exits 1 when the median is over
//! 50 ms (`CDOCHECK_LSP_MAX_MS` changes the bound).

use std::io::{BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The Jiangmen example up to its first unit, then `n` units, each with a
/// CDO post; a few below deputy rank, so there are findings to publish.
fn plan(n: usize) -> String {
    let t = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/jiangmen-2021.toml"
    ))
    .expect("the Jiangmen example");
    let mut t = t[..t.find("[[unit]]").expect("a unit")].to_string();
    for i in 0..n {
        let (level, kind) = if i < 8 {
            ("county", "government")
        } else {
            ("prefecture", "department")
        };
        let rank = if i % 10 == 9 { "other" } else { "deputy" };
        t.push_str(&format!(
            "[[unit]]\nid = \"u{i}\"\nname = \"Unit {i}\"\nname_zh = \"江门市第{i}局\"\n\
             level = \"{level}\"\nkind = \"{kind}\"\n\n[unit.cdo]\n\
             position = \"分管数字政府建设的副局长\"\nrank = \"{rank}\"\n\
             oversees_digital_government = true\n\n"
        ));
    }
    t
}

fn send(w: &mut impl Write, v: &Value) {
    let body = serde_json::to_vec(v).unwrap();
    write!(w, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
    w.write_all(&body).unwrap();
    w.flush().unwrap();
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 30 } else { 200 };
    let max_ms: f64 = std::env::var("CDOCHECK_LSP_MAX_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50.0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jiangmen.toml");
    let text = plan(40);
    std::fs::write(&path, &text).unwrap();
    let uri = format!("file://{}", path.display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_cdocheck"))
        .arg("lsp")
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the release binary");
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel::<Value>();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        while let Ok(Some(m)) = lsp_server::Message::read(&mut r) {
            if tx.send(serde_json::to_value(m).unwrap()).is_err() {
                return;
            }
        }
    });
    let wait = |rx: &mpsc::Receiver<Value>, pred: &dyn Fn(&Value) -> bool| loop {
        let v = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers");
        if pred(&v) {
            return v;
        }
    };
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"processId": null, "rootUri": null, "capabilities": {}}}),
    );
    wait(&rx, &|v| v["id"] == 1);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument":
            {"uri": uri, "languageId": "toml", "version": 1, "text": text}}}),
    );
    let first = wait(&rx, &|v| v["method"] == "textDocument/publishDiagnostics");
    let findings = first["params"]["diagnostics"]
        .as_array()
        .map_or(0, Vec::len);
    let mut times = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let version = round as i64 + 2;
        // A different text each time, as typing makes it.
        let changed = text.replacen("Unit 0", &format!("Unit 0 {round}"), 1);
        let start = Instant::now();
        send(
            &mut stdin,
            &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": changed}]}}),
        );
        wait(&rx, &|v| {
            v["method"] == "textDocument/publishDiagnostics" && v["params"]["version"] == version
        });
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
    );
    wait(&rx, &|v| v["id"] == 2);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    );
    let _ = child.wait();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let (median, p90, max) = (at(0.5), at(0.9), at(1.0));
    println!(
        "lsp: 40-unit plan ({} bytes, {findings} findings), {rounds} changes: \
         median {median:.1} ms, p90 {p90:.1} ms, max {max:.1} ms (debounce 20 ms included)",
        text.len()
    );
    if median > max_ms {
        eprintln!("lsp: median {median:.1} ms is over {max_ms} ms");
        std::process::exit(1);
    }
}
