//! Generates the models from `../schema` into `OUT_DIR/models.rs`; a schema error fails the build
//! with one located line per problem.

use std::path::{Path, PathBuf};

fn main() {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema");
    println!("cargo:rerun-if-changed={}", schema.display());
    let code = codegen::generate(&schema).unwrap_or_else(|errors| panic!("invalid schema:\n{errors}"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("models.rs");
    codegen::write_if_changed(&out, &code).expect("OUT_DIR is writable");
}
