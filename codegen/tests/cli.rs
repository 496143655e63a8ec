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
        "{}\nregenerate with: cargo run -p codegen -- schema -o graph-models/generated/models.rs",
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
