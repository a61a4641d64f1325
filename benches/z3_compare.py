#!/usr/bin/env python3
"""The synthetic policies of benches/scale.rs asked of z3 (z3-solver from PyPI).

    POLICYC_EXPORT_DIR=/tmp/synth cargo bench --bench scale
    python3 benches/z3_compare.py /tmp/synth/synth_*.json

Per policy, the questions DESIGN.md timed: for every single-valued output without a
default, is there a gap; for every output and pair of values, is there a conflict
(honouring transitive overrides); for every rule, does it ever apply. Each is a yes/no
with one witness, not a whole region. Prints the time per policy.
"""
import json
import sys
import time

import z3


def closure(rules):
    """overriders[r]: rules that override r directly or through a chain."""
    n = len(rules)
    out = [set() for _ in range(n)]
    for s in range(n):
        stack = list(rules[s]["overrides"])
        seen = set()
        while stack:
            r = stack.pop()
            if r in seen or r == s:
                continue
            seen.add(r)
            out[r].add(s)
            stack.extend(rules[r]["overrides"])
    return out


def run(path):
    p = json.load(open(path))
    xs = [z3.Int(f"x{i}") for i in range(len(p["inputs"]))]
    domain = [z3.And(x >= 0, x < size) for x, size in zip(xs, p["inputs"])]

    def cond(rule):
        if rule["never"]:
            return z3.BoolVal(False)
        parts = []
        for lit in rule["box"]:
            x = xs[lit["input"]]
            parts.append(z3.Or([z3.And(x >= lo, x <= hi) for lo, hi in lit["ranges"]]))
        return z3.And(parts) if parts else z3.BoolVal(True)

    rules = p["rules"]
    conds = [cond(r) for r in rules]
    over = closure(rules)
    start = time.perf_counter()
    answers = {"gaps": 0, "conflicting_value_pairs": 0, "dead_rules": 0}
    solver = z3.Solver()
    solver.add(domain)
    for o, out in enumerate(p["outputs"]):
        assigning = [r for r, rule in enumerate(rules) if any(a["output"] == o for a in rule["assigns"])]
        if out["single"] and out["default"] is None:
            solver.push()
            solver.add(z3.Not(z3.Or([conds[r] for r in assigning] or [z3.BoolVal(False)])))
            if solver.check() == z3.sat:
                answers["gaps"] += 1
            solver.pop()
        if not out["single"]:
            continue
        effective = {}
        for r in assigning:
            beaten = [conds[s] for s in over[r] if any(a["output"] == o for a in rules[s]["assigns"])]
            eff = z3.And(conds[r], z3.Not(z3.Or(beaten))) if beaten else conds[r]
            value = next(a["value"] for a in rules[r]["assigns"] if a["output"] == o)
            effective.setdefault(value, []).append(eff)
        values = sorted(effective)
        for i, v in enumerate(values):
            for w in values[i + 1:]:
                solver.push()
                solver.add(z3.Or(effective[v]), z3.Or(effective[w]))
                if solver.check() == z3.sat:
                    answers["conflicting_value_pairs"] += 1
                solver.pop()
    for c in conds:
        solver.push()
        solver.add(c)
        if solver.check() != z3.sat:
            answers["dead_rules"] += 1
        solver.pop()
    elapsed = time.perf_counter() - start
    print(f"{path}: z3 {elapsed:.3f} s, {answers}")


for path in sys.argv[1:]:
    run(path)
