//! `check --fix` and `check --diff`: the safe fixes of a plan's findings
//! (and the document numbers it writes with other brackets than 〔〕)
//! applied as text edits, the text loaded again and fixed again until
//! nothing changes, each pass verified before it is kept: the result must
//! parse, and every value the edits did not touch must be unchanged.

use std::collections::BTreeMap;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::finding::{Edit, FindingCode};
use crate::plan::{self, Table, Value};
use crate::source::{SourceId, Span};

/// Passes at most: a fix can only reveal another (a quoted date in a
/// renamed key), so two are the most seen; the bound keeps a fix that
/// undid another from looping.
pub const PASSES: usize = 4;

/// Passes at most when the finding cap held fixes back (a file shows
/// 1,000 findings of one code, and only those carry fixes): one pass per
/// 1,000, up to this many; a second `--fix` goes on from there.
pub const MAX_PASSES: usize = 16;

/// When a pass's fixes together do not verify, how many are tried one by
/// one; the rest of the pass is left out (counted as refused).
pub const ALONE: usize = 64;

/// What fixing a text gives.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Repaired {
    /// The fixed text (the input's when nothing was fixed).
    pub text: String,
    /// Fixes applied, by code (`PF003`), and [`DOCUMENT_NUMBER`].
    pub counts: BTreeMap<String, usize>,
    /// Safe fixes left out because the text they made did not verify.
    pub refused: usize,
}

/// The count key of document numbers normalised to 〔〕: no finding
/// reports them (GD007 compares document numbers normalised), so they are
/// counted under this name instead of a code.
pub const DOCUMENT_NUMBER: &str = "document-number";

impl Repaired {
    pub fn fixed(&self) -> usize {
        self.counts.values().sum()
    }
}

/// Fixes `text` as `check --fix` does. `None` when it is not TOML: a file
/// with a syntax error is left as it is (its PF001 is reported).
pub fn repair(text: &str) -> Option<Repaired> {
    let mut out = Repaired {
        text: text.to_string(),
        ..Repaired::default()
    };
    // Passes that count toward PASSES: those the cap held nothing back in.
    let mut counted = 0;
    let mut leaves: Option<Vec<Leaf>> = None;
    for pass in 0..MAX_PASSES {
        if counted == PASSES {
            break;
        }
        let loaded = plan::load(SourceId(0), &out.text);
        if loaded.diagnostics.extra.is_empty() {
            counted += 1;
        }
        let Some(root) = loaded.root.as_ref() else {
            // Only the input can fail to parse: every pass is verified.
            return (pass > 0).then_some(out);
        };
        let mut fixes: Vec<(String, Vec<Edit>)> = loaded
            .diagnostics
            .iter()
            .filter_map(|f| {
                let fix = f.fix.as_ref().filter(|x| x.safe)?;
                Some((code_name(&f.code), fix.edits.clone()))
            })
            .collect();
        fixes.extend(
            document_numbers(root, &out.text)
                .into_iter()
                .map(|e| (DOCUMENT_NUMBER.to_string(), e)),
        );
        let fixes = disjoint(fixes);
        if fixes.is_empty() {
            break;
        }
        // The values of the text as it stands: read once, then carried
        // over from each pass's verification.
        let old = match leaves.take() {
            Some(l) => l,
            None => leaves_of(&out.text)?,
        };
        let (kept, refused) = verified(&out.text, &old, fixes);
        out.refused += refused;
        let Some((text, new, kept)) = kept else {
            break;
        };
        for (code, _) in &kept {
            *out.counts.entry(code.clone()).or_default() += 1;
        }
        out.text = text;
        leaves = Some(new);
        if refused > 0 {
            // The fixes refused would come back in the next pass: stop.
            break;
        }
    }
    Some(out)
}

fn code_name(c: &FindingCode) -> String {
    c.as_str().to_string()
}

type Fixes = Vec<(String, Vec<Edit>)>;

