//! Quick fixes: each finding's `fix` (a repair as text edits) as a code
//! action, and, for a finding of a waivable rule, a `[[waiver]]` skeleton
//! appended at the end of the file.

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, TextEdit, WorkspaceEdit};

use super::{diagnostics, Env};
use crate::finding::{Finding, FindingCode};
use crate::message::Message;

pub(crate) fn actions(env: &Env, range: std::ops::Range<usize>) -> Vec<CodeActionOrCommand> {
    let Some(a) = env.analysis else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in a.findings.iter().filter(|f| a.in_plan(&f.at)) {
        let span = f.at.span.start + a.shift..f.at.span.end + a.shift;
        // Overlapping, or touching an empty range (the cursor).
        if span.start > range.end || span.end < range.start {
            continue;
        }
        let diag = diagnostics::diagnostic(a, f, &env.lines, env.uri);
        if let Some(fix) = &f.fix {
            let edits = fix
                .edits
                .iter()
                .map(|e| (e.span.start + a.shift..e.span.end + a.shift, e.text.clone()))
                .collect();
            out.push(action(env, fix.title.get(env.lang), edits, fix.safe, &diag));
        }
        if let Some(text) = waiver(env, f) {
            let end = env.text.len();
            let title = Message::new("lsp.action.waiver")
                .arg("code", f.code.as_str())
                .get(env.lang);
            out.push(action(env, title, vec![(end..end, text)], false, &diag));
        }
    }
    out
}

fn action(
    env: &Env,
    title: String,
    edits: Vec<(std::ops::Range<usize>, String)>,
    preferred: bool,
    diag: &lsp_types::Diagnostic,
) -> CodeActionOrCommand {
    let edits = edits
        .into_iter()
        .map(|(span, new_text)| TextEdit {
            range: env.lines.range(&span),
            new_text,
        })
        .collect();
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diag.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(env.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    })
}

/// The `[[waiver]]` a finding of a waivable rule could be excused by, as
/// text to append: its rule, its unit, and placeholders (plan-format.md,
/// "Placeholders") the planner must fill in, `expires` included, so that
/// an unfilled waiver is CORE008 and excuses nothing.
pub(crate) fn waiver(env: &Env, f: &Finding) -> Option<String> {
    let ctx = env.ctx?;
    let FindingCode::Rule(id) = &f.code else {
        return None;
    };
    let rule = ctx.rules.rule(id)?;
    if !rule.waivable || f.waived.is_some() {
        return None;
    }
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut s = String::new();
    if !env.text.is_empty() && !env.text.ends_with('\n') {
        s.push('\n');
    }
    s.push_str("\n[[waiver]]\n");
    s.push_str(&format!("rule = {}\n", quote(id)));
    if let Some(unit) = &f.unit {
        s.push_str(&format!("unit = {}\n", quote(unit)));
    }
    let lang = env.lang;
    s.push_str(&format!(
        "reason = {}\n",
        quote(&Message::new("lsp.waiver.reason").get(lang))
    ));
    s.push_str(&format!(
        "approved_by = {}\n",
        quote(&Message::new("lsp.waiver.approved-by").get(lang))
    ));
    s.push_str("expires = \"<YYYY-MM-DD>\"\n");
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Code, Edit, Fix, Location};
    use crate::lang::Lang;
    use crate::lsp::{Analysis, Ctx, Encoding, Lines};
    use crate::rules::Rules;
    use crate::source::{Source, SourceDb};
    use lsp_types::{Position, Range, Uri};
    use std::rc::Rc;

    /// A hand-made finding carrying a fix (the loader makes them on the
    /// i11-fix branch): its edits become the action's, in UTF-16 positions
    /// after Chinese text and an emoji, and a safe fix is preferred.
    #[test]
    fn a_findings_fix_becomes_a_quick_fix() {
        let text = "[plan]\ntitle_zh = \"江门😀\"; rnak = 1\n";
        let mut sources = SourceDb::default();
        let rules = Rules::builtin(&mut sources).unwrap();
        let mut db = sources.fork();
        let source = db.add(Source::new("p.toml", text));
        let at = text.find("rnak").unwrap();
        let span = at..at + 4;
        let mut f = Code::PF002.at(
            Location {
                source,
                span: span.clone(),
            },
            Message::plain("unknown key"),
        );
        f.fix = Some(Fix {
            title: Message::plain("rename `rnak` to `rank`"),
            edits: vec![Edit {
                span,
                text: "rank".into(),
            }],
            safe: true,
        });
        let ctx = Rc::new(Ctx {
            rules,
            sources,
            lang: Lang::En,
            require: Vec::new(),
            shipped: Default::default(),
            modified: None,
        });
        let analysis = Analysis {
            ctx: ctx.clone(),
            db,
            findings: vec![f],
            display: "p.toml".into(),
            shift: 0,
        };
        let uri: Uri = "file:///p.toml".parse().unwrap();
        let env = Env {
            text,
            lines: Lines::new(text, Encoding::Utf16),
            analysis: Some(&analysis),
            lang: Lang::En,
            uri: &uri,
            packs: &[],
            ctx: Some(&ctx),
        };
        let got = actions(&env, at + 1..at + 1);
        assert_eq!(got.len(), 1, "a format finding offers no waiver");
        let CodeActionOrCommand::CodeAction(a) = &got[0] else {
            panic!("{got:?}")
        };
        assert_eq!(a.title, "rename `rnak` to `rank`");
        assert_eq!(a.is_preferred, Some(true));
        let edits = &a.edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri];
        // `title_zh = "江门😀"; ` is 19 UTF-16 units: the emoji counts two.
        let start = Position::new(1, 19);
        assert_eq!(edits[0].range, Range::new(start, Position::new(1, 23)));
        assert_eq!(edits[0].new_text, "rank");
        // Outside the finding's span: nothing.
        assert!(actions(&env, 0..3).is_empty());
    }
}
