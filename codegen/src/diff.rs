//! DIFF: what a schema change means for the dependents of the generated crate.
//!
//! Two schemas are compared by what they generate: both are lowered to the IR, and items,
//! fields, enum members and union variants are matched by Rust name. Each change is classified
//! by its effect on code that uses the old API:
//!
//! - **major**: something is removed or renamed, a field's Rust type changes, an item changes
//!   kind (a struct becomes a polymorphic enum), a union variant becomes boxed or unboxed, or an
//!   existing type joins or leaves a polymorphic family;
//! - **minor**: a new type, field, enum member or subtype; generated items are
//!   `#[non_exhaustive]`, so code that compiled before still compiles;
//! - **patch**: only the documentation changes (a description, or a nullability the Rust type
//!   does not show).

use crate::ir::{Enum, Field, Item, ItemKind, Model, Struct, Ty, Union, UnionVariant};
use std::collections::BTreeMap;
use std::fmt;

/// How a change affects dependents, and so which release it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// Only documentation changes.
    Patch,
    /// Additions that existing code cannot notice at compile time.
    Minor,
    /// Code that compiled against the old API may not compile against the new one.
    Major,
}

impl Effect {
    /// `major`, `minor` or `patch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Major => "major",
            Effect::Minor => "minor",
            Effect::Patch => "patch",
        }
    }
}

/// One difference between the two generated APIs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Its effect on dependents.
    pub effect: Effect,
    /// A stable identifier of the kind of change, e.g. `property-added`.
    pub kind: &'static str,
    /// What changed, in Graph names: `chat.migrationMode`.
    pub subject: String,
    /// What changed, in Rust: `Chat::migration_mode`.
    pub rust: String,
    /// What it was and what it is, where that is not obvious from the kind.
    pub detail: Option<String>,
    /// How behaviour changes for code that keeps working, e.g. values that arrived as
    /// `Other("x")` arriving as a new variant.
    pub note: Option<String>,
}

/// Every change from `old` to `new`, most serious first, then by subject.
pub fn diff(old: &Model, new: &Model) -> Vec<Change> {
    let old_items: BTreeMap<&str, &Item> = old.items.iter().map(|it| (it.name.rust.as_str(), it)).collect();
    let new_items: BTreeMap<&str, &Item> = new.items.iter().map(|it| (it.name.rust.as_str(), it)).collect();
    let mut changes = Vec::new();
    for (name, item) in &old_items {
        if !new_items.contains_key(name) {
            changes.push(change(Effect::Major, "type-removed", &item.name.wire, name, None, None));
        }
    }
    for (name, item) in &new_items {
        match old_items.get(name) {
            None => changes.push(change(
                Effect::Minor,
                "type-added",
                &item.name.wire,
                name,
                Some(kind_name(&item.kind)),
                None,
            )),
            Some(old_item) => diff_item(old_item, item, &old_items, &mut changes),
        }
    }
    changes.sort_by(|a, b| {
        b.effect.cmp(&a.effect).then_with(|| a.subject.cmp(&b.subject)).then_with(|| a.kind.cmp(b.kind))
    });
    changes
}

/// The release the changes need: the most serious effect, or `None` for no change.
pub fn bump(changes: &[Change]) -> Option<Effect> {
    changes.iter().map(|it| it.effect).max()
}

/// The changes of one item; its own docs count only when nothing else changed, since they
/// follow from the schema facts (evolvable members, the base type) that the other changes name.
fn diff_item(old: &Item, new: &Item, old_items: &BTreeMap<&str, &Item>, changes: &mut Vec<Change>) {
    let (wire, rust) = (new.name.wire.as_str(), new.name.rust.as_str());
    let before = changes.len();
    match (&old.kind, &new.kind) {
        (ItemKind::Struct(old), ItemKind::Struct(new)) => diff_struct(wire, rust, old, new, changes),
        (ItemKind::Enum(old), ItemKind::Enum(new)) => diff_enum(wire, rust, old, new, changes),
        (ItemKind::Union(old), ItemKind::Union(new)) => diff_union(wire, rust, old, new, old_items, changes),
        (old_kind, new_kind) => changes.push(change(
            Effect::Major,
            "kind-changed",
            wire,
            rust,
            Some(format!("{} → {}", kind_name(old_kind), kind_name(new_kind))),
            None,
        )),
    }
    if changes.len() == before && old.docs != new.docs {
        changes.push(change(Effect::Patch, "docs-changed", wire, rust, None, None));
    }
}

