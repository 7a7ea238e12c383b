//! Finding the plan files: paths from the command line, directories walked
//! for `*.toml`. Hidden and VCS directories are skipped; symlinks inside
//! directories are followed only when asked, and then a loop is reported,
//! never hung on. A problem with one entry becomes that entry's finding, and
//! the walk goes on. Every entry skipped is counted by reason, so a scan that
//! finds nothing can say why. A file found twice, by any spelling, is kept
//! once under the first spelling given, and the files are sorted by that
//! spelling, byte by byte, whatever the order of the paths given.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rayon::prelude::*;
use walkdir::{DirEntry, WalkDir};

use crate::error::Error;
use crate::message::{Arg, Message};
use crate::read::Opened;

/// One file to check, with the path as the user will see it.
#[derive(Debug)]
pub(crate) struct Input {
    pub path: PathBuf,
    /// As given or found, with `/` separators ([`Input::display`]), when
    /// that is not `path` as it is: a scan holds an input per file for the
    /// whole run, and nearly every path is its own spelling.
    shown: Option<Box<str>>,
    /// Why this entry cannot be checked (a symlink loop, an unreadable
    /// directory), found while walking. Boxed: a scan holds an input per
    /// file for the whole run, and nearly all have none.
    pub problem: Option<Box<Message>>,
    /// The text already read: standard input (`-`), checked under `display`.
    pub bytes: Option<std::sync::Arc<Vec<u8>>>,
    /// Device and inode, as found when telling entries apart (Unix), so
    /// that outputs are told from inputs without looking again.
    pub inode: Option<(u64, u64)>,
    /// Found to be a regular file when telling entries apart: reading it
    /// need not look again before opening it.
    pub regular: bool,
    /// The file as discovery opened it to tell it apart, for the check to
    /// read without opening it again.
    pub kept: Kept,
}

/// A walked file's handle, kept open from discovery's look for the check:
/// each open resolves the path again, and a second open per file was a
/// seventh of a large scan's system time. Taken once, by the check.
#[derive(Debug, Default)]
pub(crate) struct Kept(std::sync::Mutex<Option<Opened>>);

impl Kept {
    fn new(file: Opened) -> Kept {
        Kept(std::sync::Mutex::new(Some(file)))
    }

    /// The handle, if one is still kept; closed when the caller drops it.
    pub(crate) fn take(&self) -> Option<Opened> {
        self.0.lock().ok()?.take()
    }
}

impl Input {
    /// An input to check at `path`, shown as `display`.
    pub(crate) fn new(path: PathBuf, display: String) -> Input {
        let shown = (path.to_str() != Some(display.as_str())).then(|| display.into());
        Input {
            path,
            shown,
            problem: None,
            bytes: None,
            inode: None,
            regular: false,
            kept: Kept::default(),
        }
    }

    /// The path as given or found, with `/` separators: what the user sees.
    pub(crate) fn display(&self) -> &str {
        match &self.shown {
            Some(s) => s,
            // `shown` is set whenever the path is not this very string.
            None => self.path.to_str().unwrap_or_default(),
        }
    }
}

/// How to walk.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    /// Only files matching these, gitignore-style (default: `*.toml`).
    pub include: Option<Gitignore>,
    /// Skip files and directories matching these, gitignore-style.
    pub exclude: Option<Gitignore>,
    pub follow_symlinks: bool,
    /// Walk hidden entries and those `.gitignore`, `.ignore` and
    /// `.git/info/exclude` name (`--no-ignore`).
    pub no_ignore: bool,
    /// Skip walked `.toml` files that are plainly not plans (a Cargo.toml,
    /// a rule pack): set for `check`, not for packs or fixtures.
    pub plans_only: bool,
    /// Walked files are read up to this many bytes to tell whether they are
    /// plans; a larger one is kept, and reported as too large.
    pub max_bytes: u64,
    /// Keep each walked plan open from the look that told it apart, for the
    /// check to read ([`Input::kept`]); not when the files will be
    /// rewritten first (`--fix`), nor when they are not checked.
    pub keep_open: bool,
    /// Tell walked files apart on this thread alone (`--jobs 1`), not on
    /// every core.
    pub one_thread: bool,
}

