#!/usr/bin/env bash
# Import benchmark: STORIES synthetic stories exported as JSON Lines by a release server
# (GET /api/v1/stories/export), then `peoples-stories import` into an empty SQLite file and
# an empty PostgreSQL database, and again (every story unchanged). Prints the times.
#
# Usage: scripts/bench-import.sh [sqlite] [postgres]     (default: both)
# Environment (all optional):
#   STORIES=100000  PORT=18093
#   PG_ADMIN_URL=postgres://peoples_stories:peoples_stories@127.0.0.1:5432/postgres
#   PG_DB=ps_bench_import   the PostgreSQL database to (re)create; it is dropped first
#   BENCH_DIR=...           where the files go (default: a temp dir)
#   BIN=path                use this peoples-stories binary instead of building one
set -euo pipefail

cd "$(dirname "$0")/.."

STORIES=${STORIES:-100000}
PORT=${PORT:-18093}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://peoples_stories:peoples_stories@127.0.0.1:5432/postgres}
PG_DB=${PG_DB:-ps_bench_import}
BENCH_DIR=${BENCH_DIR:-$(mktemp -d /tmp/ps-bench-import.XXXXXX)}
mkdir -p "$BENCH_DIR"
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

backends=("$@")
[ ${#backends[@]} -gt 0 ] || backends=(sqlite postgres)

src="$BENCH_DIR/source.db"
file="$BENCH_DIR/stories.jsonl"
if [ ! -s "$file" ]; then
    rm -f "$src" "$src-wal" "$src-shm"
    echo "==> generating $STORIES stories" >&2
    DATABASE_URL="$src" "$bin" generate --stories "$STORIES" >/dev/null
    start_server "$src" "$BENCH_DIR/server.log" /readyz --index-dir "$BENCH_DIR/source-index"
    echo "==> exporting them as JSON Lines" >&2
    curl -sf "$base/api/v1/stories/export?format=jsonl" -o "$file"
    stop_server
fi
lines=$(wc -l <"$file")
bytes=$(stat -c %s "$file")

# seconds COMMAND...: runs it, prints its wall time in seconds.
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >>"$BENCH_DIR/import.log" 2>&1 || [ $? -eq 2 ]
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}'
}

echo
echo "<!-- $(date -u '+%F %T') UTC, $lines stories ($((bytes / 1000000)) MB of JSON Lines), load $(cut -d' ' -f1-3 /proc/loadavg) -->"
echo "| database | first import (s) | stories/s | again, all unchanged (s) |"
echo "|---|---:|---:|---:|"
for backend in "${backends[@]}"; do
    case $backend in
    sqlite)
        url="$BENCH_DIR/target.db"
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
    rm -rf "$BENCH_DIR/index-$backend"
    first=$(seconds env DATABASE_URL="$url" "$bin" --index-dir "$BENCH_DIR/index-$backend" import "$file")
    again=$(seconds env DATABASE_URL="$url" "$bin" --index-dir "$BENCH_DIR/index-$backend" import "$file")
    rate=$(awk -v n="$lines" -v s="$first" 'BEGIN {printf "%.0f", n / s}')
    printf '| %s | %s | %s | %s |\n' "$backend" "$first" "$rate" "$again"
done
tail -4 "$BENCH_DIR/import.log" >&2
