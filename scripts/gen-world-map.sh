#!/usr/bin/env bash
# Regenerates web/map/world-110m.txt, the world map's country shapes, from npm's world-atlas
# (Natural Earth 1:110m, public domain). The output is checked in, so builds and CI never need
# this script or the network; run it only to change the map. Needs node and npm.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${PS_CACHE_DIR:-$HOME/.cache/peoples-stories}"
WORK="$CACHE/world-map"
mkdir -p "$WORK" "$ROOT/web/map"
cp "$ROOT/scripts/world-map/package.json" "$ROOT/scripts/world-map/generate.mjs" "$WORK/"
(cd "$WORK" && npm install --no-audit --no-fund --loglevel=error >&2)
node "$WORK/generate.mjs" "$ROOT/web/map/world-110m.txt"
