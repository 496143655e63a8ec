//! Change notifications: the handshake, clientState, decryption and validation tokens, against
//! what graph-mock encrypts and signs; every tampering and bad input is a typed error that shows
//! nothing secret.

use graph_mock::crypto;
use graph_notifications::{parse, validation_response, Decryptor, Event, NotificationError, Receiver, TokenValidator};
use serde_json::{json, Value};

const MESSAGE: &str = r#"{"id":"1616990032035","chatId":"19:a@thread.v2","body":{"contentType":"text","content":"the secret plans"},"x-unknown":1.50}"#;
const STATE: &str = "a-client-state";

fn collection(message: &str, certificate_id: &str) -> Value {
    let key = crypto::certificate_key(&crypto::certificate_base64(crypto::SUBSCRIBER_CERT_PEM)).unwrap();
    json!({
        "value": [{
            "subscriptionId": "5a3e6b1c-0000-4000-8000-000000000001",
            "changeType": "created",
            "clientState": STATE,
            "resource": "chats('19:a@thread.v2')/messages('1616990032035')",
            "subscriptionExpirationDateTime": "2026-12-04T00:00:00Z",
            "tenantId": "2432b57b-0abd-43db-aa7b-16eadd115d34",
            "encryptedContent": crypto::encrypt(&key, message.as_bytes(), certificate_id),
        }],
        "validationTokens": [crypto::validation_token(crypto::APP_ID, jiff::Timestamp::now().as_second())],
    })
}

fn receiver() -> Receiver {
    let validator = TokenValidator::new(&crypto::jwks().to_string(), crypto::APP_ID).unwrap();
    Receiver::new()
        .client_state(STATE)
        .decryptor(Decryptor::from_pem(crypto::SUBSCRIBER_KEY_PEM).unwrap().certificate_id("cert-1"))
        .validation_tokens(validator)
}

fn receive(body: &Value) -> Result<Vec<Event>, NotificationError> {
    receiver().receive(body.to_string().as_bytes())
}

/// The error, checked to show nothing of the message or the client state.
fn refused(body: &Value) -> NotificationError {
    let error = receive(body).expect_err("refused");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("secret") && !shown.contains(STATE), "{shown}");
    error
}

#[test]
fn a_rich_notification_decrypts_to_the_message_exactly() {
    let events = receive(&collection(MESSAGE, "cert-1")).unwrap();
    let [Event::Message { message: Some(message), subscription_id, .. }] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(message.raw.get(), MESSAGE, "the text exactly as decrypted, unknown number included");
    assert_eq!(message.message.id.get().map(String::as_str), Some("1616990032035"));
    assert_eq!(subscription_id, "5a3e6b1c-0000-4000-8000-000000000001");
}

#[test]
fn every_tampered_part_is_refused_before_anything_is_decrypted() {
    let good = collection(MESSAGE, "cert-1");
    for field in ["data", "dataKey", "dataSignature"] {
        let text = good["value"][0]["encryptedContent"][field].as_str().unwrap();
        for at in [0, text.len() / 2, text.len() - 4] {
            let mut body = good.clone();
            let mut bytes = text.as_bytes().to_vec();
            bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
            body["value"][0]["encryptedContent"][field] = String::from_utf8(bytes).unwrap().into();
            assert!(matches!(refused(&body), NotificationError::Decrypt { index: 0, .. }), "{field} at {at}");
        }
    }
}

#[test]
fn a_wrong_key_certificate_or_client_state_is_refused() {
    let good = collection(MESSAGE, "cert-1");
    let other = Receiver::new().decryptor(Decryptor::from_pem(crypto::OTHER_KEY_PEM).unwrap());
    let error = other.receive(good.to_string().as_bytes()).unwrap_err();
    assert_eq!(error.to_string(), "notification 0: the data key does not decrypt with this private key");
    let error = refused(&collection(MESSAGE, "cert-2"));
    assert_eq!(error.to_string(), "notification 0: encrypted for another certificate than this key's");
    let mut wrong_state = good.clone();
    wrong_state["value"][0]["clientState"] = "a-client-statf".into();
    assert_eq!(refused(&wrong_state), NotificationError::ClientState { index: 0 });
    let mut no_state = good;
    no_state["value"][0].as_object_mut().unwrap().remove("clientState");
    assert_eq!(refused(&no_state), NotificationError::ClientState { index: 0 });
    assert!(Decryptor::from_pem("-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----")
        .unwrap_err()
        .contains("PKCS#8"));
}

