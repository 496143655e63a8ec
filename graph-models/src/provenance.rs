//! [`Provenance`]: which schema, and which Graph metadata, the generated models come from.

/// Where the generated models come from; the generated [`crate::PROVENANCE`] is this crate's.
///
/// ```
/// let provenance = graph_models::PROVENANCE;
/// assert_eq!(provenance.schema_sha256.len(), 64);
/// assert!(provenance.metadata_file.is_some_and(|file| file.ends_with("cleanMetadata.xml.gz")));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Provenance {
    /// The SHA-256 of the schema files (names and texts, in name order), in hex: two builds with
    /// the same value were generated from the same schema.
    pub schema_sha256: &'static str,
    /// The Graph CSDL metadata file the schema was last imported from (`codegen import`).
    pub metadata_file: Option<&'static str>,
    /// The SHA-256 of that file, in hex.
    pub metadata_sha256: Option<&'static str>,
}
