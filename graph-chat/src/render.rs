//! Human output: aligned tables, times and clipped text.

use graph_models::{DateTimeOffset, Property};

/// An aligned table without borders, its header in capitals.
pub fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::NOTHING);
    table.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
    table.set_header(header.iter().map(|it| it.to_uppercase()));
    for row in rows {
        table.add_row(row);
    }
    let text = table.to_string();
    let lines: Vec<&str> = text.lines().map(|it| it.trim_end()).collect();
    // The preset pads every cell by one space; the first column needs no left margin.
    let margin = lines.iter().map(|it| it.len() - it.trim_start().len()).min().unwrap_or(0);
    lines.iter().map(|it| it.get(margin..).unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// `2024-01-01 00:39` in UTC, or the text as received when it is not a valid timestamp.
pub fn time(value: &Property<DateTimeOffset>) -> String {
    match value.get() {
        Some(text) => match text.to_timestamp() {
            Ok(timestamp) => timestamp.strftime("%Y-%m-%d %H:%M").to_string(),
            Err(_) => text.as_str().to_owned(),
        },
        None => "-".to_owned(),
    }
}

/// The text on one line, at most `width` characters, with `…` where it was cut.
pub fn clip(text: &str, width: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= width {
        return one_line;
    }
    let mut clipped: String = one_line.chars().take(width.saturating_sub(1)).collect();
    clipped.push('…');
    clipped
}

/// A property's text, or `-`.
pub fn text(value: &Property<String>) -> String {
    value.as_deref().filter(|it| !it.is_empty()).unwrap_or("-").to_owned()
}
