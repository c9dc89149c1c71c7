#!/usr/bin/env bash
# Server-rendered reader pages against the JSON of the same stories: generates N synthetic
# stories on SQLite, serves them with a release build on 127.0.0.1 and loads, with wrk, each
# page and the API read it is made from (the home page and its newest 10, a theme page and
# its 10, a deep theme page, a story and its JSON, a keyword search and its first 10), both
# without Accept-Encoding and with `Accept-Encoding: gzip, br`. Prints a markdown table of
# requests/s, p50 and p99 latency, the server's CPU time per request, the page's rate as a
# share of the JSON's, and the sizes.
# Page and JSON runs alternate, ROUNDS times, the first of each pair swapping every round, and
# each side's median run is reported: on two cores shared by wrk and the server one run
# against another differs by 10-20 %, and whichever went second was favoured.
#
# Usage: STORIES=100000 BENCH_DIR=/tmp/bench-pages scripts/bench-pages.sh
# Environment (all optional):
#   STORIES=100000      stories to generate (SEED=1)
#   DURATION=5s         wrk run per measure (after a 2 s warm-up)
#   ROUNDS=3            alternating page/JSON runs per pair (the median run is reported)
#   CONNECTIONS=32      wrk connections; THREADS=2 wrk threads
#   PORT=18094          server port (127.0.0.1)
#   BENCH_DIR=...       where the database, the search index, logs and results.md go
#   BIN=path            use this peoples-stories binary instead of building one
#   REUSE=1             keep an existing database in BENCH_DIR (same STORIES and SEED)
# The server runs without the app's files (`--web-dist /nonexistent`): the pages are still
# rendered whole on the server; only the script and wasm they load would be missing.
set -euo pipefail

cd "$(dirname "$0")/.."

STORIES=${STORIES:-100000}
SEED=${SEED:-1}
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-18094}
BENCH_DIR=${BENCH_DIR:-$(mktemp -d /tmp/ps-bench-pages.XXXXXX)}
REUSE=${REUSE:-0}

for tool in curl jq; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "==> installing $tool" >&2
        apt-get install -y -qq "$tool" >/dev/null
    }
done
mkdir -p "$BENCH_DIR"
results="$BENCH_DIR/results.md"
wrk_log="$BENCH_DIR/wrk-pages.log"
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

if curl -s -o /dev/null --max-time 2 "$base/"; then
    echo "something already answers on $base; set PORT" >&2
    exit 1
fi

db="$BENCH_DIR/ps.db"
index_dir="$BENCH_DIR/search-index"
if [ "$REUSE" != 1 ] || [ ! -f "$db" ]; then
    rm -rf "$db" "$db-wal" "$db-shm" "$index_dir"
    echo "==> generating $STORIES stories into $db" >&2
    DATABASE_URL="$db" "$bin" generate --stories "$STORIES" --seed "$SEED" >&2
fi
echo "==> starting the server on $base (it builds the search index if needed)" >&2
start_server "$db" "$BENCH_DIR/server.log" "/api/v1/stories?q=court&limit=1" --index-dir "$index_dir"

s=/api/v1/stories
slug=$(curl -fsS "$base$s?limit=1" | jq -r '.items[0].slug')
total=$(curl -fsS "$base$s?limit=1" | jq -r .total)
names=(home theme deep story search)
declare -A page json
page[home]="/"
json[home]="$s?limit=10"
page[theme]="/justice"
json[theme]="$s?theme=justice&limit=10"
page[deep]="/justice?offset=2000"
json[deep]="$s?theme=justice&limit=10&offset=2000"
page[story]="/stories/$slug"
json[story]="$s/$slug"
page[search]="/search?q=court"
json[search]="$s?q=court&limit=10"

