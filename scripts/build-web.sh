#!/usr/bin/env bash
# Builds the Leptos app in web/ for wasm32 and writes a ready-to-serve folder, web/dist/, with
# two bundles from the one crate (web/src/lib.rs): the reader's pages (index.html, boot.js,
# peoples_stories_web.js and _bg.wasm) and the moderators' admin view (admin.html,
# admin-boot.js, peoples_stories_admin.js and _bg.wasm), sharing style.css. Each .wasm is
# wasm-opt'ed; every code file gets precompressed .br and .gz copies.
#
# Runs from anywhere; installs what it lacks (Debian packages, wasm-bindgen-cli, binaryen)
# and skips whatever is already done, so a second run with no changes takes seconds.
# Caches live outside the repository so a fresh clone (CI) can reuse them:
#   ${PS_CACHE_DIR:-$HOME/.cache/peoples-stories}/target-wasm   cargo's target dir for wasm32
#   .../tools/bin/wasm-bindgen                                  the CLI matching Cargo.lock
#   .../npm/node_modules/.bin/wasm-opt                          npm's binaryen
#   .../wasm-opt/<sha256>.wasm                                  optimised outputs by input hash
#
# See docs/wasm-toolchain.md for why the Debian compiler is the fallback when rustup
# has no wasm32 target (the Rust toolchain servers are unreachable here).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${PS_CACHE_DIR:-$HOME/.cache/peoples-stories}"
TARGET_DIR="$CACHE/target-wasm"
TOOLS="$CACHE/tools"
CRATE=peoples-stories-web
# The crate's targets, the names their files get in web/dist, and the crate feature each is
# built with: "<target> <artifact> <html> <boot.js> <feature>". The reader's bundle is the
# library itself built as a cdylib (`lib`: the islands' hydration functions, `#[island]`, are
# exports of the wasm, which a binary would drop) with `hydrate`; the admin view is a binary
# that renders in the browser alone (`csr`, which leaves hydration's code out of it).
BUNDLES=(
    "lib peoples_stories_web index.html boot.js hydrate"
    "peoples-stories-admin peoples_stories_admin admin.html admin-boot.js csr"
)
PROFILE=wasm-release
TARGET=wasm32-unknown-unknown
BINARYEN_NPM_VERSION=132
DIST="$ROOT/web/dist"

START=$SECONDS
log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

APT_UPDATED=0
apt_install() {
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "need root (or sudo) to apt-get install $*"
        sudo=(sudo)
    fi
    if [ "$APT_UPDATED" -eq 0 ]; then
        log "apt-get update"
        "${sudo[@]}" apt-get update -qq
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@"
}

mkdir -p "$CACHE" "$TOOLS"
cd "$ROOT"

# --- wasm-opt: decided first, because Debian's old binaryen needs different rustc flags -------
# Order: a recent wasm-opt on PATH (a developer's laptop), npm's binaryen in the cache (works
# with today's target features), Debian's binaryen (version 108: only with reference types and
# multivalue turned off at compile time), or none (warn and ship the unoptimised wasm).
WASM_OPT=()
WASM_OPT_FEATURES=()
RUSTFLAGS_EXTRA=""
binaryen_version() { "$@" --version 2>/dev/null | grep -oE 'version [0-9]+' | grep -oE '[0-9]+' || echo 0; }
if command -v wasm-opt >/dev/null && [ "$(binaryen_version wasm-opt)" -ge 118 ]; then
    WASM_OPT=(wasm-opt)
