//! Property tests of the generator on random schemas.
//!
//! - A random *valid* schema (small, built to be valid, with keyword, digit and non-ASCII names,
//!   inheritance, polymorphism, enums and odd descriptions, spread over one to three files)
//!   generates code that `syn` parses, with exactly the items the schema declares, whatever the
//!   file order. Compiling it would be too slow for CI.
//! - The same schema made invalid in a random way (unknown references, duplicates, inheritance
//!   cycles, Rust-name collisions after casing, keywords, reserved names, abstract references,
//!   self-containing types, bad JSON, wrong JSON types) is an error, never a panic and never
//!   code; each error is located in one of the files and reads as a lowercase message.
//!
//! `PROPTEST_CASES` overrides the number of cases per property (256 by default; a quarter of that
//! for valid schemas, each of which is generated, formatted and parsed).

use codegen::layout;
use codegen::names;
use codegen::schema::{EnumDef, FileContent, MemberDef, PropertyDef, TypeDef, TypeKind};
use heck::{ToKebabCase, ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const CASES: u32 = 256;

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|it| it.parse().ok()).unwrap_or(CASES);
    Config { cases, failure_persistence: None, ..Config::default() }
}

const PRIMITIVES: &[&str] = &["String", "Boolean", "Int32", "DateTimeOffset", "Duration", "Binary"];
const FILE_NAMES: &[&str] = &["schema/a.json", "schema/b.json", "schema/c.json"];

/// Type and enum names: distinct Rust names, keywords, a leading digit, non-ASCII letters.
const TYPE_NAMES: &[&str] = &[
    "alpha",
    "bravoCharlie",
    "delta",
    "echoFoxtrot",
    "type",
    "self",
    "match",
    "async",
    "golf",
    "hotelIndia",
    "2fa",
    "juliet",
    "kiloLima",
    "mike",
    "ßtraße",
    "novemberOscar",
];

/// Property names, each used at most once per schema so that no type inherits a duplicate.
const PROPERTY_NAMES: &[&str] = &[
    "type",
    "self",
    "match",
    "crate",
    "gen",
    "displayName",
    "createdDateTime",
    "2fa",
    "URLs",
    "callTranscriptICalUid",
    "ßtraße",
    "id",
    "value",
    "loop",
    "yield",
    "box",
];

/// Enum member names.
const MEMBER_NAMES: &[&str] = &[
    "text",
    "html",
    "oneOnOne",
    "group",
    "unknownFutureValue",
    "self",
    "type",
    "2fa",
    "none",
    "ßtraße",
    "evolvableOne",
    "chatEvent",
];

// ---------------------------------------------------------------------------------------------
// A schema, as the test builds and mutates it before writing it as JSON files: the generator's
// own declarations, each placed in one of the files.

/// A declaration and the file it is written to.
#[derive(Debug, Clone)]
struct Placed<T> {
    file: usize,
    def: T,
}

impl<T> std::ops::Deref for Placed<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.def
    }
}

impl<T> std::ops::DerefMut for Placed<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.def
    }
}

#[derive(Debug, Clone, Default)]
struct Schema {
    types: Vec<Placed<TypeDef>>,
    enums: Vec<Placed<EnumDef>>,
    files: usize,
}

impl Schema {
    fn type_index(&self, name: &str) -> Option<usize> {
        self.types.iter().position(|it| it.name == name)
    }

    fn is_declared(&self, name: &str) -> bool {
        self.types.iter().any(|it| it.name == name) || self.enums.iter().any(|it| it.name == name)
    }

    /// The type and its bases, root first (stops at an unknown base or a cycle).
    fn chain(&self, index: usize) -> Vec<usize> {
        let mut chain = vec![index];
        while let Some(base) = self.types[*chain.last().unwrap()].base.as_deref().and_then(|it| self.type_index(it)) {
            if chain.contains(&base) {
                break;
            }
            chain.push(base);
        }
        chain.reverse();
        chain
    }

    /// Whether a generated item carries the type's fields (a struct, or a union's accessors).
    fn has_item(&self, index: usize) -> bool {
        !self.types[index].is_abstract || self.types[index].polymorphic
    }

    /// A type that the generator turns into an item, or `None`.
    fn pick_with_item(&self, at: Index) -> Option<usize> {
        let candidates: Vec<usize> = (0..self.types.len()).filter(|it| self.has_item(*it)).collect();
        (!candidates.is_empty()).then(|| candidates[at.index(candidates.len())])
    }

    fn ensure_enum(&mut self, at: Index) -> usize {
        if self.enums.is_empty() {
            self.enums.push(plain_enum("addedEnum", &["one"]));
        }
        at.index(self.enums.len())
    }

    fn ensure_property(&mut self, ty: usize, at: Index) -> usize {
        if self.types[ty].properties.is_empty() {
            self.types[ty].properties.push(string_property("addedProperty"));
        }
        at.index(self.types[ty].properties.len())
    }

