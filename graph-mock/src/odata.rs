//! Graph's error envelope and response headers.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::atomic::{AtomicU64, Ordering};

/// An OData error answer: `{"error": {"code", "message", "innerError": {...}}}`.
#[derive(Debug, Clone)]
pub struct ODataError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The OData `code`.
    pub code: &'static str,
    /// The human-readable `message`.
    pub message: String,
}

impl ODataError {
    /// An error with this status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ODataError { status, code, message: message.into() }
    }

    /// 400 `BadRequest`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// 404 `NotFound`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NotFound", message)
    }
}

/// `{"error": {"code", "message", "innerError": {"date", "request-id"}}}`, in the order Graph
/// writes it.
#[derive(serde::Serialize)]
struct Envelope<'a> {
    error: Body<'a>,
}

#[derive(serde::Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(rename = "innerError")]
    inner_error: InnerError<'a>,
}

#[derive(serde::Serialize)]
struct InnerError<'a> {
    date: &'a str,
    #[serde(rename = "request-id")]
    request_id: &'a str,
}

static REQUEST_IDS: AtomicU64 = AtomicU64::new(1);

/// A fresh `request-id`, shaped like Graph's.
pub fn request_id() -> String {
    format!("a1b2c3d4-0000-4000-8000-{:012x}", REQUEST_IDS.fetch_add(1, Ordering::Relaxed))
}

/// Adds `request-id` and echoes `client-request-id`, as Graph does on every answer.
pub fn correlation_headers(request: &HeaderMap, response: &mut HeaderMap, request_id: &str) {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.insert("request-id", value);
    }
    if let Some(client) = request.get("client-request-id") {
        response.insert("client-request-id", client.clone());
    }
}

impl IntoResponse for ODataError {
    fn into_response(self) -> Response {
        let request_id = request_id();
        let date = jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%S").to_string();
        let inner_error = InnerError { date: &date, request_id: &request_id };
        let body = Envelope { error: Body { code: self.code, message: &self.message, inner_error } };
        let body = serde_json::to_string(&body).expect("an error envelope serialises");
        let mut response = (self.status, [("content-type", "application/json")], body).into_response();
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            response.headers_mut().insert("request-id", value);
        }
        response
    }
}
