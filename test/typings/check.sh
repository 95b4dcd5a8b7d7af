#!/usr/bin/env bash
# The TypeScript declarations of the rock (types/s3/index.d.ts) stay honest: the example
# project examples/typescript compiles with them (with the repo's pinned tstl), and files with
# misspelt options (test/typings/bad_*.ts) do NOT compile, each failing on the misspelt name.
# Prints one line per check and "typings: N passed, N failed"; exits non-zero on a failure.
# BUILD_DIR (optional) receives the compiled example (default: a temporary folder).
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
tstl=$root/node_modules/.bin/tstl
# Inside the repository (build/ is ignored), so that the compiler finds the pinned packages in
# node_modules from the generated tsconfig files.
mkdir -p build
work=$(mktemp -d "$root/build/typings.XXXXXX")
trap 'rm -rf "$work"' EXIT
out=${BUILD_DIR:-$work/example}
passed=0 failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
bad() { echo "FAILED: $1"; failed=$((failed + 1)); }

if "$tstl" -p examples/typescript/tsconfig.json --outDir "$out" > "$work/example.log" 2>&1 &&
   [ -f "$out/main.lua" ]; then
    ok "examples/typescript compiles"
else
    cat "$work/example.log"; bad "examples/typescript does not compile"
fi

# expect_failure FILE WORD: compiling FILE alone (with the declarations) fails with an excess
# property error (TS2353, or TS2561 "did you mean") naming WORD, and with nothing else.
expect_failure() {
    local file=$1 word=$2 cfg=$work/tsconfig.$(basename "$1" .ts).json
    cat > "$cfg" <<JSON
{
  "extends": "$root/examples/typescript/tsconfig.json",
  "compilerOptions": { "rootDir": "$root", "outDir": "$work/bad" },
  "files": ["$root/types/s3/index.d.ts", "$root/$file"],
  "include": []
}
JSON
    if "$tstl" -p "$cfg" > "$work/bad.log" 2>&1; then
        bad "$file compiled, but must not"
    elif grep -qE "error TS(2353|2561):.*'$word'" "$work/bad.log" &&
         [ "$(grep -c 'error TS' "$work/bad.log")" -eq 1 ]; then
        ok "$file fails to compile ($(grep -m1 -oE "error TS[0-9]+" "$work/bad.log"): '$word')"
    else
        cat "$work/bad.log"; bad "$file failed to compile, but not on '$word'"
    fi
}
expect_failure test/typings/bad_endpoint.ts endpiont
expect_failure test/typings/bad_part_size.ts part_sise
expect_failure test/typings/bad_method_call.ts content_type

echo "typings: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
