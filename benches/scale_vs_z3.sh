#!/bin/sh
# The scale targets of issues 3 and 18 measured in one run, on two shapes of synthetic
# policy: `synth` (8 outputs, a few hundred to 2,000 rules) and `table` (a decision
# table: one output of six values decided by every rule, SynthSpec::table). The
# policies are exported for z3, z3 answers its yes/no questions with one witness each,
# then policyc analyses the same policies in process and as `policyc check` on them
# written as `.policy` files, back to back; then the peak memory of `policyc check` and
# the time of `policyc decide` on one complete incident at table 64x2000.
# Needs z3-solver from PyPI (`pip install z3-solver`).
set -e
dir=$(mktemp -d)
synth=20x200,40x1000,64x2000
table=20x200,15x1500,40x1000,64x2000,7x1500
POLICYC_EXPORT_DIR="$dir" POLICYC_SCALE=$synth cargo bench --quiet --bench scale
POLICYC_EXPORT_DIR="$dir" POLICYC_SHAPE=table POLICYC_SCALE=$table cargo bench --quiet --bench scale
cargo build --release --quiet
for shape in synth table; do
  eval sizes=\$$shape
  files=$(echo "$sizes" | tr ',' '\n' | sed "s|.*|$dir/${shape}_&.json|")
  python3 benches/z3_compare.py $files
  POLICYC_SHAPE=$( [ $shape = table ] && echo table || echo rules ) POLICYC_SCALE=$sizes \
    cargo bench --quiet --bench scale
  # The same policies as `.policy` files, through `policyc check` end to end.
  python3 benches/check_cli.py target/release/policyc $files
done
/usr/bin/time -o "$dir"/time.txt -f "policyc check table_64x2000: peak %M KB, %e s" \
  target/release/policyc check "$dir"/table_64x2000.policy > /dev/null 2>&1 || true
cat "$dir"/time.txt
python3 - "$dir"/table_64x2000.policy > "$dir"/incident.json <<'PY'
import json, re, sys
facts = {}
for line in open(sys.argv[1]):
    m = re.match(r"input (x\d+): (.*)", line)
    if m:
        name, ty = m.groups()
        facts[name] = True if ty == "bool" else "a1" if ty == "E4" else 50
print(json.dumps(facts))
PY
/usr/bin/time -o "$dir"/time.txt -f "policyc decide table_64x2000 (one complete incident): %e s, peak %M KB" \
  target/release/policyc decide --facts "$dir"/incident.json "$dir"/table_64x2000.policy > /dev/null 2>&1 || true
cat "$dir"/time.txt
rm -rf "$dir"
