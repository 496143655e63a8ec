//! Streams of pages and of items that follow `@odata.nextLink` to the end.
//!
//! The link is followed verbatim (as an opaque URL) until a page has none, empty pages included
//! (up to a configured number in a row). Every page request carries the headers of the first
//! one. A link to another origin than the Graph root, one already followed, or one past too many
//! consecutive empty pages ends the stream with an error. Only one page is held at a time:
//! memory does not grow with the number of pages (see `LoopGuard` for how repeats are found in
//! constant memory).

use crate::client::{GraphClient, Inner};
use crate::error::{Error, LinkKind, Result};
use crate::send::Call;
use futures::stream::{self, BoxStream, Stream, StreamExt};
use graph_models::Page;
use serde::de::DeserializeOwned;
use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};
use url::Url;

/// A stream of the pages of a collection, first to last.
///
/// Errors end the stream. Get one with `.pages()` on a list request; see [`Items`] for the
/// items one by one.
pub struct Pages<T> {
    inner: BoxStream<'static, Result<Page<T>>>,
}

/// A stream of the items of a collection, across all pages. Holds one page at a time.
///
/// ```no_run
/// # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
/// use futures::TryStreamExt;
///
/// let mut chats = client.me().chats().items();
/// while let Some(chat) = chats.try_next().await? {
///     println!("{:?}", chat.topic.as_deref());
/// }
/// # Ok(()) }
/// ```
pub struct Items<T> {
    pages: Pages<T>,
    current: std::vec::IntoIter<T>,
}

struct Walk {
    client: GraphClient,
    call: Call,
    cursor: Cursor,
}

/// Where a walk is: the page to get next, and what the links so far tell.
struct Cursor {
    url: Url,
    guard: LoopGuard,
    /// How many pages in a row, the last one included, had no items.
    empty_run: u32,
}

enum State {
    Next(Box<Walk>),
    Failed(Error),
    Done,
}

impl<T: DeserializeOwned + Send + 'static> Pages<T> {
    /// The pages of `start`, or a stream of just the error that kept the request from being made.
    pub(crate) fn new(client: GraphClient, start: Result<(Url, Call)>) -> Self {
        let state = match start {
            Ok((url, call)) => {
                let mut guard = LoopGuard::default();
                guard.is_repeat(&url);
                State::Next(Box::new(Walk { client, call, cursor: Cursor { url, guard, empty_run: 0 } }))
            }
            Err(error) => State::Failed(error),
        };
        Pages { inner: stream::unfold(state, step).boxed() }
    }

    /// The items of these pages, one by one.
    pub fn items(self) -> Items<T> {
        Items { pages: self, current: Vec::new().into_iter() }
    }
}

async fn step<T: DeserializeOwned>(state: State) -> Option<(Result<Page<T>>, State)> {
    match state {
        State::Done => None,
        State::Failed(error) => Some((Err(error), State::Done)),
        State::Next(mut walk) => {
            let Walk { client, call, cursor } = &mut *walk;
            // The nextLink is checked as part of the request, so that an error it leads to is
            // redacted like the request's own (the link may echo the token). The page comes
            // first, then that error.
            let mut refused = None;
            let fetched = client
                .inner
                .get_then(cursor.url.clone(), call, |page: Page<T>| match cursor.after(&client.inner, &page) {
                    Ok(more) => Ok((page, more)),
                    Err(error) => {
                        refused = Some(page);
                        Err(error)
                    }
                })
                .await;
            Some(match (fetched, refused) {
                (Ok((page, true)), _) => (Ok(page), State::Next(walk)),
                (Ok((page, false)), _) => (Ok(page), State::Done),
                (Err(error), Some(page)) => (Ok(page), State::Failed(error)),
                (Err(error), None) => (Err(error), State::Done),
            })
        }
    }
}

impl Cursor {
    /// Moves on past `page`: true if there is a next page to get, false at the end.
    fn after<T>(&mut self, inner: &Inner, page: &Page<T>) -> Result<bool> {
        self.empty_run = if page.value.is_empty() { self.empty_run.saturating_add(1) } else { 0 };
        match page.next_link().filter(|link| !link.is_empty()) {
            None => Ok(false),
            Some(link) => self.follow(inner, link).map(|()| true),
        }
    }

    /// Moves on to `link`, if it is on the Graph root's origin, not followed before, and not
    /// past too many empty pages in a row.
    fn follow(&mut self, inner: &Inner, link: &str) -> Result<()> {
        let next = self
            .url
            .join(link)
            .map_err(|err| Error::UnexpectedResponse(format!("@odata.nextLink `{link}` is not a URL: {err}")))?;
        inner.check_origin(LinkKind::NextLink, &next)?;
        if self.empty_run > inner.max_empty_pages {
            return Err(Error::TooManyEmptyPages { pages: self.empty_run, url: next.to_string() });
        }
        if self.guard.is_repeat(&next) {
            return Err(Error::NextLinkLoop { url: next.to_string() });
        }
        self.url = next;
        Ok(())
    }
}

