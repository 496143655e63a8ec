#![no_main]

use graph_models::Chat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    graph_models_fuzz::round_trip::<Chat>(data);
});
