#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compile an ftrace kmem trace into the replay stream of goalloc_bench.

    bench_trace.py TRACE -o OUT.bin [--stats OUT.json]

TRACE is the text of /sys/kernel/tracing/trace (plain, or .xz/.gz
compressed) with the kmem events kmalloc, kmalloc_node, kfree,
kmem_cache_alloc, kmem_cache_alloc_node and kmem_cache_free, as Linux 6.1
through 6.12 print them, pointers unhashed:

    task-PID [CPU] FLAGS TIMESTAMP: kmalloc: call_site=... ptr=ffff...
        bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL|__GFP_ZERO node=-1 ...

The semantics of the replay are decided here, once, so that the guest
module only executes a list of operations:

 - kmalloc and kmalloc_node allocate bytes_req bytes from the malloc
   family (kmalloc() / goalloc_malloc());
 - kmem_cache_alloc and kmem_cache_alloc_node allocate from a cache whose
   object size is bytes_alloc, one cache per distinct size;
 - __GFP_ZERO in gfp_flags is replayed, nodes are not (every allocation
   is NUMA_NO_NODE);
 - kfree and kmem_cache_free free a live object through the family that
   allocated it (the kernel lets kfree() free cache objects);
 - an allocation of a pointer still live (its free was not traced) first
   frees the old object;
 - frees of NULL, of ZERO_SIZE_PTR and of pointers the trace never
   allocated, failed allocations, allocations of 0 bytes or over 4 MiB
   (and the frees of what they returned), lines of other events, ftrace's
   "[LOST n EVENTS]" lines, comment lines and malformed lines are counted
   and skipped.

The output is little-endian: a header
    u32 magic "GBRT", u32 version (1), u32 ncaches, u32 nslots, u64 nops,
    u32 cache_size[ncaches]