fn diff_struct(wire: &str, rust: &str, old: &Struct, new: &Struct, changes: &mut Vec<Change>) {
    let old_fields: BTreeMap<&str, &Field> = old.fields.iter().map(|it| (it.name.rust.as_str(), it)).collect();
    let new_fields: BTreeMap<&str, &Field> = new.fields.iter().map(|it| (it.name.rust.as_str(), it)).collect();
    for (name, field) in &old_fields {
        if !new_fields.contains_key(name) {
            let subject = format!("{wire}.{}", field.name.wire);
            changes.push(change(Effect::Major, "property-removed", &subject, &format!("{rust}::{name}"), None, None));
        }
    }
    for (name, field) in &new_fields {
        let subject = format!("{wire}.{}", field.name.wire);
        let path = format!("{rust}::{name}");
        let shape = field_type(field);
        match old_fields.get(name) {
            None => {
                changes.push(change(Effect::Minor, "property-added", &subject, &path, Some(format!("`{shape}`")), None))
            }
            Some(old_field) if field_type(old_field) != shape => changes.push(change(
                Effect::Major,
                "property-type-changed",
                &subject,
                &path,
                Some(format!("`{}` → `{shape}`", field_type(old_field))),
                None,
            )),
            Some(old_field) if old_field.nullable != field.nullable => {
                let shown = |nullable| if nullable { "nullable" } else { "never null" };
                let detail =
                    format!("{} → {}; the Rust type stays `{shape}`", shown(old_field.nullable), shown(field.nullable));
                changes.push(change(Effect::Patch, "property-nullability-changed", &subject, &path, Some(detail), None))
            }
            Some(old_field) if old_field.docs != field.docs => {
                changes.push(change(Effect::Patch, "property-docs-changed", &subject, &path, None, None))
            }
            Some(_) => {}
        }
    }
}

fn diff_enum(wire: &str, rust: &str, old: &Enum, new: &Enum, changes: &mut Vec<Change>) {
    let old_members: BTreeMap<&str, &str> =
        old.variants.iter().map(|it| (it.name.rust.as_str(), it.name.wire.as_str())).collect();
    for variant in &old.variants {
        if !new.variants.iter().any(|it| it.name.rust == variant.name.rust) {
            let subject = format!("{wire}.{}", variant.name.wire);
            let note = format!("the value arrives as `{rust}::{}(\"{}\")`", new.fallback.rust, variant.name.wire);
            changes.push(change(
                Effect::Major,
                "member-removed",
                &subject,
                &format!("{rust}::{}", variant.name.rust),
                None,
                Some(note),
            ));
        }
    }
    for variant in &new.variants {
        if !old_members.contains_key(variant.name.rust.as_str()) {
            let subject = format!("{wire}.{}", variant.name.wire);
            let path = format!("{rust}::{}", variant.name.rust);
            let note = format!(
                "values that arrived as `{rust}::{}(\"{}\")` now arrive as `{path}`",
                old.fallback.rust, variant.name.wire
            );
            changes.push(change(Effect::Minor, "member-added", &subject, &path, None, Some(note)));
        }
    }
}

fn diff_union(
    wire: &str,
    rust: &str,
    old: &Union,
    new: &Union,
    old_items: &BTreeMap<&str, &Item>,
    changes: &mut Vec<Change>,
) {
    for variant in &old.variants {
        if !new.variants.iter().any(|it| it.name.rust == variant.name.rust) {
            let path = format!("{rust}::{}", variant.name.rust);
            let note = format!(
                "objects with `@odata.type` `{}` arrive as `{rust}::{}`",
                variant.discriminator.as_deref().unwrap_or_default(),
                new.fallback.name.rust
            );
            changes.push(change(
                Effect::Major,
                "subtype-removed",
                &variant.name.wire,
                &path,
                Some(format!("from `{wire}`")),
                Some(note),
            ));
        }
    }
    // A variant (or the fallback) whose struct grew past the boxing limit is `Variant(Box<..>)`
    // now: every pattern and constructor of it changes.
    let old_pairs = old.variants.iter().chain([&old.fallback]);
    for (before, after) in old_pairs.filter_map(|it| Some((it, new_variant(new, &it.name.rust)?))) {
        if before.boxed != after.boxed {
            let path = format!("{rust}::{}", after.name.rust);
            let shown = |boxed: bool, ty: &str| if boxed { format!("Box<{ty}>") } else { ty.to_owned() };
            let detail =
                format!("{path}({}) → {path}({})", shown(before.boxed, &before.ty), shown(after.boxed, &after.ty));
            changes.push(change(Effect::Major, "variant-boxing-changed", &after.name.wire, &path, Some(detail), None));
        }
    }
    for variant in &new.variants {
        if old.variants.iter().any(|it| it.name.rust == variant.name.rust) {
            continue;
        }
        let path = format!("{rust}::{}", variant.name.rust);
        let note = format!(
            "objects with `@odata.type` `{}` that arrived as `{rust}::{}` now arrive as `{path}`",
            variant.discriminator.as_deref().unwrap_or_default(),
            old.fallback.name.rust
        );
        // A type that existed on its own before and now derives from the family changes for
        // every holder of it; a new type is only an addition.
        let (effect, kind) = match old_items.get(variant.ty.as_str()) {
            Some(_) => (Effect::Major, "family-joined"),
            None => (Effect::Minor, "subtype-added"),
        };
        changes.push(change(effect, kind, &variant.name.wire, &path, Some(format!("to `{wire}`")), Some(note)));
    }
}

