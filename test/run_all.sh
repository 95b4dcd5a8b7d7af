#!/usr/bin/env bash
# The whole test run: C tests with sanitizers, the generated-Lua check, busted specs inside
# tarantool, all against one throwaway Ceph RGW on loopback. Ends with one line
# "total: N passed, N failed, N skipped" and a non-zero exit when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# The Tarantool under test (make test TARANTOOL=...): the rock in ./.rocks was built for it.
source tools/tarantool_env.sh || { echo "total: 0 passed, 1 failed, 0 skipped"; exit 1; }
echo "== Tarantool $TARANTOOL_VERSION ($TARANTOOL_BIN), headers in $TARANTOOL_INCLUDE_DIR"
work=$(mktemp -d /tmp/s3-test.XXXXXX)
server_dir=$work/rgw
passed=0 failed=0 skipped=0

cleanup() {
    bash test/server/rgw.sh stop "$server_dir" >/dev/null 2>&1 || true
    bash test/server/rgw.sh stop "$work/rgw-big" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

count() { # count NAME STATUS(pass|fail|skip)
    case $2 in
        pass) passed=$((passed + 1)) ;;
        fail) failed=$((failed + 1)); echo "FAILED: $1" ;;
        skip) skipped=$((skipped + 1)) ;;
    esac
}

echo "== local S3 server (Ceph RGW)"
if ! bash test/server/rgw.sh start "$server_dir" > "$work/server.env"; then
    echo "the test server did not start"
    echo "total: 0 passed, 1 failed, 0 skipped"
    exit 1
fi
set -a; source "$work/server.env"; set +a

# A disk-backed server for the 6 GiB round trip (test/spec/big_spec.lua), when the disk has room
# for the server's copy and the download (about 13 GiB; the source file is sparse).
big_dir=$work/rgw-big
free_gib=$(( $(df -Pk "$work" | awk 'NR==2 {print $4}') / 1024 / 1024 ))
if [ "$free_gib" -ge 20 ] && bash test/server/rgw.sh start "$big_dir" --bluestore 16 > "$work/big.env" 2>"$work/big.log"; then
    export S3_BIG_ENDPOINT=$(sed -n 's/^S3_ENDPOINT=//p' "$work/big.env")
    echo "== disk-backed S3 server for the 6 GiB test at $S3_BIG_ENDPOINT"
else
    echo "== no disk-backed server ($free_gib GiB free, or it did not start): the 6 GiB test is skipped"
fi

echo "== C tests (ASan + UBSan)"
cmake -S . -B build/ctest -DS3_BUILD_MODULE=OFF -DS3_BUILD_TESTS=ON -DS3_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=Debug > "$work/cmake.log" 2>&1 \
    && cmake --build build/ctest -j2 > "$work/cmake-build.log" 2>&1
if [ $? -ne 0 ]; then
    cat "$work/cmake.log" "$work/cmake-build.log" | tail -40
    count "C build" fail
else
    (cd build/ctest && ctest --output-on-failure) 2>&1 | tee "$work/ctest.log"
    while read -r status; do count "ctest" "$status"; done < <(
        sed -nE 's/.*Test +#[0-9]+: ([^ ]+) .*(Passed|\*\*\*Skipped|\*\*\*Failed|Not Run|\*\*\*Exception.*|\*\*\*Timeout).*/\2/p' "$work/ctest.log" |
        sed -E 's/^Passed$/pass/; s/^\*\*\*Skipped$/skip/; s/^(\*\*\*|Not).*/fail/')
fi

echo "== the core under valgrind (no sanitizers; memcheck errors and leaks fail)"
if cmake -S . -B build/valgrind -DS3_BUILD_MODULE=OFF -DS3_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Debug \
        > "$work/vg-cmake.log" 2>&1 &&
   cmake --build build/valgrind --target test_driver > "$work/vg-build.log" 2>&1 &&
   valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --track-fds=yes build/valgrind/test_driver > "$work/valgrind.log" 2>&1; then
    grep -E "ERROR SUMMARY" "$work/valgrind.log"
    count "valgrind" pass
else
    tail -40 "$work/vg-cmake.log" "$work/vg-build.log" "$work/valgrind.log"
    count "the core under valgrind" fail
fi

echo "== generated Lua is current"
if npm run --silent build > "$work/tstl.log" 2>&1 && touch lua/.stamp &&
   git diff --exit-code --stat -- lua && [ -z "$(git status --porcelain --untracked-files=all -- lua | grep -v 'lua/.stamp')" ]; then
    echo "lua/ matches src-ts/"
    count "generated Lua" pass
else
    cat "$work/tstl.log"; git status --short -- lua
    count "generated Lua is stale: run make and commit lua/" fail
fi

echo "== TypeScript declarations (test/typings/check.sh)"
bash test/typings/check.sh > "$work/typings.log" 2>&1
line=$(grep -E '^typings: [0-9]+ passed, [0-9]+ failed$' "$work/typings.log" | tail -1)
if [ -n "$line" ]; then
    read -r _ p _ f _ <<< "${line//,/}"
    passed=$((passed + p)); failed=$((failed + f))
    echo "$line"
    [ "$f" -eq 0 ] || cat "$work/typings.log"
else
    cat "$work/typings.log"
    count "typings (no closing line)" fail
fi

echo "== busted specs in tarantool $TARANTOOL_VERSION"
"$TARANTOOL_BIN" test/run_busted.lua test/spec 2>&1 | tee "$work/busted.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$work/busted.log" | tail -1)
if [ -n "$line" ]; then
    read -r p _ f _ s _ <<< "${line//,/}"
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    [ "$f" -eq 0 ] || echo "FAILED: $f busted test(s)"
else
    count "busted run (no closing line)" fail
fi

echo "== quickstart (examples/quickstart.lua, as make run shows it)"
if AWS_ENDPOINT_URL_S3=$S3_ENDPOINT AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY \
   AWS_REGION=$S3_REGION "$TARANTOOL_BIN" examples/quickstart.lua "$work" > "$work/quickstart.log" 2>&1; then
    tail -n 3 "$work/quickstart.log"
    count "quickstart" pass
else
    tail -n 40 "$work/quickstart.log"
    count "examples/quickstart.lua" fail
fi

echo "== benchmark harness (bench/run.sh --quick: measures, asserts no speed)"
if bash bench/run.sh --quick > "$work/bench.log" 2>&1; then
    tail -n 1 "$work/bench.log"
    count "bench --quick" pass
else
    tail -n 40 "$work/bench.log"
    count "bench/run.sh --quick" fail
fi

echo "total: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