then nops operations of 8 bytes each: u32 slot, u32 word, where the top
two bits of word are the kind (0 malloc, 1 cache alloc, 2 free), bit 29
asks for zeroed memory and the low 29 bits hold the malloc size or the
cache index.  A slot names one live object; slots are reused once freed
(most recently freed first), so nslots is the peak number of live objects.
The statistics (line counts, peak live bytes requested) go to --stats.
"""

import argparse
import gzip
import json
import lzma
import re
import struct
import sys

MAGIC = 0x54524247  # "GBRT" in little-endian byte order
VERSION = 1
KIND_MALLOC, KIND_CACHE, KIND_FREE = 0, 1, 2
ZERO_BIT = 1 << 29
ARG_MAX = (1 << 29) - 1
MAX_SIZE = 4 << 20  # GOALLOC_MAX_SIZE and KMALLOC_MAX_SIZE on x86-64
ZERO_SIZE_PTR = 0x10

# "TIMESTAMP: EVENT: ARGS" after the task, PID, CPU and flags columns.
LINE = re.compile(r"^.*?\[\d+\]\s.*?\d+\.\d+:\s+(\w+):\s?(.*)$")
PTR = re.compile(r"(?:^|\s)ptr=(?:0x)?([0-9a-fA-F]+)(?:\s|$)")
REQ = re.compile(r"(?:^|\s)bytes_req=(\d+)(?:\s|$)")
ALLOC = re.compile(r"(?:^|\s)bytes_alloc=(\d+)(?:\s|$)")
GFP = re.compile(r"(?:^|\s)gfp_flags=(\S+)")
LOST = re.compile(r"^CPU:\d+ \[LOST (\d+) EVENTS\]$")
ALLOC_EVENTS = {"kmalloc": KIND_MALLOC, "kmalloc_node": KIND_MALLOC,
                "kmem_cache_alloc": KIND_CACHE,
                "kmem_cache_alloc_node": KIND_CACHE}
FREE_EVENTS = {"kfree": KIND_MALLOC, "kmem_cache_free": KIND_CACHE}


def open_trace(path):
    if path.endswith(".xz"):
        return lzma.open(path, "rt", encoding="utf-8", errors="replace")
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


class Compiler:
    """Turn trace events into replay operations, counting what is skipped."""

    def __init__(self):
        self.ops = bytearray()
        self.nops = 0
        self.caches = {}        # object size -> cache index
        self.live = {}          # pointer -> (slot, kind, cache, bytes_req)
        self.skipped = set()    # pointers of allocations not replayed
        self.free_slots = []
        self.nslots = 0
        self.live_bytes = 0
        self.stats = {
            "lines": 0, "events": {}, "comment_lines": 0,
            "other_event_lines": 0, "lost_event_lines": 0, "lost_events": 0,
            "malformed_lines": 0, "skipped_frees": 0,
            "failed_allocs": 0, "zero_size_allocs": 0, "too_large_allocs": 0,
            "null_frees": 0, "unknown_frees": 0, "cross_frees": 0,
            "allocs_of_live_pointers": 0, "malloc_ops": 0, "cache_ops": 0,
            "free_ops": 0, "live_at_end": 0, "peak_live_bytes": 0,
            "peak_live_objects": 0,
        }

    def emit(self, slot, kind, arg, zero):
        word = (kind << 30) | (ZERO_BIT if zero else 0) | arg
        self.ops += struct.pack("<II", slot, word)
        self.nops += 1

    def free(self, ptr):
        slot, _kind, _cache, req = self.live.pop(ptr)
        self.emit(slot, KIND_FREE, 0, False)
        self.free_slots.append(slot)
        self.live_bytes -= req
        self.stats["free_ops"] += 1

    def alloc(self, event, args):
        kind = ALLOC_EVENTS[event]
        ptr, req, size = PTR.search(args), REQ.search(args), ALLOC.search(args)
        if not (ptr and req and size):
            self.stats["malformed_lines"] += 1
            return
        ptr, req, size = int(ptr.group(1), 16), int(req.group(1)), \
            int(size.group(1))
        gfp = GFP.search(args)
        zero = bool(gfp and "__GFP_ZERO" in gfp.group(1))
        if ptr == 0:
            self.stats["failed_allocs"] += 1
            return
        want = req if kind == KIND_MALLOC else size
        if want == 0 or ptr == ZERO_SIZE_PTR or want > MAX_SIZE:
            big = want > MAX_SIZE
            self.stats["too_large_allocs" if big else "zero_size_allocs"] += 1
            if ptr in self.live:
                self.stats["allocs_of_live_pointers"] += 1
                self.free(ptr)
            self.skipped.add(ptr)
            return
        self.skipped.discard(ptr)
        if ptr in self.live:
            self.stats["allocs_of_live_pointers"] += 1
            self.free(ptr)
        if self.free_slots:
            slot = self.free_slots.pop()
        else:
            slot = self.nslots
            self.nslots += 1
        if kind == KIND_MALLOC:
            arg = want
            self.stats["malloc_ops"] += 1
        else:
            arg = self.caches.setdefault(want, len(self.caches))
            self.stats["cache_ops"] += 1
        assert arg <= ARG_MAX
        self.emit(slot, kind, arg, zero)
        self.live[ptr] = (slot, kind, arg, req)
        self.live_bytes += req
        self.stats["peak_live_bytes"] = max(self.stats["peak_live_bytes"],
                                            self.live_bytes)
        self.stats["peak_live_objects"] = max(
            self.stats["peak_live_objects"], len(self.live))

    def release(self, event, args):
        ptr = PTR.search(args)
        if not ptr:
            self.stats["malformed_lines"] += 1
            return
        ptr = int(ptr.group(1), 16)
        if ptr in (0, ZERO_SIZE_PTR):
            self.stats["null_frees"] += 1
        elif ptr in self.skipped:
            self.skipped.discard(ptr)
            self.stats["skipped_frees"] += 1
        elif ptr not in self.live:
            self.stats["unknown_frees"] += 1
        else:
            if self.live[ptr][1] != FREE_EVENTS[event]:
                self.stats["cross_frees"] += 1
            self.free(ptr)

    def line(self, text):
        self.stats["lines"] += 1
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            self.stats["comment_lines"] += 1
            return
        m = LOST.match(stripped)
        if m:
            self.stats["lost_event_lines"] += 1
            self.stats["lost_events"] += int(m.group(1))
            return
        m = LINE.match(stripped)
        if not m:
            self.stats["malformed_lines"] += 1
            return
        event, args = m.group(1), m.group(2)
        if event not in ALLOC_EVENTS and event not in FREE_EVENTS:
            self.stats["other_event_lines"] += 1
            return
        ev = self.stats["events"]
        ev[event] = ev.get(event, 0) + 1
        if event in ALLOC_EVENTS:
            self.alloc(event, args)
        else:
            self.release(event, args)

    def output(self):
        sizes = sorted(self.caches, key=self.caches.get)
        head = struct.pack("<IIIIQ", MAGIC, VERSION, len(sizes), self.nslots,
                           self.nops)
        head += struct.pack(f"<{len(sizes)}I", *sizes)
        self.stats["live_at_end"] = len(self.live)
        self.stats["ops"] = self.nops
        self.stats["slots"] = self.nslots
        self.stats["cache_sizes"] = sizes
        return head + bytes(self.ops)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("trace")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--stats", help="write the statistics here (JSON)")
    args = ap.parse_args()

    comp = Compiler()
    with open_trace(args.trace) as f:
        for text in f:
            comp.line(text)
    data = comp.output()
    with open(args.output, "wb") as f:
        f.write(data)
    stats = dict(comp.stats, trace=args.trace)
    if args.stats:
        with open(args.stats, "w", encoding="utf-8") as f:
            json.dump(stats, f, indent=1)
    if comp.nops == 0:
        print(f"{args.trace}: no allocation to replay", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
