#!/usr/bin/env bash
# How much of the event loop's longest libcurl steps is the module's own work, as perf sees it.
# Runs COMMAND (a tarantool running the s3 module), records its main thread (the event loop) with
# cpu-clock samples and uprobes on the driver's step functions, and prints the steps with the
# most CPU, split into softirq and the rest (bench/lib/step_samples.py). For a VM whose thread CPU
# clock cannot be trusted per step (see bench/README.md, "The longest step on a VM"). Root only.
#
#   bash bench/step_perf.sh tarantool bench/module.lua op=get_file endpoint=... bucket=... key=... path=...
#
# STEP_PERF_KEEP=FILE keeps the recording (perf.data) there.
set -eu
[[ $# -ge 1 ]] || { echo "usage: $0 COMMAND..." >&2; exit 2; }
command -v perf >/dev/null || { echo "$0: perf is not installed (Debian: linux-perf)" >&2; exit 1; }
so=$(readlink -f .rocks/lib/tarantool/s3/native.so)
[[ -f $so ]] || { echo "$0: no .rocks/lib/tarantool/s3/native.so here (run make first)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"; perf probe -q -d "probe_native:*" 2>/dev/null || true' EXIT
for fn in on_timeout on_socket_ready; do
    perf probe -q -x "$so" --add "$fn" && perf probe -q -x "$so" --add "$fn%return"
done
"$@" &
pid=$!
HZ=10000
perf record -q -F "$HZ" -g -e cpu-clock -e 'probe_native:*' -t "$pid" -o "$work/perf.data" 2>/dev/null &
rec=$!
wait "$pid" || true
kill -INT "$rec" 2>/dev/null || true
wait "$rec" 2>/dev/null || true
[[ -n ${STEP_PERF_KEEP:-} ]] && cp "$work/perf.data" "$STEP_PERF_KEEP"
perf script -i "$work/perf.data" -F time,event,ip,sym 2>/dev/null |
    python3 "$(dirname "$0")/lib/step_samples.py" "$(awk -v hz=$HZ 'BEGIN { print 1000 / hz }')"
