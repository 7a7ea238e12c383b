//! `cdocheck rules`: the loaded rules as a table.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

use crate::rules::Rules;

pub fn render(rules: &Rules, pack: Option<&str>, width: Option<u16>) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(["id", "severity", "waivable", "pack", "statement"]);
    if let Some(w) = width {
        t.set_width(w);
    }
    for p in rules
        .packs
        .iter()
        .filter(|p| pack.is_none_or(|n| n == p.name))
    {
        for r in &p.rules {
            let waivable = if r.waivable { "yes" } else { "no" };
            t.add_row([
                r.id.as_str(),
                r.severity.as_str(),
                waivable,
                p.name.as_str(),
                r.statement.as_str(),
            ]);
        }
    }
    format!("{t}\n")
}
