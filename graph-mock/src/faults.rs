//! The layer in front of the routes: authentication, correlation headers and injected faults.

use crate::config::Fault;
use crate::odata::{correlation_headers, request_id, ODataError};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Checks the token, counts the request, injects the configured faults, and adds `request-id`
/// and `client-request-id` to the answer.
pub async fn layer(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let n = state.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let faults = &state.config.faults;
    let request_headers = request.headers().clone();
    let id = request_id();
    let fault = faults.fault(n);
    let mut response = if !authorized(&request, &state.config.token) {
        ODataError::new(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", "Access token is empty or invalid.")
            .into_response()
    } else if fault == Some(Fault::Throttled) {
        retry_later(StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", faults.retry_after.as_deref())
    } else if fault == Some(Fault::Unavailable) {
        let status = if n % 2 == 0 { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::GATEWAY_TIMEOUT };
        retry_later(status, "ServiceUnavailable", faults.retry_after.as_deref())
    } else {
        if faults.is_slow(n) {
            tokio::time::sleep(faults.slow_delay).await;
        }
        let response = next.run(request).await;
        match fault {
            Some(Fault::Reset) if response.status().is_success() => cut(response, 0).await,
            Some(Fault::Truncated) if response.status().is_success() => cut(response, 2).await,
            _ => response,
        }
    };
    correlation_headers(&request_headers, response.headers_mut(), &id);
    response
}

fn authorized(request: &Request, token: &str) -> bool {
    let expected = format!("Bearer {token}");
    request.headers().get("authorization").is_some_and(|it| it.as_bytes() == expected.as_bytes())
}

fn retry_later(status: StatusCode, code: &'static str, retry_after: Option<&str>) -> Response {
    let mut response =
        ODataError::new(status, code, "The request has been throttled or the service is busy; retry later.")
            .into_response();
    if let Some(value) = retry_after.and_then(|it| HeaderValue::from_str(it).ok()) {
        response.headers_mut().insert("retry-after", value);
    }
    response
}

/// Sends the headers and `1/divisor` of the body (none for 0), then drops the connection.
async fn cut(response: Response, divisor: usize) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let kept = bytes.slice(0..bytes.len().checked_div(divisor).unwrap_or(0));
    parts.headers.remove("content-length");
    let dropped = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected fault: connection dropped");
    // The pause lets the headers and the kept bytes reach the client before the connection drops.
    let chunks = futures::stream::iter([Ok(kept)]).chain(futures::stream::once(async move {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        Err::<bytes::Bytes, _>(dropped)
    }));
    Response::from_parts(parts, Body::from_stream(chunks))
}
