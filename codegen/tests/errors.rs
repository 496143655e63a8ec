//! One invalid schema folder per kind of error, each with a snapshot of the reported errors.

use std::path::Path;

#[test]
fn each_invalid_schema_reports_located_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid");
    let mut cases: Vec<_> = std::fs::read_dir(&root).unwrap().map(|it| it.unwrap().path()).collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in {}", root.display());
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let errors = match codegen::generate(&case) {
            Ok(_) => panic!("{name}: generated code from an invalid schema"),
            Err(errors) => errors,
        };
        insta::assert_snapshot!(name, errors.to_string());
    }
}

#[test]
fn a_missing_schema_folder_is_an_error_not_a_panic() {
    let errors = codegen::generate(Path::new("/nonexistent/schema")).unwrap_err();
    assert!(errors.to_string().starts_with("schema: cannot read the schema folder: "), "{errors}");
}
