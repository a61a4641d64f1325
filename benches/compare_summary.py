# compare_summary.py LOG: per benchmark of a benches/compare_commits.sh log, the median
# over the rounds of each side's criterion estimate (the middle of its interval), their
# ratio, and the median of the per-round ratios (after/before).
import re, sys, statistics, collections
log = open(sys.argv[1]).read().splitlines()
units = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
side = None; name = None
est = collections.defaultdict(lambda: collections.defaultdict(list))
order = []
sides = []
for line in log:
    m = re.match(r"== round \d+ (\S+) ", line)
    if m:
        side = m.group(1)
        if side not in sides: sides.append(side)
        continue
    m = re.match(r"^(\S.*?)\s+time:\s+\[(\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\]", line)
    if m:
        name = m.group(1)
        v = float(m.group(4)) * units[m.group(5)]
        est[name][side].append(v)
        if name not in order: order.append(name)
        continue
    if line.strip() and not line.startswith(" ") and "time:" not in line and not line.startswith(("Benchmarking", "Found", "Warning", "change", "thrpt", "Gnuplot", "Performance", "No change", "Change", "Running", "==", "finished")):
        name = line.strip()
    m = re.match(r"^\s+time:\s+\[(\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\]", line)
    if m and name:
        v = float(m.group(3)) * units[m.group(4)]
        est[name][side].append(v)
        if name not in order: order.append(name)
b, a = sides[0], sides[1]
worst = 0
print(f"| benchmark | before {b} (median of {len(est[order[0]][b])}) | after {a} | ratio of medians | median of per-round ratios |")
print("|---|---|---|---|---|")
for n in order:
    if not est[n][b] or not est[n][a]: continue
    mb, ma = statistics.median(est[n][b]), statistics.median(est[n][a])
    r = ma / mb
    worst = max(worst, r)
    fmt = lambda x: f"{x*1e3:.3f} ms" if x < 1 else f"{x:.3f} s"
    rr = statistics.median([y / x for x, y in zip(est[n][b], est[n][a])])
    print(f"| {n} | {fmt(mb)} | {fmt(ma)} | {r:.3f} | {rr:.3f} |")
print(f"worst ratio {worst:.3f}")
