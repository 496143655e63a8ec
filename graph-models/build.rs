//! Generates the models from the schema into `OUT_DIR/models.rs`.
//!
//! The schema is `schema/` in this package (in the repository, a link to the workspace's
//! `schema/`), or the folder `GRAPH_MODELS_SCHEMA_DIR` names. A schema error fails the build
//! with one located line per problem and nothing else.

use std::path::PathBuf;

const SCHEMA_DIR_VARIABLE: &str = "GRAPH_MODELS_SCHEMA_DIR";

fn main() {
    println!("cargo::rerun-if-env-changed={SCHEMA_DIR_VARIABLE}");
    let schema = match std::env::var_os(SCHEMA_DIR_VARIABLE) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schema"),
    };
    println!("cargo::rerun-if-changed={}", schema.display());
    let code = match codegen::generate(&schema) {
        Ok(code) => code,
        Err(errors) => return fail(&errors.to_string()),
    };
    let Some(out_dir) = std::env::var_os("OUT_DIR") else { return fail("OUT_DIR is not set; run this through cargo") };
    let out = PathBuf::from(out_dir).join("models.rs");
    if let Err(err) = codegen::write_if_changed(&out, &code) {
        fail(&format!("{}: cannot write the generated models: {err}", out.display()));
    }
}

/// Reports every line as a build error: cargo prints each as `error: graph-models@...: LINE` and
/// fails the build, with no panic message and no backtrace around them.
fn fail(message: &str) {
    for line in message.lines() {
        println!("cargo::error={line}");
    }
}
