#![no_main]

//! The collection envelope around each of the three listed types.

use graph_models::{Chat, ChatMessage, ConversationMember, Page};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(page) = graph_models_fuzz::round_trip::<Page<ChatMessage>>(data) {
        let _ = page.next_link();
    }
    graph_models_fuzz::round_trip::<Page<Chat>>(data);
    graph_models_fuzz::round_trip::<Page<ConversationMember>>(data);
});
