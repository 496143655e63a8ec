//! LOWER: schema files → IR. Resolves references and inheritance, applies names, writes docs.
//! Every problem is recorded with its location; lowering goes on so that one run reports them all.

use crate::error::{Errors, Origin};
use crate::ir::{
    Docs, Enum, EvolvableProperty, Field, Item, ItemKind, Model, Provenance, Struct, Ty, Union, UnionVariant, Variant,
};
use crate::names;
use crate::schema::{EnumDef, SchemaFile, TypeDef, TypeKind};
use std::collections::{BTreeMap, BTreeSet};

/// The `Edm.` primitives the format accepts, without the prefix.
pub const PRIMITIVES: &[&str] = &["String", "Boolean", "Int32", "DateTimeOffset", "Duration", "Binary", "Guid"];

/// A struct whose estimated inline size exceeds this many bytes is boxed, whether it is the value
/// of a single-valued property or a variant of a polymorphic enum. Large structs (a policy violation, a
/// message preview, most event details) are mostly `null` or absent; inline they would make every
/// message hundreds of bytes larger to move and store. Small ones (a body, an identity) stay inline
/// and cost no extra allocation.
const BOX_ABOVE_BYTES: usize = 128;

/// The enum member that stands for every member added after it.
const SENTINEL: &str = "unknownFutureValue";

/// Lowers the parsed files to the IR, or reports every problem found.
pub fn lower(files: &[SchemaFile]) -> Result<Model, Errors> {
    let mut errors = Errors::default();
    let decls = declarations(files, &mut errors);
    let mut items = Vec::new();
    for (wire, decl) in &decls {
        match decl {
            Decl::Type(ty, origin) => lower_type(wire, ty, origin, &decls, &mut items, &mut errors),
            Decl::Enum(en, origin) => items.push(lower_enum(en, origin, &mut errors)),
        }
    }
    items.sort_by(|a, b| a.name.rust.cmp(&b.name.rust).then_with(|| a.origin.cmp(&b.origin)));
    let provenance = provenance(files, &mut errors);
    let evolvable = evolvable_properties(&items);
    errors.finish(Model { items, provenance, evolvable })
}

/// Every property that holds one member of an enum with evolvable members, once per property
/// name and member list, sorted. Lists and flags are left out: a server downgrades a property's
/// text `"property":"member"`, which only a single member has.
fn evolvable_properties(items: &[Item]) -> Vec<EvolvableProperty> {
    let evolvable: BTreeMap<&str, Vec<String>> = items
        .iter()
        .filter_map(|item| match &item.kind {
            ItemKind::Enum(en) => {
                let wires = en.variants.iter().map(|it| it.name.wire.clone());
                Some((item.name.rust.as_str(), wires.skip_while(|it| it != SENTINEL).skip(1).collect()))
            }
            _ => None,
        })
        .collect();
    let mut found = BTreeSet::new();
    for item in items {
        let ItemKind::Struct(strukt) = &item.kind else { continue };
        for field in &strukt.fields {
            let Ty::Named(rust) = &field.ty else { continue };
            match evolvable.get(rust.as_str()) {
                Some(members) if !members.is_empty() => {
                    found.insert(EvolvableProperty { property: field.name.wire.clone(), members: members.clone() });
                }
                _ => {}
            }
        }
    }
    found.into_iter().collect()
}

/// The hash of the files, in file-name order so that the reading order does not matter, and the
/// metadata origin one of them records.
fn provenance(files: &[SchemaFile], errors: &mut Errors) -> Provenance {
    use sha2::Digest;
    let mut sorted: Vec<&SchemaFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.file_name().cmp(b.file_name()));
    let mut hasher = sha2::Sha256::new();
    for file in &sorted {
        hasher.update(file.file_name().as_bytes());
        hasher.update([0]);
        hasher.update(file.source.as_bytes());
        hasher.update([0]);
    }
    let mut metadata: Option<(&SchemaFile, (String, String))> = None;
    for file in sorted {
        let Some(origin) = &file.content.origin else { continue };
        match &metadata {
            Some((first, _)) => errors.push(
                Origin { file: file.display_name.clone(), pointer: "/origin".to_owned() },
                format!("the origin is already recorded in {}", first.display_name),
            ),
            None => metadata = Some((file, (origin.file.clone(), origin.sha256.clone()))),
        }
    }
    let schema_sha256 = hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect();
    Provenance { schema_sha256, metadata: metadata.map(|(_, origin)| origin) }
}

