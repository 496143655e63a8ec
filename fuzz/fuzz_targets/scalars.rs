#![no_main]

//! Flags, enums and the verbatim timestamp and duration types, as JSON values and, for the typed
//! accessors (jiff parsing), as raw text.

use graph_models::{
    ChatMessageActions, ChatMessageImportance, ChatMessagePolicyViolationDlpActionTypes,
    ChatMessagePolicyViolationUserActionTypes, ChatMessagePolicyViolationVerdictDetailsTypes, ChatMessageType,
    ChatType, DateTimeOffset, Duration, Flags, TeamworkUserIdentityType,
};
use graph_models_fuzz::round_trip;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(flags) = round_trip::<Flags<ChatMessageActions>>(data) {
        // Every comma-separated name is kept, known or not, in order.
        let text: String = serde_json::from_slice(data).unwrap();
        let count = if text.is_empty() { 0 } else { text.split(',').count() };
        assert_eq!(flags.members().len(), count);
    }
    round_trip::<Flags<ChatMessagePolicyViolationDlpActionTypes>>(data);
    round_trip::<Flags<ChatMessagePolicyViolationUserActionTypes>>(data);
    round_trip::<Flags<ChatMessagePolicyViolationVerdictDetailsTypes>>(data);
    if let Some(chat_type) = round_trip::<ChatType>(data) {
        let text: String = serde_json::from_slice(data).unwrap();
        assert_eq!(chat_type.as_str(), text);
        assert_eq!(text.parse::<ChatType>().ok(), Some(chat_type));
    }
    round_trip::<ChatMessageType>(data);
    round_trip::<ChatMessageImportance>(data);
    round_trip::<TeamworkUserIdentityType>(data);
    if let Some(stamp) = round_trip::<DateTimeOffset>(data) {
        let _ = stamp.to_timestamp();
    }
    if let Some(length) = round_trip::<Duration>(data) {
        let _ = (length.to_span(), length.to_signed_duration());
    }
    // The typed accessors on raw text, without JSON quoting in the way.
    let text = String::from_utf8_lossy(data);
    if let Ok(timestamp) = DateTimeOffset::new(text.as_ref()).to_timestamp() {
        // What jiff accepts it writes as RFC 3339, which it reads again to the same instant.
        let again = DateTimeOffset::from(timestamp).to_timestamp().expect("jiff reads its own output");
        assert_eq!(again, timestamp);
    }
    let length = Duration::new(text.as_ref());
    let _ = (length.to_span(), length.to_signed_duration());
});
