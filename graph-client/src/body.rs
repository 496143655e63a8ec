//! Reading a response body up to a size limit, for Graph and the token endpoint alike.

/// Why a body could not be read.
pub(crate) enum BodyError {
    /// The connection failed while reading.
    Transport(reqwest::Error),
    /// The body is larger than the limit (announced or received).
    TooLarge { content_length: Option<u64> },
}

/// Reads a body up to `limit` bytes (after decompression), refusing an announced larger one
/// before reading. A body that arrives in one chunk is returned without a copy.
pub(crate) async fn read_limited(mut response: reqwest::Response, limit: u64) -> Result<bytes::Bytes, BodyError> {
    let content_length = response.content_length();
    if content_length.is_some_and(|length| length > limit) {
        return Err(BodyError::TooLarge { content_length });
    }
    let mut single: Option<bytes::Bytes> = None;
    let mut joined = bytes::BytesMut::new();
    let mut received = 0u64;
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        received = received.saturating_add(chunk.len() as u64);
        if received > limit {
            return Err(BodyError::TooLarge { content_length });
        }
        match single.take() {
            Some(previous) => {
                // `content_length` is at most `limit` here; it only sizes the buffer.
                joined.reserve(content_length.map_or(0, |length| length as usize).max(previous.len() + chunk.len()));
                joined.extend_from_slice(&previous);
                joined.extend_from_slice(&chunk);
            }
            None if joined.is_empty() => single = Some(chunk),
            None => joined.extend_from_slice(&chunk),
        }
    }
    Ok(single.unwrap_or_else(|| joined.freeze()))
}
