//! Completion from the line scan (the buffer being typed rarely parses):
//! headers, the keys of the table the cursor is under that are not written
//! yet, enum values with their meaning, pack names, waivable rule ids of the
//! packs that apply, unit ids.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, Range, TextEdit,
};

use super::scan::{self, Outline};
use super::Env;
use crate::lang::Lang;
use crate::message::Message;
use crate::plan::schema::{self, Field, Ty};

pub(crate) fn complete(env: &Env, offset: usize) -> Vec<CompletionItem> {
    let text = env.text;
    let offset = offset.min(text.len());
    let o = scan::outline(text);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..offset];
    // Inside an array that began on an earlier line.
    if let Some(k) = o.keys.iter().find(|k| {
        k.value_span.start < line_start && line_start <= offset && offset <= k.value_span.end
    }) {
        return values(env, &o, &o.key_path(k), prefix, offset);
    }
    let lead = prefix.len() - prefix.trim_start().len();
    let t = prefix.trim_start();
    if t.starts_with('[') {
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let end = line_start + text[line_start..line_end].trim_end().len();
        return headers(env, &o, line_start + lead..end.max(offset));
    }
    if let Some(eq) = prefix.find('=') {
        let mut path = o.path(o.header_at(offset)).to_vec();
        path.extend(scan::segments(&prefix[..eq]));
        return values(env, &o, &path, &prefix[eq + 1..], offset);
    }
    if !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Vec::new();
    }
    keys(env, &o, offset, line_start + lead..offset)
}

/// The table headers a plan may add: `[[unit]]` any number of times, a
/// table once.
fn headers(env: &Env, o: &Outline, range: std::ops::Range<usize>) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    let mut add = |path: &str, array: bool| {
        let segs: Vec<&str> = path.split('.').collect();
        let written = o
            .headers
            .iter()
            .any(|h| !h.array && h.path.iter().map(String::as_str).eq(segs.iter().copied()));
        // `[unit.cdo]` is one per unit: always offered.
        if !array && written && segs.len() == 1 {
            return;
        }
        let label = if array {
            format!("[[{path}]]")
        } else {
            format!("[{path}]")
        };
        out.push(item(
            env,
            &label,
            CompletionItemKind::MODULE,
            describe(path, env.lang),
            None,
            range.clone(),
            label.clone(),
        ));
    };
    for f in schema::ROOT {
        match &f.ty {
            Ty::Table(_) => add(f.key, false),
            Ty::Tables(fields) => {
                add(f.key, true);
                for sub in fields.iter().filter(|s| matches!(s.ty, Ty::Table(_))) {
                    add(&format!("{}.{}", f.key, sub.key), false);
                }
            }
            _ => {}
        }
    }
    out
}

/// The fields of a table path (`[]`: the top level).
pub(crate) fn fields(path: &[String]) -> &'static [Field] {
    if path.is_empty() {
        return schema::ROOT;
    }
    let segs: Vec<&str> = path.iter().map(String::as_str).collect();
    match schema::lookup(&segs).map(|f| &f.ty) {
        Some(Ty::Table(f) | Ty::Tables(f)) => f,
        _ => &[],
    }
}

fn keys(
    env: &Env,
    o: &Outline,
    offset: usize,
    range: std::ops::Range<usize>,
) -> Vec<CompletionItem> {
    let header = o.header_at(offset);
    let path = o.path(header);
    let line_start = range.start;
    let present: Vec<&str> = o
        .keys
        .iter()
        .filter(|k| {
            k.header == header && !(k.key_span.start..=k.value_span.end).contains(&line_start)
        })
        .filter_map(|k| k.key.first().map(String::as_str))
        .collect();
    let dotted = |key: &str| {
        let mut p = path.to_vec();
        p.push(key.to_string());
        p.join(".")
    };
    fields(path)
        .iter()
        // Tables are headers, offered after `[`.
        .filter(|f| !matches!(f.ty, Ty::Table(_) | Ty::Tables(_)))
        .filter(|f| !present.contains(&f.key))
        .map(|f| {
            let mut i = item(
                env,
                f.key,
                CompletionItemKind::FIELD,
                Some(type_words(&f.ty, f.required).get(env.lang)),
                describe(&dotted(f.key), env.lang),
                range.clone(),
                format!("{} = ", f.key),
            );
            // Required keys first.
            i.sort_text = Some(format!("{}{}", u8::from(!f.required), f.key));
            i
        })
        .collect()
}

