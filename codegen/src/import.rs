//! MERGE: the selection from the metadata into the curated schema.
//!
//! Upstream decides the facts: which types, properties and enum members exist, in which order,
//! and their kinds, bases, types, collection-ness and nullability. The curated files keep what
//! only they know: descriptions, `sensitive`, `polymorphic`, `root`, `stub`, and which file a type
//! lives in.
//! New types go to the file of their base type, else to the file of the type that first reached
//! them; a new root starts a file of its own. Every change is reported as one line.

use crate::closure::{self, Selection, DEFAULT_ROOTS};
use crate::csdl::Metadata;
use crate::error::Errors;
use crate::layout;
use crate::schema::{EnumDef, FileContent, MemberDef, MetadataOrigin, PropertyDef, SchemaFile, TypeDef};
use heck::ToKebabCase;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The file the importer records the metadata origin in, unless another file already has it.
pub const ORIGIN_FILE: &str = "origin.json";

/// The schema after an import: every file's new text, and what changed.
#[derive(Debug, Clone)]
pub struct Import {
    /// The schema folder's name, as files are shown: `schema`.
    pub dir_name: String,
    /// Every file of the new schema by file name, with its text.
    pub files: BTreeMap<String, String>,
    /// Files of the current schema that the new one no longer has.
    pub removed_files: Vec<String>,
    /// One line per change, in file order.
    pub changes: Vec<String>,
}

impl Import {
    /// Whether the schema on disk already matches: nothing changed and every file is in the
    /// importer's layout.
    pub fn is_current(&self, current: &[SchemaFile]) -> bool {
        let texts: BTreeMap<&str, &str> = current.iter().map(|it| (it.file_name(), it.source.as_str())).collect();
        self.changes.is_empty()
            && self.removed_files.is_empty()
            && self.files.len() == texts.len()
            && self.files.iter().all(|(name, text)| texts.get(name.as_str()) == Some(&text.as_str()))
    }

    /// The lines to print: the changes, then each file that differs only in layout.
    pub fn report(&self, current: &[SchemaFile]) -> Vec<String> {
        let mut lines = self.changes.clone();
        let texts: BTreeMap<&str, &str> = current.iter().map(|it| (it.file_name(), it.source.as_str())).collect();
        let changed: BTreeSet<&str> = self.changes.iter().filter_map(|it| it.split(": ").next()).collect();
        for (name, text) in &self.files {
            let shown = format!("{}/{name}", self.dir_name);
            if texts.get(name.as_str()).is_some_and(|old| old != text) && !changed.contains(shown.as_str()) {
                lines.push(format!("{shown}: rewritten in the importer's layout"));
            }
        }
        lines
    }

    /// Writes the new schema into `dir`: every changed file is first written beside its
    /// destination, and only once all are written are they renamed into place and removed files
    /// deleted, so a failed write (a full disk) leaves the schema as it was. An error names the
    /// file.
    pub fn write(&self, dir: &Path) -> Result<(), String> {
        let fail = |path: &Path, err: std::io::Error| format!("{}: {err}", path.display());
        std::fs::create_dir_all(dir).map_err(|err| fail(dir, err))?;
        let mut written = Vec::new();
        for (name, text) in &self.files {
            let path = dir.join(name);
            if std::fs::read_to_string(&path).is_ok_and(|old| old == *text) {
                continue;
            }
            let partial = dir.join(format!(".{name}.partial"));
            if let Err(err) = std::fs::write(&partial, text) {
                for partial in written.iter().map(|(partial, _)| partial).chain([&partial]) {
                    let _ = std::fs::remove_file(partial);
                }
                return Err(fail(&path, err));
            }
            written.push((partial, path));
        }
        for (partial, path) in &written {
            std::fs::rename(partial, path).map_err(|err| fail(path, err))?;
        }
        for name in &self.removed_files {
            let path = dir.join(name);
            std::fs::remove_file(&path).map_err(|err| fail(&path, err))?;
        }
        Ok(())
    }
}

