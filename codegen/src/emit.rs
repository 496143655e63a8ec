//! EMIT: IR → tokens. Infallible and free of decisions: each function translates one IR node.

use crate::ir::{Docs, Enum, Field, Item, ItemKind, Model, Provenance, Struct, Ty, Union, UnionVariant, Variant};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The tokens of every item of the model, in model order.
pub fn emit(model: &Model) -> TokenStream {
    let Model { items, provenance } = model;
    let provenance = emit_provenance(provenance);
    let items = items.iter().map(emit_item);
    quote! { #provenance #(#items)* }
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
    let Struct { fields, additional, expecting } = strukt;
    let additional = self::ident(&additional.rust);
    let declarations = fields.iter().map(emit_field);
    let field_idents: Vec<_> = fields.iter().map(|it| self::ident(&it.name.rust)).collect();
    let wires: Vec<_> = fields.iter().map(|it| it.name.wire.as_str()).collect();
    quote! {
        #docs
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, ::core::default::Default)]
        #[non_exhaustive]
        pub struct #ident {
            #(#declarations)*
            /// Properties the schema does not declare (`@odata.type`, `@odata.context`, new service
            /// properties, ...), kept verbatim and written back.
            pub #additional: crate::AdditionalProperties,
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                let mut writer = crate::ser::StructWriter::begin(serializer, &self.#additional)?;
                #(writer.property(#wires, &self.#field_idents)?;)*
                writer.end(&self.#additional)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = #ident;
                    fn expecting(&self, formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        formatter.write_str(#expecting)
                    }
                    fn visit_map<A>(self, mut map: A) -> ::core::result::Result<#ident, A::Error>
                    where
                        A: ::serde::de::MapAccess<'de>,
                    {
                        let mut value = <#ident as ::core::default::Default>::default();
                        while let ::core::option::Option::Some(key) = map.next_key::<crate::de::Key<'de>>()? {
                            match key.as_str() {
                                #(#wires => value.#field_idents = map.next_value()?,)*
                                _ => crate::de::additional(&mut map, &mut value.#additional, key)?,
                            }
                        }
                        ::core::result::Result::Ok(value)
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
    }
}

fn emit_field(field: &Field) -> TokenStream {
    let Field { name, docs, ty, boxed, nullable: _, origin: _ } = field;
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
        #[derive(
            ::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash,
            ::serde::Serialize,
        )]
        #[non_exhaustive]
        pub enum #ident {
            #(#declarations)*
            /// A value this schema does not know, kept verbatim and written back unchanged.
            #[serde(untagged)]
            #fallback(::std::string::String),
        }

        impl #ident {
            /// Every member the schema declares, in declared order.
            pub const MEMBERS: &'static [Self] = &[#(Self::#variant_idents),*];

            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variant_idents => #wires,)*
                    Self::#fallback(value) => value,
                }
            }
        }

        impl ::core::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#variant_idents,)*
                    other => Self::#fallback(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                crate::de::enum_member(deserializer, #expecting)
            }
        }

        impl ::core::str::FromStr for #ident {
            type Err = ::core::convert::Infallible;
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(Self::from(value))
            }
        }

        impl ::core::convert::AsRef<str> for #ident {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::core::fmt::Display for #ident {
            fn fmt(&self, formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }
    }
}

fn emit_variant(variant: &Variant) -> TokenStream {
    let Variant { name, docs, origin: _ } = variant;
    let ident = ident(&name.rust);
    let docs = emit_docs(docs);
    let wire = &name.wire;
    quote! {
        #docs
        #[serde(rename = #wire)]
        #ident,
    }
}

fn emit_union(ident: &Ident, docs: TokenStream, union: &Union) -> TokenStream {
    let Union { variants, untagged, fallback, additional, shared } = union;
    let fallback = self::ident(&fallback.rust);
    let additional = self::ident(&additional.rust);
    let declarations = variants.iter().map(emit_union_variant);
    let variant_idents: Vec<_> = variants.iter().map(|it| self::ident(&it.name.rust)).collect();
    let discriminators: Vec<_> = variants.iter().map(|it| it.discriminator.as_str()).collect();
    let accessors = shared.iter().map(|field| emit_accessor(field, &variant_idents, &fallback));
    let untagged = match untagged {
        Some(name) => {
            let name = self::ident(name);
            quote!(::serde::Deserialize::deserialize(deserializer).map(Self::#name))
        }
        None => quote!(::serde::Deserialize::deserialize(deserializer).map(Self::#fallback)),
    };
    quote! {
        #docs
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        #[non_exhaustive]
        pub enum #ident {
            #(#declarations)*
            /// An object of a type this schema does not know, kept whole and written back unchanged.
            #fallback(crate::AdditionalProperties),
        }

        impl #ident {
            /// The `@odata.type` of every concrete type this enum knows, in variant order.
            pub const ODATA_TYPES: &'static [&'static str] = &[#(#discriminators),*];

            /// The properties of the value that its type does not declare, `@odata.type` among them.
            pub fn additional_properties(&self) -> &crate::AdditionalProperties {
                match self {
                    #(Self::#variant_idents(value) => &value.#additional,)*
                    Self::#fallback(object) => object,
                }
            }

            /// The undeclared properties, mutably.
            pub fn additional_properties_mut(&mut self) -> &mut crate::AdditionalProperties {
                match self {
                    #(Self::#variant_idents(value) => &mut value.#additional,)*
                    Self::#fallback(object) => object,
                }
            }

            /// The `@odata.type` the payload carried, if any.
            pub fn odata_type(&self) -> ::core::option::Option<&str> {
                crate::poly::odata_type(self.additional_properties())
            }

            #(#accessors)*
        }

        impl crate::poly::Dispatch for #ident {
            fn dispatch<'de, D>(odata_type: ::core::option::Option<&str>, deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                match odata_type {
                    #(::core::option::Option::Some(#discriminators) => ::serde::Deserialize::deserialize(deserializer).map(Self::#variant_idents),)*
                    ::core::option::Option::None => #untagged,
                    ::core::option::Option::Some(_) => ::serde::Deserialize::deserialize(deserializer).map(Self::#fallback),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                crate::poly::deserialize(deserializer)
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                match self {
                    #(Self::#variant_idents(value) => ::serde::Serialize::serialize(value, serializer),)*
                    Self::#fallback(object) => ::serde::Serialize::serialize(object, serializer),
                }
            }
        }
    }
}

/// A method returning a property every known variant has; `None` for the fallback.
fn emit_accessor(field: &Field, variant_idents: &[Ident], fallback: &Ident) -> TokenStream {
    let Field { name, docs: _, ty, boxed, nullable: _, origin: _ } = field;
    let ident = ident(&name.rust);
    let ty = emit_value_ty(ty, *boxed);
    let doc = format!(" `{}`, which every type listed here has; `None` for [`Self::{fallback}`].", name.wire);
    quote! {
        #[doc = #doc]
        pub fn #ident(&self) -> ::core::option::Option<&crate::Property<#ty>> {
            match self {
                #(Self::#variant_idents(value) => ::core::option::Option::Some(&value.#ident),)*
                Self::#fallback(_) => ::core::option::Option::None,
            }
        }
    }
}

fn emit_union_variant(variant: &UnionVariant) -> TokenStream {
    let UnionVariant { name, ty, boxed, discriminator: _, docs } = variant;
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
