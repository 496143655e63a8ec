//! The check every fuzz target runs: whatever the bytes, reading them as a model never panics, and
//! whenever it succeeds, writing the model back gives the same JSON value as the input, and
//! reading that text again writes the same text.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Reads `data` as `T` with `serde_json` and with `graph_models::decode` (which reads a failing
/// input a second time to name the bad field). Both must agree; a model read must serialise to a
/// value equal to the input's own `serde_json::Value` (nothing lost, nothing invented). Returns the
/// model for target-specific checks.
pub fn round_trip<T: DeserializeOwned + Serialize>(data: &[u8]) -> Option<T> {
    let plain = serde_json::from_slice::<T>(data);
    let decoded = graph_models::decode::<T>(data);
    match (plain, decoded) {
        (Ok(model), Ok(again)) => {
            let written = serde_json::to_string(&model).expect("a model always serialises");
            assert_eq!(serde_json::to_string(&again).expect("a model always serialises"), written);
            // A number such as `1e400` is kept as written, but `Value` cannot hold it.
            if let Ok(expected) = serde_json::from_slice::<Value>(data) {
                let value: Value = serde_json::from_str(&written).expect("what serde_json read it reads again");
                assert_eq!(value, expected, "the model does not write back what it read");
            }
            let reread: T = serde_json::from_str(&written).expect("a model reads what it writes");
            assert_eq!(serde_json::to_string(&reread).unwrap(), written, "writing is not a fixed point");
            Some(model)
        }
        (Err(_), Err(err)) => {
            // The error and its path render without panicking.
            let _ = err.to_string();
            None
        }
        (plain, decoded) => {
            panic!("serde_json says {:?} but decode says {:?}", plain.map(|_| ()), decoded.map(|_| ()));
        }
    }
}
