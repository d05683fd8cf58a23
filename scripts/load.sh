#!/usr/bin/env bash
# Load test of the chain against the agent targets of docs/architecture.md §5 (tests/load/chain_load.py).
# Brings the native stack up if it is not running and, in that case only, down afterwards.
# Also builds the Go peer of the enricher (tests/load/go-enricher) into the build dir and has the
# throughput rounds drain the same topic with it (the Go build cache makes a warm build take a second).
# Usage: scripts/load.sh [build-dir] [chain_load.py options...]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build="${1:-$EDAOBS_ROOT/build}"
shift || true
[[ -x "$build/agents/enricher/enricher" ]] || die "no agents in $build: run 'make build' first"
build="$(cd "$build" && pwd)"  # absolute: the Go build runs in the module's folder
command -v go >/dev/null || die "Go is needed to build the Go peer enricher (make deps checks for it)"
step "Go peer enricher (tests/load/go-enricher)"
go_peer="$build/go-enricher/go-enricher"
(cd "$EDAOBS_ROOT/tests/load/go-enricher" && go build -trimpath -o "$go_peer.tmp" .) \
  || die "building tests/load/go-enricher failed"
mv "$go_peer.tmp" "$go_peer"
info "built ${go_peer#"$EDAOBS_ROOT"/}"
"$EDAOBS_ROOT/scripts/e2e-fixture.sh" up
trap '"$EDAOBS_ROOT/scripts/e2e-fixture.sh" down' EXIT
step "Chain load test (results in ${build#"$EDAOBS_ROOT"/}/bench/chain_load.json)"
EDAOBS_BUILD_DIR="$build" python3 "$EDAOBS_ROOT/tests/load/chain_load.py" --out "$build/bench/chain_load.json" \
  --go-enricher "$go_peer" "$@"
