//! The `graph-chat` binary end to end, against the embedded mock or a graph-mock started here.

use graph_mock::{start, DatasetConfig, Faults, MockConfig, MockServer};
use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The documented chat whose messages the seed pages list.
const SEED_CHAT: &str = "19:2da4c29f6d7041eca70b638b43d45437@thread.v2";

/// Every variable graph-chat reads credentials from, cleared for each run.
const CREDENTIAL_VARIABLES: [&str; 9] = [
    "GRAPH_TOKEN",
    "GRAPH_TENANT_ID",
    "GRAPH_CLIENT_ID",
    "GRAPH_CLIENT_SECRET",
    "GRAPH_AUTHORITY",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_AUTHORITY_HOST",
];

fn graph_chat(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_graph-chat"));
    command.args(args);
    for name in CREDENTIAL_VARIABLES {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    command.output().expect("graph-chat runs")
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}

async fn run(args: Vec<String>, env: Vec<(String, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        graph_chat(&args, &env)
    })
    .await
    .unwrap()
}

async fn mock(dataset: DatasetConfig, faults: Faults) -> MockServer {
    start(MockConfig { dataset, faults, ..Default::default() }).await.unwrap()
}

#[test]
fn without_credentials_the_embedded_mock_answers_with_a_notice() {
    let output = graph_chat(&["chats", "list"], &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("using the embedded mock Graph server"));
    insta::assert_snapshot!("chats_list", stdout(&output));
}

#[test]
fn messages_show_senders_plain_text_and_system_events() {
    let output = graph_chat(&["messages", "list", SEED_CHAT, "--mock"], &[]);
    assert!(output.stderr.is_empty(), "--mock is quiet");
    insta::assert_snapshot!("messages_list", stdout(&output));
}

#[test]
fn a_chat_and_its_members() {
    insta::assert_snapshot!("chats_get", stdout(&graph_chat(&["chats", "get", SEED_CHAT, "--mock"], &[])));
    let members = graph_chat(&["members", "list", "19:b8577894a63548969c5c92bb9c80c5e1@thread.v2", "--mock"], &[]);
    insta::assert_snapshot!("members_list", stdout(&members));
}

#[test]
fn json_output_is_one_model_per_line() {
    let output = stdout(&graph_chat(&["chats", "list", "--json", "--mock", "--expand", "members"], &[]));
    let chats: Vec<graph_models::Chat> = output.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    let ids: std::collections::BTreeSet<_> = chats.iter().map(|it| it.id.get().unwrap()).collect();
    assert!(chats.len() > 1 && ids.len() == chats.len(), "one chat per line, each once");
    assert!(chats.iter().all(|it| it.members.is_value()));
    assert!(chats.iter().all(|it| it.last_message_preview.is_absent()));
}