impl Walk {
    /// Builds the pattern sets; an invalid pattern is an error naming it.
    pub(crate) fn new(
        include: &[String],
        exclude: &[String],
        follow_symlinks: bool,
    ) -> Result<Walk, Error> {
        Ok(Walk {
            include: patterns(include)?,
            exclude: patterns(exclude)?,
            follow_symlinks,
            ..Walk::default()
        })
    }

    fn excluded(&self, rel: &Path, is_dir: bool) -> bool {
        self.exclude
            .as_ref()
            .is_some_and(|g| g.matched(rel, is_dir).is_ignore())
    }

    /// A file is included when it or a folder above it (below the scan
    /// root) matches `--include`: `plans/` includes every file in `plans`.
    fn included(&self, rel: &Path, shown: &str) -> bool {
        match &self.include {
            Some(g) => g.matched_path_or_any_parents(rel, false).is_ignore(),
            None => shown.ends_with(".toml"),
        }
    }

    /// Why an entry below a directory given is not walked or checked, if it
    /// is not; `None` for a directory to walk or a file to check. `rel` is
    /// the entry's path below the scan root, `shown` as the user sees it.
    fn skip(&self, e: &DirEntry, rel: &Path, shown: &str, ignores: &Ignores) -> Option<Skip> {
        let name = e.file_name();
        let kind = e.file_type();
        if kind.is_dir() && is_vcs(name) {
            return Some(Skip::Vcs);
        }
        if !self.no_ignore && is_hidden(name) {
            return Some(Skip::Hidden);
        }
        if self.excluded(rel, kind.is_dir()) {
            return Some(Skip::Excluded);
        }
        if !self.no_ignore && ignores.ignored(e.path(), kind.is_dir()) {
            return Some(Skip::Ignored);
        }
        let unmatched = || {
            if self.include.is_some() {
                Skip::NotIncluded
            } else {
                Skip::NotToml
            }
        };
        if kind.is_dir() {
            None
        } else if kind.is_symlink() {
            // Only reached when links are not followed. A link that could
            // lead to a plan (a directory, or named as one) is counted as a
            // link, so the message points at --follow-symlinks.
            let to_dir = std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir());
            Some(if to_dir || self.included(rel, shown) {
                Skip::Symlink
            } else {
                unmatched()
            })
        } else if !self.included(rel, shown) {
            Some(unmatched())
        } else if kind.is_file() {
            None
        } else {
            Some(Skip::Special)
        }
    }
}

/// `--include`/`--exclude` patterns, each a line of a `.gitignore` at the
/// scan root: `drafts/` matches every folder named `drafts`, `drafts/*`
/// only the one at the root, `**/old/*.toml` files at any depth.
fn patterns(lines: &[String]) -> Result<Option<Gitignore>, Error> {
    if lines.is_empty() {
        return Ok(None);
    }
    let mut b = GitignoreBuilder::new("");
    // An unclosed `[` is a typing mistake on a command line: an error, not
    // a literal as git takes it in a file.
    b.allow_unclosed_class(false);
    for line in lines {
        b.add_line(None, line).map_err(|e| Error::BadGlob {
            glob: line.clone(),
            detail: e.to_string(),
        })?;
    }
    b.build().map(Some).map_err(|e| Error::BadGlob {
        glob: lines.join(" "),
        detail: e.to_string(),
    })
}

/// The ignore files in force while walking: those of the folders above the
/// scan root up to its repository (`base`, outermost first), then a stack of
/// those of the folders being walked, each with its depth. Paths are matched
/// absolute, so that every matcher sees them below its own folder.
struct Ignores {
    base: Vec<Gitignore>,
    stack: Vec<(usize, Gitignore)>,
    /// The scan root, canonical; entries are matched as `abs/rel`.
    abs: PathBuf,
    root: PathBuf,
}

