//! `graph-chat sync` and `archive` end to end against a graph-mock started here: incremental
//! rounds, versions, an expired deltaLink, `kill -9` at random instants, and archives it must
//! refuse.

use futures::TryStreamExt;
use graph_mock::{start, DatasetConfig, Faults, MockConfig, MockServer, Step};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const USER: &str = "adele@contoso.com";

fn graph_chat(server: &MockServer) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_graph-chat"));
    for name in ["GRAPH_TENANT_ID", "GRAPH_CLIENT_ID", "GRAPH_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_CLIENT_ID"] {
        command.env_remove(name);
    }
    command.env("GRAPH_TOKEN", server.token()).args(["--base-url", &server.base_url()]);
    command
}

async fn output(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("graph-chat runs")).await.unwrap()
}

async fn sync(server: &MockServer, archive: &Path) -> Output {
    let mut command = graph_chat(server);
    command.args(["sync", "--user", USER, "--archive"]).arg(archive);
    let output = output(command).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    output
}

async fn mock(dataset: DatasetConfig, faults: Faults, delta_link_lifetime: u64) -> MockServer {
    start(MockConfig { dataset, faults, delta_link_lifetime, ..Default::default() }).await.unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("graph-chat-sync-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `archive export` of `archive`, as lines.
async fn export(server: &MockServer, archive: &Path, all_versions: bool) -> Vec<String> {
    let out = archive.with_extension("jsonl");
    let mut command = graph_chat(server);
    command.args(["archive", "export", "--archive"]).arg(archive).arg("--out").arg(&out);
    if all_versions {
        command.arg("--all-versions");
    }
    let result = output(command).await;
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    std::fs::read_to_string(&out).unwrap().lines().map(str::to_owned).collect()
}

/// What the server holds now: a fresh full round, ordered as `archive export` orders.
async fn server_state(server: &MockServer) -> Vec<String> {
    let client =
        graph_client::GraphClient::builder().base_url(server.base_url()).bearer_token(server.token()).build().unwrap();
    let pages: Vec<_> = client.user(USER).all_messages_delta().top(50).raw(None).try_collect().await.unwrap();
    let mut messages: Vec<(String, String, String, String)> = pages
        .into_iter()
        .flat_map(|page| page.value)
        .map(|raw| {
            let value: serde_json::Value = serde_json::from_str(raw.get()).unwrap();
            let text = |key: &str| value[key].as_str().unwrap_or_default().to_owned();
            (text("chatId"), text("createdDateTime"), text("id"), raw.get().to_owned())
        })
        .collect();
    messages.sort();
    messages.into_iter().map(|it| it.3).collect()
}

fn summary(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap().trim().to_owned()
}

fn stats(archive: &Path, server: &MockServer) -> serde_json::Value {
    let mut command = graph_chat(server);
    command.args(["--json", "archive", "stats", "--archive"]).arg(archive);
    let output = command.output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn small() -> DatasetConfig {
    DatasetConfig { seed_examples: false, chats: 5, messages_per_chat: 40, seed: 5 }
}

#[tokio::test(flavor = "multi_thread")]
async fn later_runs_store_only_changes_and_edits_and_deletions_become_versions() {
    let server = mock(small(), Faults::default(), 24).await;
    let archive = scratch("versions").join("archive.sqlite");
    let first = sync(&server, &archive).await;
    let state = server_state(&server).await;
    let deleted = state.iter().filter(|it| it.contains("\"deletedDateTime\":\"")).count();
    let expected = format!(": {} new, 0 changed, {deleted} deleted, 0 already archived", 200 - deleted);
    assert!(deleted > 0 && summary(&first).contains(&expected), "{}", summary(&first));
    assert_eq!(export(&server, &archive, false).await, state);

    let unchanged = sync(&server, &archive).await;
    assert!(summary(&unchanged).starts_with("synced 1 pages: 0 new, 0 changed, 0 deleted"), "{}", summary(&unchanged));

    server.advance(Step { created: 4, edited: 6, deleted: 3 });
    let changes = sync(&server, &archive).await;
    let text = summary(&changes);
    assert!(text.contains(": 4 new,"), "{text}");
    assert!(!text.contains(" 0 changed") && !text.contains(" 0 deleted"), "{text}");
    let latest = export(&server, &archive, false).await;
    assert_eq!(latest, server_state(&server).await, "the archive's latest versions are the server's state");
    let every = export(&server, &archive, true).await;
    let stats = stats(&archive, &server);
    assert_eq!(stats["messages"], 204);
    assert_eq!(stats["versions"].as_u64().unwrap() as usize, every.len());
    assert!(every.len() > latest.len(), "earlier versions stay");
    assert!(latest.iter().all(|it| every.contains(it)));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_delta_link_starts_a_full_round_says_so_and_stores_nothing_twice() {
    let server = mock(small(), Faults::default(), 1).await;
    let archive = scratch("expired").join("archive.sqlite");
    sync(&server, &archive).await;
    server.advance(Step { edited: 2, ..Step::default() });
    server.advance(Step { deleted: 1, ..Step::default() });
    let again = sync(&server, &archive).await;
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("the stored delta link has expired; starting a full round"), "{stderr}");
    assert!(summary(&again).contains("already archived"), "{}", summary(&again));
    assert_eq!(export(&server, &archive, false).await, server_state(&server).await);
    assert_eq!(stats(&archive, &server)["messages"], 200);
    server.shutdown().await;
}

/// A small deterministic generator for kill times; the seed is printed to reproduce a run.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound
    }
}

/// The archive's versions and whether its round is complete, read directly.
fn progress(archive: &Path) -> (u64, bool) {
    let Ok(connection) = rusqlite::Connection::open(archive) else { return (0, false) };
    let versions = connection.query_row("SELECT COUNT(*) FROM messages", [], |row| row.get(0)).unwrap_or(0);
    let done = connection.query_row("SELECT round_done FROM cursors", [], |row| row.get(0)).unwrap_or(false);
    (versions, done)
}

/// Runs `sync` with `who` (`--user X` or `--me`), killing it (`SIGKILL`) after a random time,
/// until a run completes; returns how many runs were killed, and how many of those after some
/// pages but before the round's end.
async fn sync_until_done(server: &MockServer, archive: &Path, who: &[&str], random: &mut Random) -> (u32, u32) {
    let (mut killed, mut mid_round) = (0, 0);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        assert!(Instant::now() < deadline, "no run completed in time");
        let mut command = graph_chat(server);
        command.arg("sync").args(who).arg("--archive").arg(archive);
        command.stdout(Stdio::null()).stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        // Early kills land on startup and the first commits, late ones on later pages.
        let wait = Duration::from_millis(random.below(if killed % 3 == 2 { 600 } else { 150 }));
        tokio::time::sleep(wait).await;
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            let status = child.wait().unwrap();
            if !status.success() {
                killed += 1;
                let (versions, done) = progress(archive);
                mid_round += u32::from(versions > 0 && !done);
                continue;
            }
        }
        let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap()).await.unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        return (killed, mid_round);
    }
}

