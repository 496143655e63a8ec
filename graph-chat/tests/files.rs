//! What `graph-chat` does to the files it is given: `--out` paths (the archive itself, links,
//! directories, `-`), archives that are not archives, and a closed stderr. Against the embedded
//! mock.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn graph_chat(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_graph-chat"));
    for name in ["GRAPH_TOKEN", "GRAPH_TENANT_ID", "GRAPH_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_ID"] {
        command.env_remove(name);
    }
    command.args(args);
    command
}

fn run(args: &[&str]) -> Output {
    graph_chat(args).output().expect("graph-chat runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("graph-chat-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// An archive synced from the embedded mock.
fn archive(dir: &Path) -> PathBuf {
    let archive = dir.join("archive.sqlite");
    let output = run(&["--mock", "sync", "--user", "adele@contoso.com", "--archive", text(&archive)]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    archive
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_archive_exported_onto_itself_is_refused_and_kept() {
    let dir = scratch("itself");
    let archive = archive(&dir);
    let before = std::fs::read(&archive).unwrap();
    let output = run(&["archive", "export", "--archive", text(&archive), "--out", text(&archive)]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(stderr(&output), format!("graph-chat: error: --out `{}` is the archive itself\n", text(&archive)));
    assert_eq!(std::fs::read(&archive).unwrap(), before);
    let stats = run(&["archive", "stats", "--archive", text(&archive)]);
    assert!(stats.status.success(), "{}", stderr(&stats));
}

#[test]
fn an_out_link_is_written_through_to_its_target_and_stays_a_link() {
    let dir = scratch("link");
    let archive = archive(&dir);
    let (target, link) = (dir.join("target.jsonl"), dir.join("link.jsonl"));
    std::fs::write(&target, "old\n").unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let output = run(&["archive", "export", "--archive", text(&archive), "--out", text(&link)]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    let exported = std::fs::read_to_string(&target).unwrap();
    assert!(exported.lines().count() > 100 && exported.starts_with('{'), "{exported:.100}");
}

#[test]
fn a_directory_as_out_is_refused_and_nothing_is_left_beside_it() {
    let dir = scratch("directory");
    let archive = archive(&dir);
    let out = dir.join("exports");
    std::fs::create_dir(&out).unwrap();
    let output = run(&["archive", "export", "--archive", text(&archive), "--out", text(&out)]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(stderr(&output), format!("graph-chat: error: --out `{}` is a directory, not a file\n", text(&out)));
    let names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|it| it.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|it| it.contains("partial")), "{names:?}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
}

#[test]
fn out_dash_is_stdout() {
    let dir = scratch("dash");
    let archive = archive(&dir);
    let output = run(&["archive", "export", "--archive", text(&archive), "--out", "-"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8(output.stdout).unwrap().lines().count() > 100);
    assert!(!dir.join("-").exists());
}

#[test]
fn an_empty_file_or_a_directory_is_not_an_archive_and_is_left_as_it_was() {
    let dir = scratch("empty");
    let empty = dir.join("empty.sqlite");
    std::fs::write(&empty, "").unwrap();
    let mut errors = String::new();
    for path in [&empty, &dir] {
        for command in [&["archive", "stats", "--archive"][..], &["archive", "export", "--out", "-", "--archive"]] {
            let output = run(&[command, &[text(path)]].concat());
            assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
            errors.push_str(&stderr(&output).replace(text(&dir), "DIR"));
        }
    }
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0, "nothing was written to it");
    insta::assert_snapshot!("not_archives", errors);
}

#[test]
fn sync_with_a_page_size_out_of_range_is_a_usage_error_before_the_archive_exists() {
    let dir = scratch("top");
    let archive = dir.join("archive.sqlite");
    for scope in [&["--me"][..], &["--user", "adele@contoso.com"]] {
        let output = run(&[&["--mock", "sync", "--top", "99", "--archive", text(&archive)][..], scope].concat());
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert_eq!(stderr(&output), "graph-chat: error: $top must be between 1 and 50, got 99\n");
        assert!(!archive.exists());
    }
}

#[test]
fn a_closed_stderr_is_no_reason_to_panic() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = graph_chat(&["archive", "stats", "--archive", "/nonexistent/archive.sqlite"])
        .stdout(Stdio::null())
        .stderr(writer)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "the error's exit code, not a panic's");
}

#[test]
fn argument_errors_are_one_line_too() {
    let mut errors = String::new();
    let cases = [
        &["chat", "list"][..],
        &["sync", "--me", "--user", "x", "--archive", "a"],
        &["archive", "stats"],
        &["messages", "export", "--user", "x", "--out", "x.jsonl", "--since", "yesterday"],
    ];
    for args in cases {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert_eq!(stderr(&output).lines().count(), 1, "{args:?}: {}", stderr(&output));
        errors.push_str(&stderr(&output));
    }
    insta::assert_snapshot!("argument_errors", errors);
}
