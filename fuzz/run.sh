#!/usr/bin/env bash
# fuzz/run.sh <fuzz build dir> <libFuzzer option...>: runs every fuzz target over its seed corpus
# (fuzz/corpus/<target>/, read only) with the given options, e.g. -runs=1000000 or
# -max_total_time=3. New inputs go to <build dir>/corpus/<target>/, crashes to
# <build dir>/artifacts/. Every target runs; the exit status is 1 if any failed. One line per
# target: executions, seconds, exit status.
set -uo pipefail
build_dir=${1:?usage: fuzz/run.sh <fuzz build dir> <libFuzzer options...>}
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
status=0
for corpus in "$root"/fuzz/corpus/*/; do
  target=$(basename "$corpus")
  exe="$build_dir/fuzz/fuzz_$target"
  [[ -x $exe ]] || { echo "fuzz_$target: not built ($exe)" >&2; status=1; continue; }
  mkdir -p "$build_dir/corpus/$target" "$build_dir/artifacts"
  log="$build_dir/fuzz_$target.log"
  start=$SECONDS
  "$exe" -print_final_stats=1 -artifact_prefix="$build_dir/artifacts/${target}-" "$@" \
    "$build_dir/corpus/$target" "$corpus" >"$log" 2>&1
  code=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  echo "fuzz_$target: ${execs:-?} executions in $((SECONDS - start)) s, exit $code"
  if ((code != 0)); then status=1; grep -m 20 -E 'ERROR|SUMMARY|==[0-9]+==|runtime error' "$log" >&2; fi
done
exit $status
