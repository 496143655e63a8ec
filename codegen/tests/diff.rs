//! `codegen diff`: one small schema change per kind, and the change between the schemas
//! imported from the two shipped metadata versions.

use codegen::diff::{diff, report, to_json};
use codegen::import::import;
use std::path::{Path, PathBuf};

fn here(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn model(path: &Path) -> codegen::ir::Model {
    let text = std::fs::read_to_string(path).unwrap();
    let file = codegen::schema::parse("schema/a.json", &text).unwrap();
    codegen::model_files(&[file]).unwrap_or_else(|errors| panic!("{}: {errors}", path.display()))
}

/// Each `diff/new/CASE.json` against `diff/old.json`: the human report and the JSON.
#[test]
fn each_kind_of_change_is_classified() {
    let old = model(&here("tests/diff/old.json"));
    insta::glob!("diff/new/*.json", |path| {
        let changes = diff(&old, &model(path));
        insta::assert_snapshot!(format!("{}\n{:#}", report(&changes), to_json(&changes)));
    });
}

/// The schemas imported from scratch from each shipped metadata version.
#[test]
fn the_two_metadata_versions_differ_compatibly() {
    let schema = |version: &str| {
        let path = here(&format!("tests/metadata/v1.0-{version}.cleanMetadata.xml.gz"));
        let metadata = codegen::csdl::Metadata::read(&path).unwrap();
        let import = import(&metadata, &[], "schema").unwrap();
        let files: Vec<_> = import
            .files
            .iter()
            .map(|(name, text)| codegen::schema::parse(&format!("schema/{name}"), text).unwrap())
            .collect();
        codegen::model_files(&files).unwrap()
    };
    let changes = diff(&schema("2024-12-13"), &schema("2026-08-04"));
    assert_eq!(codegen::diff::bump(&changes), Some(codegen::diff::Effect::Minor));
    insta::assert_snapshot!(report(&changes));
}
