//! The chat endpoints: list and get chats, list messages and members, getAllMessages.

use crate::contents;
use crate::dataset::{ChatRef, Dataset};
use crate::odata::ODataError;
use crate::query::{DateFilter, DateProperty, Options};
use crate::senders::MessageFilter;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Router;
use graph_models::{Chat, Page, Property};
use serde::Deserialize;
use std::sync::Arc;

/// Most positions one request scans for messages that pass a filter; past it the page ends
/// early, possibly empty, with a nextLink, as the service's pages do.
pub(crate) const SCAN_LIMIT: usize = 10_000;

/// The routes, all under `/v1.0`.
pub fn router(state: Arc<AppState>) -> Router {
    // Each of these is served under every scope: `/chats`, `/me/chats` and `/users/{user}/chats`.
    let scoped: [(&str, MethodRouter<Arc<AppState>>); 8] = [
        ("", get(list_chats)),
        ("/{chat}", get(get_chat)),
        ("/{chat}/messages", get(list_messages)),
        ("/{chat}/members", get(list_members)),
        ("/{chat}/pinnedMessages", get(contents::list_pinned_messages)),
        ("/{chat}/messages/{message}", get(contents::get_message)),
        ("/{chat}/messages/{message}/hostedContents", get(contents::list_hosted_contents)),
        ("/{chat}/messages/{message}/hostedContents/{content}/$value", get(contents::hosted_content_value)),
    ];
    let mut router = Router::new();
    for (path, handler) in scoped {
        for scope in ["/v1.0/chats", "/v1.0/me/chats", "/v1.0/users/{user}/chats"] {
            router = router.route(&format!("{scope}{path}"), handler.clone());
        }
    }
    router
        .route("/v1.0/users/{user}/chats/getAllMessages", get(all_messages))
        // The SDKs call the function with OData's parentheses; the service accepts both.
        .route("/v1.0/users/{user}/chats/getAllMessages()", get(all_messages))
        .route("/v1.0/users/{user}/chats/getAllMessages/delta", get(crate::delta::messages_delta))
        // Retention keeps every message here, deleted ones included: the same as getAllMessages.
        .route("/v1.0/users/{user}/chats/getAllRetainedMessages", get(all_messages))
        .route("/mock/advance", axum::routing::post(crate::delta::advance))
        .route("/mock/lifecycle", axum::routing::post(crate::delta::lifecycle))
        .route("/mock/jwks", get(crate::notify::jwks))
        .route("/v1.0/subscriptions", get(crate::notify::list).post(crate::notify::create))
        .route("/v1.0/subscriptions/{id}", axum::routing::patch(crate::notify::renew).delete(crate::notify::delete))
        .fallback(|uri: Uri| async move {
            ODataError::new(
                StatusCode::NOT_FOUND,
                "UnknownError",
                format!("Resource not found for the segment '{}'.", uri.path()),
            )
        })
        .with_state(state)
}

pub(crate) type Result<T> = std::result::Result<T, ODataError>;

/// The signed-in user of delegated calls (`/me`, `/chats`).
const ME: usize = 0;

/// The user whose chats a request reads: `{user}` of `/users/{user}/...`, else [`ME`]. One
/// extractor serves all three scopes of a route, so they cannot drift apart.
pub(crate) struct Owner(pub(crate) usize);

impl FromRequestParts<Arc<AppState>> for Owner {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> std::result::Result<Self, Response> {
        #[derive(Deserialize)]
        struct Params {
            user: Option<String>,
        }
        let Path(params) =
            Path::<Params>::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        match params.user {
            Some(user) => user_index(&state.dataset, &user).map(Owner).map_err(IntoResponse::into_response),
            None => Ok(Owner(ME)),
        }
    }
}

/// The `{chat}` of a route and the [`Owner`] who asks for it. The chat is looked up with
/// [`Self::find`] once the request's options have been checked, so that a bad request on a
/// missing chat is a 400, as before the lookup.
pub(crate) struct ScopedChat {
    /// The chat id, as the route named it.
    pub(crate) id: String,
    /// Whose view it is.
    user: usize,
}

impl ScopedChat {
    /// The chat, if the owner is in it; a 404 otherwise.
    pub(crate) fn find(&self, dataset: &Dataset) -> Result<ChatRef> {
        find_chat(dataset, self.user, &self.id)
    }
}

impl FromRequestParts<Arc<AppState>> for ScopedChat {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> std::result::Result<Self, Response> {
        #[derive(Deserialize)]
        struct Params {
            chat: String,
        }
        let Owner(user) = Owner::from_request_parts(parts, state).await?;
        let Path(Params { chat: id }) =
            Path::<Params>::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        Ok(ScopedChat { id, user })
    }
}