/// A declared type or enum and where it is declared.
enum Decl<'a> {
    Type(&'a TypeDef, Origin),
    Enum(&'a EnumDef, Origin),
}

impl Decl<'_> {
    fn origin(&self) -> &Origin {
        match self {
            Decl::Type(_, origin) | Decl::Enum(_, origin) => origin,
        }
    }
}

/// Every declaration by Graph name; a name declared twice is reported at its second place.
fn declarations<'a>(files: &'a [SchemaFile], errors: &mut Errors) -> BTreeMap<&'a str, Decl<'a>> {
    let mut decls: BTreeMap<&str, Decl> = BTreeMap::new();
    let mut ordered: Vec<(&str, Decl)> = Vec::new();
    for file in files {
        let root = Origin { file: file.display_name.clone(), pointer: String::new() };
        for (index, ty) in file.content.types.iter().enumerate() {
            ordered.push((&ty.name, Decl::Type(ty, root.join("types").join(index))));
        }
        for (index, en) in file.content.enums.iter().enumerate() {
            ordered.push((&en.name, Decl::Enum(en, root.join("enums").join(index))));
        }
    }
    // Files come in any order; the first place in (file, pointer) order keeps the name.
    ordered.sort_by(|a, b| a.1.origin().cmp(b.1.origin()));
    for (name, decl) in ordered {
        if PRIMITIVES.contains(&name) {
            errors.push(decl.origin().join("name"), format!("`{name}` is a primitive type and cannot be redeclared"));
        } else if let Some(first) = decls.get(name) {
            errors.push(decl.origin().join("name"), format!("`{name}` is already declared at {}", first.origin()));
        } else {
            decls.insert(name, decl);
        }
    }
    decls
}

fn lower_type(
    wire: &str,
    ty: &TypeDef,
    origin: &Origin,
    decls: &BTreeMap<&str, Decl>,
    items: &mut Vec<Item>,
    errors: &mut Errors,
) {
    let Some(chain) = base_chain(wire, ty, origin, decls, errors) else { return };
    let fields = lower_fields(&chain, decls, errors);
    let subtypes = concrete_subtypes(wire, decls);
    if ty.polymorphic {
        if subtypes.is_empty() {
            errors
                .push(origin.join("polymorphic"), format!("polymorphic type `{wire}` has no concrete type to choose"));
        }
        items.push(union_item(wire, ty, origin, &subtypes, fields.clone(), decls));
    }
    // A polymorphic type's own struct holds an object of it or, as the fallback, of a subtype the
    // schema does not know; an abstract one has only the latter use.
    if !ty.is_abstract || ty.polymorphic {
        let name = if ty.polymorphic { names::base_struct_name(wire) } else { names::type_name(wire) };
        let docs = type_docs(ty, ty.polymorphic);
        let kind = ItemKind::Struct(Struct {
            redacted_debug: fields.iter().any(|it| it.sensitive),
            fields,
            additional: names::field_name(names::ADDITIONAL_PROPERTIES),
            expecting: format!("a `{wire}` object"),
        });
        items.push(Item { name, docs, kind, origin: origin.clone() });
    }
}

