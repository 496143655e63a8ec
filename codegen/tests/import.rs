//! `codegen import`: the curated schema against Microsoft's metadata, merges that keep the
//! curation, a schema from the metadata alone, and located errors for bad metadata.

use codegen::csdl::Metadata;
use codegen::import::import;
use codegen::schema::{load, load_if_present, SchemaFile};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn here(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn metadata(version: &str) -> Metadata {
    Metadata::read(&here(&format!("tests/metadata/v1.0-{version}.cleanMetadata.xml.gz"))).unwrap()
}

fn type_names(files: &[SchemaFile]) -> BTreeSet<String> {
    files.iter().flat_map(|it| &it.content.types).map(|it| it.name.clone()).collect()
}

/// Each change line, then every file of the new schema, as one text to snapshot.
fn shown(import: &codegen::import::Import) -> String {
    let mut text = import.changes.join("\n");
    for (name, content) in &import.files {
        text.push_str(&format!("\n\n=== {name}\n{content}"));
    }
    text
}

#[test]
fn the_curated_schema_matches_the_metadata_it_was_curated_from() {
    let current = load(&here("../schema")).unwrap();
    let import = import(&metadata("2026-08-04"), &current, "schema").unwrap();
    assert_eq!(import.report(&current), Vec::<String>::new());
    assert!(import.is_current(&current));
}

#[test]
fn importing_the_older_metadata_reports_every_change_once() {
    let current = load(&here("../schema")).unwrap();
    let import = import(&metadata("2024-12-13"), &current, "schema").unwrap();
    assert!(!import.is_current(&current));
    insta::assert_snapshot!(import.report(&current).join("\n"));
}

#[test]
fn an_empty_folder_gets_a_schema_from_the_metadata_alone() {
    let dir = std::env::temp_dir().join(format!("codegen-import-empty-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let fresh = import(&metadata("2026-08-04"), &load_if_present(&dir).unwrap(), "schema").unwrap();
    fresh.write(&dir).unwrap();
    let written = load(&dir).unwrap();
    codegen::generate(&dir).unwrap_or_else(|errors| panic!("{errors}"));
    // The same types as the curated schema, but for those of the roots it adds: two identities,
    // and the change notifications' types.
    let curated = type_names(&load(&here("../schema")).unwrap());
    let extra: BTreeSet<String> = curated.difference(&type_names(&written)).cloned().collect();
    let expected = [
        "teamworkApplicationIdentity",
        "teamworkTagIdentity",
        "subscription",
        "changeNotificationCollection",
        "changeNotification",
        "changeNotificationEncryptedContent",
        "resourceData",
    ]
    .map(String::from);
    assert_eq!(extra, BTreeSet::from(expected));
    assert!(type_names(&written).is_subset(&curated));
    // Imported again, nothing changes.
    let again = import(&metadata("2026-08-04"), &written, "schema").unwrap();
    assert!(again.is_current(&written), "{:?}", again.report(&written));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Descriptions, `polymorphic`, stubs, file placement and the order of properties survive; new
/// properties (after the known ones) and members arrive in declared order; what upstream dropped
/// goes; new types join their base's file.
#[test]
fn a_merge_keeps_what_the_curation_adds() {
    let case = here("tests/import/curation");
    let metadata = Metadata::read(&case.join("metadata.xml")).unwrap();
    let current = load(&case.join("schema")).unwrap();
    let import = import(&metadata, &current, "schema").unwrap();
    assert_eq!(import.removed_files, Vec::<String>::new());
    insta::assert_snapshot!(shown(&import));
}

/// A byte-order mark, the `graph.` alias, another namespace and its alias, `Collection(...)` and
/// a flags enum, imported into an empty schema with the default roots.
#[test]
fn metadata_syntax_is_read_as_csdl_defines_it() {
    let metadata = Metadata::read(&here("tests/import/namespaces/metadata.xml")).unwrap();
    let import = import(&metadata, &[], "schema").unwrap();
    insta::assert_snapshot!(shown(&import));
}

#[test]
fn bad_metadata_gives_located_errors_and_no_schema() {
    let root = here("tests/import-errors");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|it| it.unwrap().path()).collect();
    cases.sort();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&case).unwrap();
        let errors = match Metadata::parse(&name, &bytes).and_then(|metadata| import(&metadata, &[], "schema")) {
            Ok(_) => panic!("{name}: imported bad metadata"),
            Err(errors) => errors,
        };
        insta::assert_snapshot!(name, errors.to_string());
    }
}

/// A write that fails midway (here: a file's scratch path is taken by a folder) leaves every
/// file as it was, and the error names the file.
#[test]
fn a_failed_write_leaves_the_schema_as_it_was() {
    let dir = std::env::temp_dir().join(format!("codegen-import-failed-write-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(here("../schema")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|it| it == "json") {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    let before: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|it| it.unwrap().path())
        .map(|path| (path.clone(), std::fs::read(&path).unwrap()))
        .collect();
    let older = import(&metadata("2024-12-13"), &load(&dir).unwrap(), "schema").unwrap();
    let changed: Vec<&String> = older
        .files
        .iter()
        .filter(|(name, text)| std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(text.as_str()))
        .map(|(name, _)| name)
        .collect();
    assert!(changed.len() >= 2, "{changed:?}");
    let last = changed.last().unwrap();
    std::fs::create_dir(dir.join(format!(".{last}.partial"))).unwrap();
    let error = older.write(&dir).unwrap_err();
    assert!(error.starts_with(&format!("{}: ", dir.join(last).display())), "{error}");
    for (path, bytes) in &before {
        assert_eq!(&std::fs::read(path).unwrap(), bytes, "{} changed", path.display());
    }
    let left: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|it| it.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(left.iter().filter(|it| it.ends_with(".partial")).count(), 1, "only the blocking folder: {left:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
