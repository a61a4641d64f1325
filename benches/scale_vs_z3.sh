#!/bin/sh
# The scale targets of issue 3 measured in one run: the synthetic policies exported for
# z3, z3's yes/no answers with one witness each, then policyc's full analysis of the
# same policies, in process and as `policyc check` on them written as `.policy` files.
# Needs z3-solver from PyPI (`pip install z3-solver`).
set -e
dir=$(mktemp -d)
POLICYC_EXPORT_DIR="$dir" cargo bench --quiet --bench scale
python3 benches/z3_compare.py "$dir"/synth_20x200.json "$dir"/synth_40x1000.json "$dir"/synth_64x2000.json
POLICYC_SCALE=20x200,40x1000,64x2000 cargo bench --quiet --bench scale
# The same policies as `.policy` files, through `policyc check` end to end.
cargo build --release --quiet
python3 benches/check_cli.py target/release/policyc "$dir"/synth_20x200.json "$dir"/synth_40x1000.json "$dir"/synth_64x2000.json
rm -rf "$dir"