/// The type and its bases, root first; `None` (reported) when a base is unknown or a cycle.
fn base_chain<'a>(
    wire: &'a str,
    ty: &'a TypeDef,
    origin: &Origin,
    decls: &'a BTreeMap<&str, Decl>,
    errors: &mut Errors,
) -> Option<Vec<(&'a TypeDef, Origin)>> {
    let mut chain = vec![(ty, origin.clone())];
    let mut seen = vec![wire];
    let mut current = ty;
    let mut current_origin = origin.clone();
    while let Some(base) = &current.base {
        match decls.get(base.as_str()) {
            Some(Decl::Type(base_ty, base_origin)) => {
                if seen.contains(&base.as_str()) {
                    // Reported by each type on the cycle, not by the types that derive from one.
                    if base == wire {
                        seen.push(base);
                        let path = seen.iter().map(|it| format!("`{it}`")).collect::<Vec<_>>().join(" → ");
                        errors.push(origin.join("base"), format!("inheritance cycle: {path}"));
                    }
                    return None;
                }
                seen.push(base);
                chain.push((base_ty, base_origin.clone()));
                current = base_ty;
                current_origin = base_origin.clone();
            }
            Some(Decl::Enum(..)) => {
                errors.push(current_origin.join("base"), format!("base `{base}` is an enum, expected a type"));
                return None;
            }
            None => {
                // Reported once, for the type that names it.
                if std::ptr::eq(current, ty) {
                    errors.push(origin.join("base"), format!("unknown base type `{base}`"));
                }
                return None;
            }
        }
    }
    chain.reverse();
    Some(chain)
}

/// The fields of a type: those of its root base first. Reports duplicates and unknown types
/// only for the type's own properties, so that each problem is reported once.
fn lower_fields(chain: &[(&TypeDef, Origin)], decls: &BTreeMap<&str, Decl>, errors: &mut Errors) -> Vec<Field> {
    let own_index = chain.len() - 1;
    let mut fields: Vec<Field> = Vec::new();
    let mut declared_by: BTreeMap<&str, &str> = BTreeMap::new();
    for (level, (ty, origin)) in chain.iter().enumerate() {
        let report = level == own_index;
        for (index, property) in ty.properties.iter().enumerate() {
            let property_origin = origin.join("properties").join(index);
            if let Some(owner) = declared_by.get(property.name.as_str()) {
                if report {
                    let message = if *owner == ty.name {
                        format!("property `{}` is declared twice", property.name)
                    } else {
                        format!("property `{}` is already inherited from `{owner}`", property.name)
                    };
                    errors.push(property_origin.join("name"), message);
                }
                continue;
            }
            declared_by.insert(&property.name, &ty.name);
            let mut scratch = Errors::default();
            let sink = if report { &mut *errors } else { &mut scratch };
            let Some(element) = resolve(&property.type_name, &property_origin.join("type"), decls, sink) else {
                continue;
            };
            let boxed = !property.collection && is_boxed(&property.type_name, decls);
            let value = if property.collection { Ty::List(Box::new(element)) } else { element };
            let mut docs = Vec::new();
            docs.extend(property.description.as_deref().map(lines).unwrap_or_default());
            docs.push(property_summary(property, &ty.name));
            fields.push(Field {
                name: names::field_name(&property.name),
                docs: Docs(docs),
                ty: value,
                boxed,
                nullable: property.nullable,
                sensitive: property.sensitive,
                origin: property_origin,
            });
        }
    }
    fields
}

