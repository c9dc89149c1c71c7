#!/usr/bin/env bash
# Starts the machine's PostgreSQL 15 (installing it if missing) and makes sure the test role
# exists: peoples_stories / peoples_stories with CREATEDB, so each test makes its own database.
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "==> installing PostgreSQL"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
    pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
    echo "==> starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi

for _ in $(seq 1 30); do
    runuser -u postgres -- pg_isready -q && break
    sleep 1
done

# The tests run many servers at once, each a database of its own with its pool (and the
# cluster, fault and lifecycle tests real `serve` processes): Debian's 100 connections are
# too few. Raised once, with a restart.
if [ "$(runuser -u postgres -- psql -qtAc "SHOW max_connections")" -lt 400 ]; then
    echo "==> PostgreSQL: max_connections = 400"
    runuser -u postgres -- psql -qc "ALTER SYSTEM SET max_connections = 400"
    pg_ctlcluster --skip-systemctl-redirect "$version" main restart
    for _ in $(seq 1 30); do
        runuser -u postgres -- pg_isready -q && break
        sleep 1
    done
fi

runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = 'peoples_stories'" | grep -q 1 ||
    runuser -u postgres -- psql -qc "CREATE ROLE peoples_stories LOGIN PASSWORD 'peoples_stories' CREATEDB"
echo "==> PostgreSQL ready: postgres://peoples_stories:***@127.0.0.1:5432/postgres"
