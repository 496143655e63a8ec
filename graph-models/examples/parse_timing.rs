//! Times and counts the deserialisation benchmarks with the system allocator; see `timing/mod.rs`.

mod timing;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    timing::main()
}