/// The variant of `union`, the fallback included, named `rust`.
fn new_variant<'a>(union: &'a Union, rust: &str) -> Option<&'a UnionVariant> {
    union.variants.iter().chain([&union.fallback]).find(|it| it.name.rust == rust)
}

fn change(
    effect: Effect,
    kind: &'static str,
    subject: &str,
    rust: &str,
    detail: Option<String>,
    note: Option<String>,
) -> Change {
    Change { effect, kind, subject: subject.to_owned(), rust: rust.to_owned(), detail, note }
}

fn kind_name(kind: &ItemKind) -> String {
    match kind {
        ItemKind::Struct(_) => "struct",
        ItemKind::Enum(_) => "enum",
        ItemKind::Union(_) => "polymorphic enum",
    }
    .to_owned()
}

/// The Rust type of a field, as a dependent writes it.
fn field_type(field: &Field) -> String {
    let inner = ty_text(&field.ty);
    if field.boxed {
        format!("Property<Box<{inner}>>")
    } else {
        format!("Property<{inner}>")
    }
}

fn ty_text(ty: &Ty) -> String {
    match ty {
        Ty::String | Ty::Binary => "String".to_owned(),
        Ty::Bool => "bool".to_owned(),
        Ty::I32 => "i32".to_owned(),
        Ty::DateTimeOffset => "DateTimeOffset".to_owned(),
        Ty::Duration => "Duration".to_owned(),
        Ty::Named(name) => name.clone(),
        Ty::Flags(name) => format!("Flags<{name}>"),
        Ty::List(element) => format!("Vec<{}>", ty_text(element)),
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            "type-added" => "added type",
            "type-removed" => "removed type",
            "kind-changed" => "changed the kind of",
            "docs-changed" => "changed the docs of",
            "property-added" => "added property",
            "property-removed" => "removed property",
            "property-type-changed" => "changed the type of property",
            "property-docs-changed" => "changed the docs of property",
            "property-nullability-changed" => "changed the nullability of property",
            "member-added" => "added member",
            "member-removed" => "removed member",
            "subtype-added" => "added subtype",
            "subtype-removed" => "removed subtype",
            "family-joined" => "existing type joined a polymorphic family:",
            "variant-boxing-changed" => "changed the boxing of variant",
            other => other,
        };
        write!(f, "{what} `{}` (`{}`)", self.subject, self.rust)?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        if let Some(note) = &self.note {
            write!(f, "; {note}")?;
        }
        Ok(())
    }
}

/// The human report: changes grouped by effect, then the release they need.
pub fn report(changes: &[Change]) -> String {
    let mut out = String::new();
    let groups = [
        (Effect::Major, "Breaking changes (major)"),
        (Effect::Minor, "Compatible additions (minor)"),
        (Effect::Patch, "Documentation only (patch)"),
    ];
    for (effect, heading) in groups {
        let group: Vec<&Change> = changes.iter().filter(|it| it.effect == effect).collect();
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!("{heading}:\n"));
        for change in group {
            out.push_str(&format!("  {change}\n"));
        }
        out.push('\n');
    }
    if changes.is_empty() {
        out.push_str("No changes to the generated API.\n");
    }
    out.push_str(&match bump(changes) {
        Some(effect) => format!("Release: {} (graph-models is below 1.0, so {})\n", effect.as_str(), pre_one(effect)),
        None => "Release: none needed\n".to_owned(),
    });
    out
}

/// What an effect means for a `0.y.z` version, where Cargo treats `y` as the major number.
fn pre_one(effect: Effect) -> &'static str {
    match effect {
        Effect::Major => "raise the minor version: 0.y.z → 0.(y+1).0",
        Effect::Minor | Effect::Patch => "raise the patch version: 0.y.z → 0.y.(z+1)",
    }
}

/// The report as JSON, for tools: `{"bump": ..., "changes": [...]}`, keys in a fixed order.
pub fn to_json(changes: &[Change]) -> serde_json::Value {
    let entries: Vec<serde_json::Value> = changes
        .iter()
        .map(|change| {
            serde_json::json!({
                "effect": change.effect.as_str(),
                "kind": change.kind,
                "subject": change.subject,
                "rust": change.rust,
                "detail": change.detail,
                "note": change.note,
            })
        })
        .collect();
    serde_json::json!({"bump": bump(changes).map_or("none", Effect::as_str), "changes": entries})
}