impl Ignores {
    fn new(root: &Path, no_ignore: bool) -> Ignores {
        let abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut base = Vec::new();
        if !no_ignore {
            // The folders above the root, up to the nearest one holding
            // `.git`; none when the root is not inside a repository.
            let mut above = Vec::new();
            let mut repo = None;
            for dir in abs.ancestors() {
                if dir.join(".git").exists() {
                    repo = Some(dir);
                    break;
                }
                above.push(dir);
            }
            if let Some(repo) = repo {
                let mut b = GitignoreBuilder::new(repo);
                // A broken line is ignored, as git ignores it.
                let _ = b.add(repo.join(".git/info/exclude"));
                base.extend(b.build().ok());
                if repo != abs {
                    base.extend(dir_ignores(repo));
                    for dir in above.iter().skip(1).rev() {
                        base.extend(dir_ignores(dir));
                    }
                }
            }
        }
        Ignores {
            base,
            stack: Vec::new(),
            abs,
            root: root.to_path_buf(),
        }
    }

    fn absolute(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(&self.root) {
            Ok(rel) if rel.as_os_str().is_empty() => self.abs.clone(),
            Ok(rel) => self.abs.join(rel),
            Err(_) => path.to_path_buf(),
        }
    }

    /// Forgets the ignore files of folders the walk has left.
    fn enter(&mut self, depth: usize) {
        while self.stack.last().is_some_and(|(d, _)| *d >= depth) {
            self.stack.pop();
        }
    }

    /// Reads a folder's own ignore files, about to be walked.
    fn push(&mut self, depth: usize, dir: &Path) {
        if let Some(g) = dir_ignores(&self.absolute(dir)) {
            self.stack.push((depth, g));
        }
    }

    /// The deepest ignore file that says anything decides (a `!pattern`
    /// re-includes).
    fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        // Most trees have no ignore file: no path to make absolute.
        if self.stack.is_empty() && self.base.is_empty() {
            return false;
        }
        let abs = self.absolute(path);
        let deep = self.stack.iter().rev().map(|(_, g)| g);
        for g in deep.chain(self.base.iter().rev()) {
            let m = g.matched(&abs, is_dir);
            if !m.is_none() {
                return m.is_ignore();
            }
        }
        false
    }
}

/// A folder's `.gitignore` and `.ignore`, the second taking precedence.
fn dir_ignores(dir: &Path) -> Option<Gitignore> {
    let mut b = GitignoreBuilder::new(dir);
    let mut any = false;
    for name in [".gitignore", ".ignore"] {
        let f = dir.join(name);
        if f.is_file() {
            any = true;
            let _ = b.add(f);
        }
    }
    any.then(|| b.build().ok()).flatten()
}

/// Why an entry was skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Skip {
    Symlink,
    Hidden,
    Vcs,
    Excluded,
    Ignored,
    NotIncluded,
    NotToml,
    Special,
}

/// How many entries below the directories given were skipped, by reason.
/// An entry is one file, link or directory; a directory skipped counts once,
/// whatever it holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Skipped {
    /// Symlinks not followed (without `--follow-symlinks`).
    pub symlinks: usize,
    /// Hidden files and directories (other than VCS directories).
    pub hidden: usize,
    /// VCS directories (`.git`, `.hg`, `.svn`, …).
    pub vcs: usize,
    /// Files and directories matching `--exclude`.
    pub excluded: usize,
    /// Files and directories named by `.gitignore`, `.ignore` or
    /// `.git/info/exclude`.
    pub ignored: usize,
    /// Files not matching `--include`.
    pub not_included: usize,
    /// Files not named `*.toml` (when no `--include` is given).
    pub not_toml: usize,
    /// Walked `.toml` files with no key of the plan format (see
    /// [`not_a_plan`]).
    pub not_plans: usize,
    /// Entries that are neither files, directories nor symlinks (pipes,
    /// sockets, devices).
    pub special: usize,
}

