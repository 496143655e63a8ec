"""Turns bench/results/*.jsonl into the Markdown tables of BENCHMARKS.md, with ratios."""
import json
import pathlib
import platform
import sys


def lines(path: pathlib.Path) -> list:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def main() -> None:
    results = pathlib.Path(sys.argv[1])
    parse = lines(results / "parse.jsonl")
    typed = next(row for row in parse if row["parser"].startswith("graph_models"))
    size_mb = typed["bytes"] / 1e6
    print(f"Machine: {platform.machine()}, {platform.system()}, Python {platform.python_version()}\n")
    print(f"### Parsing one {size_mb:.1f} MB page\n")
    print("| parser | median | MB/s | time ÷ graph_models |")
    print("|---|---|---|---|")
    for row in parse:
        ms = row["median_ms"]
        print(f"| {row['language']}: `{row['parser']}` | {ms:.1f} ms | {size_mb / (ms / 1e3):.1f} | {ms / typed['median_ms']:.2f}× |")
    stream = lines(results / "stream.jsonl")
    rust = next(row for row in stream if row["language"] == "rust")
    print(f"\n### Streaming {rust['messages']} messages from graph-mock (getAllMessages)\n")
    print("| client | messages | seconds | messages/s | peak RSS | time ÷ graph-client |")
    print("|---|---|---|---|---|---|")
    for row in stream:
        print(f"| {row['language']}: {row['client']} | {row['messages']} | {row['seconds']:.2f} | "
              f"{row['messages_per_second']:.0f} | {row['peak_rss']} | {row['seconds'] / rust['seconds']:.0f}× |")
    quirks = lines(results / "quirks.jsonl")
    names = sorted({row["quirk"] for row in quirks})
    print("\n### Quirks: read as a chatMessage and written back\n")
    print("| quirk | graph-models | msgraph-sdk (Python) |")
    print("|---|---|---|")
    for name in names:
        by = {row["language"]: row["outcome"] for row in quirks if row["quirk"] == name}
        print(f"| {name} | {by.get('rust', '-')} | {by.get('python', '-')} |")


if __name__ == "__main__":
    main()
