//! The benchmark page: ≥10 MB of chat messages built from the seed documentation examples, varied
//! per copy. Shared by the criterion benchmark and the `parse_timing` example.

use serde_json::{json, Value};
use std::path::Path;

/// The smallest page size the benchmark accepts.
const MIN_PAGE_BYTES: usize = 10 * 1024 * 1024;

fn seed_messages() -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../graph-mock/seeds");
    let mut messages = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|it| it.unwrap().path()).collect();
    paths.sort();
    for path in paths.iter().filter(|it| it.to_string_lossy().contains("messages")) {
        let page: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        messages.extend(page["value"].as_array().unwrap().iter().cloned());
    }
    messages
}

/// A varied copy of a seed message: each copy differs in id, text, time and what it carries.
fn vary(seed: &Value, index: usize) -> Value {
    let mut message = seed.clone();
    let object = message.as_object_mut().unwrap();
    object.insert("id".into(), json!(format!("{}", 1_600_000_000_000u64 + index as u64)));
    let minute = index % 60;
    let hour = (index / 60) % 24;
    object.insert(
        "createdDateTime".into(),
        json!(format!("2023-05-{:02}T{hour:02}:{minute:02}:07.{:03}Z", 1 + index % 28, index % 1000)),
    );
    object.insert("lastModifiedDateTime".into(), object["createdDateTime"].clone());
    if object.get("eventDetail").is_none_or(Value::is_null) {
        let words = ["status", "deploy", "lunch", "review", "release", "graph", "meeting", "notes", "roadmap"];
        let text: Vec<&str> = (0..(8 + index % 40)).map(|it| words[(it * 7 + index) % words.len()]).collect();
        object.insert(
            "body".into(),
            json!({"contentType": "html", "content": format!("<div><at id=\"0\">Ann</at> {} #{index}</div>", text.join(" "))}),
        );
        object.insert(
            "mentions".into(),
            json!([{"id": 0, "mentionText": "Ann", "mentioned": {"application": null, "device": null, "conversation": null,
                "user": {"@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": format!("user-{}", index % 97),
                         "displayName": "Ann", "userIdentityType": "aadUser", "tenantId": "e61ef81e"}}}]),
        );
        if index % 3 == 0 {
            object.insert(
                "reactions".into(),
                json!([{"reactionType": "like", "displayName": "Like", "createdDateTime": "2023-05-01T10:00:00.000Z",
                    "user": {"application": null, "device": null,
                             "user": {"@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": "user-1", "displayName": null,
                                      "userIdentityType": "aadUser"}}}]),
            );
        }
    }
    message
}

/// The page as JSON text.
pub fn build_page() -> String {
    let seeds = seed_messages();
    let mut value = Vec::new();
    let mut size = 0;
    while size < MIN_PAGE_BYTES {
        let message = vary(&seeds[value.len() % seeds.len()], value.len());
        size += serde_json::to_string(&message).unwrap().len();
        value.push(message);
    }
    serde_json::to_string(&json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(chatMessage)",
        "@odata.count": value.len(),
        "value": value,
    }))
    .unwrap()
}
