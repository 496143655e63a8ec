#![no_main]

//! Arbitrary text as the value of an undeclared property, nested as an array element and in an
//! object: whenever serde_json accepts it, the message is written back byte for byte, numbers of
//! any size and form included.

use graph_models::ChatMessage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else { return };
    if value.trim() != value || value.is_empty() {
        return;
    }
    let text = format!(r#"{{"id":"1","extra":{value},"nested":[{value},{{"n":{value}}}]}}"#);
    let plain = serde_json::from_str::<ChatMessage>(&text);
    let decoded = graph_models::decode::<ChatMessage>(text.as_bytes());
    match (plain, decoded) {
        (Ok(message), Ok(again)) => {
            assert_eq!(serde_json::to_string(&message).unwrap(), text);
            assert_eq!(serde_json::to_string(&again).unwrap(), text);
            assert_eq!(message.additional_properties.get("extra").unwrap().get(), value);
        }
        (Err(_), Err(_)) => {}
        (plain, decoded) => panic!("serde_json says {:?} but decode says {:?}", plain.map(|_| ()), decoded.map(|_| ())),
    }
});
