//! [`ChatMessageExt`]: the sender's name and the body as plain text.

use graph_models::{BodyType, ChatMessage, Identity};

/// Conveniences for reading a [`ChatMessage`].
///
/// ```
/// use graph_client::ChatMessageExt;
/// use graph_models::ChatMessage;
///
/// let message: ChatMessage = serde_json::from_str(r##"{
///     "from": {"user": {"@odata.type": "#microsoft.graph.teamworkUserIdentity", "displayName": "Alice"}},
///     "body": {"contentType": "html", "content": "<p>Hello <at id=\"0\">Bob</at> &amp; all</p><p>Lunch?</p>"}
/// }"##).unwrap();
/// assert_eq!(message.from_display_name(), Some("Alice"));
/// assert_eq!(message.plain_text(), "Hello Bob & all\nLunch?");
/// ```
pub trait ChatMessageExt {
    /// The display name of the sender: the user, else the application, else the device. `None`
    /// for system event messages, which have no sender.
    #[allow(clippy::wrong_self_convention, reason = "named after the message's `from` property")]
    fn from_display_name(&self) -> Option<&str>;

    /// The body as plain text: an html body has its tags removed, block elements turned into
    /// line breaks, entities decoded and emoji replaced by their text; a text body is returned as
    /// it is. Empty without a body.
    fn plain_text(&self) -> String;
}

impl ChatMessageExt for ChatMessage {
    fn from_display_name(&self) -> Option<&str> {
        let from = self.from.get()?;
        [&from.user, &from.application, &from.device]
            .into_iter()
            .filter_map(|identity| identity.get())
            .find_map(|identity| display_name(identity).filter(|name| !name.is_empty()))
    }

    fn plain_text(&self) -> String {
        let Some(body) = self.body.get() else { return String::new() };
        let content = body.content.as_deref().unwrap_or_default();
        match body.content_type.get() {
            Some(BodyType::Html) => html_to_text(content),
            _ => content.to_owned(),
        }
    }
}

fn display_name(identity: &Identity) -> Option<&str> {
    identity.display_name().as_deref()
}

/// Elements that start a new line.
const BLOCKS: [&str; 16] =
    ["p", "div", "li", "tr", "ul", "ol", "table", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr"];

/// Renders Teams message html as plain text. Deliberately simple: no layout, no links.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut skipping: Option<String> = None;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        if !after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            if skipping.is_none() {
                push_text(&mut out, &rest[..=start]);
            }
            rest = after;
            continue;
        }
        if skipping.is_none() {
            push_text(&mut out, &rest[..start]);
        }
        let (inside, next) = match tag_end(&rest[start..]) {
            Some(end) => (&rest[start + 1..start + end - 1], &rest[start + end..]),
            None => (after, ""),
        };
        let tag = Tag::parse(inside);
        rest = next;
        if let Some(name) = &skipping {
            if tag.closing && tag.name == *name {
                skipping = None;
            }
            continue;
        }
        match tag.name.as_str() {
            "script" | "style" if !tag.closing => skipping = Some(tag.name),
            "br" => out.push('\n'),
            "li" if !tag.closing => {
                end_line(&mut out);
                out.push_str("- ");
            }
            "emoji" | "img" if !tag.closing => {
                if let Some(alt) = tag.alt {
                    push_text(&mut out, &alt);
                }
            }
            name if BLOCKS.contains(&name) => end_line(&mut out),
            _ => {}
        }
    }
    if skipping.is_none() {
        push_text(&mut out, rest);
    }
    tidy(&out)
}

/// Starts a new line unless one was just started (`<br>` always starts one).
fn end_line(out: &mut String) {
    if !out.ends_with('\n') {
        out.push('\n');
    }
}

/// The index just past the `>` that ends the tag starting at `text[0] == '<'`, quotes respected.
fn tag_end(text: &str) -> Option<usize> {
    let mut quote = None;
    for (index, c) in text.char_indices().skip(1) {
        match (quote, c) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(index + 1),
            (None, _) => {}
        }
    }
    None
}

struct Tag {
    name: String,
    closing: bool,
    alt: Option<String>,
}

