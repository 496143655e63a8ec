//! The `codegen` command: printing, writing, and `--check` on the committed copy of the output.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn codegen(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_codegen")).args(args).current_dir(workspace()).output().unwrap()
}

/// The committed copy must be what `build.rs` generates; this fails exactly when
/// `codegen schema --check graph-models/generated/models.rs` would.
#[test]
fn the_committed_copy_is_fresh() {
    let output = codegen(&["schema", "--check", "graph-models/generated/models.rs"]);
    assert!(
        output.status.success(),
        "{}\nregenerate with: cargo codegen schema -o graph-models/generated/models.rs",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn check_fails_on_a_stale_file_and_write_makes_it_fresh() {
    let dir = std::env::temp_dir().join(format!("codegen-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("models.rs");
    std::fs::write(&file, "// stale\n").unwrap();
    let path = file.to_str().unwrap();

    let stale = codegen(&["schema", "--check", path]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&stale.stderr).contains("stale, regenerate it with `codegen schema -o"));

    assert!(codegen(&["schema", "-o", path]).status.success());
    assert!(codegen(&["schema", "--check", path]).status.success());
    let printed = codegen(&["schema"]);
    assert_eq!(String::from_utf8(printed.stdout).unwrap(), std::fs::read_to_string(&file).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn invalid_schemas_and_usage_errors_exit_non_zero_with_located_messages() {
    let invalid = codegen(&["codegen/tests/invalid/unknown-type"]);
    assert_eq!(invalid.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&invalid.stderr);
    assert!(stderr.contains("unknown-type/a.json: /types/0/properties/0/type: unknown type `Strng`"), "{stderr}");
    assert_eq!(codegen(&[]).status.code(), Some(2));
}

const METADATA_2026: &str = "codegen/tests/metadata/v1.0-2026-08-04.cleanMetadata.xml.gz";
const METADATA_2024: &str = "codegen/tests/metadata/v1.0-2024-12-13.cleanMetadata.xml.gz";

/// A copy of the curated schema in a fresh temporary folder, and the folder.
fn schema_copy(name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("codegen-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let schema = dir.join("schema");
    std::fs::create_dir_all(&schema).unwrap();
    for entry in std::fs::read_dir(workspace().join("schema")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, schema.join(path.file_name().unwrap())).unwrap();
    }
    (dir, schema)
}

fn texts(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|it| it.unwrap().path())
        .map(|path| (path.clone(), std::fs::read_to_string(&path).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn import_check_passes_on_the_curated_schema_and_reports_drift_without_writing() {
    let current = codegen(&["import", "--metadata", METADATA_2026, "--check"]);
    assert!(current.status.success(), "{}", String::from_utf8_lossy(&current.stdout));
    assert!(current.stdout.is_empty());

    let (dir, schema) = schema_copy("drift");
    let before = texts(&schema);
    let drift = codegen(&["import", "--metadata", METADATA_2024, "--schema", schema.to_str().unwrap(), "--check"]);
    assert_eq!(drift.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&drift.stdout);
    assert!(stdout.contains("schema/chat.json: removed property `chat.migrationMode`"), "{stdout}");
    assert_eq!(texts(&schema), before, "--check wrote something");

    // Without --check the same lines are printed, the files change, and a second run is clean.
    let written = codegen(&["import", "--metadata", METADATA_2024, "--schema", schema.to_str().unwrap()]);
    assert!(written.status.success());
    assert_eq!(written.stdout, drift.stdout);
    assert_ne!(texts(&schema), before);
    let again = codegen(&["import", "--metadata", METADATA_2024, "--schema", schema.to_str().unwrap(), "--check"]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stdout));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_metadata_fails_with_a_located_error_and_leaves_the_schema_untouched() {
    let (dir, schema) = schema_copy("bad");
    let before = texts(&schema);
    let bad = dir.join("metadata.xml");
    std::fs::write(&bad, "<html><body>Not Found</body></html>").unwrap();
    let output = codegen(&["import", "--metadata", bad.to_str().unwrap(), "--schema", schema.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.ends_with("metadata.xml:1:1: not CSDL metadata: the root element is `html`, expected `edmx:Edmx`\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(texts(&schema), before);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn diff_prints_a_report_or_json_and_names_the_release() {
    let (dir, schema) = schema_copy("diff");
    assert!(codegen(&["import", "--metadata", METADATA_2024, "--schema", schema.to_str().unwrap()]).status.success());
    let human = codegen(&["diff", schema.to_str().unwrap(), "schema"]);
    assert!(human.status.success());
    let report = String::from_utf8(human.stdout).unwrap();
    assert!(report.lines().last().unwrap().starts_with("Release: minor"), "{report}");
    let json = codegen(&["diff", schema.to_str().unwrap(), "schema", "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["bump"], "minor");
    assert!(value["changes"].as_array().unwrap().iter().any(|it| it["subject"] == "chat.migrationMode"));
    std::fs::remove_dir_all(&dir).unwrap();
}