# size URL [curl args]: bytes of the body as sent.
size() {
    local url=$1
    shift
    curl -fsS --max-time 60 -o /dev/null -w '%{size_download}' "$@" "$url"
}
# cpu_ticks: the server's user + system CPU time so far, in clock ticks (fields 14 and 15 of
# /proc/PID/stat; the name in field 2 has no spaces).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
# run URL [wrk args]: "req/s p50 p99 non-2xx sockets cpu" after a 2 s warm-up, cpu being the
# server's CPU time per request in microseconds (what a request costs, whatever wrk gets).
run() {
    local url=$1 out before after requests
    shift
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$@" "$url" >/dev/null
    before=$(cpu_ticks)
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url")
    after=$(cpu_ticks)
    printf '### %s %s\n%s\n\n' "$url" "$*" "$out" >>"$wrk_log"
    requests=$(echo "$out" | awk '/requests in/ { print $1 }')
    echo "$(echo "$out" | wrk_numbers) $(awk -v t=$((after - before)) -v n="${requests:-0}" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { if (n > 0) printf "%.1f", t * 1e6 / hz / n; else print "-" }')"
}
# median_run RUN...: of run's lines, the one with the median req/s (its errors summed over
# every run) and the median CPU time per request.
median_run() {
    local errs=0 line rps p50 p99 e k cpu
    for line in "$@"; do
        read -r _ _ _ e k _ <<<"$line"
        errs=$((errs + e + k))
    done
    line=$(printf '%s\n' "$@" | sort -g -k1,1 | sed -n "$((($# + 1) / 2))p")
    read -r rps p50 p99 _ _ _ <<<"$line"
    cpu=$(printf '%s\n' "$@" | sort -g -k6,6 | sed -n "$((($# + 1) / 2))p" | awk '{ print $6 }')
    echo "$rps $p50 $p99 $errs 0 $cpu"
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f", 100 * a / b; else print "-" }'; }

for n in "${names[@]}"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$base${page[$n]}")
    [ "$code" = 200 ] || {
        echo "${page[$n]} answered $code" >&2
        exit 1
    }
done

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
{
    echo
    echo "## Pages vs JSON, SQLite, $total stories"
    echo
    echo "<!-- $(date -u '+%F %T') UTC, checkout $commit; wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency after 2 s, median of $ROUNDS alternating runs; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) -->"
    echo
    echo "| read | encoding | page req/s | p50 ms | p99 ms | CPU µs/req | JSON req/s | p50 ms | p99 ms | CPU µs/req | page/JSON req/s | page bytes | JSON bytes |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} | tee -a "$results"
errors=0
for n in "${names[@]}"; do
    for enc in identity "gzip, br"; do
        hdr=()
        [ "$enc" = identity ] || hdr=(-H "Accept-Encoding: $enc")
        echo "==> ${page[$n]} vs ${json[$n]} ($enc)" >&2
        p_runs=()
        j_runs=()
        for ((r = 1; r <= ROUNDS; r++)); do
            if ((r % 2)); then
                p_runs+=("$(run "$base${page[$n]}" "${hdr[@]}")")
                j_runs+=("$(run "$base${json[$n]}" "${hdr[@]}")")
            else
                j_runs+=("$(run "$base${json[$n]}" "${hdr[@]}")")
                p_runs+=("$(run "$base${page[$n]}" "${hdr[@]}")")
            fi
        done
        read -r p_rps p_50 p_99 p_e p_s p_cpu < <(median_run "${p_runs[@]}")
        read -r j_rps j_50 j_99 j_e j_s j_cpu < <(median_run "${j_runs[@]}")
        errors=$((errors + p_e + p_s + j_e + j_s))
        printf '| `%s` vs `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s%% | %s | %s |\n' \
            "${page[$n]}" "${json[$n]}" "$enc" "$p_rps" "$p_50" "$p_99" "$p_cpu" "$j_rps" "$j_50" "$j_99" "$j_cpu" \
            "$(pct "$p_rps" "$j_rps")" "$(size "$base${page[$n]}" "${hdr[@]}")" \
            "$(size "$base${json[$n]}" "${hdr[@]}")" | tee -a "$results"
    done
done
[ "$errors" = 0 ] || echo "warning: $errors non-2xx answers or socket errors; see $wrk_log" >&2
echo "Server resident memory at the end: $(awk '$1 == "VmRSS:" {printf "%.0f MiB", $2 / 1024}' "/proc/$server_pid/status")." |
    tee -a "$results"
