//! PARSE: the schema files, mirrored one to one by serde structs.
//!
//! The vocabulary here is the input's (`types`, `properties`, `members`); `lower` turns it into the
//! output's. The format is documented in `schema/README.md` and `schema/format.schema.json`.

use crate::error::Errors;
use serde::Deserialize;
use std::path::Path;

/// One parsed schema file and the name it is reported under.
#[derive(Debug, Clone)]
pub struct SchemaFile {
    /// The file as shown in errors: the schema folder's name and the file name, `schema/chat.json`.
    pub display_name: String,
    /// The text as read; the generated code records a hash of every file's text.
    pub source: String,
    /// The parsed content.
    pub content: FileContent,
}

impl SchemaFile {
    /// The file name without its folder: `chat.json`.
    pub fn file_name(&self) -> &str {
        self.display_name.rsplit('/').next().unwrap_or(&self.display_name)
    }
}

/// The top level of a schema file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileContent {
    /// The JSON Schema an editor validates the file against; ignored here.
    #[serde(rename = "$schema", default)]
    pub json_schema: Option<String>,
    /// Entity and complex types.
    #[serde(default)]
    pub types: Vec<TypeDef>,
    /// Enumerations, plain and flags.
    #[serde(default)]
    pub enums: Vec<EnumDef>,
    /// The Graph metadata the schema was last imported from (`codegen import` writes it into
    /// `origin.json`); at most one file has it.
    #[serde(default)]
    pub origin: Option<MetadataOrigin>,
}

/// Which published Graph metadata a schema was imported from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetadataOrigin {
    /// The metadata file's name, e.g. `v1.0-2026-08-04.cleanMetadata.xml.gz`.
    pub file: String,
    /// The SHA-256 of the file's bytes as read (compressed, if it was), in hex.
    pub sha256: String,
}

/// An entity or complex type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TypeDef {
    /// The Graph name, e.g. `chatMessage`.
    pub name: String,
    /// Entity (has an identity) or complex (a value inside another type).
    pub kind: TypeKind,
    /// The type this one derives from; its properties come first.
    #[serde(default)]
    pub base: Option<String>,
    /// Abstract types never appear on the wire except as one of their subtypes.
    #[serde(default, rename = "abstract")]
    pub is_abstract: bool,
    /// Payloads choose a subtype with `@odata.type` wherever this type is declared.
    #[serde(default)]
    pub polymorphic: bool,
    /// An OData open type: payloads may carry undeclared properties.
    #[serde(default)]
    pub open: bool,
    /// Where `codegen import` starts: the type, its subtypes and everything they reference are
    /// imported, whether or not another type reaches it.
    #[serde(default)]
    pub root: bool,
    /// A navigation target that is not modelled: declared without properties, which payloads
    /// keep in `additional_properties`; `codegen import` leaves its properties out.
    #[serde(default)]
    pub stub: bool,
    /// The `@odata.type` discriminator, e.g. `#microsoft.graph.chatMessage`.
    pub odata_type: String,
    /// A short description in our own words; the metadata has none, so imported types start
    /// without one.
    #[serde(default)]
    pub description: Option<String>,
    /// The type's own properties, in declared order; inherited ones are not repeated.
    #[serde(default)]
    pub properties: Vec<PropertyDef>,
}

/// Entity or complex type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TypeKind {
    /// An entity type: addressable, with an `id`.
    Entity,
    /// A complex type: a structured value without identity.
    Complex,
}

/// One property of a type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PropertyDef {
    /// The JSON name, e.g. `createdDateTime`.
    pub name: String,
    /// A primitive (`String`, `Boolean`, `Int32`, `DateTimeOffset`, `Duration`, `Binary`, `Guid`), a
    /// type or an enum.
    #[serde(rename = "type")]
    pub type_name: String,
    /// A JSON array of `type`.
    #[serde(default)]
    pub collection: bool,
    /// Whether the service may send `null`; the metadata's default is true.
    #[serde(default = "yes")]
    pub nullable: bool,
    /// A navigation property: inline only under `$expand`.
    #[serde(default)]
    pub navigation: bool,
    /// A short description in our own words.
    #[serde(default)]
    pub description: Option<String>,
    /// A secret, such as a subscription's `clientState`: `Debug` output shows whether it is
    /// there, never its value. Curated, like the description.
    #[serde(default)]
    pub sensitive: bool,
}