impl Skipped {
    fn add(&mut self, why: Skip) {
        let n = match why {
            Skip::Symlink => &mut self.symlinks,
            Skip::Hidden => &mut self.hidden,
            Skip::Vcs => &mut self.vcs,
            Skip::Excluded => &mut self.excluded,
            Skip::Ignored => &mut self.ignored,
            Skip::NotIncluded => &mut self.not_included,
            Skip::NotToml => &mut self.not_toml,
            Skip::Special => &mut self.special,
        };
        *n += 1;
    }

    pub(crate) fn total(&self) -> usize {
        self.symlinks
            + self.hidden
            + self.vcs
            + self.excluded
            + self.ignored
            + self.not_plans
            + self.not_included
            + self.not_toml
            + self.special
    }

    /// What was skipped, e.g. `3 entries skipped: 2 symlinks (not followed
    /// without --follow-symlinks), 1 excluded by --exclude`.
    pub(crate) fn describe(&self) -> Message {
        let count = |id_one, id_many, n: usize| {
            let id = if n == 1 { id_one } else { id_many };
            Message::new(id).arg("count", n.to_string())
        };
        let reasons: Vec<Arg> = [
            (self.symlinks, "skip.symlinks.one", "skip.symlinks.many"),
            (self.hidden, "skip.hidden.one", "skip.hidden.many"),
            (self.vcs, "skip.vcs.one", "skip.vcs.many"),
            (self.excluded, "skip.excluded.one", "skip.excluded.many"),
            (self.ignored, "skip.ignored.one", "skip.ignored.many"),
            (
                self.not_included,
                "skip.not-included.one",
                "skip.not-included.many",
            ),
            (self.not_toml, "skip.not-toml.one", "skip.not-toml.many"),
            (self.not_plans, "skip.not-plan.one", "skip.not-plan.many"),
            (self.special, "skip.special.one", "skip.special.many"),
        ]
        .into_iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| count(one, many, n).into())
        .collect();
        let total = self.total();
        if reasons.is_empty() {
            count("skip.total.one", "skip.total.many", total)
        } else {
            count("skip.total.one.reasons", "skip.total.many.reasons", total)
                .arg("reasons", Arg::List(reasons))
        }
    }

    /// The message for a scan that found no plan file, e.g. `no plan files
    /// found; 3 entries skipped: 2 symlinks (…), 1 excluded by --exclude`.
    pub(crate) fn nothing_found(&self) -> Message {
        Message::new("skip.none").arg("skipped", self.describe())
    }
}

/// What a scan found: the files to check, and what it skipped.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Sorted by `display`; each file once.
    pub inputs: Vec<Input>,
    pub skipped: Skipped,
}

/// Expands paths into files. A path given that does not exist is an error
/// for the whole run; everything below it is an entry.
pub(crate) fn discover(paths: &[PathBuf], walk: &Walk) -> Result<Vec<Input>, Error> {
    scan(paths, walk).map(|found| found.inputs)
}

