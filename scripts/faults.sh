#!/usr/bin/env bash
# Fault scenarios against the native stack (tests/faults/faults.py): broker outage, consumer
# crashes, backends down on the single node, then the leader kill on a three-node cluster (the
# scenario stops the single node, starts the cluster, and after it the single node again;
# FAULTS_CLUSTER=0 leaves it out). Kills and restarts the stack's broker, Collector and Jaeger, so
# it refuses to run against a stack it did not start unless FAULTS_REUSE_STACK=1.
# Usage: scripts/faults.sh [build-dir] [faults.py options...]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build="${1:-$EDAOBS_ROOT/build}"
shift || true
[[ -x "$build/agents/enricher/enricher" ]] || die "no agents in $build: run 'make build' first"
if { is_running kafka || kafka_cluster_running; } && [[ "${FAULTS_REUSE_STACK:-0}" != 1 ]]; then
  die "a stack is running (make demo?): the fault scenarios kill its broker; 'make stack-down' first, or FAULTS_REUSE_STACK=1"
fi
# The single-broker scenarios kill the single node; the cluster scenario brings up its own cluster.
KAFKA_NODES=1 "$EDAOBS_ROOT/scripts/e2e-fixture.sh" up
trap '"$EDAOBS_ROOT/scripts/e2e-fixture.sh" down' EXIT
step "Fault scenarios (results in ${build#"$EDAOBS_ROOT"/}/faults.json)"
EDAOBS_BUILD_DIR="$build" FAULTS_CLUSTER="${FAULTS_CLUSTER:-1}" python3 "$EDAOBS_ROOT/tests/faults/faults.py" --out "$build/faults.json" "$@"
