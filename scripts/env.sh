# Sourced by the scripts: one place for the cache folders kept outside the clone, so a fresh
# clone (CI) reuses earlier builds.
PS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PS_CACHE_DIR="${PS_CACHE_DIR:-$HOME/.cache/peoples-stories}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PS_CACHE_DIR/target}"
export PATH="$HOME/.cargo/bin:$PATH"

ps_log() { printf '==> %s\n' "$*" >&2; }

ps_apt_updated=0
# Installs Debian packages that are missing (as root, or with sudo).
ps_apt_install() {
    local missing=() sudo=()
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
    if [ "$ps_apt_updated" -eq 0 ]; then
        ps_log "apt-get update"
        "${sudo[@]}" apt-get update -qq
        ps_apt_updated=1
    fi
    ps_log "apt-get install ${missing[*]}"
    # Packages with a service (nginx, PostgreSQL) would start it with its default site; the
    # scripts start what they need themselves, from their own configs. policy-rc.d refuses
    # service starts while installing, when nothing else does.
    local policy=/usr/sbin/policy-rc.d made_policy=0 rc=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
        "${sudo[@]}" chmod 755 "$policy"
        made_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
    [ "$made_policy" = 0 ] || "${sudo[@]}" rm -f "$policy"
    return "$rc"
}

# cargo, rustfmt and clippy from rustup (installed with Rust), and what the build needs from
# the system: a C compiler (bundled SQLite and libpq), pkg-config and OpenSSL's headers
# (libpq's TLS).
ps_need_rust() {
    command -v cargo >/dev/null || { echo "Rust is needed: https://rustup.rs" >&2; exit 1; }
    ps_apt_install build-essential pkg-config libssl-dev
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
}
