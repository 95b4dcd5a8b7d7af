#!/usr/bin/env bash
# Installs what building and testing need, skipping what is already there: Debian packages
# (as root, through apt-get) and the pinned npm packages (npm ci, only when the lock changed).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    lua-busted
    cmake make gcc pkg-config
    libcurl4-openssl-dev libssl-dev libexpat1-dev
    ceph-mon ceph-osd radosgw ceph-common
    python3 curl git valgrind openssl
    nginx awscli time
)
# Debian's Tarantool only where none is there: make TARANTOOL=... and the official images bring
# their own (with headers); Debian's tarantool needs tarantool-dev for its headers.
if ! command -v "${TARANTOOL:-tarantool}" >/dev/null 2>&1; then
    packages+=(tarantool tarantool-dev)
elif ! (source tools/tarantool_env.sh) >/dev/null 2>&1; then
    packages+=(tarantool-dev)
fi
# What the release builds of Tarantool 2.11/3.x (../shared/tarantool, official packages) need to run.
tarantool_runtime=(libicu72 zlib1g libyaml-0-2 libreadline8 libtinfo6 libssl3 libzstd1 ca-certificates libgomp1)
if [ "${1:-}" = --tarantool-runtime ]; then
    packages=("${tarantool_runtime[@]}")
fi
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Packages such as nginx start their service on install; the tests start their own servers on
    # free ports, so keep services down (as Docker images do) unless the machine has a policy.
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        own_policy=1
    fi
    status=0
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } || status=$?
    [ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d
    [ "$status" -eq 0 ] || { echo "deps: apt-get failed ($status)"; exit "$status"; }
fi

# npm ci wipes node_modules: run it only when the installed tree is older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "deps: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
fi
