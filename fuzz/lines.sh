#!/usr/bin/env bash
# The lines of policyc's own source (src/) that a target's corpus reaches, one
# `path:line` a line, sorted: fuzz/lines.sh TARGET [BEFORE] (docs/fuzzing.md).
#
# With BEFORE (a date `find -newermt` reads, e.g. '2026-12-07 05:55'), only the inputs
# written before it: compare two listings with `comm -13` to see which lines a stretch
# of a run reached first. libFuzzer's `cov` counts edges, which keep growing with new
# paths through lines already reached (a vector's first growth in some function, a
# sort of a longer list); a line of policyc reached for the first time is a new
# behaviour. Needs nightly's llvm-tools
# (`rustup component add llvm-tools --toolchain nightly`); builds the target with
# coverage instrumentation into fuzz/target-cov (once, a few minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/lines.sh TARGET [BEFORE]}
if [ ! -d "fuzz/corpus/$target" ]; then
  echo "fuzz/lines.sh: no corpus fuzz/corpus/$target (fuzz/seed.py, fuzz/run.sh)" >&2
  exit 2
fi
host=$(rustc +nightly -vV | sed -n 's/^host: //p')
tools=$(rustc +nightly --print sysroot)/lib/rustlib/$host/bin
if [ ! -x "$tools/llvm-cov" ]; then
  echo "fuzz/lines.sh: needs rustup component add llvm-tools --toolchain nightly" >&2
  exit 2
fi
work=$(mktemp -d -p fuzz lines.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/one" "$work/corpus"
# `cargo fuzz coverage` builds, then replays one input per process; a corpus of
# thousands replays far faster in one process, so it gets one input to build with.
find "fuzz/corpus/$target" -type f -print -quit | xargs -I{} cp {} "$work/one/"
# Two listings at once (before and after, to compare) would race on the one folder
# `cargo fuzz coverage` writes its profiles to (fuzz/coverage/TARGET): one at a time.
mkdir -p fuzz/coverage
flock fuzz/coverage/.lines.lock \
  cargo +nightly fuzz coverage -s none --target-dir fuzz/target-cov "$target" "$work/one" >&2
# Hard links, taken while a fuzzer may still be running: an input it deletes meanwhile
# (a shorter one replaced it) is left out.
if [ -n "${2:-}" ]; then
  find "fuzz/corpus/$target" -type f ! -newermt "$2" -exec cp -l -t "$work/corpus" {} + 2>/dev/null || true
else
  find "fuzz/corpus/$target" -type f -exec cp -l -t "$work/corpus" {} + 2>/dev/null || true
fi
echo "fuzz/lines.sh: $(find "$work/corpus" -type f | wc -l) inputs" >&2
LLVM_PROFILE_FILE="$work/run.profraw" "fuzz/target-cov/$host/release/$target" "$work/corpus" \
  -runs=0 -rss_limit_mb=4096 -timeout=600 -close_fd_mask=2 >"$work/run.log" 2>&1 ||
  { tail -n 20 "$work/run.log" >&2; exit 1; }
"$tools/llvm-profdata" merge -sparse "$work/run.profraw" -o "$work/run.profdata"
"$tools/llvm-cov" export -format=lcov -instr-profile="$work/run.profdata" \
  "fuzz/target-cov/$host/release/$target" |
  awk -F'[:,]' -v src="$PWD/src/" -v root="$PWD/" '
    /^SF:/ { file = substr($0, 4); keep = index(file, src) == 1 }
    keep && /^DA:/ && $3 > 0 { print substr(file, length(root) + 1) ":" $2 }' |
  sort -u
