//! The Rust side of the side-by-side comparison in `bench/compare.sh`:
//!
//! - `parse_timing write FILE` writes the ≥10 MB benchmark page;
//! - `parse_timing time FILE RUNS` parses FILE RUNS times into the models, `serde_json::Value` and
//!   `IgnoredAny`, and prints the median time of each as a JSON line;
//! - `parse_timing quirks DIR` reads every `*.json` quirk payload of DIR as a `ChatMessage` and
//!   prints, per quirk, whether the odd value was kept, dropped, or failed the parse.

#[path = "../benches/page/mod.rs"]
mod page;

use graph_models::{ChatMessage, Page};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["write", file] => std::fs::write(file, page::build_page())?,
        ["time", file, runs] => time(&std::fs::read(file)?, runs.parse()?),
        ["quirks", dir] => quirks(dir)?,
        _ => return Err("usage: parse_timing write FILE | time FILE RUNS | quirks DIR".into()),
    }
    Ok(())
}

/// The median time of `parse` over `runs` runs; each result is dropped after its time is taken.
fn median<T>(runs: usize, mut parse: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let parsed = parse();
            let elapsed = started.elapsed();
            drop(parsed);
            elapsed
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn time(page: &[u8], runs: usize) {
    let results = [
        (
            "graph_models::Page<ChatMessage>",
            median(runs, || serde_json::from_slice::<Page<ChatMessage>>(page).unwrap()),
        ),
        ("serde_json::Value", median(runs, || serde_json::from_slice::<Value>(page).unwrap())),
        ("serde::de::IgnoredAny", median(runs, || serde_json::from_slice::<serde::de::IgnoredAny>(page).unwrap())),
    ];
    for (parser, time) in results {
        println!(
            "{}",
            json!({"language": "rust", "parser": parser, "bytes": page.len(), "median_ms": time.as_secs_f64() * 1e3})
        );
    }
}

fn quirks(dir: &str) -> Result<(), Box<dyn std::error::Error>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)?.map(|it| it.map(|it| it.path())).collect::<Result<_, _>>()?;
    paths.sort();
    for path in paths.iter().filter(|it| it.extension().is_some_and(|ext| ext == "json")) {
        let quirk = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let input: Value = serde_json::from_slice(&std::fs::read(path)?)?;
        let outcome = match serde_json::from_value::<ChatMessage>(input.clone()) {
            Err(err) => format!("failed: {err}"),
            Ok(message) => {
                let output = serde_json::to_value(&message)?;
                if output == input {
                    "kept".to_owned()
                } else {
                    "dropped".to_owned()
                }
            }
        };
        println!("{}", json!({"language": "rust", "quirk": quirk, "outcome": outcome}));
    }
    Ok(())
}