    /// One JSON document per file, declarations in order, in the layout `codegen import` writes.
    fn render(&self) -> Vec<Value> {
        (0..self.files)
            .map(|file| {
                let content = FileContent {
                    json_schema: None,
                    types: self.types.iter().filter(|it| it.file == file).map(|it| it.def.clone()).collect(),
                    enums: self.enums.iter().filter(|it| it.file == file).map(|it| it.def.clone()).collect(),
                    origin: None,
                };
                serde_json::from_str(&layout::to_text(&content)).expect("the house layout is JSON")
            })
            .collect()
    }
}

fn plain_type(name: &str) -> Placed<TypeDef> {
    let def = TypeDef {
        name: name.to_owned(),
        kind: TypeKind::Complex,
        base: None,
        is_abstract: false,
        polymorphic: false,
        open: false,
        root: false,
        stub: false,
        odata_type: format!("#microsoft.graph.{name}"),
        description: Some("added by a mutation".to_owned()),
        properties: Vec::new(),
    };
    Placed { file: 0, def }
}

fn plain_enum(name: &str, members: &[&str]) -> Placed<EnumDef> {
    let def = EnumDef {
        name: name.to_owned(),
        flags: false,
        description: Some("added by a mutation".to_owned()),
        members: members.iter().map(|it| member(it)).collect(),
    };
    Placed { file: 0, def }
}

fn member(name: &str) -> MemberDef {
    MemberDef { name: name.to_owned(), description: None }
}

fn string_property(name: &str) -> PropertyDef {
    typed_property(name, "String")
}

fn typed_property(name: &str, ty: &str) -> PropertyDef {
    PropertyDef {
        name: name.to_owned(),
        type_name: ty.to_owned(),
        collection: false,
        nullable: true,
        navigation: false,
        description: None,
        sensitive: false,
    }
}

// ---------------------------------------------------------------------------------------------
// Random valid schemas.
//
// Types come in two tiers so that no struct can contain itself: *leaf* types have only primitive
// and enum properties and derive from leaf types; *composite* types derive from composite types
// and hold leaf types inline, any type through a collection. Abstract non-polymorphic types are
// only bases, never property types; an abstract polymorphic type with no concrete subtype is made
// concrete.

#[derive(Debug, Clone)]
struct TypeChoice {
    base: Option<Index>,
    polymorphic: bool,
    is_abstract: bool,
    entity: bool,
    open: bool,
    description: String,
    properties: Vec<PropertyChoice>,
}

#[derive(Debug, Clone)]
struct PropertyChoice {
    target: Index,
    collection: bool,
    nullable: bool,
    navigation: bool,
    description: Option<String>,
}

#[derive(Debug, Clone)]
struct EnumChoice {
    flags: bool,
    members: Vec<Index>,
    description: String,
}

#[derive(Debug, Clone)]
struct Blueprint {
    leaves: Vec<TypeChoice>,
    composites: Vec<TypeChoice>,
    enums: Vec<EnumChoice>,
    type_names: Vec<&'static str>,
    property_names: Vec<&'static str>,
    files: usize,
    placement: Vec<Index>,
}

