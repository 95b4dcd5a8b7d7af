#!/usr/bin/env bash
# The benchmark harness: this module against curl, Tarantool's http.client and aws-cli, on one
# machine, in one run, against loopback servers it starts and stops itself:
#   nginx  (WebDAV PUT on; a raw HTTP origin that ignores signatures: the client's own cost)
#   Ceph RGW (test/server/rgw.sh; bluestore on a sparse file for the full run, memstore for --quick)
#   Ceph RGW behind bench/lib/capped_proxy.py, a bandwidth cap per connection and direction that
#            stands in for S3's limit per connection
# Every contender is timed the same way: as a whole process, minus its measured empty start.
#
#   bash bench/run.sh           full run (1 GiB objects, 5,000 GETs, 3 runs each; ~17 min)
#   bash bench/run.sh --quick   every workload at small sizes, 1 run each (< 30 s)
#
# Prints a markdown table and writes it, with the machine's description, to
# bench/results/<date>-<full|quick>.md. No timing assertions: the exit status is non-zero only
# when the harness itself is broken (a server does not start, the report cannot be made) or when
# a run of the s3 module fails. Any other contender that fails shows "failed" in its cells.
#
#   bash bench/run.sh [--quick] --serve [COMMAND...]
#                               start the servers and lay out the data as a run would, then run
#                               COMMAND (default: wait until interrupted) with BENCH_* variables
#                               describing them (see bench/profile.sh), then stop everything
#
# Environment (optional): BENCH_RUNS (runs per cell), BENCH_BIG_MIB (size of the big object),
# BENCH_GETS (number of small GETs), BENCH_PUTS (number of 1 MiB PUTs), BENCH_ONLY (a regular
# expression on "workload server contender": run only the matching cells), BENCH_OUT (result file),
# BENCH_CAP_RATE (MiB/s per connection of the capped server), BENCH_CAP_MIB (size of the object
# moved through it), BENCH_CAP_RUNS (runs per capped cell), BENCH_EMPTY_RUNS (empty starts measured
# per contender).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench
# The Tarantool under test (make bench TARANTOOL=...), the same binary the rock was built for.
TNT_BIN=$(readlink -f "$(command -v "${TARANTOOL:-tarantool}")")

