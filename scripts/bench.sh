#!/usr/bin/env bash
# Runs every Google Benchmark program of the build and writes one JSON file per program under
# <build>/bench/. Usage: scripts/bench.sh [build-dir]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build="${1:-$EDAOBS_ROOT/build}"
out="$build/bench"
mkdir -p "$out"
shopt -s nullglob
found=0
for exe in "$build"/libs/*/*_bench; do
  [[ -x "$exe" ]] || continue
  found=1
  name="$(basename "$exe")"
  step "$name"
  "$exe" --benchmark_out="$out/$name.json" --benchmark_out_format=json \
    --benchmark_repetitions="${BENCH_REPETITIONS:-3}" --benchmark_report_aggregates_only=true
done
((found)) || die "no benchmark programs in $build (build with EDAOBS_BUILD_BENCH=ON)"
step "Results in ${out#"$EDAOBS_ROOT"/}/"
