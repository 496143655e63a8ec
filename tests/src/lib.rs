//! Helpers shared by the behaviour tests: the seed fixtures and how to pull examples out of the
//! Graph documentation pages they came from.

use std::path::{Path, PathBuf};

/// The README's Rust examples, compiled and run as doc tests so that they stay true.
#[doc = include_str!("../../README.md")]
pub mod readme {}

/// `graph-mock/seeds`: every JSON response example of the four Graph documentation pages the
/// project started from, verbatim, quirks included.
pub fn seed_fixtures() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../graph-mock/seeds");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("graph-mock/seeds exists")
        .map(|it| it.expect("readable entry").path())
        .filter(|it| it.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_stem().expect("a file name").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).expect("readable fixture"))
        })
        .collect()
}

/// The JSON bodies of the `HTTP/1.1 200 OK` responses in a documentation page, as text slices.
pub fn response_examples(page: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find("HTTP/1.1 200 OK") {
        rest = &rest[at..];
        let Some(open) = rest.find('{') else { break };
        let body = &rest[open..];
        let mut stream = serde_json::Deserializer::from_str(body).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(_)) => {
                let end = stream.byte_offset();
                found.push(&body[..end]);
                rest = &body[end..];
            }
            _ => rest = &body[1..],
        }
    }
    found
}

/// The fixture name prefix for each seed page, by the page's file-name prefix.
pub const SEED_PAGES: &[(&str, &str)] =
    &[("000", "get-all-messages"), ("001", "list-chat-messages"), ("002", "list-chats"), ("003", "get-chat")];