/// The IR type of a property's `type`.
fn resolve(name: &str, origin: &Origin, decls: &BTreeMap<&str, Decl>, errors: &mut Errors) -> Option<Ty> {
    let primitive = match name {
        "String" => Some(Ty::String),
        "Boolean" => Some(Ty::Bool),
        "Int32" => Some(Ty::I32),
        "DateTimeOffset" => Some(Ty::DateTimeOffset),
        "Duration" => Some(Ty::Duration),
        "Binary" => Some(Ty::Binary),
        // A UUID as text: kept as written, whatever its case or braces.
        "Guid" => Some(Ty::String),
        _ => None,
    };
    if primitive.is_some() {
        return primitive;
    }
    match decls.get(name) {
        Some(Decl::Enum(en, _)) if en.flags => Some(Ty::Flags(names::type_name(name).rust)),
        Some(Decl::Enum(..)) => Some(Ty::Named(names::type_name(name).rust)),
        Some(Decl::Type(ty, _)) if ty.is_abstract && !ty.polymorphic => {
            errors.push(origin, format!("type `{name}` is abstract and not polymorphic, so no value can have it"));
            None
        }
        Some(Decl::Type(..)) => Some(Ty::Named(names::type_name(name).rust)),
        None => {
            let primitives = PRIMITIVES.iter().map(|it| format!("`{it}`")).collect::<Vec<_>>().join(", ");
            errors.push(
                origin,
                format!("unknown type `{name}`, expected one of {primitives} or a declared type or enum"),
            );
            None
        }
    }
}

/// An estimate of the bytes a value of type `name` takes inline: 24 for a string, list, enum or
/// map, 8 for a box, the sum of the fields for a struct and the largest variant for a union. Only
/// its comparison with [`BOX_ABOVE_BYTES`] matters, so it need not match the compiler's layout.
/// `open` holds the types being sized: one met again is a cycle, which `check` reports; here it
/// counts as a box, so that sizing takes one pass down each path instead of exponential time.
fn inline_size(name: &str, decls: &BTreeMap<&str, Decl>, open: &mut Vec<String>) -> usize {
    const WORD: usize = 8;
    const STRING: usize = 24;
    let Some(Decl::Type(ty, _)) = decls.get(name) else {
        return if matches!(name, "Boolean" | "Int32") { WORD } else { STRING };
    };
    if open.iter().any(|it| it == name) {
        return WORD;
    }
    open.push(name.to_owned());
    let boxed_or = |size: usize| if size > BOX_ABOVE_BYTES { WORD } else { size };
    let size = if ty.polymorphic {
        let subtypes = concrete_subtypes(name, decls);
        let largest = subtypes.iter().map(|(sub, _)| boxed_or(struct_size(sub, decls, open))).max().unwrap_or(0);
        WORD + largest.max(STRING)
    } else {
        struct_size(name, decls, open)
    };
    open.pop();
    size
}

/// Whether a single-valued property of type `name` is boxed: a struct above the size limit. A
/// union never is: its large variants are boxed instead, which bounds its size.
fn is_boxed(name: &str, decls: &BTreeMap<&str, Decl>) -> bool {
    boxes(name, decls, inline_size(name, decls, &mut Vec::new()))
}

/// Whether a value of type `name` that takes `size` bytes inline is boxed.
fn boxes(name: &str, decls: &BTreeMap<&str, Decl>, size: usize) -> bool {
    matches!(decls.get(name), Some(Decl::Type(ty, _)) if !ty.polymorphic) && size > BOX_ABOVE_BYTES
}

/// What a single-valued property of type `name` takes inline: a box, or the value.
fn boxed_size(name: &str, decls: &BTreeMap<&str, Decl>, open: &mut Vec<String>) -> usize {
    let size = inline_size(name, decls, open);
    if boxes(name, decls, size) {
        8
    } else {
        size
    }
}

/// The estimated inline size of the struct generated for type `name`: its fields and its map.
fn struct_size(name: &str, decls: &BTreeMap<&str, Decl>, open: &mut Vec<String>) -> usize {
    let mut size = 24;
    let mut current = name;
    for _ in 0..decls.len() {
        let Some(Decl::Type(ty, _)) = decls.get(current) else { break };
        for property in &ty.properties {
            size += if property.collection { 24 } else { boxed_size(&property.type_name, decls, open) };
        }
        match &ty.base {
            Some(base) => current = base,
            None => break,
        }
    }
    size
}

