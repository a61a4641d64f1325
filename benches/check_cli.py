#!/usr/bin/env python3
"""`policyc check` end to end on the synthetic policies of benches/scale.rs.

    POLICYC_EXPORT_DIR=/tmp/synth cargo bench --bench scale
    cargo build --release
    python3 benches/check_cli.py target/release/policyc /tmp/synth/synth_*.json

Writes each exported policy (rules as boxes) back as a `.policy` file beside its JSON and
times the binary on it: reading, parsing, checking, every analysis and rendering every
diagnostic, what a user waits for. The inputs keep their domains (`bool`, a four-variant
enum, `0..=99`) under the names x0, x1, ...; the outputs are o0, o1, ..., their values
v0, v1, ... Prints the best of three runs per policy, the output written to files (with
`--pipe`, read through pipes by this script, which adds its own reading to the time).
"""
import json
import re
import subprocess
import sys
import tempfile
import time


def ty(size):
    return {2: "bool", 4: "E4"}.get(size, f"0..={size - 1}")


def literal(inputs, b):
    size, x = inputs[b["input"]], f"x{b['input']}"
    parts = []
    for lo, hi in b["ranges"]:
        if size == 2:
            parts.append("true" if lo != hi else (x if lo == 1 else f"not {x}"))
        elif size == 4:
            parts.extend(f"{x} == a{k}" for k in range(lo, hi + 1))
        else:
            parts.append(f"{x} == {lo}" if lo == hi else f"{x} in {lo}..={hi}")
    text = " or ".join(parts)
    return f"({text})" if len(parts) > 1 else text


def value(v):
    m = re.fullmatch(r"Enum\(\d+, (\d+)\)", v)
    if m:
        return f"v{m.group(1)}"
    m = re.fullmatch(r"Set\(\d+, \[(.*)\]\)", v)
    if not m:
        raise ValueError(f"unexpected value {v}")
    return "{" + ", ".join(f"v{k.strip()}" for k in m.group(1).split(",") if k.strip()) + "}"


def policy_text(d):
    values = ", ".join(f"v{k}" for k in range(d.get("values", 3)))
    out = ['policy synth "Synthetic"', "", "enum E4 { a0, a1, a2, a3 }", f"enum V {{ {values} }}", ""]
    out += [f"input x{i}: {ty(n)}" for i, n in enumerate(d["inputs"])]
    for o, od in enumerate(d["outputs"]):
        default = f" default {value(od['default'])}" if od["default"] else ""
        out.append(f"output o{o}: {'V' if od['single'] else 'set of V'}{default}")
    out.append("")
    for r, rd in enumerate(d["rules"]):
        out += [f'rule r{r} "Rule {r}"', '  cites "synthetic"']
        if rd["overrides"]:
            out.append("  overrides " + ", ".join(f"r{k}" for k in rd["overrides"]))
        if rd["never"]:
            out.append("  when false")
        elif rd["box"]:
            out.append("  when " + " and ".join(literal(d["inputs"], b) for b in rd["box"]))
        out.append("  then " + ", ".join(f"o{a['output']} = {value(a['value'])}" for a in rd["assigns"]))
        out.append("")
    return "\n".join(out)


PIPE = "--pipe" in sys.argv


def main():
    args = [a for a in sys.argv[1:] if a != "--pipe"]
    binary, paths = args[0], args[1:]
    for path in paths:
        with open(path) as f:
            d = json.load(f)
        target = re.sub(r"\.json$", ".policy", path)
        with open(target, "w") as f:
            f.write(policy_text(d))
        times = []
        for _ in range(3):
            # The output goes to files: policyc writes every byte, and the time is its
            # own, not this script's reading of a pipe (which held a megabyte of
            # diagnostics back by 5 ms at synth 20x200). `--pipe` reads it through pipes
            # as bytes (before 2026-12-06 the script also decoded it as text within the
            # time, a few ms more).
            with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
                start = time.perf_counter()
                if PIPE:
                    run = subprocess.run([binary, "check", "--color", "never", target], capture_output=True)
                    text = run.stdout + run.stderr
                else:
                    run = subprocess.run([binary, "check", "--color", "never", target], stdout=out, stderr=err)
                times.append(time.perf_counter() - start)
                if not PIPE:
                    out.seek(0)
                    err.seek(0)
                    text = out.read() + err.read()
        text = text.decode("utf-8", "replace")
        if run.returncode == 2:
            sys.exit(f"{target}: policyc check failed:\n{text}")
        summary = text.strip().splitlines()[-1]
        how = "through pipes" if PIPE else "output to files"
        print(f"policyc check {target.split('/')[-1]}: {min(times) * 1000:.0f} ms (best of 3, {how}; {summary})")


if __name__ == "__main__":
    main()
