//! `--output letters=DIR`: for every plan that fails, a draft review letter
//! (审核意见) the auditor edits and sends: `DIR/<path>/<stem>.docx` (Word,
//! what government offices exchange) and `.md`, the plan's path as
//! reported mirrored under DIR (json-output.md, "Outputs that are
//! folders"). No letter for a plan that passes.
//!
//! A letter is a list of paragraphs ([`Para`]) rendered twice: as
//! Markdown and as a minimal WordprocessingML package (document, styles,
//! relationships; no template; [`super::package`]). Each is built on the
//! worker that checked its plan ([`Prep`]) and written whole by a writer
//! thread, handed over 16 files at a time (at most 96 held): nothing is
//! kept for the end of the run. A new letter is written in place (removed
//! if the run is interrupted); one that replaces a file goes through a
//! temporary file and a rename.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use flate2::write::DeflateEncoder;
use flate2::Compression;

use super::audit::{self, CiteView, FindingView, PlanView, Shared};
use super::package::{Entry, Zip};
use super::{Config, Emitter, Finish, Part, Prepare};
use crate::lang::Lang;
use crate::report::{FileReport, Status};
use crate::source::SourceDb;

/// Stands in for the letters where an emitter is asked for by format
/// alone (a stream): the command line refuses `letters` on standard
/// output before anything is checked, so this writes nothing.
pub struct Refused;

impl Emitter for Refused {
    fn file(&mut self, _: &mut dyn Write, _: &FileReport, _: &SourceDb) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, _: &mut dyn Write, _: &Finish) -> io::Result<()> {
        Ok(())
    }
}

/// Letter files handed to the writer thread at a time: one wake-up of the
/// thread per batch, not per file (a thread woken for each of 7,772 files
/// cost as many context switches).
const BATCH: usize = 16;

/// Batches waiting for the writer thread: enough to keep it busy, few
/// enough to bound memory (a letter is a few kilobytes).
const QUEUE: usize = 4;

type Job = (PathBuf, Vec<u8>);

pub struct Letters<'a> {
    cfg: Config<'a>,
    dir: PathBuf,
    /// Files are written on a thread of their own: creating thousands of
    /// small files costs the file system more than building them, and the
    /// checks need not wait for it.
    queue: Option<std::sync::mpsc::SyncSender<Vec<Job>>>,
    writer: Option<std::thread::JoinHandle<io::Result<()>>>,
    /// Files not yet handed to the writer.
    batch: Vec<Job>,
}

impl<'a> Letters<'a> {
    pub fn new(cfg: Config<'a>, dir: PathBuf) -> Self {
        Letters {
            cfg,
            dir,
            queue: None,
            writer: None,
            batch: Vec::new(),
        }
    }

    fn send(&mut self, job: Job) -> io::Result<()> {
        self.batch.push(job);
        if self.batch.len() < BATCH {
            return Ok(());
        }
        self.hand_over()
    }

    /// Hands the batch to the writer thread, started on the first.
    fn hand_over(&mut self) -> io::Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        if self.queue.is_none() {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Job>>(QUEUE);
            self.queue = Some(tx);
            self.writer = Some(std::thread::spawn(move || {
                // The folder last made: letters of one folder's plans
                // arrive together, and making it again is two system calls.
                let mut made = None;
                for (path, bytes) in rx.into_iter().flatten() {
                    write_letter(&path, &bytes, &mut made)?;
                }
                Ok(())
            }));
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        let sent = self.queue.as_ref().map(|q| q.send(batch));
        match sent {
            Some(Ok(())) => Ok(()),
            // The writer stopped on an error: report it.
            _ => self.join(),
        }
    }

    /// Waits for the writer; its first error, if any.
    fn join(&mut self) -> io::Result<()> {
        self.queue = None;
        match self.writer.take().map(|w| w.join()) {
            None | Some(Ok(Ok(()))) => Ok(()),
            Some(Ok(Err(e))) => Err(e),
            Some(Err(_)) => Err(io::Error::other("the letter writer stopped")),
        }
    }
}

/// One letter file, its folders made (unless `made` is its folder),
/// never left half-written.
fn write_letter(path: &Path, bytes: &[u8], made: &mut Option<PathBuf>) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        if made.as_deref() != Some(parent) {
            std::fs::create_dir_all(parent).map_err(|e| named(e, parent))?;
            *made = Some(parent.to_path_buf());
        }
    }
    crate::atomic::write_new_unsynced(path, bytes).map_err(|e| named(e, path))
}

