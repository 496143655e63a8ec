//! `getAllMessages/delta` over simulated time, and the control endpoint that moves time on.
//!
//! A round is answered from a snapshot, the step it started at, which its nextLinks carry: the
//! first round lists every message of the user's chats (deleted ones with `deletedDateTime`),
//! a round from a deltaLink only the messages created, edited or deleted since that link's step.
//! The round's last page has a deltaLink for its snapshot. A deltaLink older than
//! [`MockConfig::delta_link_lifetime`](crate::MockConfig::delta_link_lifetime) steps is answered
//! with 410 Gone.

use crate::changes::Step;
use crate::dataset::ChatRef;
use crate::odata::ODataError;
use crate::query::{DateFilter, DateProperty};
use crate::routes::{decode_token, encode_token, json_response, link, metered_options, scan_chats, Owner, Result};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use graph_models::{Page, Property};
use std::sync::Arc;

/// Where a round is: its snapshot, the step it reports changes since (`None`: everything), and
/// the position within the round.
struct Round {
    until: u64,
    since: Option<u64>,
    first: usize,
    second: usize,
}

impl Round {
    fn token(&self, first: usize, second: usize) -> String {
        let since = self.since.map_or(0, |it| it as usize + 1);
        encode_token(&[self.until as usize, since, first, second])
    }
}

pub async fn messages_delta(
    State(state): State<Arc<AppState>>,
    Owner(user): Owner,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response> {
    let options = metered_options(uri.query(), "delta")?;
    let filter = match &options.filter {
        Some(filter) => DateFilter::parse(filter, &[(DateProperty::LastModified, "gt")])?,
        None => DateFilter::default(),
    };
    let now = state.dataset.step();
    let round = match (options.delta_token.as_deref(), options.skip_token.as_deref()) {
        (Some(_), Some(_)) => return Err(ODataError::bad_request("Use either $deltatoken or $skiptoken.")),
        (None, None) => Round { until: now, since: None, first: 0, second: 0 },
        (None, Some(token)) => {
            let numbers = decode_token(Some(token), 4)?;
            let since = numbers[1].checked_sub(1).map(|it| it as u64);
            Round { until: numbers[0] as u64, since, first: numbers[2], second: numbers[3] }
        }
        (Some(token), None) => {
            let since = decode_token(Some(token), 1)?[0] as u64;
            if since > now {
                return Err(ODataError::bad_request("The $deltatoken is invalid."));
            }
            if now - since > state.config.delta_link_lifetime {
                return Ok(expired(&state, &uri));
            }
            Round { until: now, since: Some(since), first: 0, second: 0 }
        }
    };
    let (value, next) = match round.since {
        None => full_round(&state, user, &round, &filter, options.page_size()),
        Some(since) => changes_since(&state, user, since, &round, &filter, options.page_size()),
    };
    let (next_link, delta_link) = match next {
        Some(token) => (Property::Value(link(&state, &uri, "$skiptoken", &token)), Property::Absent),
        None => (
            Property::Absent,
            Property::Value(link(&state, &uri, "$deltatoken", &encode_token(&[round.until as usize]))),
        ),
    };
    let page = Page {
        context: Property::Value(format!("{}/v1.0/$metadata#Collection(chatMessage)", state.origin)),
        next_link,
        delta_link,
        value,
        ..Default::default()
    };
    Ok(json_response(&page, !crate::routes::includes_evolvable(&headers)))
}

/// A page of every message of the user's chats, as they were at the round's snapshot.
fn full_round(
    state: &AppState,
    user: usize,
    round: &Round,
    filter: &DateFilter,
    size: usize,
) -> (Vec<graph_models::ChatMessage>, Option<String>) {
    let chats = state.dataset.chats_of(user);
    let cursor = (round.first, round.second);
    let (value, rest) = scan_chats(&state.dataset, &chats, cursor, round.until, size, |it| filter.accepts(it));
    (value, rest.map(|(chat, position)| round.token(chat, position)))
}

/// A page of the messages changed after `since`, as the round's snapshot has them.
fn changes_since(
    state: &AppState,
    user: usize,
    since: u64,
    round: &Round,
    filter: &DateFilter,
    size: usize,
) -> (Vec<graph_models::ChatMessage>, Option<String>) {
    let dataset = &state.dataset;
    let changed: Vec<(usize, usize)> = dataset
        .changed_between(since, round.until)
        .into_iter()
        .filter(|(chat, _)| dataset.is_visible_to(ChatRef::Generated(*chat), user))
        .collect();
    let start = round.first.min(changed.len());
    let end = (start + size).min(changed.len());
    let value = changed[start..end]
        .iter()
        .map(|(chat, message)| dataset.indexed_message(*chat, *message, round.until))
        .filter(|it| filter.accepts(it))
        .collect();
    (value, (end < changed.len()).then(|| round.token(end, 0)))
}

/// 410 Gone, as the service answers a delta token it no longer has state for, with the URL of a
/// fresh round in `Location`.
fn expired(state: &AppState, uri: &Uri) -> Response {
    let error = ODataError::new(
        StatusCode::GONE,
        "syncStateNotFound",
        "The sync state generation is no longer valid. Start a full synchronization.",
    );
    let mut response = error.into_response();
    let fresh = format!("{}{}", state.origin, uri.path());
    if let Ok(value) = fresh.parse() {
        response.headers_mut().insert("location", value);
    }
    response
}

/// `POST /mock/advance?created=N&edited=N&deleted=N`: one step of simulated time; answers
/// `{"step": N}`.
pub async fn advance(State(state): State<Arc<AppState>>, uri: Uri) -> Result<Response> {
    let mut step = Step::default();
    for (key, value) in url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()) {
        let count =
            value.parse().map_err(|_| ODataError::bad_request(format!("Invalid count '{value}' for '{key}'.")))?;
        match &*key {
            "created" => step.created = count,
            "edited" => step.edited = count,
            "deleted" => step.deleted = count,
            other => return Err(ODataError::bad_request(format!("Unknown parameter '{other}'."))),
        }
    }
    let step = state.dataset.advance(step);
    crate::notify::deliver_step(&state, step);
    Ok(json_response(&serde_json::json!({ "step": step }), false))
}

/// `POST /mock/lifecycle?event=NAME`: a lifecycle notification for every subscription.
pub async fn lifecycle(State(state): State<Arc<AppState>>, uri: Uri) -> Result<Response> {
    let event = url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "event")
        .map(|(_, value)| value.into_owned())
        .ok_or_else(|| ODataError::bad_request("Name the lifecycle event: ?event=reauthorizationRequired."))?;
    crate::notify::deliver_lifecycle(&state, &event);
    Ok(axum::http::StatusCode::ACCEPTED.into_response())
}
