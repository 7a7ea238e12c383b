//! A real editor's client: Neovim (0.7, Debian bookworm's) opens a plan
//! headless with `cdocheck lsp` attached, waits for the diagnostics, hovers
//! once, writes what it got as JSON and quits. Its diagnostics must be
//! `check --format json`'s: the same codes, lines and columns (Neovim keeps
//! columns in bytes, converted from the UTF-16 the server sends).

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::lsp::{chinese_plan, expected};

/// Only APIs Neovim 0.7 has: `vim.lsp.start_client`, `buf_attach_client`,
/// `vim.diagnostic.get`, `vim.fn.json_encode`, `vim.wait`,
/// `nvim_create_autocmd`.
const INIT: &str = r#"
local bin = os.getenv("CDOCHECK_BIN")
local out = os.getenv("CDOCHECK_OUT")
local hover_line = tonumber(os.getenv("CDOCHECK_HOVER_LINE"))
local hover_char = tonumber(os.getenv("CDOCHECK_HOVER_CHAR"))
-- The plan is loaded after this file runs: start once it is.
vim.api.nvim_create_autocmd("VimEnter", { callback = function()
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({ cmd = { bin, "lsp" }, root_dir = vim.fn.getcwd() })
vim.lsp.buf_attach_client(buf, id)
local got = vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
local diags = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(diags, { code = d.code, lnum = d.lnum, col = d.col, source = d.source })
end
local hover = nil
local client = vim.lsp.get_client_by_id(id)
client.request("textDocument/hover", {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = hover_line, character = hover_char },
}, function(err, result) hover = (result and result.contents and result.contents.value) or "" end, buf)
vim.wait(20000, function() return hover ~= nil end, 20)
local f = io.open(out, "w")
f:write(vim.fn.json_encode({ got = got, diagnostics = diags, hover = hover or "" }))
f:close()
client.stop()
vim.cmd("qa!")
end })
"#;

fn have_nvim() -> bool {
    let found = Command::new("nvim").arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "nvim is missing; CI must install Debian's `neovim`"
        );
        eprintln!("note: nvim not found; skipping the Neovim client test");
    }
    found
}

#[test]
fn neovim_shows_the_diagnostics_check_reports() {
    if !have_nvim() {
        return;
    }
    let text = chinese_plan();
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("江门.toml");
    std::fs::write(&plan, &text).unwrap();
    std::fs::write(dir.path().join("init.lua"), INIT).unwrap();
    let out = dir.path().join("out.json");
    // Hover on the GD005 finding (`rank = "other"`).
    let at = text.find("rank = \"other\"").unwrap();
    let line = text[..at].matches('\n').count();
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-u"])
        .arg(dir.path().join("init.lua"))
        .arg(&plan)
        .current_dir(dir.path())
        .env("CDOCHECK_BIN", assert_cmd::cargo::cargo_bin("cdocheck"))
        .env("CDOCHECK_OUT", &out)
        .env("CDOCHECK_HOVER_LINE", line.to_string())
        .env("CDOCHECK_HOVER_CHAR", "9")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .spawn()
        .unwrap();
    let mut status = None;
    for _ in 0..600 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
        panic!("nvim did not quit within 60 s");
    }
    let report = std::fs::read_to_string(&out).expect("nvim wrote its report");
    let v: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["got"], true, "{report}");
    let mut got: Vec<(String, u64, u64)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!(d["source"], "cdocheck");
            (
                d["code"].as_str().unwrap().to_string(),
                d["lnum"].as_u64().unwrap(),
                d["col"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, expected(dir.path(), "江门.toml", &text, true));
    let hover = v["hover"].as_str().unwrap();
    assert!(hover.contains("GD005"), "{hover}");
}