/// Expands paths into files, counting what was skipped. A file reached twice
/// (`a.toml`, `./a.toml`, `d/../a.toml`, through a directory given, through
/// a symlink) is kept once, under the first spelling given; the files are
/// then sorted by their spelling.
pub(crate) fn scan(paths: &[PathBuf], walk: &Walk) -> Result<Found, Error> {
    let mut found = Found::default();
    // Every entry in the order found, and whether it was found by walking
    // (not named): told apart and looked at once all are in.
    let mut all: Vec<(Input, bool)> = Vec::new();
    let mut keep = |i: Input, by_walking: bool| all.push((i, by_walking));
    for p in paths {
        if let Err(e) = std::fs::symlink_metadata(p) {
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) {
                return Err(Error::NoSuchPath { path: display(p) });
            }
            // It may well exist (a folder on the way that cannot be searched,
            // a symlink loop): the entry's problem, with the real error, and
            // the other paths are still checked.
            let why = Message::new("pf001.unreadable").arg("error", e.to_string());
            keep(input(p, Some(why)), false);
            continue;
        }
        if !p.is_dir() {
            // A file named on the command line is checked whatever its name.
            keep(input(p, None), false);
            continue;
        }
        let mut ignores = Ignores::new(p, walk.no_ignore);
        let mut entries = WalkDir::new(p)
            .follow_links(walk.follow_symlinks)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = entries.next() {
            match entry {
                Ok(e) if e.depth() == 0 => {
                    if !walk.no_ignore {
                        ignores.push(0, e.path());
                    }
                }
                Ok(e) => {
                    ignores.enter(e.depth());
                    let rel = e.path().strip_prefix(p).unwrap_or(e.path());
                    let shown = display(e.path());
                    match walk.skip(&e, rel, &shown, &ignores) {
                        Some(why) => {
                            found.skipped.add(why);
                            if e.file_type().is_dir() {
                                entries.skip_current_dir();
                            }
                        }
                        None if e.file_type().is_file() => {
                            keep(Input::new(e.path().to_path_buf(), shown), true)
                        }
                        None => {
                            if !walk.no_ignore {
                                ignores.push(e.depth(), e.path());
                            }
                        }
                    }
                }
                Err(err) => {
                    let path = err.path().map_or_else(|| p.clone(), Path::to_path_buf);
                    let why = match err.loop_ancestor() {
                        Some(a) => Message::new("walk.loop").arg("path", display(a)),
                        None => Message::new("pf001.unreadable").arg(
                            "error",
                            err.io_error()
                                .map_or_else(|| err.to_string(), ToString::to_string),
                        ),
                    };
                    keep(input(&path, Some(why)), false);
                }
            }
        }
    }
    // Each entry's identity, and whether a walked file is plainly not a
    // plan: on every core when a big tree holds many files; a few are
    // looked at here sooner than threads start (a tenth of a one-plan run).
    // The first entries found keep their handles open, as many as the
    // process may hold with room to spare for everything else.
    let keep = if walk.keep_open { handles_to_keep() } else { 0 };
    let walked = all.iter().filter(|(_, w)| *w).count();
    make_room_for(walked.min(keep));
    let look = |(n, (i, by_walking)): (usize, &(Input, bool))| {
        let how = Tell {
            apart: *by_walking && walk.plans_only,
            keep: n < keep,
            max_bytes: walk.max_bytes,
        };
        look(i, how)
    };
    let looks: Vec<Look> = if walked < READ_APART_FROM || walk.one_thread {
        all.iter().enumerate().map(look).collect()
    } else {
        all.par_iter().enumerate().map(look).collect()
    };
    // Sized once: a large scan's peak memory is here, and doubling would
    // hold the old and the new table at once.
    let mut seen = HashSet::with_capacity(all.len());
    found.inputs.reserve_exact(all.len());
    for ((mut i, _), look) in all.into_iter().zip(looks) {
        if let Identity::Inode(dev, ino) = look.id {
            i.inode = Some((dev, ino));
        }
        if !seen.insert(look.id) {
            continue;
        }
        if look.not_a_plan {
            found.skipped.not_plans += 1;
            continue;
        }
        i.regular = look.regular;
        if let Some(f) = look.file {
            i.kept = Kept::new(f);
        }
        found.inputs.push(i);
    }
    found.inputs.sort_by(|a, b| a.display().cmp(b.display()));
    Ok(found)
}

/// Walked files from which telling plans apart is worth the thread pool.
const READ_APART_FROM: usize = 64;

/// How many walked files may be kept open from discovery to the check:
/// the process's limit on open files, less room for the outputs, the
/// packs and the files read past this many, and at most 16,384 (about
/// 4 MB of the kernel's memory while a scan lasts).
fn handles_to_keep() -> usize {
    const MOST: usize = 1 << 14;
    const ROOM: usize = 256;
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `getrlimit` writes the limit it is asked for into `lim`,
        // which outlives the call.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
            return 0;
        }
        let soft = usize::try_from(lim.rlim_cur).unwrap_or(usize::MAX);
        soft.saturating_sub(ROOM).min(MOST)
    }
    #[cfg(not(unix))]
    {
        // Windows limits handles per process in the millions.
        MOST
    }
}

