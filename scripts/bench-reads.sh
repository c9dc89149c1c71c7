#!/usr/bin/env bash
# Public reads against a static-file baseline: generates N synthetic stories, serves them with
# a release build on 127.0.0.1, saves what the API answers to five public reads (newest 20, a
# deep page, theme + country, a keyword search, one story) as files, and serves those very
# bytes with Debian's nginx (gzip_static, etag) on another loopback port. Each read is loaded
# with wrk against both: without Accept-Encoding, compressed (server: gzip, br; nginx: its
# precompressed .gz) and revalidated with If-None-Match (nginx answers 304; the server
# answers whatever it answers, "no ETag" when it sends none). Also times first reads (queries
# never asked before, one curl each) on the server. Prints markdown tables of requests/s, p99
# latency and server/nginx ratios, the response sizes and the server's resident memory.
#
# Usage: scripts/bench-reads.sh [sqlite|postgres]        (default: sqlite)
#        STORIES=100000 BENCH_DIR=/tmp/bench-reads-100k scripts/bench-reads.sh sqlite
# Environment (all optional):
#   STORIES=10000       stories to generate
#   SEED=1              generator seed
#   DURATION=10s        wrk run per measure (after a 2 s warm-up)
#   CONNECTIONS=32      wrk connections
#   THREADS=2           wrk threads
#   TIMEOUT=2s          wrk --timeout
#   PORT=18092          server port (127.0.0.1)
#   NGINX_PORT=18093    nginx port (127.0.0.1)
#   FIRST_READS=200     first-read requests per kind (distinct offsets)
#   WORD=court          the keyword search; THEME=justice COUNTRY=KH the filtered list
#   PG_ADMIN_URL=postgres://peoples_stories:peoples_stories@127.0.0.1:5432/postgres
#   PG_DB=ps_bench_reads   the PostgreSQL database to (re)create; it is dropped first
#   BENCH_DIR=...       where the database, the search index, nginx's config and log, wrk
#                       logs, the responses and results.md go (default: a temp dir)
#   BIN=path            use this peoples-stories binary instead of building one
#   REUSE=1             keep an existing database (and index) in BENCH_DIR instead of
#                       regenerating; it must hold the same STORIES and SEED
#   MAX_OTHERS=10       other processes (builds, tests) share the CPU: before each read, wait
#   QUIET_WAIT=300      up to QUIET_WAIT s for them to use at most MAX_OTHERS % of it, and
#   RETRIES=2           measure the read again (up to RETRIES times) when they took more during
#                       its runs; the "others" column shows what they took (MAX_OTHERS=100: off)
# Installs wrk, nginx, curl, jq, gzip and procps with apt-get when missing (apt-get update
# first), with service starts refused, so Debian's default site never starts; nginx here runs
# only from the config this script writes into $BENCH_DIR/nginx (pid file, error log there).
set -euo pipefail

cd "$(dirname "$0")/.."

STORIES=${STORIES:-10000}
SEED=${SEED:-1}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
TIMEOUT=${TIMEOUT:-2s}
PORT=${PORT:-18092}
NGINX_PORT=${NGINX_PORT:-18093}
FIRST_READS=${FIRST_READS:-200}
WORD=${WORD:-court}
THEME=${THEME:-justice}
COUNTRY=${COUNTRY:-KH}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://peoples_stories:peoples_stories@127.0.0.1:5432/postgres}
PG_DB=${PG_DB:-ps_bench_reads}
BENCH_DIR=${BENCH_DIR:-$(mktemp -d /tmp/ps-bench-reads.XXXXXX)}
REUSE=${REUSE:-0}
MAX_OTHERS=${MAX_OTHERS:-10}
RETRIES=${RETRIES:-2}
QUIET_WAIT=${QUIET_WAIT:-300}
BACKEND=${1:-sqlite}
NGINX=/usr/sbin/nginx

