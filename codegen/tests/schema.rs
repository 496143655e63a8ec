//! The real schema: a reviewable snapshot of everything `graph-models` is built from, and proof
//! that the output does not depend on the order the files are read in.

use std::path::Path;

fn schema_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema")
}

#[test]
fn the_whole_schema_generates_the_snapshotted_code() {
    let code = codegen::generate(&schema_dir()).unwrap_or_else(|errors| panic!("{errors}"));
    insta::assert_snapshot!(code);
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

#[test]
fn the_schema_covers_the_reference_types() {
    let model = codegen::lower::lower(&codegen::schema::load(&schema_dir()).unwrap()).unwrap();
    let count =
        |predicate: fn(&codegen::ir::ItemKind) -> bool| model.items.iter().filter(|it| predicate(&it.kind)).count();
    assert_eq!(count(|it| matches!(it, codegen::ir::ItemKind::Enum(_))), 15);
    assert_eq!(count(|it| matches!(it, codegen::ir::ItemKind::Union(_))), 4);
    let union = |name: &str| {
        model.items.iter().find_map(|it| match &it.kind {
            codegen::ir::ItemKind::Union(union) if it.name.rust == name => Some(union.variants.len()),
            _ => None,
        })
    };
    assert_eq!(union("ConversationMember"), Some(7));
    assert_eq!(union("EventMessageDetail"), Some(30));
}
