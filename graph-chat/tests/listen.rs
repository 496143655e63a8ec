//! `listen` end to end: a subscription on graph-mock, rich notifications posted to listen's
//! webhook as messages are created, edited and deleted, each decrypted message equal to what
//! `messages list` returns afterwards, and the subscription deleted on Ctrl-C. Then
//! `notifications decrypt` on saved collections, good and tampered.

use futures::TryStreamExt;
use graph_mock::{crypto, start, DatasetConfig, MockConfig, MockServer, Step};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const USER: &str = "adele@contoso.com";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("graph-chat-listen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn keys(dir: &std::path::Path) -> (PathBuf, PathBuf) {
    let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
    std::fs::write(&key, crypto::SUBSCRIBER_KEY_PEM).unwrap();
    std::fs::write(&cert, crypto::SUBSCRIBER_CERT_PEM).unwrap();
    (key, cert)
}

fn graph_chat(server: &MockServer) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_graph-chat"));
    command.env("GRAPH_TOKEN", server.token()).args(["--base-url", &server.base_url()]);
    command
}

/// Lines of a child's pipe, through a channel, so that reading them can time out.
fn lines(pipe: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { return };
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    receiver
}

#[tokio::test(flavor = "multi_thread")]
async fn listen_decrypts_each_change_as_messages_list_then_shows_it_and_deletes_on_ctrl_c() {
    let dataset = DatasetConfig { seed_examples: false, chats: 3, messages_per_chat: 10, seed: 6 };
    let server = start(MockConfig { dataset, ..Default::default() }).await.unwrap();
    let dir = scratch("e2e");
    let (key, cert) = keys(&dir);
    let jwks = dir.join("jwks.json");
    std::fs::write(&jwks, crypto::jwks().to_string()).unwrap();
    let client = graph_client::GraphClient::builder()
        .base_url(server.base_url())
        .bearer_token(server.token())
        .include_unknown_enum_members(true)
        .build()
        .unwrap();
    let round: Vec<_> = client.user(USER).all_messages_delta().raw(None).try_collect().await.unwrap();
    let delta_link = round.last().unwrap().link.as_str().to_owned();

    let mut command = graph_chat(&server);
    command.args(["--json", "listen", "--user", USER, "--app-id", crypto::APP_ID]);
    command.arg("--key").arg(&key).arg("--cert").arg(&cert).arg("--jwks").arg(&jwks);
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (stdout, stderr) = (lines(child.stdout.take().unwrap()), lines(child.stderr.take().unwrap()));
    let ready = stderr.recv_timeout(Duration::from_secs(30)).expect("listen starts");
    assert!(ready.starts_with("graph-chat: listening on http://127.0.0.1:"), "{ready}");
    assert_eq!(server.subscriptions(), 1);

    server.advance(Step { created: 2, edited: 3, deleted: 1 });
    let changes: Vec<_> = client.user(USER).all_messages_delta().raw(Some(&delta_link)).try_collect().await.unwrap();
    let changed: Vec<String> = changes.into_iter().flat_map(|it| it.value).map(|it| it.get().to_owned()).collect();
    let mut received = Vec::new();
    while received.len() < changed.len() {
        let line = stdout.recv_timeout(Duration::from_secs(30)).expect("a notification for every change");
        received.push(serde_json::from_str::<serde_json::Value>(&line).unwrap());
    }
    assert_eq!(server.deliveries(), 1, "one collection for the step");

    // Graph asks for reauthorization: listen renews the subscription.
    let expiration = || async {
        let listed: Vec<_> = client.subscriptions().list().try_collect().await.unwrap();
        listed[0].expiration_date_time.get().map(|it| it.as_str().to_owned())
    };
    let before = expiration().await;
    server.lifecycle("reauthorizationRequired");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while expiration().await == before {
        assert!(std::time::Instant::now() < deadline, "not renewed after reauthorizationRequired");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Graph removes the subscription: listen creates another, and notifications keep coming.
    server.lifecycle("subscriptionRemoved");
    assert_eq!(server.subscriptions(), 0);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while server.subscriptions() == 0 {
        assert!(std::time::Instant::now() < deadline, "no new subscription after subscriptionRemoved");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.advance(Step { created: 1, edited: 0, deleted: 0 });
    let line = stdout.recv_timeout(Duration::from_secs(30)).expect("a notification through the new subscription");
    let created: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert!(created["id"].is_string(), "{line}");

    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || child.wait().unwrap()).await.unwrap();
    assert!(exit.success(), "{exit:?}");
    assert_eq!(server.subscriptions(), 0, "deleted on Ctrl-C");
    let rest: Vec<String> = stderr.try_iter().collect();
    assert!(rest.iter().any(|it| it.starts_with("graph-chat: deleted subscription ")), "{rest:?}");
    assert!(rest.iter().any(|it| it.starts_with("graph-chat: Graph removed subscription ")), "{rest:?}");

    for message in &received {
        let chat = message["chatId"].as_str().unwrap();
        let mut list = graph_chat(&server);
        list.args(["--json", "--include-unknown-enum-members", "messages", "list", chat]);
        let output = list.output().unwrap();
        assert!(output.status.success());
        let listed: Vec<serde_json::Value> =
            String::from_utf8(output.stdout).unwrap().lines().map(|it| serde_json::from_str(it).unwrap()).collect();
        let same = listed.iter().find(|it| it["id"] == message["id"]).expect("the message is listed");
        assert_eq!(same, message);
    }
    let mut changed: Vec<serde_json::Value> = changed.iter().map(|it| serde_json::from_str(it).unwrap()).collect();
    let key = |it: &serde_json::Value| it["id"].as_str().unwrap_or_default().to_owned();
    changed.sort_by_key(key);
    received.sort_by_key(key);
    assert_eq!(received, changed, "exactly the changes of the step");
    server.shutdown().await;
}

/// A collection as the mock posts it, for one message.
fn collection(message: &serde_json::Value) -> serde_json::Value {
    let key = crypto::certificate_key(&crypto::certificate_base64(crypto::SUBSCRIBER_CERT_PEM)).unwrap();
    let content = crypto::encrypt(&key, message.to_string().as_bytes(), "cert-1");
    serde_json::json!({"value": [{
        "subscriptionId": "5a3e6b1c-0000-4000-8000-000000000001",
        "changeType": "created",
        "resource": "chats('19:a@thread.v2')/messages('1')",
        "subscriptionExpirationDateTime": "2026-12-04T00:00:00Z",
        "tenantId": "2432b57b-0abd-43db-aa7b-16eadd115d34",
        "encryptedContent": content,
    }]})
}

fn decrypt(stdin: &str, key: &str) -> std::process::Output {
    let dir = scratch("decrypt");
    let key_path = dir.join("key.pem");
    std::fs::write(&key_path, key).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_graph-chat"))
        .args(["notifications", "decrypt", "--key"])
        .arg(&key_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn notifications_decrypt_prints_each_resource_as_decrypted_and_refuses_tampering() {
    let message = serde_json::json!({"id": "1", "chatId": "19:a@thread.v2", "body": {"content": "secret plans"}});
    let good = collection(&message);
    let output = decrypt(&good.to_string(), crypto::SUBSCRIBER_KEY_PEM);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), format!("{message}\n"));

    let mut tampered = good.clone();
    let data = tampered["value"][0]["encryptedContent"]["data"].as_str().unwrap().to_owned();
    let flipped = format!("{}{}", if data.starts_with('A') { 'B' } else { 'A' }, &data[1..]);
    tampered["value"][0]["encryptedContent"]["data"] = flipped.into();
    let mut errors = Vec::new();
    for (body, key) in [
        (tampered.to_string(), crypto::SUBSCRIBER_KEY_PEM),
        (good.to_string(), crypto::OTHER_KEY_PEM),
        ("{\"value\": [".to_owned(), crypto::SUBSCRIBER_KEY_PEM),
        ("{}".to_owned(), crypto::SUBSCRIBER_KEY_PEM),
        (
            r#"{"value": [{"changeType": "created", "resource": "chats('19:a@thread.v2')/messages('1')"}]}"#.to_owned(),
            crypto::SUBSCRIBER_KEY_PEM,
        ),
    ] {
        let output = decrypt(&body, key);
        assert_eq!(output.status.code(), Some(1));
        assert!(output.stdout.is_empty(), "nothing decrypted is printed");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(!stderr.contains("secret"), "{stderr}");
        errors.push(stderr);
    }
    insta::assert_snapshot!("refused_notifications", errors.concat());

    // A saved file is named in the reason.
    let dir = scratch("decrypt-file");
    let (key, saved) = (dir.join("key.pem"), dir.join("saved.json"));
    std::fs::write(&key, crypto::SUBSCRIBER_KEY_PEM).unwrap();
    std::fs::write(&saved, "[]").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_graph-chat"))
        .args(["notifications", "decrypt", "--key"])
        .arg(&key)
        .arg(&saved)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let expected = format!("graph-chat: error: `{}`: not a change notification collection: ", saved.display());
    assert!(String::from_utf8_lossy(&output.stderr).starts_with(&expected), "{output:?}");
}
