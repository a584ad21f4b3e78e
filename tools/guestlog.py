#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge a guest's serial log: KUnit results, kernel splats, a clean end.

    guestlog.py LOG [--name NAME] [--ktap] [--results FILE]

Each KTAP document in the log (one per test module: "KTAP version 1",
its plan, its suites) is parsed on its own, since a KUnit kernel prints an
empty document at boot.  Every test case (a result one level below a suite)
is one result; a suite whose plan promised more cases than it reported
fails.  kselftest's output (its runner's "TAP version 13" document, each
program's own TAP nested in it behind "# ") counts the same way: every
nested case is one result, "PROGRAM.CASE", and so is every program,
"selftests: DIR: PROGRAM"; a plan left short fails.  The log as a whole is one more result, "NAME: guest log": it fails
on any kernel splat anywhere, or when the guest's test script never reached
its end marker.  A test that makes a splat on purpose (a KASAN report)
prints GOALLOC-EXPECT-SPLAT-BEGIN and -END around it: what lies between is
not a splat, and the test itself checks that the report came.  Each result is printed as "ok - name" or "not ok - name"
and appended to --results; the exit status is 1 if anything failed.
"""

import argparse
import re
import sys

END_MARKER = "GOALLOC-GUEST-END"
EXPECT_BEGIN = "GOALLOC-EXPECT-SPLAT-BEGIN"
EXPECT_END = "GOALLOC-EXPECT-SPLAT-END"
TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
# What a kernel prints when something went wrong, whatever the tests said.
SPLATS = re.compile(
    r"BUG:|WARNING:|KASAN:|UBSAN:|Oops|Call Trace|Kernel panic"
    r"|sleeping function called from invalid context"
    r"|general protection fault|list_(add|del) corruption"
    r"|INFO: (possible|inconsistent|trying to register|task .* blocked"
    r"|rcu_\w+ (self-)?detected stall)"
    r"|watchdog: BUG|soft lockup|hard LOCKUP|segfault at")
RESULT = re.compile(r"^(?P<indent>\s*)(?P<ok>ok|not ok) (?P<num>\d+) "
                    r"(?P<name>[^#]*?)\s*(#\s*(?P<directive>.*))?$")
PLAN = re.compile(r"^(?P<indent>\s*)1\.\.(?P<n>\d+)\s*$")
SUBTEST = re.compile(r"^(?P<indent>\s*)# Subtest: (?P<name>\S+)")
KSFT_START = "TAP version 13"
KSFT_PLAN = re.compile(r"^1\.\.(?P<n>\d+)")
KSFT_HEADER = re.compile(r"^# selftests: \S+: \S+$")
KSFT_RESULT = re.compile(r"^(?P<ok>ok|not ok) \d+ (?P<name>selftests: \S+: "
                         r"(?P<prog>\S+))\s*(#\s*(?P<directive>.*))?$")
KSFT_CASE = re.compile(r"^# (?P<ok>ok|not ok) \d+ (?P<name>[^#]*?)\s*"
                       r"(#\s*(?P<directive>.*))?$")
KSFT_CASE_PLAN = re.compile(r"^# 1\.\.(?P<n>\d+)")


def strip(line):
    return TIMESTAMP.sub("", line.rstrip("\r\n"))


def ktap_documents(lines):
    """Split the log into KTAP documents, each a list of lines."""
    docs, cur = [], None
    for line in lines:
        if line.startswith("KTAP version"):
            cur = []
            docs.append(cur)
        elif cur is not None:
            cur.append(line)
    return docs


def parse_document(doc):
    """Return [(name, passed, skipped)] for the test cases of one document,
    plus failures for suites whose plan was not fulfilled."""
    results = []
    suite, planned, seen = None, None, 0
    for line in doc:
        m = SUBTEST.match(line)
        if m and len(m.group("indent")) == 4:
            suite, planned, seen = m.group("name"), None, 0
            continue
        m = PLAN.match(line)
        if m and len(m.group("indent")) == 4 and suite:
            planned = int(m.group("n"))
            continue
        m = RESULT.match(line)
        if not m:
            continue
        depth = len(m.group("indent"))
        directive = (m.group("directive") or "").upper()
        if depth == 4 and suite:
            seen += 1
            results.append((f"{suite}.{m.group('name')}",
                            m.group("ok") == "ok",
                            directive.startswith("SKIP")))
        elif depth == 0 and suite:
            if planned is not None and seen < planned:
                results.append((f"{suite}: {planned - seen} planned cases "
                                "never reported", False, False))
            elif seen == 0:
                # A suite without cases reports once, at the top level.
                results.append((suite, m.group("ok") == "ok",
                                directive.startswith("SKIP")))
            suite = None
    if suite is not None:
        results.append((f"{suite}: the suite never finished", False, False))
    return results


def kselftest_results(lines):
    """Return [(name, passed, skipped)] for kselftest's runner output."""
    results = []
    in_doc, planned, seen, cases, case_plan = False, None, 0, [], None

    def skipped(m):
        return (m.group("directive") or "").upper().startswith("SKIP")

    def finish():
        if in_doc and planned is not None and seen < planned:
            results.append((f"kselftest: {planned - seen} planned tests "
                            "never reported", False, False))

    for line in lines:
        if line == KSFT_START:
            finish()
            in_doc, planned, seen, cases, case_plan = True, None, 0, [], None
            continue
        if not in_doc:
            continue
        m = KSFT_PLAN.match(line)
        if m and planned is None:
            planned = int(m.group("n"))
            continue
        if KSFT_HEADER.match(line):
            cases, case_plan = [], None
            continue
        m = KSFT_CASE_PLAN.match(line)
        if m:
            case_plan = int(m.group("n"))
            continue
        m = KSFT_CASE.match(line)
        if m:
            cases.append((m.group("name"), m.group("ok") == "ok", skipped(m)))
            continue
        m = KSFT_RESULT.match(line)
        if m:
            seen += 1
            prog = m.group("prog")
            results.extend((f"{prog}.{name}", ok, skip)
                           for name, ok, skip in cases)
            if case_plan is not None and len(cases) < case_plan:
                results.append((f"{prog}: {case_plan - len(cases)} planned "
                                "cases never reported", False, False))
            results.append((m.group("name"), m.group("ok") == "ok",
                            skipped(m)))
            cases, case_plan = [], None
    finish()
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--name", default="guest")
    ap.add_argument("--ktap", action="store_true",
                    help="the log must hold at least one KUnit test case")
    ap.add_argument("--results", help="file to append result lines to")
    ap.add_argument("--prefix", default="",
                    help="put before each test case's name")
    args = ap.parse_args()

    with open(args.log, encoding="utf-8", errors="replace") as f:
        lines = [strip(line) for line in f]

    results = []
    for doc in ktap_documents(lines):
        results.extend((args.prefix + name, passed, skipped)
                       for name, passed, skipped in parse_document(doc))
    results.extend((args.prefix + name, passed, skipped)
                   for name, passed, skipped in kselftest_results(lines))
    if args.ktap and not results:
        results.append((f"{args.name}: no KUnit test case ran", False, False))

    splats, expected = [], False
    for line in lines:
        if EXPECT_BEGIN in line:
            expected = True
        elif EXPECT_END in line:
            expected = False
        elif not expected and SPLATS.search(line):
            splats.append(line)
    ended = any(line.startswith(END_MARKER + " 0") for line in lines)
    problems = []
    if expected:
        problems.append(f"{EXPECT_BEGIN} without {EXPECT_END}")
    if splats:
        problems.append(f"kernel splat: {splats[0].strip()}")
    if not ended:
        problems.append("the guest script did not finish cleanly")
    results.append((f"{args.name}: guest log clean"
                    + (f" ({'; '.join(problems)})" if problems else ""),
                    not problems, False))

    failed = 0
    out = []
    for name, passed, skipped in results:
        if skipped:
            out.append(f"ok - {name} # SKIP")
        elif passed:
            out.append(f"ok - {name}")
        else:
            out.append(f"not ok - {name}")
            failed += 1
    print("\n".join(out))
    if args.results:
        with open(args.results, "a", encoding="utf-8") as f:
            f.write("\n".join(out) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
