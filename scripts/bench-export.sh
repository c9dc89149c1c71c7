#!/usr/bin/env bash
# Exports: generates N synthetic stories on SQLite, starts a release server, and exports them
# all as CSV and as JSON Lines (one curl each, reading as fast as it can), then a keyword
# export and a harvest walk by cursor; samples the server's resident memory every 50 ms during
# each. Prints a markdown table: rows, bytes, seconds, rows/s, MB/s, RSS before and peak.
#
# Usage: STORIES=100000 BENCH_DIR=/tmp/bench-export scripts/bench-export.sh
# Environment (all optional): STORIES=100000, SEED=1, PORT=18094, WORD=rights (the keyword
# export), BIN=path (a peoples-stories binary instead of a fresh release build), REUSE=1 (keep
# the database and index in BENCH_DIR), BENCH_DIR (default: a temp dir).
set -euo pipefail
cd "$(dirname "$0")/.."
STORIES=${STORIES:-100000}
SEED=${SEED:-1}
PORT=${PORT:-18094}
WORD=${WORD:-rights}
BENCH_DIR=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$BENCH_DIR"
# shellcheck source=scripts/bench-lib.sh
source scripts/bench-lib.sh

db="$BENCH_DIR/export.db"
index_dir="$BENCH_DIR/index"
if [ "${REUSE:-0}" != 1 ] || [ ! -f "$db" ]; then
    rm -rf "$db" "$db-wal" "$db-shm" "$index_dir"
    echo "==> generating $STORIES stories into $db" >&2
    DATABASE_URL="$db" "$bin" generate --stories "$STORIES" --seed "$SEED" >&2
fi
start_server "$db" "$BENCH_DIR/server.log" "/api/v1/stories?q=$WORD&limit=1" --index-dir "$index_dir"
rss() { awk -v k="$2:" '$1 == k {printf "%.0f\n", $2 / 1024}' "/proc/$1/status"; }

# measure LABEL PATH: one curl of PATH, the server's RSS sampled meanwhile.
measure() {
    local label=$1 path=$2 before peak out rows bytes secs sampler
    before=$(rss "$server_pid" VmRSS)
    : >"$BENCH_DIR/rss"
    (while kill -0 "$server_pid" 2>/dev/null; do rss "$server_pid" VmRSS >>"$BENCH_DIR/rss"; sleep 0.05; done) &
    sampler=$!
    out=$(curl -fsS -o "$BENCH_DIR/body" -w '%{size_download} %{time_total}' "$base$path")
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    peak=$(sort -n "$BENCH_DIR/rss" | tail -1)
    read -r bytes secs <<<"$out"
    case $path in
    *format=csv*) rows=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))) - 1)' "$BENCH_DIR/body") ;;
    *) rows=$(wc -l <"$BENCH_DIR/body") ;;
    esac
    awk -v l="$label" -v r="$rows" -v b="$bytes" -v s="$secs" -v rb="$before" -v rp="${peak:-$before}" 'BEGIN {
        printf "| %s | %d | %.1f MB | %.2f | %.0f | %.1f | %d | %d |\n", l, r, b / 1e6, s, r / s, b / 1e6 / s, rb, rp }'
}

echo "| export | rows | bytes | seconds | rows/s | MB/s | RSS before (MiB) | RSS peak (MiB) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
measure "CSV, everything" "/api/v1/stories/export?format=csv"
measure "JSON Lines, everything" "/api/v1/stories/export?format=jsonl"
measure "CSV, title,slug,date" "/api/v1/stories/export?format=csv&fields=title,slug,date"
measure "CSV, theme=justice" "/api/v1/stories/export?format=csv&theme=justice"
measure "JSON Lines, q=$WORD" "/api/v1/stories/export?format=jsonl&q=$WORD"

# A harvest walk: every settled story by cursor, 100 a page, timed page by page.
python3 - "$base" <<'PY'
import json, sys, time, urllib.request
base, path, n, times = sys.argv[1], "/api/v1/stories?updated_since=1970-01-01T00:00:00Z&limit=100&fields=slug", 0, []
start = time.monotonic()
while path:
    t = time.monotonic()
    with urllib.request.urlopen(base + path) as r:
        page = json.load(r)
    times.append(time.monotonic() - t)
    n += len(page["items"])
    path = page["next"]
total = time.monotonic() - start
times.sort()
print(f"\nharvest walk: {n} stories in {len(times)} pages (limit=100, fields=slug) in {total:.1f} s, "
      f"{n / total:.0f} stories/s; a page p50 {times[len(times) // 2] * 1000:.1f} ms, "
      f"p99 {times[int(len(times) * 0.99)] * 1000:.1f} ms")
PY
echo "RSS after: $(rss "$server_pid" VmRSS) MiB, high-water mark $(rss "$server_pid" VmHWM) MiB"
stop_server