#[test]
fn errors_are_one_line_with_the_odata_code_and_request_id() {
    let output = graph_chat(&["chats", "get", "19:missing@thread.v2", "--mock"], &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("graph-chat: error: 404 NotFound: Chat '19:missing@thread.v2' was not found. (request-id "),
        "{stderr}"
    );

    let usage = graph_chat(&["chats", "list", "--top", "many"], &[]);
    assert_eq!(usage.status.code(), Some(2));
    let too_many = graph_chat(&["chats", "list", "--top", "51", "--mock"], &[]);
    assert_eq!(too_many.status.code(), Some(2), "caught before sending: {}", String::from_utf8_lossy(&too_many.stderr));
    let no_credentials = graph_chat(&["chats", "list", "--base-url", "http://127.0.0.1:9/v1.0"], &[]);
    assert_eq!(no_credentials.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_credentials.stderr).contains("GRAPH_TOKEN"));
}

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_every_message_once_despite_throttling_and_outages() {
    let dataset = DatasetConfig { seed_examples: false, chats: 5, messages_per_chat: 230, seed: 9 };
    let clean = mock(dataset.clone(), Faults::default()).await;
    let faulty = mock(
        dataset,
        Faults {
            throttle_every: 5,
            unavailable_every: 7,
            unavailable_burst: 2,
            retry_after: Some("0.01".into()),
            ..Default::default()
        },
    )
    .await;
    let dir = std::env::temp_dir().join(format!("graph-chat-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (name, server) in [("clean", &clean), ("faulty", &faulty)] {
        let file = dir.join(format!("{name}.jsonl"));
        let output = export(&file, server, &["--max-retries", "8"]).await;
        assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(output.stderr.is_empty(), "quiet when not on a terminal");
        files.push(std::fs::read_to_string(&file).unwrap());
    }
    assert!(faulty.requests() > clean.requests() + 10, "faults were injected and retried");
    let lines: Vec<&str> = files[1].lines().collect();
    assert_eq!(lines.len(), 5 * 230);
    let ids: std::collections::BTreeSet<_> = lines
        .iter()
        .map(|it| serde_json::from_str::<graph_models::ChatMessage>(it).unwrap())
        .map(|it| (it.chat_id, it.id))
        .collect();
    assert_eq!(ids.len(), lines.len(), "every message exactly once");
    assert_eq!(files[0], files[1], "the same bytes as without faults");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn export_refuses_a_foreign_next_link() {
    let server = mock(
        DatasetConfig { seed_examples: false, chats: 1, messages_per_chat: 120, seed: 1 },
        Faults { foreign_next_link: Some("http://127.0.0.2:9".into()), ..Default::default() },
    )
    .await;
    let file = std::env::temp_dir().join(format!("graph-chat-foreign-{}.jsonl", std::process::id()));
    let output = export(&file, &server, &[]).await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("another origin") && stderr.contains("127.0.0.2:9"), "{stderr}");
    assert!(!file.exists(), "no file by the requested name after a failed export");
}

/// Runs `messages export` of `user` from the Graph root `base_url` into `file`, with `extra` options.
async fn export_from(base_url: &str, token: &str, user: &str, file: &std::path::Path, extra: &[&str]) -> Output {
    let file = file.to_str().unwrap();
    let mut args = vec!["messages", "export", "--user", user, "--out", file, "--base-url", base_url];
    args.extend(extra);
    run(args.into_iter().map(str::to_owned).collect(), vec![("GRAPH_TOKEN".into(), token.to_owned())]).await
}

/// Runs `messages export` of `server`'s first user into `file`, with `extra` options.
async fn export(file: &std::path::Path, server: &MockServer, extra: &[&str]) -> Output {
    export_from(&server.base_url(), server.token(), &server.users()[0].id, file, extra).await
}

#[tokio::test(flavor = "multi_thread")]
async fn export_takes_the_model_as_graph_writes_it_in_either_case() {
    let server =
        mock(DatasetConfig { seed_examples: false, chats: 1, messages_per_chat: 3, seed: 1 }, Faults::default()).await;
    for model in ["A", "B", "a", "b"] {
        let file = std::env::temp_dir().join(format!("graph-chat-model-{model}-{}.jsonl", std::process::id()));
        let output = export(&file, &server, &["--model", model]).await;
        assert!(output.status.success(), "--model {model}: {}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 3);
        std::fs::remove_file(&file).unwrap();
    }
    let help = stdout(&graph_chat(&["messages", "export", "-h"], &[]));
    assert!(help.contains("[possible values: A, B]"), "{help}");
    let help = stdout(&graph_chat(&["messages", "export", "--help"], &[]));
    assert!(help.contains("- A: Model A") && help.contains("- B: Model B"), "{help}");
}

/// Waits for `child`, killing it and failing after `limit`.
fn wait_at_most(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("graph-chat did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_closed_stdout_ends_the_command_quietly_and_successfully() {
    for args in [
        &["chats", "list", "--json", "--mock"][..],
        &["chats", "list", "--mock"],
        &["members", "list", SEED_CHAT, "--mock"],
    ] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_graph-chat"));
        for name in CREDENTIAL_VARIABLES {
            command.env_remove(name);
        }
        let mut child =
            command.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        // The reader goes away before graph-chat has written anything, as `| head -0` would.
        drop(child.stdout.take());
        let status = wait_at_most(&mut child, Duration::from_secs(60));
        let mut stderr = String::new();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn options_the_client_refuses_before_sending_are_usage_errors() {
    let file = std::env::temp_dir().join(format!("graph-chat-empty-range-{}.jsonl", std::process::id()));
    let file = file.to_str().unwrap();
    /// Arguments, environment, and what the message says.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 5] = [
        (&["chats", "list", "--top", "99", "--mock"], &[], "$top must be between 1 and 50, got 99"),
        (&["messages", "list", SEED_CHAT, "--top", "0", "--mock", "--json"], &[], "$top must be between 1 and 50"),
        (
            &["chats", "list", "--base-url", "http://graph.example.com/v1.0"],
            &[("GRAPH_TOKEN", "token")],
            "invalid configuration",
        ),
        (
            &[
                "messages",
                "list",
                SEED_CHAT,
                "--since",
                "2024-02-01T00:00:00Z",
                "--until",
                "2024-01-01T00:00:00Z",
                "--mock",
            ],
            &[],
            "the range is empty",
        ),
        (
            &[
                "messages",
                "export",
                "--user",
                "someone",
                "--out",
                file,
                "--since",
                "2024-01-01T00:00:00Z",
                "--until",
                "2024-01-01T00:00:00Z",
                "--mock",
            ],
            &[],
            "the range is empty",
        ),
    ];
    for (args, env, message) in cases {
        let output = graph_chat(args, env);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("graph-chat: error: ") && stderr.contains(message), "{stderr}");
    }
    assert!(!std::path::Path::new(file).exists());
    // A failure at run time stays 1.
    let missing = graph_chat(&["members", "list", "19:missing@thread.v2", "--mock"], &[]);
    assert_eq!(missing.status.code(), Some(1), "{}", String::from_utf8_lossy(&missing.stderr));
}

/// A Graph stand-in on 127.0.0.1 that answers every request with `body` (pretty-printed JSON).
fn serve_forever(body: String) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buffer = [0; 4096];
            while !request.windows(4).any(|it| it == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(read) => request.extend_from_slice(&buffer[..read]),
                }
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body.as_bytes()));
        }
    });
    format!("http://{address}/v1.0")
}

