# Shared by the benchmark scripts (source it; it is not run on its own): wrk, the release
# binary, the server's start and stop, and reading wrk's output.
#
# Expects PORT to be set. Sets `bin` (BIN, or a fresh release build), `base` and `server_pid`.

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/peoples-stories/target}
base="http://127.0.0.1:$PORT"
server_pid=""

bench_cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=""
}
trap bench_cleanup EXIT

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

# From wrk --latency output on stdin: "req/s p50-ms p99-ms non-2xx socket-errors".
wrk_numbers() {
    local out rps p50 p99 errors sockets
    out=$(cat)
    rps=$(echo "$out" | awk '/^Requests\/sec:/ {printf "%.0f", $2}')
    p50=$(to_ms "$(echo "$out" | awk '$1 == "50%" {print $2}')")
    p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")
    errors=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    sockets=$(echo "$out" | awk '/Socket errors/ {print $NF}')
    echo "$rps $p50 $p99 ${errors:-0} ${sockets:-0}"
}

# start_server DATABASE_URL LOG READY_PATH [serve flags...]: starts a release server on PORT
# (without its metrics listener, whose port another server on this machine may hold) and
# waits (up to 10 minutes) until READY_PATH answers 200.
start_server() {
    local url=$1 log=$2 ready=$3 code=""
    shift 3
    DATABASE_URL="$url" RUST_LOG=${RUST_LOG:-warn} "$bin" serve --bind "127.0.0.1:$PORT" \
        --web-dist /nonexistent --metrics-bind off "$@" >"$log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 6000); do
        code=$(curl -s -o /dev/null -w '%{http_code}' "$base$ready" || true)
        [ "$code" = 200 ] && return 0
        if ! kill -0 "$server_pid" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    echo "the server did not answer 200 at $ready (last: $code); its log:" >&2
    cat "$log" >&2
    exit 1
}

stop_server() {
    bench_cleanup
}
