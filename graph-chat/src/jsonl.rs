//! JSON lines: one JSON text per line, whatever whitespace the text carries.

use std::io::Write;

/// Writes a JSON text and a newline, each CR and LF byte in the text written as a space, so that
/// a pretty-printed value (or a model keeping a pretty-printed undeclared value as received)
/// still takes one line. That keeps the value: a JSON string cannot hold a raw CR or LF (they
/// must be escaped as `\r` and `\n`), so in a valid JSON text every CR and LF byte is whitespace
/// between tokens, where a space means the same. (Nor can those bytes be part of a multi-byte
/// UTF-8 character.) Compact text has none and is written byte for byte.
pub fn write_line(out: &mut impl Write, json: &[u8]) -> std::io::Result<()> {
    for (index, part) in json.split(|byte| matches!(byte, b'\r' | b'\n')).enumerate() {
        if index > 0 {
            out.write_all(b" ")?;
        }
        out.write_all(part)?;
    }
    out.write_all(b"\n")
}

/// Writes `value` as one JSON line.
pub fn write_value<T: serde::Serialize>(out: &mut impl Write, value: &T) -> std::io::Result<()> {
    write_line(out, &serde_json::to_vec(value)?)
}
