#!/usr/bin/env python3
"""Turns the runs recorded by bench/run.sh (a TSV file) into the markdown report.

    python3 bench/report.py RAW.tsv RUNS [EMPTY.tsv]

Per cell (workload, server, contender): throughput is the median over the successful runs;
the ratios divide it by the median of curl, of aws-cli and of http.client on the same workload
and server in the same harness run; peak RSS, the longest loop step and the largest loop gap are
the maximum over the runs; CPU seconds per GiB and the p99 loop gap are medians. For the cells
behind a per-connection cap, a line says whether the module's parallel parts reached
0.8 x concurrency x cap and 1.5 x aws-cli (reported, never asserted).
"""
import csv
import statistics
import sys

GiB = 1024 ** 3


def fnum(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, digits=0, thousands=True):
    if x is None:
        return "–"
    if thousands:
        return f"{x:,.{digits}f}"
    return f"{x:.{digits}f}"


def fmt_gap(x):
    if x is None:
        return "–"
    return f"{x:.1f}" if x < 100 else f"{x:,.0f}"


def main():
    path, runs_wanted = sys.argv[1], int(sys.argv[2])
    empty_path = sys.argv[3] if len(sys.argv) > 3 else None
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))

    cells = {}
    order = []
    for r in rows:
        key = (r["workload"], r["server"], r["contender"])
        if key not in cells:
            cells[key] = []
            order.append(key)
        cells[key].append(r)

    stats = {}
    for key in order:
        runs = cells[key]
        good = [r for r in runs if r["ok"] == "1"]
        s = {"runs": len(runs), "good": len(good), "notes": [r["note"] for r in runs if r["ok"] != "1"]}
        if good:
            tp, rps, cpu_gib, p99 = [], [], [], []
            for r in good:
                b, sec, n = fnum(r["bytes"]), fnum(r["seconds"]), fnum(r["requests"])
                tp.append(b / sec / 1e6 if sec else None)
                rps.append(n / sec if sec else None)
                c = fnum(r["cpu"])
                cpu_gib.append(c / (b / GiB) if c is not None and b else None)
                p99.append(fnum(r["p99_gap_ms"]))
            s["mbps"] = median(tp)
            s["rps"] = median(rps)
            s["requests"] = median([fnum(r["requests"]) for r in good])
            s["cpu_gib"] = median(cpu_gib)
            rss = [fnum(r["rss_kib"]) for r in good if fnum(r["rss_kib"]) is not None]
            s["rss_mib"] = max(rss) / 1024 if rss else None
            gaps = [fnum(r["max_gap_ms"]) for r in good if fnum(r["max_gap_ms"]) is not None]
            s["max_gap"] = max(gaps) if gaps else None
            s["p99_gap"] = median(p99)
            steps = [fnum(r.get("loop_max_step_ms")) for r in good if fnum(r.get("loop_max_step_ms")) is not None]
            s["max_step"] = max(steps) if steps else None
            s["cap"] = fnum(good[0].get("cap_mib_s"))
            s["conc"] = fnum(good[0].get("concurrency"))
            s["all_mbps"] = tp
            s["all_rps"] = rps
        stats[key] = s

    def reference(workload, server, names):
        for name in names:
            s = stats.get((workload, server, name))
            if s and s["good"]:
                return s
        return None

    def value(s):
        return s["rps"] if s["requests"] and s["requests"] > 1 else s["mbps"]

    out = []
    out.append("| workload | server | contender | throughput | vs curl | vs aws-cli | vs http.client"
               " | peak RSS MiB | CPU s/GiB | longest step ms | loop gap max ms | loop gap p99 ms | runs |")
    out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    notes = []
    for key in order:
        workload, server, contender = key
        s = stats[key]
        runs = f"{s['good']}/{s['runs']}" if s["good"] != s["runs"] else str(s["runs"])
        if not s["good"]:
            out.append(f"| {workload} | {server} | {contender} | failed | failed | failed | failed | failed"
                       f" | failed | failed | failed | failed | {runs} |")
            notes.append(f"- {workload}, {server}, {contender}: failed: {s['notes'][0][:300]}")
            continue
        if s["good"] != s["runs"]:
            notes.append(f"- {workload}, {server}, {contender}: {s['runs'] - s['good']} run(s) failed:"
                         f" {s['notes'][0][:300]}")
        many = s["requests"] and s["requests"] > 1
        if many:
            tp = f"{fmt(s['rps'])} req/s ({fmt(s['mbps'])} MB/s)"
        else:
            tp = f"{fmt(s['mbps'])} MB/s"
        ratios = []
        for names in (("curl", "curl --parallel"), ("aws s3 cp",), ("http.client",)):
            ref = reference(workload, server, names)
            if ref is None or not value(ref):
                ratios.append("n/a")
            else:
                ratios.append(f"{value(s) / value(ref):.2f}")
        out.append(f"| {workload} | {server} | {contender} | {tp} | {ratios[0]} | {ratios[1]} | {ratios[2]}"
                   f" | {fmt(s['rss_mib'])} | {fmt(s['cpu_gib'], 2)} | {fmt_gap(s['max_step'])}"
                   f" | {fmt_gap(s['max_gap'])} | {fmt_gap(s['p99_gap'])} | {runs} |")

    print("\n".join(out))
    print()
    print("Timing: every contender the same way, as a whole process (wall time from its start to"
          " its exit) minus the median empty start of its kind measured in this run (below)."
          " Throughput: median of the runs (MB = 10^6 bytes; req/s for the many-request workloads)."
          " Ratios: this cell's median over the median of curl (curl --parallel), of aws-cli and"
          " of http.client on the same workload and server in this run; n/a where that contender"
          " does not run (http.client sends no SigV4 signature, so it runs against nginx only;"
          " aws-cli only moves the big objects from RGW)."
          " Peak RSS: the largest over the runs (GNU time). CPU: user + sys seconds of the whole"
          " process minus its empty start's, per GiB moved, median. Longest step: the module's"
          " longest libcurl step on the event loop (client:stats().loop_max_action_seconds),"
          " largest over the runs. Loop gaps: a fiber doing fiber.sleep(0.001) in a loop during"
          " the transfer, largest gap over the runs and the median of the runs' 99th percentiles;"
          " Tarantool contenders only. \"c=1\": the module with the call option concurrency = 1"
          " (one part or range at a time); without it, the defaults (24 parts of 8 MiB in flight,"
          " multipart from 16 MiB). \"curl + fsync\" is curl followed by fsync(2) of the file,"
          " which get_to_file also does before it renames its temporary file into place.")
    if empty_path:
        with open(empty_path, newline="") as f:
            empty = list(csv.DictReader(f, delimiter="\t"))
        if empty:
            print()
            print("Empty starts subtracted (median of the runs, wall time and CPU):")
            print()
            print("| kind | what | wall s | CPU s |")
            print("|---|---|---:|---:|")
            for e in empty:
                print(f"| {e['kind']} | {e['command']} | {fnum(e['seconds']):.3f} | {fnum(e['cpu']):.3f} |")
    crit = []
    for key in order:
        workload, server, contender = key
        s = stats[key]
        if not s["good"] or s.get("cap") is None or not contender.startswith("s3 ") or s.get("conc") in (None, 1):
            continue
        cap_mbps = s["cap"] * 1024 * 1024 / 1e6
        want = 0.8 * s["conc"] * cap_mbps
        aws = reference(workload, server, ("aws s3 cp",))
        # The single streams behind the cap move a smaller object, in a workload of their own.
        alone = next((w for (w, sv, _c) in order
                      if sv == server and w.split()[0] == workload.split()[0] and w.endswith("one stream")), workload)
        curl = reference(alone, server, ("curl",))
        one = reference(alone, server, (contender + " c=1",))
        parts = [f"{fmt(s['mbps'])} MB/s = {s['mbps'] / (s['conc'] * cap_mbps):.2f} x concurrency ({s['conc']:.0f})"
                 f" x cap ({cap_mbps:.1f} MB/s): {'met' if s['mbps'] >= want else 'not met'}"
                 f" (want >= 0.8, {fmt(want)} MB/s)"]
        if aws:
            parts.append(f"{s['mbps'] / aws['mbps']:.2f} x aws-cli ({fmt(aws['mbps'])} MB/s):"
                         f" {'met' if s['mbps'] >= 1.5 * aws['mbps'] else 'not met'} (want >= 1.5)")
        else:
            parts.append("aws-cli: no result")
        single = []
        if curl:
            single.append(f"curl {fmt(curl['mbps'])} MB/s = {curl['mbps'] / cap_mbps:.2f} x cap")
        if one:
            single.append(f"the module at c=1 {fmt(one['mbps'])} MB/s = {one['mbps'] / cap_mbps:.2f} x cap")
        if single:
            parts.append("single stream: " + ", ".join(single))
        crit.append(f"- {workload}, {server}, {contender}: " + "; ".join(parts) + ".")
    if crit:
        print()
        print("Behind the per-connection cap (reported, not asserted): do the module's parallel parts"
              " reach at least 0.8 x concurrency x cap and at least 1.5 x aws-cli?")
        print()
        print("\n".join(crit))
    loop_rows = []
    for key in order:
        good = [r for r in cells[key] if r["ok"] == "1" and fnum(r.get("loop_steps")) is not None]
        if not good:
            continue
        steps = median([fnum(r["loop_steps"]) for r in good])
        share = median([fnum(r["loop_busy_s"]) / fnum(r["seconds"]) for r in good if fnum(r["seconds"])])
        per_step = median([fnum(r["loop_busy_s"]) / fnum(r["loop_steps"]) * 1e6 for r in good
                           if fnum(r["loop_steps"])])
        longest = max(fnum(r["loop_max_step_ms"]) for r in good)
        works = [fnum(r.get("loop_max_work_ms")) for r in good if fnum(r.get("loop_max_work_ms")) is not None]
        work = max(works) if works else None
        gap = stats[key].get("max_gap")
        loop_rows.append(f"| {key[0]} | {key[1]} | {key[2]} | {fmt(steps)} | {fmt(per_step, 1)}"
                         f" | {fmt(share * 100 if share is not None else None)} %"
                         f" | {fmt_gap(longest)} | {fmt_gap(work)} | {fmt_gap(gap)} |")
    if loop_rows:
        print()
        print("The s3 module on the event loop (client:stats()): libcurl steps"
              " (curl_multi_socket_action plus completions) run during the transfer, their mean"
              " time, the share of the transfer's wall time they took, and the longest one, which"
              " bounds the stall the module itself causes, as wall time and as work (per step the"
              " lesser of its wall and CPU time: the wall time holds other processes' turns and"
              " the host's steal); medians over the runs, longest is the maximum.")
        print()
        print("| workload | server | contender | libcurl steps | µs per step | loop busy | longest step ms"
              " | longest step work ms | loop gap max ms |")
        print("|---|---|---|---:|---:|---:|---:|---:|---:|")
        print("\n".join(loop_rows))
    if notes:
        print()
        print("Failures:")
        print()
        print("\n".join(notes))
    print()
    print("<details><summary>Every run</summary>")
    print()
    print("| workload | server | contender | runs (MB/s or req/s) |")
    print("|---|---|---|---|")
    for key in order:
        s = stats[key]
        vals = []
        for r in cells[key]:
            if r["ok"] != "1":
                vals.append("failed")
                continue
            b, sec, n = fnum(r["bytes"]), fnum(r["seconds"]), fnum(r["requests"])
            if n and n > 1:
                vals.append(f"{n / sec:,.0f}")
            else:
                vals.append(f"{b / sec / 1e6:,.0f}")
        print(f"| {key[0]} | {key[1]} | {key[2]} | {', '.join(vals)} |")
    print()
    print("</details>")


if __name__ == "__main__":
    main()
