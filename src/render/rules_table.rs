//! `cdocheck rules`: the loaded rules as a table.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

use super::tables::cell;
use crate::lang::Lang;
use crate::rules::Rules;

pub fn render(rules: &Rules, pack: Option<&str>, width: Option<u16>, lang: Lang) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(lang.pick(
            ["id", "severity", "waivable", "pack", "statement"],
            ["编号", "严重程度", "允许例外", "规则包", "规则"],
        ));
    if let Some(w) = width {
        t.set_width(w);
    }
    for p in rules
        .packs
        .iter()
        .filter(|p| pack.is_none_or(|n| n == p.name))
    {
        for r in &p.rules {
            let waivable = match (r.waivable, lang) {
                (true, Lang::En) => "yes",
                (false, Lang::En) => "no",
                (true, Lang::Zh) => "是",
                (false, Lang::Zh) => "否",
            };
            t.add_row([
                cell(&r.id),
                r.severity.word(lang).to_string(),
                waivable.to_string(),
                cell(&p.name),
                cell(r.statement.get(lang)),
            ]);
        }
    }
    format!("{t}\n")
}
