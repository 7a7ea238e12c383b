//! `cdocheck lsp`: a language server on standard input and output. Each open
//! plan is checked as `check` would check it (the same `check_file`, fed the
//! buffer's text), with the packs and configuration `check` would use from
//! the plan's folder; diagnostics, hover, completion and quick fixes read the
//! result. One thread reads messages, one serves them, and the calling
//! thread writes replies (it holds standard output's lock).
//!
//! Files: this one the server loop and the document store; `position.rs`
//! byte offsets to LSP positions; `diagnostics.rs`, `hover.rs`,
//! `completion.rs`, `actions.rs` one feature each; `scan.rs` the line scan
//! hover and completion read when the buffer does not parse.

mod actions;
mod completion;
mod diagnostics;
mod hover;
mod position;
mod scan;

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use lsp_server::{ErrorCode, Message as Rpc, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{notification as note, request as req, Uri};
use serde_json::Value;

use crate::check::{check_file, Settings};
use crate::cli::Outcome;
use crate::discover::Input;
use crate::eval::Options;
use crate::finding::{Finding, Severity};
use crate::lang::Lang;
use crate::message::Message;
use crate::plan::{Date, DEFAULT_MAX_BYTES};
use crate::rules::Rules;
use crate::source::SourceDb;

pub(crate) use position::{Encoding, Lines};

/// Changes arriving within this window are checked once, after the last:
/// typing is not checked per keystroke, and a change is still published
/// well within 50 ms (benches/lsp.rs).
const DEBOUNCE: Duration = Duration::from_millis(20);

/// Runs the server until the client says `exit` or closes standard input.
/// `extra` are `--rules` packs (replacing a configuration's `rules`, as on
/// the command line); `lang` is `--lang`.
pub(crate) fn run(
    extra: &[PathBuf],
    lang: Option<Lang>,
    out: &mut dyn Write,
) -> io::Result<Outcome> {
    install_panic_hook();
    let (in_tx, in_rx) = mpsc::channel::<Rpc>();
    let (out_tx, out_rx) = mpsc::channel::<Rpc>();
    // Not joined: it may be blocked reading standard input when the
    // server exits, and the process ends then anyway.
    std::thread::spawn(move || {
        let mut stdin = io::stdin().lock();
        while let Ok(Some(m)) = Rpc::read(&mut stdin) {
            if in_tx.send(m).is_err() {
                break;
            }
        }
    });
    std::thread::scope(|s| {
        let server = s.spawn(move || Server::new(extra.to_vec(), lang, out_tx).serve(in_rx));
        let mut wrote = Ok(());
        for m in out_rx {
            wrote = m.write(&mut &mut *out).and_then(|()| out.flush());
            if wrote.is_err() {
                // The client is gone: dropping the receiver stops the server.
                break;
            }
        }
        let clean = server.join().unwrap_or(false);
        wrote.map(|()| {
            // LSP: exit code 0 after `shutdown` then `exit`, else 1.
            if clean {
                Outcome::Pass
            } else {
                Outcome::Fail
            }
        })
    })
}

/// The last panic's message: a handler that panics is answered with it,
/// and nothing is written to standard error, whose lock the writer holds.
static PANIC: Mutex<Option<String>> = Mutex::new(None);

fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut p) = PANIC.lock() {
            *p = Some(format!("{what}{at}"));
        }
    }));
}

fn take_panic() -> String {
    PANIC
        .lock()
        .ok()
        .and_then(|mut p| p.take())
        .unwrap_or_default()
}

/// What a configuration decides, with the packs loaded once for it.
pub(crate) struct Ctx {
    pub rules: Rules,
    pub sources: SourceDb,
    pub lang: Lang,
    pub require: Vec<String>,
    /// Names of the packs shipped in the binary: their rules have a page
    /// in docs/rules.md.
    pub shipped: HashSet<String>,
    /// When the configuration file was last modified: a newer one is read
    /// again.
    modified: Option<SystemTime>,
}

/// A document's last check.
pub(crate) struct Analysis {
    pub ctx: Rc<Ctx>,
    pub db: SourceDb,
    /// As `check` shows them: capped, sorted, superseded ones dropped.
    pub findings: Vec<Finding>,
    /// The name the plan was checked under: findings into other sources
    /// (the packs) are not in the buffer.
    pub display: String,
    /// Bytes before the text the spans count from: a byte-order mark.
    pub shift: usize,
}

