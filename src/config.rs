//! The configuration file, `cdocheck.toml`: found in the current folder or
//! the nearest parent (never above a repository root, a folder holding
//! `.git`), or named with `--config`. Its `[check]` table gives defaults for
//! `check`; the command line overrides each of them (a list given on the
//! command line replaces the file's, it does not add to it). Paths in the
//! file are relative to the file's folder. The file is validated like a
//! plan: an unknown key is PF002 with "did you mean", a wrong type PF003, at
//! their spans, and the run stops (exit 2) before anything is checked.

use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::finding::{Code, Finding, Location};
use crate::lang::Lang;
use crate::message::{Arg, Message};
use crate::read::Refused;
use crate::source::{Source, SourceDb, SourceId, Span};

/// The file's name.
pub(crate) const FILE_NAME: &str = "cdocheck.toml";

/// The most a configuration file may hold; a larger one is not read (exit 2).
pub(crate) const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The keys of `[check]`, for "did you mean".
const CHECK_KEYS: [&str; 9] = [
    "paths",
    "include",
    "exclude",
    "fail_on",
    "baseline",
    "rules",
    "require_packs",
    "lang",
    "jobs",
];

/// The values `fail_on` takes (as `--fail-on`).
pub(crate) const FAIL_ON: [&str; 3] = ["error", "warning", "never"];

/// The `[check]` table, validated; paths already joined to the file's
/// folder. `None`: not set in the file.
#[derive(Debug, Default)]
pub(crate) struct Config {
    pub paths: Option<Vec<PathBuf>>,
    pub include: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    /// One of [`FAIL_ON`].
    pub fail_on: Option<&'static str>,
    pub baseline: Option<PathBuf>,
    pub rules: Option<Vec<PathBuf>>,
    pub require_packs: Option<Vec<String>>,
    pub lang: Option<Lang>,
    pub jobs: Option<usize>,
}

/// Why the configuration cannot be used.
#[derive(Debug)]
pub(crate) enum Problem {
    /// The file cannot be read (missing, a folder, too large): the message.
    Unreadable(Message),
    /// The file was read and has errors, each a finding into it.
    Invalid(Vec<Finding>),
}

/// `cdocheck.toml` in `cwd` or the nearest parent, stopping at the first
/// folder that holds `.git`; the path returned is relative to `cwd`
/// (`cdocheck.toml`, `../cdocheck.toml`), so paths in it read naturally.
pub(crate) fn find(cwd: &Path) -> Option<PathBuf> {
    let mut up = PathBuf::new();
    for dir in cwd.ancestors() {
        if dir.join(FILE_NAME).is_file() {
            return Some(up.join(FILE_NAME));
        }
        if dir.join(".git").exists() {
            return None;
        }
        up.push("..");
    }
    None
}

/// Reads and validates a configuration file; its text joins `db`, so that
/// its findings can be shown pointing into it.
pub(crate) fn load(db: &mut SourceDb, path: &Path) -> Result<Config, Problem> {
    let bytes = crate::read::read(path, MAX_CONFIG_BYTES).map_err(|r| {
        Problem::Unreadable(match r {
            Refused::Io(e) => Message::new("pf001.unreadable").arg("error", e.to_string()),
            Refused::NotRegular(kind) => {
                Message::new("read.not-regular").arg("kind", kind.message())
            }
            Refused::TooLarge => {
                Message::new("pf001.too-large").arg("max", MAX_CONFIG_BYTES.to_string())
            }
        })
    })?;
    let name = path.to_string_lossy().replace('\\', "/");
    let text = String::from_utf8_lossy(crate::read::without_bom(&bytes)).into_owned();
    let source = db.add(Source::new(name.as_str(), text));
    let text = db.get(source).text.clone();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::new(),
    };
    let mut v = Validator {
        source,
        dir,
        findings: Vec::new(),
        config: Config::default(),
    };
    match DeTable::parse(&text) {
        Ok(doc) => v.root(doc.get_ref()),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = Message::new("pf001.not-toml").arg("detail", e.message().to_string());
            v.findings.push(
                Code::PF001
                    .at(v.loc(span), msg)
                    .with_help(Message::new("config.syntax.help")),
            );
        }
    }
    if v.findings.is_empty() {
        Ok(v.config)
    } else {
        Err(Problem::Invalid(v.findings))
    }
}

struct Validator {
    source: SourceId,
    /// The file's folder (empty for the current one).
    dir: PathBuf,
    findings: Vec<Finding>,
    config: Config,
}

impl Validator {
    fn loc(&self, span: Span) -> Location {
        Location {
            source: self.source,
            span,
        }
    }

    fn root(&mut self, doc: &DeTable) {
        for (key, value) in doc.iter() {
            if key.get_ref() == "check" {
                match value.get_ref() {
                    DeValue::Table(t) => self.check(t),
                    other => self.wrong_type("check", "type.table", other, value.span()),
                }
            } else {
                self.unknown(key, "config.root", &["check"]);
            }
        }
    }

