#!/usr/bin/env bash
# Builds the native module against the headers of the Tarantool named by TARANTOOL and installs
# the rock into ./.rocks, where that tarantool started here finds require('s3'). Plain CMake with
# the rockspec's variables: no tarantoolctl (gone in 3.x) and no tt needed. Incremental: one build
# folder per Tarantool binary.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source tools/tarantool_env.sh
build=build/rock-$(printf '%s' "$TARANTOOL_BIN" | sha1sum | cut -c1-10)
log=build.rock.log
{
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DTARANTOOL_DIR="$TARANTOOL_PREFIX" -DTARANTOOL_INCLUDE_DIR="$TARANTOOL_INCLUDE_DIR" \
        -DTARANTOOL_INSTALL_LIBDIR="$root/.rocks/lib/tarantool" \
        -DTARANTOOL_INSTALL_LUADIR="$root/.rocks/share/tarantool" &&
    cmake --build "$build" -j2 &&
    rm -rf "$root/.rocks/share/tarantool/s3" &&
    cmake --install "$build"
} > "$log" 2>&1 || { cat "$log"; echo "build_rock: failed for $TARANTOOL_BIN" >&2; exit 1; }
# The rock now in ./.rocks and the Tarantool it was built for.
printf '%s %s\n' "$TARANTOOL_VERSION" "$TARANTOOL_BIN" > "$root/.rocks/built-for"
# A module with a symbol this Tarantool does not export links fine and fails only at require.
# A script file, not -e (an error inside -e hangs tarantool), and a bound all the same.
check=$(mktemp /tmp/s3-load-check.XXXXXX.lua)
echo "require('s3.native'); require('s3'); os.exit(0)" > "$check"
(cd "$root" && timeout 60 "$TARANTOOL_BIN" "$check" </dev/null) \
    || { rm -f "$check"; echo "build_rock: the rock does not load in $TARANTOOL_BIN" >&2; exit 1; }
rm -f "$check"
echo "rock built for Tarantool $TARANTOOL_VERSION ($TARANTOOL_BIN)"
