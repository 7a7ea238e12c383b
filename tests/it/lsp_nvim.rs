//! A real editor's client: Neovim (0.7, Debian bookworm's) opens a plan
//! headless with `cdocheck lsp` attached, waits for the diagnostics, hovers
//! once, writes what it got as JSON and quits. Its diagnostics must be
//! `check --format json`'s: the same codes, lines and columns (Neovim keeps
//! columns in bytes, converted from the UTF-16 the server sends).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::common::jiangmen;
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

/// Runs Neovim headless on `plan` with `dir/init.lua`, the server and
/// `env`, and returns the JSON the script wrote to `$CDOCHECK_OUT`.
fn run_nvim(dir: &Path, plan: &Path, env: &[(&str, String)]) -> Value {
    let out = dir.join("out.json");
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-u"])
        .arg(dir.join("init.lua"))
        .arg(plan)
        .current_dir(dir)
        .env("CDOCHECK_BIN", assert_cmd::cargo::cargo_bin("cdocheck"))
        .env("CDOCHECK_OUT", &out)
        .envs(env.iter().map(|(k, v)| (k, v)))
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
    serde_json::from_str(&report).unwrap()
}

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
    // Hover on the GD005 finding (`rank = "other"`).
    let at = text.find("rank = \"other\"").unwrap();
    let line = text[..at].matches('\n').count();
    let v = run_nvim(
        dir.path(),
        &plan,
        &[
            ("CDOCHECK_HOVER_LINE", line.to_string()),
            ("CDOCHECK_HOVER_CHAR", "9".to_string()),
        ],
    );
    let report = v.to_string();
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

/// The editing loop through Neovim's client: take each preferred quick fix
/// (a misspelt key, a Chinese date) as a user would, let the client send
/// the change, and complete a value.
const EDIT: &str = r#"
local bin = os.getenv("CDOCHECK_BIN")
local out = os.getenv("CDOCHECK_OUT")
local rank_line = tonumber(os.getenv("CDOCHECK_RANK_LINE"))
vim.api.nvim_create_autocmd("VimEnter", { callback = function()
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({ cmd = { bin, "lsp" }, root_dir = vim.fn.getcwd() })
vim.lsp.buf_attach_client(buf, id)
local client = vim.lsp.get_client_by_id(id)
local function codes()
  local c = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do table.insert(c, d.code) end
  table.sort(c)
  return c
end
local function count(code)
  local n = 0
  for _, c in ipairs(codes()) do if c == code then n = n + 1 end end
  return n
end
local function request(method, params)
  local result = nil
  client.request(method, params, function(err, r) result = r or {} end, buf)
  vim.wait(20000, function() return result ~= nil end, 20)
  return result
end
vim.wait(20000, function() return count("PF002") > 0 and count("PF003") > 0 end, 20)
local before = codes()
local applied = {}
for _ = 1, 4 do
  local target = nil
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == "PF002" or d.code == "PF003" then target = d break end
  end
  if not target then break end
  local at = { line = target.lnum, character = target.col }
  local actions = request("textDocument/codeAction", {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = at, ["end"] = at },
    context = { diagnostics = {} },
  })
  local chosen = nil
  for _, a in ipairs(actions) do if a.isPreferred then chosen = a break end end
  if not chosen then break end
  local n = count(target.code)
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  table.insert(applied, chosen.title)
  vim.wait(20000, function() return count(target.code) < n end, 20)
end
local items = request("textDocument/completion", {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = rank_line, character = 8 },
})
local labels = {}
for _, it in ipairs(items.items or items) do table.insert(labels, it.label) end
local f = io.open(out, "w")
f:write(vim.fn.json_encode({
  before = before, after = codes(), applied = applied, completion = labels,
  lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false),
}))
f:close()
client.stop()
vim.cmd("qa!")
end })
"#;

#[test]
fn neovim_takes_the_quick_fixes_and_completes_a_value() {
    if !have_nvim() {
        return;
    }
    let good = jiangmen();
    let text = good
        .replacen("published = 2021-08-25", "published = \"2021年8月25日\"", 1)
        .replacen("rank = \"deputy\"", "rnak = \"deputy\"", 1);
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("江门.toml");
    std::fs::write(&plan, &text).unwrap();
    std::fs::write(dir.path().join("init.lua"), EDIT).unwrap();
    let at = good.rfind("rank = \"deputy\"").unwrap();
    let line = good[..at].matches('\n').count();
    let v = run_nvim(
        dir.path(),
        &plan,
        &[("CDOCHECK_RANK_LINE", line.to_string())],
    );
    let codes = |k: &str| -> Vec<String> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes("before"), ["PF002", "PF003"], "{v}");
    assert_eq!(v["applied"].as_array().unwrap().len(), 2, "{v}");
    // The fixed buffer is the plan as it should be, and passes.
    let lines: Vec<&str> = v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(lines.join("\n"), good.trim_end_matches('\n'), "{v}");
    assert!(codes("after").is_empty(), "{v}");
    let completion = codes("completion");
    for rank in ["chief", "deputy", "other"] {
        assert!(completion.iter().any(|l| l.contains(rank)), "{v}");
    }
}
