//! The generator on the whole schema: load, lower, check, emit and format.

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;

fn generate(c: &mut Criterion) {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema");
    c.bench_function("generate/whole schema", |b| b.iter(|| codegen::generate(&schema).expect("schema is valid")));
}

criterion_group!(benches, generate);
criterion_main!(benches);