    fn check(&mut self, t: &DeTable) {
        for (key, value) in t.iter() {
            let k: &str = key.get_ref();
            let path = format!("check.{k}");
            let span = value.span();
            let v = value.get_ref();
            match k {
                "paths" => self.config.paths = self.paths(&path, value),
                "rules" => self.config.rules = self.paths(&path, value),
                "include" => self.config.include = self.strings(&path, value),
                "exclude" => self.config.exclude = self.strings(&path, value),
                "require_packs" => self.config.require_packs = self.strings(&path, value),
                "baseline" => {
                    self.config.baseline = self.string(&path, value).map(|s| self.join(&s))
                }
                "fail_on" => {
                    let s = self.string(&path, value);
                    self.config.fail_on = s.and_then(|s| {
                        let found = FAIL_ON.iter().find(|f| **f == s).copied();
                        if found.is_none() {
                            self.bad_value(&path, &s, &FAIL_ON, span.clone());
                        }
                        found
                    });
                }
                "lang" => {
                    let s = self.string(&path, value);
                    self.config.lang = s.and_then(|s| {
                        let found = Lang::parse(&s);
                        if found.is_none() {
                            self.bad_value(&path, &s, &["en", "zh-CN"], span.clone());
                        }
                        found
                    });
                }
                "jobs" => match v {
                    DeValue::Integer(i) => match usize::from_str_radix(i.as_str(), i.radix()) {
                        Ok(n) => self.config.jobs = Some(n),
                        Err(_) => self.wrong_type(&path, "config.want.count", v, span),
                    },
                    other => self.wrong_type(&path, "config.want.count", other, span),
                },
                _ => self.unknown(key, "config.check", &CHECK_KEYS),
            }
        }
    }

    fn join(&self, p: &str) -> PathBuf {
        if self.dir.as_os_str().is_empty() {
            PathBuf::from(p)
        } else {
            self.dir.join(p)
        }
    }

    fn string(&mut self, path: &str, value: &Spanned<DeValue>) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.wrong_type(path, "type.string", other, value.span());
                None
            }
        }
    }

    /// A list of strings; a single string is taken as a list of one.
    fn strings(&mut self, path: &str, value: &Spanned<DeValue>) -> Option<Vec<String>> {
        match value.get_ref() {
            DeValue::String(s) => Some(vec![s.to_string()]),
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(s) => out.push(s.to_string()),
                        other => {
                            self.wrong_type(path, "config.want.strings", other, item.span());
                            return None;
                        }
                    }
                }
                Some(out)
            }
            other => {
                self.wrong_type(path, "config.want.strings", other, value.span());
                None
            }
        }
    }

    fn paths(&mut self, path: &str, value: &Spanned<DeValue>) -> Option<Vec<PathBuf>> {
        let list = self.strings(path, value)?;
        Some(list.iter().map(|p| self.join(p)).collect())
    }

    fn unknown(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        table: &'static str,
        keys: &[&str],
    ) {
        let k: &str = key.get_ref();
        // A key far longer than every known one is compared with none.
        let close = keys
            .iter()
            .filter(|f| k.chars().count().abs_diff(f.len()) <= 2)
            .map(|f| (strsim::damerau_levenshtein(k, f), *f))
            .filter(|(d, _)| *d <= 2)
            .min();
        let msg = Message::new("pf002.unknown")
            .arg("table", Message::new(table))
            .arg("key", k);
        let help = match close {
            Some((_, f)) => Message::new("did-you-mean").arg("key", f),
            None => Message::new("pf002.keys")
                .arg("table", Message::new(table))
                .arg(
                    "keys",
                    Arg::List(keys.iter().map(|f| Arg::Plain(format!("`{f}`"))).collect()),
                ),
        };
        let mut f = Code::PF002.at(self.loc(key.span()), msg).with_help(help);
        f.key = Some(k.to_string());
        self.findings.push(f);
    }

    fn wrong_type(&mut self, path: &str, want: &'static str, found: &DeValue, span: Span) {
        let msg = Message::new("pf003.wrong-type")
            .arg("path", path)
            .arg("want", Message::new(want))
            .arg("got", Message::new(crate::plan::found_id(found)));
        let mut f = Code::PF003
            .at(self.loc(span), msg)
            .with_help(Message::new("config.help"));
        f.key = Some(path.to_string());
        self.findings.push(f);
    }

    fn bad_value(&mut self, path: &str, got: &str, values: &[&str], span: Span) {
        let list = values.iter().map(|v| Arg::Plain(format!("`{v}`")));
        let msg = Message::new("config.bad-value")
            .arg("path", path)
            .arg("got", got)
            .arg("values", Arg::List(list.collect()));
        let mut f = Code::PF005
            .at(self.loc(span), msg)
            .with_help(Message::new("config.help"));
        f.key = Some(path.to_string());
        self.findings.push(f);
    }
}

/// The commented file `cdocheck init --config` writes: every key, commented
/// out, with its default, so that uncommenting one is the whole edit.
pub(crate) fn template(lang: Lang) -> String {
    Message::new("config.template").get(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Config, Problem> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        std::fs::write(&p, text).unwrap();
        load(&mut SourceDb::default(), &p)
    }

    #[test]
    fn the_template_is_a_valid_configuration() {
        for lang in [Lang::En, Lang::Zh] {
            let c = load_text(&template(lang)).unwrap();
            assert!(c.paths.is_none() && c.fail_on.is_none());
            let uncommented: String = template(lang)
                .lines()
                .map(|l| {
                    l.strip_prefix("# ")
                        .filter(|l| l.contains(" = "))
                        .unwrap_or(l)
                })
                .collect::<Vec<_>>()
                .join("\n");
            let c = load_text(&uncommented).unwrap_or_else(|e| panic!("{e:?}\n{uncommented}"));
            assert_eq!(c.fail_on, Some("error"));
        }
    }

    #[test]
    fn keys_and_types_are_checked() {
        let Err(Problem::Invalid(f)) = load_text("[check]\nexlude = []\njobs = \"2\"\n") else {
            panic!("invalid")
        };
        assert_eq!(f.len(), 2);
        assert!(f[0].code == "PF002");
        assert!(f[1].code == "PF003");
    }
}