/// Kills `sync` with `who` at random instants until a run completes, twice: before and after
/// messages are created, edited and deleted; each time the archive must equal the server.
async fn killed_and_rerun(who: &[&str]) {
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    println!("kill schedule seed: {seed}");
    let mut random = Random(seed);
    let dataset = DatasetConfig { seed_examples: false, chats: 12, messages_per_chat: 150, seed: 8 };
    let faults = Faults {
        slow_every: 2,
        slow_delay: Duration::from_millis(30),
        throttle_every: 13,
        retry_after: Some("0.01".into()),
        ..Faults::default()
    };
    let server = mock(dataset, faults, 24).await;
    // A run may complete before the random kills have landed mid-sync twice; then the first
    // phase goes again into a fresh archive (each one checked), so that the test always covers
    // kills between pages, whatever the machine's speed.
    let (mut killed, mut mid_round, mut attempt) = (0, 0, 0);
    let archive = loop {
        attempt += 1;
        let archive = scratch(&format!("kill{}-{attempt}", who.len())).join("archive.sqlite");
        let (killed_now, mid_round_now) = sync_until_done(&server, &archive, who, &mut random).await;
        assert_eq!(export(&server, &archive, false).await, server_state(&server).await);
        (killed, mid_round) = (killed + killed_now, mid_round + mid_round_now);
        if mid_round >= 2 || attempt == 5 {
            break archive;
        }
    };
    let before = stats(&archive, &server);
    assert_eq!(before["messages"], before["versions"], "every message once");

    server.advance(Step { created: 20, edited: 30, deleted: 10 });
    let changed = server_state(&server).await;
    let (killed_later, _) = sync_until_done(&server, &archive, who, &mut random).await;
    assert_eq!(export(&server, &archive, false).await, changed);
    let after = stats(&archive, &server);
    let versions: std::collections::BTreeSet<String> = export(&server, &archive, true).await.into_iter().collect();
    assert_eq!(after["versions"].as_u64().unwrap() as usize, versions.len(), "no version twice");
    assert!(after["versions"].as_u64() > before["versions"].as_u64(), "the changes are new versions");
    println!("{killed} + {killed_later} runs killed, {mid_round} of the first ones mid-sync, in {attempt} archives");
    assert!(mid_round >= 2, "the loop killed runs mid-sync ({mid_round} of {killed})");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_at_random_instants_reruns_lose_and_duplicate_nothing() {
    killed_and_rerun(&["--user", USER]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn delegated_sync_killed_at_random_instants_loses_and_duplicates_nothing() {
    killed_and_rerun(&["--me"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn delegated_sync_walks_every_chat_then_only_what_changed_after_each_mark() {
    let server = mock(small(), Faults::default(), 24).await;
    let archive = scratch("me").join("archive.sqlite");
    let mut command = graph_chat(&server);
    command.args(["sync", "--me", "--archive"]).arg(&archive);
    let first = output(command).await;
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert_eq!(export(&server, &archive, false).await, server_state(&server).await);
    let requests = server.requests();
    let mut command = graph_chat(&server);
    command.args(["sync", "--me", "--archive"]).arg(&archive);
    let unchanged = output(command).await;
    // Each walk starts a millisecond before its mark, so the version at the mark is read again.
    assert!(
        summary(&unchanged).contains(": 0 new, 0 changed, 0 deleted, 5 already archived"),
        "{}",
        summary(&unchanged)
    );
    assert_eq!(server.requests() - requests, 1 + 5, "the chat list, then one page per chat");

    server.advance(Step { created: 3, edited: 4, deleted: 2 });
    let mut command = graph_chat(&server);
    command.args(["sync", "--me", "--archive"]).arg(&archive);
    let changes = output(command).await;
    assert!(summary(&changes).contains(": 3 new,"), "{}", summary(&changes));
    assert_eq!(export(&server, &archive, false).await, server_state(&server).await);
    server.shutdown().await;
}

/// Sets the stored nextLink of `chat`'s walk, as a run killed mid-walk leaves it.
fn store_next_link(archive: &Path, chat: &str, link: &str) {
    let connection = rusqlite::Connection::open(archive).unwrap();
    let changed = connection
        .execute("UPDATE chat_cursors SET next_link = ?1 WHERE scope = 'me' AND chat_id = ?2", [link, chat])
        .unwrap();
    assert_eq!(changed, 1);
}

fn chat_ids(archive: &Path) -> Vec<String> {
    let connection = rusqlite::Connection::open(archive).unwrap();
    let mut statement = connection.prepare("SELECT chat_id FROM chat_cursors ORDER BY chat_id").unwrap();
    statement.query_map([], |row| row.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

fn sync_me(server: &MockServer, archive: &Path) -> Command {
    let mut command = graph_chat(server);
    command.args(["sync", "--me", "--archive"]).arg(archive);
    command
}

/// A server, an archive `sync --me` filled from it, and the first of its chats.
async fn synced_me(name: &str) -> (MockServer, PathBuf, String) {
    let server = mock(small(), Faults::default(), 24).await;
    let archive = scratch(name).join("archive.sqlite");
    assert!(output(sync_me(&server, &archive)).await.status.success());
    let chat = chat_ids(&archive).remove(0);
    (server, archive, chat)
}

#[tokio::test(flavor = "multi_thread")]
async fn delegated_sync_walks_again_from_the_mark_when_a_stored_link_has_expired() {
    let (server, archive, chat) = synced_me("me-expired").await;
    store_next_link(&archive, &chat, &format!("/me/chats/{chat}/messages?$skiptoken=expired"));
    server.advance(Step { created: 5, edited: 5, deleted: 2 });
    let rerun = output(sync_me(&server, &archive)).await;
    let stderr = String::from_utf8_lossy(&rerun.stderr);
    assert!(rerun.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("chat `{chat}`: the stored link was refused (400); walking from its mark")));
    assert_eq!(export(&server, &archive, false).await, server_state(&server).await);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn delegated_sync_stores_the_other_chats_when_one_fails_and_says_which() {
    let (server, archive, chat) = synced_me("me-failing").await;
    // A link to another host is refused before anything is sent: this chat fails on every run.
    store_next_link(&archive, &chat, "https://elsewhere.example/v1.0/me/messages");
    server.advance(Step { created: 10, edited: 5, deleted: 2 });
    let failed = output(sync_me(&server, &archive)).await;
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{stderr}");
    let last = stderr.lines().last().unwrap();
    assert!(
        last.contains(&format!("1 of 5 chats were not synced (a rerun tries them again); chat `{chat}`: ")),
        "{last}"
    );
    assert!(stderr.contains(&format!("graph-chat: chat `{chat}` not synced: ")), "{stderr}");
    let stored = export(&server, &archive, false).await;
    let others: Vec<String> = server_state(&server)
        .await
        .into_iter()
        .filter(|line| !line.contains(&format!("\"chatId\":\"{chat}\"")))
        .collect();
    assert!(!others.is_empty());
    for line in &others {
        assert!(stored.contains(line), "missing from the archive: {line}");
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn archives_of_a_newer_schema_and_other_files_are_refused_with_the_reason() {
    let server = mock(small(), Faults::default(), 24).await;
    let dir = scratch("refused");
    let newer = dir.join("newer.sqlite");
    let connection = rusqlite::Connection::open(&newer).unwrap();
    connection
        .execute_batch(
            "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (99);",
        )
        .unwrap();
    drop(connection);
    let other = dir.join("other.sqlite");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE notes (text TEXT);").unwrap();
    let text = dir.join("text.sqlite");
    std::fs::write(&text, "hello, this is not a database at all, just some words in a file.\n".repeat(20)).unwrap();
    let mut errors = Vec::new();
    for path in [&newer, &other, &text, &dir.join("missing.sqlite")] {
        let mut command = graph_chat(&server);
        command.args(["archive", "stats", "--archive"]).arg(path);
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        errors.push(String::from_utf8_lossy(&output.stderr).replace(&dir.display().to_string(), "DIR"));
    }
    insta::assert_snapshot!("refused_archives", errors.concat());
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hosted_contents_are_stored_once_per_distinct_bytes_and_bounded_in_size() {
    let server = mock(small(), Faults::default(), 24).await;
    let dir = scratch("contents");
    let (archive, bounded) = (dir.join("archive.sqlite"), dir.join("bounded.sqlite"));
    let mut command = graph_chat(&server);
    command.args(["sync", "--user", USER, "--with-hosted-contents", "--archive"]).arg(&archive);
    let first = output(command).await;
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let images = server_state(&server).await.iter().filter(|it| it.contains("/hostedContents/")).count();
    assert!(images > 0 && summary(&first).ends_with(&format!(", {images} hosted contents")), "{}", summary(&first));
    let connection = rusqlite::Connection::open(&archive).unwrap();
    let blobs: Vec<Vec<u8>> = connection
        .prepare("SELECT bytes FROM blobs")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(blobs, vec![graph_mock::IMAGE_PNG.to_vec()], "every image has the same bytes: stored once");
    let stored: i64 = connection
        .query_row("SELECT COUNT(*) FROM hosted_contents WHERE digest IS NOT NULL", [], |row| row.get(0))
        .unwrap();
    assert_eq!(stored as usize, images);

    let mut command = graph_chat(&server);
    command
        .args(["sync", "--user", USER, "--with-hosted-contents", "--max-hosted-content-bytes", "10", "--archive"])
        .arg(&bounded);
    assert!(output(command).await.status.success());
    let connection = rusqlite::Connection::open(&bounded).unwrap();
    let skipped: Vec<String> = connection
        .prepare("SELECT DISTINCT skipped FROM hosted_contents")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(skipped, vec!["larger than 10 bytes".to_owned()]);
    let blobs: i64 = connection.query_row("SELECT COUNT(*) FROM blobs", [], |row| row.get(0)).unwrap();
    assert_eq!(blobs, 0);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_archive_of_schema_version_1_is_migrated_and_keeps_its_messages() {
    let server = mock(small(), Faults::default(), 24).await;
    let archive = scratch("migrate").join("archive.sqlite");
    let connection = rusqlite::Connection::open(&archive).unwrap();
    connection.execute_batch(include_str!("../src/archive/v1.sql")).unwrap();
    connection
        .execute(
            "INSERT INTO messages (chat_id, message_id, deleted, digest, raw) VALUES ('c', 'm', 0, x'00', '{\"id\":\"m\"}')",
            [],
        )
        .unwrap();
    drop(connection);
    let stats = stats(&archive, &server);
    assert_eq!((stats["schema_version"].as_u64(), stats["versions"].as_u64()), (Some(2), Some(1)), "{stats}");
    assert_eq!(export(&server, &archive, true).await, vec![r#"{"id":"m"}"#.to_owned()]);
    server.shutdown().await;
}
