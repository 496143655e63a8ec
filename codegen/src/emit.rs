//! EMIT: IR → tokens. Infallible and free of decisions: each function translates one IR node.
//!
//! Only what varies with the schema is emitted: the types, their JSON names and one `match` each.
//! The serde code they share is hand-written in `graph-models` (`model.rs`, `enums.rs`,
//! `poly.rs`), and the file ends with one invocation per kind that attaches it to every type.

use crate::ir::{
    Docs, Enum, EvolvableProperty, Field, Item, ItemKind, Model, Provenance, Struct, Ty, Union, UnionVariant, Variant,
};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The tokens of every item of the model, in model order.
pub fn emit(model: &Model) -> TokenStream {
    let Model { items, provenance, evolvable } = model;
    let provenance = emit_provenance(provenance);
    let evolvable = emit_evolvable(evolvable);
    let emitted = items.iter().map(emit_item);
    let of_kind = |keep: fn(&ItemKind) -> bool| -> Vec<Ident> {
        items.iter().filter(|it| keep(&it.kind)).map(|it| ident(&it.name.rust)).collect()
    };
    let structs = of_kind(|kind| matches!(kind, ItemKind::Struct(_)));
    let enums = of_kind(|kind| matches!(kind, ItemKind::Enum(_)));
    let unions = of_kind(|kind| matches!(kind, ItemKind::Union(_)));
    let additional = items.iter().find_map(|it| match &it.kind {
        ItemKind::Struct(strukt) => Some(ident(&strukt.additional.rust)),
        _ => None,
    });
    let models = additional.map(|additional| quote!(crate::model::impl_models!(#additional: #(#structs),*);));
    let fallback = items.iter().find_map(|it| match &it.kind {
        ItemKind::Enum(en) => Some(ident(&en.fallback.rust)),
        _ => None,
    });
    let open_enums = fallback.map(|fallback| quote!(crate::enums::impl_open_enum!(#fallback: #(#enums),*);));
    quote! {
        #provenance
        #evolvable
        #(#emitted)*
        #models
        #open_enums
        crate::poly::impl_union!(#(#unions),*);
    }
}

fn emit_provenance(provenance: &Provenance) -> TokenStream {
    let Provenance { schema_sha256, metadata } = provenance;
    let (file, sha256) = match metadata {
        Some((file, sha256)) => {
            (quote!(::core::option::Option::Some(#file)), quote!(::core::option::Option::Some(#sha256)))
        }
        None => (quote!(::core::option::Option::None), quote!(::core::option::Option::None)),
    };
    quote! {
        /// Where these models come from: the schema they were generated from and the Graph
        /// metadata that schema was imported from.
        pub const PROVENANCE: crate::Provenance = crate::Provenance {
            schema_sha256: #schema_sha256,
            metadata_file: #file,
            metadata_sha256: #sha256,
        };
    }
}

fn emit_evolvable(evolvable: &[EvolvableProperty]) -> TokenStream {
    let entries = evolvable.iter().map(|EvolvableProperty { property, members }| quote!((#property, &[#(#members),*])));
    quote! {
        /// Each property that holds one member of an enum with evolvable members, with those
        /// members: the values the service sends as `unknownFutureValue` unless the request has
        /// `Prefer: include-unknown-enum-members`.
        pub const EVOLVABLE_PROPERTIES: &[(&str, &[&str])] = &[#(#entries),*];
    }
}

fn emit_item(item: &Item) -> TokenStream {
    let Item { name, docs, kind, origin: _ } = item;
    let ident = ident(&name.rust);
    let docs = emit_docs(docs);
    match kind {
        ItemKind::Struct(strukt) => emit_struct(&ident, docs, strukt),
        ItemKind::Enum(en) => emit_enum(&ident, docs, en),
        ItemKind::Union(union) => emit_union(&ident, docs, union),
    }
}

fn emit_struct(ident: &Ident, docs: TokenStream, strukt: &Struct) -> TokenStream {
    let Struct { fields, additional, expecting, redacted_debug } = strukt;
    let additional = self::ident(&additional.rust);
    let declarations = fields.iter().map(emit_field);
    let field_idents: Vec<_> = fields.iter().map(|it| self::ident(&it.name.rust)).collect();
    let wires: Vec<_> = fields.iter().map(|it| it.name.wire.as_str()).collect();
    let (derive, debug) = match redacted_debug {
        false => (quote!(#[derive(Debug, Clone, PartialEq, Default)]), TokenStream::new()),
        true => (quote!(#[derive(Clone, PartialEq, Default)]), emit_redacted_debug(ident, strukt)),
    };
    quote! {
        #docs
        #derive
        #[non_exhaustive]
        pub struct #ident {
            #(#declarations)*
            /// Properties the schema does not declare, kept as their JSON text and written back.
            pub #additional: crate::AdditionalProperties,
        }

        impl crate::model::Model for #ident {
            const EXPECTING: &'static str = #expecting;

            fn write<W: crate::model::Write>(&self, out: W) -> W {
                out #(.property(#wires, &self.#field_idents))*
            }

            fn read<R: crate::model::Read>(&mut self, read: R) -> R::Done {
                match read.key() {
                    #(#wires => read.value(&mut self.#field_idents),)*
                    _ => read.other(&mut self.#additional),
                }
            }
        }

        #debug
    }
}

/// `Debug` as derived would write it, but with sensitive fields through `crate::Redacted`.
fn emit_redacted_debug(ident: &Ident, strukt: &Struct) -> TokenStream {
    let name = ident.to_string();
    let fields = strukt.fields.iter().map(|field| {
        let label = field.name.rust.strip_prefix("r#").unwrap_or(&field.name.rust);
        let member = self::ident(&field.name.rust);
        match field.sensitive {
            true => quote!(.field(#label, &crate::Redacted(&self.#member))),
            false => quote!(.field(#label, &self.#member)),
        }
    });
    let (additional_label, additional) = (strukt.additional.rust.as_str(), self::ident(&strukt.additional.rust));
    quote! {
        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#name)
                    #(#fields)*
                    .field(#additional_label, &self.#additional)
                    .finish()
            }
        }
    }
}

fn emit_field(field: &Field) -> TokenStream {
    let Field { name, docs, ty, boxed, nullable: _, sensitive: _, origin: _ } = field;
    let ident = ident(&name.rust);
    let docs = emit_docs(docs);
    let ty = emit_value_ty(ty, *boxed);
    quote! {
        #docs
        pub #ident: crate::Property<#ty>,
    }
}

/// The type inside a field's `Property`.
fn emit_value_ty(ty: &Ty, boxed: bool) -> TokenStream {
    let ty = emit_ty(ty);
    if boxed {
        quote!(::std::boxed::Box<#ty>)
    } else {
        ty
    }
}

fn emit_ty(ty: &Ty) -> TokenStream {
    match ty {
        Ty::String | Ty::Binary => quote!(::std::string::String),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::DateTimeOffset => quote!(crate::DateTimeOffset),
        Ty::Duration => quote!(crate::Duration),
        Ty::Named(name) => {
            let ident = ident(name);
            quote!(crate::#ident)
        }
        Ty::Flags(name) => {
            let ident = ident(name);
            quote!(crate::Flags<crate::#ident>)
        }
        Ty::List(element) => {
            let element = emit_ty(element);
            quote!(::std::vec::Vec<#element>)
        }
    }
}

fn emit_enum(ident: &Ident, docs: TokenStream, en: &Enum) -> TokenStream {
    let Enum { variants, fallback, expecting } = en;
    let fallback = self::ident(&fallback.rust);
    let declarations = variants.iter().map(emit_variant);
    let variant_idents: Vec<_> = variants.iter().map(|it| self::ident(&it.name.rust)).collect();
    let wires: Vec<_> = variants.iter().map(|it| it.name.wire.as_str()).collect();
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident {
            #(#declarations)*
            /// A value this schema does not know, kept verbatim and written back unchanged.
            #fallback(::std::string::String),
        }

        impl crate::OpenEnum for #ident {
            const MEMBERS: &'static [(Self, &'static str)] = &[#((Self::#variant_idents, #wires)),*];
            const EXPECTING: &'static str = #expecting;
        }
    }
}

fn emit_variant(variant: &Variant) -> TokenStream {
    let Variant { name, docs, origin: _ } = variant;
    let ident = ident(&name.rust);
    let docs = emit_docs(docs);
    quote! {
        #docs
        #ident,
    }
}

fn emit_union(ident: &Ident, docs: TokenStream, union: &Union) -> TokenStream {
    let Union { variants, untagged, fallback, shared } = union;
    let all: Vec<&UnionVariant> = variants.iter().chain([fallback]).collect();
    let declarations = all.iter().map(|it| emit_union_variant(it));
    let discriminators: Vec<&str> = variants.iter().filter_map(|it| it.discriminator.as_deref()).collect();
    let untagged = match untagged {
        Some(index) => quote!(::core::option::Option::Some(#index)),
        None => quote!(::core::option::Option::None),
    };
    let indexes = (0..variants.len()).map(proc_macro2::Literal::usize_unsuffixed);
    let variant_types: Vec<_> = variants.iter().map(|it| self::ident(&it.ty)).collect();
    let fallback_ident = self::ident(&fallback.name.rust);
    let fallback_type = self::ident(&fallback.ty);
    let wrap_fallback = if fallback.boxed {
        quote!(|value: crate::#fallback_type| Self::#fallback_ident(::std::boxed::Box::new(value)))
    } else {
        quote!(Self::#fallback_ident)
    };
    let all_idents: Vec<_> = all.iter().map(|it| self::ident(&it.name.rust)).collect();
    let all_indexes = (0..all.len()).map(proc_macro2::Literal::usize_unsuffixed);
    let held: Vec<_> = all.iter().map(|it| if it.boxed { quote!(&**value) } else { quote!(value) }).collect();
    let accessors = shared.iter().map(|field| emit_accessor(field, &all_idents));
    let conversions = all.iter().filter(|it| it.converts_from).map(|it| emit_from(ident, it));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #ident {
            #(#declarations)*
        }

        impl #ident {
            /// The `@odata.type` of every concrete type this enum knows, in variant order.
            pub const ODATA_TYPES: &'static [&'static str] = &[#(#discriminators),*];

            #(#accessors)*
        }

        impl crate::poly::Union for #ident {
            const DISCRIMINATORS: &'static [&'static str] = Self::ODATA_TYPES;
            const UNTAGGED: ::core::option::Option<usize> = #untagged;

            fn read<O: crate::poly::ReadVariant<Self>>(variant: usize, object: O) -> O::Done {
                match variant {
                    #(#indexes => object.to::<crate::#variant_types>(),)*
                    _ => object.map(#wrap_fallback),
                }
            }

            fn variant<'a, V: crate::poly::VisitVariant<'a>>(&'a self, visit: V) -> V::Output {
                match self {
                    #(Self::#all_idents(value) => visit.visit(#held, #all_indexes),)*
                }
            }
        }

        #(#conversions)*
    }
}

/// A method returning a property every variant's struct has.
fn emit_accessor(field: &Field, variant_idents: &[Ident]) -> TokenStream {
    let Field { name, docs: _, ty, boxed, nullable: _, sensitive: _, origin: _ } = field;
    let ident = ident(&name.rust);
    let ty = emit_value_ty(ty, *boxed);
    let doc = format!(" `{}`, which every type of the family has.", name.wire);
    quote! {
        #[doc = #doc]
        pub fn #ident(&self) -> &crate::Property<#ty> {
            match self {
                #(Self::#variant_idents(value) => &value.#ident,)*
            }
        }
    }
}

/// `From` the struct a variant holds; the fallback's struct becomes the fallback.
fn emit_from(union: &Ident, variant: &UnionVariant) -> TokenStream {
    let UnionVariant { name, ty, boxed, discriminator: _, converts_from: _, docs: _ } = variant;
    let variant = ident(&name.rust);
    let ty = ident(ty);
    let value = if *boxed { quote!(::std::boxed::Box::new(value)) } else { quote!(value) };
    quote! {
        impl ::core::convert::From<crate::#ty> for #union {
            fn from(value: crate::#ty) -> Self {
                Self::#variant(#value)
            }
        }
    }
}

fn emit_union_variant(variant: &UnionVariant) -> TokenStream {
    let UnionVariant { name, ty, boxed, discriminator: _, converts_from: _, docs } = variant;
    let ident = ident(&name.rust);
    let ty = self::ident(ty);
    let ty = if *boxed { quote!(::std::boxed::Box<crate::#ty>) } else { quote!(crate::#ty) };
    let docs = emit_docs(docs);
    quote! {
        #docs
        #ident(#ty),
    }
}

fn emit_docs(docs: &Docs) -> TokenStream {
    let Docs(lines) = docs;
    let lines = lines.iter().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") });
    quote! { #(#[doc = #lines])* }
}

/// `names` guarantees a valid identifier, raw (`r#type`) where needed.
fn ident(name: &str) -> Ident {
    format_ident!("{}", name)
}
