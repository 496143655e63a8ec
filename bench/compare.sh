#!/usr/bin/env bash
# Side by side with the official Microsoft Graph Python SDK (msgraph-sdk), in one run, on one
# machine, on the same data:
#   1. parsing the same >=10 MB page of chat messages: our models, serde_json::Value, IgnoredAny,
#      and the SDK's ChatMessageCollectionResponse;
#   2. streaming the same messages (getAllMessages) from graph-mock: graph-client vs. the SDK's
#      PageIterator pointed at the same server;
#   3. what each does with four quirks: kept, dropped or failed.
# Results go to bench/results/ (JSON lines) and a Markdown summary on stdout.
#
# Usage: bench/compare.sh            (MESSAGES=100000 PARSE_RUNS_RUST=15 PARSE_RUNS_PY=3 by default)
# Needs: a Rust toolchain and python3 with venv; installs msgraph-sdk into bench/.venv.
set -euo pipefail
cd "$(dirname "$0")/.."

MESSAGES=${MESSAGES:-100000}
PARSE_RUNS_RUST=${PARSE_RUNS_RUST:-15}
PARSE_RUNS_PY=${PARSE_RUNS_PY:-3}
SDK_VERSION=${SDK_VERSION:-1.65.0}
PORT=${PORT:-18707}
out=bench/results
mkdir -p "$out"

if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet "msgraph-sdk==${SDK_VERSION}"
fi
py=bench/.venv/bin/python

cargo build --quiet --release -p graph-models --example parse_timing
cargo build --quiet --release -p graph-chat --example stream_all
cargo build --quiet --release -p graph-mock --bin graph-mock

echo "== 1. parsing" >&2
page="$out/page.json"
./target/release/examples/parse_timing write "$page"
./target/release/examples/parse_timing time "$page" "$PARSE_RUNS_RUST" > "$out/parse.jsonl"
"$py" bench/sdk_parse.py "$page" "$PARSE_RUNS_PY" >> "$out/parse.jsonl"

echo "== 2. streaming ${MESSAGES} messages" >&2
chats=$(( (MESSAGES + 999) / 1000 ))
./target/release/graph-mock --port "$PORT" --no-seed-examples --chats "$chats" --messages-per-chat 1000 > "$out/mock.log" &
mock=$!
trap 'kill $mock 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$out/mock.log" && break; sleep 0.1; done
base="http://127.0.0.1:${PORT}/v1.0"
user="8b081ef6-0000-4000-8000-000000000000" # graph-mock's first user, a member of every chat
./target/release/examples/stream_all "$base" mock-token "$user" > "$out/stream.jsonl"
"$py" bench/sdk_stream.py "$base" mock-token "$user" >> "$out/stream.jsonl"

echo "== 3. quirks" >&2
./target/release/examples/parse_timing quirks bench/quirks > "$out/quirks.jsonl"
"$py" bench/sdk_quirks.py bench/quirks >> "$out/quirks.jsonl"

"$py" bench/summary.py "$out"
