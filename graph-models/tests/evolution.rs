//! A dependent crate across Graph's schema changes: `tests/dependent` compiles, unchanged,
//! against models generated from the 2024-12-13 metadata and from the 2026-08-04 metadata; an
//! exhaustive `match` on a generated enum does not compile; a schema error fails the build with
//! its located lines and nothing else.
//!
//! Each case runs `cargo check` on the dependent with `GRAPH_MODELS_SCHEMA_DIR` naming the schema
//! to build graph-models from, in a target folder of its own that later runs reuse.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn here(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A schema imported from scratch from a vendored metadata version.
fn imported(version: &str) -> PathBuf {
    let path = here(&format!("../codegen/tests/metadata/v1.0-{version}.cleanMetadata.xml.gz"));
    let metadata = codegen::csdl::Metadata::read(&path).unwrap();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("schema-{version}"));
    let _ = std::fs::remove_dir_all(&dir);
    codegen::import::import(&metadata, &[], "schema").unwrap().write(&dir).unwrap();
    dir
}

/// `cargo check` of the dependent crate against the schema in `schema`.
fn check_dependent(schema: &Path, features: &[&str]) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["check", "--quiet", "--manifest-path"])
        .arg(here("tests/dependent/Cargo.toml"))
        .env("CARGO_TARGET_DIR", Path::new(env!("CARGO_TARGET_TMPDIR")).join("dependent"))
        .env("GRAPH_MODELS_SCHEMA_DIR", schema)
        .env("RUST_BACKTRACE", "1")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    if !features.is_empty() {
        command.args(["--features", &features.join(",")]);
    }
    command.output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// One test, so that the cases share one warm target folder instead of racing for it.
#[test]
fn a_dependent_builds_across_schema_versions_and_an_exhaustive_match_does_not() {
    for version in ["2024-12-13", "2026-08-04"] {
        let output = check_dependent(&imported(version), &[]);
        assert!(output.status.success(), "against the {version} metadata:\n{}", stderr(&output));
    }

    let output = check_dependent(&imported("2026-08-04"), &["exhaustive"]);
    assert!(!output.status.success(), "an exhaustive match on a generated enum compiled");
    let message = stderr(&output);
    assert!(message.contains("E0004") && message.contains("non-exhaustive patterns"), "{message}");

    // A schema error: the located lines, as cargo shows build-script errors, and nothing else.
    let output = check_dependent(&here("../codegen/tests/invalid/unknown-type"), &[]);
    assert!(!output.status.success());
    let message = stderr(&output);
    let errors: Vec<&str> = message.lines().filter(|it| it.starts_with("error")).collect();
    assert_eq!(
        errors,
        [
            "error: graph-models@0.1.0: unknown-type/a.json: /types/0/properties/0/type: unknown type `Strng`, expected one of `String`, `Boolean`, `Int32`, `DateTimeOffset`, `Duration`, `Binary`, `Guid` or a declared type or enum",
            "error: graph-models@0.1.0: unknown-type/a.json: /types/0/properties/1/type: unknown type `persn`, expected one of `String`, `Boolean`, `Int32`, `DateTimeOffset`, `Duration`, `Binary`, `Guid` or a declared type or enum",
            "error: build script logged errors",
        ],
        "{message}"
    );
    for noise in ["panicked", "backtrace", "RUST_BACKTRACE", "failed to run custom build command"] {
        assert!(!message.contains(noise), "`{noise}` in:\n{message}");
    }
}