MODE=full
SERVE=()
while (($#)); do
    case $1 in
        --quick) MODE=quick; shift ;;
        --serve) shift; SERVE=("$@"); ((${#SERVE[@]})) || SERVE=(sleep infinity); break ;;
        -h|--help) sed -n '2,34p' "$0"; exit 0 ;;
        *) echo "usage: bash bench/run.sh [--quick] [--serve [COMMAND...]]" >&2; exit 2 ;;
    esac
done

MiB=$((1024 * 1024))
if [[ $MODE == full ]]; then
    RUNS=${BENCH_RUNS:-3}; BIG_MIB=${BENCH_BIG_MIB:-1024}; GETS=${BENCH_GETS:-5000}; PUTS=${BENCH_PUTS:-200}
    RGW_ARGS=(--bluestore 24)
    # The cap: the module's 24 parts x 4 MiB/s = 96 MiB/s stays below what RGW takes on 2 shared
    # cores (PUT 90-150 MB/s through the proxy), so the cap and not the machine sets the pace;
    # 768 MiB is 96 parts of 8 MiB, 4 whole rounds of 24. A single stream at the cap moves a
    # smaller object (96 MiB, 24 s): its throughput is all that is compared.
    CAP_RATE=${BENCH_CAP_RATE:-4}; CAP_MIB=${BENCH_CAP_MIB:-768}; CAP_RUNS=${BENCH_CAP_RUNS:-2}
    CAP_ONE_MIB=${BENCH_CAP_ONE_MIB:-96}
    EMPTY_RUNS=${BENCH_EMPTY_RUNS:-5}
else
    RUNS=${BENCH_RUNS:-1}; BIG_MIB=${BENCH_BIG_MIB:-64}; GETS=${BENCH_GETS:-500}; PUTS=${BENCH_PUTS:-20}
    RGW_ARGS=()
    # just above multipart_threshold (16 MiB), so that the module's parts run
    CAP_RATE=${BENCH_CAP_RATE:-128}; CAP_MIB=${BENCH_CAP_MIB:-32}; CAP_RUNS=${BENCH_CAP_RUNS:-1}
    CAP_ONE_MIB=${BENCH_CAP_ONE_MIB:-8}
    EMPTY_RUNS=${BENCH_EMPTY_RUNS:-3}
fi
CAP=$((CAP_MIB * MiB))
CAP_ONE=$((CAP_ONE_MIB * MiB))
DEFAULT_CONC=24  # the module's default concurrency (src-ts/s3/config.ts)
BIG=$((BIG_MIB * MiB))
SMALL=16384          # bytes of each small object
NKEYS=100            # distinct small objects; the GETs cycle through them
GET_CONCS=(32 256)
PUT_SIZE=$MiB
PUT_CONC=16
BUCKET=bench
TIMEOUT=${BENCH_TIMEOUT:-900}   # seconds one contender run may take

# Only loopback: no proxy from the environment may get between a client and the servers.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy='*' NO_PROXY='*'

T_START=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say() { printf '[bench %4ds] %s\n' "$(($(date +%s) - T_START))" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# ---------------------------------------------------------------- tools

# Debian packages that provide what the harness runs; installed when missing.
need_pkgs=()
command -v nginx >/dev/null 2>&1 || need_pkgs+=(nginx)
[[ -x /usr/bin/aws ]] || need_pkgs+=(awscli)
[[ -x /usr/bin/time ]] || need_pkgs+=(time)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
command -v python3 >/dev/null 2>&1 || need_pkgs+=(python3)
command -v radosgw >/dev/null 2>&1 || need_pkgs+=(ceph-mon ceph-osd radosgw ceph-common)
if ((${#need_pkgs[@]})); then
    say "installing ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"; } \
        >/tmp/bench-apt.$$.log 2>&1 || { tail -20 /tmp/bench-apt.$$.log >&2; die "apt-get install failed"; }
    rm -f /tmp/bench-apt.$$.log
fi
nginx -V 2>&1 | grep -q -- '--with-http_dav_module' || die "this nginx has no WebDAV module (ngx_http_dav_module)"
AWS=/usr/bin/aws   # Debian's aws-cli, not one from a Python environment earlier in PATH

# ---------------------------------------------------------------- work dir, servers, cleanup

WORK=$(mktemp -d /tmp/s3-bench.XXXXXX)
NGINX_PID=""
PROXY_PID=""
NGX_STORE=""
RGW_DIR=$WORK/rgw
RGW_STARTED=0

cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [[ -n $NGINX_PID ]]; then
        kill "$NGINX_PID" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$NGINX_PID" 2>/dev/null
    fi
    if [[ -n $PROXY_PID ]]; then
        kill "$PROXY_PID" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$PROXY_PID" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$PROXY_PID" 2>/dev/null
    fi
    if ((RGW_STARTED)); then bash "$ROOT/test/server/rgw.sh" stop "$RGW_DIR" >/dev/null 2>&1; fi
    [[ -n $NGX_STORE ]] && rm -rf "$NGX_STORE"
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The contenders run in $WORK on a snapshot of the installed rock (./.rocks), so that a rebuild
# in the working tree during the run neither breaks nor changes what is measured.
snapshot_rock() {
    rm -rf "$WORK/.rocks"
    [[ -d $ROOT/.rocks ]] && cp -a "$ROOT/.rocks" "$WORK/.rocks" 2>/dev/null \
        && (cd "$WORK" && "$TNT_BIN" -e "require('s3'); os.exit(0)" </dev/null >/dev/null 2>&1)
}
ROCK_COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
git -C "$ROOT" diff --quiet HEAD -- src-c src-ts lua CMakeLists.txt rockspec 2>/dev/null \
    || ROCK_COMMIT+=" + uncommitted changes"
snapshot_rock || { sleep 5; snapshot_rock; } \
    || die "tarantool cannot require('s3') with $ROOT/.rocks: build the rock first (make)"
cd "$WORK" || die "cannot enter $WORK"

# nginx keeps its files (the objects it serves, the bodies it receives) on tmpfs when there is
# room: a PUT then measures the client, not the origin's disk writeback. GET targets stay on disk.
NGX_STORE_KIND=disk
if [[ -d /dev/shm && -w /dev/shm ]] &&
   (($(df -k --output=avail /dev/shm 2>/dev/null | tail -1) * 1024 > 3 * BIG_MIB * MiB + 512 * MiB)) &&
   NGX_STORE=$(mktemp -d /dev/shm/s3-bench.XXXXXX 2>/dev/null); then
    NGX_STORE_KIND=tmpfs
else
    NGX_STORE=""
fi
WWW=${NGX_STORE:-$WORK}/www
NGX_TMP=${NGX_STORE:-$WORK}/nginx-tmp

free_port() {
    python3 "$ROOT/test/server/free_ports.py" 1
}

listening() { # PORT
    local hex
    hex=$(printf '%04X' "$1")
    awk -v p=":$hex" '$4 == "0A" && $2 == "0100007F" p { f = 1 } END { exit !f }' /proc/net/tcp
}

start_nginx() {
    local d=$WORK/nginx port
    mkdir -p "$d/logs" "$NGX_TMP" "$WWW/$BUCKET"
    port=$(free_port)
    cat >"$d/nginx.conf" <<EOF
# generated by bench/run.sh
user root;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    client_max_body_size 0;
    client_body_buffer_size 1m;
    client_body_temp_path $NGX_TMP/body;
    proxy_temp_path $NGX_TMP/proxy;
    fastcgi_temp_path $NGX_TMP/fastcgi;
    uwsgi_temp_path $NGX_TMP/uwsgi;
    scgi_temp_path $NGX_TMP/scgi;
    types { }
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$port;
        root $WWW;
        dav_methods PUT DELETE;
        create_full_put_path on;
        dav_access user:rw group:r all:r;
    }
}
EOF
    setsid nginx -p "$d" -c "$d/nginx.conf" -e "$d/logs/error.log" -g 'daemon off;' \
        </dev/null >"$d/logs/stdout.log" 2>&1 &
    NGINX_PID=$!
    for _ in $(seq 200); do
        listening "$port" && break
        kill -0 "$NGINX_PID" 2>/dev/null || { cat "$d/logs/"* >&2; die "nginx died"; }
        sleep 0.025
    done
    listening "$port" || die "nginx does not listen on 127.0.0.1:$port"
    NG=http://127.0.0.1:$port
}

say "mode $MODE: big object $BIG_MIB MiB, $GETS x $((SMALL / 1024)) KiB GETs at c=${GET_CONCS[*]}," \
    "$PUTS x $((PUT_SIZE / MiB)) MiB PUTs at c=$PUT_CONC, $RUNS run(s) each; work dir $WORK"
start_nginx
say "nginx on $NG"
RGW_STARTED=1
bash "$ROOT/test/server/rgw.sh" start "$RGW_DIR" "${RGW_ARGS[@]}" >"$WORK/rgw.env" 2>"$WORK/rgw.log" \
    || { cat "$WORK/rgw.log" >&2; die "Ceph RGW did not start"; }
# shellcheck disable=SC1091
source "$WORK/rgw.env"
RG=$S3_ENDPOINT
say "Ceph RGW on $RG ($([[ $MODE == full ]] && echo "bluestore" || echo memstore))"

# RGW behind a proxy with a cap per connection: the clients sign for the proxy's host:port and the
# proxy passes the bytes (the Host header too) unchanged, so RGW checks the same signature.
start_proxy() {
    local pf=$WORK/proxy.port
    python3 "$BENCH/lib/capped_proxy.py" --target "${RG#http://}" --rate "$CAP_RATE" --port-file "$pf" \
        </dev/null >"$WORK/proxy.log" 2>&1 &
    PROXY_PID=$!
    for _ in $(seq 200); do
        [[ -s $pf ]] && break
        kill -0 "$PROXY_PID" 2>/dev/null || { cat "$WORK/proxy.log" >&2; die "capped_proxy.py died"; }
        sleep 0.025
    done
    [[ -s $pf ]] || die "capped_proxy.py does not listen"
    RGC=http://127.0.0.1:$(cat "$pf")
}
start_proxy
CAPPED="rgw, $CAP_RATE MiB/s per conn."   # the server column of the capped cells
say "capped RGW on $RGC ($CAP_RATE MiB/s per connection and direction)"

SIGN=(--aws-sigv4 "aws:amz:${S3_REGION}:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY"
      -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY
export AWS_DEFAULT_REGION=$S3_REGION AWS_EC2_METADATA_DISABLED=true AWS_PAGER=''
export AWS_CONFIG_FILE=$WORK/aws-config AWS_SHARED_CREDENTIALS_FILE=$WORK/aws-credentials
# aws-cli's defaults, written out: 10 threads, 8 MiB parts from 8 MiB on.
printf '[default]\ns3 =\n    max_concurrent_requests = 10\n    multipart_chunksize = 8MB\n    multipart_threshold = 8MB\n' \
    >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"

# ---------------------------------------------------------------- data

DATA=$WORK/data
mkdir -p "$DATA" "$WORK/out" "$WORK/cfg"
SRC=$WWW/$BUCKET/big        # the big object: nginx serves it, every PUT reads it
SMALL_SRC=$DATA/small
PUT_SRC=$DATA/put1m
head -c "$BIG" /dev/urandom >"$SRC" || die "cannot write $SRC"
head -c "$PUT_SIZE" /dev/urandom >"$PUT_SRC"
mkdir -p "$WWW/$BUCKET/small"
for ((i = 0; i < NKEYS; i++)); do
    head -c "$SMALL" /dev/urandom >"$WWW/$BUCKET/small/$(printf %04d "$i")"
done
cp "$WWW/$BUCKET/small/0000" "$SMALL_SRC"

rgw_curl() { curl -fsS --max-time 600 "${SIGN[@]}" "$@"; }
rgw_curl -X PUT "$RG/$BUCKET" -o /dev/null || die "cannot create bucket $BUCKET on RGW"
rgw_curl -T "$SRC" "$RG/$BUCKET/big" -o /dev/null || die "cannot upload the big object to RGW"
# The object of the capped cells: the first CAP_MIB MiB of the big one.
CAP_SRC=$SRC
if ((CAP != BIG)); then
    CAP_SRC=$DATA/capped
    head -c "$CAP" "$SRC" >"$CAP_SRC" || die "cannot write $CAP_SRC"
    (($(stat -c %s "$CAP_SRC") == CAP)) || die "BENCH_CAP_MIB ($CAP_MIB) is larger than the big object ($BIG_MIB MiB)"
fi
rgw_curl -T "$CAP_SRC" "$RG/$BUCKET/capped" -o /dev/null || die "cannot upload the capped object to RGW"
# The object of the single streams behind the cap.
CAP_ONE_SRC=$DATA/capped-one
head -c "$CAP_ONE" "$SRC" >"$CAP_ONE_SRC" || die "cannot write $CAP_ONE_SRC"
(($(stat -c %s "$CAP_ONE_SRC") == CAP_ONE)) || die "BENCH_CAP_ONE_MIB ($CAP_ONE_MIB) is larger than the big object"
rgw_curl -T "$CAP_ONE_SRC" "$RG/$BUCKET/capped-one" -o /dev/null || die "cannot upload the single-stream object to RGW"
{
    for ((i = 0; i < NKEYS; i++)); do
        k=$(printf %04d "$i")
        printf 'upload-file = "%s"\nurl = "%s"\noutput = "/dev/null"\n' \
            "$WWW/$BUCKET/small/$k" "$RG/$BUCKET/small/$k"
    done
} >"$WORK/cfg/seed-small"
rgw_curl --no-progress-meter --parallel --parallel-max 16 -K "$WORK/cfg/seed-small" 2>"$WORK/seed.log" \
    || { cat "$WORK/seed.log" >&2; die "cannot upload the small objects to RGW"; }
say "data ready: big object and $NKEYS small objects on both servers"

if ((${#SERVE[@]})); then
    sync
    export BENCH_WORK=$WORK BENCH_NGINX=$NG BENCH_RGW=$RG BENCH_BUCKET=$BUCKET BENCH_BIG=$SRC \
        BENCH_BIG_SIZE=$BIG BENCH_PUT_SRC=$PUT_SRC BENCH_NKEYS=$NKEYS BENCH_GETS=$GETS BENCH_PUTS=$PUTS \
        BENCH_ROCKS=$WORK/.rocks BENCH_DIR=$BENCH
    export S3_ENDPOINT S3_ACCESS_KEY S3_SECRET_KEY S3_REGION
    say "serving: nginx $NG, RGW $RG, bucket $BUCKET (keys big, small/0000..$(printf %04d $((NKEYS - 1)))); running: ${SERVE[*]}"
    rc=0
    (cd "$ROOT" && "${SERVE[@]}") || rc=$?
    exit "$rc"
fi

# ---------------------------------------------------------------- measuring one run

RAW=$WORK/raw.tsv     # one line per run, read by bench/report.py
printf 'workload\tserver\tcontender\trun\tok\tbytes\tseconds\trequests\tcpu\trss_kib\tmax_gap_ms\tp99_gap_ms\tloop_steps\tloop_busy_s\tloop_max_step_ms\tnote\twall_s\tinside_s\tempty_s\tempty_cpu\tcap_mib_s\tconcurrency\tloop_max_work_ms\n' >"$RAW"
EMPTY_TSV=$WORK/empty.tsv   # the measured empty starts, one line per contender kind
printf 'kind\tcommand\tseconds\tcpu\truns\n' >"$EMPTY_TSV"
MODULE_FAILED=0
CELL_CAP=-            # the cap (MiB/s per connection) of the cells being measured, - for none

now_ns() { date +%s%N; }

# run_timed COMMAND...: runs it under GNU time with stdout/stderr in $WORK/run.out, run.err;
# sets RT_RC, RT_WALL (seconds), RT_CPU (user + sys seconds, - if unknown), RT_RSS (KiB).
run_timed() {
    local tf=$WORK/time.out t0 t1 user sys
    rm -f "$tf"
    RT_RC=0
    t0=$(now_ns)
    timeout -k 5 "$TIMEOUT" /usr/bin/time -f '%U %S %M' -o "$tf" "$@" </dev/null >"$WORK/run.out" 2>"$WORK/run.err" \
        || RT_RC=$?
    t1=$(now_ns)
    RT_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
    if read -r user sys RT_RSS < <(grep -E '^[0-9.]+ [0-9.]+ [0-9]+$' "$tf" 2>/dev/null | tail -1); then
        RT_CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
    else
        RT_CPU=-; RT_RSS=-
    fi
}

# The empty start of each kind of contender: the same process doing everything but the transfer.
# Every run's wall time and CPU have the median empty start of their kind subtracted, so all
# contenders are timed the same way (as whole processes) and none pays for its start.
declare -A EMPTY_S EMPTY_CPU
measure_empty() { # KIND DESCRIPTION -- COMMAND...
    local kind=$1 desc=$2 i walls=() cpus=()
    shift 3
    for ((i = 0; i < EMPTY_RUNS; i++)); do
        run_timed "$@"
        ((RT_RC == 0)) || die "the empty start of $kind ($desc) failed: $(tail -c 300 "$WORK/run.err" "$WORK/run.out")"
        walls+=("$RT_WALL"); cpus+=("$RT_CPU")
    done
    EMPTY_S[$kind]=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    EMPTY_CPU[$kind]=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    printf '%s\t%s\t%s\t%s\t%s\n' "$kind" "$desc" "${EMPTY_S[$kind]}" "${EMPTY_CPU[$kind]}" "${walls[*]}" >>"$EMPTY_TSV"
    say "empty start of $kind ($desc): ${EMPTY_S[$kind]} s, cpu ${EMPTY_CPU[$kind]} s (median of $EMPTY_RUNS)"
}

# measure WORKLOAD SERVER CONTENDER RUN KIND BYTES REQUESTS -- COMMAND...
# KIND names the contender's empty start (s3, httpc, curl, curl_fsync, aws). s3 and httpc print a
# RESULT line (bench/lib/common.lua) with bytes, requests, loop gaps and their own timing of the
# transfer (kept as inside_s); for the others BYTES and REQUESTS are as given. For every kind the
# time is the process's wall time minus the empty start, and CPU (GNU time, user + sys) likewise.
measure() {
    local workload=$1 server=$2 contender=$3 run=$4 kind=$5 bytes=$6 requests=$7
    shift 8
    if [[ -n ${BENCH_ONLY:-} ]] && ! [[ "$workload $server $contender" =~ $BENCH_ONLY ]]; then
        return 0
    fi
    run_timed "$@"
    local rc=$RT_RC of=$WORK/run.out ef=$WORK/run.err
    local ok=1 seconds max_gap=- p99_gap=- steps=- busy=- max_step=- max_work=- note="" inside=- cpu conc=-
    seconds=$(awk -v w="$RT_WALL" -v e="${EMPTY_S[$kind]}" 'BEGIN { s = w - e; if (s < 1e-6) s = 1e-6; printf "%.6f", s }')
    cpu=$RT_CPU
    [[ $cpu != - ]] && cpu=$(awk -v c="$cpu" -v e="${EMPTY_CPU[$kind]}" 'BEGIN { c -= e; if (c < 0) c = 0; printf "%.3f", c }')
    if [[ $kind == s3 || $kind == httpc ]]; then
        local line
        line=$(grep -m1 '^RESULT ' "$of")
        if [[ $rc -ne 0 || $line != "RESULT ok=1 "* ]]; then
            ok=0
            note=${line#RESULT ok=0 error=}
        else
            bytes=$(sed -E 's/.* bytes=([0-9]+).*/\1/' <<<"$line")
            inside=$(sed -E 's/.* seconds=([0-9.]+).*/\1/' <<<"$line")
            requests=$(sed -E 's/.* requests=([0-9]+).*/\1/' <<<"$line")
            max_gap=$(sed -E 's/.* max_gap_ms=([0-9.]+).*/\1/' <<<"$line")
            p99_gap=$(sed -E 's/.* p99_gap_ms=([0-9.]+).*/\1/' <<<"$line")
            if [[ $line == *" loop_steps="* ]]; then
                steps=$(sed -E 's/.* loop_steps=([0-9]+).*/\1/' <<<"$line")
                busy=$(sed -E 's/.* loop_busy_s=([0-9.]+).*/\1/' <<<"$line")
                max_step=$(sed -E 's/.* loop_max_step_ms=([0-9.]+).*/\1/' <<<"$line")
                [[ $line == *" loop_max_work_ms="* ]] &&
                    max_work=$(sed -E 's/.* loop_max_work_ms=([0-9.]+).*/\1/' <<<"$line")
            fi
        fi
        if [[ $kind == s3 ]]; then
            conc=$DEFAULT_CONC
            [[ $contender =~ c=([0-9]+) ]] && conc=${BASH_REMATCH[1]}
        fi
    elif [[ $rc -ne 0 ]]; then
        ok=0
    fi
    if ((ok)) && [[ -n $VERIFY ]] && ! "$VERIFY"; then
        ok=0
        note=$VERIFY_MSG
    fi
    if [[ $rc -ne 0 && -z $note ]]; then
        note="exit $rc: $(tail -c 300 "$ef" "$of" 2>/dev/null | tr '\n\t' '  ')"
        ((rc == 124)) && note="timed out after $TIMEOUT s"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$workload" "$server" \
        "$contender" "$run" "$ok" "$bytes" "$seconds" "$requests" "$cpu" "$RT_RSS" "$max_gap" "$p99_gap" \
        "$steps" "$busy" "$max_step" "${note//$'\t'/ }" "$RT_WALL" "$inside" "${EMPTY_S[$kind]}" \
        "${EMPTY_CPU[$kind]}" "$CELL_CAP" "$conc" "$max_work" >>"$RAW"
    if ((ok)); then
        say "$(printf '%-26s %-6s %-22s run %d: %8.3f s  cpu %6s s  rss %7s KiB  gap max %s p99 %s ms' \
            "$workload" "$server" "$contender" "$run" "$seconds" "$cpu" "$RT_RSS" "$max_gap" "$p99_gap")"
    else
        say "$workload $server $contender run $run FAILED: $note"
        [[ $contender == s3* ]] && MODULE_FAILED=1
    fi
    return 0
}

# Flushes dirty pages of the previous run, so that no run pays for another's writeback.
settle() { sync; }

TNT=("$TNT_BIN")
MOD_NG=("${TNT[@]}" "$BENCH/module.lua" "endpoint=$NG" "bucket=$BUCKET" single=1)
MOD_RG=("${TNT[@]}" "$BENCH/module.lua" "endpoint=$RG" "bucket=$BUCKET" "region=$S3_REGION"
        "access_key=$S3_ACCESS_KEY" "secret_key=$S3_SECRET_KEY")
MOD_RGC=("${TNT[@]}" "$BENCH/module.lua" "endpoint=$RGC" "bucket=$BUCKET" "region=$S3_REGION"
         "access_key=$S3_ACCESS_KEY" "secret_key=$S3_SECRET_KEY")
HTTPC=("${TNT[@]}" "$BENCH/httpc.lua" "base=$NG/$BUCKET")
OUT=$WORK/out/big
AWS_CP=("$AWS" s3 cp --no-progress --only-show-errors)

# curl, then fsync(2) of the file (coreutils sync FILE), as get_to_file does before its rename.
CURL_FSYNC=(sh -c 'out=$1; shift; curl -fsS -o "$out" "$@" && sync "$out"' sh)

say "== empty starts"
echo empty >"$DATA/empty-start"
measure_empty s3 "tarantool loads the rock, makes the client, exits" -- "${MOD_RG[@]}" op=noop
measure_empty httpc "tarantool loads http.client, exits" -- "${HTTPC[@]}" op=noop
measure_empty curl "curl --version" -- curl --version
measure_empty curl_fsync "sh -c 'curl --version; sync'" -- sh -c 'curl --version >/dev/null && sync "$1"' sh "$DATA/empty-start"
# aws-cli loads its s3 commands for a dry run and sends nothing (the endpoint is a closed port).
measure_empty aws "aws s3 cp --dryrun of a local file" -- \
    "${AWS_CP[@]}" --dryrun --endpoint-url http://127.0.0.1:9 "$DATA/empty-start" "s3://$BUCKET/empty-start"

# A GET's file must be complete; in --quick, byte for byte. Used as VERIFY by measure.
VERIFY="" VERIFY_MSG=""
WANT_SRC=$SRC WANT_SIZE=$BIG
check_out() {
    local size
    size=$(stat -c %s "$OUT" 2>/dev/null || echo 0)
    if ((size != WANT_SIZE)); then
        VERIFY_MSG="wrong file: $size bytes, want $WANT_SIZE"
        return 1
    fi
    if [[ $MODE == quick ]] && ! cmp -s "$OUT" "$WANT_SRC"; then
        VERIFY_MSG="the downloaded file differs from the source"
        return 1
    fi
}
after_get() {
    rm -f "$OUT" "$OUT".*
    settle
}
after_put() { # SERVER [KEY]
    if [[ $1 == nginx ]]; then rm -rf "$WWW/$BUCKET/up"; else rgw_curl -X DELETE "$RG/$BUCKET/${2:-up/big}" -o /dev/null; fi
    settle
}

# ---------------------------------------------------------------- workloads

W_GET="GET ${BIG_MIB} MiB to file"
W_PUT="PUT ${BIG_MIB} MiB from file"
cat "$SRC" >/dev/null   # the source is in the page cache for everyone
settle

say "== $W_GET"
VERIFY=check_out
for ((r = 1; r <= RUNS; r++)); do
    measure "$W_GET" nginx "s3 get_to_file" "$r" s3 "$BIG" 1 -- "${MOD_NG[@]}" op=get_file key=big "path=$OUT"
    after_get
    measure "$W_GET" nginx "s3 get_to_file c=1" "$r" s3 "$BIG" 1 -- "${MOD_NG[@]}" op=get_file key=big "path=$OUT" concurrency=1
    after_get
    measure "$W_GET" nginx "curl" "$r" curl "$BIG" 1 -- curl -fsS -o "$OUT" "$NG/$BUCKET/big"
    after_get
    measure "$W_GET" nginx "curl + fsync" "$r" curl_fsync "$BIG" 1 -- "${CURL_FSYNC[@]}" "$OUT" "$NG/$BUCKET/big"
    after_get
    measure "$W_GET" nginx "http.client" "$r" httpc "$BIG" 1 -- "${HTTPC[@]}" op=get_file key=big "path=$OUT"
    after_get
    measure "$W_GET" rgw "s3 get_to_file" "$r" s3 "$BIG" 1 -- "${MOD_RG[@]}" op=get_file key=big "path=$OUT"
    after_get
    measure "$W_GET" rgw "s3 get_to_file c=1" "$r" s3 "$BIG" 1 -- "${MOD_RG[@]}" op=get_file key=big "path=$OUT" concurrency=1
    after_get
    measure "$W_GET" rgw "curl" "$r" curl "$BIG" 1 -- curl -fsS "${SIGN[@]}" -o "$OUT" "$RG/$BUCKET/big"
    after_get
    measure "$W_GET" rgw "curl + fsync" "$r" curl_fsync "$BIG" 1 -- "${CURL_FSYNC[@]}" "$OUT" "${SIGN[@]}" "$RG/$BUCKET/big"
    after_get
    measure "$W_GET" rgw "aws s3 cp" "$r" aws "$BIG" 1 -- \
        "${AWS_CP[@]}" --endpoint-url "$RG" "s3://$BUCKET/big" "$OUT"
    after_get
done
VERIFY=""

say "== $W_PUT"
for ((r = 1; r <= RUNS; r++)); do
    measure "$W_PUT" nginx "s3 put_from_file" "$r" s3 "$BIG" 1 -- "${MOD_NG[@]}" op=put_file key=up/big "path=$SRC"
    after_put nginx
    measure "$W_PUT" nginx "curl" "$r" curl "$BIG" 1 -- curl -fsS -T "$SRC" -o /dev/null "$NG/$BUCKET/up/big"
    after_put nginx
    measure "$W_PUT" nginx "http.client" "$r" httpc "$BIG" 1 -- "${HTTPC[@]}" op=put_file key=up/big "path=$SRC"
    after_put nginx
    measure "$W_PUT" rgw "s3 put_from_file" "$r" s3 "$BIG" 1 -- "${MOD_RG[@]}" op=put_file key=up/big "path=$SRC"
    after_put rgw
    measure "$W_PUT" rgw "s3 put_from_file c=1" "$r" s3 "$BIG" 1 -- "${MOD_RG[@]}" op=put_file key=up/big "path=$SRC" concurrency=1
    after_put rgw
    measure "$W_PUT" rgw "curl" "$r" curl "$BIG" 1 -- curl -fsS "${SIGN[@]}" -T "$SRC" -o /dev/null "$RG/$BUCKET/up/big"
    after_put rgw
    measure "$W_PUT" rgw "aws s3 cp" "$r" aws "$BIG" 1 -- \
        "${AWS_CP[@]}" --endpoint-url "$RG" "$SRC" "s3://$BUCKET/up/big"
    after_put rgw
done

# The capped server: RGW behind capped_proxy.py. One stream gets the cap; parallel parts should
# get about concurrency x cap. The single streams move a smaller object of their own workload.
W_CGET="GET ${CAP_MIB} MiB to file"
W_CPUT="PUT ${CAP_MIB} MiB from file"
W_CGET1="GET ${CAP_ONE_MIB} MiB to file, one stream"
W_CPUT1="PUT ${CAP_ONE_MIB} MiB from file, one stream"
CELL_CAP=$CAP_RATE
cat "$CAP_SRC" "$CAP_ONE_SRC" >/dev/null
say "== $W_CGET, $CAPPED"
for ((r = 1; r <= CAP_RUNS; r++)); do
    VERIFY=check_out WANT_SRC=$CAP_SRC WANT_SIZE=$CAP
    measure "$W_CGET" "$CAPPED" "s3 get_to_file" "$r" s3 "$CAP" 1 -- "${MOD_RGC[@]}" op=get_file key=capped "path=$OUT"
    after_get
    measure "$W_CGET" "$CAPPED" "aws s3 cp" "$r" aws "$CAP" 1 -- \
        "${AWS_CP[@]}" --endpoint-url "$RGC" "s3://$BUCKET/capped" "$OUT"
    after_get
    VERIFY=check_out WANT_SRC=$CAP_ONE_SRC WANT_SIZE=$CAP_ONE
    measure "$W_CGET1" "$CAPPED" "s3 get_to_file c=1" "$r" s3 "$CAP_ONE" 1 -- "${MOD_RGC[@]}" op=get_file key=capped-one "path=$OUT" concurrency=1
    after_get
    measure "$W_CGET1" "$CAPPED" "curl" "$r" curl "$CAP_ONE" 1 -- curl -fsS "${SIGN[@]}" -o "$OUT" "$RGC/$BUCKET/capped-one"
    after_get
done
VERIFY="" WANT_SRC=$SRC WANT_SIZE=$BIG
say "== $W_CPUT, $CAPPED"
for ((r = 1; r <= CAP_RUNS; r++)); do
    measure "$W_CPUT" "$CAPPED" "s3 put_from_file" "$r" s3 "$CAP" 1 -- "${MOD_RGC[@]}" op=put_file key=up/capped "path=$CAP_SRC"
    after_put rgw up/capped
    measure "$W_CPUT" "$CAPPED" "aws s3 cp" "$r" aws "$CAP" 1 -- \
        "${AWS_CP[@]}" --endpoint-url "$RGC" "$CAP_SRC" "s3://$BUCKET/up/capped"
    after_put rgw up/capped
    measure "$W_CPUT1" "$CAPPED" "s3 put_from_file c=1" "$r" s3 "$CAP_ONE" 1 -- "${MOD_RGC[@]}" op=put_file key=up/capped "path=$CAP_ONE_SRC" concurrency=1
    after_put rgw up/capped
    measure "$W_CPUT1" "$CAPPED" "curl" "$r" curl "$CAP_ONE" 1 -- curl -fsS "${SIGN[@]}" -T "$CAP_ONE_SRC" -o /dev/null "$RGC/$BUCKET/up/capped"
    after_put rgw up/capped
done
CELL_CAP=-

# curl config files for the many-small workloads: one URL per request, the keys cycled.
make_get_cfg() { # BASE FILE
    local i
    for ((i = 0; i < GETS; i++)); do
        printf 'url = "%s/small/%04d"\noutput = "/dev/null"\n' "$1" $((i % NKEYS))
    done >"$2"
}
make_put_cfg() { # BASE PREFIX FILE
    local i
    for ((i = 0; i < PUTS; i++)); do
        printf 'upload-file = "%s"\nurl = "%s/%s%04d"\noutput = "/dev/null"\n' "$PUT_SRC" "$1" "$2" "$i"
    done >"$3"
}
make_get_cfg "$NG/$BUCKET" "$WORK/cfg/get-nginx"
make_get_cfg "$RG/$BUCKET" "$WORK/cfg/get-rgw"

for c in "${GET_CONCS[@]}"; do
    W="$GETS x GET 16 KiB, c=$c"
    say "== $W"
    for ((r = 1; r <= RUNS; r++)); do
        measure "$W" nginx "s3 get" "$r" s3 0 0 -- "${MOD_NG[@]}" op=get_many prefix=small/ \
            "nkeys=$NKEYS" "count=$GETS" "concurrency=$c"
        measure "$W" nginx "curl --parallel" "$r" curl $((GETS * SMALL)) "$GETS" -- \
            curl -fsS --no-progress-meter --parallel --parallel-max "$c" -K "$WORK/cfg/get-nginx"
        measure "$W" nginx "http.client" "$r" httpc 0 0 -- "${HTTPC[@]}" op=get_many prefix=small/ \
            "nkeys=$NKEYS" "count=$GETS" "concurrency=$c"
        measure "$W" rgw "s3 get" "$r" s3 0 0 -- "${MOD_RG[@]}" op=get_many prefix=small/ \
            "nkeys=$NKEYS" "count=$GETS" "concurrency=$c"
        measure "$W" rgw "curl --parallel" "$r" curl $((GETS * SMALL)) "$GETS" -- \
            curl -fsS --no-progress-meter "${SIGN[@]}" --parallel --parallel-max "$c" -K "$WORK/cfg/get-rgw"
    done
done

W="$PUTS x PUT 1 MiB, c=$PUT_CONC"
say "== $W"
make_put_cfg "$NG/$BUCKET" up/m/curl/ "$WORK/cfg/put-nginx"
make_put_cfg "$RG/$BUCKET" up/m/curl/ "$WORK/cfg/put-rgw"
for ((r = 1; r <= RUNS; r++)); do
    measure "$W" nginx "s3 put_from_file" "$r" s3 0 0 -- "${MOD_NG[@]}" op=put_many prefix=up/m/s3/ \
        "path=$PUT_SRC" "count=$PUTS" "concurrency=$PUT_CONC"
    measure "$W" nginx "curl --parallel" "$r" curl $((PUTS * PUT_SIZE)) "$PUTS" -- \
        curl -fsS --no-progress-meter --parallel --parallel-max "$PUT_CONC" -K "$WORK/cfg/put-nginx"
    measure "$W" nginx "http.client" "$r" httpc 0 0 -- "${HTTPC[@]}" op=put_many prefix=up/m/httpc/ \
        "path=$PUT_SRC" "count=$PUTS" "concurrency=$PUT_CONC"
    measure "$W" rgw "s3 put_from_file" "$r" s3 0 0 -- "${MOD_RG[@]}" op=put_many prefix=up/m/s3/ \
        "path=$PUT_SRC" "count=$PUTS" "concurrency=$PUT_CONC"
    measure "$W" rgw "curl --parallel" "$r" curl $((PUTS * PUT_SIZE)) "$PUTS" -- \
        curl -fsS --no-progress-meter "${SIGN[@]}" --parallel --parallel-max "$PUT_CONC" -K "$WORK/cfg/put-rgw"
    settle
done

# ---------------------------------------------------------------- report

machine() {
    local cpu
    cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
    echo "- machine: $(nproc) cores (${cpu:-unknown CPU}), $(free -g | awk '/^Mem:/ { print $2 " GiB RAM, " $7 " GiB available at the end" }'), load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    echo "- kernel: $(uname -srm); $(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "- tarantool: $("$TNT_BIN" --version | head -1)"
    echo "- s3 module: commit $ROCK_COMMIT, the rock installed at the start; $("$TNT_BIN" -e "io.write(require('s3.native').curl_version or '?'); os.exit(0)" 2>/dev/null)"
    echo "- curl: $(curl --version | head -1)"
    echo "- nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //') (1 worker, sendfile, WebDAV PUT; its files on $NGX_STORE_KIND)"
    echo "- aws-cli: $("$AWS" --version 2>&1 | head -1)"
    echo "- capped server: that RGW behind bench/lib/capped_proxy.py, $CAP_RATE MiB/s per connection and direction (a token bucket each holding 0.25 s of credit, splice(2)); object of $CAP_MIB MiB, $CAP_RUNS run(s) per cell"
    echo "- Ceph RGW: $(radosgw --version 2>/dev/null | head -1 | sed 's/ (.*)//'), $([[ $MODE == full ]] && echo "bluestore on a sparse file" || echo memstore), single node on loopback"
}

mkdir -p "$BENCH/results"
STAMP=$(date -u +%Y-%m-%d-%H%M)
RESULT=${BENCH_OUT:-$BENCH/results/$STAMP-$MODE.md}
ELAPSED=$(($(date +%s) - T_START))
{
    echo "# s3 benchmark, $MODE run, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    machine
    echo "- run: bash bench/run.sh$([[ $MODE == quick ]] && echo ' --quick'), $RUNS run(s) per cell, $((ELAPSED / 60)) min $((ELAPSED % 60)) s"
    echo
    python3 "$BENCH/report.py" "$RAW" "$RUNS" "$EMPTY_TSV"
} >"$WORK/report.md" || die "cannot make the report"
cp "$WORK/report.md" "$RESULT" || die "cannot write $RESULT"
cp "$RAW" "${RESULT%.md}.tsv"
if [[ $MODE == quick ]]; then   # keep the last few quick results only
    ls -1t "$BENCH/results/"*-quick.md 2>/dev/null | tail -n +4 | while read -r f; do rm -f "$f" "${f%.md}.tsv"; done
fi
cat "$WORK/report.md"
say "written to ${RESULT#"$ROOT"/} in $ELAPSED s"
if ((MODULE_FAILED)); then
    say "the s3 module failed in at least one run"
    exit 1
fi
exit 0
