//! SELECT: which types of the metadata the schema holds, as schema declarations.
//!
//! The rule (written down in `schema/README.md`): start from the roots and all their subtypes;
//! take every type's base type, the types and enums of its structural properties, and the
//! targets of its containment navigation properties (`ContainsTarget="true"`, such as
//! `chat.messages`), recursively. A navigation target that is only referenced (such as
//! `aadUserConversationMember.user`) and not reached otherwise becomes a property-less stub, as
//! does any type the curated schema marks as a stub. A type is polymorphic when it has concrete
//! subtypes among the selected types and is declared as the type of a structural property, or is
//! abstract and declared as the type of any property.

use crate::csdl::{CsdlProperty, CsdlType, Metadata};
use crate::error::Errors;
use crate::schema::{EnumDef, MemberDef, PropertyDef, TypeDef, TypeKind};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The namespace whose types the schema names without it.
pub const GRAPH_NAMESPACE: &str = "microsoft.graph";

/// The roots when a schema declares none: the chat types this project is about.
pub const DEFAULT_ROOTS: &[&str] = &["chat", "chatMessage", "conversationMember", "eventMessageDetail"];

/// What the metadata says the schema should hold, in the order the types were reached.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Types in the order reached, roots first.
    pub types: Vec<Selected<TypeDef>>,
    /// Enums in the order reached.
    pub enums: Vec<Selected<EnumDef>>,
}

/// A declaration and the type that first reached it.
#[derive(Debug, Clone)]
pub struct Selected<T> {
    /// The declaration, in the schema's vocabulary; descriptions are empty.
    pub def: T,
    /// The schema name of the type that first reached it (by base, property or navigation);
    /// `None` for a root.
    pub reached_from: Option<String>,
}

/// The schema name of a full metadata name: `microsoft.graph.chat` → `chat`; types of other
/// namespaces keep their full name (`microsoft.graph.callRecords.userIdentity`).
pub fn schema_name(full: &str) -> String {
    match full.strip_prefix(GRAPH_NAMESPACE).and_then(|it| it.strip_prefix('.')) {
        Some(short) if !short.contains('.') => short.to_owned(),
        _ => full.to_owned(),
    }
}

/// The full metadata name of a schema name.
pub fn full_name(schema: &str) -> String {
    if schema.contains('.') {
        schema.to_owned()
    } else {
        format!("{GRAPH_NAMESPACE}.{schema}")
    }
}

/// Selects the types reached from `roots` (schema names); `stubs` are kept property-less.
pub fn select(metadata: &Metadata, roots: &[String], stubs: &BTreeSet<String>) -> Result<Selection, Errors> {
    let mut errors = Errors::default();
    let subtypes = subtypes(metadata);
    let mut walk = Walk { metadata, full: BTreeSet::new(), order: Vec::new(), queue: VecDeque::new() };
    for root in roots {
        let full = full_name(root);
        if !metadata.types.contains_key(&full) {
            errors.push(&metadata.file, format!("root type `{root}` is not in the metadata"));
            continue;
        }
        walk.reach(&full, None);
        for sub in all_subtypes(&full, &subtypes) {
            walk.reach(&sub, None);
        }
    }
    let mut enums: Vec<(String, Option<String>)> = Vec::new();
    let mut stub_set: BTreeSet<String> = stubs.iter().map(|it| full_name(it)).collect();
    let mut references: Vec<(String, String)> = Vec::new();
    let mut declared_structural = BTreeSet::new();
    let mut declared_any = BTreeSet::new();
    loop {
        while let Some(full) = walk.queue.pop_front() {
            let ty = &metadata.types[&full];
            let from = schema_name(&full);
            if let Some(base) = &ty.base {
                match metadata.types.contains_key(base) {
                    true => walk.reach(base, Some(&from)),
                    false => {
                        errors.push(metadata.at(ty.position), format!("`{from}` has an unknown base type `{base}`"))
                    }
                }
            }
            if stub_set.contains(&full) {
                continue;
            }
            for property in &ty.properties {
                let target = &property.type_name;
                if target.starts_with("Edm.") {
                    if primitive(target).is_none() {
                        errors.push(metadata.at(property.position), unsupported(&from, property));
                    }
                    continue;
                }
                declared_any.insert(target.clone());
                if metadata.enums.contains_key(target) {
                    if !enums.iter().any(|(name, _)| name == target) {
                        enums.push((target.clone(), Some(from.clone())));
                    }
                } else if !metadata.types.contains_key(target) {
                    errors.push(
                        metadata.at(property.position),
                        format!("property `{}` of `{from}` has an unknown type `{target}`", property.name),
                    );
                } else if !property.navigation {
                    declared_structural.insert(target.clone());
                    walk.reach(target, Some(&from));
                } else if property.contains_target {
                    walk.reach(target, Some(&from));
                } else {
                    references.push((target.clone(), from.clone()));
                }
            }
        }
        // A referenced navigation target that nothing else reached is a stub; its base types
        // are selected in full.
        let pending: Vec<_> = references.drain(..).filter(|(target, _)| !walk.full.contains(target)).collect();
        if pending.is_empty() {
            break;
        }
        for (target, from) in pending {
            stub_set.insert(target.clone());
            walk.reach(&target, Some(&from));
        }
    }
    let selected: BTreeSet<&String> = walk.order.iter().map(|(name, _)| name).collect();
    let polymorphic = |full: &String| {
        let ty = &metadata.types[full];
        let has_concrete_subtypes =
            all_subtypes(full, &subtypes).iter().any(|sub| selected.contains(sub) && !metadata.types[sub].is_abstract);
        has_concrete_subtypes && (declared_structural.contains(full) || (ty.is_abstract && declared_any.contains(full)))
    };
    let types = walk
        .order
        .iter()
        .map(|(full, reached_from)| Selected {
            def: type_def(&metadata.types[full], stub_set.contains(full), polymorphic(full), roots),
            reached_from: reached_from.clone(),
        })
        .collect();
    let enums = enums
        .into_iter()
        .map(|(full, reached_from)| {
            let en = &metadata.enums[&full];
            let def = EnumDef {
                name: schema_name(&full),
                flags: en.flags,
                description: None,
                members: en.members.iter().map(|name| MemberDef { name: name.clone(), description: None }).collect(),
            };
            Selected { def, reached_from }
        })
        .collect();
    errors.finish(Selection { types, enums })
}

