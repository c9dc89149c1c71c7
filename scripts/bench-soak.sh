#!/usr/bin/env bash
# Soak: holds a fixed mixed load against the cluster (scripts/cluster: NODES nodes on one
# PostgreSQL behind nginx) for MINUTES minutes and reports, minute by minute, requests/s,
# p50/p99 latency, errors (non-2xx answers and socket errors; the target is 0) and each
# node's resident memory (flat is the target).
#
# The load: 90% reads (the newest page, pages deep in the archive, themes, countries, keyword
# searches, single stories, the guestbook, the theme list) and 10% writes (4% submissions,
# 4% guestbook entries, 2% moderators' edits with an API token), from CONNECTIONS
# connections each pausing DELAY_MS between requests, so the rate is held rather than the
# machine saturated. The public forms' rate limits are off (one wrk client would hit them).
#
# Usage: scripts/bench-soak.sh
# Environment (all optional):
#   MINUTES=10  STORIES=20000  NODES=2  PORT=18200  CONNECTIONS=16  DELAY_MS=25  THREADS=2
#   BENCH_DIR=...   where the cluster's files, logs and results go (default: a temp dir)
#   BIN=path        use this peoples-stories binary (release) instead of building one
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PS_ROOT"

MINUTES=${MINUTES:-10}
STORIES=${STORIES:-20000}
NODES=${NODES:-2}
PORT=${PORT:-18200}
CONNECTIONS=${CONNECTIONS:-16}
DELAY_MS=${DELAY_MS:-25}
THREADS=${THREADS:-2}
BENCH_DIR=${BENCH_DIR:-$(mktemp -d /tmp/ps-bench-soak.XXXXXX)}
DB=ps_soak
results="$BENCH_DIR/results-soak.md"
mkdir -p "$BENCH_DIR"
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

bash scripts/postgres-up.sh
admin_url="postgres://peoples_stories:peoples_stories@127.0.0.1:5432/postgres?sslmode=disable"
url="postgres://peoples_stories:peoples_stories@127.0.0.1:5432/$DB?sslmode=disable"
psql "$admin_url" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null
psql "$admin_url" -qc "CREATE DATABASE $DB" >/dev/null
ps_log "generating $STORIES stories"
DATABASE_URL="$url" "$bin" seed >/dev/null 2>&1
DATABASE_URL="$url" "$bin" generate --stories "$STORIES" >/dev/null 2>&1
echo "soak-password-$RANDOM$RANDOM" |
    DATABASE_URL="$url" "$bin" user add --username soak --role moderator >/dev/null 2>&1
token=$(DATABASE_URL="$url" "$bin" token create --username soak --name soak 2>/dev/null)

ps_log "starting the cluster ($NODES nodes behind nginx on 127.0.0.1:$PORT)"
PS_SUBMISSIONS_PER_WINDOW=0 PS_GUESTBOOK_PER_WINDOW=0 RUST_LOG=warn \
    NODES=$NODES PORT=$PORT PS_CLUSTER_DB=$DB PS_CLUSTER_DIR="$BENCH_DIR/cluster" \
    bash scripts/cluster >"$BENCH_DIR/cluster.log" 2>&1 &
cluster_pid=$!
stop_cluster() {
    kill "$cluster_pid" 2>/dev/null || true
    wait "$cluster_pid" 2>/dev/null || true
}
trap stop_cluster EXIT
for _ in $(seq 1 3000); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz" || true)" = 200 ] && break
    kill -0 "$cluster_pid" 2>/dev/null || { cat "$BENCH_DIR/cluster.log" >&2; exit 1; }
    sleep 0.2
done
node_pids=()
for i in $(seq 1 "$NODES"); do
    node_pids+=("$(pgrep -f -- "--index-dir $BENCH_DIR/cluster/index$i " | head -1)")
done

lua="$BENCH_DIR/soak.lua"
cat >"$lua" <<LUA
local stories = $STORIES
local token = "$token"
local delay_ms = $DELAY_MS
LUA
cat >>"$lua" <<'LUA'
local themes = {"justice", "freedom", "peace", "democracy", "well-being"}
local countries = {"KH", "UA", "MM", "SY", "BR", "PH", "Laos", "NG", "MX", "IN"}
local words = {"court", "land", "police", "journalists", "protest", "rights", "water", "prison"}
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end
-- Each minute is a wrk run of its own: its number (the argument) keeps texts new.
local run = 0
function init(args)
    run = tonumber(args[1]) or 0
    math.randomseed(run * 7919 + tid)
