//! `parse_timing` with mimalloc as the global allocator, as graph-chat and graph-mock have it.

mod timing;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    timing::main()
}