/// Imports `metadata` into the schema `current` (read from a folder named `dir_name`; empty for
/// an empty or missing folder). The new schema is checked as the generator checks it; nothing is
/// returned unless it is valid.
pub fn import(metadata: &Metadata, current: &[SchemaFile], dir_name: &str) -> Result<Import, Errors> {
    let curated_types = current.iter().flat_map(|file| &file.content.types);
    let mut roots: Vec<String> = curated_types.clone().filter(|it| it.root).map(|it| it.name.clone()).collect();
    if roots.is_empty() {
        roots = DEFAULT_ROOTS.iter().map(|it| (*it).to_owned()).collect();
    }
    let stubs: BTreeSet<String> = curated_types.filter(|it| it.stub).map(|it| it.name.clone()).collect();
    let selection = closure::select(metadata, &roots, &stubs)?;
    let origin = MetadataOrigin {
        file: Path::new(&metadata.file)
            .file_name()
            .map_or_else(|| metadata.file.clone(), |it| it.to_string_lossy().into_owned()),
        sha256: metadata.sha256.clone(),
    };
    let mut merge = Merge { dir_name, files: BTreeMap::new(), placed: BTreeMap::new(), changes: Vec::new() };
    merge.curated(current, &selection);
    merge.new_declarations(&selection);
    merge.origin(origin);
    let removed_files: Vec<String> = current
        .iter()
        .map(|it| it.file_name().to_owned())
        .filter(|name| merge.files.get(name).is_none_or(is_empty))
        .collect();
    for name in &removed_files {
        merge.changes.push(format!("{dir_name}/{name}: removed, nothing is left in it"));
    }
    let files: BTreeMap<String, String> = merge
        .files
        .iter()
        .filter(|(_, content)| !is_empty(content))
        .map(|(name, content)| (name.clone(), layout::to_text(content)))
        .collect();
    validate(dir_name, &files)?;
    Ok(Import { dir_name: dir_name.to_owned(), files, removed_files, changes: merge.changes })
}

/// The new schema, parsed and generated as `build.rs` would: an import never leaves a schema
/// that does not build.
fn validate(dir_name: &str, files: &BTreeMap<String, String>) -> Result<(), Errors> {
    let mut errors = Errors::default();
    let mut parsed = Vec::new();
    for (name, text) in files {
        match crate::schema::parse(&format!("{dir_name}/{name}"), text) {
            Ok(file) => parsed.push(file),
            Err(error) => errors.0.push(error),
        }
    }
    errors.finish(())?;
    crate::generate_files(&parsed).map(|_| ())
}

fn is_empty(content: &FileContent) -> bool {
    content.types.is_empty() && content.enums.is_empty() && content.origin.is_none()
}

/// The schema being built, file by file.
struct Merge<'a> {
    dir_name: &'a str,
    files: BTreeMap<String, FileContent>,
    /// Which file each declared name lives in.
    placed: BTreeMap<String, String>,
    changes: Vec<String>,
}