end
local n = 0
local json = {["Content-Type"] = "application/json"}
function request()
    n = n + 1
    local r = math.random(100)
    if r <= 15 then
        return wrk.format("GET", "/api/v1/stories")
    elseif r <= 35 then
        return wrk.format("GET", "/api/v1/stories?offset=" .. math.random(0, stories - 10))
    elseif r <= 48 then
        return wrk.format("GET", "/api/v1/stories?theme=" .. themes[math.random(#themes)] ..
            "&offset=" .. (10 * math.random(0, 50)))
    elseif r <= 56 then
        return wrk.format("GET", "/api/v1/stories?country=" .. countries[math.random(#countries)])
    elseif r <= 70 then
        return wrk.format("GET", "/api/v1/stories?q=" .. words[math.random(#words)] ..
            "%20" .. words[math.random(#words)])
    elseif r <= 84 then
        return wrk.format("GET", "/api/v1/stories/" .. math.random(1, stories))
    elseif r <= 88 then
        return wrk.format("GET", "/api/v1/guestbook")
    elseif r <= 90 then
        return wrk.format("GET", "/api/v1/themes")
    elseif r <= 94 then
        local body = string.format('{"title":"Soak story %d-%d-%d","body":"Body of soak story %d-%d-%d: three land defenders were detained after a peaceful protest.","theme":"justice","countries":["KH"],"email":"soak@example.org","consent":true}', run, tid, n, run, tid, n)
        return wrk.format("POST", "/api/v1/submissions", json, body)
    elseif r <= 98 then
        local body = string.format('{"name":"Reader %d-%d-%d","message":"Message %d-%d-%d: thank you for these stories."}', run, tid, n, run, tid, n)
        return wrk.format("POST", "/api/v1/guestbook", json, body)
    else
        local body = string.format('{"summary":"Edited in the soak, %d-%d-%d."}', run, tid, n)
        return wrk.format("PATCH", "/api/v1/stories/" .. math.random(1, stories),
            {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
    end
end
function delay()
    return delay_ms
end
LUA

rss_mb() {
    local out=""
    for p in "${node_pids[@]}"; do
        out+="$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$p/status" 2>/dev/null || echo "-") "
    done
    echo "${out% }"
}

ps_log "soaking for $MINUTES minutes; results in $results"
{
    echo
    echo "<!-- $(date -u '+%F %T') UTC; $STORIES stories on PostgreSQL, $NODES nodes behind nginx;" \
        "wrk -t$THREADS -c$CONNECTIONS, ${DELAY_MS} ms pause per request; $(nproc) cores -->"
    echo "| minute | req/s | p50 ms | p99 ms | non-2xx | socket errors | RSS per node (MB) | load |"
    echo "|---:|---:|---:|---:|---:|---:|---|---:|"
    echo "| 0 | | | | | | $(rss_mb) | $(cut -d' ' -f1 /proc/loadavg) |"
} | tee -a "$results"
for minute in $(seq 1 "$MINUTES"); do
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d60s --latency -s "$lua" "http://127.0.0.1:$PORT" -- "$minute" 2>&1)
    echo "$out" >>"$BENCH_DIR/wrk.log"
    read -r rps p50 p99 errors sockets < <(echo "$out" | wrk_numbers)
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$minute" "$rps" "$p50" "$p99" "$errors" "$sockets" "$(rss_mb)" \
        "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$results"
done
stored=$(psql "$url" -qtAc "SELECT (SELECT count(*) FROM submissions) || ' submissions, ' || \
    (SELECT count(*) FROM guestbook_entries) || ' guestbook entries'")
echo "stored: $stored" | tee -a "$results"
if grep -qiE "internal error|panicked" "$BENCH_DIR"/cluster/node*.log; then
    echo "errors in the nodes' logs:" | tee -a "$results"
    grep -hiE "internal error|panicked" "$BENCH_DIR"/cluster/node*.log | head -5 | tee -a "$results"
fi
