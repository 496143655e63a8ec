//! `getAllMessages/delta`: rounds of changes across a user's chats, page by page, each page with
//! the link to continue from, resumable from a stored link.

use crate::client::GraphClient;
use crate::cloud::Cloud;
use crate::encode::{datetime_literal, Query};
use crate::error::{Error, LinkKind, Result};
use crate::messages::Model;
use crate::paging::{Paged, Pages};
use crate::ratelimit::Bucket;
use crate::request::sealed::{Endpoint, List, Top};
use crate::request::{Options, Request};
use futures::stream::{self, StreamExt};
use graph_models::{ChatMessage, Page};
use jiff::Timestamp;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use url::Url;

/// `GET /users/{user}/chats/getAllMessages/delta`: every message of the user's chats (from the
/// last eight months), then, from the round's deltaLink, only what was created, edited or deleted
/// since. Application permissions only, global cloud only, metered like getAllMessages.
///
/// Query options go on the first request of the first round only; later pages and rounds follow
/// the links, which carry them. A message deleted upstream comes back with `deletedDateTime` set.
///
/// ```no_run
/// # async fn run(client: graph_client::GraphClient, stored: Option<String>) -> Result<(), graph_client::Error> {
/// use futures::TryStreamExt;
/// use graph_client::{DeltaLink, Model};
///
/// let delta = client.user("0b4f1cf6-54c8-4820-bbb7-2a1f4257ade5").all_messages_delta().model(Model::A).top(50);
/// let mut pages = match stored {
///     Some(link) => delta.resume(&link),
///     None => delta.round(),
/// };
/// while let Some(page) = pages.try_next().await? {
///     // Store `page.value` and `page.link` together, in one transaction.
///     if let DeltaLink::Delta(link) = &page.link {
///         println!("round done; next time resume from {link}");
///     }
/// }
/// # Ok(()) }
/// ```
pub type MessagesDelta = Request<DeltaQuery>;

/// The options of [`MessagesDelta`] of its own.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeltaQuery {
    model: Option<Model>,
    modified_after: Option<Timestamp>,
}

/// One page of a delta round.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DeltaPage<T> {
    /// The page's messages (possibly none, as the service's pages sometimes are).
    pub value: Vec<T>,
    /// Where to continue from once `value` is stored.
    pub link: DeltaLink,
    /// True on the first page of a full round begun because the stored link had expired (410 Gone
    /// or `syncStateNotFound`): what was stored before may have been missed, so the round starts
    /// over, and it repeats what is already stored.
    pub restarted: bool,
}

/// The link a delta page ends with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeltaLink {
    /// `@odata.nextLink`: the round goes on.
    Next(String),
    /// `@odata.deltaLink`: the round is over; the changes since start from here.
    Delta(String),
}

impl DeltaLink {
    /// The URL, whichever kind it is.
    pub fn as_str(&self) -> &str {
        match self {
            DeltaLink::Next(link) | DeltaLink::Delta(link) => link,
        }
    }
}

/// The pages of a delta round, from [`MessagesDelta::round`] or [`MessagesDelta::resume`].
pub type Delta<T> = Paged<DeltaPage<T>>;

impl MessagesDelta {
    /// `model=A` or `model=B`; leave unset for evaluation mode.
    pub fn model(mut self, model: Model) -> Self {
        self.endpoint_mut().model = Some(model);
        self
    }

    /// Only messages modified after `time` (`lastModifiedDateTime gt`, the only filter delta
    /// supports).
    pub fn modified_after(mut self, time: Timestamp) -> Self {
        self.endpoint_mut().modified_after = Some(time);
        self
    }

    /// A full round from the first request, with the typed messages.
    pub fn round(self) -> Delta<ChatMessage> {
        self.start(None)
    }

    /// The round a stored nextLink or deltaLink continues (absolute, or relative to the Graph
    /// root as [`GraphClient::relative_link`] gives it). A link that has expired starts a full
    /// round instead, whose first page says so ([`DeltaPage::restarted`]).
    pub fn resume(self, link: &str) -> Delta<ChatMessage> {
        self.start(Some(link))
    }

    /// [`round`](Self::round) or [`resume`](Self::resume) with every message as its JSON text
    /// exactly as received, for archives.
    pub fn raw(self, link: Option<&str>) -> Delta<Box<serde_json::value::RawValue>> {
        self.start(link)
    }