/// The fixes whose edits overlap no earlier fix's, in source order.
fn disjoint(mut fixes: Fixes) -> Fixes {
    fixes.sort_by_key(|(_, e)| e.first().map_or(0, |e| e.span.start));
    // Taken spans by start: disjoint, so their ends rise with their starts,
    // and the ones a span may touch are found from the back of a range.
    let mut taken: std::collections::BTreeMap<usize, usize> = Default::default();
    let clashes = |taken: &std::collections::BTreeMap<usize, usize>, s: &Span| {
        taken
            .range(..=s.end)
            .rev()
            .take_while(|(_, end)| **end >= s.start)
            .any(|(start, end)| touches(&(*start..*end), s))
    };
    fixes.retain(|(_, edits)| {
        let clash = edits.iter().any(|e| clashes(&taken, &e.span));
        if !clash {
            taken.extend(edits.iter().map(|e| (e.span.start, e.span.end)));
        }
        !clash
    });
    fixes
}

/// Do two spans overlap (an empty one touching the other counts)?
fn touches(a: &Span, b: &Span) -> bool {
    if a.is_empty() || b.is_empty() {
        a.start <= b.end && b.start <= a.end
    } else {
        a.start < b.end && b.start < a.end
    }
}

/// The text with `fixes` applied, if it verifies; else with those that
/// verify alone. Returns the new text, its values and the fixes kept, and
/// how many were refused.
fn verified(text: &str, old: &[Leaf], fixes: Fixes) -> (Option<(String, Vec<Leaf>, Fixes)>, usize) {
    let edits: Vec<Edit> = fixes.iter().flat_map(|(_, e)| e.iter().cloned()).collect();
    if let Some((t, l)) = apply_checked(text, old, &edits) {
        return (Some((t, l, fixes)), 0);
    }
    // Some fix breaks the plan: keep those that are good alone, trying at
    // most ALONE of them (each try parses the file).
    let total = fixes.len();
    let good: Fixes = fixes
        .into_iter()
        .take(ALONE)
        .filter(|(_, e)| apply_checked(text, old, e).is_some())
        .collect();
    let edits: Vec<Edit> = good.iter().flat_map(|(_, e)| e.iter().cloned()).collect();
    match (good.is_empty(), apply_checked(text, old, &edits)) {
        (false, Some((t, l))) => {
            let refused = total - good.len();
            (Some((t, l, good)), refused)
        }
        _ => (None, total),
    }
}

/// `edits` (disjoint) applied to `text` (whose values are `old`), when the
/// result keeps every value they do not touch; with the result's values.
fn apply_checked(text: &str, old: &[Leaf], edits: &[Edit]) -> Option<(String, Vec<Leaf>)> {
    let new = apply(text, edits)?;
    let leaves = keeps_values(old, &new, edits)?;
    Some((new, leaves))
}

/// `edits`, disjoint, applied to `text`; `None` when a span is not in it.
pub fn apply(text: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in sorted {
        if e.span.start < at || e.span.end < e.span.start {
            return None;
        }
        out.push_str(text.get(at..e.span.start)?);
        out.push_str(&e.text);
        at = e.span.end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

/// One value of a document: the keys to it (each with the span of its
/// key, none for an array position), what it is, and its span.
struct Leaf {
    path: Vec<(String, Option<Span>)>,
    value: String,
    span: Span,
}

/// Every value of a text, in document order; `None` when it does not parse.
fn leaves_of(text: &str) -> Option<Vec<Leaf>> {
    let doc = DeTable::parse(text).ok()?;
    let mut out = Vec::new();
    leaves(doc.get_ref(), &mut Vec::new(), &mut out);
    Some(out)
}

/// Does `new` (the text with `edits` applied) parse, with the same values
/// at the same keys as `old` wherever no edit touched the key or value?
/// Its values when it does.
fn keeps_values(old: &[Leaf], new: &str, edits: &[Edit]) -> Option<Vec<Leaf>> {
    let lb = leaves_of(new)?;
    // Sorted, disjoint spans: whether one is touched is a binary search,
    // not a scan of every edit for every value.
    let mut spans: Vec<&Span> = edits.iter().map(|e| &e.span).collect();
    spans.sort_by_key(|s| (s.start, s.end));
    let edited = |s: &Span| {
        let from = spans.partition_point(|e| e.end < s.start);
        spans[from..]
            .iter()
            .take_while(|e| e.start <= s.end)
            .any(|e| touches(e, s))
    };
    let same = old.len() == lb.len()
        && old.iter().zip(&lb).all(|(x, y)| {
            let same_path = x.path.len() == y.path.len()
                && x.path
                    .iter()
                    .zip(&y.path)
                    .all(|(p, q)| p.0 == q.0 || p.1.as_ref().is_some_and(edited));
            same_path && (x.value == y.value || edited(&x.span))
        });
    same.then_some(lb)
}

fn leaves(t: &DeTable, path: &mut Vec<(String, Option<Span>)>, out: &mut Vec<Leaf>) {
    for (k, v) in t {
        path.push((k.get_ref().to_string(), Some(k.span())));
        leaf(v, path, out);
        path.pop();
    }
}

fn leaf(v: &Spanned<DeValue>, path: &mut Vec<(String, Option<Span>)>, out: &mut Vec<Leaf>) {
    match v.get_ref() {
        DeValue::Table(t) => leaves(t, path, out),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push((i.to_string(), None));
                leaf(item, path, out);
                path.pop();
            }
            // An empty array is a value too.
            if items.is_empty() {
                out.push(Leaf {
                    path: path.clone(),
                    value: "[]".into(),
                    span: v.span(),
                });
            }
        }
        scalar => out.push(Leaf {
            path: path.clone(),
            value: format!("{scalar:?}"),
            span: v.span(),
        }),
    }
}

