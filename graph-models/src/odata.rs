//! The OData error envelope every Graph error answers with, `{"error": {"code", "message",
//! "innerError": {...}}}`, parsed leniently: property names in any case, `innerError` nested to
//! any depth, unknown properties kept.

use serde_json::{Map, Value};

/// The `error` object of a Graph error response.
///
/// ```
/// # use graph_models::ODataError;
/// let body = br#"{"error": {"code": "TooManyRequests", "message": "Please retry again later.",
///     "innerError": {"code": "429", "date": "2020-08-18T12:51:51", "request-id": "94fb3b52"}}}"#;
/// let error = ODataError::parse(body).unwrap();
/// assert_eq!(error.code, "TooManyRequests");
/// assert_eq!(error.inner_error.as_ref().unwrap().request_id.as_deref(), Some("94fb3b52"));
/// assert_eq!(error.most_specific_code(), "429");
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ODataError {
    /// The error code, e.g. `NotFound`, `Forbidden`, `BadRequest`. Branch on this.
    pub code: String,
    /// A human-readable message; it can change at any time, so do not branch on it.
    pub message: String,
    /// The target of the error, if given.
    pub target: Option<String>,
    /// Further errors, if given.
    pub details: Vec<ODataErrorDetail>,
    /// The `innerError` (or `innererror`) object.
    pub inner_error: Option<InnerError>,
}

/// One entry of `error.details`.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ODataErrorDetail {
    /// The detail's code.
    pub code: String,
    /// The detail's message.
    pub message: String,
    /// The detail's target.
    pub target: Option<String>,
}

/// The `innerError` object: correlation data, possibly a more specific code and a nested
/// `innerError`.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct InnerError {
    /// A more specific code, if given.
    pub code: Option<String>,
    /// A more specific message, if given.
    pub message: Option<String>,
    /// `request-id` (older responses: `requestId`), as tracked by the service.
    pub request_id: Option<String>,
    /// `client-request-id`, as sent by the client.
    pub client_request_id: Option<String>,
    /// `date`, often without a time zone (it is UTC).
    pub date: Option<String>,
    /// `@odata.type`, if given.
    pub odata_type: Option<String>,
    /// A nested `innerError`.
    pub inner_error: Option<Box<InnerError>>,
    /// Every other property, kept verbatim (e.g. `status`).
    pub additional_properties: Map<String, Value>,
}

impl ODataError {
    /// Parses an error response body; `None` unless it is an object with an `error` object.
    pub fn parse(body: &[u8]) -> Option<ODataError> {
        ODataError::from_value(&serde_json::from_slice(body).ok()?)
    }

    /// The error of an already parsed body.
    pub fn from_value(root: &Value) -> Option<ODataError> {
        let error = field(root.as_object()?, "error")?.as_object()?;
        Some(ODataError {
            code: text(error, "code").unwrap_or_default(),
            message: text(error, "message").unwrap_or_default(),
            target: text(error, "target"),
            details: field(error, "details")
                .and_then(Value::as_array)
                .map(|details| details.iter().filter_map(Value::as_object).map(detail).collect())
                .unwrap_or_default(),
            inner_error: field(error, "innerError").and_then(Value::as_object).map(inner),
        })
    }

    /// The most detailed code available: the deepest `innerError.code`, else `code`.
    pub fn most_specific_code(&self) -> &str {
        let mut best = self.code.as_str();
        let mut inner = self.inner_error.as_ref();
        while let Some(current) = inner {
            if let Some(code) = current.code.as_deref().filter(|code| !code.is_empty()) {
                best = code;
            }
            inner = current.inner_error.as_deref();
        }
        best
    }

    /// The first `request-id` found in the `innerError` chain.
    pub fn request_id(&self) -> Option<&str> {
        self.inner_chain().find_map(|inner| inner.request_id.as_deref())
    }

    /// The first `date` found in the `innerError` chain.
    pub fn date(&self) -> Option<&str> {
        self.inner_chain().find_map(|inner| inner.date.as_deref())
    }

    fn inner_chain(&self) -> impl Iterator<Item = &InnerError> {
        std::iter::successors(self.inner_error.as_ref(), |inner| inner.inner_error.as_deref())
    }
}

fn detail(object: &Map<String, Value>) -> ODataErrorDetail {
    ODataErrorDetail {
        code: text(object, "code").unwrap_or_default(),
        message: text(object, "message").unwrap_or_default(),
        target: text(object, "target"),
    }
}

fn inner(object: &Map<String, Value>) -> InnerError {
    const KNOWN: [&str; 8] =
        ["code", "message", "request-id", "requestId", "client-request-id", "date", "@odata.type", "innerError"];
    InnerError {
        code: text(object, "code"),
        message: text(object, "message"),
        request_id: text(object, "request-id").or_else(|| text(object, "requestId")),
        client_request_id: text(object, "client-request-id"),
        date: text(object, "date"),
        odata_type: text(object, "@odata.type"),
        inner_error: field(object, "innerError").and_then(Value::as_object).map(|nested| Box::new(inner(nested))),
        additional_properties: object
            .iter()
            .filter(|(key, _)| !KNOWN.iter().any(|known| key.eq_ignore_ascii_case(known)))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect(),
    }
}

/// The property named `name` in any ASCII case.
fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| object.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value))
}

/// A string property, or a number or boolean written as text.
fn text(object: &Map<String, Value>, name: &str) -> Option<String> {
    match field(object, name)? {
        Value::String(text) => Some(text.clone()),
        Value::Null => None,
        other @ (Value::Number(_) | Value::Bool(_)) => Some(other.to_string()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_any_case_and_nesting() {
        let body = br#"{"Error": {"Code": "Forbidden", "message": "no", "target": "chat",
            "details": [{"code": "d1", "message": "m1"}],
            "innererror": {"requestId": "r-1", "client-request-id": "c-1", "date": "2023-11-07T21:48:18",
                "status": 403, "innerError": {"code": "insufficient_claims"}}}}"#;
        let error = ODataError::parse(body).unwrap();
        assert_eq!(error.code, "Forbidden");
        assert_eq!(error.target.as_deref(), Some("chat"));
        assert_eq!(error.details[0].code, "d1");
        let inner = error.inner_error.as_ref().unwrap();
        assert_eq!(inner.request_id.as_deref(), Some("r-1"));
        assert_eq!(inner.client_request_id.as_deref(), Some("c-1"));
        assert_eq!(inner.additional_properties["status"], 403);
        assert_eq!(error.most_specific_code(), "insufficient_claims");
        assert_eq!(error.request_id(), Some("r-1"));
        assert_eq!(error.date(), Some("2023-11-07T21:48:18"));
    }

    #[test]
    fn rejects_non_envelopes() {
        assert!(ODataError::parse(b"<html>bad gateway</html>").is_none());
        assert!(ODataError::parse(br#"{"error": "invalid_client"}"#).is_none());
        assert!(ODataError::parse(br#"{"value": []}"#).is_none());
    }
}