impl Tag {
    /// Parses the inside of `<...>`.
    fn parse(inside: &str) -> Tag {
        let inside = inside.trim();
        let (closing, inside) = match inside.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, inside),
        };
        let name_end = inside.find(|c: char| c.is_whitespace() || c == '/' || c == '>').unwrap_or(inside.len());
        Tag { name: inside[..name_end].to_ascii_lowercase(), closing, alt: attribute(&inside[name_end..], "alt") }
    }
}

/// The value of attribute `name` in `attributes`, if quoted.
fn attribute(attributes: &str, name: &str) -> Option<String> {
    let mut rest = attributes;
    while let Some(at) = rest.find(name) {
        let before_ok = at == 0 || rest[..at].ends_with(char::is_whitespace);
        let after = rest[at + name.len()..].trim_start();
        if let (true, Some(value)) = (before_ok, after.strip_prefix('=')) {
            let value = value.trim_start();
            let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let end = value[1..].find(quote)?;
            return Some(decode_entities(&value[1..1 + end]));
        }
        rest = &rest[at + name.len()..];
    }
    None
}

/// Appends text content: entities decoded, runs of whitespace collapsed to one space.
fn push_text(out: &mut String, text: &str) {
    for c in decode_entities(text).chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !out.ends_with([' ', '\n']) && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(if c == '\u{a0}' { ' ' } else { c });
        }
    }
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let decoded = rest.find(';').filter(|end| *end <= 10).and_then(|end| Some((entity(&rest[1..end])?, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    let number = |digits: &str, radix| u32::from_str_radix(digits, radix).ok().and_then(char::from_u32);
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => match name.strip_prefix('#') {
            Some(hex) if hex.starts_with(['x', 'X']) => number(&hex[1..], 16),
            Some(decimal) => number(decimal, 10),
            None => None,
        },
    }
}

/// Trims every line, drops blank lines at the ends and keeps at most one blank line between.
fn tidy(text: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim) {
        if !(line.is_empty() && lines.last().is_none_or(|last| last.is_empty())) {
            lines.push(line);
        }
    }
    while lines.last().is_some_and(|last| last.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_teams_html() {
        assert_eq!(html_to_text("<p>Hello <at id=\"0\">Alice</at>!</p>"), "Hello Alice!");
        assert_eq!(html_to_text("<div>one<br>two<br/>three</div><div>four</div>"), "one\ntwo\nthree\nfour");
        assert_eq!(html_to_text("<ul><li>a</li><li>b</li></ul>after"), "- a\n- b\nafter");
        assert_eq!(html_to_text("<systemEventMessage/>"), "");
        assert_eq!(html_to_text("  lots \n of\t space  "), "lots of space");
    }

    #[test]
    fn decodes_entities_and_emoji() {
        assert_eq!(
            html_to_text("a &lt;b&gt; &amp;&nbsp;c &#39;d&#x27; &#128578; &bogus; & e"),
            "a <b> & c 'd' \u{1f642} &bogus; & e"
        );
        let emoji = r#"<p>Nice <emoji id="smile" alt="🙂" title="Smile"></emoji></p>"#;
        assert_eq!(html_to_text(emoji), "Nice 🙂");
        assert_eq!(html_to_text(r#"<img src="x" alt='a &amp; b'>"#), "a & b");
    }

    #[test]
    fn survives_odd_markup() {
        assert_eq!(html_to_text("<a title=\"1 > 0\">link</a>"), "link");
        assert_eq!(html_to_text("<script>alert('x')</script>shown<style>p{}</style>"), "shown");
        assert_eq!(html_to_text("unterminated <p"), "unterminated");
        assert_eq!(html_to_text("x < y <3"), "x < y <3");
        assert_eq!(html_to_text("<p>one</p>\n\n\n<p></p><p></p><p>two</p>"), "one\ntwo");
        assert_eq!(html_to_text("<p>one</p><p>&nbsp;</p><p>two</p>"), "one\n\ntwo");
        assert_eq!(html_to_text("one<br><br><br>two"), "one\n\ntwo");
    }
}
