#!/usr/bin/env bash
# Write-path benchmarks (issue 3): sustained POST /api/v1/submissions and POST
# /api/v1/guestbook with wrk on SQLite and PostgreSQL, rate limits off, every request a new
# text (so duplicate refusal does not short-cut it), against a release build on 127.0.0.1.
# Prints requests/s, p50/p99 latency and how many rows were stored.
#
# Usage: scripts/bench-contributions.sh [sqlite] [postgres]     (default: both)
# Environment (all optional):
#   DURATION=10s  CONNECTIONS=16  THREADS=2  PORT=18091
#   PG_ADMIN_URL=postgres://peoples_stories:peoples_stories@127.0.0.1:5432/postgres
#   PG_DB=ps_bench_contrib   the PostgreSQL database to (re)create; it is dropped first
#   BENCH_DIR=...            where the SQLite file, logs and results go (default: a temp dir)
#   BIN=path                 use this peoples-stories binary instead of building one
set -euo pipefail

cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PORT=${PORT:-18091}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://peoples_stories:peoples_stories@127.0.0.1:5432/postgres}
PG_DB=${PG_DB:-ps_bench_contrib}
BENCH_DIR=${BENCH_DIR:-$(mktemp -d /tmp/ps-bench-contrib.XXXXXX)}
results="$BENCH_DIR/results-contributions.md"
mkdir -p "$BENCH_DIR"
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

backends=("$@")
[ ${#backends[@]} -gt 0 ] || backends=(sqlite postgres)

# write_lua FORM PATH: a wrk script whose threads number their own requests, so every body
# is a new text.
lua="$BENCH_DIR/post.lua"
write_lua() {
    printf 'local form = "%s"\nlocal path = "%s"\n' "$1" "$2" >"$lua"
    cat >>"$lua" <<'LUA'
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end
local n = 0
function request()
    n = n + 1
    local body
    if form == "guestbook" then
        body = string.format('{"name":"Reader %d-%d","message":"Message %d-%d: thank you for these stories.","country":"KH"}', tid, n, tid, n)
    else
        body = string.format('{"title":"Benchmark story %d-%d","body":"Body of benchmark story %d-%d, long enough to pass every check.","theme":"justice","countries":["KH","Laos"],"email":"bench@example.org","links":[{"url":"https://www.ohchr.org/en/%d"}],"consent":true}', tid, n, tid, n, n)
    end
    return wrk.format("POST", path, {["Content-Type"] = "application/json"}, body)
end
LUA
}

measure() {
    local backend=$1 form=$2 path=$3 count_sql=$4 url=$5 out rps p50 p99 errors sockets rows
    write_lua "$form" "$path"
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$lua" "$base$path" 2>&1)
    echo "$out" >>"$BENCH_DIR/wrk-$backend.log"
    read -r rps p50 p99 errors sockets < <(echo "$out" | wrk_numbers)
    case $backend in
    sqlite) rows=$(sqlite3 "$url" "$count_sql") ;;
    postgres) rows=$(psql "$url" -qtAc "$count_sql") ;;
    esac
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' \
        "$backend" "$form" "$rps" "$p50" "$p99" "$errors" "$rows" | tee -a "$results"
}

run_backend() {
    local backend=$1 url
    case $backend in
    sqlite)
        command -v sqlite3 >/dev/null || apt-get install -y -qq sqlite3 >/dev/null
        url="$BENCH_DIR/contrib.db"
        rm -f "$url" "$url-wal" "$url-shm"
        ;;
    postgres)
        url="${PG_ADMIN_URL%/*}/$PG_DB"
        psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
        psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
        ;;
    *)
        echo "unknown backend '$backend': use sqlite or postgres" >&2
        exit 2
        ;;
    esac
    PS_SUBMISSIONS_PER_WINDOW=0 PS_GUESTBOOK_PER_WINDOW=0 \
        start_server "$url" "$BENCH_DIR/server-$backend.log" /readyz
    measure "$backend" submission /api/v1/submissions "SELECT count(*) FROM submissions" "$url"
    measure "$backend" guestbook /api/v1/guestbook "SELECT count(*) FROM guestbook_entries" "$url"
    stop_server
}

echo "==> results in $BENCH_DIR (wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores)" >&2
{
    echo
    echo "<!-- $(date -u '+%F %T') UTC, load $(cut -d' ' -f1-3 /proc/loadavg) -->"
    echo "| db | form | req/s | p50 ms | p99 ms | non-2xx | rows stored |"
    echo "|---|---|---:|---:|---:|---:|---:|"
} | tee -a "$results"
for backend in "${backends[@]}"; do
    run_backend "$backend"
done