/// Descriptions end up in doc attributes: quotes, backslashes, comment markers, newlines,
/// unicode, NUL.
fn description() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[a-zA-Z ,.`]{0,20}",
        1 => prop::sample::select(vec![
            "",
            "quotes \" and \\ backslashes",
            "*/ /* // comment markers",
            "line\nbreak",
            "windows\r\nline breaks",
            "tab\there",
            "unicode ü 日本 😀 \u{202e}",
            "[link](x) <b>bold</b> #[doc]",
            "nul \u{0} inside",
            "r#\"raw\"# and {braces} and {{}}",
        ])
        .prop_map(str::to_owned),
    ]
    .boxed()
}

fn property_choice() -> impl Strategy<Value = PropertyChoice> {
    (any::<Index>(), any::<bool>(), any::<bool>(), any::<bool>(), prop::option::of(description())).prop_map(
        |(target, collection, nullable, navigation, description)| PropertyChoice {
            target,
            collection,
            nullable,
            navigation,
            description,
        },
    )
}

fn type_choice() -> impl Strategy<Value = TypeChoice> {
    (
        prop::option::of(any::<Index>()),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        description(),
        prop::collection::vec(property_choice(), 0..4),
    )
        .prop_map(|(base, polymorphic, is_abstract, entity, open, description, properties)| TypeChoice {
            base,
            polymorphic,
            is_abstract,
            entity,
            open,
            description,
            properties,
        })
}

fn enum_choice() -> impl Strategy<Value = EnumChoice> {
    (any::<bool>(), prop::collection::vec(any::<Index>(), 1..5), description())
        .prop_map(|(flags, members, description)| EnumChoice { flags, members, description })
}

fn blueprint() -> impl Strategy<Value = Blueprint> {
    (
        prop::collection::vec(type_choice(), 1..4),
        prop::collection::vec(type_choice(), 0..4),
        prop::collection::vec(enum_choice(), 0..3),
        Just(TYPE_NAMES.to_vec()).prop_shuffle(),
        Just(PROPERTY_NAMES.to_vec()).prop_shuffle(),
        1usize..=3,
        prop::collection::vec(any::<Index>(), 10),
    )
        .prop_map(|(leaves, composites, enums, type_names, property_names, files, placement)| Blueprint {
            leaves,
            composites,
            enums,
            type_names,
            property_names,
            files,
            placement,
        })
}

fn build(blueprint: &Blueprint) -> Schema {
    let mut type_names = blueprint.type_names.iter();
    let mut property_names =
        blueprint.property_names.iter().map(|it| (*it).to_owned()).chain((0..).map(|n| format!("extra{n}")));
    let mut placement = blueprint.placement.iter().cycle();
    let mut file = || placement.next().unwrap().index(blueprint.files);
    let mut schema = Schema { files: blueprint.files, ..Schema::default() };
    for choice in &blueprint.enums {
        let mut members: Vec<MemberDef> = Vec::new();
        for index in &choice.members {
            let name = MEMBER_NAMES[index.index(MEMBER_NAMES.len())];
            if !members.iter().any(|it| it.name == name) {
                members.push(member(name));
            }
        }
        let def = EnumDef {
            name: (*type_names.next().unwrap()).to_owned(),
            flags: choice.flags,
            description: Some(choice.description.clone()),
            members,
        };
        schema.enums.push(Placed { file: file(), def });
    }
    // Names, bases and flags first; properties once it is known which types can be referenced.
    let tiers = [(0, &blueprint.leaves), (blueprint.leaves.len(), &blueprint.composites)];
    for (first, choices) in tiers {
        for (offset, choice) in choices.iter().enumerate() {
            let base = match choice.base {
                Some(at) if offset > 0 => Some(schema.types[first + at.index(offset)].name.clone()),
                _ => None,
            };
            let name = (*type_names.next().unwrap()).to_owned();
            let def = TypeDef {
                odata_type: format!("#microsoft.graph.{name}"),
                name,
                kind: if choice.entity { TypeKind::Entity } else { TypeKind::Complex },
                base,
                is_abstract: choice.is_abstract,
                polymorphic: choice.polymorphic,
                open: choice.open,
                root: false,
                stub: false,
                description: Some(choice.description.clone()),
                properties: Vec::new(),
            };
            schema.types.push(Placed { file: file(), def });
        }
    }
    for index in 0..schema.types.len() {
        let ty = &schema.types[index];
        if ty.is_abstract && ty.polymorphic {
            let has_concrete = (0..schema.types.len()).any(|other| {
                other != index && !schema.types[other].is_abstract && schema.chain(other).contains(&index)
            });
            if !has_concrete {
                schema.types[index].is_abstract = false;
            }
        }
    }
    let referenceable = |schema: &Schema, range: std::ops::Range<usize>| -> Vec<String> {
        range
            .filter(|it| !schema.types[*it].is_abstract || schema.types[*it].polymorphic)
            .map(|it| schema.types[it].name.clone())
            .collect()
    };
    let scalars: Vec<String> =
        PRIMITIVES.iter().map(|it| (*it).to_owned()).chain(schema.enums.iter().map(|it| it.name.clone())).collect();
    let leaves = referenceable(&schema, 0..blueprint.leaves.len());
    let composites = referenceable(&schema, blueprint.leaves.len()..schema.types.len());
    for (index, choice) in blueprint.leaves.iter().chain(&blueprint.composites).enumerate() {
        let is_leaf = index < blueprint.leaves.len();
        let mut targets: Vec<(String, bool)> = scalars.iter().map(|it| (it.clone(), false)).collect();
        if !is_leaf {
            targets.extend(leaves.iter().map(|it| (it.clone(), false)));
            targets.extend(composites.iter().map(|it| (it.clone(), true)));
        }
        for property in &choice.properties {
            let (ty, must_be_collection) = targets[property.target.index(targets.len())].clone();
            schema.types[index].properties.push(PropertyDef {
                name: property_names.next().unwrap(),
                type_name: ty,
                collection: property.collection || must_be_collection,
                nullable: property.nullable,
                navigation: property.navigation,
                description: property.description.clone(),
                sensitive: false,
            });
        }
    }
    schema
}

// ---------------------------------------------------------------------------------------------
// Ways to make a valid schema invalid.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    UnknownType,
    UnknownBase,
    BaseIsEnum,
    DuplicateDeclaration,
    PrimitiveName,
    DuplicateProperty,
    DuplicateMember,
    EmptyEnum,
    InheritanceCycle,
    TypeNameCollision,
    PropertyNameCollision,
    MemberNameCollision,
    ReservedName,
    KeywordCollision,
    AbstractReference,
    SelfContaining,
    PolymorphicWithoutConcreteType,
    WrongJsonType,
    BadJson,
    EmptyName,
    NonAsciiName,
    VariantNamedLikeTheFallback,
    ArrayFile,
}

impl Kind {
    const REPORTED: &'static [Kind] = &[
        Kind::UnknownType,
        Kind::UnknownBase,
        Kind::BaseIsEnum,
        Kind::DuplicateDeclaration,
        Kind::PrimitiveName,
        Kind::DuplicateProperty,
        Kind::DuplicateMember,
        Kind::EmptyEnum,
        Kind::InheritanceCycle,
        Kind::TypeNameCollision,
        Kind::PropertyNameCollision,
        Kind::MemberNameCollision,
        Kind::ReservedName,
        Kind::KeywordCollision,
        Kind::AbstractReference,
        Kind::SelfContaining,
        Kind::PolymorphicWithoutConcreteType,
        Kind::WrongJsonType,
        Kind::BadJson,
        Kind::EmptyName,
        Kind::NonAsciiName,
        Kind::VariantNamedLikeTheFallback,
        Kind::ArrayFile,
    ];

    /// Some error message contains one of these (empty: any message will do).
    fn expected(self) -> &'static [&'static str] {
        match self {
            Kind::UnknownType => &["unknown type `unknownThing`"],
            Kind::UnknownBase => &["unknown base type `missingBase`"],
            Kind::BaseIsEnum => &["is an enum, expected a type"],
            Kind::DuplicateDeclaration => &["is already declared at"],
            Kind::PrimitiveName => &["is a primitive type and cannot be redeclared"],
            Kind::DuplicateProperty => &["is declared twice", "is already inherited from"],
            Kind::DuplicateMember => &["is declared twice"],
            Kind::EmptyEnum => &["has no members"],
            Kind::InheritanceCycle => &["inheritance cycle"],
            Kind::TypeNameCollision | Kind::KeywordCollision => &["Rust name"],
            Kind::PropertyNameCollision | Kind::MemberNameCollision => &["becomes Rust name"],
            Kind::ReservedName => &["is taken by a hand-written type", "becomes Rust name"],
            Kind::AbstractReference => &["is abstract and not polymorphic"],
            Kind::SelfContaining => &["contains itself"],
            Kind::PolymorphicWithoutConcreteType => &["has no concrete type to choose"],
            Kind::WrongJsonType => {
                &["invalid type", "unknown variant", "missing field", "unknown field", "expected a JSON object"]
            }
            Kind::BadJson
            | Kind::EmptyName
            | Kind::NonAsciiName
            | Kind::VariantNamedLikeTheFallback
            | Kind::ArrayFile => &[],
        }
    }
}

#[derive(Debug, Clone)]
struct Mutation {
    kind: Kind,
    a: Index,
    b: Index,
}

fn mutation_of(kinds: &'static [Kind]) -> impl Strategy<Value = Mutation> {
    (prop::sample::select(kinds), any::<Index>(), any::<Index>()).prop_map(|(kind, a, b)| Mutation { kind, a, b })
}

/// A name that maps to the same Rust name as `name` under `rust`, and is not `name` itself nor
/// rejected by `taken`.
fn casing_variant(name: &str, rust: impl Fn(&str) -> String, taken: impl Fn(&str) -> bool) -> String {
    let candidates = [
        name.to_upper_camel_case(),
        name.to_snake_case(),
        name.to_lower_camel_case(),
        name.to_kebab_case(),
        format!("_{name}"),
        format!("{name}_"),
    ];
    candidates
        .into_iter()
        .find(|it| it != name && !taken(it) && rust(it) == rust(name))
        .unwrap_or_else(|| panic!("no casing variant of `{name}` collides"))
}

/// Applies a mutation that works on the declarations; the JSON and text ones come later.
fn mutate(schema: &mut Schema, mutation: &Mutation) {
    let Mutation { kind, a, b } = mutation.clone();
    let any_type = |schema: &Schema| a.index(schema.types.len());
    match kind {
        Kind::UnknownType => {
            let ty = any_type(schema);
            let property = schema.ensure_property(ty, b);
            schema.types[ty].properties[property].type_name = "unknownThing".to_owned();
        }
        Kind::UnknownBase => {
            let ty = any_type(schema);
            schema.types[ty].base = Some("missingBase".to_owned());
        }
        Kind::BaseIsEnum => {
            let en = schema.ensure_enum(b);
            let ty = any_type(schema);
            schema.types[ty].base = Some(schema.enums[en].name.clone());
        }
        Kind::DuplicateDeclaration => {
            let file = b.index(schema.files);
            let at = a.index(schema.types.len() + schema.enums.len());
            if at < schema.types.len() {
                let copy = Placed { file, def: schema.types[at].def.clone() };
                schema.types.push(copy);
            } else {
                let copy = Placed { file, def: schema.enums[at - schema.types.len()].def.clone() };
                schema.enums.push(copy);
            }
        }
        Kind::PrimitiveName => {
            let name = PRIMITIVES[a.index(PRIMITIVES.len())];
            if b.index(2) == 0 {
                schema.types.push(plain_type(name));
            } else {
                schema.enums.push(plain_enum(name, &["one"]));
            }
        }
        Kind::DuplicateProperty => {
            let ty = any_type(schema);
            let chain = schema.chain(ty);
            let inherited: Vec<PropertyDef> =
                chain[..chain.len() - 1].iter().flat_map(|it| schema.types[*it].properties.clone()).collect();
            if b.index(2) == 0 && !inherited.is_empty() {
                schema.types[ty].properties.push(inherited[b.index(inherited.len())].clone());
            } else {
                let property = schema.ensure_property(ty, b);
                let copy = schema.types[ty].properties[property].clone();
                schema.types[ty].properties.push(copy);
            }
        }
        Kind::DuplicateMember => {
            let en = schema.ensure_enum(a);
            let members = &mut schema.enums[en].members;
            if members.is_empty() {
                members.push(member("one"));
            }
            let copy = members[b.index(members.len())].clone();
            members.push(copy);
        }
        Kind::EmptyEnum => {
            let en = schema.ensure_enum(a);
            schema.enums[en].members.clear();
        }
        Kind::InheritanceCycle => {
            let length = 1 + b.index(3);
            while schema.types.len() < length {
                let name = format!("cycle{}", schema.types.len());
                schema.types.push(plain_type(&name));
            }
            let start = any_type(schema);
            let members: Vec<usize> = (0..length).map(|it| (start + it) % schema.types.len()).collect();
            for (position, ty) in members.iter().enumerate() {
                let next = members[(position + 1) % length];
                schema.types[*ty].base = Some(schema.types[next].name.clone());
            }
        }
        Kind::TypeNameCollision => {
            let mut named: Vec<String> = (0..schema.types.len())
                .filter(|it| schema.has_item(*it))
                .map(|it| schema.types[it].name.clone())
                .collect();
            named.extend(schema.enums.iter().map(|it| it.name.clone()));
            if named.is_empty() {
                schema.types.push(plain_type("holder"));
                named.push("holder".to_owned());
            }
            let name = &named[a.index(named.len())];
            let variant = casing_variant(name, |it| names::type_name(it).rust, |it| schema.is_declared(it));
            schema.types.push(plain_type(&variant));
        }
        Kind::PropertyNameCollision => {
            let ty = schema.pick_with_item(a).unwrap_or_else(|| {
                schema.types.push(plain_type("holder"));
                schema.types.len() - 1
            });
            let property = schema.ensure_property(ty, b);
            let name = schema.types[ty].properties[property].name.clone();
            let in_chain: Vec<String> = schema
                .chain(ty)
                .iter()
                .flat_map(|it| schema.types[*it].properties.iter().map(|p| p.name.clone()))
                .collect();
            let variant = casing_variant(&name, |it| names::field_name(it).rust, |it| in_chain.iter().any(|p| p == it));
            schema.types[ty].properties.push(string_property(&variant));
        }
        Kind::MemberNameCollision => {
            let en = schema.ensure_enum(a);
            let members = &mut schema.enums[en].members;
            if members.is_empty() || b.index(3) == 0 {
                members.push(member("other"));
            } else {
                let name = members[b.index(members.len())].name.clone();
                let variant =
                    casing_variant(&name, |it| names::variant_name(it).rust, |it| members.iter().any(|m| m.name == it));
                members.push(member(&variant));
            }
        }
        Kind::ReservedName => match b.index(3) {
            0 => {
                let reserved =
                    ["page", "property", "flags", "duration", "dateTimeOffset", "additionalProperties", "decodeError"];
                schema.types.push(plain_type(reserved[a.index(reserved.len())]));
            }
            1 => {
                let ty = schema.pick_with_item(a).unwrap_or_else(|| {
                    schema.types.push(plain_type("holder"));
                    schema.types.len() - 1
                });
                schema.types[ty].properties.push(string_property("additionalProperties"));
            }
            _ => {
                let mut holder = plain_type("reservedHolder");
                holder.polymorphic = true;
                holder.properties.push(string_property("odataType"));
                schema.types.push(holder);
            }
        },
        Kind::KeywordCollision => {
            if b.index(2) == 0 {
                // Neither name is in the pool, so both are new; both become `Self_`.
                let pairs = [("Self", "self_"), ("SELF", "Self")];
                let (first, second) = pairs[a.index(pairs.len())];
                schema.types.extend([plain_type(first), plain_type(second)]);
            } else {
                let ty = schema.pick_with_item(a).unwrap_or_else(|| {
                    schema.types.push(plain_type("holder"));
                    schema.types.len() - 1
                });
                let pairs = [("super", "Super"), ("extern", "extern_"), ("Self", "self_")];
                let (first, second) = pairs[b.index(pairs.len())];
                schema.types[ty].properties.push(string_property(first));
                schema.types[ty].properties.push(string_property(second));
            }
        }
        Kind::AbstractReference => {
            let ty = any_type(schema);
            let mut target = plain_type("abstractThing");
            target.is_abstract = true;
            schema.types.push(target);
            let mut property = typed_property("abstractReference", "abstractThing");
            property.collection = b.index(2) == 0;
            schema.types[ty].properties.push(property);
        }
        Kind::SelfContaining => match b.index(3) {
            0 => {
                let mut ty = plain_type("ouroboros");
                ty.properties.push(typed_property("me", "ouroboros"));
                schema.types.push(ty);
            }
            1 => {
                let mut first = plain_type("loopA");
                first.properties.push(typed_property("b", "loopB"));
                let mut second = plain_type("loopB");
                second.properties.push(typed_property("a", "loopA"));
                schema.types.extend([first, second]);
            }
            _ => {
                let mut parent = plain_type("nest");
                parent.polymorphic = true;
                let mut child = plain_type("nestChild");
                child.base = Some("nest".to_owned());
                child.properties.push(typed_property("parent", "nest"));
                schema.types.extend([parent, child]);
            }
        },
        Kind::PolymorphicWithoutConcreteType => {
            let mut ty = plain_type("nothingConcrete");
            ty.is_abstract = true;
            ty.polymorphic = true;
            schema.types.push(ty);
        }
        Kind::EmptyName | Kind::NonAsciiName => {
            let weird = ["日本語", "😀", "ü", "---", "Ω", "__"];
            let name = if kind == Kind::EmptyName { "" } else { weird[b.index(weird.len())] };
            match a.index(4) {
                0 => schema.types.push(plain_type(name)),
                1 => schema.enums.push(plain_enum(name, &["one"])),
                2 => schema.enums.push(plain_enum("weirdMember", &[name])),
                _ => {
                    let mut holder = plain_type("weirdProperty");
                    holder.properties.push(string_property(name));
                    schema.types.push(holder);
                }
            }
        }
        Kind::VariantNamedLikeTheFallback => {
            let mut family = plain_type("family");
            family.polymorphic = true;
            let mut other = plain_type("other");
            other.base = Some("family".to_owned());
            schema.types.extend([family, other]);
        }
        Kind::WrongJsonType | Kind::BadJson | Kind::ArrayFile => {}
    }
}

/// Replaces, removes or adds one key somewhere in the files so that a field has a wrong JSON
/// type, a required field is missing, or an unknown field appears.
fn mutate_json(files: &mut [Value], a: Index) {
    enum Edit {
        Set(&'static str, Value),
        Remove(&'static str),
        Whole(Value),
    }
    let mut edits: Vec<(usize, String, Edit)> = Vec::new();
    for (file, value) in files.iter().enumerate() {
        if !value.is_object() {
            continue;
        }
        let root = String::new();
        edits.push((file, root.clone(), Edit::Whole(json!("schema"))));
        edits.push((file, root.clone(), Edit::Set("types", json!({}))));
        edits.push((file, root.clone(), Edit::Set("enums", json!(5))));
        edits.push((file, root.clone(), Edit::Set("$schema", json!(5))));
        edits.push((file, root, Edit::Set("typos", json!([]))));
        for (index, ty) in value["types"].as_array().into_iter().flatten().enumerate() {
            if !ty.is_object() {
                continue;
            }
            let at = format!("/types/{index}");
            edits.push((file, at.clone(), Edit::Whole(json!("alpha"))));
            for (key, wrong) in [
                ("name", json!(5)),
                ("kind", json!("struct")),
                ("abstract", json!("yes")),
                ("polymorphic", json!(1)),
                ("properties", json!({})),
                ("odataType", Value::Null),
                ("description", json!([])),
                ("base", json!(true)),
                ("root", json!("yes")),
                ("stub", json!(0)),
                ("requried", json!(true)),
            ] {
                edits.push((file, at.clone(), Edit::Set(key, wrong)));
            }
            // A description is optional: the metadata has none, so imported types start without.
            for key in ["name", "kind", "odataType"] {
                edits.push((file, at.clone(), Edit::Remove(key)));
            }
            for (property, _) in
                ty["properties"].as_array().into_iter().flatten().enumerate().filter(|it| it.1.is_object())
            {
                let at = format!("{at}/properties/{property}");
                for (key, wrong) in [
                    ("type", json!([])),
                    ("collection", json!("true")),
                    ("nullable", json!(0)),
                    ("navigation", json!("no")),
                    ("description", json!(5)),
                    ("Name", json!("x")),
                ] {
                    edits.push((file, at.clone(), Edit::Set(key, wrong)));
                }
                edits.push((file, at.clone(), Edit::Remove("name")));
                edits.push((file, at, Edit::Remove("type")));
            }
        }
        for (index, en) in value["enums"].as_array().into_iter().flatten().enumerate() {
            if !en.is_object() {
                continue;
            }
            let at = format!("/enums/{index}");
            for (key, wrong) in
                [("members", json!("x")), ("flags", Value::Null), ("description", json!(false)), ("value", json!(1))]
            {
                edits.push((file, at.clone(), Edit::Set(key, wrong)));
            }
            for key in ["name", "members"] {
                edits.push((file, at.clone(), Edit::Remove(key)));
            }
            for (member, _) in en["members"].as_array().into_iter().flatten().enumerate().filter(|it| it.1.is_object())
            {
                let at = format!("{at}/members/{member}");
                edits.push((file, at.clone(), Edit::Whole(json!("text"))));
                edits.push((file, at.clone(), Edit::Set("name", json!(1))));
                edits.push((file, at, Edit::Set("value", json!(1))));
            }
        }
    }
    if edits.is_empty() {
        // Every file is already something else than an object.
        return;
    }
    let (file, at, edit) = edits.swap_remove(a.index(edits.len()));
    let target = files[file].pointer_mut(&at).expect("an edit of an existing place");
    match edit {
        Edit::Set(key, value) => {
            target.as_object_mut().expect("an object").insert(key.to_owned(), value);
        }
        Edit::Remove(key) => {
            target.as_object_mut().expect("an object").remove(key);
        }
        Edit::Whole(value) => *target = value,
    }
}

/// Breaks the JSON syntax of one file.
fn mutate_text(texts: &mut [String], a: Index, b: Index) {
    let text = &mut texts[a.index(texts.len())];
    let first_string = text.find("\": \"").map(|it| it + 4);
    *text = match (b.index(10), first_string) {
        (1, _) => match text.rfind('}') {
            Some(at) => format!("{},{}", &text[..at], &text[at..]),
            None => format!("{text},"),
        },
        (2, _) => format!("// a comment\n{text}"),
        (3, _) => String::new(),
        (4, _) => format!("\u{feff}{text}"),
        (5, _) => text.replacen('"', "'", 1),
        (6, _) => format!("{text}\n{{}}"),
        (7, Some(at)) => format!("{}\u{1}{}", &text[..at], &text[at..]),
        (8, Some(at)) => format!("{}\\q{}", &text[..at], &text[at..]),
        (9, Some(at)) => format!("{}\\ud800{}", &text[..at], &text[at..]),
        _ => {
            let cut = text.char_indices().map(|(at, _)| at).collect::<Vec<_>>();
            if cut.is_empty() {
                String::new()
            } else {
                text[..cut[a.index(cut.len())]].to_owned()
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Running the generator and checking what it says.

fn to_texts(files: &[Value]) -> Vec<String> {
    files.iter().map(|it| serde_json::to_string_pretty(it).unwrap()).collect()
}

/// Parses every file, as `schema::load` does, then generates.
fn generate(texts: &[String]) -> Result<String, Vec<codegen::Error>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in FILE_NAMES.iter().zip(texts) {
        match codegen::schema::parse(name, text) {
            Ok(file) => files.push(file),
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    codegen::generate_files(&files).map_err(|it| it.0)
}

/// Every error names one of the files, then either `line:column` within it or a JSON pointer
/// that exists in it; its message starts in lowercase and has no trailing period.
fn check_errors(texts: &[String], errors: &[codegen::Error]) -> Result<(), TestCaseError> {
    prop_assert!(!errors.is_empty(), "an `Err` with no errors");
    for error in errors {
        let shown = error.to_string();
        prop_assert!(shown.starts_with(&format!("{}: ", error.location)), "{shown}");
        let file = FILE_NAMES.iter().take(texts.len()).position(|it| error.location.starts_with(&format!("{it}:")));
        let Some(file) = file else {
            return Err(TestCaseError::fail(format!("not located in a file: {shown}")));
        };
        let rest = &error.location[FILE_NAMES[file].len() + 1..];
        if let Some(pointer) = rest.strip_prefix(' ') {
            let value: Value = serde_json::from_str(&texts[file]).map_err(|err| {
                TestCaseError::fail(format!("a pointer into a file that does not parse ({err}): {shown}"))
            })?;
            let found = if pointer == "/" { Some(&value) } else { value.pointer(pointer) };
            prop_assert!(found.is_some(), "the pointer of `{}` is not in the file", shown);
        } else {
            let numbers: Vec<usize> = rest.split(':').filter_map(|it| it.parse().ok()).collect();
            prop_assert!(
                numbers.len() == 2 && rest.split(':').count() == 2,
                "neither pointer nor line:column: {shown}"
            );
            prop_assert!(numbers[0] <= texts[file].lines().count() + 1, "line out of the file: {shown}");
        }
        let first_word = error.message.split([' ', ':']).next().unwrap_or_default();
        // "EOF" comes from serde_json's own messages.
        let lowercase = error.message.starts_with(|it: char| !it.is_uppercase()) || ["EOF"].contains(&first_word);
        prop_assert!(lowercase && !error.message.is_empty(), "not a lowercase message: {shown}");
        prop_assert!(!error.message.ends_with('.'), "a message ends with a period: {shown}");
    }
    Ok(())
}

/// Applies the mutations, generates, and checks that the result is located errors.
fn generate_invalid(
    blueprint: &Blueprint,
    mutations: &[Mutation],
) -> Result<(Vec<String>, Vec<codegen::Error>), TestCaseError> {
    let mut schema = build(blueprint);
    for mutation in mutations {
        mutate(&mut schema, mutation);
    }
    let mut files = schema.render();
    for mutation in mutations {
        match mutation.kind {
            Kind::WrongJsonType => mutate_json(&mut files, mutation.a),
            // serde reads a struct from a sequence of its fields, all of which have defaults here.
            Kind::ArrayFile => {
                let file = mutation.a.index(files.len());
                files[file] = json!([]);
            }
            _ => {}
        }
    }
    let mut texts = to_texts(&files);
    for mutation in mutations.iter().filter(|it| it.kind == Kind::BadJson) {
        mutate_text(&mut texts, mutation.a, mutation.b);
    }
    match generate(&texts) {
        // A cut of the text can leave valid JSON again (`{}`), without the part another mutation
        // made invalid: then nothing invalid is left to report.
        Ok(_) if mutations.iter().any(|it| it.kind == Kind::BadJson) => {
            Err(TestCaseError::reject("the text mutations left a valid schema"))
        }
        Ok(code) => Err(TestCaseError::fail(format!(
            "generated code from an invalid schema\n{}\n--- code ---\n{}",
            texts.join("\n--- next file ---\n"),
            code.lines().take(12).collect::<Vec<_>>().join("\n")
        ))),
        Err(errors) => {
            check_errors(&texts, &errors)?;
            Ok((texts, errors))
        }
    }
}

proptest! {
    // A quarter of the cases: each generates, formats and parses a few hundred lines, some 30 ms
    // in a debug build.
    #![proptest_config(Config { cases: config().cases / 4, ..config() })]

    #[test]
    fn valid_schemas_generate_code_that_parses(blueprint in blueprint()) {
        let schema = build(&blueprint);
        let texts = to_texts(&schema.render());
        let code = generate(&texts).map_err(|errors| {
            let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
            TestCaseError::fail(format!("{}\n--- schema ---\n{}", errors.join("\n"), texts.join("\n---\n")))
        })?;
        prop_assert!(!code.contains("compile_error!"), "{}", code);
        let file = syn::parse_file(&code).map_err(|err| TestCaseError::fail(format!("{err}\n{code}")))?;
        // Exactly the items the schema declares: a struct per concrete type and per polymorphic
        // type (its base, which also holds an unknown subtype), an enum per enum and per
        // polymorphic type.
        let mut expected = BTreeSet::new();
        for en in &schema.enums {
            expected.insert(names::type_name(&en.name).rust);
        }
        for ty in &schema.types {
            if ty.polymorphic {
                expected.insert(names::type_name(&ty.name).rust);
            }
            if !ty.is_abstract || ty.polymorphic {
                let name = if ty.polymorphic { names::base_struct_name(&ty.name) } else { names::type_name(&ty.name) };
                expected.insert(name.rust);
            }
        }
        let found: BTreeSet<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Struct(it) => Some(it.ident.to_string()),
                syn::Item::Enum(it) => Some(it.ident.to_string()),
                _ => None,
            })
            .collect();
        prop_assert_eq!(found, expected);
        // The output does not depend on the order of the files.
        if texts.len() == 1 {
            return Ok(());
        }
        let mut reversed = texts.clone();
        reversed.reverse();
        let names: Vec<&str> = FILE_NAMES[..texts.len()].iter().rev().copied().collect();
        let files: Vec<_> =
            names.iter().zip(&reversed).map(|(name, text)| codegen::schema::parse(name, text).unwrap()).collect();
        prop_assert_eq!(codegen::generate_files(&files).unwrap(), code);
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn one_invalidity_is_reported_for_what_it_is(blueprint in blueprint(), mutation in mutation_of(Kind::REPORTED)) {
        let (_, errors) = generate_invalid(&blueprint, std::slice::from_ref(&mutation))?;
        let expected = mutation.kind.expected();
        prop_assert!(
            expected.is_empty() || errors.iter().any(|error| expected.iter().any(|it| error.message.contains(it))),
            "{:?}: expected a message with one of {:?}, got:\n{}",
            mutation.kind,
            expected,
            errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
        );
    }

    #[test]
    fn several_invalidities_are_errors_never_panics(
        blueprint in blueprint(),
        mutations in prop::collection::vec(mutation_of(Kind::REPORTED), 1..5),
    ) {
        generate_invalid(&blueprint, &mutations)?;
    }

    #[test]
    fn random_text_is_an_error_never_a_panic(text in "\\PC{0,64}", prefix in prop::sample::select(vec!["", "{", "{\"types\": [", "{\"enums\": [{"])) {
        let text = format!("{prefix}{text}");
        if let Err(error) = codegen::schema::parse(FILE_NAMES[0], &text) {
            check_errors(std::slice::from_ref(&text), &[error])?;
        }
    }
}

/// A description is free text, but one with a carriage return not followed by a line feed
/// becomes a `///` comment with a bare CR, which neither `syn` nor rustc accepts.
#[test]
fn a_description_with_a_bare_carriage_return_generates_code_that_parses() {
    let text = r##"{"types": [{"name": "a", "kind": "complex", "odataType": "#a", "description": "one\rtwo"}]}"##;
    let file = codegen::schema::parse(FILE_NAMES[0], text).unwrap();
    let code = codegen::generate_files(&[file]).unwrap();
    if let Err(err) = syn::parse_file(&code) {
        panic!("{err}\n{code}");
    }
}

#[test]
fn the_name_pools_are_distinct_in_rust() {
    let distinct = |names: &[&str], rust: fn(&str) -> names::Name| {
        let mapped: BTreeSet<String> = names.iter().map(|it| rust(it).rust).collect();
        assert_eq!(mapped.len(), names.len(), "{mapped:?}");
    };
    distinct(TYPE_NAMES, names::type_name);
    distinct(PROPERTY_NAMES, names::field_name);
    distinct(MEMBER_NAMES, names::variant_name);
    assert!(MEMBER_NAMES.iter().all(|it| names::variant_name(it).rust != names::FALLBACK_VARIANT));
}