    fn start<T: DeserializeOwned + Send + 'static>(self, link: Option<&str>) -> Delta<T> {
        let client = self.client().clone();
        let (url, call) = match self.prepare() {
            Ok(first) => first,
            Err(error) => return Paged::from_stream(stream::iter([Err(error)]).boxed()),
        };
        let Some(link) = link else {
            return Paged::from_stream(pages_of(&client, Pages::new(client.clone(), Ok((url, call))), false));
        };
        let resumed = client.stored_link(link).map(|it| (it, call.clone()));
        let resumed = pages_of(&client, Pages::new(client.clone(), resumed), false);
        // An expired link starts a full round, once; the resumed round ends with its error.
        let stream = resumed.flat_map(move |page| match page {
            Err(error) if is_expired(&error) => {
                pages_of(&client, Pages::new(client.clone(), Ok((url.clone(), call.clone()))), true)
            }
            other => stream::iter([other]).boxed(),
        });
        Paged::from_stream(stream.boxed())
    }
}

/// The delta pages of `pages`, the first marked as a restart if `restarted`, ending at the first
/// error. A page whose link leads off the Graph root is that error instead of a page: handed out,
/// its link would be stored, and every later run would fail to resume from it, while the link
/// stored before it still works.
fn pages_of<T: Send + 'static>(
    client: &GraphClient,
    pages: Pages<T>,
    restarted: bool,
) -> futures::stream::BoxStream<'static, Result<DeltaPage<T>>> {
    let client = client.clone();
    pages
        .enumerate()
        .map(move |(index, page)| {
            let page = page?;
            let link = link_of(&page)?;
            check_link(&client, &link)?;
            Ok(DeltaPage { link, value: page.value, restarted: restarted && index == 0 })
        })
        .scan(false, |failed, page| {
            let end = std::mem::replace(failed, page.is_err());
            futures::future::ready((!end).then_some(page))
        })
        .boxed()
}

/// An absolute link must be on the Graph root (a relative one is resolved against it).
fn check_link(client: &GraphClient, link: &DeltaLink) -> Result<()> {
    let kind = match link {
        DeltaLink::Next(_) => LinkKind::NextLink,
        DeltaLink::Delta(_) => LinkKind::DeltaLink,
    };
    match Url::parse(link.as_str()) {
        Ok(url) => client.inner.check_origin(kind, &url),
        Err(_) => Ok(()),
    }
}

fn link_of<T>(page: &Page<T>) -> Result<DeltaLink> {
    if let Some(link) = page.next_link().filter(|it| !it.is_empty()) {
        return Ok(DeltaLink::Next(link.to_owned()));
    }
    match page.delta_link.get() {
        Some(link) if !link.is_empty() => Ok(DeltaLink::Delta(link.clone())),
        _ => Err(Error::UnexpectedResponse("a delta page with neither @odata.nextLink nor @odata.deltaLink".into())),
    }
}

/// Whether the service says the stored state is gone and a full round must start.
fn is_expired(error: &Error) -> bool {
    let Some(http) = error.http() else { return false };
    let code = http.code().unwrap_or_default();
    http.status == StatusCode::GONE
        || ["syncStateNotFound", "resyncRequired", "syncStateInvalid"].iter().any(|it| it.eq_ignore_ascii_case(code))
}

impl GraphClient {
    /// `link` relative to the Graph root (e.g. `/users/u/chats/getAllMessages/delta?$deltatoken=x`),
    /// or unchanged if it is elsewhere: what to store, so that a stored link names no host and
    /// still works against another root, such as a restarted local server.
    pub fn relative_link<'a>(&self, link: &'a str) -> &'a str {
        link.strip_prefix(self.inner.api_root.as_str()).filter(|it| it.starts_with('/')).unwrap_or(link)
    }

    /// A stored link as a URL on the Graph root; a link to anywhere else is refused.
    pub(crate) fn stored_link(&self, link: &str) -> Result<Url> {
        let text = if link.starts_with('/') { format!("{}{link}", self.inner.api_root) } else { link.to_owned() };
        let url = Url::parse(&text).map_err(|err| {
            Error::InvalidRequest(format!("the stored link `{}` is not a URL: {err}", self.inner.scrub.text(link)))
        })?;
        self.inner.check_origin(LinkKind::StoredLink, &url)?;
        Ok(url)
    }
}

impl Endpoint for DeltaQuery {
    type Value = ChatMessage;

    fn path(&self) -> Result<String> {
        Ok("/getAllMessages/delta".to_owned())
    }

    fn query(&self, client: &GraphClient, options: &Options) -> Result<Query> {
        if client.cloud() != Cloud::Global {
            return Err(Error::InvalidRequest("getAllMessages/delta is available in the global cloud only".into()));
        }
        let mut query = Query::default();
        if let Some(model) = self.model {
            query.push("model", if model == Model::A { "A" } else { "B" });
        }
        options.push_top(&mut query)?;
        if let Some(time) = self.modified_after {
            query.push("$filter", format!("lastModifiedDateTime gt {}", datetime_literal(time)));
        }
        Ok(query)
    }

    const LIMITS: &'static [Bucket] = &[Bucket::AllMessages];
}

impl List for DeltaQuery {}
impl Top for DeltaQuery {}