async fn list_chats(
    State(state): State<Arc<AppState>>,
    Owner(user): Owner,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response> {
    let options = Options::parse(uri.query())?;
    let expand = Expand::parse(&options.expand)?;
    let mut chats = state.dataset.chats_of(user);
    if let Some(filter) = &options.filter {
        let wanted = parse_chat_type_filter(filter)?;
        chats.retain(|it| state.dataset.chat(*it).chat_type.get().map(|kind| kind.as_str()) == Some(wanted.as_str()));
    }
    match options.order_by.as_deref() {
        None => {}
        Some("lastMessagePreview/createdDateTime desc") => {
            let created = |chat: &ChatRef| {
                state
                    .dataset
                    .preview(*chat)
                    .and_then(|it| it.created_date_time.into_option())
                    .map(|it| it.into_string())
            };
            chats.sort_by_cached_key(|chat| std::cmp::Reverse(created(chat)));
        }
        Some(other) => return Err(ODataError::bad_request(format!("$orderby '{other}' is not supported."))),
    }
    let start = decode_token(options.skip_token.as_deref(), 1)?[0];
    let end = (start + options.page_size()).min(chats.len());
    let value: Vec<Chat> = chats[start.min(end)..end].iter().map(|chat| expand.apply(&state.dataset, *chat)).collect();
    let next = (end < chats.len()).then(|| encode_token(&[end]));
    Ok(page(&state, &uri, &headers, value, next, "chats"))
}

async fn get_chat(
    State(state): State<Arc<AppState>>,
    scoped: ScopedChat,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response> {
    let options = Options::parse(uri.query())?;
    let expand = Expand::parse(&options.expand)?;
    let chat = scoped.find(&state.dataset)?;
    let entity = Entity {
        context: format!("{}/v1.0/$metadata#chats/$entity", state.origin),
        value: expand.apply(&state.dataset, chat),
    };
    Ok(json_response(&entity, !includes_evolvable(&headers)))
}

async fn list_messages(
    State(state): State<Arc<AppState>>,
    scoped: ScopedChat,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response> {
    let options = Options::parse(uri.query())?;
    let ordered_by = match options.order_by.as_deref() {
        None => None,
        Some("lastModifiedDateTime desc") => Some(DateProperty::LastModified),
        Some("createdDateTime desc") => Some(DateProperty::Created),
        Some(other) => {
            return Err(ODataError::bad_request(format!(
                "$orderby '{other}' is not supported; use 'lastModifiedDateTime desc' or 'createdDateTime desc'."
            )))
        }
    };
    let allowed =
        [(DateProperty::LastModified, "gt"), (DateProperty::LastModified, "lt"), (DateProperty::Created, "lt")];
    // As documented: a filter applies only with an $orderby on the same property; otherwise it is ignored.
    let filter = match (&options.filter, ordered_by) {
        (Some(filter), Some(property)) => {
            let parsed = DateFilter::parse(filter, &allowed)?;
            if parsed.mentions(property) {
                parsed
            } else {
                DateFilter::default()
            }
        }
        (Some(filter), None) => {
            DateFilter::parse(filter, &allowed)?;
            DateFilter::default()
        }
        (None, _) => DateFilter::default(),
    };
    let chat_ref = scoped.find(&state.dataset)?;
    let count = state.dataset.message_count(chat_ref);
    let start = decode_token(options.skip_token.as_deref(), 1)?[0];
    let mut value = Vec::new();
    let mut position = start;
    while position < count && value.len() < options.page_size() && position - start < SCAN_LIMIT {
        let message = state.dataset.message(chat_ref, position);
        if filter.accepts(&message) {
            value.push(message);
        }
        position += 1;
    }
    let next = (position < count).then(|| encode_token(&[position]));
    Ok(page(&state, &uri, &headers, value, next, "Collection(chatMessage)"))
}

async fn all_messages(
    State(state): State<Arc<AppState>>,
    Owner(user): Owner,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response> {
    let options = metered_options(uri.query(), "getAllMessages")?;
    let filter = match &options.filter {
        Some(filter) => {
            MessageFilter::parse(filter, &[(DateProperty::LastModified, "gt"), (DateProperty::LastModified, "lt")])?
        }
        None => MessageFilter::default(),
    };
    let chats = state.dataset.chats_of(user);
    let cursor = decode_token(options.skip_token.as_deref(), 2)?;
    let step = state.dataset.step();
    let (value, rest) =
        scan_chats(&state.dataset, &chats, (cursor[0], cursor[1]), step, options.page_size(), |it| filter.accepts(it));
    let next = rest.map(|(chat, position)| encode_token(&[chat, position]));
    Ok(page(&state, &uri, &headers, value, next, "Collection(chatMessage)"))
}

async fn list_members(State(state): State<Arc<AppState>>, scoped: ScopedChat, uri: Uri) -> Result<Response> {
    let options = Options::parse(uri.query())?;
    if options.top.is_some() || options.skip_token.is_some() {
        return Err(ODataError::bad_request("Paging is not supported for chat members."));
    }
    let members = state.dataset.members(scoped.find(&state.dataset)?);
    Ok(collection(&state, "Collection(conversationMember)", members, None, false))
}

/// The options of a metered API (`api`, as its errors name it): its `model` is `A`, `B`, or none
/// for evaluation mode, and it has no `$orderby`.
pub(crate) fn metered_options(query: Option<&str>, api: &str) -> Result<Options> {
    let options = Options::parse(query)?;
    match options.model.as_deref() {
        None | Some("A") | Some("B") => {}
        Some(other) => {
            return Err(ODataError::bad_request(format!(
                "Query parameter 'model' does not support value '{other}' for this API."
            )))
        }
    }
    if options.order_by.is_some() {
        return Err(ODataError::bad_request(format!("$orderby is not supported for {api}.")));
    }
    Ok(options)
}

/// A page of the messages of `chats` from `cursor` (chat index, position) on, as they were at
/// `step`: at most `size` that pass `accepts`, scanning at most [`SCAN_LIMIT`] positions; and the
/// cursor of the rest, if any is left.
pub(crate) fn scan_chats(
    dataset: &Dataset,
    chats: &[ChatRef],
    cursor: (usize, usize),
    step: u64,
    size: usize,
    accepts: impl Fn(&graph_models::ChatMessage) -> bool,
) -> (Vec<graph_models::ChatMessage>, Option<(usize, usize)>) {
    let (mut chat, mut position) = cursor;
    let count = |chat: ChatRef| dataset.message_count_at(chat, step);
    let (mut value, mut scanned) = (Vec::new(), 0);
    while chat < chats.len() && value.len() < size && scanned < SCAN_LIMIT {
        if position >= count(chats[chat]) {
            (chat, position) = (chat + 1, 0);
            continue;
        }
        let message = dataset.message_at(chats[chat], position, step);
        if accepts(&message) {
            value.push(message);
        }
        position += 1;
        scanned += 1;
    }
    while chat < chats.len() && position >= count(chats[chat]) {
        (chat, position) = (chat + 1, 0);
    }
    (value, (chat < chats.len()).then_some((chat, position)))
}

/// Which navigation properties to inline.
struct Expand {
    members: bool,
    preview: bool,
}

impl Expand {
    fn parse(expand: &[String]) -> Result<Expand> {
        let mut parsed = Expand { members: false, preview: false };
        for item in expand {
            match item.as_str() {
                "members" => parsed.members = true,
                "lastMessagePreview" => parsed.preview = true,
                other => {
                    return Err(ODataError::bad_request(format!(
                        "Could not find a property named '{other}' to expand."
                    )))
                }
            }
        }
        Ok(parsed)
    }

    fn apply(&self, dataset: &Dataset, chat_ref: ChatRef) -> Chat {
        let mut chat = dataset.chat(chat_ref);
        if self.members {
            chat.members = Property::Value(dataset.members(chat_ref));
        }
        if self.preview {
            chat.last_message_preview = match dataset.preview(chat_ref) {
                Some(preview) => Property::Value(Box::new(preview)),
                None => Property::Null,
            };
        }
        chat
    }
}

fn parse_chat_type_filter(filter: &str) -> Result<String> {
    let parts: Vec<&str> = filter.split_whitespace().collect();
    match parts.as_slice() {
        ["chatType", "eq", literal] if literal.len() > 2 && literal.starts_with('\'') && literal.ends_with('\'') => {
            Ok(literal[1..literal.len() - 1].to_owned())
        }
        _ => Err(ODataError::bad_request(format!(
            "Unsupported filter in the mock: '{filter}'; it supports chatType eq '...'."
        ))),
    }
}

fn user_index(dataset: &Dataset, user: &str) -> Result<usize> {
    dataset.user_index(user).ok_or_else(|| {
        ODataError::new(StatusCode::NOT_FOUND, "Request_ResourceNotFound", format!("Resource '{user}' does not exist."))
    })
}

pub(crate) fn find_chat(dataset: &Dataset, user: usize, chat: &str) -> Result<ChatRef> {
    dataset
        .find(chat)
        .filter(|it| dataset.is_visible_to(*it, user))
        .ok_or_else(|| ODataError::not_found(format!("Chat '{chat}' was not found.")))
}

/// A page of a collection that repeats the request with a new `$skiptoken` for the rest.
fn page<T: serde::Serialize>(
    state: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    value: Vec<T>,
    next: Option<String>,
    context: &str,
) -> Response {
    let next_link = next.map(|token| link(state, uri, "$skiptoken", &token));
    collection(state, context, value, next_link, !includes_evolvable(headers))
}

/// A collection answer: `@odata.context` (`$metadata#{context}`), `@odata.count` of this page as
/// the service writes it, the items, and the nextLink, if any.
pub(crate) fn collection<T: serde::Serialize>(
    state: &AppState,
    context: &str,
    value: Vec<T>,
    next_link: Option<String>,
    downgrade_evolvable: bool,
) -> Response {
    let page = Page {
        context: Property::Value(format!("{}/v1.0/$metadata#{context}", state.origin)),
        count: Property::Value(value.len() as i64),
        next_link: next_link.map_or(Property::Absent, Property::Value),
        value,
        ..Default::default()
    };
    json_response(&page, downgrade_evolvable)
}

/// The request again with `key` (`$skiptoken` or `$deltatoken`) set to `token`, on the server's
/// origin unless a fault says otherwise.
pub(crate) fn link(state: &AppState, uri: &Uri, key: &str, token: &str) -> String {
    let origin = state.config.faults.foreign_next_link.as_deref().unwrap_or(&state.origin);
    let kept: Vec<&str> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| {
            url::form_urlencoded::parse(pair.as_bytes())
                .next()
                .is_some_and(|(it, _)| it != "$skiptoken" && it != "$deltatoken")
        })
        .collect();
    let mut query = kept.join("&");
    if !query.is_empty() {
        query.push('&');
    }
    format!("{origin}{}?{query}{key}={token}", uri.path())
}

/// Whether the request asked for evolvable enum members.
pub(crate) fn includes_evolvable(headers: &HeaderMap) -> bool {
    headers.get_all("prefer").iter().any(|it| {
        it.to_str().is_ok_and(|value| {
            value.split(',').any(|part| part.trim().eq_ignore_ascii_case("include-unknown-enum-members"))
        })
    })
}

/// A single entity with its `@odata.context` first, as the service writes it.
#[derive(serde::Serialize)]
pub(crate) struct Entity<T> {
    #[serde(rename = "@odata.context")]
    pub(crate) context: String,
    #[serde(flatten)]
    pub(crate) value: T,
}

/// The answer: the models serialised as they are, in the schema's property order, which is the
/// order Graph writes (see `schema/README.md`).
pub(crate) fn json_response<T: serde::Serialize>(value: &T, downgrade_evolvable: bool) -> Response {
    let mut body = serde_json::to_vec(value).expect("models serialise");
    if downgrade_evolvable {
        body = downgrade(body);
    }
    (
        StatusCode::OK,
        [("content-type", "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Replaces evolvable members with `unknownFutureValue`, as the service does for requests without
/// `Prefer: include-unknown-enum-members`. It works on the compact JSON text: there a
/// `"property":"member"` can only be a property, since inside a string every quote is escaped.
fn downgrade(body: Vec<u8>) -> Vec<u8> {
    // serde_json writes UTF-8; were it not, the body would go out as it is.
    let mut text = match String::from_utf8(body) {
        Ok(text) => text,
        Err(error) => return error.into_bytes(),
    };
    for (property, members) in graph_models::EVOLVABLE_PROPERTIES {
        for member in *members {
            let pattern = format!("\"{property}\":\"{member}\"");
            if text.contains(&pattern) {
                text = text.replace(&pattern, &format!("\"{property}\":\"unknownFutureValue\""));
            }
        }
    }
    text.into_bytes()
}

/// An opaque `$skiptoken` for a cursor of `numbers`.
pub(crate) fn encode_token(numbers: &[usize]) -> String {
    let text: Vec<String> = numbers.iter().map(|it| format!("{it:x}")).collect();
    format!("M{}", text.join("Z"))
}

pub(crate) fn decode_token(token: Option<&str>, expected: usize) -> Result<Vec<usize>> {
    let Some(token) = token else { return Ok(vec![0; expected]) };
    let invalid = || ODataError::bad_request("The $skiptoken is invalid.");
    let numbers: Vec<usize> = token
        .strip_prefix('M')
        .ok_or_else(invalid)?
        .split('Z')
        .map(|it| usize::from_str_radix(it, 16).map_err(|_| invalid()))
        .collect::<Result<_>>()?;
    if numbers.len() == expected {
        Ok(numbers)
    } else {
        Err(invalid())
    }
}
