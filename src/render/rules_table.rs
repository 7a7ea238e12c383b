//! `cdocheck rules`: the loaded rules as a table.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

use super::severity_word;
use super::tables::cell;
use crate::lang::Lang;
use crate::message::Message;
use crate::rules::Rules;

pub fn render(rules: &Rules, pack: Option<&str>, width: Option<u16>, lang: Lang) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(
            [
                Message::new("tables.rules.id"),
                Message::new("tables.rules.severity"),
                Message::new("tables.rules.waivable"),
                Message::new("tables.rules.pack"),
                Message::new("tables.rules.statement"),
            ]
            .map(|h| h.get(lang)),
        );
    if let Some(w) = width {
        t.set_width(w);
    }
    for p in rules
        .packs
        .iter()
        .filter(|p| pack.is_none_or(|n| n == p.name))
    {
        for r in p.rules() {
            let waivable = if r.waivable {
                Message::new("tables.rules.yes")
            } else {
                Message::new("tables.rules.no")
            };
            t.add_row([
                cell(&r.id),
                severity_word(r.severity).get(lang),
                waivable.get(lang),
                cell(&p.name),
                cell(r.statement.get(lang)),
            ]);
        }
    }
    format!("{t}\n")
}
