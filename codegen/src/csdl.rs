//! READ METADATA: Microsoft Graph's published CSDL (`$metadata`, plain or gzip-compressed) as
//! plain data, with every type reference resolved to a full name.
//!
//! Only what the schema needs is read: entity and complex types (base, abstract, open, properties
//! and navigation properties in declared order) and enum types (flags, members in order). Errors
//! name the file, the line and column, and the element.

use crate::error::{Error, Errors};
use std::collections::BTreeMap;
use std::io::Read;

/// The most bytes a (decompressed) metadata file may have; the real one is about 3.5 MB.
const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// The CSDL namespace of `Schema` and everything in it.
const EDM: &str = "http://docs.oasis-open.org/odata/ns/edm";
/// The namespace of `Edmx` and `DataServices`.
const EDMX: &str = "http://docs.oasis-open.org/odata/ns/edmx";

/// One metadata file.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// The file as shown in errors.
    pub file: String,
    /// The SHA-256 of the bytes as read, in hex.
    pub sha256: String,
    /// Entity and complex types by full name (`microsoft.graph.chat`).
    pub types: BTreeMap<String, CsdlType>,
    /// Enum types by full name.
    pub enums: BTreeMap<String, CsdlEnum>,
    /// The byte offset of each line's start, to turn a [`Position`] into a line and column.
    line_starts: Vec<usize>,
}

/// Where an element starts, for errors: its byte offset in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position(usize);

/// An `EntityType` or `ComplexType`.
#[derive(Debug, Clone)]
pub struct CsdlType {
    /// The full name, `microsoft.graph.chat`.
    pub name: String,
    /// `EntityType` (true) or `ComplexType`.
    pub entity: bool,
    /// The full name of `BaseType`.
    pub base: Option<String>,
    /// `Abstract="true"`.
    pub is_abstract: bool,
    /// `OpenType="true"`.
    pub open: bool,
    /// `Property` and `NavigationProperty` children, in declared order.
    pub properties: Vec<CsdlProperty>,
    /// Where the element starts.
    pub position: Position,
}

/// A `Property` or `NavigationProperty`.
#[derive(Debug, Clone)]
pub struct CsdlProperty {
    /// The JSON name.
    pub name: String,
    /// The element type: a full type or enum name, or `Edm.String` and the like.
    pub type_name: String,
    /// `Collection(...)`.
    pub collection: bool,
    /// `Nullable`, true unless `"false"`; for a collection it is about the elements.
    pub nullable: bool,
    /// A `NavigationProperty`.
    pub navigation: bool,
    /// `ContainsTarget="true"`: the target lives inside this entity (`chat.messages`), as opposed
    /// to a reference to an entity that lives elsewhere (`aadUserConversationMember.user`).
    pub contains_target: bool,
    /// Where the element starts.
    pub position: Position,
}

/// An `EnumType`.
#[derive(Debug, Clone)]
pub struct CsdlEnum {
    /// The full name.
    pub name: String,
    /// `IsFlags="true"`.
    pub flags: bool,
    /// The `Member` names in declared order.
    pub members: Vec<String>,
    /// Where the element starts.
    pub position: Position,
}

impl Metadata {
    /// Reads `path`, gzip-compressed or not.
    pub fn read(path: &std::path::Path) -> Result<Metadata, Errors> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|err| single(&file, format!("cannot read the metadata: {err}")))?;
        Metadata::parse(&file, &bytes)
    }

    /// Parses the bytes of a metadata file named `file`.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Metadata, Errors> {
        use sha2::Digest;
        let sha256 = hex(&sha2::Sha256::digest(bytes));
        let text = decompress(file, bytes)?;
        let text = std::str::from_utf8(&text).map_err(|err| single(file, format!("not UTF-8 text: {err}")))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let document = roxmltree::Document::parse(text).map_err(|err| {
            let at = err.pos();
            let message = err.to_string();
            let message = message.strip_suffix(&format!(" at {}:{}", at.row, at.col)).unwrap_or(&message);
            single(&format!("{file}:{}:{}", at.row, at.col), format!("not XML: {message}"))
        })?;
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
        let mut metadata =
            Metadata { file: file.to_owned(), sha256, types: BTreeMap::new(), enums: BTreeMap::new(), line_starts };
        let mut errors = Errors::default();
        let schemas = schemas(file, &document)?;
        let aliases: BTreeMap<&str, &str> = schemas
            .iter()
            .filter_map(|schema| Some((schema.attribute("Alias")?, schema.attribute("Namespace")?)))
            .collect();
        let names = Names { aliases };
        for schema in &schemas {
            let Some(namespace) = schema.attribute("Namespace") else {
                errors.push(located(file, &document, *schema), "`Schema` without a `Namespace`");
                continue;
            };
            for element in schema.children().filter(|it| it.is_element() && it.tag_name().namespace() == Some(EDM)) {
                let position = position(element);
                let Some(name) = element.attribute("Name") else {
                    if matches!(element.tag_name().name(), "EntityType" | "ComplexType" | "EnumType") {
                        errors.push(
                            located(file, &document, element),
                            format!("`{}` without a `Name`", element.tag_name().name()),
                        );
                    }
                    continue;
                };
                let full = format!("{namespace}.{name}");
                let declared = |full: &str| metadata.types.contains_key(full) || metadata.enums.contains_key(full);
                if matches!(element.tag_name().name(), "EntityType" | "ComplexType" | "EnumType") && declared(&full) {
                    errors.push(located(file, &document, element), format!("`{full}` is declared twice"));
                    continue;
                }
                match element.tag_name().name() {
                    kind @ ("EntityType" | "ComplexType") => {
                        let properties = properties(file, &document, element, &names, &mut errors);
                        let ty = CsdlType {
                            name: full.clone(),
                            entity: kind == "EntityType",
                            base: element.attribute("BaseType").map(|it| names.full(it)),
                            is_abstract: element.attribute("Abstract") == Some("true"),
                            open: element.attribute("OpenType") == Some("true"),
                            properties,
                            position,
                        };
                        metadata.types.insert(full, ty);
                    }
                    "EnumType" => {
                        let mut members = Vec::new();
                        for member in
                            element.children().filter(|it| it.is_element() && it.tag_name().name() == "Member")
                        {
                            match member.attribute("Name") {
                                Some(name) => members.push(name.to_owned()),
                                None => errors.push(located(file, &document, member), "`Member` without a `Name`"),
                            }
                        }
                        let flags = element.attribute("IsFlags") == Some("true");
                        metadata.enums.insert(full.clone(), CsdlEnum { name: full, flags, members, position });
                    }
                    _ => {}
                }
            }
        }
        errors.finish(metadata)
    }

    /// Where `position` is in this file: `file:line:column`.
    pub fn at(&self, position: Position) -> String {
        let line = self.line_starts.partition_point(|start| *start <= position.0);
        let column = position.0 - self.line_starts[line.saturating_sub(1)] + 1;
        format!("{}:{line}:{column}", self.file)
    }
}

