#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn goalloc_bench's guest logs into a table and bench.json.

    bench_report.py --kernel K --insn LOG --wall LOG -o K.json
                    [--insn-workloads "W ..."] [--wall-workloads "W ..."]
                    [--trace-stats STATS.json] [--details DETAILS.json]
    bench_report.py --merge -o BENCH.json K1.json K2.json ...

The first form reads the two boots of one kernel; every record it writes
has that kernel's name in its "kernel" field.  The second puts the records
of several kernels into one file and prints, per workload and size, the
goalloc/SLUB ratios of each kernel side by side (a Markdown table, the one
the README shows).

Each log is the serial log of one boot of tools/guest/bench.sh, holding
the module's result lines (see tools/bench/bench_main.c):

    BENCH workload=W api=A size=S alloc=goalloc|slub round=R ops=N
          cycles=C ns=T [mode=time|footprint] [peak_bytes=P] ...

The --insn boot ran under -icount shift=0, where a cycle of the guest TSC
is one guest instruction: its measure is cycles per op.  The --wall boot
ran under multi-threaded TCG: its measure is ns per op.  For each
(workload, api, size) and allocator the value is the median over the
timed rounds; replay time comes from mode=time runs only, and the replay's
peak footprint from its mode=footprint run.  A measure that a boot did not
take is null.  Result lines BENCH-ERROR, a failed allocation, or a
workload the boot was asked to run and did not report make this script
fail (exit status 1) after printing what it has; bench.json is written
only when everything is there.
"""

import argparse
import json
import math
import re
import statistics
import sys

ORDER = ["pair", "batch", "batch_random", "bulk", "remote", "scale", "large",
         "replay"]
LINE = re.compile(r"^(BENCH(?:-\w+)?) (.*)$")


def parse_log(path):
    """Return (results, infos, errors) from one guest log."""
    results, infos, errors = [], [], []
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            m = LINE.match(raw.strip("\r\n"))
            if not m:
                continue
            kind, rest = m.group(1), m.group(2)
            fields = dict(kv.split("=", 1) for kv in rest.split() if "=" in kv)
            if kind == "BENCH":
                results.append(fields)
            elif kind == "BENCH-INFO":
                infos.append(fields)
            elif kind == "BENCH-ERROR":
                errors.append(rest)
            elif kind == "BENCH-SKIP":
                infos.append(dict(fields, skipped=True))
    return results, infos, errors


def key_of(r):
    size = int(r["size"])
    return (r["workload"], r["api"], size if size else None)


def medians(results, unit):
    """{key: {alloc: median of unit per op}} over timed rounds."""
    acc = {}
    for r in results:
        if r.get("mode", "time") != "time":
            continue
        ops = int(r["ops"])
        if ops <= 0:
            continue
        acc.setdefault(key_of(r), {}).setdefault(r["alloc"], []).append(
            int(r[unit]) / ops)
    return {k: {a: statistics.median(v) for a, v in d.items()}
            for k, d in acc.items()}


def peaks(results):
    """{key: {alloc: peak_bytes}} from footprint runs (largest if several)."""
    out = {}
    for r in results:
        if r.get("mode") != "footprint" or "peak_bytes" not in r:
            continue
        d = out.setdefault(key_of(r), {})
        d[r["alloc"]] = max(d.get(r["alloc"], 0), int(r["peak_bytes"]))
    return out


def sort_key(k):
    w, api, size = k
    m = re.match(r"^(\D*)(\d*)$", api)
    return (ORDER.index(w) if w in ORDER else len(ORDER), w,
            m.group(1), int(m.group(2) or 0), size or 0)


def rnd(x):
    return None if x is None else round(x, 2)


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(x, width, prec=1):
    return f"{'-':>{width}}" if x is None else f"{x:>{width}.{prec}f}"


def size_str(size):
    if size is None:
        return "-"
    for unit, div in (("M", 1 << 20), ("K", 1 << 10)):
        if size >= div and size % div == 0:
            return f"{size // div}{unit}"
    return str(size)


def print_table(records, trace_stats, kernel):
    print(f"Linux {kernel}:")
    head = (f"{'workload':<13} {'api':<7} {'size':>5} | "
            f"{'insn/op goalloc':>15} {'slub':>7} {'ratio':>6} | "
            f"{'ns/op goalloc':>13} {'slub':>7} {'ratio':>6} | "
            f"{'peak KiB goalloc':>16} {'slub':>7} {'ratio':>6}")
    print(head)
    print("-" * len(head))
    for rec in records:
        gi, si = rec["goalloc_insn_per_op"], rec["slub_insn_per_op"]
        gn, sn = rec["goalloc_ns_per_op"], rec["slub_ns_per_op"]
        gp, sp = rec["goalloc_peak_bytes"], rec["slub_peak_bytes"]
        print(f"{rec['workload']:<13} {rec['api']:<7} "
              f"{size_str(rec['size']):>5} | "
              f"{fmt(gi, 15)} {fmt(si, 7)} {fmt(ratio(gi, si), 6, 2)} | "
              f"{fmt(gn, 13)} {fmt(sn, 7)} {fmt(ratio(gn, sn), 6, 2)} | "
              f"{fmt(None if gp is None else gp / 1024, 16)} "
              f"{fmt(None if sp is None else sp / 1024, 7)} "
              f"{fmt(ratio(gp, sp), 6, 2)}")
    print()
    print("goalloc/SLUB, geometric mean of the ratios per workload:")
    for w in ORDER:
        line = []
        for name, g, s in (("insn", "goalloc_insn_per_op", "slub_insn_per_op"),
                           ("ns", "goalloc_ns_per_op", "slub_ns_per_op")):
            rs = [ratio(r[g], r[s]) for r in records if r["workload"] == w]
            rs = [x for x in rs if x]
            if rs:
                gm = math.exp(sum(math.log(x) for x in rs) / len(rs))
                line.append(f"{name} {gm:.2f}")
        if line:
            print(f"  {w:<13} " + ", ".join(line))
    if trace_stats:
        s = trace_stats
        print()
        print(f"replay: {s['trace']}: {s['lines']} lines, {s['ops']} ops "
              f"({s['malloc_ops']} malloc, {s['cache_ops']} cache alloc, "
              f"{s['free_ops']} free), {len(s['cache_sizes'])} caches; "
              f"skipped: {s['other_event_lines']} other events, "
              f"{s['lost_event_lines']} lost-events lines, "
              f"{s['comment_lines']} comments, "
              f"{s['malformed_lines']} malformed, "
              f"{s['unknown_frees']} frees of unknown pointers, "
              f"{s['null_frees']} frees of NULL, "
              f"{s['failed_allocs']} failed and "
              f"{s['zero_size_allocs'] + s['too_large_allocs']} "
              f"zero-size or too large allocations (and "
              f"{s['skipped_frees']} frees of them)")
        print(f"replay: peak of live bytes requested "
              f"{s['peak_live_bytes'] / 1024:.1f} KiB "
              f"({s['peak_live_objects']} objects)")
    print("insn/op: guest instructions (-icount boot); ns/op: wall time "
          "(multi-threaded TCG boot); medians over rounds; an op is one "
          "object allocated and freed (one trace event for replay).")


def md_size(size):
    if size is None:
        return "–"
    return size_str(size).replace("K", " KiB").replace("M", " MiB")


def fmt_cell(x, prec):
    return "–" if x is None else f"{x:.{prec}f}"


def merge(paths, output):
    """One file of every kernel's records, and their ratios side by side."""
    records, kernels, rows = [], [], {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            recs = json.load(f)
        for r in recs:
            if r["kernel"] not in kernels:
                kernels.append(r["kernel"])
            rows.setdefault((r["workload"], r["api"], r["size"]), {})[
                r["kernel"]] = r
        records += recs
    head = ["workload", "api", "size"]
    for k in kernels:
        head += [f"insn goalloc {k}", f"insn SLUB {k}", "ratio"]
    for k in kernels:
        head += [f"ns ratio {k}"]
    print("| " + " | ".join(head) + " |")
    print("| --- | --- | --- |" + " ---: |" * (len(head) - 3))
    for key in sorted(rows, key=sort_key):
        w, api, size = key
        cells = [w, api, md_size(size)]
        for k in kernels:
            r = rows[key].get(k, {})
            gi, si = r.get("goalloc_insn_per_op"), r.get("slub_insn_per_op")
            cells += [fmt_cell(gi, 0), fmt_cell(si, 0),
                      fmt_cell(ratio(gi, si), 2)]
        for k in kernels:
            r = rows[key].get(k, {})
            cells.append(fmt_cell(ratio(r.get("goalloc_ns_per_op"),
                                        r.get("slub_ns_per_op")), 2))
        print("| " + " | ".join(cells) + " |")
    print()
    for k in kernels:
        means = []
        for w in ORDER:
            for name, g, s in (("insn", "goalloc_insn_per_op",
                                "slub_insn_per_op"),
                               ("ns", "goalloc_ns_per_op", "slub_ns_per_op")):
                rs = [ratio(r[g], r[s]) for r in records
                      if r["kernel"] == k and r["workload"] == w]
                rs = [x for x in rs if x]
                if rs:
                    gm = math.exp(sum(math.log(x) for x in rs) / len(rs))
                    means.append(f"{w} {name} {gm:.2f}")
        print(f"Linux {k}, geometric means of goalloc/SLUB: " +
              ", ".join(means))
        peak = [r for r in records if r["kernel"] == k and
                r["goalloc_peak_bytes"] and r["slub_peak_bytes"]]
        for r in peak:
            print(f"Linux {k}, {r['workload']} footprint: goalloc "
                  f"{r['goalloc_peak_bytes'] // 1024} KiB, SLUB "
                  f"{r['slub_peak_bytes'] // 1024} KiB (ratio "
                  f"{r['goalloc_peak_bytes'] / r['slub_peak_bytes']:.2f})")
    with open(output, "w", encoding="utf-8") as f:
        json.dump(records, f, indent=1)
        f.write("\n")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--merge", nargs="+", metavar="K.json",
                    help="merge these kernels' files into -o")
    ap.add_argument("--kernel", help="the kernel the boots ran (6.12, 7.3)")
    ap.add_argument("--insn", help="log of the -icount boot")
    ap.add_argument("--wall", help="log of the wall-time boot")
    ap.add_argument("--insn-workloads", default="")
    ap.add_argument("--wall-workloads", default="")
    ap.add_argument("--trace-stats")
    ap.add_argument("--details")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    if args.merge:
        return merge(args.merge, args.output)
    if not (args.kernel and args.insn and args.wall):
        ap.error("--kernel, --insn and --wall are needed without --merge")

    ins, ins_info, ins_err = parse_log(args.insn)
    wal, wal_info, wal_err = parse_log(args.wall)
    problems = [f"insn boot: {e}" for e in ins_err]
    problems += [f"wall boot: {e}" for e in wal_err]
    for name, results, infos, want in (
            ("insn", ins, ins_info, args.insn_workloads),
            ("wall", wal, wal_info, args.wall_workloads)):
        have = {r["workload"] for r in results}
        have |= {i.get("workload") for i in infos if i.get("skipped")}
        for w in want.split():
            if w not in have:
                problems.append(f"{name} boot: no result for {w}")
        for r in results:
            if int(r.get("failed", 0)):
                problems.append(f"{name} boot: {r['failed']} allocations "
                                f"failed in {r['workload']}")

    insn, ns = medians(ins, "cycles"), medians(wal, "ns")
    peak = peaks(wal)
    for k, v in peaks(ins).items():
        peak.setdefault(k, v)
    records = []
    for k in sorted(set(insn) | set(ns) | set(peak), key=sort_key):
        w, api, size = k
        i, n, p = insn.get(k, {}), ns.get(k, {}), peak.get(k, {})
        records.append({
            "kernel": args.kernel, "workload": w, "api": api, "size": size,
            "goalloc_insn_per_op": rnd(i.get("goalloc")),
            "slub_insn_per_op": rnd(i.get("slub")),
            "goalloc_ns_per_op": rnd(n.get("goalloc")),
            "slub_ns_per_op": rnd(n.get("slub")),
            "goalloc_peak_bytes": p.get("goalloc"),
            "slub_peak_bytes": p.get("slub"),
        })

    trace_stats = None
    if args.trace_stats:
        with open(args.trace_stats, encoding="utf-8") as f:
            trace_stats = json.load(f)
    print_table(records, trace_stats, args.kernel)
    if args.details:
        with open(args.details, "w", encoding="utf-8") as f:
            json.dump({"insn_boot": {"info": ins_info, "results": ins},
                       "wall_boot": {"info": wal_info, "results": wal},
                       "trace": trace_stats, "problems": problems}, f,
                      indent=1)
    if problems:
        print("\nbench failed:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(records, f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
