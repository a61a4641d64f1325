#!/usr/bin/env bash
# Runs one fuzz target on one core: fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags]
# (docs/fuzzing.md). Seeds the corpus first if it is missing (fuzz/seed.py). Needs
# nightly Rust and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/run.sh TARGET [SECONDS] [FLAGS...]}
seconds=${2:-900}
shift $(( $# < 2 ? $# : 2 ))
if [ ! -d "fuzz/corpus/$target" ]; then
  python3 fuzz/seed.py
fi
# One process, one core (libFuzzer without -jobs/-workers runs in this process alone);
# a memory ceiling; an input slower than 10 s is reported as a hang; the target's own
# standard error closed (the language server logs every bad message there). To see a
# crash's panic message, run its artifact: cargo +nightly fuzz run TARGET ARTIFACT.
# FUZZ_SANITIZER=none builds without AddressSanitizer: policyc has no `unsafe` code, so
# the sanitizer guards only its dependencies', and it costs three quarters of the
# speed; long runs use none, then replay the corpus once with it (docs/fuzzing.md).
exec cargo +nightly fuzz run -s "${FUZZ_SANITIZER:-address}" "$target" "fuzz/corpus/$target" -- \
  -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -close_fd_mask=2 -print_final_stats=1 "$@"
