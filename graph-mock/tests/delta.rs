//! The mock's delta rounds over simulated time, through HTTP alone: what a client in another
//! language would see.

use graph_mock::{start, DatasetConfig, MockConfig, MockServer};
use serde_json::Value;

const DELTA: &str = "/users/adele@contoso.com/chats/getAllMessages/delta?$top=50";

async fn server(delta_link_lifetime: u64) -> MockServer {
    let dataset = DatasetConfig { seed_examples: false, chats: 2, messages_per_chat: 20, seed: 4 };
    start(MockConfig { dataset, delta_link_lifetime, ..Default::default() }).await.unwrap()
}

async fn get(server: &MockServer, url: &str) -> (u16, Option<String>, Value) {
    let url = if url.starts_with("http") { url.to_owned() } else { format!("{}{url}", server.base_url()) };
    let response = reqwest::Client::new().get(url).bearer_auth(server.token()).send().await.unwrap();
    let location = response.headers().get("location").map(|it| it.to_str().unwrap().to_owned());
    (response.status().as_u16(), location, response.json().await.unwrap())
}

async fn advance(server: &MockServer, query: &str) -> Value {
    let url = format!("http://{}/mock/advance?{query}", server.address());
    let response = reqwest::Client::new().post(url).bearer_auth(server.token()).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_round_ends_with_a_delta_link_that_lists_what_changed_until_it_expires() {
    let server = server(2).await;
    let (status, _, first) = get(&server, DELTA).await;
    assert_eq!(status, 200);
    assert_eq!(first["value"].as_array().unwrap().len(), 40);
    assert!(first.get("@odata.nextLink").is_none());
    let delta_link = first["@odata.deltaLink"].as_str().unwrap().to_owned();
    assert!(delta_link.contains("$deltatoken="), "{delta_link}");

    assert_eq!(advance(&server, "edited=2&deleted=1").await, serde_json::json!({"step": 1}));
    let (_, _, changes) = get(&server, &delta_link).await;
    let changed = changes["value"].as_array().unwrap();
    assert!((1..=3).contains(&changed.len()), "{changes}");
    assert!(changed.iter().all(|it| first["value"].as_array().unwrap().iter().all(|old| old != it)));

    advance(&server, "created=1").await;
    advance(&server, "created=1").await;
    let (status, location, error) = get(&server, &delta_link).await;
    assert_eq!(status, 410);
    assert_eq!(error["error"]["code"], "syncStateNotFound");
    assert!(location.unwrap().ends_with("/getAllMessages/delta"));
    server.shutdown().await;
}

#[tokio::test]
async fn bad_tokens_and_counts_are_bad_requests() {
    let server = server(24).await;
    for url in
        [format!("{DELTA}&$deltatoken=nope"), format!("{DELTA}&$deltatoken=M5"), format!("{DELTA}&$skiptoken=M1")]
    {
        let (status, _, body) = get(&server, &url).await;
        assert_eq!(status, 400, "{url}: {body}");
    }
    let url = format!("http://{}/mock/advance?edited=many", server.address());
    let response = reqwest::Client::new().post(url).bearer_auth(server.token()).send().await.unwrap();
    assert_eq!(response.status(), 400);
    server.shutdown().await;
}
