#![no_main]

use graph_models::ConversationMember;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(member) = graph_models_fuzz::round_trip::<ConversationMember>(data) {
        // The accessors every polymorphic enum has work on whatever was read.
        let _ = (member.odata_type(), member.additional_properties().len());
    }
});
