//! The house layout of a schema file, as `codegen import` writes it: two-space indents, one
//! line per property and member, keys in a fixed order and defaults left out. Parsing a file in
//! this layout and writing it back gives the same bytes.

use crate::schema::{EnumDef, FileContent, MemberDef, MetadataOrigin, PropertyDef, TypeDef, TypeKind};
use std::fmt::Write;

/// The `$schema` every file names, so that an editor validates it.
pub const FORMAT_REFERENCE: &str = "./format.schema.json";

/// The text of a schema file.
pub fn to_text(content: &FileContent) -> String {
    let FileContent { json_schema, types, enums, origin } = content;
    let mut sections = vec![format!("  \"$schema\": {}", quote(json_schema.as_deref().unwrap_or(FORMAT_REFERENCE)))];
    if let Some(origin) = origin {
        sections.push(format!("  \"origin\": {}", origin_text(origin)));
    }
    if !types.is_empty() {
        sections.push(format!("  \"types\": [\n{}\n  ]", types.iter().map(type_text).collect::<Vec<_>>().join(",\n")));
    }
    if !enums.is_empty() {
        sections.push(format!("  \"enums\": [\n{}\n  ]", enums.iter().map(enum_text).collect::<Vec<_>>().join(",\n")));
    }
    format!("{{\n{}\n}}\n", sections.join(",\n"))
}

fn origin_text(origin: &MetadataOrigin) -> String {
    let MetadataOrigin { file, sha256 } = origin;
    format!("{{\"file\": {}, \"sha256\": {}}}", quote(file), quote(sha256))
}

fn type_text(ty: &TypeDef) -> String {
    let TypeDef { name, kind, base, is_abstract, polymorphic, open, root, stub, odata_type, description, properties } =
        ty;
    let kind = match kind {
        TypeKind::Entity => "entity",
        TypeKind::Complex => "complex",
    };
    let mut keys = vec![format!("\"name\": {}", quote(name)), format!("\"kind\": \"{kind}\"")];
    if let Some(base) = base {
        keys.push(format!("\"base\": {}", quote(base)));
    }
    for (on, key) in
        [(*is_abstract, "abstract"), (*polymorphic, "polymorphic"), (*open, "open"), (*root, "root"), (*stub, "stub")]
    {
        if on {
            keys.push(format!("\"{key}\": true"));
        }
    }
    keys.push(format!("\"odataType\": {}", quote(odata_type)));
    if let Some(description) = description {
        keys.push(format!("\"description\": {}", quote(description)));
    }
    let properties: Vec<String> = properties.iter().map(|it| format!("        {}", property_text(it))).collect();
    keys.push(list("properties", &properties));
    block(&keys)
}

fn property_text(property: &PropertyDef) -> String {
    let PropertyDef { name, type_name, collection, nullable, navigation, description, sensitive } = property;
    let mut text = format!("{{\"name\": {}, \"type\": {}", quote(name), quote(type_name));
    if *collection {
        text.push_str(", \"collection\": true");
    }
    if !nullable {
        text.push_str(", \"nullable\": false");
    }
    if *navigation {
        text.push_str(", \"navigation\": true");
    }
    if *sensitive {
        text.push_str(", \"sensitive\": true");
    }
    if let Some(description) = description {
        let _ = write!(text, ", \"description\": {}", quote(description));
    }
    text.push('}');
    text
}

fn enum_text(en: &EnumDef) -> String {
    let EnumDef { name, flags, description, members } = en;
    let mut keys = vec![format!("\"name\": {}", quote(name))];
    if *flags {
        keys.push("\"flags\": true".to_owned());
    }
    if let Some(description) = description {
        keys.push(format!("\"description\": {}", quote(description)));
    }
    let members: Vec<String> = members
        .iter()
        .map(|MemberDef { name, description }| match description {
            Some(description) => {
                format!("        {{\"name\": {}, \"description\": {}}}", quote(name), quote(description))
            }
            None => format!("        {{\"name\": {}}}", quote(name)),
        })
        .collect();
    keys.push(list("members", &members));
    block(&keys)
}

/// `"key": [...]` with one entry per line, or `[]`.
fn list(key: &str, entries: &[String]) -> String {
    if entries.is_empty() {
        format!("\"{key}\": []")
    } else {
        format!("\"{key}\": [\n{}\n      ]", entries.join(",\n"))
    }
}

/// An object of a `types` or `enums` list: `keys` one per line.
fn block(keys: &[String]) -> String {
    let keys: Vec<String> = keys.iter().map(|it| format!("      {it}")).collect();
    format!("    {{\n{}\n    }}", keys.join(",\n"))
}

/// A JSON string literal.
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}