/// The Graph names of the concrete types that are `wire` or derive from it, sorted.
fn concrete_subtypes<'a>(wire: &str, decls: &BTreeMap<&'a str, Decl<'a>>) -> Vec<(&'a str, &'a TypeDef)> {
    let mut found = BTreeMap::new();
    for (name, decl) in decls {
        let Decl::Type(ty, _) = decl else { continue };
        if ty.is_abstract {
            continue;
        }
        let mut current = Some((*name, *ty));
        let mut steps = 0;
        while let Some((current_name, current_ty)) = current {
            if current_name == wire {
                found.insert(*name, *ty);
                break;
            }
            // Cycles are reported by `base_chain`; this only must not loop.
            steps += 1;
            if steps > decls.len() {
                break;
            }
            current = current_ty.base.as_deref().and_then(|base| match decls.get_key_value(base) {
                Some((key, Decl::Type(base_ty, _))) => Some((*key, *base_ty)),
                _ => None,
            });
        }
    }
    found.into_iter().collect()
}

fn union_item(
    wire: &str,
    ty: &TypeDef,
    origin: &Origin,
    subtypes: &[(&str, &TypeDef)],
    shared: Vec<Field>,
    decls: &BTreeMap<&str, Decl>,
) -> Item {
    let base_first = subtypes.iter().filter(|it| it.0 == wire).chain(subtypes.iter().filter(|it| it.0 != wire));
    let variants = base_first
        .map(|(sub, sub_ty)| {
            let struct_name = if *sub == wire { names::base_struct_name(sub) } else { names::type_name(sub) };
            UnionVariant {
                name: names::variant_name(sub),
                ty: struct_name.rust,
                boxed: struct_size(sub, decls, &mut Vec::new()) > BOX_ABOVE_BYTES,
                discriminator: Some(sub_ty.odata_type.clone()),
                converts_from: true,
                docs: Docs(vec![match &sub_ty.description {
                    Some(description) => format!("`{}`: {}", sub_ty.odata_type, lines(description).join(" ")),
                    None => format!("`{}`.", sub_ty.odata_type),
                }]),
            }
        })
        .collect::<Vec<_>>();
    let untagged = (!ty.is_abstract).then_some(0);
    let base = names::base_struct_name(wire).rust;
    let fallback = UnionVariant {
        name: names::variant_name(names::FALLBACK_VARIANT),
        ty: base.clone(),
        boxed: struct_size(wire, decls, &mut Vec::new()) > BOX_ABOVE_BYTES,
        discriminator: None,
        converts_from: ty.is_abstract,
        docs: Docs(vec![format!(
            "An object of a type this schema does not know: the properties every `{wire}` has, typed, and the rest kept in [`{base}::additional_properties`], its `@odata.type` among them."
        )]),
    };
    let mut docs = paragraph(ty.description.as_deref());
    docs.push(format!(
        "Graph type `{wire}`, polymorphic: the concrete type of each value is chosen by its `@odata.type`, which is written back, and added for a value built in code."
    ));
    docs.push(if ty.is_abstract {
        format!("An object without `@odata.type` or with one not listed here is read into [`Self::{}`].", names::FALLBACK_VARIANT)
    } else {
        format!(
            "An object without `@odata.type` is read as the declared type, `{wire}`; one with an `@odata.type` not listed here is read into [`Self::{}`].",
            names::FALLBACK_VARIANT
        )
    });
    let kind = ItemKind::Union(Union { variants, untagged, fallback, shared });
    Item { name: names::type_name(wire), docs: Docs(docs), kind, origin: origin.clone() }
}

fn type_docs(ty: &TypeDef, is_base_of_union: bool) -> Docs {
    let kind = match ty.kind {
        TypeKind::Entity => "entity",
        TypeKind::Complex => "complex",
    };
    let mut docs = paragraph(ty.description.as_deref());
    let mut facts = format!("Graph {kind} type `{}` (`{}`)", ty.name, ty.odata_type);
    if let Some(base) = &ty.base {
        facts.push_str(&format!(", derived from `{base}`"));
    }
    facts.push('.');
    if ty.open {
        facts.push_str(" An open type: payloads may carry properties it does not declare.");
    }
    docs.push(facts);
    if is_base_of_union {
        let union = names::type_name(&ty.name).rust;
        docs.push(if ty.is_abstract {
            format!("The properties every `{}` has: [`{union}`] reads an object of a subtype the schema does not know into one.", ty.name)
        } else {
            format!("The type itself, as opposed to [`{union}`], which also covers its subtypes (and reads an unknown one into this).")
        });
    }
    Docs(docs)
}