/// Nearly every plan opens a `[plan]` table before any multi-line string
/// (where a header is only text: rule packs quote plans): known without
/// parsing it. Looks at the first 200 lines, so the first lines of a file
/// answer as the whole file does.
fn opens_a_plan_table(text: &str) -> bool {
    text.lines()
        .take_while(|l| !l.contains("\"\"\"") && !l.contains("'''"))
        .take(200)
        .any(plan_header)
}

/// The top-level keys of plan format v1.
const PLAN_KEYS: [&str; 8] = [
    "format",
    "plan",
    "cdo",
    "governance",
    "support",
    "unit",
    "milestone",
    "waiver",
];

/// A line that opens a table of the plan format (`[plan]`, `[[unit]]`,
/// `[plan.basis]`): such a file is a plan, or a broken one, both checked.
fn plan_header(line: &str) -> bool {
    let Some(rest) = line.trim_start().strip_prefix('[') else {
        return false;
    };
    let name = rest.strip_prefix('[').unwrap_or(rest).trim_start();
    PLAN_KEYS.iter().any(|k| {
        name.strip_prefix(k)
            .is_some_and(|after| matches!(after.trim_start().chars().next(), Some(']' | '.')))
    })
}

/// Is a walked file plainly something else than a plan: valid TOML whose
/// top-level keys are none of the plan format's, nor within two edits of
/// one (case-insensitive), so that a plan with misspelt tables is still
/// checked and told so? A rule pack (a top-level `[pack]` table and no key
/// of the plan format) is not a plan either, though its `[init]` is one
/// edit from `unit`. Anything that cannot be read or parsed, or has no key
/// at all (empty, comments only), is not plainly something else: it is
/// checked, and its findings say what is wrong.
#[cfg(test)]
fn not_a_plan(path: &Path, max_bytes: u64) -> bool {
    crate::read::Peek::open(path).is_ok_and(|f| peek_not_a_plan(&f, max_bytes))
}

/// [`not_a_plan`] on a file opened to be looked at. Most plans say so in
/// their first lines: those are read alone, and the whole file only when
/// they do not.
fn peek_not_a_plan(file: &crate::read::Peek, max_bytes: u64) -> bool {
    let Some(head) = file.head(HEAD_BYTES) else {
        return false;
    };
    if head.len() < HEAD_BYTES && head.len() as u64 <= max_bytes {
        return bytes_not_a_plan(&head);
    }
    if head_is_a_plan(&head) {
        return false;
    }
    file.rest(head, max_bytes)
        .is_some_and(|bytes| bytes_not_a_plan(&bytes))
}

/// How much of a walked file is read first to tell whether it is a plan.
const HEAD_BYTES: usize = 4096;

fn bytes_not_a_plan(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(crate::read::without_bom(bytes)) else {
        return false;
    };
    text_not_a_plan(text)
}

/// Does the start of a file already show a plan's table header, where
/// [`text_not_a_plan`] would find it in the whole text? Only the lines the
/// start holds whole are looked at.
fn head_is_a_plan(head: &[u8]) -> bool {
    let whole = memchr::memrchr(b'\n', head).map_or(&[][..], |end| &head[..=end]);
    match std::str::from_utf8(crate::read::without_bom(whole)) {
        Ok(text) => opens_a_plan_table(text),
        Err(_) => false,
    }
}

/// [`not_a_plan`] on text already read (the language server's buffers).
pub(crate) fn text_not_a_plan(text: &str) -> bool {
    if opens_a_plan_table(text) {
        return false;
    }
    let Ok(doc) = toml::de::DeTable::parse(text) else {
        return false;
    };
    let keys: Vec<String> = doc
        .get_ref()
        .keys()
        .map(|k| k.get_ref().to_lowercase())
        .collect();
    if keys.is_empty() || keys.iter().any(|k| PLAN_KEYS.contains(&k.as_str())) {
        return false;
    }
    if keys.iter().any(|k| k == "pack") {
        return true;
    }
    !keys.iter().any(|k| {
        // A key far longer than every plan key is near none of them.
        k.chars().count() <= 12
            && PLAN_KEYS
                .iter()
                .any(|p| strsim::damerau_levenshtein(k, p) <= 2)
    })
}

