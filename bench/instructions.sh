#!/usr/bin/env bash
# Instructions to deserialise the >=10 MB benchmark page, counted by callgrind: unlike wall time,
# the count repeats exactly for the same binary and input, whatever else the machine is doing.
# Two columns: the parse alone (the result is leaked), and the parse with the freeing of its
# result. The program's start-up and the reading of the file (the `read-only` run) are subtracted.
# `÷ typed` is the parser's count over graph-models' count: above 1, graph-models needs fewer.
# `typed-written` also writes the page back; its count less `typed`'s is the cost of writing.
#
# Usage: bench/instructions.sh      Needs: valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
cargo build --quiet --release -p graph-models --example parse_timing
bin=./target/release/examples/parse_timing
"$bin" write "$out/page.json"

count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" once "$1" "$out/page.json" "$2" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

base=$(count read-only keep)
typed_keep=$(( $(count typed keep) - base ))
typed_free=$(( $(count typed free) - base ))
echo "| parser | parse alone (M instructions) | ÷ typed | parse and free (M instructions) | ÷ typed |"
echo "|---|---|---|---|---|"
for parser in typed typed-written value ignored-any baseline-owned baseline-borrowed; do
  keep=$(( $(count "$parser" keep) - base ))
  free=$(( $(count "$parser" free) - base ))
  awk -v p="$parser" -v k="$keep" -v f="$free" -v tk="$typed_keep" -v tf="$typed_free" \
    'BEGIN { printf "| %s | %.1f | %.2f | %.1f | %.2f |\n", p, k / 1e6, k / tk, f / 1e6, f / tf }'
done
