#!/usr/bin/env bash
# Fault scenarios against the native stack (tests/faults/faults.py): broker outage, consumer
# crashes, backends down. Kills and restarts the stack's broker, Collector and Jaeger, so it
# refuses to run against a stack it did not start unless FAULTS_REUSE_STACK=1.
# Usage: scripts/faults.sh [build-dir] [faults.py options...]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build="${1:-$EDAOBS_ROOT/build}"
shift || true
[[ -x "$build/agents/enricher/enricher" ]] || die "no agents in $build: run 'make build' first"
if is_running kafka && [[ "${FAULTS_REUSE_STACK:-0}" != 1 ]]; then
  die "a stack is running (make demo?): the fault scenarios kill its broker; 'make stack-down' first, or FAULTS_REUSE_STACK=1"
fi
"$EDAOBS_ROOT/scripts/e2e-fixture.sh" up
trap '"$EDAOBS_ROOT/scripts/e2e-fixture.sh" down' EXIT
step "Fault scenarios (results in ${build#"$EDAOBS_ROOT"/}/faults.json)"
EDAOBS_BUILD_DIR="$build" python3 "$EDAOBS_ROOT/tests/faults/faults.py" --out "$build/faults.json" "$@"
