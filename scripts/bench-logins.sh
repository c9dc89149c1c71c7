#!/usr/bin/env bash
# Memory under a burst of logins: the server's resident memory before, at its peak during,
# and 5 s after N logins sent at once (distinct unknown usernames, each from its own address
# through a trusted X-Forwarded-For, so no throttle refuses them first), with how each was
# answered. Each argon2id check holds 19 MiB while it runs; the password gate bounds how many
# run at once and turns the rest away with 503.
#
#   bash scripts/bench-logins.sh            # bursts of 60 and 120
#   BURSTS="60 120 500" bash scripts/bench-logins.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PORT=${PORT:-18094}
BURSTS=${BURSTS:-"60 120"}
source scripts/bench-lib.sh

work=$(mktemp -d)
trap 'bench_cleanup; rm -rf "$work"' EXIT
start_server "$work/bench.db" "$work/serve.log" /api/v1/themes \
    --index-dir "$work/index" --trusted-proxies 127.0.0.1
rss() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$server_pid/status"; }

burst() {
    python3 - "$base" "$1" <<'PY'
import json, sys, urllib.request, urllib.error
from concurrent.futures import ThreadPoolExecutor
base, n = sys.argv[1], int(sys.argv[2])
def login(i):
    body = json.dumps({"username": f"nobody{i}", "password": "a wrong password"}).encode()
    req = urllib.request.Request(base + "/api/v1/auth/login", data=body, method="POST",
        headers={"content-type": "application/json",
                 "x-forwarded-for": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"})
    try:
        return urllib.request.urlopen(req, timeout=60).status
    except urllib.error.HTTPError as e:
        return e.code
with ThreadPoolExecutor(max_workers=n) as pool:
    statuses = list(pool.map(login, range(n)))
print(" ".join(f"{s}:{statuses.count(s)}" for s in sorted(set(statuses))))
PY
}

burst 4 >/dev/null   # warm: the dummy hash, the pool, the first arenas
sleep 1
printf '| logins at once | RSS before (MiB) | peak (MiB) | 5 s after (MiB) | answers |\n'
printf '|---:|---:|---:|---:|---|\n'
for n in $BURSTS; do
    before=$(rss)
    peak=$before
    ( while kill -0 "$server_pid" 2>/dev/null; do rss; echo; sleep 0.05; done ) >"$work/rss.$n" &
    sampler=$!
    answers=$(burst "$n")
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    peak=$(sort -n "$work/rss.$n" | tail -1)
    sleep 5
    printf '| %s | %s | %s | %s | %s |\n' "$n" "$before" "$peak" "$(rss)" "$answers"
done
