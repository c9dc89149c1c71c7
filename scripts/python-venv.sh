#!/usr/bin/env bash
# The Python the tests use: a venv under $PS_CACHE_DIR/venv with the pinned packages of
# scripts/python-requirements.txt (reinstalled when that list changes). Source it to get
# PS_PYTHON exported (scripts/test does), or run it to set the venv up and print the path.
# Needs python3 with venv (Debian: python3-venv, installed when missing) and PyPI.

ps_python_venv() {
    source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
    local venv="$PS_CACHE_DIR/venv"
    local requirements="$PS_ROOT/scripts/python-requirements.txt"
    local stamp="$venv/.requirements.sha256"
    local want
    want="$(sha256sum "$requirements" | cut -d' ' -f1)"
    if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
        ps_apt_install python3-venv || return 1
    fi
    if [ ! -x "$venv/bin/python" ]; then
        ps_log "python3 -m venv $venv"
        python3 -m venv "$venv" || return 1
    fi
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        ps_log "pip install -r scripts/python-requirements.txt"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            --requirement "$requirements" >&2 || return 1
        printf '%s\n' "$want" >"$stamp"
    fi
    export PS_PYTHON="$venv/bin/python"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    ps_python_venv
    printf '%s\n' "$PS_PYTHON"
else
    ps_python_venv
fi