# --- What it needs, from Debian's packages ---------------------------------------------------
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
[ -x "$NGINX" ] || need+=(nginx)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v jq >/dev/null 2>&1 || need+=(jq)
command -v gzip >/dev/null 2>&1 || need+=(gzip)
command -v pgrep >/dev/null 2>&1 || need+=(procps)
if [ ${#need[@]} -gt 0 ]; then
    echo "==> installing ${need[*]}" >&2
    apt-get update -qq >/dev/null
    # Debian's nginx package starts the service (its default site, on every address) unless
    # policy-rc.d refuses; refuse while installing when nothing else does.
    policy=/usr/sbin/policy-rc.d made_policy=0 rc=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        made_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" \
        >/dev/null || rc=$?
    [ "$made_policy" = 0 ] || rm -f "$policy"
    [ "$rc" = 0 ] || exit "$rc"
fi
"$NGINX" -V 2>&1 | grep -q -- --with-http_gzip_static_module || {
    echo "$NGINX has no gzip_static module" >&2
    exit 1
}

mkdir -p "$BENCH_DIR"
results="$BENCH_DIR/results.md"
wrk_log="$BENCH_DIR/wrk-reads-$BACKEND.log"
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

for p in "$PORT" "$NGINX_PORT"; do
    if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$p/"; then
        echo "something already answers on 127.0.0.1:$p; set PORT / NGINX_PORT" >&2
        exit 1
    fi
done

nginx_dir="$BENCH_DIR/nginx"
www=$(mktemp -d /tmp/ps-bench-reads-www.XXXXXX)
chmod 755 "$www"
nginx_pid=""
cleanup() {
    if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
        kill "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    nginx_pid=""
    bench_cleanup
    rm -rf "$www"
}
trap cleanup EXIT

# --- The database, the index and the server --------------------------------------------------
case $BACKEND in
sqlite)
    db="$BENCH_DIR/ps.db"
    index_dir="$BENCH_DIR/search-index"
    have_db() { [ -f "$db" ]; }
    ;;
postgres)
    db="${PG_ADMIN_URL%/*}/$PG_DB"
    index_dir="$BENCH_DIR/search-index-pg"
    have_db() { psql "$db" -qtAc "SELECT 1" >/dev/null 2>&1; }
    ;;
*)
    echo "unknown backend '$BACKEND': use sqlite or postgres" >&2
    exit 2
    ;;
esac
if [ "$REUSE" != 1 ] || ! have_db; then
    if [ "$BACKEND" = postgres ]; then
        psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
        psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
    else
        rm -f "$db" "$db-wal" "$db-shm"
    fi
    rm -rf "$index_dir"
    echo "==> $BACKEND: generating $STORIES stories into $db" >&2
    DATABASE_URL="$db" "$bin" generate --stories "$STORIES" --seed "$SEED" 2>&1 |
        tee "$BENCH_DIR/generate-$BACKEND.log" >&2
    if [ "$BACKEND" = postgres ]; then
        psql "$db" -qc "VACUUM ANALYZE" >/dev/null
    fi
fi
case $BACKEND in
sqlite) size=$(du -ch "$db"* | awk 'END {print $1}') ;;
postgres) size=$(psql "$db" -qtAc "SELECT pg_size_pretty(pg_database_size(current_database()))") ;;
esac

# Ready when a keyword search answers 200: the server builds the index first (503 till then).
echo "==> starting the server on 127.0.0.1:$PORT (it builds the search index if needed)" >&2
start_server "$db" "$BENCH_DIR/server-reads-$BACKEND.log" "/api/v1/stories?q=$WORD" \
    --index-dir "$index_dir"