/// Values for the key at `path`, the cursor after `before` (the value typed
/// so far on this line).
fn values(
    env: &Env,
    o: &Outline,
    path: &[String],
    before: &str,
    offset: usize,
) -> Vec<CompletionItem> {
    let dotted = path.join(".");
    let segs: Vec<&str> = path.iter().map(String::as_str).collect();
    let key = segs.last().copied().unwrap_or("");
    let Some(field) = schema::lookup(&segs) else {
        return Vec::new();
    };
    let quotes = before.matches('"').count() - before.matches("\\\"").count();
    let in_string = quotes % 2 == 1;
    let partial = if in_string {
        &before[before.rfind('"').map_or(0, |i| i + 1)..]
    } else {
        let keep =
            before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        &before[keep.len()..]
    };
    let range = offset - partial.len()..offset;
    let quoted = |v: &str| {
        if in_string {
            v.to_string()
        } else {
            format!("\"{v}\"")
        }
    };
    let mut out = Vec::new();
    let mut push = |label: &str, detail: Option<String>, doc: Option<String>, insert: String| {
        out.push(item(
            env,
            label,
            CompletionItemKind::ENUM_MEMBER,
            detail,
            doc,
            range.clone(),
            insert,
        ));
    };
    let enum_values = match &field.ty {
        Ty::Enum(v) | Ty::List(Ty::Enum(v)) => Some(*v),
        _ => None,
    };
    if let Some(vs) = enum_values {
        for v in vs {
            let (zh, own) = match meaning(key, v) {
                Some(m) => (
                    Some(m.get(Lang::Zh)),
                    (env.lang != Lang::Zh).then(|| m.get(env.lang)),
                ),
                None => (None, None),
            };
            push(v, zh, own, quoted(v));
        }
    } else if matches!(field.ty, Ty::Bool) && !in_string {
        for v in ["true", "false"] {
            push(v, None, None, v.to_string());
        }
    } else if dotted == "waiver.rule" {
        let Some(ctx) = env.ctx else { return out };
        let packs: Vec<&str> = if env.packs.is_empty() {
            ctx.rules.pack_names()
        } else {
            env.packs.iter().map(String::as_str).collect()
        };
        for p in packs.iter().filter_map(|p| ctx.rules.pack(p)) {
            for r in p.rules().iter().filter(|r| r.waivable) {
                push(
                    &r.id,
                    Some(r.statement.get(env.lang).to_string()),
                    None,
                    quoted(&r.id),
                );
            }
        }
    } else if dotted == "waiver.unit" {
        for u in o.units(env.text) {
            let Some(id) = u.id else { continue };
            let name = match env.lang {
                Lang::Zh => u.name_zh.or(u.name),
                Lang::En => u.name.or(u.name_zh),
            };
            push(&id, name, None, quoted(&id));
        }
    } else if dotted == "plan.rule_packs" {
        if let Some(ctx) = env.ctx {
            for p in &ctx.rules.packs {
                let title = match env.lang {
                    Lang::Zh => p.title_zh.clone().unwrap_or_else(|| p.title.clone()),
                    Lang::En => p.title.clone(),
                };
                push(&p.name, Some(title), None, quoted(&p.name));
            }
        }
    }
    out
}

fn item(
    env: &Env,
    label: &str,
    kind: CompletionItemKind,
    detail: Option<String>,
    doc: Option<String>,
    range: std::ops::Range<usize>,
    new_text: String,
) -> CompletionItem {
    let range: Range = env.lines.range(&range);
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        documentation: doc.map(Documentation::String),
        filter_text: Some(label.to_string()),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text })),
        ..CompletionItem::default()
    }
}

/// The description of each key, as a message: the editor schema's words
/// (json_schema.rs) in English, and in Chinese; a test keeps the English
/// ones equal to the schema's.
const KEY_MESSAGES: &[(&str, &str)] = &[
    ("format", "lsp.key.format"),
    ("plan", "lsp.key.plan"),
    ("plan.title", "lsp.key.plan.title"),
    ("plan.title_zh", "lsp.key.plan.title_zh"),
    ("plan.jurisdiction", "lsp.key.plan.jurisdiction"),
    ("plan.jurisdiction_zh", "lsp.key.plan.jurisdiction_zh"),
    ("plan.level", "lsp.key.plan.level"),
    ("plan.province", "lsp.key.plan.province"),
    ("plan.issuer", "lsp.key.plan.issuer"),
    ("plan.document_number", "lsp.key.plan.document_number"),
    ("plan.signed", "lsp.key.plan.signed"),
    ("plan.published", "lsp.key.plan.published"),
    ("plan.pilot_end", "lsp.key.plan.pilot_end"),
    ("plan.rule_packs", "lsp.key.plan.rule_packs"),
    ("plan.basis", "lsp.key.plan.basis"),
    ("plan.contact_agency", "lsp.key.plan.contact_agency"),
    ("cdo", "lsp.key.cdo"),
    ("cdo.duties", "lsp.key.cdo.duties"),
    ("cdo.qualifications", "lsp.key.cdo.qualifications"),
    ("governance", "lsp.key.governance"),
    (
        "governance.leading_group",
        "lsp.key.governance.leading_group",
    ),
    (
        "governance.executive_cdo",
        "lsp.key.governance.executive_cdo",
    ),
    ("governance.evaluation", "lsp.key.governance.evaluation"),
    ("governance.coordination", "lsp.key.governance.coordination"),
    ("support", "lsp.key.support"),
    (
        "support.contract_civil_servants",
        "lsp.key.support.contract_civil_servants",
    ),
    (
        "support.purchased_services",
        "lsp.key.support.purchased_services",
    ),
    (
        "support.data_specialists",
        "lsp.key.support.data_specialists",
    ),
    ("support.expert_panel", "lsp.key.support.expert_panel"),
    ("unit", "lsp.key.unit"),
    ("unit.id", "lsp.key.unit.id"),
    ("unit.name", "lsp.key.unit.name"),
    ("unit.name_zh", "lsp.key.unit.name_zh"),
    ("unit.level", "lsp.key.unit.level"),
    ("unit.kind", "lsp.key.unit.kind"),
    ("unit.focus", "lsp.key.unit.focus"),
    ("unit.cdo", "lsp.key.unit.cdo"),
    ("unit.cdo.position", "lsp.key.unit.cdo.position"),
    ("unit.cdo.rank", "lsp.key.unit.cdo.rank"),
    (
        "unit.cdo.oversees_digital_government",
        "lsp.key.unit.cdo.oversees_digital_government",
    ),
    ("unit.cdo.concurrent", "lsp.key.unit.cdo.concurrent"),
    ("unit.cdo.appointed_by", "lsp.key.unit.cdo.appointed_by"),
    ("unit.cdo.filed_with", "lsp.key.unit.cdo.filed_with"),
    ("unit.cdo.appointee", "lsp.key.unit.cdo.appointee"),
    ("unit.cdo.appointed", "lsp.key.unit.cdo.appointed"),
    ("unit.cdo.duties", "lsp.key.unit.cdo.duties"),
    ("milestone", "lsp.key.milestone"),
    ("milestone.due", "lsp.key.milestone.due"),
    ("milestone.deliverable", "lsp.key.milestone.deliverable"),
    ("waiver", "lsp.key.waiver"),
    ("waiver.rule", "lsp.key.waiver.rule"),
    ("waiver.unit", "lsp.key.waiver.unit"),
    ("waiver.reason", "lsp.key.waiver.reason"),
    ("waiver.approved_by", "lsp.key.waiver.approved_by"),
    ("waiver.expires", "lsp.key.waiver.expires"),
];