/// The types selected so far, in the order reached, and those still to visit.
struct Walk<'a> {
    metadata: &'a Metadata,
    full: BTreeSet<String>,
    order: Vec<(String, Option<String>)>,
    queue: VecDeque<String>,
}

impl Walk<'_> {
    fn reach(&mut self, full: &str, from: Option<&str>) {
        if self.full.insert(full.to_owned()) {
            debug_assert!(self.metadata.types.contains_key(full));
            self.order.push((full.to_owned(), from.map(str::to_owned)));
            self.queue.push_back(full.to_owned());
        }
    }
}

/// Direct subtypes by full name, in name order.
fn subtypes(metadata: &Metadata) -> BTreeMap<&str, Vec<&str>> {
    let mut subtypes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for ty in metadata.types.values() {
        if let Some(base) = &ty.base {
            subtypes.entry(base.as_str()).or_default().push(&ty.name);
        }
    }
    subtypes
}

/// Every type that derives from `full`, directly or not, parents before children.
fn all_subtypes(full: &str, subtypes: &BTreeMap<&str, Vec<&str>>) -> Vec<String> {
    let mut found = Vec::new();
    let mut queue: VecDeque<&str> = VecDeque::from([full]);
    while let Some(next) = queue.pop_front() {
        for sub in subtypes.get(next).into_iter().flatten() {
            if !found.iter().any(|it| it == sub) && *sub != full {
                found.push((*sub).to_owned());
                queue.push_back(sub);
            }
        }
    }
    found
}

fn type_def(ty: &CsdlType, stub: bool, polymorphic: bool, roots: &[String]) -> TypeDef {
    let name = schema_name(&ty.name);
    let properties = if stub { Vec::new() } else { ty.properties.iter().map(property_def).collect() };
    TypeDef {
        root: roots.contains(&name),
        name,
        kind: if ty.entity { TypeKind::Entity } else { TypeKind::Complex },
        base: ty.base.as_deref().map(schema_name),
        is_abstract: ty.is_abstract,
        polymorphic,
        open: ty.open,
        stub,
        odata_type: format!("#{}", ty.name),
        description: None,
        properties,
    }
}

fn property_def(property: &CsdlProperty) -> PropertyDef {
    PropertyDef {
        name: property.name.clone(),
        type_name: primitive(&property.type_name).map_or_else(|| schema_name(&property.type_name), str::to_owned),
        collection: property.collection,
        nullable: property.nullable,
        navigation: property.navigation,
        description: None,
        sensitive: false,
    }
}

/// The schema's name of an `Edm` primitive it supports.
fn primitive(edm: &str) -> Option<&'static str> {
    let name = edm.strip_prefix("Edm.")?;
    crate::lower::PRIMITIVES.iter().copied().find(|it| *it == name)
}

fn unsupported(owner: &str, property: &CsdlProperty) -> String {
    format!(
        "property `{}` of `{owner}` has the primitive type `{}`, which the schema format does not support",
        property.name, property.type_name
    )
}