# rss PID FIELD: VmRSS or VmHWM from /proc, in MiB.
rss() { awk -v k="$2:" '$1 == k {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
rss_start=$(rss "$server_pid" VmRSS)

s=/api/v1/stories
total=$(curl -fsS "$base$s?limit=1" | jq -r .total)
deep=$((STORIES / 2))
slug=$(curl -fsS "$base$s" | jq -r '.items[0].slug')
names=(newest deep theme-country keyword story)
declare -A label path
label[newest]="newest 20"
path[newest]="$s"
label[deep]="deep page (offset $deep)"
path[deep]="$s?offset=$deep"
label[theme-country]="theme + country"
path[theme-country]="$s?theme=$THEME&country=$COUNTRY"
label[keyword]="keyword search"
path[keyword]="$s?q=$WORD"
label[story]="one story"
path[story]="$s/$slug"

# header NAME FILE: the value of a response header in a curl -D dump ("" when absent).
header() { awk -v k="$(echo "$1" | tr 'A-Z' 'a-z')" -F': ' 'tolower($1) == k {sub(/\r$/, "", $2); print $2}' "$2" | tail -1; }

# --- The same bytes as files, for nginx ------------------------------------------------------
# Each answer and its headers are kept in $BENCH_DIR/responses for a look.
resp="$BENCH_DIR/responses"
rm -rf "$resp"
mkdir -p "$resp"
declare -A items srv_etag srv_enc srv_csize id_size gz_size
for n in "${names[@]}"; do
    body="$www/$n.json"
    hdr="$resp/server-$n.headers"
    # No Accept-Encoding: the identity body, exactly as the server sends it.
    curl -fsS --max-time 60 -D "$hdr" -o "$body" "$base${path[$n]}" || {
        echo "GET ${path[$n]} failed" >&2
        exit 1
    }
    if [ "$n" = story ]; then
        items[$n]=$(jq -r '.slug' "$body")
    else
        items[$n]="$(jq -r '.items | length' "$body") of $(jq -r .total "$body")"
        if [ "$(jq -r '.items | length' "$body")" = 0 ]; then
            echo "GET ${path[$n]} returned no items" >&2
            exit 1
        fi
    fi
    gzip -9 -n -c "$body" >"$body.gz"
    touch -r "$body" "$body.gz"
    id_size[$n]=$(stat -c %s "$body")
    gz_size[$n]=$(stat -c %s "$body.gz")
    # What a browser gets: Accept-Encoding gzip, br.
    cp "$body" "$resp/server-$n.json"
    curl -fsS --max-time 60 -H 'Accept-Encoding: gzip, br' -D "$resp/server-$n.compressed.headers" \
        -o "$resp/server-$n.compressed" "$base${path[$n]}"
    srv_enc[$n]=$(header Content-Encoding "$resp/server-$n.compressed.headers")
    srv_enc[$n]=${srv_enc[$n]:-identity}
    srv_csize[$n]=$(stat -c %s "$resp/server-$n.compressed")
    srv_etag[$n]=$(header ETag "$resp/server-$n.compressed.headers")
done
chmod -R a+rX "$www"

# --- nginx: its own config, loopback only ----------------------------------------------------
mkdir -p "$nginx_dir/tmp"
{
    echo "worker_processes 2;"
    echo "pid $nginx_dir/nginx.pid;"
    echo "error_log $nginx_dir/error.log warn;"
    # As root, workers run as nobody; the files are world-readable in a 755 temp root.
    [ "$(id -u)" != 0 ] || echo "user nobody nogroup;"
    cat <<EOF
events {
    worker_connections 1024;
}
http {
    types {
        application/json json;
    }
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    etag on;
    gzip_static on;
    client_body_temp_path $nginx_dir/tmp/body;
    proxy_temp_path $nginx_dir/tmp/proxy;
    fastcgi_temp_path $nginx_dir/tmp/fastcgi;
    uwsgi_temp_path $nginx_dir/tmp/uwsgi;
    scgi_temp_path $nginx_dir/tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        server_name localhost;
        root $www;
    }
}
EOF
} >"$nginx_dir/nginx.conf"
nginx_args=(-p "$nginx_dir/" -e "$nginx_dir/error.log" -c "$nginx_dir/nginx.conf")
"$NGINX" -q -t "${nginx_args[@]}"
"$NGINX" "${nginx_args[@]}" -g 'daemon off;' &
nginx_pid=$!
ngx="http://127.0.0.1:$NGINX_PORT"
for _ in $(seq 1 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$ngx/newest.json" || true)" = 200 ] && break
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$ngx/newest.json" || true)" = 200 ] || {
    echo "nginx did not start; its log:" >&2
    cat "$nginx_dir/error.log" >&2
    exit 1
}

