//! Message bodies for the terminal: html rendered as plain text, its entities decoded.

use graph_models::{BodyType, ItemBody, Property};

/// Wide enough that no line is wrapped: the tables clip the text to their own width.
const NO_WRAP: usize = 10_000;

/// The body's text: html as plain text (by `html2text`), any other content as it is.
pub fn body_text(body: &Property<ItemBody>) -> String {
    let Some(body) = body.get() else { return String::new() };
    let content = body.content.as_deref().unwrap_or_default();
    if body.content_type.get() != Some(&BodyType::Html) {
        return content.to_owned();
    }
    // Rendering fails only past html2text's limits; the html itself still says what was sent.
    let rendered = html2text::config::plain_no_decorate().string_from_read(content.as_bytes(), NO_WRAP);
    let text = rendered.map_or_else(|_| content.to_owned(), |text| text.trim_end().to_owned());
    // An image without alt text renders as nothing; say that there is one, as its alt text would.
    if text.trim().is_empty() && content.contains("<img") {
        return "[image]".to_owned();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::body_text;
    use graph_models::{BodyType, ItemBody, Property};

    fn body(content_type: BodyType, content: &str) -> Property<ItemBody> {
        let mut body = ItemBody::default();
        body.content_type = Property::Value(content_type);
        body.content = Property::Value(content.to_owned());
        Property::Value(body)
    }

    #[test]
    fn html_is_rendered_with_its_entities_decoded() {
        let html = r#"<div><p>Tom &amp; Jerry &lt;3 caf&eacute; &#128512;&nbsp;&quot;hi&quot;</p><p><at id="0">Adele</at> ok</p></div>"#;
        assert_eq!(body_text(&body(BodyType::Html, html)), "Tom & Jerry <3 café 😀\u{a0}\"hi\"\n\nAdele ok");
    }

    #[test]
    fn an_image_without_alt_text_still_shows() {
        let html = r#"<div><span><img height="63" src="https://graph.microsoft.com/v1.0/x/$value"></span></div>"#;
        assert_eq!(body_text(&body(BodyType::Html, html)), "[image]");
        assert_eq!(body_text(&body(BodyType::Html, "<div></div>")), "");
    }

    #[test]
    fn text_bodies_are_kept_as_written() {
        assert_eq!(body_text(&body(BodyType::Text, "a &amp; <b>")), "a &amp; <b>");
        assert_eq!(body_text(&Property::Absent), "");
    }
}