/// The `Schema` elements under `Edmx/DataServices`; an error unless the document is CSDL.
fn schemas<'a, 'input>(
    file: &str,
    document: &'a roxmltree::Document<'input>,
) -> Result<Vec<roxmltree::Node<'a, 'input>>, Errors> {
    let root = document.root_element();
    if root.tag_name().name() != "Edmx" || root.tag_name().namespace() != Some(EDMX) {
        return Err(single(
            &located(file, document, root),
            format!("not CSDL metadata: the root element is `{}`, expected `edmx:Edmx`", root.tag_name().name()),
        ));
    }
    let schemas: Vec<_> = root
        .children()
        .filter(|it| it.is_element() && it.tag_name().name() == "DataServices")
        .flat_map(|it| it.children())
        .filter(|it| it.is_element() && it.tag_name().name() == "Schema" && it.tag_name().namespace() == Some(EDM))
        .collect();
    if schemas.is_empty() {
        return Err(single(&located(file, document, root), "not CSDL metadata: no `DataServices/Schema` element"));
    }
    Ok(schemas)
}

fn properties(
    file: &str,
    document: &roxmltree::Document,
    owner: roxmltree::Node,
    names: &Names,
    errors: &mut Errors,
) -> Vec<CsdlProperty> {
    let mut properties = Vec::new();
    for element in owner.children().filter(|it| it.is_element()) {
        let navigation = match element.tag_name().name() {
            "Property" => false,
            "NavigationProperty" => true,
            _ => continue,
        };
        let (Some(name), Some(type_name)) = (element.attribute("Name"), element.attribute("Type")) else {
            errors.push(
                located(file, document, element),
                format!(
                    "`{}` without a `{}`",
                    element.tag_name().name(),
                    if element.attribute("Name").is_none() { "Name" } else { "Type" }
                ),
            );
            continue;
        };
        let (collection, element_type) = match type_name.strip_prefix("Collection(").and_then(|it| it.strip_suffix(')'))
        {
            Some(inner) => (true, inner),
            None => (false, type_name),
        };
        properties.push(CsdlProperty {
            name: name.to_owned(),
            type_name: names.full(element_type),
            collection,
            nullable: element.attribute("Nullable") != Some("false"),
            navigation,
            contains_target: element.attribute("ContainsTarget") == Some("true"),
            position: position(element),
        });
    }
    properties
}

/// Resolves the aliases of type references (`graph.chatType` → `microsoft.graph.chatType`).
struct Names<'a> {
    aliases: BTreeMap<&'a str, &'a str>,
}

impl Names<'_> {
    fn full(&self, reference: &str) -> String {
        match reference.split_once('.') {
            Some((alias, rest)) if alias != "Edm" => match self.aliases.get(alias) {
                Some(namespace) => format!("{namespace}.{rest}"),
                None => reference.to_owned(),
            },
            _ => reference.to_owned(),
        }
    }
}

fn decompress(file: &str, bytes: &[u8]) -> Result<Vec<u8>, Errors> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes.to_vec());
    }
    let mut text = Vec::new();
    let mut reader = flate2::read::GzDecoder::new(bytes).take(MAX_BYTES + 1);
    reader.read_to_end(&mut text).map_err(|err| single(file, format!("not valid gzip: {err}")))?;
    if text.len() as u64 > MAX_BYTES {
        return Err(single(file, format!("larger than {MAX_BYTES} bytes once decompressed")));
    }
    Ok(text)
}

fn position(node: roxmltree::Node) -> Position {
    Position(node.range().start)
}

/// `file:line:column` of an element, for the few errors found while reading.
fn located(file: &str, document: &roxmltree::Document, node: roxmltree::Node) -> String {
    let at = document.text_pos_at(node.range().start);
    format!("{file}:{}:{}", at.row, at.col)
}

fn single(location: &str, message: impl Into<String>) -> Errors {
    Errors(vec![Error { location: location.to_owned(), message: message.into() }])
}

/// Lowercase hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