declare -A ngx_etag ngx_etag_gz
for n in "${names[@]}"; do
    curl -fsS -D "$resp/nginx-$n.headers" -o "$resp/nginx-$n.json" "$ngx/$n.json"
    cmp -s "$resp/nginx-$n.json" "$www/$n.json" || {
        echo "nginx's $n.json differs from the server's body" >&2
        exit 1
    }
    ngx_etag[$n]=$(header ETag "$resp/nginx-$n.headers")
    curl -fsS -H 'Accept-Encoding: gzip' -D "$resp/nginx-$n.gz.headers" -o "$resp/nginx-$n.json.gz" "$ngx/$n.json"
    [ "$(header Content-Encoding "$resp/nginx-$n.gz.headers")" = gzip ] || {
        echo "nginx did not send $n.json.gz" >&2
        exit 1
    }
    ngx_etag_gz[$n]=$(header ETag "$resp/nginx-$n.gz.headers")
done

# --- Measures --------------------------------------------------------------------------------
# Other work on the machine (builds, tests) takes CPU from both; each run notes how much:
# the machine's busy CPU time less the server's, nginx's, PostgreSQL's and wrk's, as a share
# of all cores.
# cpu_now: "busy-ticks all-ticks" of the whole machine, from /proc/stat.
cpu_now() { awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
# ours_now: CPU ticks used so far by the server and nginx (master and workers), and on
# PostgreSQL by its processes (the server's connections among them).
ours_now() {
    local p t=0 pg=""
    [ "$BACKEND" != postgres ] || pg=$(pgrep -x postgres || true)
    for p in "$server_pid" "$nginx_pid" $(pgrep -P "$nginx_pid" || true) $pg; do
        t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$t"
}
clk=$(getconf CLK_TCK)

# wait_quiet: before a read's runs, waits (up to QUIET_WAIT seconds) until processes other
# than the server and nginx use at most MAX_OTHERS % of the CPU over 3 s.
wait_quiet() {
    local waited=0 b0 a0 o0 b1 a1 o1 busy
    while :; do
        read -r b0 a0 < <(cpu_now)
        o0=$(ours_now)
        sleep 3
        read -r b1 a1 < <(cpu_now)
        o1=$(ours_now)
        busy=$((a1 > a0 ? 100 * (b1 - b0 - o1 + o0) / (a1 - a0) : 0))
        [ "$busy" -gt "$MAX_OTHERS" ] || return 0
        if [ "$waited" -ge "$QUIET_WAIT" ]; then
            echo "    other processes still use $busy% of the CPU after ${waited} s; measuring anyway" >&2
            return 0
        fi
        [ "$waited" != 0 ] || echo "    waiting (up to $QUIET_WAIT s) for other processes ($busy% of the CPU) to calm down" >&2
        sleep 7
        waited=$((waited + 10))
    done
}

# bench LABEL URL [wrk -H args...]: warm-up, then a measured wrk run; prints
# "req/s p50 p99 non-2xx-or-3xx socket-errors others-cpu-%".
bench() {
    local what=$1 url=$2 out b0 a0 o0 b1 a1 o1 wrk_ticks others
    shift 2
    # (This runs in a subshell: a failure must say so, or the caller only sees no numbers.)
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s --timeout "$TIMEOUT" "$@" "$url" >/dev/null || {
        echo "wrk failed (exit $?) warming up $what on $url" >&2
        exit 1
    }
    read -r b0 a0 < <(cpu_now)
    o0=$(ours_now)
    # `times` in the subshell: wrk's own user and system CPU time, on the last line.
    out=$(
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$TIMEOUT" --latency "$@" "$url" ||
            echo "wrk failed (exit $?)"
        times
    )
    if grep -q '^wrk failed' <<<"$out"; then
        echo "$what on $url: $out" >&2
        exit 1
    fi
    read -r b1 a1 < <(cpu_now)
    o1=$(ours_now)
    wrk_ticks=$(echo "$out" | tail -1 | awk -v clk="$clk" '
        function sec(x, a) { sub(/s$/, "", x); split(x, a, "m"); return a[1] * 60 + a[2] }
        { printf "%.0f", (sec($1) + sec($2)) * clk }')
    out=$(echo "$out" | head -n -2)
    others=$(awk -v b=$((b1 - b0)) -v a=$((a1 - a0)) -v o=$((o1 - o0)) -v w="$wrk_ticks" \
        'BEGIN { x = a > 0 ? 100 * (b - o - w) / a : 0; printf "%.0f", x < 0 ? 0 : x }')
    printf '### %s %s %s (load %s; others %s%% of the CPU)\n%s\n\n' "$what" "$url" "$*" \
        "$(cut -d' ' -f1-3 /proc/loadavg)" "$others" "$out" >>"$wrk_log"
    # Let requests still in flight finish before the next run.
    sleep 1
    echo "$(echo "$out" | wrk_numbers) $others"
}
# status URL [curl -H args...]: the status code of one request.
status() {
    local url=$1
    shift
    curl -s -o /dev/null --max-time 60 -w '%{http_code}' "$@" "$url"
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print "-" }'; }

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "==> $BACKEND: $total published stories, database $size; results in $results" >&2
echo "==> wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores, load $load_start" >&2
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
{
    echo
    echo "## Reads: server vs nginx, $BACKEND, $total stories"
    echo
    echo "<!-- $(date -u '+%F %T') UTC, checkout $commit, binary $bin; $BACKEND database $size;"
    echo "     wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency after 2 s; $(nproc) cores, load $load_start -->"
    echo
    echo "Server: \`Accept-Encoding: gzip, br\` for the compressed and revalidation columns; nginx: \`Accept-Encoding: gzip\` (gzip_static, \`gzip -9\`)."
    echo "Revalidation sends \`If-None-Match\` with the ETag each one returned; \"status\" is what the server answers it."
    echo "% is server req/s as a share of nginx's. \"others\" is the most CPU (% of all cores) that other processes took during the read's six runs."
    echo
    echo "| read | identity server req/s | p99 ms | nginx req/s | p99 ms | % | compressed server req/s | p99 ms | nginx req/s | p99 ms | % | revalidate server req/s | p99 ms | status | nginx 304 req/s | p99 ms | % | others |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"
} | tee -a "$results"

declare -A srv_status
errors_total=0
for n in "${names[@]}"; do
    url="$base${path[$n]}"
    nurl="$ngx/$n.json"
    echo "==> ${label[$n]}: ${path[$n]}" >&2
    if [ -n "${srv_etag[$n]}" ]; then
        inm=${srv_etag[$n]}
    else
        # No ETag to send back: a stale one, so the request has the same shape.
        inm='"no-etag"'
    fi
    srv_status[$n]=$(status "$url" -H 'Accept-Encoding: gzip, br' -H "If-None-Match: $inm")
    ngx_status=$(status "$nurl" -H 'Accept-Encoding: gzip' -H "If-None-Match: ${ngx_etag_gz[$n]}")
    [ "$ngx_status" = 304 ] || echo "warning: nginx answered $ngx_status to If-None-Match" >&2
    for attempt in $(seq 0 "$RETRIES"); do
        wait_quiet
        read -r s_id_rps _ s_id_p99 e1 _ c1 < <(bench "server identity" "$url")
        read -r n_id_rps _ n_id_p99 e2 _ c2 < <(bench "nginx identity" "$nurl")
        read -r s_gz_rps _ s_gz_p99 e3 _ c3 < <(bench "server compressed" "$url" -H 'Accept-Encoding: gzip, br')
        read -r n_gz_rps _ n_gz_p99 e4 _ c4 < <(bench "nginx gzip" "$nurl" -H 'Accept-Encoding: gzip')
        read -r s_rv_rps _ s_rv_p99 e5 _ c5 < <(bench "server revalidate" "$url" \
            -H 'Accept-Encoding: gzip, br' -H "If-None-Match: $inm")
        read -r n_rv_rps _ n_rv_p99 e6 _ c6 < <(bench "nginx revalidate" "$nurl" \
            -H 'Accept-Encoding: gzip' -H "If-None-Match: ${ngx_etag_gz[$n]}")
        others=$(printf '%s\n' "$c1" "$c2" "$c3" "$c4" "$c5" "$c6" | sort -n | tail -1)
        [ "$others" -gt "$MAX_OTHERS" ] || break
        if [ "$attempt" -lt "$RETRIES" ]; then
            echo "    other processes took up to $others% of the CPU; measuring again" >&2
            echo "(discarded: others took up to $others% of the CPU)" >>"$wrk_log"
        fi
    done
    errors_total=$((errors_total + e1 + e2 + e3 + e4 + e5 + e6))
    st=${srv_status[$n]}
    [ -n "${srv_etag[$n]}" ] || st="$st (no ETag)"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "${label[$n]}" \
        "$s_id_rps" "$s_id_p99" "$n_id_rps" "$n_id_p99" "$(pct "$s_id_rps" "$n_id_rps")" \
        "$s_gz_rps" "$s_gz_p99" "$n_gz_rps" "$n_gz_p99" "$(pct "$s_gz_rps" "$n_gz_rps")" \
        "$s_rv_rps" "$s_rv_p99" "$st" "$n_rv_rps" "$n_rv_p99" "$(pct "$s_rv_rps" "$n_rv_rps")" "$others" |
        tee -a "$results"
done
[ "$errors_total" = 0 ] || echo "warning: $errors_total non-2xx/3xx responses in wrk runs; see $wrk_log" >&2

# First reads: one curl per request (a new connection each), every request a query the server
# has not been asked before. "same query" repeats one of them, to show curl's own share.
# times_ms URL...: median and p90 of curl's time_total, in ms.
times_ms() {
    local u
    for u in "$@"; do
        curl -fsS -o /dev/null --max-time 60 -w '%{time_total}\n' "$u"
    done | sort -g | awk '{ t[NR] = $1 * 1000 }
        END { m = int((NR + 1) / 2); p = int(NR * 0.9 + 0.999); printf "%.2f %.2f\n", t[m], t[p] }'
}
top_urls=() spread_urls=() same_urls=()
step=$(((total - 40) / FIRST_READS))
for i in $(seq 1 "$FIRST_READS"); do
    top_urls+=("$base$s?offset=$i")
    o=$((13 + (i - 1) * step))
    [ "$o" != "$deep" ] || o=$((o + 1))
    spread_urls+=("$base$s?offset=$o")
    same_urls+=("$base$s?offset=$((deep + 3))")
done
echo "==> first reads ($FIRST_READS each)" >&2
wait_quiet
read -r top_med top_p90 < <(times_ms "${top_urls[@]}")
read -r spread_med spread_p90 < <(times_ms "${spread_urls[@]}")
read -r same_med same_p90 < <(times_ms "${same_urls[@]}")

rss_end=$(rss "$server_pid" VmRSS)
hwm=$(rss "$server_pid" VmHWM)
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
{
    echo
    echo "First reads (server only; one curl each, a new connection, no Accept-Encoding; $FIRST_READS requests):"
    echo
    echo "| first read | median ms | p90 ms |"
    echo "|---|---:|---:|"
    echo "| newest page, offsets 1 to $FIRST_READS, each once | $top_med | $top_p90 |"
    echo "| pages spread over the archive (offsets 13 to $((13 + (FIRST_READS - 1) * step)), step $step), each once | $spread_med | $spread_p90 |"
    echo "| one query ($s?offset=$((deep + 3))) $FIRST_READS times | $same_med | $same_p90 |"
    echo
    echo "Responses (bytes of the body; the server's compressed answer is what \`Accept-Encoding: gzip, br\` gets):"
    echo
    echo "| read | path | items | identity | server compressed | nginx .gz (gzip -9) | server ETag | nginx ETag (gzip) |"
    echo "|---|---|---|---:|---:|---:|---|---|"
    for n in "${names[@]}"; do
        printf '| %s | `%s` | %s | %s | %s %s | %s | %s | %s |\n' "${label[$n]}" "${path[$n]}" \
            "${items[$n]}" "${id_size[$n]}" "${srv_csize[$n]}" "${srv_enc[$n]}" "${gz_size[$n]}" \
            "${srv_etag[$n]:-none}" "${ngx_etag_gz[$n]}"
    done
    echo
    echo "Server resident memory: VmRSS $rss_start MiB after start, $rss_end MiB after the run (peak VmHWM $hwm MiB). Load average at the end (this benchmark included): $load_end."
} | tee -a "$results"