/// An enumeration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EnumDef {
    /// The Graph name, e.g. `chatType`.
    pub name: String,
    /// A flags enum: values are sets, written as comma-separated member names.
    #[serde(default)]
    pub flags: bool,
    /// A short description in our own words; imported enums start without one.
    #[serde(default)]
    pub description: Option<String>,
    /// Members in declared order; those after `unknownFutureValue` are evolvable.
    pub members: Vec<MemberDef>,
}

/// One enum member.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MemberDef {
    /// The name on the wire, e.g. `oneOnOne`.
    pub name: String,
    /// A short description in our own words.
    #[serde(default)]
    pub description: Option<String>,
}

fn yes() -> bool {
    true
}

/// The name files of `dir` are shown under: the folder's own name, `schema`.
pub fn dir_name(dir: &Path) -> String {
    dir.file_name().map_or_else(|| dir.display().to_string(), |it| it.to_string_lossy().into_owned())
}

/// Like [`load`], but a missing folder, or one without schema files, is an empty schema: where
/// `codegen import` starts from scratch.
pub fn load_if_present(dir: &Path) -> Result<Vec<SchemaFile>, Errors> {
    let has_files = std::fs::read_dir(dir)
        .is_ok_and(|entries| entries.filter_map(|it| it.ok()).any(|entry| is_schema_file(&entry.path())));
    if has_files {
        load(dir)
    } else {
        Ok(Vec::new())
    }
}

fn is_schema_file(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "json") && path.file_name().is_some_and(|name| name != FORMAT_SCHEMA_FILE)
}

/// Reads every `*.json` file of `dir` in file-name order, except `format.schema.json` (the format's
/// own JSON Schema). Reports every unreadable or malformed file.
pub fn load(dir: &Path) -> Result<Vec<SchemaFile>, Errors> {
    let mut errors = Errors::default();
    let dir_name = dir_name(dir);
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            errors.push(&dir_name, format!("cannot read the schema folder: {err}"));
            return Err(errors);
        }
    };
    let mut paths: Vec<_> =
        entries.filter_map(|entry| entry.ok().map(|it| it.path())).filter(|it| is_schema_file(it)).collect();
    paths.sort();
    if paths.is_empty() {
        errors.push(&dir_name, "no `*.json` schema files in the schema folder");
    }
    let mut files = Vec::new();
    for path in paths {
        let display_name = format!("{dir_name}/{}", path.file_name().unwrap_or_default().to_string_lossy());
        match std::fs::read_to_string(&path) {
            Ok(text) => match parse(&display_name, &text) {
                Ok(file) => files.push(file),
                Err(error) => errors.0.push(error),
            },
            Err(err) => errors.push(&display_name, format!("cannot read the file: {err}")),
        }
    }
    errors.finish(files)
}

/// The format's own JSON Schema, which lives beside the schema files but is not one.
pub const FORMAT_SCHEMA_FILE: &str = "format.schema.json";

/// Parses one schema file; a syntax or shape error is located by line and column.
pub fn parse(display_name: &str, text: &str) -> Result<SchemaFile, crate::error::Error> {
    // serde reads a struct from an array too; the format is an object, so say so.
    if let Some(offset) = text.find(|it: char| !it.is_whitespace()).filter(|at| !text[*at..].starts_with('{')) {
        let line = text[..offset].matches('\n').count() + 1;
        let column = offset - text[..offset].rfind('\n').map_or(0, |it| it + 1) + 1;
        return Err(crate::error::Error {
            location: format!("{display_name}:{line}:{column}"),
            message: "expected a JSON object with `types` and `enums`".to_owned(),
        });
    }
    match serde_json::from_str::<FileContent>(text) {
        Ok(content) => Ok(SchemaFile { display_name: display_name.to_owned(), source: text.to_owned(), content }),
        Err(err) => {
            let message = err.to_string();
            let suffix = format!(" at line {} column {}", err.line(), err.column());
            let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
            Err(crate::error::Error { location: format!("{display_name}:{}:{}", err.line(), err.column()), message })
        }
    }
}
