//! Generates the Rust bindings of `graph-models` from the hand-curated schema in `schema/`.
//!
//! A `build.rs` is all a crate needs:
//!
//! ```no_run
//! fn main() {
//!     let schema = std::path::Path::new("../schema");
//!     println!("cargo:rerun-if-changed={}", schema.display());
//!     let code = codegen::generate(schema).unwrap_or_else(|errors| panic!("{errors}"));
//!     let out = std::path::Path::new(&std::env::var_os("OUT_DIR").unwrap()).join("models.rs");
//!     codegen::write_if_changed(&out, &code).unwrap();
//! }
//! ```
//!
//! The pipeline is `schema::load` (parse) → `lower::lower` (IR) → `check::check` → `emit::emit`
//! (tokens) → `format::format` (prettyplease). Only the first three stages can fail, and each
//! reports every problem it finds, located as `file: /json/pointer: message`.

#![deny(missing_docs)]
// The crate docs show a whole `build.rs`, whose `main` is the point.
#![allow(clippy::needless_doctest_main)]

pub mod check;
#[cfg(feature = "tools")]
pub mod closure;
#[cfg(feature = "tools")]
pub mod csdl;
#[cfg(feature = "tools")]
pub mod diff;
pub mod emit;
pub mod error;
pub mod format;
#[cfg(feature = "tools")]
pub mod import;
pub mod ir;
#[cfg(feature = "tools")]
pub mod layout;
pub mod lower;
pub mod names;
pub mod schema;

pub use error::{Error, Errors};
use std::path::Path;

/// Generates the Rust source for every type in `schema_dir`.
pub fn generate(schema_dir: &Path) -> Result<String, Errors> {
    let files = schema::load(schema_dir)?;
    generate_files(&files)
}

/// Generates the Rust source for already parsed schema files, in any order.
pub fn generate_files(files: &[schema::SchemaFile]) -> Result<String, Errors> {
    Ok(format::format(emit::emit(&model_files(files)?)))
}

/// The checked IR of the schema in `schema_dir`: what [`generate`] would emit.
pub fn model(schema_dir: &Path) -> Result<ir::Model, Errors> {
    model_files(&schema::load(schema_dir)?)
}

/// The checked IR of already parsed schema files.
pub fn model_files(files: &[schema::SchemaFile]) -> Result<ir::Model, Errors> {
    let model = lower::lower(files)?;
    check::check(&model)?;
    Ok(model)
}

/// Writes `contents` to `path` unless the file already holds exactly that, so that an unchanged
/// output keeps its modification time and dependants are not rebuilt.
pub fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    std::fs::write(path, contents)
}

/// Whether the file at `path` holds exactly `contents`; used by `codegen --check`.
pub fn is_fresh(path: &Path, contents: &str) -> bool {
    std::fs::read_to_string(path).is_ok_and(|old| old == contents)
}
