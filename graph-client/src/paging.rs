//! Streams of pages and items that follow `@odata.nextLink` one page at a time. A link to another
//! origin, a recent repeat or one past too many empty pages ends the stream, after its page.

use crate::client::GraphClient;
use crate::error::{Error, LinkKind, Result};
use crate::send::Call;
use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use graph_models::Page;
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use url::Url;

/// How many links back a repeat is caught: the service's bugs link a few pages back at most.
const RECENT_LINKS: usize = 64;

/// A stream of a collection's pages ([`Pages`]) or of its items across all pages ([`Items`]),
/// holding one page at a time. An error ends it.
pub struct Paged<T> {
    inner: BoxStream<'static, Result<T>>,
}

/// The pages of a collection, from `.pages()` on a list request.
pub type Pages<T> = Paged<Page<T>>;

/// The items of a collection, from `.items()` on a list request.
pub type Items<T> = Paged<T>;

/// Where a walk is: the page to get next, and what the links so far tell.
struct Walk {
    client: GraphClient,
    call: Call,
    url: Url,
    /// The last links followed, the first URL included.
    recent: VecDeque<Url>,
    /// How many pages in a row, the last one included, had no items.
    empty_run: u32,
}

enum State {
    Next(Box<Walk>),
    Failed(Error),
    Done,
}

impl<T> Paged<T> {
    /// A stream of this crate's making, such as a delta round's.
    pub(crate) fn from_stream(inner: BoxStream<'static, Result<T>>) -> Self {
        Paged { inner }
    }
}

impl<T: DeserializeOwned + Send + 'static> Pages<T> {
    /// The pages of `start`, or a stream of just the error that kept the request from being made.
    pub(crate) fn new(client: GraphClient, start: Result<(Url, Call)>) -> Self {
        let state = match start {
            Ok((url, call)) => {
                State::Next(Box::new(Walk { client, call, recent: VecDeque::from([url.clone()]), url, empty_run: 0 }))
            }
            Err(error) => State::Failed(error),
        };
        Paged { inner: stream::unfold(state, step).boxed() }
    }

    /// The items of these pages, one by one.
    pub fn items(self) -> Items<T> {
        let items = self.map_ok(|page| stream::iter(page.value.into_iter().map(Ok))).try_flatten();
        Paged { inner: items.boxed() }
    }
}

/// Gets the next page; the error a page's nextLink leads to comes after the page.
async fn step<T: DeserializeOwned>(state: State) -> Option<(Result<Page<T>>, State)> {
    match state {
        State::Done => None,
        State::Failed(error) => Some((Err(error), State::Done)),
        State::Next(mut walk) => match walk.client.inner.get::<Page<T>>(&walk.url, &walk.call).await {
            Err(error) => Some((Err(error), State::Done)),
            Ok(page) => match walk.next(&page) {
                Ok(true) => Some((Ok(page), State::Next(walk))),
                Ok(false) => Some((Ok(page), State::Done)),
                Err(error) => Some((Ok(page), State::Failed(error))),
            },
        },
    }
}

impl Walk {
    /// Moves on past `page`: true if there is a next page to get, false at the end.
    fn next<T>(&mut self, page: &Page<T>) -> Result<bool> {
        self.empty_run = if page.value.is_empty() { self.empty_run.saturating_add(1) } else { 0 };
        let link = page.next_link().filter(|link| !link.is_empty());
        link.map_or(Ok(false), |link| self.follow(link).map(|()| true))
    }

    /// Moves on to `link`, if it is on the Graph root's origin, not followed lately, and not past
    /// too many empty pages in a row. Every error shows the link without the tokens sent.
    fn follow(&mut self, link: &str) -> Result<()> {
        let inner = &self.client.inner;
        let shown = |url: &str| inner.scrub.text(url).into_owned();
        let next = self.url.join(link).map_err(|err| {
            Error::UnexpectedResponse(format!("@odata.nextLink `{}` is not a URL: {err}", shown(link)))
        })?;
        inner.check_origin(LinkKind::NextLink, &next)?;
        if self.empty_run > inner.settings.max_empty_pages {
            return Err(Error::TooManyEmptyPages { pages: self.empty_run, url: shown(next.as_str()) });
        }
        if self.recent.contains(&next) {
            return Err(Error::NextLinkLoop { url: shown(next.as_str()) });
        }
        if self.recent.len() == RECENT_LINKS {
            self.recent.pop_front();
        }
        self.recent.push_back(next.clone());
        self.url = next;
        Ok(())
    }
}

impl<T> Stream for Paged<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T> fmt::Debug for Paged<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paged").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::send::Call;

    fn walk(root: &str, start: &str) -> Walk {
        let client = GraphClient::builder().base_url(root).bearer_token("t").build().unwrap();
        let url = Url::parse(start).unwrap();
        Walk { client, call: Call::default(), recent: VecDeque::from([url.clone()]), url, empty_run: 0 }
    }

    /// An https root cannot be tested end to end without a trusted TLS server, so the check is
    /// made on the walk itself: no nextLink may downgrade it to http, whatever the port.
    #[test]
    fn an_https_root_refuses_next_links_that_downgrade_to_http() {
        for (root, same) in [
            ("https://127.0.0.1:8443", "https://127.0.0.1:8443"),
            ("https://graph.example", "https://graph.example:443"),
        ] {
            let mut walk = walk(root, &format!("{root}/v1.0/users/u/chats/getAllMessages?$top=50"));
            let path = "/v1.0/users/u/chats/getAllMessages?$top=50&$skiptoken=";
            let host = &root["https://".len()..];
            let host_only = host.split(':').next().unwrap();
            for downgrade in [
                format!("http://{host}{path}a"),           // same host and port, plain http
                format!("http://{host_only}{path}b"),      // same host, port 80
                format!("http://{host_only}:443{path}c"),  // same host, the https port
                format!("http://{host_only}:8443{path}d"), // same host, the root's port
                format!("//{host_only}:80{path}e"),        // https, but to port 80
                format!("ws://{host}{path}f"),             // another scheme altogether
            ] {
                match walk.follow(&downgrade) {
                    Err(Error::ForeignOrigin { link: LinkKind::NextLink, url }) => {
                        assert!(!url.starts_with(&format!("{same}/")), "{url}")
                    }
                    other => panic!("{root}: {downgrade} must be refused, got {other:?}"),
                }
                assert!(walk.url.as_str().starts_with("https://"), "the walk did not move");
            }
            walk.follow(&format!("{same}{path}g")).expect("the same origin is followed");
            walk.follow(&format!("{path}h")).expect("a relative link stays on the origin");
            assert_eq!(walk.url.scheme(), "https");
        }
    }

    #[test]
    fn recent_links_are_repeats_and_memory_stays_bounded() {
        let root = "https://graph.example";
        let mut walk = walk(root, &format!("{root}/v1.0/x"));
        assert!(matches!(walk.follow("/v1.0/x"), Err(Error::NextLinkLoop { .. })), "a page linking to itself");
        for n in 0..1000 {
            walk.follow(&format!("/v1.0/x?$skiptoken={n}")).unwrap();
        }
        assert_eq!(walk.recent.len(), RECENT_LINKS);
        assert!(matches!(walk.follow("/v1.0/x?$skiptoken=990"), Err(Error::NextLinkLoop { .. })), "back ten pages");
    }
}
