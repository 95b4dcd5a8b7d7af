#!/usr/bin/env bash
# Where the s3 module's time goes, next to curl: layer timings, two experiments (libcurl's receive
# buffer size, glibc's heap trimming), syscall counts and CPU profiles. Runs inside the harness's
# servers and data:
#
#   BENCH_BIG_MIB=1024 BENCH_GETS=5000 bash bench/run.sh --quick --serve bash bench/profile.sh
#
# (--quick: RGW on memstore; the sizes as in the full run.) Prints a plain-text report, which
# bench/README.md quotes. Uses perf (Debian linux-perf), strace and cc when they are there; a step
# whose tool is missing is skipped. Nothing here changes the module: the experiments set a libcurl
# option through an LD_PRELOAD shim (bench/tools/curl_buffersize.c) or a glibc tunable.
set -u
: "${BENCH_WORK:?run me through bench/run.sh --serve}"
cd "$BENCH_WORK" || exit 1
B=$BENCH_DIR
NG=$BENCH_NGINX
RG=$BENCH_RGW
BK=$BENCH_BUCKET
P=$BENCH_WORK/profile
mkdir -p "$P"
OUT=$P/big.out
SIGN=(--aws-sigv4 "aws:amz:${S3_REGION}:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY"
      -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
RGW_ARGS=("endpoint=$RG" "region=$S3_REGION" "access_key=$S3_ACCESS_KEY" "secret_key=$S3_SECRET_KEY")
MIB=$((BENCH_BIG_SIZE / 1048576))
BIG_ARGS=("bucket=$BK" key=big "size=$BENCH_BIG_SIZE" "dir=$P")
SMALL_ARGS=("bucket=$BK" "nkeys=$BENCH_NKEYS" "count=$BENCH_GETS")

section() { printf '\n=== %s\n' "$*"; }

# wall LABEL AMOUNT UNIT COMMAND...: median of 3 wall times (the file $OUT removed and synced
# before each)
wall() {
    local label=$1 amount=$2 unit=$3 t0 t1 ts=() i
    shift 3
    for i in 1 2 3; do
        rm -f "$OUT"; sync
        t0=$(date +%s%N); "$@" >/dev/null || { echo "$label: failed"; return 1; }; t1=$(date +%s%N)
        ts+=($((t1 - t0)))
    done
    rm -f "$OUT"
    printf '%s\n' "${ts[@]}" | sort -n | sed -n 2p | awk -v l="$label" -v a="$amount" -v u="$unit" \
        '{ s = $1 / 1e9; printf "%-44s %7.3f s %7.0f %-5s\n", l, s, (u == "MB/s" ? a / s / 1e6 : a / s), u }'
}

get_cfg() { # BASE FILE: curl config for the small GETs
    local i
    for ((i = 0; i < BENCH_GETS; i++)); do
        printf 'url = "%s/small/%04d"\noutput = "/dev/null"\n' "$1" $((i % BENCH_NKEYS))
    done >"$2"
}
get_cfg "$NG/$BK" "$P/get-nginx.cfg"
sync   # no writeback of the data just laid out may fall into the first measurement

section "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); object $MIB MiB; $BENCH_GETS x 16 KiB GETs"

section "GET of the big object through the layers (nginx)"
tarantool "$B/layers.lua" big "endpoint=$NG" "${BIG_ARGS[@]}"
wall "curl -o file" "$BENCH_BIG_SIZE" MB/s curl -fsS -o "$OUT" "$NG/$BK/big"
wall "curl -o file, then fsync" "$BENCH_BIG_SIZE" MB/s sh -c 'curl -fsS -o "$1" "$2" && sync "$1"' sh "$OUT" "$NG/$BK/big"
wall "curl -o /dev/null" "$BENCH_BIG_SIZE" MB/s curl -fsS -o /dev/null "$NG/$BK/big"

section "the same through RGW"
tarantool "$B/layers.lua" big "${RGW_ARGS[@]}" "${BIG_ARGS[@]}"
wall "curl -o file" "$BENCH_BIG_SIZE" MB/s curl -fsS "${SIGN[@]}" -o "$OUT" "$RG/$BK/big"
wall "curl -o /dev/null" "$BENCH_BIG_SIZE" MB/s curl -fsS "${SIGN[@]}" -o /dev/null "$RG/$BK/big"

section "small GETs through the layers (nginx)"
for c in 32 256; do
    tarantool "$B/layers.lua" small "endpoint=$NG" "${SMALL_ARGS[@]}" "concurrency=$c" runs=5
    wall "curl --parallel, c=$c" "$BENCH_GETS" req/s \
        curl -fsS --no-progress-meter --parallel --parallel-max "$c" -K "$P/get-nginx.cfg"
done

SHIM=""
if command -v cc >/dev/null 2>&1 && cc -O2 -shared -fPIC -o "$P/curl_buffersize.so" \
        "$B/tools/curl_buffersize.c" -lcurl -ldl 2>"$P/cc.log"; then
    SHIM=$P/curl_buffersize.so
fi
if [[ -n $SHIM ]]; then
    section "experiment: libcurl's receive buffer (CURLOPT_BUFFERSIZE, default 16 KiB; curl's CLI uses 100 KiB), nginx"
    for bs in 16384 65536 102400 131072 524288; do
        echo "-- CURLOPT_BUFFERSIZE=$bs"
        BENCH_CURL_BUFFERSIZE=$bs LD_PRELOAD=$SHIM tarantool "$B/layers.lua" big "endpoint=$NG" \
            "${BIG_ARGS[@]}" only=file,null
    done
fi

section "experiment: glibc heap trimming (GLIBC_TUNABLES=glibc.malloc.trim_threshold=256 MiB), s3 get, nginx"
# rate ENV: req/s of one bench/module.lua get_many run with the environment setting ENV
rate() {
    env "$1" tarantool "$B/module.lua" op=get_many "endpoint=$NG" "bucket=$BK" prefix=small/ \
        "nkeys=$BENCH_NKEYS" "count=$BENCH_GETS" "concurrency=$c" |
        sed -nE 's/^RESULT ok=1 .* seconds=([0-9.]+) requests=([0-9]+).*/\2 \1/p' | awk '{ printf "%.0f", $1 / $2 }'
}
median5() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
for c in 32 256; do
    d=() t=()
    for i in 1 2 3 4 5; do   # interleaved, so that load from elsewhere hits both alike
        d+=("$(rate GLIBC_TUNABLES=)")
        t+=("$(rate GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456)")
    done
    echo "c=$c: default ${d[*]} -> median $(median5 "${d[@]}") req/s; trim threshold 256 MiB ${t[*]} -> median $(median5 "${t[@]}") req/s"
done
if perf stat -e page-faults -o /dev/null true >/dev/null 2>&1; then
    for t in "" glibc.malloc.trim_threshold=268435456; do
        GLIBC_TUNABLES=$t perf stat -x, -e page-faults -o "$P/pf.txt" tarantool "$B/module.lua" op=get_many \
            "endpoint=$NG" "bucket=$BK" prefix=small/ "nkeys=$BENCH_NKEYS" "count=$BENCH_GETS" concurrency=32 >/dev/null
        echo "page faults of a whole s3 get run at c=32 (${t:-default}): $(grep page-faults "$P/pf.txt" | cut -d, -f1)"
    done
fi

if command -v strace >/dev/null 2>&1; then
    section "system calls: one GET of the big object to a file (nginx; strace -c -f, top 6)"
    echo "-- s3 get_to_file"
    strace -f -c -o "$P/strace.s3" tarantool "$B/module.lua" op=get_file "endpoint=$NG" "bucket=$BK" key=big \
        single=1 "path=$OUT" >/dev/null
    sed -n '3,8p' "$P/strace.s3"
    rm -f "$OUT"
    echo "-- curl -o file"
    strace -f -c -o "$P/strace.curl" curl -fsS -o "$OUT" "$NG/$BK/big"
    sed -n '3,8p' "$P/strace.curl"
    rm -f "$OUT"
    section "system calls: the small GETs at c=32 (nginx; strace -c -f, top 8)"
    echo "-- s3 get"
    strace -f -c -o "$P/strace.s3s" tarantool "$B/module.lua" op=get_many "endpoint=$NG" "bucket=$BK" \
        prefix=small/ "nkeys=$BENCH_NKEYS" "count=$BENCH_GETS" concurrency=32 >/dev/null
    sed -n '3,10p' "$P/strace.s3s"
    echo "-- curl --parallel"
    strace -f -c -o "$P/strace.curls" curl -fsS --no-progress-meter --parallel --parallel-max 32 -K "$P/get-nginx.cfg"
    sed -n '3,10p' "$P/strace.curls"
fi

if perf record -q -o "$P/probe.data" -- true >/dev/null 2>&1; then
    prof() { # NAME COMMAND...: flat CPU profile (cpu-clock samples) by DSO and top symbols
        local name=$1
        shift
        perf record -q -F 4999 -o "$P/$name.data" -- "$@" >/dev/null 2>"$P/$name.err"
        echo "-- by shared object"
        perf report -i "$P/$name.data" --stdio --sort dso 2>/dev/null | grep -E '^ +[0-9]' | head -7
        echo "-- top symbols"
        perf report -i "$P/$name.data" --stdio --sort dso,sym 2>/dev/null | grep -E '^ +[0-9]' | head -16
    }
    section "CPU profile: s3 get_to_file of the big object (nginx)"
    prof s3big tarantool "$B/module.lua" op=get_file "endpoint=$NG" "bucket=$BK" key=big single=1 "path=$OUT"
    rm -f "$OUT"
    section "CPU profile: curl -o file of the big object (nginx)"
    prof curlbig curl -fsS -o "$OUT" "$NG/$BK/big"
    rm -f "$OUT"
    section "CPU profile: s3 get, $BENCH_GETS x 16 KiB at c=32 (nginx)"
    prof s3small tarantool "$B/module.lua" op=get_many "endpoint=$NG" "bucket=$BK" prefix=small/ \
        "nkeys=$BENCH_NKEYS" "count=$BENCH_GETS" concurrency=32
    section "CPU profile: curl --parallel, $BENCH_GETS x 16 KiB at c=32 (nginx)"
    prof curlsmall curl -fsS --no-progress-meter --parallel --parallel-max 32 -K "$P/get-nginx.cfg"
    section "page faults of s3 get at c=32 by place (perf record -e page-faults)"
    perf record -q -e page-faults -c 1 -o "$P/pf.data" -- tarantool "$B/module.lua" op=get_many \
        "endpoint=$NG" "bucket=$BK" prefix=small/ "nkeys=$BENCH_NKEYS" "count=$BENCH_GETS" concurrency=32 \
        >/dev/null 2>&1
    perf report -i "$P/pf.data" --stdio --sort dso,sym 2>/dev/null | grep -E '^ +[0-9]' | head -6
else
    section "perf is not usable here: no CPU profiles"
fi
exit 0
