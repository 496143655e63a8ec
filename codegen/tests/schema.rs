//! The real schema: the output does not depend on the order the files are read in. (The
//! reviewable copy of the output is `graph-models/generated/models.rs`, checked by `cli.rs`.)

use std::path::Path;

fn schema_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema")
}

#[test]
fn output_is_the_same_whatever_the_file_order() {
    let mut files = codegen::schema::load(&schema_dir()).unwrap();
    let forward = codegen::generate_files(&files).unwrap();
    files.reverse();
    let backward = codegen::generate_files(&files).unwrap();
    assert!(forward == backward, "file order changed the output");
    assert!(forward == codegen::generate(&schema_dir()).unwrap(), "two runs differ");
}