impl Analysis {
    /// Whether a finding points into the plan (not into a pack).
    pub(crate) fn in_plan(&self, at: &crate::finding::Location) -> bool {
        self.db.get(at.source).name == self.display
    }
}

struct Doc {
    uri: Uri,
    text: String,
    version: Option<i32>,
    /// When a change waits to be published.
    due: Option<Instant>,
    /// The text changed since its last check (a request in the debounce
    /// window checks it early; its diagnostics still go out when due).
    stale: bool,
    analysis: Option<Analysis>,
    /// The packs of the last check that selected any, for completion in a
    /// buffer that does not parse just now.
    packs: Vec<String>,
}

struct Server {
    extra: Vec<PathBuf>,
    lang: Option<Lang>,
    enc: Encoding,
    docs: HashMap<String, Doc>,
    ctxs: HashMap<Option<PathBuf>, Rc<Ctx>>,
    out: mpsc::Sender<Rpc>,
    shutdown: bool,
    shipped: HashSet<String>,
}

/// Where a request goes, once its parameters are read.
pub(crate) struct Env<'a> {
    pub text: &'a str,
    pub lines: Lines<'a>,
    pub analysis: Option<&'a Analysis>,
    pub lang: Lang,
    pub uri: &'a Uri,
    /// The packs that apply, for completion.
    pub packs: &'a [String],
    pub ctx: Option<&'a Ctx>,
}

impl Server {
    fn new(extra: Vec<PathBuf>, lang: Option<Lang>, out: mpsc::Sender<Rpc>) -> Server {
        let shipped = Rules::builtin(&mut SourceDb::default())
            .map(|r| r.pack_names().into_iter().map(str::to_string).collect())
            .unwrap_or_default();
        Server {
            extra,
            lang,
            enc: Encoding::Utf16,
            docs: HashMap::new(),
            ctxs: HashMap::new(),
            out,
            shutdown: false,
            shipped,
        }
    }