/// Where a plan's letter goes, without its extension: the reported path
/// under `dir`, its file name's extension dropped. A path that climbs
/// (`..`) or is absolute stays inside `dir`: `..` becomes `_up_`, the
/// root is dropped.
pub fn target(dir: &Path, path: &str) -> PathBuf {
    let mut out = dir.to_path_buf();
    let p = Path::new(path);
    let parts: Vec<Component> = p.components().collect();
    for (i, c) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        match c {
            Component::Normal(s) if last => {
                let stem = Path::new(s).file_stem().unwrap_or(s);
                out.push(stem);
            }
            Component::Normal(s) => out.push(s),
            Component::ParentDir => out.push("_up_"),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    if out == dir {
        out.push("plan");
    }
    out
}

/// The letter's files for a plan: `.docx` and `.md`.
pub fn files(dir: &Path, path: &str) -> [PathBuf; 2] {
    // Appended, not `with_extension`: a stem may hold dots (`a.b.toml`).
    let t = target(dir, path).into_os_string();
    let with = |ext: &str| {
        let mut p = t.clone();
        p.push(ext);
        PathBuf::from(p)
    };
    [with(".docx"), with(".md")]
}

/// One plan's letter: its files and their bytes, built on the worker
/// that checked the plan ([`Prep`]).
pub struct Files([Job; 2]);

/// Builds letters on the workers.
pub struct Prep<'a> {
    pub cfg: Config<'a>,
    pub dir: PathBuf,
}

impl Prepare for Prep<'_> {
    fn prepare(&self, _: usize, report: &FileReport, _: &SourceDb, view: &Shared) -> Part {
        Part::Letter(build(self.cfg, &self.dir, report, view))
    }
}

/// The letter of a failing plan; `None` for one that passes.
fn build(cfg: Config, dir: &Path, report: &FileReport, view: &Shared) -> io::Result<Option<Files>> {
    if report.status != Status::Fail {
        return Ok(None);
    }
    let lang = cfg.lang;
    let v = view.get(report, cfg.rules, lang);
    let letter = letter(&v.plan, &v.findings, cfg.run, lang);
    let [docx_path, md_path] = files(dir, &report.path);
    Ok(Some(Files([
        (docx_path, docx(&letter, lang)?),
        (md_path, markdown(&letter).into_bytes()),
    ])))
}

impl Emitter for Letters<'_> {
    fn file(&mut self, w: &mut dyn Write, report: &FileReport, db: &SourceDb) -> io::Result<()> {
        let part = Part::Letter(build(self.cfg, &self.dir, report, &Shared::default()));
        self.prepared(w, report, db, part)
    }

    fn prepared(
        &mut self,
        w: &mut dyn Write,
        report: &FileReport,
        db: &SourceDb,
        part: Part,
    ) -> io::Result<()> {
        match part {
            Part::Letter(letter) => match letter? {
                Some(Files(jobs)) => jobs.into_iter().try_for_each(|j| self.send(j)),
                None => Ok(()),
            },
            _ => self.file(w, report, db),
        }
    }

    fn finish(&mut self, _: &mut dyn Write, _: &Finish) -> io::Result<()> {
        self.hand_over()?;
        self.join()
    }
}

