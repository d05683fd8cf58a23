#!/usr/bin/env bash
# Load test of the chain against the agent targets of docs/architecture.md §5 (tests/load/chain_load.py).
# Brings the native stack up if it is not running and, in that case only, down afterwards.
# Usage: scripts/load.sh [build-dir] [chain_load.py options...]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build="${1:-$EDAOBS_ROOT/build}"
shift || true
[[ -x "$build/agents/enricher/enricher" ]] || die "no agents in $build: run 'make build' first"
"$EDAOBS_ROOT/scripts/e2e-fixture.sh" up
trap '"$EDAOBS_ROOT/scripts/e2e-fixture.sh" down' EXIT
step "Chain load test (results in ${build#"$EDAOBS_ROOT"/}/bench/chain_load.json)"
EDAOBS_BUILD_DIR="$build" python3 "$EDAOBS_ROOT/tests/load/chain_load.py" --out "$build/bench/chain_load.json" "$@"