    /// The message loop; `true` when it ended with `shutdown` then `exit`.
    fn serve(mut self, rx: mpsc::Receiver<Rpc>) -> bool {
        loop {
            let due = self.docs.values().filter_map(|d| d.due).min();
            // Due work first: a steady stream of messages must not hold
            // diagnostics back.
            if due.is_some_and(|d| d <= Instant::now()) {
                if !self.publish_due_safe() {
                    return false;
                }
                continue;
            }
            let msg = match due {
                Some(due) => match rx.recv_timeout(due.saturating_duration_since(Instant::now())) {
                    Ok(m) => Some(m),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return false,
                },
                None => match rx.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return false,
                },
            };
            let ok = match msg {
                None => self.publish_due_safe(),
                Some(Rpc::Request(r)) => self.request(r),
                Some(Rpc::Notification(n)) if n.method == note::Exit::METHOD => {
                    return self.shutdown;
                }
                Some(Rpc::Notification(n)) => self.notification(n),
                Some(Rpc::Response(_)) => true,
            };
            if !ok {
                return false;
            }
        }
    }

    fn send(&self, m: impl Into<Rpc>) -> bool {
        self.out.send(m.into()).is_ok()
    }

    fn request(&mut self, r: Request) -> bool {
        let id = r.id.clone();
        if self.shutdown {
            return self.send(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "shutting down".into(),
            ));
        }
        let handled = catch_unwind(AssertUnwindSafe(|| self.handle(r)));
        let response = match handled {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err((code, why))) => Response::new_err(id, code as i32, why),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("cdocheck panicked: {}", take_panic()),
            ),
        };
        self.send(response)
    }

    fn handle(&mut self, r: Request) -> Result<Value, (ErrorCode, String)> {
        let bad = |e: serde_json::Error| (ErrorCode::InvalidParams, e.to_string());
        match r.method.as_str() {
            req::Initialize::METHOD => {
                let p: lsp_types::InitializeParams =
                    serde_json::from_value(r.params).map_err(bad)?;
                Ok(self.initialize(&p))
            }
            req::Shutdown::METHOD => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            req::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = serde_json::from_value(r.params).map_err(bad)?;
                let d = &p.text_document_position_params;
                let hover = self.with_env(&d.text_document.uri, |env| {
                    hover::hover(env, env.lines.offset(d.position))
                });
                Ok(serde_json::to_value(hover.flatten()).unwrap_or_default())
            }
            req::Completion::METHOD => {
                let p: lsp_types::CompletionParams =
                    serde_json::from_value(r.params).map_err(bad)?;
                let d = &p.text_document_position;
                let items = self.with_env(&d.text_document.uri, |env| {
                    completion::complete(env, env.lines.offset(d.position))
                });
                Ok(serde_json::to_value(items).unwrap_or_default())
            }
            req::CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams =
                    serde_json::from_value(r.params).map_err(bad)?;
                let actions = self.with_env(&p.text_document.uri, |env| {
                    let range = env.lines.offset(p.range.start)..env.lines.offset(p.range.end);
                    actions::actions(env, range)
                });
                Ok(serde_json::to_value(actions).unwrap_or_default())
            }
            // A handler that panics, for the test below only.
            #[cfg(test)]
            "cdocheck/panic" => panic!("a handler panicked"),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("unknown method {}", r.method),
            )),
        }
    }

    fn initialize(&mut self, p: &lsp_types::InitializeParams) -> Value {
        use lsp_types::*;
        let utf8 = p
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
        self.enc = if utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let caps = ServerCapabilities {
            position_encoding: Some(if utf8 {
                PositionEncodingKind::UTF8
            } else {
                PositionEncodingKind::UTF16
            }),
            text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(
                    ["\"", "[", "=", " ", "."]
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                ),
                ..CompletionOptions::default()
            }),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..CodeActionOptions::default()
            })),
            ..ServerCapabilities::default()
        };
        let result = InitializeResult {
            capabilities: caps,
            server_info: Some(ServerInfo {
                name: "cdocheck".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        serde_json::to_value(result).unwrap_or_default()
    }

    fn notification(&mut self, n: Notification) -> bool {
        let handled = catch_unwind(AssertUnwindSafe(|| self.notify(n)));
        match handled {
            Ok(ok) => ok,
            Err(_) => {
                let why = format!("cdocheck panicked: {}", take_panic());
                self.log(lsp_types::MessageType::ERROR, why)
            }
        }
    }

    fn notify(&mut self, n: Notification) -> bool {
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                else {
                    return true;
                };
                let d = p.text_document;
                self.docs.insert(
                    d.uri.as_str().to_string(),
                    Doc {
                        uri: d.uri,
                        text: d.text,
                        version: Some(d.version),
                        due: Some(Instant::now()),
                        stale: true,
                        analysis: None,
                        packs: Vec::new(),
                    },
                );
                // Opening shows diagnostics at once; only typing waits.
                self.publish_due(true)
            }
            note::DidChangeTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                else {
                    return true;
                };
                let enc = self.enc;
                if let Some(doc) = self.docs.get_mut(p.text_document.uri.as_str()) {
                    for c in p.content_changes {
                        match c.range {
                            // Full sync is what the server asks for; a
                            // ranged change is applied all the same.
                            Some(r) => {
                                let lines = Lines::new(&doc.text, enc);
                                let span = lines.offset(r.start)..lines.offset(r.end);
                                let span = span.start.min(span.end)..span.end;
                                doc.text.replace_range(span, &c.text);
                            }
                            None => doc.text = c.text,
                        }
                    }
                    doc.version = Some(p.text_document.version);
                    doc.stale = true;
                    // Not pushed back by later changes: a burst is checked
                    // once, at most DEBOUNCE after its first change.
                    doc.due.get_or_insert_with(|| Instant::now() + DEBOUNCE);
                }
                true
            }
            note::DidCloseTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                else {
                    return true;
                };
                if let Some(doc) = self.docs.remove(p.text_document.uri.as_str()) {
                    return self.publish(doc.uri, Vec::new(), None);
                }
                true
            }
            _ => true,
        }
    }

    fn log(&self, typ: lsp_types::MessageType, message: String) -> bool {
        let p = lsp_types::LogMessageParams { typ, message };
        self.send(Notification::new(note::LogMessage::METHOD.into(), p))
    }

    /// [`Server::publish_due`] outside a handler: a panic while checking is
    /// logged, and that document waits for its next change.
    fn publish_due_safe(&mut self) -> bool {
        match catch_unwind(AssertUnwindSafe(|| self.publish_due(false))) {
            Ok(ok) => ok,
            Err(_) => {
                let why = format!("cdocheck panicked: {}", take_panic());
                self.log(lsp_types::MessageType::ERROR, why)
            }
        }
    }

    /// Checks and publishes the documents whose wait is over (every
    /// waiting one when `all`).
    fn publish_due(&mut self, all: bool) -> bool {
        let now = Instant::now();
        let due: Vec<String> = self
            .docs
            .iter()
            .filter(|(_, d)| d.due.is_some_and(|t| all || t <= now))
            .map(|(k, _)| k.clone())
            .collect();
        for key in due {
            // Before checking: a check that panics is not retried for ever.
            if let Some(doc) = self.docs.get_mut(&key) {
                doc.due = None;
            }
            self.analyze(&key);
            let Some(doc) = self.docs.get(&key) else {
                continue;
            };
            let diags = match &doc.analysis {
                Some(a) => diagnostics::diagnostics(a, &doc.text, &doc.uri, self.enc),
                None => Vec::new(),
            };
            let (uri, version) = (doc.uri.clone(), doc.version);
            if !self.publish(uri, diags, version) {
                return false;
            }
        }
        true
    }

    fn publish(
        &self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> bool {
        let p = lsp_types::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(
            note::PublishDiagnostics::METHOD.into(),
            p,
        ))
    }

    /// Checks a document whose text changed since its last check.
    fn analyze(&mut self, key: &str) {
        let Some(doc) = self.docs.get(key) else {
            return;
        };
        if !doc.stale && doc.analysis.is_some() {
            return;
        }
        let path = uri_path(&doc.uri);
        let ctx = self.ctx_for(path.as_deref());
        let Some(doc) = self.docs.get_mut(key) else {
            return;
        };
        doc.stale = false;
        let display = match &path {
            Some(p) => p.to_string_lossy().replace('\\', "/"),
            None => doc.uri.as_str().to_string(),
        };
        let max = DEFAULT_MAX_BYTES;
        // Beyond the plan cap the buffer is not read, as a file is not.
        let too_large = doc.text.len() as u64 > max;
        let mut input = Input::new(path.clone().unwrap_or_default(), display.clone());
        input.problem = too_large
            .then(|| Box::new(Message::new("pf001.too-large").arg("max", max.to_string())));
        input.bytes = (!too_large).then(|| Arc::new(doc.text.as_bytes().to_vec()));
        let settings = Settings {
            rules: &ctx.rules,
            sources: &ctx.sources,
            opts: Options {
                today: Date::today(),
                waivers: true,
                packs: None,
                require: ctx.require.clone(),
            },
            fail_on: Some(Severity::Error),
            max_bytes: max,
            jobs: 1,
            progress: false,
            baseline: None,
            plan_rows: false,
        };
        // Another TOML file (a Cargo.toml, a rule pack, cdocheck.toml) is
        // left alone, as `check` skips it when walking.
        let other = !too_large
            && (display.ends_with(crate::config::FILE_NAME)
                || crate::discover::text_not_a_plan(&doc.text));
        let (mut report, db) = check_file(&settings, &input);
        if other {
            report.findings.clear();
            report.packs.clear();
        }
        if !report.packs.is_empty() {
            doc.packs = report.packs.clone();
        }
        let shift = if doc.text.starts_with('\u{feff}') {
            3
        } else {
            0
        };
        doc.analysis = Some(Analysis {
            ctx: ctx.clone(),
            db,
            findings: report.findings.into_iter().map(|l| l.finding).collect(),
            display,
            shift,
        });
    }

    /// The packs and settings for a plan at `path`: its folder's nearest
    /// `cdocheck.toml`, loaded once and again only when the file changes.
    fn ctx_for(&mut self, path: Option<&Path>) -> Rc<Ctx> {
        let dir = path
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .or_else(|| std::env::current_dir().ok());
        let config = dir
            .as_deref()
            .and_then(|d| crate::config::find(d).map(|rel| d.join(rel)));
        let modified = config
            .as_deref()
            .and_then(|c| std::fs::metadata(c).and_then(|m| m.modified()).ok());
        if let Some(ctx) = self.ctxs.get(&config).filter(|c| c.modified == modified) {
            return ctx.clone();
        }
        let ctx = Rc::new(self.load_ctx(config.as_deref(), modified));
        self.ctxs.insert(config, ctx.clone());
        ctx
    }

    fn load_ctx(&self, config: Option<&Path>, modified: Option<SystemTime>) -> Ctx {
        let mut cfg = crate::config::Config::default();
        if let Some(path) = config {
            match crate::config::load(&mut SourceDb::default(), path) {
                Ok(c) => cfg = c,
                Err(problem) => {
                    let why = match problem {
                        crate::config::Problem::Unreadable(m) => m,
                        crate::config::Problem::Invalid(f) => f
                            .first()
                            .map(|f| f.message.clone())
                            .unwrap_or_else(|| Message::plain("")),
                    };
                    let lang = self.lang.unwrap_or_else(Lang::from_env);
                    let m = Message::new("lsp.config-ignored")
                        .arg("path", path.display().to_string())
                        .arg("why", why);
                    self.log(lsp_types::MessageType::WARNING, m.get(lang));
                }
            }
        }
        let lang = self.lang.or(cfg.lang).unwrap_or_else(Lang::from_env);
        // `--rules` replaces the configuration's list, as on the command line.
        let extra = if self.extra.is_empty() {
            cfg.rules.unwrap_or_default()
        } else {
            self.extra.clone()
        };
        let mut sources = SourceDb::default();
        let rules = match crate::cli::load_rules(&mut sources, &extra, &mut HashMap::new()) {
            Ok(r) => r,
            Err(problems) => {
                let first = problems
                    .first()
                    .map(|f| f.message.get(lang))
                    .unwrap_or_default();
                let m = Message::new("lsp.packs-ignored")
                    .arg("count", problems.len().to_string())
                    .arg("first", first);
                self.log(lsp_types::MessageType::ERROR, m.get(lang));
                sources = SourceDb::default();
                Rules::builtin(&mut sources).unwrap_or_default()
            }
        };
        let require = cfg
            .require_packs
            .unwrap_or_default()
            .into_iter()
            .filter(|p| rules.pack(p).is_some())
            .collect();
        Ctx {
            rules,
            sources,
            lang,
            require,
            shipped: self.shipped.clone(),
            modified,
        }
    }

    /// Runs `f` on a document brought up to date (a request may come
    /// before a waiting change is checked: it sees the change).
    fn with_env<T>(&mut self, uri: &Uri, f: impl FnOnce(&Env) -> T) -> Option<T> {
        let key = uri.as_str().to_string();
        self.analyze(&key);
        let doc = self.docs.get(&key)?;
        // The buffer beyond the plan cap is not scanned either.
        if doc.text.len() as u64 > DEFAULT_MAX_BYTES {
            return None;
        }
        let analysis = doc.analysis.as_ref();
        let ctx = analysis.map(|a| &*a.ctx);
        let env = Env {
            text: &doc.text,
            lines: Lines::new(&doc.text, self.enc),
            analysis,
            lang: ctx.map_or_else(|| self.lang.unwrap_or_else(Lang::from_env), |c| c.lang),
            uri: &doc.uri,
            packs: &doc.packs,
            ctx,
        };
        Some(f(&env))
    }
}