/// Brackets a document number's year is found in (`粤办函[2021]63号`,
/// `(2021)`, `（2021）`, `【2021】`, `［2021］`, `〔2021]` …).
const OPEN: &[char] = &['[', '(', '（', '【', '［', '〔', '〖', '｛'];
const CLOSE: &[char] = &[']', ')', '）', '】', '］', '〕', '〗', '｝'];

/// The edits writing the year of `plan.document_number` and of each item
/// of `plan.basis` in 〔〕, one fix per string: only a year in the shape
/// of a document number (`〔YYYY〕N号`), in the text as written.
pub fn document_numbers(root: &Table, text: &str) -> Vec<Vec<Edit>> {
    let Some(p) = root.table("plan") else {
        return Vec::new();
    };
    let mut spans: Vec<&Span> = Vec::new();
    if let Some(n) = p.get("document_number") {
        spans.push(&n.span);
    }
    if let Some(Value::List(items)) = p.get("basis").map(|n| &n.value) {
        spans.extend(
            items
                .iter()
                .filter(|n| matches!(n.value, Value::Str(_)))
                .map(|n| &n.span),
        );
    }
    spans
        .into_iter()
        .filter_map(|s| {
            let edits = years(text.get(s.clone())?, s.start);
            (!edits.is_empty()).then_some(edits)
        })
        .collect()
}

/// The edits for each bracketed year in `s` (at offset `base`) not
/// already written `〔YYYY〕` with no space around it: the brackets and the
/// spaces beside them become `〔YYYY〕` (`粤办函 [2021] 63号` → `粤办函〔2021〕63号`).
fn years(s: &str, base: usize) -> Vec<Edit> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(s.len(), |c| c.0);
    let mut edits = Vec::new();
    for (i, &(_, open)) in chars.iter().enumerate() {
        if !OPEN.contains(&open) || i + 6 > chars.len() {
            continue;
        }
        let year = &chars[i + 1..i + 5];
        let close = chars[i + 5].1;
        let is_year = year.iter().all(|(_, c)| c.is_ascii_digit());
        // A document number: the year's bracket, then its serial and 号.
        let after = i
            + 6
            + chars[i + 6..]
                .iter()
                .take_while(|c| c.1.is_whitespace())
                .count();
        let tail = &chars[after..];
        let serial = tail.iter().take_while(|(_, c)| c.is_ascii_digit()).count();
        let numbered = serial > 0 && tail.get(serial).is_some_and(|(_, c)| *c == '号');
        if !(is_year && CLOSE.contains(&close) && numbered) {
            continue;
        }
        // Spaces after the issuer's name (粤办函 [2021]) go; after a comma stay.
        let spaces = chars[..i]
            .iter()
            .rev()
            .take_while(|c| c.1.is_whitespace())
            .count();
        let named = i > spaces && chars[i - spaces - 1].1.is_alphabetic();
        let before = if named { spaces } else { 0 };
        let span = end_of(i - before)..end_of(after);
        let year: String = year.iter().map(|c| c.1).collect();
        let text = format!("〔{year}〕");
        if s[span.clone()] != text {
            edits.push(Edit {
                span: base + span.start..base + span.end,
                text,
            });
        }
    }
    edits
}

