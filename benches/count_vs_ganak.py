#!/usr/bin/env python3
"""policyc's gap counts against Ganak, an independent exact model counter (pyganak from
PyPI), on the synthetic policies of benches/scale.rs.

    POLICYC_EXPORT_DIR=/tmp/synth cargo bench --bench scale
    pip install pyganak
    python3 benches/count_vs_ganak.py [--timeout SECONDS] /tmp/synth/synth_*.json

For every single-valued output without a default, the gap (the incidents no rule
assigning the output holds) is encoded as CNF and counted by Ganak: each input in the
order encoding (one variable per "x >= v", so every model is exactly one incident), each
rule as one clause "outside this rule's box", with a defined auxiliary variable per value
interval a literal excludes (so the count is the number of incidents, not of
assignments). Prints Ganak's count and time beside policyc's count (`gap_count` in the
export) and says whether they agree. Two questions answered: are policyc's counts right
at sizes enumeration cannot reach, and would a general model counter count the gaps
policyc gives up on.
"""
import json
import multiprocessing
import sys
import time

from pyganak import Counter


def encode(p, o):
    """Clauses whose models are exactly the incidents in output o's gap."""
    sizes = p["inputs"]
    clauses = []
    ge = {}  # (input, v) -> variable for "x >= v", 1 <= v < size
    top = 0

    def new():
        nonlocal top
        top += 1
        return top

    for i, n in enumerate(sizes):
        for v in range(1, n):
            ge[(i, v)] = new()
        for v in range(2, n):
            clauses.append([-ge[(i, v)], ge[(i, v - 1)]])

    def at_least(i, v):
        """Literal for x_i >= v, or True/False at the ends."""
        if v <= 0:
            return True
        if v >= sizes[i]:
            return False
        return ge[(i, v)]

    def interval(i, a, b):
        """A literal true exactly when a <= x_i <= b (an auxiliary variable if needed)."""
        lo, hi = at_least(i, a), at_least(i, b + 1)
        if hi is True or lo is False:
            return False
        parts = ([] if lo is True else [lo]) + ([] if hi is False else [-hi])
        if not parts:
            return True
        if len(parts) == 1:
            return parts[0]
        t = new()
        clauses.append([-t, parts[0]])
        clauses.append([-t, parts[1]])
        clauses.append([t, -parts[0], -parts[1]])
        return t

    for r in p["rules"]:
        if r["never"] or not any(a["output"] == o for a in r["assigns"]):
            continue
        clause = []
        satisfied = False
        for lit in r["box"]:
            i = lit["input"]
            nxt = 0
            outside = []
            for a, b in lit["ranges"]:
                if a > nxt:
                    outside.append((nxt, a - 1))
                nxt = b + 1
            if nxt < sizes[i]:
                outside.append((nxt, sizes[i] - 1))
            for a, b in outside:
                x = interval(i, a, b)
                if x is True:
                    satisfied = True
                elif x is not False:
                    clause.append(x)
        if not satisfied:
            clauses.append(clause)
    return top, clauses


def count(p, o, queue):
    top, clauses = encode(p, o)
    c = Counter()
    c.new_vars(top)
    for cl in clauses:
        c.add_clause(cl)
    start = time.perf_counter()
    n = c.count()
    queue.put((n, time.perf_counter() - start))


def main(args):
    timeout = 60.0
    if args[:1] == ["--timeout"]:
        timeout = float(args[1])
        args = args[2:]
    disagree = 0
    for path in args:
        p = json.load(open(path))
        for o, out in enumerate(p["outputs"]):
            if not out["single"] or out["default"] is not None:
                continue
            mine = out.get("gap_count")
            queue = multiprocessing.Queue()
            proc = multiprocessing.Process(target=count, args=(p, o, queue))
            proc.start()
            proc.join(timeout)
            if proc.is_alive():
                proc.kill()
                ganak = f"not finished in {timeout:.0f} s"
                verdict = ""
            else:
                n, secs = queue.get()
                ganak = f"{n} in {secs:.2f} s"
                if mine is None:
                    verdict = "(policyc: not counted)"
                elif int(mine) == n:
                    verdict = "agree"
                else:
                    verdict = "DISAGREE"
                    disagree += 1
            print(f"{path} output {o}: policyc {mine}, ganak {ganak} {verdict}", flush=True)
    sys.exit(1 if disagree else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
