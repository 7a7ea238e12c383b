//! Hover: on a finding's span, its rule as `explain` tells it (statement,
//! citation with provenance and source, why it matters); on a key or
//! header, what the plan format says of it; on a unit id, the unit.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::completion::{describe, fields, meaning, type_words};
use super::scan::{self, Outline};
use super::Env;
use crate::lang::Lang;
use crate::message::Message;
use crate::plan::schema::{self, Ty};

pub(crate) fn hover(env: &Env, offset: usize) -> Option<Hover> {
    let mut parts: Vec<String> = Vec::new();
    let mut range = None;
    if let Some(a) = env.analysis {
        let mut seen = Vec::new();
        for f in a.findings.iter().filter(|f| a.in_plan(&f.at)) {
            let span = f.at.span.start + a.shift..f.at.span.end + a.shift;
            if !(span.start..=span.end).contains(&offset) || seen.contains(&f.code) {
                continue;
            }
            seen.push(f.code.clone());
            range.get_or_insert(span);
            let mut s = format!("**{}** {}", f.code, md(&f.message.get(env.lang)));
            if let Some(text) = crate::render::explain::explain(&a.ctx.rules, &f.code, env.lang) {
                s.push_str("\n\n```text\n");
                s.push_str(&text.replace("```", "'''"));
                s.push_str("```");
            }
            parts.push(s);
        }
    }
    let o = scan::outline(env.text);
    if let Some((s, span)) = about_key(env, &o, offset) {
        range.get_or_insert(span);
        parts.push(s);
    }
    if parts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range: range.map(|r| env.lines.range(&r)),
    })
}

/// What the plan format says about the key or header at `offset`, or about
/// the unit a unit id names.
fn about_key(env: &Env, o: &Outline, offset: usize) -> Option<(String, std::ops::Range<usize>)> {
    if let Some(h) = o.headers.iter().find(|h| h.span.contains(&offset)) {
        return Some((key_text(env, &h.path)?, h.span.clone()));
    }
    let k = o.key_at(offset)?;
    let path = o.key_path(k);
    let dotted = path.join(".");
    let in_value = offset > k.key_span.end;
    if in_value && (dotted == "waiver.unit" || dotted == "unit.id") {
        let id = scan::string_value(&env.text[k.value_span.clone()])?;
        return Some((unit_text(env, o, id), k.value_span.clone()));
    }
    if in_value {
        // An enum value: what it means.
        let v = scan::string_value(&env.text[k.value_span.clone()])?;
        let key = path.last()?;
        let m = meaning(key, v)?;
        return Some((
            format!("`{}`: {}", md(v), md(&m.get(env.lang))),
            k.value_span.clone(),
        ));
    }
    Some((key_text(env, &path)?, k.key_span.clone()))
}

fn key_text(env: &Env, path: &[String]) -> Option<String> {
    let segs: Vec<&str> = path.iter().map(String::as_str).collect();
    let field = schema::lookup(&segs)?;
    let dotted = path.join(".");
    let mut s = format!(
        "**`{dotted}`** — {}",
        md(&type_words(&field.ty, field.required).get(env.lang))
    );
    if let Some(d) = describe(&dotted, env.lang) {
        s.push_str("\n\n");
        s.push_str(&md(&d));
    }
    let values = match &field.ty {
        Ty::Enum(v) | Ty::List(Ty::Enum(v)) => Some(*v),
        _ => None,
    };
    if let Some(vs) = values {
        let list: Vec<String> = vs
            .iter()
            .map(|v| match meaning(&field_key(path), v) {
                Some(m) => format!("- `{v}`: {}", md(&m.get(Lang::Zh))),
                None => format!("- `{v}`"),
            })
            .collect();
        let head = Message::new("lsp.hover.values").get(env.lang);
        s.push_str(&format!("\n\n{}\n{}", md(&head), list.join("\n")));
    }
    if matches!(field.ty, Ty::Table(_) | Ty::Tables(_)) {
        let keys: Vec<String> = fields(path)
            .iter()
            .map(|f| format!("`{}`", f.key))
            .collect();
        let head = Message::new("lsp.hover.keys").get(env.lang);
        s.push_str(&format!("\n\n{} {}", md(&head), keys.join(", ")));
    }
    Some(s)
}

fn field_key(path: &[String]) -> String {
    path.last().cloned().unwrap_or_default()
}

fn unit_text(env: &Env, o: &Outline, id: &str) -> String {
    let units = o.units(env.text);
    let Some(u) = units.iter().find(|u| u.id.as_deref() == Some(id)) else {
        return md(&Message::new("lsp.hover.no-unit")
            .arg("id", id)
            .get(env.lang));
    };
    let name = match (env.lang, &u.name, &u.name_zh) {
        (Lang::Zh, _, Some(zh)) => zh.clone(),
        (_, Some(n), Some(zh)) => format!("{n} ({zh})"),
        (_, Some(n), None) => n.clone(),
        (_, None, Some(zh)) => zh.clone(),
        (_, None, None) => String::new(),
    };
    let head = Message::new("lsp.hover.unit")
        .arg("id", id)
        .arg("name", name);
    let post = if u.has_cdo {
        let rank = u.rank.clone().unwrap_or_default();
        let rank = meaning("rank", &rank).map_or(rank, |m| m.get(env.lang));
        Message::new("lsp.hover.unit-cdo")
            .arg("position", u.position.clone().unwrap_or_default())
            .arg("rank", rank)
    } else {
        Message::new("lsp.hover.unit-no-cdo")
    };
    format!("{}\n\n{}", md(&head.get(env.lang)), md(&post.get(env.lang)))
}

/// Plain text made safe in Markdown: the plan's own words are not markup.
/// Inside backticks (messages quote keys so) nothing is escaped: a code
/// span shows its text as it is.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut code = false;
    for c in s.chars() {
        if c == '`' {
            code = !code;
        } else if !code && "\\*_[]<>#|".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markdown_is_escaped_outside_code_spans_only() {
        assert_eq!(super::md("a_b `c_d` <e>"), "a\\_b `c_d` \\<e\\>");
    }
}