/// What makes two entries the same file: the device and inode of a file
/// that can be looked at (whatever the spelling, symlink or hard link);
/// elsewhere its canonical path; otherwise (a dangling link, an entry with
/// a problem) its spelling.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Identity {
    #[cfg_attr(not(unix), allow(dead_code))]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    File(PathBuf),
    Spelling(String),
}

/// Grows the process's table of open files to hold `n` more at once, while
/// in a scan the walk is still its only thread. Linux doubles the table as
/// files are opened, and while other threads share it each growth waits
/// for every core to pass a quiescent point (`synchronize_rcu`): kept open
/// from the pool, 10,000 plans spent about 0.1 s in such waits.
fn make_room_for(n: usize) {
    #[cfg(target_os = "linux")]
    if n > 64 {
        let Ok(top) = libc::c_int::try_from(n + 64) else {
            return;
        };
        // A copy of a standard stream at `top` or above grows the table
        // once; it stays grown when the copy is closed. Without an open
        // standard stream, the table grows as the files are opened.
        for fd in 0..3 {
            // SAFETY: `fcntl(F_DUPFD)` takes no pointer; the copy it makes
            // is closed at once, and no other thread runs yet.
            unsafe {
                let copy = libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, top);
                if copy >= 0 {
                    libc::close(copy);
                    return;
                }
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = n;
}

/// What one look at an entry found.
struct Look {
    id: Identity,
    /// A regular file, as that look found it.
    regular: bool,
    /// A walked file plainly not a plan (only asked with [`Tell::apart`]).
    not_a_plan: bool,
    /// The handle it was looked at through, kept for the check.
    file: Option<Opened>,
}

/// What to ask of one look.
struct Tell {
    /// Tell a walked file apart from other TOML.
    apart: bool,
    /// Keep the handle of a plan so told.
    keep: bool,
    max_bytes: u64,
}

/// Looks at an entry once: to tell it apart, a walked file is opened, its
/// identity read from the handle and its first bytes from the same handle
/// to tell whether it is a plan; otherwise one `stat`.
fn look(i: &Input, tell: Tell) -> Look {
    let peek = (tell.apart && i.problem.is_none())
        .then(|| crate::read::Peek::open(&i.path).ok())
        .flatten();
    let (id, regular) = match &peek {
        #[cfg(unix)]
        Some(f) => {
            use std::os::unix::fs::MetadataExt;
            (
                Identity::Inode(f.meta.dev(), f.meta.ino()),
                f.meta.is_file(),
            )
        }
        _ => identity(i),
    };
    let not_a_plan = peek
        .as_ref()
        .is_some_and(|f| peek_not_a_plan(f, tell.max_bytes));
    let file = peek
        .filter(|_| tell.keep && !not_a_plan)
        .and_then(crate::read::Peek::keep);
    Look {
        id,
        regular,
        not_a_plan,
        file,
    }
}

/// The identity of an entry, and whether it is a regular file, as that one
/// look found it.
fn identity(i: &Input) -> (Identity, bool) {
    if i.problem.is_none() {
        // One `stat`, where resolving the path took a `readlink` per
        // component: a large scan spends its system time on such calls.
        #[cfg(unix)]
        if let Ok(m) = std::fs::metadata(&i.path) {
            use std::os::unix::fs::MetadataExt;
            return (Identity::Inode(m.dev(), m.ino()), m.is_file());
        }
        #[cfg(not(unix))]
        if let Ok(canon) = std::fs::canonicalize(&i.path) {
            return (Identity::File(canon), false);
        }
    }
    (Identity::Spelling(i.display().to_string()), false)
}

fn input(p: &Path, problem: Option<Message>) -> Input {
    Input {
        problem: problem.map(Box::new),
        ..Input::new(p.to_path_buf(), display(p))
    }
}

fn display(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|s| s.starts_with('.') && s != "." && s != "..")
}

/// The directories version control keeps its data in.
fn is_vcs(name: &std::ffi::OsStr) -> bool {
    matches!(
        name.to_str(),
        Some(".git" | ".hg" | ".svn" | ".bzr" | ".jj" | "_darcs" | "CVS")
    )
}

/// Takes `-` out of the paths and reads standard input for it, at most
/// `--max-file-size` bytes (a larger plan is reported, as a file would be),
/// to be checked under `--stdin-filename` (else `-`).
pub(crate) fn stdin_input(
    paths: &mut Vec<PathBuf>,
    stdin_filename: Option<&str>,
    max: u64,
) -> Result<Option<Input>, Error> {
    let dash = |p: &PathBuf| p.as_os_str() == "-";
    let count = paths.iter().filter(|p| dash(p)).count();
    if count == 0 {
        return match stdin_filename {
            Some(_) => Err(Error::StdinFilename),
            None => Ok(None),
        };
    }
    if count > 1 {
        return Err(Error::StdinTwice);
    }
    paths.retain(|p| !dash(p));
    let name = stdin_filename.unwrap_or("-").to_string();
    let display = name.replace('\\', "/");
    let display = display
        .strip_prefix("./")
        .map(str::to_string)
        .unwrap_or(display);
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::io::stdin().lock(), max.saturating_add(1)),
        &mut bytes,
    )
    .map_err(|e| Error::Stdin {
        detail: e.to_string(),
    })?;
    let (bytes, problem) = if bytes.len() as u64 > max {
        let why = Message::new("pf001.too-large").arg("max", max.to_string());
        (None, Some(why))
    } else {
        (Some(std::sync::Arc::new(bytes)), None)
    };
    Ok(Some(Input {
        problem: problem.map(Box::new),
        bytes,
        ..Input::new(PathBuf::from("-"), display)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn plans_are_told_from_their_first_lines_as_from_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let long = "# a note\n".repeat(HEAD_BYTES / 9 + 10);
        let max = 1 << 20;
        // The header in the first lines, or only after them.
        assert!(!not_a_plan(&file("a.toml", "format = 1\n[plan]\n"), max));
        let late = file("b.toml", &format!("{long}[plan]\ntitle = \"x\"\n"));
        assert!(!not_a_plan(&late, max));
        // Other TOML, short and long.
        assert!(not_a_plan(
            &file("c.toml", "[package]\nname = \"x\"\n"),
            max
        ));
        let pack = file("d.toml", &format!("{long}[pack]\nid = \"p\"\n"));
        assert!(not_a_plan(&pack, max));
        // A header the first lines cut in two is found in the whole file.
        let cut = "#".repeat(HEAD_BYTES - 3) + "\n[plan]\n";
        assert!(!not_a_plan(&file("e.toml", &cut), max));
        // Over the cap, nothing is plainly something else: it is checked.
        assert!(!not_a_plan(&file("f.toml", "[package]\nname = \"x\"\n"), 8));
    }

    #[test]
    fn the_message_counts_each_reason() {
        let s = Skipped {
            symlinks: 2,
            excluded: 1,
            ..Skipped::default()
        };
        assert_eq!(
            s.nothing_found().get(Lang::En),
            "no plan files found; 3 entries skipped: 2 symlinks (not followed \
             without --follow-symlinks), 1 excluded by --exclude"
        );
        assert_eq!(
            s.nothing_found().get(Lang::Zh),
            "未找到方案文件；跳过 3 项：2 个符号链接（未使用 --follow-symlinks \
             时不跟随）、1 项被 --exclude 排除"
        );
        let one = Skipped {
            vcs: 1,
            ..Skipped::default()
        };
        assert_eq!(
            one.nothing_found().get(Lang::En),
            "no plan files found; 1 entry skipped: 1 VCS directory"
        );
        assert_eq!(
            Skipped::default().nothing_found().get(Lang::En),
            "no plan files found; 0 entries skipped"
        );
    }
}
