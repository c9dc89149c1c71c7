#!/usr/bin/env bash
# Search benchmarks (issue 6): generates N synthetic stories (SQLite, or PostgreSQL with
# BACKEND=postgres), builds the tantivy
# index with `reindex`, serves them with a release build on 127.0.0.1 and loads each search
# URL with wrk, at CONNECTIONS clients and then at one client. Prints a table of requests/s
# and p50/p99 latency. See "Search (issue 6)" in BENCHMARKS.md for the results.
#
# Usage: scripts/bench-search.sh
#        BACKEND=postgres scripts/bench-search.sh
# Environment (all optional):
#   STORIES=1000000     stories to generate
#   SEED=1              generator seed
#   DURATION=10s        wrk run per URL at CONNECTIONS clients (after a 2 s warm-up)
#   DURATION1=5s        wrk run per URL at one client
#   CONNECTIONS=16      wrk connections
#   THREADS=2           wrk threads
#   TIMEOUT=2s          wrk --timeout (s, m or h): slower responses are counted as timeouts and left out
#                       of wrk's latency percentiles (see the "timeouts" column)
#   PORT=18090          server port
#   BENCH_DIR=/tmp/bench1m   where the SQLite file, the index, logs and results go
#   BIN=path            use this peoples-stories binary instead of building one
#   BACKEND=sqlite      or postgres
#   INDEX_DIR=...       the search index (default $BENCH_DIR/search-index, -pg for PostgreSQL);
#                       built with `reindex` when it holds no index
#   PG_ADMIN_URL=postgres://peoples_stories:peoples_stories@127.0.0.1:5432/postgres
#   PG_DB=ps_bench1m    the PostgreSQL database to (re)create; it is dropped first
#   REUSE=1             keep an existing database (and index) in BENCH_DIR instead of
#                       regenerating; it must hold the same STORIES and SEED
#   BROAD, RARE, TWO, PHRASE   the query words (defaults picked from the generated text)
set -euo pipefail

cd "$(dirname "$0")/.."

STORIES=${STORIES:-1000000}
SEED=${SEED:-1}
DURATION=${DURATION:-10s}
DURATION1=${DURATION1:-5s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
TIMEOUT=${TIMEOUT:-2s}
PORT=${PORT:-18090}
BENCH_DIR=${BENCH_DIR:-/tmp/bench1m}
REUSE=${REUSE:-0}
BACKEND=${BACKEND:-sqlite}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://peoples_stories:peoples_stories@127.0.0.1:5432/postgres}
PG_DB=${PG_DB:-ps_bench1m}
BROAD=${BROAD:-rights}
RARE=${RARE:-Tuvalu}
TWO=${TWO:-police+detention}
PHRASE=${PHRASE:-%22rule+of+law%22}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/peoples-stories/target}

mkdir -p "$BENCH_DIR"
case $BACKEND in
sqlite)
    db="$BENCH_DIR/ps.db"
    index_dir="${INDEX_DIR:-$BENCH_DIR/search-index}"
    ;;
postgres)
    db="${PG_ADMIN_URL%/*}/$PG_DB"
    index_dir="${INDEX_DIR:-$BENCH_DIR/search-index-pg}"
    ;;
*)
    echo "unknown BACKEND '$BACKEND': use sqlite or postgres" >&2
    exit 2
    ;;
esac
base="http://127.0.0.1:$PORT"
results="$BENCH_DIR/results-search-$BACKEND.md"
server_pid=""

cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT

if ! command -v wrk >/dev/null 2>&1; then
    echo "==> installing wrk" >&2
    apt-get install -y -qq wrk >/dev/null
fi

if [ -n "${BIN:-}" ]; then
    bin=$BIN
else
    echo "==> building the release binary" >&2
    cargo build --release -q -p peoples-stories-api
    bin="$CARGO_TARGET_DIR/release/peoples-stories"
fi

# Converts wrk's "1.23ms" / "456.78us" / "1.02s" to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n = n / 1000
        else if (v ~ /ms$/) n = n
        else if (v ~ /s$/) n = n * 1000
        printf "%.2f", n
    }'
}

if [ "$BACKEND" = postgres ]; then
    have_db() { psql "$db" -qtAc "SELECT 1" >/dev/null 2>&1; }
else
    have_db() { [ -f "$db" ]; }
fi
if [ "$REUSE" != 1 ] || ! have_db; then
    if [ "$BACKEND" = postgres ]; then
        psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
        psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
        rm -rf "$index_dir"
    else
        rm -rf "$db" "$db-wal" "$db-shm" "$index_dir"
    fi
    echo "==> generating $STORIES stories into $db" >&2
    start=$(date +%s.%N)
    DATABASE_URL="$db" "$bin" generate --stories "$STORIES" --seed "$SEED" 2>&1 |
        tee "$BENCH_DIR/generate-$BACKEND.log" >&2
    echo "generate wall time: $(echo "$(date +%s.%N) - $start" | bc) s" | tee -a "$BENCH_DIR/generate-$BACKEND.log" >&2
    if [ "$BACKEND" = postgres ]; then
        psql "$db" -qc "VACUUM ANALYZE" >/dev/null
    fi