impl Merge<'_> {
    fn change(&mut self, file: &str, text: String) {
        self.changes.push(format!("{}/{file}: {text}", self.dir_name));
    }

    /// The curated declarations, updated from upstream in their files and order; those upstream
    /// no longer has are dropped.
    fn curated(&mut self, current: &[SchemaFile], selection: &Selection) {
        let upstream_types: BTreeMap<&str, &TypeDef> =
            selection.types.iter().map(|it| (it.def.name.as_str(), &it.def)).collect();
        let upstream_enums: BTreeMap<&str, &EnumDef> =
            selection.enums.iter().map(|it| (it.def.name.as_str(), &it.def)).collect();
        for file in current {
            let name = file.file_name().to_owned();
            let mut content = FileContent {
                json_schema: file.content.json_schema.clone(),
                types: Vec::new(),
                enums: Vec::new(),
                origin: file.content.origin.clone(),
            };
            for ty in &file.content.types {
                match upstream_types.get(ty.name.as_str()) {
                    Some(upstream) => {
                        let merged = self.merge_type(&name, ty, upstream);
                        content.types.push(merged);
                        self.placed.insert(ty.name.clone(), name.clone());
                    }
                    None => {
                        self.change(&name, format!("removed type `{}`, which the metadata no longer reaches", ty.name))
                    }
                }
            }
            for en in &file.content.enums {
                match upstream_enums.get(en.name.as_str()) {
                    Some(upstream) => {
                        let merged = self.merge_enum(&name, en, upstream);
                        content.enums.push(merged);
                        self.placed.insert(en.name.clone(), name.clone());
                    }
                    None => {
                        self.change(&name, format!("removed enum `{}`, which the metadata no longer reaches", en.name))
                    }
                }
            }
            self.files.insert(name, content);
        }
    }

    /// Types and enums upstream has and the curated schema does not, in the order reached.
    fn new_declarations(&mut self, selection: &Selection) {
        for selected in &selection.types {
            let def = &selected.def;
            if self.placed.contains_key(&def.name) {
                continue;
            }
            let near =
                def.base.as_ref().filter(|base| self.placed.contains_key(*base)).or(selected.reached_from.as_ref());
            let file = self.file_near(near, &def.name);
            self.change(&file, format!("added type `{}`", def.name));
            self.placed.insert(def.name.clone(), file.clone());
            self.file(&file).types.push(def.clone());
        }
        for selected in &selection.enums {
            let def = &selected.def;
            if self.placed.contains_key(&def.name) {
                continue;
            }
            let file = self.file_near(selected.reached_from.as_ref(), &def.name);
            self.change(&file, format!("added enum `{}`", def.name));
            self.placed.insert(def.name.clone(), file.clone());
            self.file(&file).enums.push(def.clone());
        }
    }

    /// Records where the schema comes from, in the file that already does or in `origin.json`.
    fn origin(&mut self, origin: MetadataOrigin) {
        let file = self
            .files
            .iter()
            .find(|(_, content)| content.origin.is_some())
            .map_or_else(|| ORIGIN_FILE.to_owned(), |(name, _)| name.clone());
        let content = self.file(&file);
        if content.origin.as_ref() == Some(&origin) {
            return;
        }
        content.origin = Some(origin.clone());
        self.change(&file, format!("imported from `{}` (sha256 {})", origin.file, origin.sha256));
    }

    /// The file for a new declaration: that of `near`, else one named after the declaration.
    fn file_near(&self, near: Option<&String>, name: &str) -> String {
        near.and_then(|it| self.placed.get(it)).cloned().unwrap_or_else(|| format!("{}.json", name.to_kebab_case()))
    }

    fn file(&mut self, name: &str) -> &mut FileContent {
        self.files.entry(name.to_owned()).or_insert_with(|| FileContent {
            json_schema: Some(layout::FORMAT_REFERENCE.to_owned()),
            types: Vec::new(),
            enums: Vec::new(),
            origin: None,
        })
    }

    fn merge_type(&mut self, file: &str, curated: &TypeDef, upstream: &TypeDef) -> TypeDef {
        let name = &curated.name;
        let facts = [
            ("kind", format!("{:?}", curated.kind).to_lowercase(), format!("{:?}", upstream.kind).to_lowercase()),
            ("base", shown(curated.base.as_deref()), shown(upstream.base.as_deref())),
            ("abstract", curated.is_abstract.to_string(), upstream.is_abstract.to_string()),
            ("open", curated.open.to_string(), upstream.open.to_string()),
            ("odataType", curated.odata_type.clone(), upstream.odata_type.clone()),
        ];
        for (fact, old, new) in facts {
            if old != new {
                self.change(file, format!("changed type `{name}`: {fact} {old} → {new}"));
            }
        }
        if curated.stub != upstream.stub && !curated.stub {
            self.change(file, format!("changed type `{name}`: it is only referenced now, so it becomes a stub"));
        }
        let properties = self.merge_properties(file, name, &curated.properties, &upstream.properties);
        TypeDef {
            name: name.clone(),
            kind: upstream.kind,
            base: upstream.base.clone(),
            is_abstract: upstream.is_abstract,
            polymorphic: curated.polymorphic,
            open: upstream.open,
            root: curated.root,
            stub: curated.stub || upstream.stub,
            odata_type: upstream.odata_type.clone(),
            description: curated.description.clone(),
            properties,
        }
    }

    /// The metadata's properties of `owner`, in the curated order (Graph's wire order, which the
    /// metadata does not carry: it lists properties alphabetically), new ones after them in the
    /// metadata's order.
    fn merge_properties(
        &mut self,
        file: &str,
        owner: &str,
        curated: &[PropertyDef],
        upstream: &[PropertyDef],
    ) -> Vec<PropertyDef> {
        let by_name: BTreeMap<&str, &PropertyDef> = upstream.iter().map(|it| (it.name.as_str(), it)).collect();
        let mut merged = Vec::new();
        for old in curated {
            let Some(property) = by_name.get(old.name.as_str()) else {
                self.change(file, format!("removed property `{owner}.{}`", old.name));
                continue;
            };
            let (before, after) = (property_shape(old), property_shape(property));
            if before != after {
                self.change(file, format!("changed property `{owner}.{}`: {before} → {after}", property.name));
            }
            merged.push(PropertyDef {
                description: old.description.clone(),
                sensitive: old.sensitive,
                ..(*property).clone()
            });
        }
        let kept: BTreeSet<&str> = curated.iter().map(|it| it.name.as_str()).collect();
        for property in upstream.iter().filter(|it| !kept.contains(it.name.as_str())) {
            self.change(file, format!("added property `{owner}.{}`: {}", property.name, property_shape(property)));
            merged.push(property.clone());
        }
        merged
    }

    fn merge_enum(&mut self, file: &str, curated: &EnumDef, upstream: &EnumDef) -> EnumDef {
        let name = &curated.name;
        if curated.flags != upstream.flags {
            self.change(file, format!("changed enum `{name}`: flags {} → {}", curated.flags, upstream.flags));
        }
        let by_name: BTreeMap<&str, &MemberDef> = curated.members.iter().map(|it| (it.name.as_str(), it)).collect();
        let mut members = Vec::new();
        for member in &upstream.members {
            match by_name.get(member.name.as_str()) {
                Some(old) => members.push((*old).clone()),
                None => {
                    self.change(file, format!("added member `{name}.{}`", member.name));
                    members.push(member.clone());
                }
            }
        }
        let kept: BTreeSet<&str> = upstream.members.iter().map(|it| it.name.as_str()).collect();
        for member in curated.members.iter().filter(|it| !kept.contains(it.name.as_str())) {
            self.change(file, format!("removed member `{name}.{}`", member.name));
        }
        if in_other_order(curated.members.iter().map(|it| &it.name), upstream.members.iter().map(|it| &it.name)) {
            self.change(file, format!("reordered the members of `{name}` as the metadata declares them"));
        }
        EnumDef { name: name.clone(), flags: upstream.flags, description: curated.description.clone(), members }
    }
}

/// Whether the names both lists share come in another order.
fn in_other_order<'a>(old: impl Iterator<Item = &'a String>, new: impl Iterator<Item = &'a String>) -> bool {
    let old: Vec<&String> = old.collect();
    let new: Vec<&String> = new.collect();
    let shared_old: Vec<&&String> = old.iter().filter(|it| new.contains(it)).collect();
    let shared_new: Vec<&&String> = new.iter().filter(|it| old.contains(it)).collect();
    shared_old != shared_new
}

/// `` `String[]`, not nullable, navigation ``.
fn property_shape(property: &PropertyDef) -> String {
    let mut shape = format!("`{}{}`", property.type_name, if property.collection { "[]" } else { "" });
    if !property.nullable {
        shape.push_str(", not nullable");
    }
    if property.navigation {
        shape.push_str(", navigation");
    }
    shape
}

fn shown(name: Option<&str>) -> String {
    name.map_or_else(|| "none".to_owned(), |it| format!("`{it}`"))
}
