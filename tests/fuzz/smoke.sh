#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS (default 60) on its corpus, one after
# the other; fails on the first crash, hang or leak of memory past the limit, whose input
# libFuzzer leaves in tests/fuzz/artifacts/TARGET/. Prints the build time and a line per
# target: executions, executions per second, coverage (edges and features) and corpus
# size. Builds the corpora first when they are missing (seed.sh). Usage:
#   tests/fuzz/smoke.sh [SECONDS] [TARGET...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-60}"
shift || true
all=(parse check fmt evidence oscal ruleset lsp)
if [[ $# -gt 0 ]]; then targets=("$@"); else targets=("${all[@]}"); fi

# The largest input each target is given: a few policy files, a SARIF log, an OSCAL
# catalog piece or a built rule set.
declare -A max_len=([parse]=16384 [fmt]=16384 [check]=32768 [lsp]=32768
  [evidence]=32768 [oscal]=65536 [ruleset]=131072)

cd "$here"
# Without a sanitizer: polic forbids unsafe code, and its dependencies' unsafe code is
# exercised by their own fuzzing; debug assertions and overflow checks stay on.
start=$(date +%s)
cargo +nightly fuzz build --sanitizer none
echo "build: $(($(date +%s) - start)) s"
bin="$here/target/x86_64-unknown-linux-gnu/release"

for target in "${targets[@]}"; do
  if [[ ! -d corpus/$target ]]; then ./seed.sh; fi
done

for target in "${targets[@]}"; do
  mkdir -p "artifacts/$target"
  log="$(mktemp)"
  if ! "$bin/$target" "corpus/$target" -max_total_time="$seconds" -max_len="${max_len[$target]}" \
    -timeout=60 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="artifacts/$target/" \
    >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "$target: FAILED (input in tests/fuzz/artifacts/$target/)"
    rm -f "$log"
    exit 1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corpus=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  echo "$target: ${execs} execs in ${seconds} s (${rate}/s), cov ${cov}, ft ${ft}, corpus ${corpus}"
  rm -f "$log"
done