/// Finds a link that was followed before, in constant memory.
///
/// The last [`LoopGuard::WINDOW`] links are remembered exactly (as 64-bit hashes), so a loop
/// back to any of them stops paging before a single page is fetched twice. Longer loops are
/// caught by Brent's cycle detection: one saved link, replaced at power-of-two distances, which
/// a loop of any length meets again within about twice its length.
#[derive(Debug)]
struct LoopGuard {
    recent: VecDeque<u64>,
    recent_set: HashSet<u64>,
    saved: Option<u64>,
    distance: u64,
    power: u64,
}

impl Default for LoopGuard {
    fn default() -> Self {
        LoopGuard { recent: VecDeque::new(), recent_set: HashSet::new(), saved: None, distance: 0, power: 1 }
    }
}

impl LoopGuard {
    const WINDOW: usize = 1024;

    /// Records `url`; true if it was followed before (as far as the guard can tell).
    fn is_repeat(&mut self, url: &Url) -> bool {
        let mut hasher = DefaultHasher::new();
        url.as_str().hash(&mut hasher);
        self.is_repeat_hash(hasher.finish())
    }

    fn is_repeat_hash(&mut self, hash: u64) -> bool {
        if self.saved == Some(hash) || !self.recent_set.insert(hash) {
            return true;
        }
        self.recent.push_back(hash);
        if self.recent.len() > Self::WINDOW {
            let oldest = self.recent.pop_front().expect("the window is not empty");
            self.recent_set.remove(&oldest);
        }
        self.distance += 1;
        if self.saved.is_none() || self.distance == self.power {
            self.saved = Some(hash);
            self.power = self.power.saturating_mul(2);
            self.distance = 0;
        }
        false
    }
}

impl<T> Stream for Pages<T> {
    type Item = Result<Page<T>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T> Stream for Items<T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match this.pages.inner.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(page))) => this.current = page.value.into_iter(),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

// `Items` never pins its fields: the page stream is boxed and the iterator is moved freely.
impl<T> Unpin for Items<T> {}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items").field("buffered", &self.current.len()).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::{Cursor, LoopGuard};
    use crate::error::{Error, LinkKind};
    use crate::GraphClient;
    use url::Url;

    /// An https root cannot be tested end to end without a trusted TLS server, so the check is
    /// made on the walk itself: no nextLink may downgrade it to http, whatever the port.
    #[test]
    fn an_https_root_refuses_next_links_that_downgrade_to_http() {
        for (root, same) in [
            ("https://127.0.0.1:8443", "https://127.0.0.1:8443"),
            ("https://graph.example", "https://graph.example:443"),
        ] {
            let client = GraphClient::builder().base_url(root).bearer_token("t").build().unwrap();
            let start = Url::parse(&format!("{root}/v1.0/users/u/chats/getAllMessages?$top=50")).unwrap();
            let mut walk = Cursor { url: start, guard: LoopGuard::default(), empty_run: 0 };
            let inner = &client.inner;
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
                match walk.follow(inner, &downgrade) {
                    Err(Error::ForeignOrigin { link: LinkKind::NextLink, url }) => {
                        assert!(!url.starts_with(&format!("{same}/")), "{url}")
                    }
                    other => panic!("{root}: {downgrade} must be refused, got {other:?}"),
                }
                assert!(walk.url.as_str().starts_with("https://"), "the walk did not move");
            }
            walk.follow(inner, &format!("{same}{path}g")).expect("the same origin is followed");
            walk.follow(inner, &format!("{path}h")).expect("a relative link stays on the origin");
            assert_eq!(walk.url.scheme(), "https");
        }
    }

    #[test]
    fn short_loops_are_caught_at_the_first_repeat() {
        let mut guard = LoopGuard::default();
        assert!(!guard.is_repeat_hash(1));
        assert!(guard.is_repeat_hash(1), "a page linking to itself");
        let mut guard = LoopGuard::default();
        for link in 0..1000 {
            assert!(!guard.is_repeat_hash(link));
        }
        assert!(guard.is_repeat_hash(3), "a loop back 997 pages");
    }

    #[test]
    fn long_loops_are_caught_eventually_in_constant_memory() {
        // Links 0..5000, then round again from 100: a loop of 4900 pages.
        let mut guard = LoopGuard::default();
        let links = (0..5000).chain((100..5000).cycle());
        let caught = links.take(50_000).position(|link| guard.is_repeat_hash(link));
        let caught = caught.expect("the loop is found");
        assert!(caught < 5000 + 2 * 4900, "found after {caught} links");
        assert!(guard.recent.len() <= LoopGuard::WINDOW && guard.recent_set.len() <= LoopGuard::WINDOW);
    }

    #[test]
    fn distinct_links_are_never_repeats() {
        let mut guard = LoopGuard::default();
        assert!((0..200_000u64).all(|link| !guard.is_repeat_hash(link.wrapping_mul(0x9E37_79B9_7F4A_7C15))));
    }
}