fn named(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// A paragraph of a letter.
#[derive(Clone, Debug, PartialEq)]
pub enum Para {
    Title(String),
    Heading(String),
    /// A rule's group of problems, under a heading.
    Rule(String),
    Body(String),
    /// A numbered problem's first line.
    Item(String),
    /// Detail under an item: place, clause, correction.
    Detail(String),
    Quote(String),
    /// To be filled in by the auditor.
    Placeholder(String),
}

impl Para {
    fn text(&self) -> &str {
        match self {
            Para::Title(t)
            | Para::Heading(t)
            | Para::Rule(t)
            | Para::Body(t)
            | Para::Item(t)
            | Para::Detail(t)
            | Para::Quote(t)
            | Para::Placeholder(t) => t,
        }
    }
}

fn say(id: &'static str, lang: Lang) -> String {
    audit::say(id, lang)
}

fn say_with<const N: usize>(
    id: &'static str,
    args: [(&'static str, String); N],
    lang: Lang,
) -> String {
    audit::say_with(id, args, lang)
}

/// The letter's paragraphs. `run`: what the run was judged against, for
/// the line that ties the letter to the bytes reviewed.
pub fn letter(
    plan: &PlanView,
    findings: &[FindingView],
    run: Option<&crate::evidence::RunInfo>,
    lang: Lang,
) -> Vec<Para> {
    let title = plan.title.clone().unwrap_or_else(|| plan.path.clone());
    let issuer = plan
        .issuer
        .clone()
        .unwrap_or_else(|| say("letter.issuer-unknown", lang));
    let mut out = vec![
        Para::Title(say_with("letter.title", [("title", title.clone())], lang)),
        Para::Body(say_with("letter.to", [("issuer", issuer)], lang)),
    ];
    let number = plan
        .document_number
        .clone()
        .unwrap_or_else(|| say("letter.no-number", lang));
    let date = plan
        .published
        .as_deref()
        .map(|d| date_in(d, lang))
        .unwrap_or_else(|| say("letter.no-date", lang));
    out.push(Para::Body(say_with(
        "letter.opening",
        [
            ("title", title),
            ("number", number),
            ("date", date),
            ("path", plan.path.clone()),
        ],
        lang,
    )));
    let (waived, open): (Vec<&FindingView>, Vec<&FindingView>) =
        findings.iter().partition(|f| f.waiver.is_some());
    // Errors first, then warnings, then notes; by code within each.
    let mut groups: BTreeMap<(crate::finding::Severity, &str), Vec<&FindingView>> = BTreeMap::new();
    for f in &open {
        groups
            .entry((f.severity, f.code.as_str()))
            .or_default()
            .push(f);
    }
    out.push(Para::Heading(say("letter.problems", lang)));
    let mut n = 0;
    for ((_, code), fs) in &groups {
        out.push(Para::Rule(say_with(
            "letter.rule",
            [
                ("code", code.to_string()),
                ("count", fs.len().to_string()),
                ("severity", fs[0].severity_word.clone()),
            ],
            lang,
        )));
        // A rule's findings rest on its one clause: quoted once, under the
        // rule, not once per problem (a rule of nine findings quoted it nine
        // times, a third of the letter).
        let first = fs[0].citation.as_deref();
        let shared = fs.iter().all(|f| f.citation.as_deref() == first);
        if let (true, Some(c)) = (shared, first) {
            clause(&mut out, c, lang);
        }
        for f in fs {
            n += 1;
            out.push(Para::Item(say_with(
                "letter.item",
                [
                    ("n", n.to_string()),
                    ("code", f.code.clone()),
                    ("message", f.message.clone()),
                ],
                lang,
            )));
            let place = match &f.unit {
                Some(u) => say_with(
                    "letter.where.unit",
                    [
                        ("line", f.line.to_string()),
                        ("column", f.column.to_string()),
                        ("unit", u.clone()),
                    ],
                    lang,
                ),
                None => say_with(
                    "letter.where",
                    [
                        ("line", f.line.to_string()),
                        ("column", f.column.to_string()),
                    ],
                    lang,
                ),
            };
            out.push(Para::Detail(place));
            if !shared {
                if let Some(c) = &f.citation {
                    clause(&mut out, c, lang);
                }
            }
            if let Some(h) = &f.help {
                out.push(Para::Detail(say_with(
                    "letter.correct",
                    [("help", h.clone())],
                    lang,
                )));
            }
        }
    }
    if !waived.is_empty() {
        out.push(Para::Heading(say("letter.waivers", lang)));
        for (i, f) in waived.iter().enumerate() {
            let (reason, by) = f
                .waiver
                .as_ref()
                .map(|w| (w.reason.clone(), w.approved_by.clone()))
                .unwrap_or_default();
            out.push(Para::Item(say_with(
                "letter.waiver",
                [
                    ("n", (i + 1).to_string()),
                    ("code", f.code.clone()),
                    ("message", f.message.clone()),
                    ("reason", reason),
                    ("approved_by", by),
                ],
                lang,
            )));
        }
    }
    // Audit evidence: the day, the packs and the file's SHA-256, as in the
    // JSON report of the same run.
    if let (Some(run), Some(sha256)) = (run, &plan.sha256) {
        let packs = plan.packs.join(&say("list.separator", lang));
        let id = match packs.is_empty() {
            true => "letter.basis.no-packs",
            false => "letter.basis",
        };
        out.push(Para::Body(say_with(
            id,
            [
                ("today", date_in(&run.today, lang)),
                ("packs", packs),
                ("sha256", sha256.clone()),
            ],
            lang,
        )));
    }
    out.push(Para::Body(say("letter.closing", lang)));
    out.push(Para::Placeholder(say("letter.deadline", lang)));
    out.push(Para::Placeholder(say("letter.signature", lang)));
    out.push(Para::Placeholder(say("letter.date", lang)));
    out
}

/// The clause a problem rests on: the document and section, provenance and
/// source, then the words quoted.
fn clause(out: &mut Vec<Para>, c: &CiteView, lang: Lang) {
    let source = c
        .source
        .clone()
        .unwrap_or_else(|| say("letter.source-unknown", lang));
    out.push(Para::Detail(say_with(
        "letter.clause",
        [
            ("clause", c.clause.clone()),
            ("provenance", c.provenance.clone()),
            ("source", source),
        ],
        lang,
    )));
    out.extend(c.quotes.iter().cloned().map(Para::Quote));
}

/// A date as a letter writes it: `2021年8月9日` in Chinese, ISO in English.
fn date_in(iso: &str, lang: Lang) -> String {
    let parts: Vec<u32> = iso.split('-').filter_map(|p| p.parse().ok()).collect();
    match (lang, parts.as_slice()) {
        (Lang::Zh, [y, m, d]) => format!("{y}年{m}月{d}日"),
        _ => iso.to_string(),
    }
}

/// Text in Markdown, appended to `out`: outside `code spans` (which the
/// messages use for keys and values) markup characters are escaped, so a
/// plan cannot inject headings, links or HTML into the letter; inside them
/// nothing needs it.
fn push_md(out: &mut String, s: &str) {
    let mut code = false;
    // Runs without a backtick or markup are copied whole: all these
    // characters are ASCII, so every cut is a character boundary.
    let mut from = 0;
    let bytes = s.as_bytes();
    let mut i = crate::text::next_in(bytes, 0, &MD_LOOK);
    while let Some(&b) = bytes.get(i) {
        if b == b'`' {
            code = !code;
        } else if !code {
            out.push_str(&s[from..i]);
            out.push('\\');
            from = i;
        }
        i = crate::text::next_in(bytes, i + 1, &MD_LOOK);
    }
    out.push_str(&s[from..]);
    if code {
        // An unbalanced backtick from plan text: close the span.
        out.push('`');
    }
}

/// The bytes [`push_md`] looks at: the backtick and Markdown's markup.
const MD_LOOK: [bool; 256] = crate::text::byte_table(false, b"`\\*_[]<>#|!~");

pub fn markdown(letter: &[Para]) -> String {
    let mut out = String::with_capacity(size(letter, 8));
    for p in letter {
        let (open, text, close) = match p {
            Para::Title(t) => ("# ", t, ""),
            Para::Heading(t) => ("## ", t, ""),
            Para::Rule(t) => ("### ", t, ""),
            Para::Body(t) | Para::Placeholder(t) => ("", t, ""),
            Para::Item(t) => ("**", t, "**"),
            Para::Detail(t) => ("- ", t, ""),
            Para::Quote(t) => ("> ", t, ""),
        };
        out.push_str(open);
        push_md(&mut out, text);
        out.push_str(close);
        out.push_str("\n\n");
    }
    out
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Official-letter typography (GB/T 9704): the title in a bold black face
/// at 22 pt, the body in FangSong at 16 pt; Latin text in Times New Roman.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="FangSong" w:cs="Times New Roman"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="360" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/><w:spacing w:before="240" w:after="360"/></w:pPr><w:rPr><w:rFonts w:eastAsia="SimHei"/><w:b/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240"/></w:pPr><w:rPr><w:rFonts w:eastAsia="SimHei"/><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="120"/><w:ind w:left="320"/></w:pPr><w:rPr><w:rFonts w:eastAsia="KaiTi"/><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Item"><w:name w:val="Item"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="120"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Detail"><w:name w:val="Detail"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="640"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="1280"/></w:pPr><w:rPr><w:rFonts w:eastAsia="KaiTi"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Placeholder"><w:name w:val="Placeholder"/><w:basedOn w:val="Normal"/><w:rPr><w:highlight w:val="yellow"/></w:rPr></w:style></w:styles>"#;

/// About how long a letter's text is with `per` bytes of markup around
/// each paragraph: enough to write it without growing the buffer often.
fn size(letter: &[Para], per: usize) -> usize {
    letter.iter().map(|p| p.text().len() + per).sum()
}

/// The body of `word/document.xml`.
pub fn document_xml(letter: &[Para], lang: Lang) -> String {
    let mut out = String::with_capacity(size(letter, 140) + 512);
    out.push_str(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
    );
    let indent = lang == Lang::Zh;
    for p in letter {
        let (style, text) = match p {
            Para::Title(t) => ("Title", t),
            Para::Heading(t) => ("Heading1", t),
            Para::Rule(t) => ("Heading2", t),
            Para::Body(t) => ("Normal", t),
            Para::Item(t) => ("Item", t),
            Para::Detail(t) => ("Detail", t),
            Para::Quote(t) => ("Quote", t),
            Para::Placeholder(t) => ("Placeholder", t),
        };
        // A Chinese letter's body paragraphs open with a two-character indent.
        let ind = if indent && style == "Normal" && !text.ends_with('：') {
            r#"<w:ind w:firstLineChars="200" w:firstLine="640"/>"#
        } else {
            ""
        };
        out.push_str(r#"<w:p><w:pPr><w:pStyle w:val=""#);
        out.push_str(style);
        out.push_str(r#""/>"#);
        out.push_str(ind);
        out.push_str(r#"</w:pPr><w:r><w:t xml:space="preserve">"#);
        // Escaped, and the characters XML forbids replaced.
        crate::text::push_xml(&mut out, text);
        out.push_str("</w:t></w:r></w:p>");
    }
    out.push_str(r#"<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>"#);
    out
}

/// The parts every letter's package holds, deflated once for the run (a
/// compressor's state, hundreds of kilobytes, per letter fragmented the
/// heap; stored, they were 3 KB of every letter).
fn common_parts() -> &'static [(&'static str, Entry, Vec<u8>)] {
    static PARTS: OnceLock<Vec<(&'static str, Entry, Vec<u8>)>> = OnceLock::new();
    PARTS.get_or_init(|| {
        [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            ("word/_rels/document.xml.rels", DOC_RELS),
            ("word/styles.xml", STYLES),
        ]
        .into_iter()
        .map(|(name, text)| {
            let mut z = DeflateEncoder::new(Vec::new(), Compression::best());
            // Writing to memory cannot fail.
            let packed = z.write_all(text.as_bytes()).and_then(|()| z.finish());
            let packed = packed.unwrap_or_default();
            let entry = Entry {
                deflated: true,
                crc: crc32fast::hash(text.as_bytes()),
                size: text.len() as u64,
                packed: packed.len() as u64,
            };
            (name, entry, packed)
        })
        .collect()
    })
}

/// The .docx package: the same bytes for the same letter.
pub fn docx(letter: &[Para], lang: Lang) -> io::Result<Vec<u8>> {
    let document = document_xml(letter, lang);
    let mut out = Vec::with_capacity(document.len() + 4096);
    let mut zip = Zip::new(&mut out);
    for (name, entry, packed) in common_parts() {
        zip.entry(name, entry.clone(), |w| w.write_all(packed))?;
    }
    // The letter itself is stored: deflating tens of kilobytes per letter
    // cost more than writing them.
    zip.stored("word/document.xml", document.as_bytes())?;
    zip.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_mirror_the_path_inside_the_folder() {
        let d = Path::new("out");
        assert_eq!(target(d, "plans/a/sz.toml"), Path::new("out/plans/a/sz"));
        assert_eq!(target(d, "./sz.toml"), Path::new("out/sz"));
        assert_eq!(target(d, "../x/sz.toml"), Path::new("out/_up_/x/sz"));
        assert_eq!(target(d, "/abs/sz.toml"), Path::new("out/abs/sz"));
        assert_eq!(target(d, ""), Path::new("out/plan"));
        assert_eq!(files(d, "a.b.toml")[0], Path::new("out/a.b.docx"));
    }

    fn md_text(s: &str) -> String {
        let mut out = String::new();
        push_md(&mut out, s);
        out
    }

    #[test]
    fn markdown_from_plans_cannot_mark_up() {
        assert_eq!(
            md_text("# <b>x</b> [l](u)"),
            "\\# \\<b\\>x\\</b\\> \\[l\\](u)"
        );
        assert_eq!(md_text("unit `a_b*`"), "unit `a_b*`");
        assert_eq!(md_text("odd `tick"), "odd `tick`");
    }
}
