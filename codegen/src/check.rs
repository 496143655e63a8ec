//! CHECK: rules that look across the lowered IR rather than at one schema entry.

use crate::error::Errors;
use crate::ir::{Item, ItemKind, Model, Ty};
use crate::names;
use std::collections::{BTreeMap, BTreeSet};

/// Reports Rust names that collide after case conversion and types that contain themselves.
pub fn check(model: &Model) -> Result<(), Errors> {
    let mut errors = Errors::default();
    check_type_names(model, &mut errors);
    for item in &model.items {
        check_member_names(item, &mut errors);
    }
    check_recursion(model, &mut errors);
    errors.finish(())
}

/// Two Graph names that map to one Rust type name, or a name the hand-written code uses.
fn check_type_names(model: &Model, errors: &mut Errors) {
    let mut first: BTreeMap<&str, &Item> = BTreeMap::new();
    for item in &model.items {
        if names::is_placeholder(&item.name) {
            errors.push(
                item.origin.join("name"),
                format!("`{}` has no ASCII letter or digit to make a Rust name of", item.name.wire),
            );
            continue;
        }
        if names::RESERVED_TYPE_NAMES.contains(&item.name.rust.as_str()) {
            errors.push(
                item.origin.join("name"),
                format!(
                    "the Rust name `{}` of `{}` is taken by a hand-written type of graph-models",
                    item.name.rust, item.name.wire
                ),
            );
        }
        match first.get(item.name.rust.as_str()) {
            Some(other) => errors.push(
                item.origin.join("name"),
                format!(
                    "the Rust name `{}` of `{}` is already used by `{}` at {}",
                    item.name.rust, item.name.wire, other.name.wire, other.origin
                ),
            ),
            None => {
                first.insert(&item.name.rust, item);
            }
        }
    }
}

/// Fields or variants of one item that map to one Rust name, or to the generator's own.
fn check_member_names(item: &Item, errors: &mut Errors) {
    let mut used: BTreeMap<&str, String> = BTreeMap::new();
    let members: Vec<(&crate::names::Name, &crate::error::Origin, &str)> = match &item.kind {
        ItemKind::Struct(strukt) => {
            used.insert(&strukt.additional.rust, "the additional properties".to_owned());
            strukt.fields.iter().map(|it| (&it.name, &it.origin, "property")).collect()
        }
        ItemKind::Enum(en) => {
            used.insert(&en.fallback.rust, "the fallback for unknown values".to_owned());
            en.variants.iter().map(|it| (&it.name, &it.origin, "member")).collect()
        }
        // Variant names come from type names, which `check_type_names` keeps unique, but one may
        // be the fallback's; the accessors of shared properties must not take another method's name.
        ItemKind::Union(union) => {
            if let Some(variant) = union.variants.iter().find(|it| it.name.rust == union.fallback.name.rust) {
                errors.push(
                    item.origin.join("polymorphic"),
                    format!(
                        "subtype `{}` of `{}` becomes variant `{}`, already used by the fallback for unknown types",
                        variant.name.wire, item.name.wire, variant.name.rust
                    ),
                );
            }
            for method in names::UNION_METHODS {
                used.insert(method, "a method every polymorphic enum has".to_owned());
            }
            union.shared.iter().map(|it| (&it.name, &it.origin, "property")).collect()
        }
    };
    for (name, origin, what) in members {
        if names::is_placeholder(name) {
            errors.push(
                origin.join("name"),
                format!("{what} `{}` has no ASCII letter or digit to make a Rust name of", name.wire),
            );
            continue;
        }
        match used.get(name.rust.as_str()) {
            Some(other) => errors.push(
                origin.join("name"),
                format!(
                    "{what} `{}` of `{}` becomes Rust name `{}`, already used by {other}",
                    name.wire, item.name.wire, name.rust
                ),
            ),
            None => {
                used.insert(&name.rust, format!("`{}`", name.wire));
            }
        }
    }
}

/// A struct that holds itself without a collection in between would have infinite size.
fn check_recursion(model: &Model, errors: &mut Errors) {
    let by_name: BTreeMap<&str, &Item> = model.items.iter().map(|it| (it.name.rust.as_str(), it)).collect();
    let mut reported = BTreeSet::new();
    for item in &model.items {
        let mut path = vec![item.name.rust.as_str()];
        let mut visited = BTreeSet::new();
        if let Some(cycle) = find_cycle(item, &by_name, &mut path, &mut visited) {
            let members: BTreeSet<_> = cycle.iter().copied().collect();
            if reported.insert(members) {
                let wire = |rust: &str| by_name.get(rust).map_or(rust.to_owned(), |it| it.name.wire.clone());
                let shown = cycle.iter().map(|it| format!("`{}`", wire(it))).collect::<Vec<_>>().join(" → ");
                errors.push(
                    &item.origin,
                    format!(
                        "type `{}` contains itself ({shown}); make a property on the way a collection",
                        item.name.wire
                    ),
                );
            }
        }
    }
}

/// Depth-first search over fields that are stored inline (not in a `Vec`).
fn find_cycle<'a>(
    item: &'a Item,
    by_name: &BTreeMap<&str, &'a Item>,
    path: &mut Vec<&'a str>,
    visited: &mut BTreeSet<&'a str>,
) -> Option<Vec<&'a str>> {
    let inline: Vec<&str> = match &item.kind {
        ItemKind::Struct(strukt) => strukt
            .fields
            .iter()
            .filter_map(|it| match &it.ty {
                Ty::Named(name) => Some(name.as_str()),
                _ => None,
            })
            .collect(),
        ItemKind::Union(union) => union.variants.iter().chain([&union.fallback]).map(|it| it.ty.as_str()).collect(),
        ItemKind::Enum(_) => Vec::new(),
    };
    for next in inline {
        if next == path[0] {
            let mut cycle = path.clone();
            cycle.push(next);
            return Some(cycle);
        }
        if !visited.insert(next) {
            continue;
        }
        if let Some(next_item) = by_name.get(next) {
            path.push(next);
            if let Some(cycle) = find_cycle(next_item, by_name, path, visited) {
                return Some(cycle);
            }
            path.pop();
        }
    }
    None
}