/// A description's lines and a blank line to end its paragraph; nothing without one.
fn paragraph(description: Option<&str>) -> Vec<String> {
    let mut docs = description.map(lines).unwrap_or_default();
    if !docs.is_empty() {
        docs.push(String::new());
    }
    docs
}

/// Doc lines of a description: one per line of text, whatever the line ending, because a doc
/// attribute holding a bare carriage return does not parse.
fn lines(text: &str) -> Vec<String> {
    text.split("\r\n").flat_map(|it| it.split(['\n', '\r'])).map(str::to_owned).collect()
}

fn property_summary(property: &crate::schema::PropertyDef, owner: &str) -> String {
    let shape =
        if property.collection { format!("`{}[]`", property.type_name) } else { format!("`{}`", property.type_name) };
    let mut line = format!("JSON `{}` of `{owner}`, {shape}", property.name);
    if property.navigation {
        line.push_str("; a navigation property, present only under `$expand`");
    }
    if !property.nullable {
        line.push_str("; never `null` according to the metadata");
    }
    if property.sensitive {
        line.push_str("; a secret, whose value `Debug` output does not show");
    }
    line.push('.');
    line
}

fn lower_enum(en: &EnumDef, origin: &Origin, errors: &mut Errors) -> Item {
    let sentinel = en.members.iter().position(|it| it.name == SENTINEL);
    let mut seen = BTreeSet::new();
    let mut variants = Vec::new();
    for (index, member) in en.members.iter().enumerate() {
        let member_origin = origin.join("members").join(index);
        if !seen.insert(member.name.as_str()) {
            errors.push(member_origin.join("name"), format!("member `{}` is declared twice", member.name));
            continue;
        }
        let mut docs = Vec::new();
        match &member.description {
            Some(description) => docs.extend(lines(description)),
            None => docs.push(format!("`{}`.", member.name)),
        }
        match sentinel {
            Some(at) if at == index => docs.push(
                "Sent in place of any member declared after it (an evolvable member) unless the request asks for those with `Prefer: include-unknown-enum-members`.".to_owned(),
            ),
            Some(at) if index > at => docs.push(
                "Evolvable: the service sends it only to requests with `Prefer: include-unknown-enum-members`, and `unknownFutureValue` otherwise.".to_owned(),
            ),
            _ => {}
        }
        variants.push(Variant { name: names::variant_name(&member.name), docs: Docs(docs), origin: member_origin });
    }
    if en.members.is_empty() {
        errors.push(origin.join("members"), format!("enum `{}` has no members", en.name));
    }
    let mut docs = paragraph(en.description.as_deref());
    docs.push(format!(
        "Graph enum `{}`. Any other string is kept in [`Self::{}`] and written back unchanged.",
        en.name,
        names::FALLBACK_VARIANT
    ));
    if en.flags {
        docs.push("A flags enum: a property of this type holds a set of members, written as comma-separated names; see [`crate::Flags`].".to_owned());
    }
    let evolvable: Vec<_> =
        sentinel.map(|at| en.members[at + 1..].iter().map(|it| format!("`{}`", it.name)).collect()).unwrap_or_default();
    if !evolvable.is_empty() {
        docs.push(format!("Evolvable members: {}.", evolvable.join(", ")));
    }
    let kind = ItemKind::Enum(Enum {
        variants,
        fallback: names::variant_name(names::FALLBACK_VARIANT),
        expecting: format!("a `{}` string", en.name),
    });
    Item { name: names::type_name(&en.name), docs: Docs(docs), kind, origin: origin.clone() }
}
