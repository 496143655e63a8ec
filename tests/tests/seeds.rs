//! Every response example of the seed documentation pages deserialises into the right type and
//! serialises back to an equal JSON value, its properties in the order Graph wrote them.

use graph_models::{Chat, ChatMessage, ChatMessageType, EventMessageDetail, Identity, Page};
use graph_tests::{response_examples, seed_fixtures, SEED_PAGES};
use serde_json::Value;
use std::path::Path;

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(name: &str, text: &str) -> T {
    let model: T = graph_models::decode(text.as_bytes()).unwrap_or_else(|err| panic!("{name}: {err}"));
    let expected: Value = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_value(&model).unwrap(), expected, "{name} does not round-trip");
    model
}

#[test]
fn every_seed_example_round_trips_as_its_type() {
    let fixtures = seed_fixtures();
    for (_, prefix) in SEED_PAGES {
        assert!(fixtures.iter().any(|(name, _)| name.starts_with(prefix)), "no fixture of {prefix}");
    }
    for (name, text) in &fixtures {
        if name.starts_with("list-chats") {
            let page: Page<Chat> = round_trip(name, text);
            assert!(!page.value.is_empty(), "{name}");
            assert!(page.value.iter().all(|chat| chat.chat_type.is_value()), "{name}");
        } else if name.starts_with("get-chat") {
            let chat: Chat = round_trip(name, text);
            assert!(chat.id.is_value() && chat.chat_type.is_value(), "{name}");
        } else {
            let page: Page<ChatMessage> = round_trip(name, text);
            assert!(!page.value.is_empty(), "{name}");
            for message in &page.value {
                // A system event's detail is always a known concrete type in these examples.
                if let Some(detail) = message.event_detail.get() {
                    assert!(!matches!(detail, EventMessageDetail::Other(_)), "{name}: {detail:?}");
                }
            }
        }
    }
}

/// `text` compacted, its keys in their order, as the service sends it.
fn compact(text: &str) -> String {
    let mut compact = Vec::new();
    let mut reader = serde_json::Deserializer::from_str(text);
    serde_transcode::transcode(&mut reader, &mut serde_json::Serializer::new(&mut compact)).unwrap();
    String::from_utf8(compact).unwrap()
}

/// The models write properties in the order Graph writes them (the schema's order, taken from
/// these examples) and undeclared ones where they stood, so an example written back is the
/// documented text itself, unless it orders its properties unlike most examples do (they were
/// captured at different times): the snapshot names each such example and where its text first
/// differs.
#[test]
fn examples_written_back_keep_the_order_graph_wrote() {
    let mut report = String::new();
    for (name, text) in seed_fixtures() {
        let documented = compact(&text);
        let written = if name.starts_with("list-chats") {
            serde_json::to_string(&graph_models::decode::<Page<Chat>>(documented.as_bytes()).unwrap())
        } else if name.starts_with("get-chat") {
            serde_json::to_string(&graph_models::decode::<Chat>(documented.as_bytes()).unwrap())
        } else {
            serde_json::to_string(&graph_models::decode::<Page<ChatMessage>>(documented.as_bytes()).unwrap())
        };
        let written = written.unwrap();
        let at = documented.bytes().zip(written.bytes()).position(|(a, b)| a != b);
        let line = match at {
            None if documented.len() == written.len() => "the documented text".to_owned(),
            _ => {
                let at = at.unwrap_or(documented.len().min(written.len()));
                let key = |text: &str| text[at..].chars().take(32).collect::<String>();
                format!("documented `{}…`, written `{}…`", key(&documented), key(&written))
            }
        };
        report.push_str(&format!("{name}: {line}\n"));
    }
    insta::assert_snapshot!(report);
}

/// A maintainer's check, run with the documentation pages at hand: `GRAPH_SEED_PAGES=DIR cargo
/// test -p graph-tests --test seeds` compares every fixture with the example it was cut from.
/// Tests read nothing outside the repository, so without the variable there is nothing to do.
#[test]
fn fixtures_are_the_examples_of_the_seed_pages() {
    let Some(seeds) = std::env::var_os("GRAPH_SEED_PAGES") else { return };
    let seeds = Path::new(&seeds);
    let entries = std::fs::read_dir(seeds).unwrap_or_else(|err| panic!("{}: {err}", seeds.display()));
    let fixtures = seed_fixtures();
    let mut pages: Vec<_> = entries.map(|it| it.unwrap().path()).collect();
    pages.sort();
    let mut compared = 0;
    for page in pages {
        let file = page.file_name().unwrap().to_string_lossy().into_owned();
        let (_, prefix) = SEED_PAGES.iter().find(|(seed, _)| file.starts_with(seed)).expect("a known seed page");
        let text = std::fs::read_to_string(&page).unwrap();
        for (index, example) in response_examples(&text).into_iter().enumerate() {
            let name = format!("{prefix}-{}", index + 1);
            let (_, fixture) =
                fixtures.iter().find(|(it, _)| *it == name).unwrap_or_else(|| panic!("no fixture {name}"));
            assert_eq!(fixture.trim_end(), example, "{name} differs from its seed page");
            compared += 1;
        }
    }
    assert_eq!(compared, fixtures.len());
}

#[test]
fn the_malformed_documentation_timestamp_is_kept_and_reported() {
    let (_, text) = seed_fixtures().into_iter().find(|(name, _)| name == "list-chat-messages-1").unwrap();
    let page: Page<ChatMessage> = round_trip("list-chat-messages-1", &text);
    let odd: Vec<_> = page
        .value
        .iter()
        .filter_map(|it| it.created_date_time.get())
        .filter(|it| it.as_str() == "2021-03-1706:47:05.123Z")
        .collect();
    assert_eq!(odd.len(), 1);
    assert!(odd[0].to_timestamp().is_err());
}

#[test]
fn system_events_arrive_as_unknown_future_value_or_system_event_message() {
    let mut seen = Vec::new();
    for (name, text) in seed_fixtures().iter().filter(|(name, _)| name.contains("messages")) {
        let page: Page<ChatMessage> = round_trip(name, text);
        for message in page.value.iter().filter(|it| it.event_detail.is_value()) {
            seen.push(message.message_type.get().cloned().unwrap());
            assert!(message.from.is_null(), "{name}: a system event has `from: null`");
        }
    }
    assert!(seen.contains(&ChatMessageType::UnknownFutureValue));
    assert!(seen
        .iter()
        .all(|it| matches!(it, ChatMessageType::UnknownFutureValue | ChatMessageType::SystemEventMessage)));
}

#[test]
fn identities_without_odata_type_are_read_as_the_declared_type() {
    let (_, text) = seed_fixtures().into_iter().find(|(name, _)| name == "list-chat-messages-1").unwrap();
    let page: Page<ChatMessage> = round_trip("list-chat-messages-1", &text);
    let senders: Vec<_> = page.value.iter().filter_map(|it| it.from.get()).filter_map(|it| it.user.get()).collect();
    assert!(!senders.is_empty());
    for sender in senders {
        match sender {
            Identity::Identity(base) => assert!(base.display_name.is_value()),
            Identity::TeamworkUserIdentity(user) => assert!(user.display_name.is_value()),
            other => panic!("unexpected sender {other:?}"),
        }
    }
}