#[tokio::test(flavor = "multi_thread")]
async fn export_keeps_one_message_per_line_when_the_server_pretty_prints() {
    let message = |id: &str, text: &str| {
        serde_json::json!({
            "id": id,
            "chatId": "19:pretty@thread.v2",
            "messageType": "message",
            "createdDateTime": "2024-01-01T00:00:00Z",
            "lastModifiedDateTime": "2024-01-01T00:00:00Z",
            "body": { "contentType": "text", "content": text },
            "mentions": [],
        })
    };
    let page = serde_json::json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(chatMessage)",
        "value": [message("1", "two\nlines"), message("2", "carriage\r\nreturn")],
    });
    // Pretty-printed, with CRLF line ends for good measure.
    let body = serde_json::to_string_pretty(&page).unwrap().replace('\n', "\r\n");
    let file = std::env::temp_dir().join(format!("graph-chat-pretty-{}.jsonl", std::process::id()));
    let output = export_from(&serve_forever(body), "token", "someone", &file, &[]).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::remove_file(&file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    for (line, (id, content)) in lines.iter().zip([("1", "two\nlines"), ("2", "carriage\r\nreturn")]) {
        assert!(!line.contains('\r'), "{line:?}");
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(value.is_object(), "{line}");
        assert_eq!(value, message(id, content), "the same value as received");
    }
}

#[test]
fn an_unwritable_out_file_is_named_in_the_error() {
    let out = std::env::temp_dir().join(format!("graph-chat-no-such-dir-{}", std::process::id())).join("x.jsonl");
    let output = graph_chat(
        &["messages", "export", "--user", "AdeleV@contoso.com", "--out", out.to_str().unwrap(), "--mock"],
        &[],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let expected = format!("graph-chat: error: cannot write `{}`: ", out.display());
    assert!(stderr.starts_with(&expected), "{stderr}");
}

#[test]
fn export_without_a_user_lists_the_embedded_mocks_users() {
    let output = graph_chat(&["messages", "export", "--out", "unused.jsonl", "--mock"], &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("messages export needs --user; the embedded mock's users are:"), "{stderr}");
    let first = stderr.lines().nth(1).expect("a user per line").trim().to_owned();
    let upn = first.split_whitespace().next().unwrap();
    // Each line is a user that works: the export with it succeeds.
    let out = std::env::temp_dir().join(format!("graph-chat-mock-user-{}.jsonl", std::process::id()));
    let export = graph_chat(&["messages", "export", "--user", upn, "--out", out.to_str().unwrap(), "--mock"], &[]);
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    assert!(std::fs::read_to_string(&out).unwrap().lines().count() > 0);
    std::fs::remove_file(out).unwrap();
}

#[test]
fn client_credentials_come_from_graph_or_else_azure_variables() {
    // A closed port as the authority: the error shows which set was read, without a network.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let authority = format!("http://{closed}");
    let azure = [
        ("AZURE_TENANT_ID", "tenant"),
        ("AZURE_CLIENT_ID", "app"),
        ("AZURE_CLIENT_SECRET", "secret"),
        ("AZURE_AUTHORITY_HOST", authority.as_str()),
    ];
    let args = ["chats", "list", "--base-url", "http://127.0.0.1:9/v1.0"];
    let from_azure = graph_chat(&args, &azure);
    let stderr = String::from_utf8_lossy(&from_azure.stderr);
    assert!(stderr.contains("could not reach the token endpoint"), "{stderr}");
    assert!(!stderr.contains("secret"), "{stderr}");
    // One GRAPH_ variable selects the GRAPH_ set, which must then be complete: never mixed.
    let mixed = graph_chat(&args, &[azure[0], azure[1], azure[2], ("GRAPH_CLIENT_ID", "other-app")]);
    let stderr = String::from_utf8_lossy(&mixed.stderr);
    assert_eq!(mixed.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("environment variable GRAPH_TENANT_ID is not set"), "{stderr}");
}

#[test]
fn a_transport_error_says_what_failed_underneath() {
    // Nothing listens on port 1 of the loopback address: the connection is refused at once.
    let env = [("GRAPH_TOKEN", "a-token-long-enough-to-be-one")];
    let output = graph_chat(&["--base-url", "http://127.0.0.1:1/v1.0", "--max-retries", "0", "chats", "list"], &env);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("http://127.0.0.1:1/v1.0/me/chats") && stderr.contains("Connection refused"), "{stderr}");
    assert!(!stderr.contains("a-token-long-enough"), "{stderr}");
}
