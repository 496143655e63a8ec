//! IR: everything `emit` needs and nothing it must decide. Plain data, sorted by `lower`.

use crate::error::Origin;
use crate::names::Name;

/// The whole generated crate content.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Every generated item, sorted by Rust name.
    pub items: Vec<Item>,
    /// Where the schema came from, recorded in the generated code.
    pub provenance: Provenance,
    /// The properties that hold one member of an enum with evolvable members, sorted by property
    /// then members.
    pub evolvable: Vec<EvolvableProperty>,
}

/// A property (by JSON name) that holds one member of an enum that declares members after
/// `unknownFutureValue`: what a server downgrades for requests without
/// `Prefer: include-unknown-enum-members`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EvolvableProperty {
    /// The JSON property name.
    pub property: String,
    /// The evolvable members, by wire name, in declared order.
    pub members: Vec<String>,
}

/// What the generated code says about its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The SHA-256 of the schema files (names and texts, in name order), in hex.
    pub schema_sha256: String,
    /// The metadata file the schema was imported from and its SHA-256, if it was imported.
    pub metadata: Option<(String, String)>,
}

/// One generated type.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The Rust type name and the Graph name it came from.
    pub name: Name,
    /// Doc lines.
    pub docs: Docs,
    /// What kind of Rust item it becomes.
    pub kind: ItemKind,
    /// Where the schema declares it, for errors found after lowering.
    pub origin: Origin,
}

/// The shape of a generated type.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// A struct with one field per property and a map of undeclared ones.
    Struct(Struct),
    /// A string enum with a fallback variant.
    Enum(Enum),
    /// An enum over the concrete subtypes of a polymorphic type, chosen by `@odata.type`.
    Union(Union),
}

/// A struct: declared fields (inherited first) and the additional-properties map.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Fields in declared order, root base first.
    pub fields: Vec<Field>,
    /// The field that keeps undeclared properties.
    pub additional: Name,
    /// What a payload error says was expected: ``a `chatMessage` object``.
    pub expecting: String,
    /// A field is sensitive, so `Debug` is written out instead of derived.
    pub redacted_debug: bool,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust field name and the JSON property name.
    pub name: Name,
    /// Doc lines.
    pub docs: Docs,
    /// The value type inside `Property<...>`.
    pub ty: Ty,
    /// Held in a `Box`: a large struct that is often `null` would otherwise make every holder large.
    pub boxed: bool,
    /// Whether the metadata allows `null`; `Property` keeps `null` either way, so only the docs
    /// say it.
    pub nullable: bool,
    /// A secret: `Debug` shows only whether it is there.
    pub sensitive: bool,
    /// Where the schema declares the property.
    pub origin: Origin,
}

/// A property value type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `Edm.String`.
    String,
    /// `Edm.Boolean`.
    Bool,
    /// `Edm.Int32`.
    I32,
    /// `Edm.DateTimeOffset`, kept verbatim with typed access.
    DateTimeOffset,
    /// `Edm.Duration`, kept verbatim with typed access.
    Duration,
    /// `Edm.Binary`: base64 text.
    Binary,
    /// A generated struct, enum or union, by Rust name.
    Named(String),
    /// A set of members of a generated flags enum, by the enum's Rust name.
    Flags(String),
    /// A JSON array.
    List(Box<Ty>),
}

/// A string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Members in declared order.
    pub variants: Vec<Variant>,
    /// The variant that keeps any other string.
    pub fallback: Name,
    /// What a payload error says was expected: ``a `chatType` string``.
    pub expecting: String,
}

/// An enum member.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The Rust variant name and the member name on the wire.
    pub name: Name,
    /// Doc lines.
    pub docs: Docs,
    /// Where the schema declares the member.
    pub origin: Origin,
}

/// An enum over the concrete types a polymorphic type's payloads may have.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// One variant per concrete type, the base type first when it is concrete, then by name.
    pub variants: Vec<UnionVariant>,
    /// The index of the variant chosen when `@odata.type` is absent: the declared type's, when it
    /// is concrete; `None` chooses the fallback.
    pub untagged: Option<usize>,
    /// The variant that keeps an object of an unknown `@odata.type` (or none, for an abstract
    /// type): the struct of the properties every type of the family has, plus the rest.
    pub fallback: UnionVariant,
    /// The fields the polymorphic type itself declares (inherited ones included), which every
    /// variant's struct has: each gets an accessor on the enum.
    pub shared: Vec<Field>,
}

/// One variant of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// The Rust variant name; the wire name is the Graph type name.
    pub name: Name,
    /// The Rust name of the struct it holds.
    pub ty: String,
    /// Held in a `Box`: a large variant would make the enum, and every struct holding one, large.
    pub boxed: bool,
    /// The `@odata.type` value that selects it; `None` for the fallback.
    pub discriminator: Option<String>,
    /// Whether the enum converts `From` the struct: not for a fallback that holds the declared
    /// type's struct, which converts to the declared type's variant.
    pub converts_from: bool,
    /// Doc lines.
    pub docs: Docs,
}

/// Documentation, one entry per line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Docs(pub Vec<String>);
