//! Human output: aligned tables, times and clipped text.

use graph_models::{DateTimeOffset, Property};
use std::fmt::Write as _;

/// A table written row by row as the rows arrive, in columns of fixed widths, its header in
/// capitals: the first row appears at once and memory stays flat however long the listing. A
/// longer value is kept whole and pushes the rest of its row to the right. The header is written
/// with the first row, or by [`Self::finish`] when there is none.
pub struct Table<'a, W: std::io::Write> {
    out: &'a mut W,
    header: &'static [&'static str],
    widths: &'static [usize],
    started: bool,
}

impl<'a, W: std::io::Write> Table<'a, W> {
    /// Columns named by `header`, all but the last padded to `widths`.
    pub fn new(out: &'a mut W, header: &'static [&'static str], widths: &'static [usize]) -> Self {
        Table { out, header, widths, started: false }
    }

    /// Writes one row (the header first, if it is the first).
    pub fn row(&mut self, cells: &[String]) -> std::io::Result<()> {
        self.start()?;
        self.line(cells)
    }

    /// Writes the header if no row did.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.start()
    }

    /// Flushes the rows so far, for a table of events that come one at a time.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    fn start(&mut self) -> std::io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let header: Vec<String> = self.header.iter().map(|it| it.to_uppercase()).collect();
        self.line(&header)
    }

    fn line(&mut self, cells: &[String]) -> std::io::Result<()> {
        let mut line = String::new();
        for (index, cell) in cells.iter().enumerate() {
            match self.widths.get(index) {
                Some(width) => {
                    let _ = write!(line, "{cell:<width$}  "); // writing to a `String` cannot fail
                }
                None => line.push_str(cell),
            }
        }
        writeln!(self.out, "{}", line.trim_end())
    }
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

#[cfg(test)]
mod tests {
    use super::Table;

    fn written(rows: &[&[&str]]) -> String {
        let mut out = Vec::new();
        let mut writer = Table::new(&mut out, &["time", "from", "message"], &[4, 3]);
        for row in rows {
            writer.row(&row.iter().map(|it| it.to_string()).collect::<Vec<_>>()).unwrap();
        }
        writer.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rows_line_up_and_a_longer_value_is_kept_whole() {
        assert_eq!(
            written(&[&["t1", "ann", "hi"], &["t2-long", "b", ""]]),
            "TIME  FROM  MESSAGE\nt1    ann  hi\nt2-long  b\n"
        );
    }

    #[test]
    fn no_rows_still_write_the_header() {
        assert_eq!(written(&[]), "TIME  FROM  MESSAGE\n");
    }
}
