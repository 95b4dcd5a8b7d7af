#!/usr/bin/env python3
"""Splits the CPU samples of the event loop's thread by libcurl step, from `perf script` output of
a recording made by bench/step_perf.sh (cpu-clock samples with call chains, plus uprobes on the
entry and return of the driver's two step functions, on_socket_ready and on_timeout).

    perf script -i perf.data -F time,event,ip,sym | python3 bench/lib/step_samples.py PERIOD_MS

Prints the steps with the most samples: how much CPU each took as perf saw it, and how much of
that was the kernel's softirq work (network processing, often of other sockets' traffic, which a
kernel without CONFIG_IRQ_TIME_ACCOUNTING charges to whatever thread it interrupted) rather
than the module's own code and its system calls.
"""
import bisect
import collections
import re
import sys

STEP_ENTRY = ("probe_native:on_timeout", "probe_native:on_socket_ready")


def read_events(lines):
    events = []
    current = None
    for line in lines:
        m = re.match(r"^\s*(\d+\.\d+):\s+(\S+):", line)
        if m:
            current = [float(m.group(1)), m.group(2), []]
            events.append(current)
            continue
        parts = line.split()
        if current is not None and len(parts) >= 2:
            current[2].append(parts[1])
    return events


def in_softirq(stack):
    return any("handle_softirqs" in f or "net_rx_action" in f or "__do_softirq" in f for f in stack)


def main():
    period_ms = float(sys.argv[1]) if len(sys.argv) > 1 else 0.1
    events = read_events(sys.stdin)
    steps = []
    began = None
    for t, name, _ in events:
        if name in STEP_ENTRY:
            began = t
        elif name.endswith("__return") and began is not None:
            steps.append((began, t))
            began = None
    times = [e[0] for e in events]
    rows = []
    for a, b in steps:
        i, j = bisect.bisect_left(times, a), bisect.bisect_right(times, b)
        samples = [e for e in events[i:j] if e[1] == "cpu-clock"]
        soft = sum(1 for e in samples if in_softirq(e[2]))
        rows.append((len(samples), soft, b - a, samples))
    if not rows:
        print("no steps recorded (were the uprobes set?)")
        return
    own_max = max(n - soft for n, soft, _, _ in rows)
    print(f"{len(rows)} steps; the most CPU perf saw in one: {max(r[0] for r in rows) * period_ms:.1f} ms, "
          f"of it outside softirq at most {own_max * period_ms:.1f} ms")
    rows.sort(key=lambda r: -r[0])
    print("steps with the most samples: CPU ms, of it softirq ms, wall ms, where the rest was")
    for n, soft, wall, samples in rows[:8]:
        rest = collections.Counter(e[2][0] if e[2] else "?" for e in samples if not in_softirq(e[2]))
        print(f"  {n * period_ms:5.1f} {soft * period_ms:5.1f} {wall * 1000:7.2f}  "
              + ", ".join(f"{k} {v}" for k, v in rest.most_common(4)))


if __name__ == "__main__":
    main()
