//! getAllMessages/delta against graph-mock: full rounds, rounds of changes, resuming from stored
//! links, expired links, and faults on the way.

mod common;

use common::{fast_retry, TOKEN};
use futures::TryStreamExt;
use graph_client::{Delta, DeltaLink, GraphClient};
use graph_mock::{start, DatasetConfig, Faults, MockConfig, MockServer, Step};
use serde_json::value::RawValue;
use std::collections::BTreeSet;

const USER: &str = "adele@contoso.com";

fn dataset() -> DatasetConfig {
    DatasetConfig { seed_examples: false, chats: 4, messages_per_chat: 30, seed: 3 }
}

async fn mock(faults: Faults, delta_link_lifetime: u64) -> MockServer {
    let config =
        MockConfig { token: TOKEN.to_owned(), dataset: dataset(), faults, delta_link_lifetime, ..Default::default() };
    start(config).await.unwrap()
}

fn client(server: &MockServer) -> GraphClient {
    let retry = fast_retry().max_retries(8);
    GraphClient::builder().base_url(server.base_url()).bearer_token(TOKEN).retry_policy(retry).build().unwrap()
}

/// Every page of a round: the messages' texts, the link each page ended with, and whether it
/// restarted.
async fn collect(pages: Delta<Box<RawValue>>) -> (Vec<String>, Vec<DeltaLink>, bool) {
    let pages: Vec<_> = pages.try_collect().await.unwrap();
    let restarted = pages.iter().any(|it| it.restarted);
    let links = pages.iter().map(|it| it.link.clone()).collect();
    (pages.into_iter().flat_map(|it| it.value).map(|it| it.get().to_owned()).collect(), links, restarted)
}

fn delta_link(links: &[DeltaLink]) -> String {
    match links.last() {
        Some(DeltaLink::Delta(link)) => link.clone(),
        other => panic!("a round ends with a deltaLink, got {other:?}"),
    }
}

#[tokio::test]
async fn a_round_then_only_what_changed_since() {
    let server = mock(Faults::default(), 24).await;
    let client = client(&server);
    let delta = || client.user(USER).all_messages_delta().top(7);
    let (first, links, _) = collect(delta().raw(None)).await;
    assert_eq!(first.len(), 4 * 30);
    assert_eq!(first.iter().collect::<BTreeSet<_>>().len(), first.len(), "no message twice");
    assert!(links[..links.len() - 1].iter().all(|it| matches!(it, DeltaLink::Next(_))));
    let stored = delta_link(&links);

    let (unchanged, _, _) = collect(delta().raw(Some(&stored))).await;
    assert!(unchanged.is_empty(), "nothing changed: {unchanged:?}");

    server.advance(Step { created: 3, edited: 4, deleted: 2 });
    let relative = client.relative_link(&stored);
    assert!(relative.starts_with("/users/"), "{relative}");
    let (changes, links, restarted) = collect(delta().raw(Some(relative))).await;
    assert!(!restarted);
    assert!((1..=9).contains(&changes.len()), "{}", changes.len());
    let messages: Vec<graph_models::ChatMessage> = changes.iter().map(|it| serde_json::from_str(it).unwrap()).collect();
    assert!(messages.iter().any(|it| it.deleted_date_time.is_value()), "deletions come with deletedDateTime");
    assert!(changes.iter().all(|it| !first.contains(it)), "each change is a new version");
    let (after, _, _) = collect(delta().raw(Some(&delta_link(&links)))).await;
    assert!(after.is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn a_round_resumed_from_a_stored_next_link_ends_like_the_whole_round() {
    let server = mock(Faults::default(), 24).await;
    let client = client(&server);
    let delta = || client.user(USER).all_messages_delta().top(9);
    let (whole, links, _) = collect(delta().raw(None)).await;
    let DeltaLink::Next(third) = &links[2] else { panic!("{links:?}") };
    let (rest, rest_links, _) = collect(delta().raw(Some(client.relative_link(third)))).await;
    assert_eq!(rest, whole[27..]);
    assert_eq!(rest_links.last(), links.last());
    server.shutdown().await;
}

#[tokio::test]
async fn an_expired_delta_link_starts_a_full_round_and_says_so() {
    let server = mock(Faults::default(), 1).await;
    let client = client(&server);
    let delta = || client.user(USER).all_messages_delta();
    let (_, links, _) = collect(delta().raw(None)).await;
    for _ in 0..2 {
        server.advance(Step { edited: 1, ..Step::default() });
    }
    let (again, links, restarted) = collect(delta().raw(Some(&delta_link(&links)))).await;
    assert!(restarted, "the first page of the new round says so");
    assert_eq!(again.len(), 4 * 30, "a full round");
    let (after, _, restarted) = collect(delta().raw(Some(&delta_link(&links)))).await;
    assert!(after.is_empty() && !restarted);
    server.shutdown().await;
}

#[tokio::test]
async fn a_stored_link_to_another_host_is_refused_before_sending() {
    let server = mock(Faults::default(), 24).await;
    let client = client(&server);
    let error = client.user(USER).all_messages_delta().raw(Some("http://127.0.0.2:9/v1.0/x")).try_next().await;
    match error {
        Err(graph_client::Error::ForeignOrigin { link: graph_client::LinkKind::StoredLink, .. }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests(), 0);
    server.shutdown().await;
}

#[tokio::test]
async fn a_page_whose_next_link_leads_elsewhere_is_an_error_instead_of_a_link_to_store() {
    let faults = Faults { foreign_next_link: Some("http://127.0.0.2:9".into()), ..Faults::default() };
    let server = mock(faults, 24).await;
    let client = client(&server);
    let items: Vec<_> = futures::StreamExt::collect(client.user(USER).all_messages_delta().top(7).raw(None)).await;
    // Handed out, the page's link would be stored and refused on every later run; withheld, the
    // round resumes from the link stored before it.
    match items.as_slice() {
        [Err(graph_client::Error::ForeignOrigin { link: graph_client::LinkKind::NextLink, url })] => {
            assert!(url.starts_with("http://127.0.0.2:9/"), "{url}");
        }
        other => panic!("one error and no page: {other:?}"),
    }
    assert_eq!(server.requests(), 1);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rounds_through_throttling_outages_and_resets_lose_and_duplicate_nothing() {
    let clean = mock(Faults::default(), 24).await;
    let faults = Faults {
        throttle_every: 5,
        retry_after: Some("0.001".into()),
        unavailable_every: 7,
        unavailable_burst: 2,
        reset_every: 11,
        truncate_every: 13,
        ..Faults::default()
    };
    let faulty = mock(faults, 24).await;
    let step = Step { created: 5, edited: 6, deleted: 3 };
    let mut rounds = Vec::new();
    for server in [&clean, &faulty] {
        let client = client(server);
        let delta = || client.user(USER).all_messages_delta().top(5);
        let (first, links, _) = collect(delta().raw(None)).await;
        server.advance(step);
        let (changes, _, _) = collect(delta().raw(Some(&delta_link(&links)))).await;
        rounds.push((first, changes));
    }
    assert_eq!(rounds[0], rounds[1]);
    assert!(faulty.requests() > clean.requests() + 10, "the faults happened");
    clean.shutdown().await;
    faulty.shutdown().await;
}
