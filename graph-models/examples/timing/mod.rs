//! What `parse_timing` and `parse_timing_mimalloc` do; they differ only in the global allocator.
//! The Rust side of the side-by-side comparison in `bench/compare.sh`, and of
//! `bench/instructions.sh`:
//!
//! - `parse_timing write FILE` writes the ≥10 MB benchmark page;
//! - `parse_timing time FILE RUNS` parses FILE RUNS times into the models, `serde_json::Value`,
//!   `IgnoredAny` and the two lossy baselines (`benches/baselines`), taking turns, and prints the
//!   median time of each as a JSON line;
//! - `parse_timing quirks DIR` reads every `*.json` quirk payload of DIR as a `ChatMessage` and
//!   prints, per quirk, whether the odd value was kept, dropped, or failed the parse;
//! - `parse_timing once PARSER FILE keep|free` reads FILE and parses it once with PARSER (one of
//!   [`PARSERS`]), then leaks the result (`keep`) or frees it (`free`), for `bench/instructions.sh`
//!   to count the instructions under callgrind.

#[path = "../../benches/baselines/mod.rs"]
mod baselines;
#[path = "../../benches/page/mod.rs"]
mod page;

use graph_models::{ChatMessage, Page};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Runs the command the arguments name.
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["write", file] => std::fs::write(file, page::build_page())?,
        ["time", file, runs] => time(&std::fs::read(file)?, runs.parse()?),
        ["quirks", dir] => quirks(dir)?,
        ["once", parser, file, "keep"] => once(parser, &std::fs::read_to_string(file)?, false)?,
        ["once", parser, file, "free"] => once(parser, &std::fs::read_to_string(file)?, true)?,
        _ => {
            return Err(
                "usage: parse_timing write FILE | time FILE RUNS | quirks DIR | once PARSER FILE keep|free".into()
            )
        }
    }
    Ok(())
}

/// How long one parse and the freeing of its result take, as a program reading page after page
/// pays them (the criterion group `decode and drop`).
fn timed<T>(parse: impl FnOnce() -> T) -> Duration {
    let started = Instant::now();
    drop(std::hint::black_box(parse()));
    started.elapsed()
}

/// The median time of each parser over `runs` rounds. Each round runs every parser once, in turn,
/// so that a slow spell of this shared machine falls on all of them alike.
fn time(page: &[u8], runs: usize) {
    let parsers: [(&str, &dyn Fn() -> Duration); 7] = [
        ("graph_models::decode::<Page<ChatMessage>>", &|| {
            timed(|| graph_models::decode::<Page<ChatMessage>>(page).unwrap())
        }),
        ("serde_json::from_slice::<Page<ChatMessage>>", &|| {
            timed(|| serde_json::from_slice::<Page<ChatMessage>>(page).unwrap())
        }),
        ("serde_json::from_slice::<Value>", &|| timed(|| serde_json::from_slice::<Value>(page).unwrap())),
        ("serde_json::from_str::<Value> after from_utf8", &|| {
            timed(|| serde_json::from_str::<Value>(std::str::from_utf8(page).unwrap()).unwrap())
        }),
        ("serde_json::from_slice::<IgnoredAny>", &|| {
            timed(|| serde_json::from_slice::<serde::de::IgnoredAny>(page).unwrap())
        }),
        ("baseline: derive, lossy, owned", &|| {
            timed(|| serde_json::from_slice::<baselines::Page<String>>(page).unwrap())
        }),
        ("baseline: derive, lossy, borrowed", &|| {
            timed(|| serde_json::from_slice::<baselines::Page<baselines::Borrowed>>(page).unwrap())
        }),
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(runs); parsers.len()];
    for _ in 0..runs {
        for ((_, parse), times) in parsers.iter().zip(&mut times) {
            times.push(parse());
        }
    }
    for ((parser, _), mut times) in parsers.iter().zip(times) {
        times.sort();
        let median = times[times.len() / 2];
        println!(
            "{}",
            json!({"language": "rust", "parser": parser, "bytes": page.len(), "median_ms": median.as_secs_f64() * 1e3})
        );
    }
}

/// What `once` can parse with; `read-only` parses nothing, so that its count is the cost of the
/// rest of the program.
/// `typed-written` parses into the models and writes the page back (to a buffer, freed with it),
/// so that its count less `typed`'s is the cost of writing.
const PARSERS: &[&str] =
    &["read-only", "typed", "typed-written", "value", "ignored-any", "baseline-owned", "baseline-borrowed"];

/// Parses `page` once with `parser` (the models through `graph_models::decode`, the others with
/// `serde_json::from_str`), then frees the result or leaks it (to count the parse alone).
fn once(parser: &str, page: &str, free: bool) -> Result<(), Box<dyn std::error::Error>> {
    fn end<T>(parsed: T, free: bool) {
        let parsed = std::hint::black_box(parsed);
        if free {
            drop(parsed);
        } else {
            std::mem::forget(parsed);
        }
    }
    match parser {
        "read-only" => {}
        "typed" => end(graph_models::decode::<Page<ChatMessage>>(page.as_bytes())?, free),
        "typed-written" => {
            let parsed = graph_models::decode::<Page<ChatMessage>>(page.as_bytes())?;
            let written = serde_json::to_vec(&parsed)?;
            end((parsed, written), free)
        }
        "value" => end(serde_json::from_str::<Value>(page)?, free),
        "ignored-any" => end(serde_json::from_str::<serde::de::IgnoredAny>(page)?, free),
        "baseline-owned" => end(serde_json::from_str::<baselines::Page<String>>(page)?, free),
        "baseline-borrowed" => end(serde_json::from_str::<baselines::Page<baselines::Borrowed>>(page)?, free),
        _ => return Err(format!("unknown parser `{parser}`, expected one of {PARSERS:?}").into()),
    }
    Ok(())
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