#[test]
fn validation_tokens_must_verify_for_this_app_from_graph_and_be_current() {
    let good = collection(MESSAGE, "cert-1");
    let with_tokens = |tokens: Value| {
        let mut body = good.clone();
        body["validationTokens"] = tokens;
        body
    };
    let now = jiff::Timestamp::now().as_second();
    let reason = |body: &Value| match refused(body) {
        NotificationError::ValidationToken(reason) => reason,
        other => panic!("{other:?}"),
    };
    assert_eq!(reason(&with_tokens(json!([]))), "a rich notification without validation tokens");
    assert_eq!(
        reason(&with_tokens(json!([crypto::validation_token("another-app", now)]))),
        "a token is for another app"
    );
    assert_eq!(
        reason(&with_tokens(json!([crypto::validation_token(crypto::APP_ID, now - 7200)]))),
        "a token has expired"
    );
    let token = crypto::validation_token(crypto::APP_ID, now);
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let mut forged = signature.as_bytes().to_vec();
    forged[10] = if forged[10] == b'A' { b'B' } else { b'A' };
    let forged = format!("{signed}.{}", String::from_utf8(forged).unwrap());
    assert_eq!(reason(&with_tokens(json!([forged]))), "a token's signature does not verify");
    assert_eq!(reason(&with_tokens(json!(["not a jwt"]))), "a token is not a JWT");
    let other_publisher =
        TokenValidator::new(&crypto::jwks().to_string(), crypto::APP_ID).unwrap().publisher("someone-else");
    let error = other_publisher.verify(&token).unwrap_err();
    assert!(error.to_string().contains("publisher"), "{error}");
    let no_keys = TokenValidator::new(r#"{"keys": []}"#, crypto::APP_ID).unwrap();
    assert!(no_keys.verify(&token).unwrap_err().to_string().contains("not in the key set"));
}

#[test]
fn malformed_or_oversized_bodies_are_refused() {
    for body in ["", "[]", "{\"value\": 5}", "{\"value\": [{\"changeType\": 7}]}", "\u{0}"] {
        assert!(matches!(parse(body.as_bytes(), 1024), Err(NotificationError::Malformed(_))), "{body:?}");
    }
    let big = collection(MESSAGE, "cert-1").to_string();
    let error = receiver().max_bytes(100).receive(big.as_bytes()).unwrap_err();
    assert_eq!(error, NotificationError::TooLarge { size: big.len(), limit: 100 });
    let bad_json = collection("{\"id\": \"the secret\"", "cert-1");
    let error = refused(&bad_json);
    assert!(error.to_string().contains("not a chat message: the text ends early"), "{error}");
}

#[test]
fn lifecycle_notifications_are_typed_events_and_the_handshake_echoes_the_token() {
    let body = json!({"value": [{
        "subscriptionId": "s1", "subscriptionExpirationDateTime": "2026-12-04T00:00:00Z", "tenantId": "t",
        "clientState": STATE, "lifecycleEvent": "reauthorizationRequired", "changeType": "updated", "resource": "r",
    }]});
    let events = receiver().receive(body.to_string().as_bytes()).unwrap();
    assert!(matches!(
        events.as_slice(),
        [Event::Lifecycle { event: graph_models::LifecycleEventType::ReauthorizationRequired, subscription_id }] if subscription_id == "s1"
    ));
    assert_eq!(validation_response(Some("validationToken=a%20b%2Bc")), Some("a b+c".to_owned()));
    assert_eq!(validation_response(Some("other=1")), None);
}

#[test]
fn debug_output_shows_no_key() {
    let decryptor = Decryptor::from_pem(crypto::SUBSCRIBER_KEY_PEM).unwrap();
    let shown = format!("{decryptor:?} {:?}", receiver());
    assert!(!shown.contains("MII") && !shown.contains(STATE) && !shown.to_lowercase().contains("prime"), "{shown}");
}
