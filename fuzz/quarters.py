#!/usr/bin/env python3
"""How a fuzz run's coverage grew, from libFuzzer's log.

    python3 fuzz/quarters.py LOG...

Per log: the executions, the `cov` figure (covered edges) at the start and the end, and
the edges found in each quarter of the run's executions (the first quarter includes the
corpus loaded at the start). A run near a plateau finds few edges in its last quarters,
and fewer in each than in the one before.
"""
import re
import sys


def quarters(path):
    points = []
    with open(path, errors="replace") as log:
        for line in log:
            m = re.match(r"#(\d+)\s+\S+\s+cov: (\d+)", line)
            if m:
                points.append((int(m.group(1)), int(m.group(2))))
    if not points:
        return f"{path}: no coverage lines"
    runs = points[-1][0]

    def cov_at(execs):
        cov = points[0][1]
        for e, c in points:
            if e > execs:
                break
            cov = c
        return cov

    growth = [cov_at(runs * k // 4) - cov_at(runs * (k - 1) // 4) for k in range(1, 5)]
    return (
        f"{path}: {runs} executions, cov {points[0][1]} -> {points[-1][1]}; "
        f"by quarter: {', '.join(f'+{g}' for g in growth)}"
    )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in sys.argv[1:]:
        print(quarters(path))
