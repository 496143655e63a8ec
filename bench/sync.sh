#!/usr/bin/env bash
# Sync throughput and peak memory: `graph-chat sync` (release) from a graph-mock on loopback into
# a fresh archive, with and without faults, then `archive export` of it.
#
#   bash bench/sync.sh [MESSAGES]      (default 100000; BENCHMARKS.md also has 1000000)
#
# Prints one line per run: messages, seconds, messages/s, peak RSS of graph-chat (KiB), archive
# size. The mock runs in its own process, so its memory and CPU are not graph-chat's.
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${1:-100000}
chats=100
per_chat=$((messages / chats))
cargo build --release -q -p graph-mock -p graph-chat
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

run() { # name, mock options...
    local name=$1; shift
    ./target/release/graph-mock --no-seed-examples --chats $chats --messages-per-chat $per_chat "$@" >"$work/mock.out" &
    local mock=$!
    for _ in $(seq 50); do grep -q listening "$work/mock.out" 2>/dev/null && break; sleep 0.1; done
    local base; base=$(sed -n 's/^graph-mock listening: \([^ ]*\) .*/\1/p' "$work/mock.out")
    rm -f "$work/archive.sqlite"*
    local start end
    start=$(date +%s.%N)
    GRAPH_TOKEN=mock-token /usr/bin/time -f '%M' -o "$work/rss" ./target/release/graph-chat --base-url "$base" \
        sync --user adele@contoso.com --archive "$work/archive.sqlite" >"$work/summary"
    end=$(date +%s.%N)
    # The baseline: the same messages fetched the same way into a JSON-lines file, no SQLite.
    local export_start export_end
    export_start=$(date +%s.%N)
    GRAPH_TOKEN=mock-token ./target/release/graph-chat --base-url "$base" messages export --user adele@contoso.com \
        --out "$work/baseline.jsonl" 2>/dev/null
    export_end=$(date +%s.%N)
    kill $mock; wait $mock 2>/dev/null || true
    local seconds; seconds=$(echo "$end - $start" | bc -l)
    local baseline; baseline=$(echo "$export_end - $export_start" | bc -l)
    printf '%-28s %9d messages %7.2f s %9.0f messages/s  SQLite: %.1f us per message\n' "  baseline: messages export" \
        "$((chats * per_chat))" "$baseline" "$(echo "$chats * $per_chat / $baseline" | bc -l)" \
        "$(echo "($seconds - $baseline) * 1000000 / ($chats * $per_chat)" | bc -l)"
    printf '%-28s %9d messages %7.2f s %9.0f messages/s  peak RSS %7d KiB  archive %5d MB\n' "$name" \
        "$((chats * per_chat))" "$seconds" "$(echo "$chats * $per_chat / $seconds" | bc -l)" "$(cat "$work/rss")" \
        "$(( $(du -k "$work/archive.sqlite" | cut -f1) / 1024 ))"
    cat "$work/summary"
}

run "sync, no faults"
[ "${NO_FAULTS:-}" ] || run "sync, faults" --throttle-every 50 --retry-after 0.01 --unavailable-every 97 --unavailable-burst 2 \
    --reset-every 89 --truncate-every 83 --slow-every 41 --slow-ms 5
start=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$work/rss" ./target/release/graph-chat archive export --archive "$work/archive.sqlite" \
    --out "$work/export.jsonl" 2>/dev/null
end=$(date +%s.%N)
printf '%-28s %9d messages %7.2f s  peak RSS %7d KiB\n' "archive export" "$(wc -l <"$work/export.jsonl")" \
    "$(echo "$end - $start" | bc -l)" "$(cat "$work/rss")"
