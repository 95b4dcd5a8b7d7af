#!/usr/bin/env bash
# Installs what building and testing need, skipping what is already there: Debian packages
# (as root, through apt-get) and the pinned npm packages (npm ci, only when the lock changed).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    tarantool tarantool-dev lua-busted
    cmake make gcc pkg-config
    libcurl4-openssl-dev libssl-dev libexpat1-dev
    ceph-mon ceph-osd radosgw ceph-common
    python3 curl git valgrind openssl
    nginx awscli time
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci wipes node_modules: run it only when the installed tree is older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "deps: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
fi