/// The local path of a `file:` URI (percent-escapes decoded); `None` for
/// another scheme (an unsaved buffer).
fn uri_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file://host/path`: only the local host is ours.
    let rest = &rest[rest.find('/')?..];
    let mut bytes = Vec::with_capacity(rest.len());
    let mut it = rest.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let hex: Vec<u8> = it.by_ref().take(2).collect();
            let v = std::str::from_utf8(&hex)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())?;
            bytes.push(v);
        } else {
            bytes.push(b);
        }
    }
    let path = String::from_utf8(bytes).ok()?;
    // `file:///C:/x` on Windows.
    #[cfg(windows)]
    let path = path.trim_start_matches('/').to_string();
    Some(PathBuf::from(path))
}

/// A `file:` URI for a path (percent-escaping what a URI may not hold).
#[cfg(test)]
fn path_uri(p: &Path) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A panic in a handler is answered as an internal error, with its
    /// message, and the server goes on serving.
    #[test]
    fn a_panicking_handler_is_answered_and_the_server_lives_on() {
        install_panic_hook();
        let (tx, rx) = mpsc::channel();
        let mut server = Server::new(Vec::new(), Some(Lang::En), tx);
        let request = |id: i32, method: &str| {
            Request::new(id.into(), method.to_string(), serde_json::json!({}))
        };
        assert!(server.request(request(1, "cdocheck/panic")));
        let Ok(Rpc::Response(r)) = rx.recv() else {
            panic!("a response")
        };
        let e = r.error.expect("an error");
        assert_eq!(e.code, ErrorCode::InternalError as i32);
        assert!(e.message.contains("a handler panicked"), "{}", e.message);
        assert!(server.request(request(2, "shutdown")));
        let Ok(Rpc::Response(r)) = rx.recv() else {
            panic!("a response")
        };
        assert!(r.error.is_none());
        let _ = std::panic::take_hook();
    }

    #[test]
    fn file_uris_decode_to_paths() {
        let p = Path::new("/tmp/方案 1/jiangmen.toml");
        let u: Uri = path_uri(p).parse().unwrap();
        assert_eq!(uri_path(&u).as_deref(), Some(p));
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_path(&untitled), None);
    }
}
