#!/usr/bin/env bash
# Sourced by the build and test scripts: which Tarantool they build for and run under.
#   TARANTOOL (in):   a command name or a path; default: the tarantool in PATH
#   TARANTOOL_BIN:    its absolute path
#   TARANTOOL_PREFIX: the install prefix (its bin/ is where the binary is)
#   TARANTOOL_INCLUDE_DIR: the folder holding tarantool/module.h of THAT Tarantool
#   TARANTOOL_VERSION: e.g. 3.8.0
TARANTOOL=${TARANTOOL:-tarantool}
if ! TARANTOOL_BIN=$(command -v "$TARANTOOL" 2>/dev/null); then
    echo "tarantool_env: no tarantool at '$TARANTOOL'" >&2
    return 1 2>/dev/null || exit 1
fi
TARANTOOL_BIN=$(readlink -f "$TARANTOOL_BIN")
TARANTOOL_VERSION=$("$TARANTOOL_BIN" --version | sed -nE '1s/^Tarantool ([0-9]+\.[0-9]+\.[0-9]+).*/\1/p')
# Headers live beside the binary's bin/ (a package or an unpacked build); else where the build
# says it was installed (its "Build options" line names CMAKE_INSTALL_PREFIX).
TARANTOOL_PREFIX=$(dirname "$(dirname "$TARANTOOL_BIN")")
if [ ! -f "$TARANTOOL_PREFIX/include/tarantool/module.h" ]; then
    reported=$("$TARANTOOL_BIN" --version | sed -nE 's/.*-DCMAKE_INSTALL_PREFIX=([^ ]+).*/\1/p')
    if [ -n "$reported" ] && [ -f "$reported/include/tarantool/module.h" ]; then
        TARANTOOL_PREFIX=$reported
    fi
fi
TARANTOOL_INCLUDE_DIR=$TARANTOOL_PREFIX/include
if [ ! -f "$TARANTOOL_INCLUDE_DIR/tarantool/module.h" ]; then
    echo "tarantool_env: no headers of $TARANTOOL_BIN (looked for $TARANTOOL_INCLUDE_DIR/tarantool/module.h;" \
         "on Debian install tarantool-dev)" >&2
    return 1 2>/dev/null || exit 1
fi
export TARANTOOL TARANTOOL_BIN TARANTOOL_PREFIX TARANTOOL_INCLUDE_DIR TARANTOOL_VERSION
