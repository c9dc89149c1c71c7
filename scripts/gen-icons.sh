#!/usr/bin/env bash
# Regenerates the site's PNG icons from api/assets/favicon.svg: icon-192.png and
# icon-512.png for the web app manifest (Android's home screen and install prompt) and
# apple-touch-icon.png (180 px, iOS's home screen, which takes no SVG). The PNGs are
# checked in, so builds and CI never need this script; run it after changing the SVG.
# iOS rounds the corners itself and shows transparent ones black, so its icon is drawn square.
# Renders with Debian's headless Chromium (installed with apt-get when missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASSETS="$ROOT/api/assets"
if ! command -v chromium >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
for size in 192 512 180; do
    case $size in
    180) out="$ASSETS/apple-touch-icon.png" square='s/ rx="[0-9]*"//' ;;
    *) out="$ASSETS/icon-$size.png" square='' ;;
    esac
    # The SVG drawn at the icon's size on a transparent page, nothing else on it.
    {
        printf '<!DOCTYPE html><html><head><style>html,body{margin:0;background:transparent}'
        printf 'svg{display:block;width:%dpx;height:%dpx}</style></head><body>' "$size" "$size"
        sed -e '1{/^<?xml/d}' -e "$square" "$ASSETS/favicon.svg"
        printf '</body></html>\n'
    } >"$WORK/icon.html"
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --default-background-color=00000000 --window-size="$size,$size" \
        --screenshot="$WORK/icon.png" "file://$WORK/icon.html" >/dev/null 2>&1
    mv "$WORK/icon.png" "$out"
    echo "wrote $out ($(stat -c %s "$out") bytes)"
done
