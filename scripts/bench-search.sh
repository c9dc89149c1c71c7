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
#   SET=queries         or `hostile`: what an attacker sent (issue 14), tantivy's own syntax,
#                       which is read as plain words, and a query over the bounds (400)
#   CACHE_MB=0          the server's response cache (0: off, so every request searches)
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
results="$BENCH_DIR/results-search-$BACKEND.md"
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

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

# Ready when a keyword search answers 200 (503 while the index is still being built).
start_server "$db" "$BENCH_DIR/server-$BACKEND.log" "/api/v1/stories?q=rights" --index-dir "$index_dir" \
    --cache-mb "${CACHE_MB:-0}"

# Runs wrk on one URL at CONNECTIONS clients and at one client, and prints a table row.
measure() {
    local name=$1 path=$2 out1 outn total
    total=$(curl -gsS "$base$path" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"] if "total" in d else d.get("status") if isinstance(d, dict) else len(d))') || {
        echo "GET $path failed" >&2
        exit 1
    }
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$base$path" >/dev/null
    outn=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$TIMEOUT" --latency "$base$path")
    # wrk stops with CONNECTIONS requests still in the server; let them finish, or the first
    # one-client requests queue behind them and their wait counts as that run's latency.
    sleep 2
    out1=$(wrk -t1 -c1 -d"$DURATION1" --timeout "$TIMEOUT" --latency "$base$path")
    {
        echo "### $name $path (c$CONNECTIONS)"
        echo "$outn"
        echo "### $name $path (c1)"
        echo "$out1"
    } >>"$BENCH_DIR/wrk-search-$BACKEND.log"
    local rps p50 p99 errors timeouts rps1 p50_1 p99_1 errors1 timeouts1
    read -r rps p50 p99 errors timeouts < <(echo "$outn" | wrk_numbers)
    read -r rps1 p50_1 p99_1 errors1 timeouts1 < <(echo "$out1" | wrk_numbers)
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
if [ "${SET:-queries}" = hostile ]; then
    # An OR of ranges as the issue sent it (492 characters in the URL: 400, over 32 words),
    # and the first ten of them (30 words, 190 characters: searched, as plain words).
    # ranges N [CHARS]: the first N of `all:[a TO z] OR all:[b TO y] OR ...`, URL-encoded,
    # cut to CHARS characters.
    ranges() {
        python3 - "$@" <<'PY'
import sys
n = int(sys.argv[1])
cut = int(sys.argv[2]) if len(sys.argv) > 2 else None
pairs = list(zip("abcdefghijklmnopqrstuvwxyz", "zyxwvutsrqponmlkjihgfedcba"))[:n]
print("+OR+".join("all:%%5B%s+TO+%s%%5D" % p for p in pairs)[:cut])
PY
    }
    measure "a plain word" "$s?q=$BROAD"
    measure "all:* (was 500)" "$s?q=all:*"
    measure "all:[a TO z] (was 110-260 ms)" "$s?q=all:%5Ba+TO+z%5D"
    measure "title:x^3~2" "$s?q=title:x%5E3~2"
    measure "OR of 10 ranges (30 words)" "$s?q=$(ranges 10)"
    measure "OR of ranges, 492 chars (400)" "$s?q=$(ranges 26 492)"
    exit 0
fi
measure "broad" "$s?q=$BROAD"
measure "rare" "$s?q=$RARE"
measure "two words" "$s?q=$TWO"
measure "phrase" "$s?q=$PHRASE"
measure "broad + country + theme" "$s?q=$BROAD&country=KH&theme=justice"
measure "broad + facets" "$s?q=$BROAD&facets=country,theme,year"
measure "broad, offset 10000" "$s?q=$BROAD&offset=10000"
measure "list, theme + country (no q: the database)" "$s?theme=justice&country=KH"
measure "country type-ahead (counts from the index)" "/api/v1/countries?q=cam"
echo "==> load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
