#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for a bounded time each, then summarises.
#
#   fuzz/run.sh [SECONDS] [TARGET...]      SECONDS per target, default 60
#
# Environment: RSS_LIMIT_MB (default 2048), MAX_LEN (bytes per input, default 16384),
# SANITIZER (address, the default, or none: about ten times as many executions).
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On a stable toolchain the nightly flags
# cargo-fuzz passes are allowed through RUSTC_BOOTSTRAP=1. Not called by .ci/run.
# Exits non-zero when a target finds a crash; the input is in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-60}"
shift || true
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  targets=(chat_message chat conversation_member page polymorphic scalars numbers notifications)
fi
rss_limit="${RSS_LIMIT_MB:-2048}"
max_len="${MAX_LEN:-16384}"
sanitizer="${SANITIZER:-address}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
  exit 2
fi
if ! rustc --version | grep -q nightly; then
  export RUSTC_BOOTSTRAP=1
fi

# Corpora: fixtures, their parts, hand-made inputs, and the dictionary.
dict_args=()
if command -v python3 >/dev/null 2>&1; then
  python3 seed.py
  dict_args=(-dict=corpus/json.dict)
else
  echo "python3 not found: seeding with whole fixtures and hand-made inputs only, no dictionary" >&2
  for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    cp ../graph-mock/seeds/*.json "corpus/$target/"
    cp "seeds/$target/"* "corpus/$target/"
  done
fi

cargo fuzz build --sanitizer "$sanitizer"

mkdir -p artifacts/logs
failed=()
summary=()
for target in "${targets[@]}"; do
  echo "== $target: ${seconds}s"
  log="artifacts/logs/$target.log"
  status=0
  cargo fuzz run --sanitizer "$sanitizer" "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb="$rss_limit" -malloc_limit_mb="$rss_limit" \
    -max_len="$max_len" -timeout=10 -print_final_stats=1 "${dict_args[@]}" >"$log" 2>&1 || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1 || true)
  done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1 || true)
  coverage=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)
  rss=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1 || true)
  corpus=$(find "corpus/$target" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    summary+=("$target: ok, ${runs:-?} executions (${done_line:-no Done line}), $coverage, peak RSS ${rss:-?} MB, corpus $corpus files")
  else
    failed+=("$target")
    summary+=("$target: FAILED (exit $status), ${runs:-?} executions; see $log and artifacts/$target/")
    grep -E 'panicked at|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -n 5 >&2 || true
  fi
done

echo
echo "== summary (${seconds}s per target, sanitizer $sanitizer, rss limit ${rss_limit} MB, max_len $max_len)"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "crashes in: ${failed[*]}" >&2
  exit 1
fi