/// The description of a dotted key path in a language.
pub(crate) fn describe(path: &str, lang: Lang) -> Option<String> {
    KEY_MESSAGES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, id)| Message::new(id).get(lang))
}

/// What a value of an enum key means (plan-format.md): duty and
/// qualification ids by their Chinese names, the others by messages.
pub(crate) fn meaning(key: &str, value: &str) -> Option<Message> {
    let id = match (key, value) {
        ("level", "province") => "lsp.value.province",
        ("level", "prefecture") => "lsp.value.prefecture",
        ("level", "county") => "lsp.value.county",
        ("level", "township") => "lsp.value.township",
        ("kind", "government") => "lsp.value.government",
        ("kind", "department") => "lsp.value.department",
        ("kind", "zone") => "lsp.value.zone",
        ("kind", "institution") => "lsp.value.institution",
        ("kind", "enterprise") => "lsp.value.enterprise",
        ("rank", "chief") => "lsp.value.chief",
        ("rank", "deputy") => "lsp.value.deputy",
        ("rank", "other") => "lsp.value.rank-other",
        ("appointed_by", "leading-group") => "lsp.value.by-leading-group",
        ("appointed_by", "unit") => "lsp.value.by-unit",
        ("appointed_by", "other") => "lsp.value.by-other",
        ("filed_with", "leading-group-office") => "lsp.value.leading-group-office",
        ("filed_with", "data-bureau") => "lsp.value.data-bureau",
        ("filed_with", "other") => "lsp.value.filed-other",
        // Duties and qualifications: the notices' own wording.
        (_, id) => return schema::name_zh(id).map(Message::plain),
    };
    Some(Message::new(id))
}

/// A key's type, in words: "enum, required".
pub(crate) fn type_words(ty: &Ty, required: bool) -> Message {
    Message::new("lsp.type.line").arg("type", ty_word(ty)).arg(
        "required",
        Message::new(if required {
            "lsp.required"
        } else {
            "lsp.optional"
        }),
    )
}

fn ty_word(ty: &Ty) -> Message {
    match ty {
        Ty::Str => Message::new("lsp.type.string"),
        Ty::Int => Message::new("lsp.type.integer"),
        Ty::Bool => Message::new("lsp.type.boolean"),
        Ty::Date => Message::new("lsp.type.date"),
        Ty::Enum(_) => Message::new("lsp.type.enum"),
        Ty::Id => Message::new("lsp.type.id"),
        Ty::List(item) => Message::new("lsp.type.list").arg("item", ty_word(item)),
        Ty::Table(_) => Message::new("lsp.type.table"),
        Ty::Tables(_) => Message::new("lsp.type.tables"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_descriptions_are_the_editor_schemas() {
        for (path, _) in crate::json_schema::DESCRIPTIONS
            .iter()
            .filter(|(p, _)| !p.is_empty())
        {
            assert_eq!(
                describe(path, Lang::En).as_deref(),
                crate::json_schema::description(path),
                "{path}"
            );
            assert!(describe(path, Lang::Zh).is_some(), "{path}");
        }
    }
}