/// The unified diff of a fix (`--- a/PATH`, `+++ b/PATH`), empty when
/// nothing changed.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    // Patience: the unchanged lines that occur once anchor the diff, so a
    // file with thousands of fixed lines is not a Myers worst case.
    similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers_take_the_bracket_of_the_year() {
        let s =
            "粤办函[2021]63号 and 深府（2020）89号, 〔2021〕1号, 粤办函 [2021] 63号, (2021) alone";
        let fixed = apply(s, &years(s, 0)).unwrap();
        assert_eq!(
            fixed,
            "粤办函〔2021〕63号 and 深府〔2020〕89号, 〔2021〕1号, 粤办函〔2021〕63号, (2021) alone"
        );
        assert!(years("粤办函〔2021〕63号", 0).is_empty());
    }

    #[test]
    fn a_fix_that_changes_another_value_is_refused() {
        let old = "a = 1\nb = 2\n";
        let edits = [Edit {
            span: 4..5,
            text: "1\nc = 3".into(),
        }];
        let leaves = leaves_of(old).unwrap();
        assert!(apply_checked(old, &leaves, &edits).is_none());
        let edits = [Edit {
            span: 10..11,
            text: "3".into(),
        }];
        let fixed = apply_checked(old, &leaves, &edits).map(|(t, _)| t);
        assert_eq!(fixed.as_deref(), Some("a = 1\nb = 3\n"));
    }

    #[test]
    fn repair_is_idempotent_and_leaves_broken_toml_alone() {
        let text = "format = 1\n[plan]\n# note\nsigned = \"2021年9月5日\" # kept\nlevel = \"Prefecture\"\n";
        let r = repair(text).unwrap();
        assert_eq!(
            r.text,
            "format = 1\n[plan]\n# note\nsigned = 2021-09-05 # kept\nlevel = \"prefecture\"\n"
        );
        assert_eq!(r.fixed(), 2);
        let again = repair(&r.text).unwrap();
        assert_eq!((again.fixed(), again.text), (0, r.text));
        assert_eq!(repair("[plan\nsigned = \"2021-09-05\""), None);
    }

    #[test]
    fn every_fixture_fixes_idempotently() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        let mut fixed = 0;
        for dir in ["rules/tests", "examples", "tests"] {
            for e in walkdir::WalkDir::new(format!("{root}{dir}")) {
                let e = e.unwrap();
                if e.path().extension().is_none_or(|x| x != "toml") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(e.path()) else {
                    continue;
                };
                let Some(r) = repair(&text) else { continue };
                fixed += r.fixed();
                let again = repair(&r.text).unwrap();
                assert_eq!(again.fixed(), 0, "{}", e.path().display());
            }
        }
        assert!(fixed > 0, "some fixture has something to fix");
    }

    #[test]
    fn a_pass_keeps_the_fixes_that_verify_and_refuses_the_others() {
        let text = "a = \"1\"\nb = 2\n";
        let edit = |span: Span, text: &str| {
            vec![Edit {
                span,
                text: text.into(),
            }]
        };
        let fixes = vec![
            ("GOOD".to_string(), edit(4..7, "1")),
            // Adds a key: a value the plan did not have.
            ("BAD".to_string(), edit(12..13, "2\nc = 3")),
        ];
        let leaves = leaves_of(text).unwrap();
        let (kept, refused) = verified(text, &leaves, fixes);
        let (new, _, kept) = kept.unwrap();
        assert_eq!(new, "a = 1\nb = 2\n");
        assert_eq!((kept.len(), kept[0].0.as_str(), refused), (1, "GOOD", 1));
    }

    #[test]
    fn overlapping_fixes_keep_the_first() {
        let e = |s: Span| {
            vec![Edit {
                span: s,
                text: String::new(),
            }]
        };
        let kept = disjoint(vec![
            ("A".into(), e(0..4)),
            ("B".into(), e(2..6)),
            ("C".into(), e(6..7)),
        ]);
        let names: Vec<_> = kept.iter().map(|k| k.0.as_str()).collect();
        assert_eq!(names, ["A", "C"]);
    }
}
