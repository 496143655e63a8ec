//! The one place that knows how Graph names become Rust names: casing (heck), keywords and the
//! names the generator reserves for itself.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// A valid Rust identifier and the JSON name it came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Name {
    /// The identifier as written in Rust source, possibly raw (`r#type`).
    pub rust: String,
    /// The name on the wire.
    pub wire: String,
}

/// The catch-all variant of every generated enum: a value or object the schema does not know.
pub const FALLBACK_VARIANT: &str = "Other";

/// The field of every generated struct that keeps undeclared properties.
pub const ADDITIONAL_PROPERTIES: &str = "additional_properties";

/// Methods every polymorphic enum has, which an accessor of a shared property must not shadow.
pub const UNION_METHODS: &[&str] = &["odata_type", "additional_properties", "additional_properties_mut"];

/// Names of the hand-written items of `graph-models` that generated types must not take.
pub const RESERVED_TYPE_NAMES: &[&str] =
    &["Property", "DateTimeOffset", "Duration", "Flags", "Page", "AdditionalProperties", "DecodeError", "Provenance"];

/// Whether `sanitize` found nothing to keep in the wire name (`""`, `"日本語"`, `"---"`).
pub fn is_placeholder(name: &Name) -> bool {
    name.rust.trim_start_matches("r#").chars().all(|it| it == '_')
}

/// `chatMessage` → `ChatMessage`.
pub fn type_name(wire: &str) -> Name {
    Name { rust: sanitize(wire.to_upper_camel_case()), wire: wire.to_owned() }
}

/// The struct holding the own shape of a non-abstract polymorphic type, whose Graph name goes to
/// the enum over its subtypes: `identity` → `IdentityBase`.
pub fn base_struct_name(wire: &str) -> Name {
    Name { rust: sanitize(format!("{}Base", wire.to_upper_camel_case())), wire: wire.to_owned() }
}

/// `createdDateTime` → `created_date_time`, `type` → `r#type`, `self` → `self_`.
pub fn field_name(wire: &str) -> Name {
    Name { rust: sanitize(wire.to_snake_case()), wire: wire.to_owned() }
}

/// `oneOnOne` → `OneOnOne`, `Self` → `Self_`.
pub fn variant_name(wire: &str) -> Name {
    type_name(wire)
}

/// Makes `candidate` a valid identifier: keywords become raw identifiers, the few that cannot be
/// raw get a `_` suffix, a leading digit gets a `_` prefix, characters outside ASCII are dropped and an empty name becomes `_`.
fn sanitize(candidate: String) -> String {
    let mut ident: String = candidate.chars().filter(|it| it.is_ascii_alphanumeric() || *it == '_').collect();
    if ident.is_empty() || ident.starts_with(|it: char| it.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    if ident == "_" {
        return ident;
    }
    if NOT_RAW.contains(&ident.as_str()) {
        ident.push('_');
    } else if KEYWORDS.contains(&ident.as_str()) {
        ident.insert_str(0, "r#");
    }
    ident
}

/// Keywords that `r#` cannot escape.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "extern"];

/// Strict and reserved keywords of Rust 2021, and `gen` for 2024.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "false", "fn", "for", "if", "impl",
    "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "true",
    "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro", "override",
    "priv", "try", "typeof", "unsized", "virtual", "yield",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cover_the_edge_cases() {
        let fields: Vec<_> =
            ["type", "self", "@odata.type", "2fa", "URLs", "createdDateTime", "callTranscriptICalUid", "", "ßtraße"]
                .iter()
                .map(|it| field_name(it).rust)
                .collect();
        assert_eq!(
            fields,
            [
                "r#type",
                "self_",
                "odata_type",
                "_2fa",
                "ur_ls",
                "created_date_time",
                "call_transcript_i_cal_uid",
                "_",
                "trae"
            ]
        );
        let types: Vec<_> = ["chatMessage", "Self", "microsoft.graph.callRecords.userIdentity", "oneOnOne"]
            .iter()
            .map(|it| type_name(it).rust)
            .collect();
        assert_eq!(types, ["ChatMessage", "Self_", "MicrosoftGraphCallRecordsUserIdentity", "OneOnOne"]);
        assert_eq!(base_struct_name("identity").rust, "IdentityBase");
    }
}