fi
NPM_WASM_OPT="$CACHE/npm/node_modules/.bin/wasm-opt"
if [ ${#WASM_OPT[@]} -eq 0 ] && [ ! -x "$NPM_WASM_OPT" ] && command -v npm >/dev/null; then
    log "installing binaryen@$BINARYEN_NPM_VERSION from npm into $CACHE/npm"
    mkdir -p "$CACHE/npm"
    npm install --prefix "$CACHE/npm" --no-audit --no-fund --loglevel=error \
        "binaryen@$BINARYEN_NPM_VERSION" >&2 || warn "npm install binaryen failed"
fi
if [ ${#WASM_OPT[@]} -eq 0 ] && [ -x "$NPM_WASM_OPT" ] && command -v node >/dev/null; then
    WASM_OPT=("$NPM_WASM_OPT")
fi
if [ ${#WASM_OPT[@]} -eq 0 ]; then
    if ! command -v wasm-opt >/dev/null; then
        apt_install binaryen || warn "apt-get install binaryen failed"
    fi
    if command -v wasm-opt >/dev/null; then
        WASM_OPT=(wasm-opt)
        if [ "$(binaryen_version wasm-opt)" -lt 118 ]; then
            # Old binaryen mangles reference-types output (see toolchain.md): build without them.
            RUSTFLAGS_EXTRA="-Ctarget-feature=-reference-types,-multivalue"
            WASM_OPT_FEATURES=(--enable-bulk-memory --enable-sign-ext --enable-mutable-globals
                --enable-nontrapping-float-to-int)
        fi
    fi
fi

# --- the compiler and std for wasm32 -----------------------------------------------------------
BUILD_ENV=()
BUILD_ARGS=()
if rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
    log "using rustup's $TARGET target"
else
    log "rustup has no $TARGET target: using Debian's rustc-web with build-std (toolchain.md)"
    WASM_LD=/usr/lib/llvm-19/bin/wasm-ld
    STD_SRC=/usr/lib/rustlib/src/rust/library/std/Cargo.toml
    missing=()
    [ -x /usr/bin/rustc ] || missing+=(rustc-web)
    [ -f "$STD_SRC" ] || missing+=(rust-web-src)
    [ -x "$WASM_LD" ] || missing+=(lld-19)
    if [ ${#missing[@]} -gt 0 ]; then
        apt_install "${missing[@]}"
    fi
    BUILD_ENV=(RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=$WASM_LD")
    BUILD_ARGS=(-Z build-std=std,panic_abort)
fi
if [ -n "$RUSTFLAGS_EXTRA" ]; then
    # Only for the wasm32 target, so build scripts and proc macros are unaffected.
    BUILD_ENV+=("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=$RUSTFLAGS_EXTRA")
fi

# --- wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen version -------------------------
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
[ -n "$WB_VERSION" ] || die "no wasm-bindgen in Cargo.lock: run 'cargo generate-lockfile' first"
WASM_BINDGEN="$TOOLS/bin/wasm-bindgen"
if [ "$("$WASM_BINDGEN" --version 2>/dev/null || true)" != "wasm-bindgen $WB_VERSION" ]; then
    log "installing wasm-bindgen-cli $WB_VERSION into $TOOLS (takes a few minutes, once)"
    # No --locked: its lock file names a crate version this registry mirror lacks.
    cargo install wasm-bindgen-cli --version "$WB_VERSION" --root "$TOOLS" --force
fi

# --- build -----------------------------------------------------------------------------------
t0=$SECONDS
for bundle in "${BUNDLES[@]}"; do
    read -r bin _ _ _ feature <<<"$bundle"
    if [ "$bin" = lib ]; then
        build=(rustc -p "$CRATE" --lib --crate-type cdylib)
    else
        build=(build -p "$CRATE" --bin "$bin")
    fi
    log "cargo ${build[*]} --features $feature --profile $PROFILE --target $TARGET"
    env "${BUILD_ENV[@]}" CARGO_TARGET_DIR="$TARGET_DIR" \
        cargo "${build[@]}" --features "$feature" --profile "$PROFILE" --target "$TARGET" "${BUILD_ARGS[@]}"
done
log "cargo build took $((SECONDS - t0)) s"

# A staging folder of this run's own: two checkouts building at once share the cache.
STAGE="$(mktemp -d "$CACHE/web-stage.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

# --- wasm-bindgen and wasm-opt for each bundle ------------------------------------------------
# wasm-opt's outputs are cached by the input's hash (npm's binaryen runs under node and is slow).
optimise() {
    local bg="$1" key cached
    if [ ${#WASM_OPT[@]} -eq 0 ]; then
        warn "no usable wasm-opt (npm's binaryen or Debian's binaryen): shipping the unoptimised wasm"
        return
    fi
    # From the wasm's bytes only (stdin): sha256sum of a path prints the path too, and the
    # staging folder's name is new every run, so the cache never hit.
    key="$(cat <(sha256sum <"$bg") <(printf '%s' "${WASM_OPT[*]} ${WASM_OPT_FEATURES[*]}") | sha256sum | cut -c1-32)"
    cached="$CACHE/wasm-opt/$key.wasm"
    if [ -f "$cached" ]; then
        log "wasm-opt: unchanged input, reusing $cached"
    else
        log "wasm-opt -Oz $(basename "$bg") (${WASM_OPT[0]})"
        local t0=$SECONDS
        mkdir -p "$CACHE/wasm-opt"
        if "${WASM_OPT[@]}" "${WASM_OPT_FEATURES[@]}" -Oz "$bg" -o "$cached.tmp.$$"; then
            mv "$cached.tmp.$$" "$cached"
            log "wasm-opt took $((SECONDS - t0)) s"
        else
            rm -f "$cached.tmp.$$"
            warn "wasm-opt failed: shipping the unoptimised $(basename "$bg")"
            return
        fi
    fi
    cp "$cached" "$bg"
}
for bundle in "${BUNDLES[@]}"; do
    read -r bin artifact _ _ _ <<<"$bundle"
    if [ "$bin" = lib ]; then
        wasm_in="$TARGET_DIR/$TARGET/$PROFILE/${CRATE//-/_}.wasm"  # a library's has underscores
    else
        wasm_in="$TARGET_DIR/$TARGET/$PROFILE/$bin.wasm"  # a binary keeps its hyphens
    fi
    [ -f "$wasm_in" ] || die "cargo produced no $wasm_in"
    "$WASM_BINDGEN" --target web --no-typescript --out-name "$artifact" --out-dir "$STAGE" "$wasm_in"
    optimise "$STAGE/${artifact}_bg.wasm"
done

# --- assemble dist ----------------------------------------------------------------------------
cp "$ROOT/web/style.css" "$STAGE/style.css"
# A short content hash in the asset URLs, so browsers never mix an old .js with a new .wasm.
# One version for both bundles: the server reads it from index.html.
CODE_FILES=("$STAGE/style.css")
for bundle in "${BUNDLES[@]}"; do
    read -r _ artifact _ _ _ <<<"$bundle"
    CODE_FILES+=("$STAGE/$artifact.js" "$STAGE/${artifact}_bg.wasm")
done
VERSION="$(cat "${CODE_FILES[@]}" | sha256sum | cut -c1-12)"
for bundle in "${BUNDLES[@]}"; do
    read -r _ _ html boot _ <<<"$bundle"
    sed "s/__PS_VERSION__/$VERSION/g" "$ROOT/web/$html" >"$STAGE/$html"
    sed "s/__PS_VERSION__/$VERSION/g" "$ROOT/web/$boot" >"$STAGE/$boot"
    CODE_FILES+=("$STAGE/$boot")
done

# Precompressed copies beside each code file (brotli at its best, gzip -9), which the server
# sends to browsers that accept them: smaller than compressing on the fly, and no CPU per
# request. Without node, gzip alone; without either, the server compresses as it sends.
if command -v node >/dev/null; then
    node -e '
        const zlib = require("zlib"), fs = require("fs");
        for (const f of process.argv.slice(1)) {
            const b = fs.readFileSync(f);
            fs.writeFileSync(f + ".br", zlib.brotliCompressSync(b, { params: {
                [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
                [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }));
            fs.writeFileSync(f + ".gz", zlib.gzipSync(b, { level: 9 }));
        }' "${CODE_FILES[@]}"
else
    for f in "${CODE_FILES[@]}"; do gzip -9 -c "$f" >"$f.gz"; done
fi

# Swap the folder in whole, so a running server never serves half of two builds.
rm -rf "$DIST.new" "$DIST.old"
cp -R "$STAGE" "$DIST.new"
chmod 755 "$DIST.new"
if [ -d "$DIST" ]; then mv "$DIST" "$DIST.old"; fi
mv "$DIST.new" "$DIST"
rm -rf "$DIST.old"

size() { if [ -f "$1" ]; then wc -c <"$1"; else echo 0; fi; }
log "web/dist ready in $((SECONDS - START)) s (version $VERSION)"
# What a browser downloads for each bundle: its wasm, JS and boot module, and the shared CSS.
for bundle in "${BUNDLES[@]}"; do
    read -r _ artifact _ boot _ <<<"$bundle"
    for enc in br gz; do
        wasm=$(size "$DIST/${artifact}_bg.wasm.$enc"); js=$(size "$DIST/$artifact.js.$enc")
        css=$(size "$DIST/style.css.$enc"); bootjs=$(size "$DIST/$boot.$enc")
        total=$((wasm + js + css + bootjs))
        printf '%s %s sizes: wasm %d B, js %d B, css %d B, %s %d B; total %d B (%d KiB)\n' \
            "$artifact" "$enc" "$wasm" "$js" "$css" "$boot" "$bootjs" "$total" "$(((total + 1023) / 1024))"
    done
done