fi
if [ "$REUSE" != 1 ] || [ ! -f "$index_dir/meta.json" ]; then
    echo "==> building the search index in $index_dir" >&2
    start=$(date +%s.%N)
    DATABASE_URL="$db" "$bin" --index-dir "$index_dir" reindex 2>&1 | tee "$BENCH_DIR/reindex-$BACKEND.log" >&2
    echo "reindex wall time: $(echo "$(date +%s.%N) - $start" | bc) s" | tee -a "$BENCH_DIR/reindex-$BACKEND.log" >&2
fi
if [ "$BACKEND" = postgres ]; then
    size=$(psql "$db" -qtAc "SELECT pg_size_pretty(pg_database_size(current_database()))")
else
    size=$(du -ch "$db"* | awk 'END {print $1}')
fi
echo "==> $BACKEND database $size, index $(du -sh "$index_dir" | cut -f1)" >&2

DATABASE_URL="$db" RUST_LOG=warn "$bin" --index-dir "$index_dir" serve \
    --bind "127.0.0.1:$PORT" --web-dist /nonexistent >"$BENCH_DIR/server-$BACKEND.log" 2>&1 &
server_pid=$!
# Ready when a keyword search answers 200 (503 while the index is still being built).
for _ in $(seq 1 600); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/stories?q=rights" || true)
    [ "$code" = 200 ] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "the server exited; its log:" >&2
        cat "$BENCH_DIR/server-$BACKEND.log" >&2
        exit 1
    fi
    sleep 1
done
[ "$code" = 200 ] || {
    echo "search did not answer 200 within 10 minutes (last: $code)" >&2
    exit 1
}

# Runs wrk on one URL at CONNECTIONS clients and at one client, and prints a table row.
measure() {
    local name=$1 path=$2 out1 outn total
    total=$(curl -fsS "$base$path" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])') || {
        echo "GET $path failed" >&2
        exit 1
    }
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$base$path" >/dev/null
    outn=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$TIMEOUT" --latency "$base$path")
    out1=$(wrk -t1 -c1 -d"$DURATION1" --timeout "$TIMEOUT" --latency "$base$path")
    {
        echo "### $name $path (c$CONNECTIONS)"
        echo "$outn"
        echo "### $name $path (c1)"
        echo "$out1"
    } >>"$BENCH_DIR/wrk-search-$BACKEND.log"
    local rps p50 p99 errors rps1 p50_1 p99_1 errors1
    rps=$(echo "$outn" | awk '/^Requests\/sec:/ {printf "%.0f", $2}')
    p50=$(to_ms "$(echo "$outn" | awk '$1 == "50%" {print $2}')")
    p99=$(to_ms "$(echo "$outn" | awk '$1 == "99%" {print $2}')")
    errors=$(echo "$outn" | awk '/Non-2xx/ {print $NF}')
    rps1=$(echo "$out1" | awk '/^Requests\/sec:/ {printf "%.0f", $2}')
    p50_1=$(to_ms "$(echo "$out1" | awk '$1 == "50%" {print $2}')")
    p99_1=$(to_ms "$(echo "$out1" | awk '$1 == "99%" {print $2}')")
    errors1=$(echo "$out1" | awk '/Non-2xx/ {print $NF}')
    local timeouts timeouts1
    timeouts=$(echo "$outn" | awk '/Socket errors/ {print $NF}')
    timeouts1=$(echo "$out1" | awk '/Socket errors/ {print $NF}')
    printf '| %s | `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$name" "$path" "$total" "$rps" "$p50" "$p99" "$rps1" "$p50_1" "$p99_1" \
        "$((${errors:-0} + ${errors1:-0}))" "$((${timeouts:-0} + ${timeouts1:-0}))" | tee -a "$results"
}

echo "==> $BACKEND: results in $results (wrk -t$THREADS -c$CONNECTIONS -d$DURATION and -t1 -c1 -d$DURATION1, timeout $TIMEOUT, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
{
    echo
    echo "<!-- $(date -u '+%F %T') UTC, $BACKEND, $STORIES stories, load $(cut -d' ' -f1-3 /proc/loadavg) -->"
    echo "| query | path | matches | req/s c$CONNECTIONS | p50 ms | p99 ms | req/s c1 | p50 ms c1 | p99 ms c1 | non-2xx | timeouts |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} | tee -a "$results"
s=/api/v1/stories
measure "broad" "$s?q=$BROAD"
measure "rare" "$s?q=$RARE"
measure "two words" "$s?q=$TWO"
measure "phrase" "$s?q=$PHRASE"
measure "broad + country + theme" "$s?q=$BROAD&country=KH&theme=justice"
measure "broad + facets" "$s?q=$BROAD&facets=country,theme,year"
measure "broad, offset 10000" "$s?q=$BROAD&offset=10000"
echo "==> load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
