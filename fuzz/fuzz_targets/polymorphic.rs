#![no_main]

//! The other types chosen by `@odata.type`: event details, identities and identity sets.

use graph_models::{EventMessageDetail, Identity, IdentitySet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    graph_models_fuzz::round_trip::<EventMessageDetail>(data);
    graph_models_fuzz::round_trip::<Identity>(data);
    graph_models_fuzz::round_trip::<IdentitySet>(data);
});
