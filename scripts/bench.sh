#!/usr/bin/env bash
# Read-path benchmarks: generates N synthetic stories on SQLite and on PostgreSQL, serves them
# with a release build on 127.0.0.1, loads each URL with wrk and prints a table of
# requests/s and p50/p99 latency. See BENCHMARKS.md for the results and how to read them.
#
# Usage: scripts/bench.sh [sqlite] [postgres]        (default: both)
# Environment (all optional):
#   STORIES=100000      stories to generate
#   SEED=1              generator seed
#   DURATION=10s        wrk run per URL (after a 2 s warm-up)
#   CONNECTIONS=16      wrk connections
#   THREADS=2           wrk threads
#   PORT=18089          server port
#   PG_ADMIN_URL=postgres://peoples_stories:peoples_stories@127.0.0.1:5432/postgres
#   PG_DB=ps_bench      the PostgreSQL database to (re)create; it is dropped first
#   BENCH_DIR=...       where the SQLite file, logs and results go (default: a temp dir)
#   BIN=path           use this peoples-stories binary instead of building one
#   REUSE=1             keep an existing SQLite file / PostgreSQL database instead of
#                       regenerating (it must hold the same STORIES and SEED)
set -euo pipefail

cd "$(dirname "$0")/.."

STORIES=${STORIES:-100000}
SEED=${SEED:-1}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PORT=${PORT:-18089}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://peoples_stories:peoples_stories@127.0.0.1:5432/postgres}
PG_DB=${PG_DB:-ps_bench}
BENCH_DIR=${BENCH_DIR:-$(mktemp -d /tmp/ps-bench.XXXXXX)}
REUSE=${REUSE:-0}

backends=("$@")
[ ${#backends[@]} -gt 0 ] || backends=(sqlite postgres)

mkdir -p "$BENCH_DIR"
results="$BENCH_DIR/results.md"
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

# Runs wrk on one URL and prints a table row.
measure() {
    local backend=$1 name=$2 path=$3 out
    curl -fsS -o /dev/null "$base$path" || {
        echo "GET $path failed" >&2
        exit 1
    }
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$base$path" >/dev/null
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$base$path")
    echo "$out" >>"$BENCH_DIR/wrk-$backend.log"
    local rps p50 p99 errors _sockets
    read -r rps p50 p99 errors _sockets < <(echo "$out" | wrk_numbers)
    printf '| %s | %s | `%s` | %s | %s | %s | %s |\n' \
        "$backend" "$name" "$path" "$rps" "$p50" "$p99" "${errors:-0}" | tee -a "$results"
}

run_backend() {
    local backend=$1 url size gen_log="$BENCH_DIR/generate-$1.log"
    case $backend in
    sqlite)
        url="$BENCH_DIR/ps.db"
        if [ "$REUSE" != 1 ] || [ ! -f "$url" ]; then
            rm -f "$url" "$url-wal" "$url-shm"
            echo "==> sqlite: generating $STORIES stories into $url" >&2
            DATABASE_URL="$url" "$bin" generate --stories "$STORIES" --seed "$SEED" 2>&1 | tee "$gen_log" >&2
        fi
        ;;
    postgres)
        url="${PG_ADMIN_URL%/*}/$PG_DB"
        if [ "$REUSE" != 1 ] || ! psql "$url" -qtAc "SELECT 1" >/dev/null 2>&1; then
            psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
            psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
            echo "==> postgres: generating $STORIES stories into $PG_DB" >&2
            DATABASE_URL="$url" "$bin" generate --stories "$STORIES" --seed "$SEED" 2>&1 | tee "$gen_log" >&2
            psql "$url" -qc "VACUUM ANALYZE" >/dev/null
        fi
        ;;
    *)
        echo "unknown backend '$backend': use sqlite or postgres" >&2
        exit 2
        ;;
    esac

    start_server "$url" "$BENCH_DIR/server-$backend.log" /readyz
    local total slug
    total=$(curl -fsS "$base/api/v1/stories?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
    # A story from the middle of the archive, by slug.
    slug=$(curl -fsS "$base/api/v1/stories?limit=1&offset=$((total / 2))" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["slug"])')
    case $backend in
    sqlite) size=$(du -ch "$url"* | awk 'END {print $1}') ;;
    postgres) size=$(psql "$url" -qtAc "SELECT pg_size_pretty(pg_database_size(current_database()))") ;;
    esac
    echo "==> $backend: $total published stories, database $size" >&2
    echo "<!-- $backend: $total stories, database $size -->" >>"$results"

    measure "$backend" "newest" "/api/v1/stories?limit=20"
    measure "$backend" "theme" "/api/v1/stories?limit=20&theme=justice"
    measure "$backend" "country" "/api/v1/stories?limit=20&country=KH"
    measure "$backend" "theme+country" "/api/v1/stories?limit=20&theme=justice&country=KH"
    measure "$backend" "offset 50000" "/api/v1/stories?limit=20&offset=50000"
    measure "$backend" "theme, offset 20000" "/api/v1/stories?limit=20&theme=justice&offset=20000"
    measure "$backend" "one by slug" "/api/v1/stories/$slug"
    stop_server
}

echo "==> results in $BENCH_DIR (wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores)" >&2
{
    echo
    echo "| db | request | path | req/s | p50 ms | p99 ms | non-2xx |"
    echo "|---|---|---|---:|---:|---:|---:|"
} | tee -a "$results"
for backend in "${backends[@]}"; do
    run_backend "$backend"
done
