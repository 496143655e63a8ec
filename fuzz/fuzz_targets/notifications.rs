//! The notification parser and decryptor on arbitrary bytes: as a whole body, and as the
//! encrypted fields of an otherwise well-formed rich notification. Never a panic; anything
//! refused is a `NotificationError`.
#![no_main]

use base64::Engine;
use graph_notifications::{Decryptor, Receiver};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn receiver() -> &'static Receiver {
    static RECEIVER: OnceLock<Receiver> = OnceLock::new();
    RECEIVER.get_or_init(|| {
        let key = Decryptor::from_pem(include_str!("../../graph-mock/keys/subscriber-key.pem")).expect("the test key");
        Receiver::new().client_state("state").decryptor(key).max_bytes(64 * 1024)
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = receiver().receive(data);
    // The same bytes as the three encrypted fields, each base64 as Graph sends them.
    let third = data.len() / 3;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let body = serde_json::json!({"value": [{
        "subscriptionId": "s", "changeType": "created", "clientState": "state", "resource": "r",
        "subscriptionExpirationDateTime": "2026-01-01T00:00:00Z", "tenantId": "t",
        "encryptedContent": {
            "data": b64(&data[..third]),
            "dataKey": b64(&data[third..2 * third]),
            "dataSignature": b64(&data[2 * third..]),
            "encryptionCertificateId": "c", "encryptionCertificateThumbprint": "x",
        },
    }]});
    let _ = receiver().receive(body.to_string().as_bytes());
});
