#!/usr/bin/env bash
# Stops what edaobs started: agents first (so they flush into a live stack), then the stack.
# Only pids recorded under .run/pids/ are touched.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# stop_kafka: the single node, or the cluster's nodes. The cluster's nodes get their TERM together:
# stopped one after another, the last ones would wait for a controller quorum that is already gone.
stop_kafka() {
  local i f
  for ((i = KAFKA_CLUSTER_SIZE; i >= 1; i--)); do
    f="$(pid_file "kafka-$i")"
    if is_running "kafka-$i"; then kill -TERM -- "-$(cat "$f")" 2>/dev/null || true; fi
  done
  for ((i = KAFKA_CLUSTER_SIZE; i >= 1; i--)); do
    f="$(pid_file "kafka-$i")"
    if [[ -f "$f" ]] && ! is_running "kafka-$i"; then  # gone already, after the shared TERM
      info "stopped kafka-$i (pid $(cat "$f"))"
      rm -f "$f"
    fi
    stop_recorded "kafka-$i" 30
  done
  stop_recorded kafka 30
}

# stack-down.sh [component...]: everything, or only the named stack components (no agents);
# "kafka" is whichever Kafka runs, one node or the cluster.
if (($#)); then
  step "Stopping $*"
  for name in "$@"; do
    if [[ $name == kafka ]]; then stop_kafka; else stop_recorded "$name" 30; fi
  done
  exit 0
fi
step "Stopping edaobs processes"
shopt -s nullglob
for f in "$PID_DIR"/agent-*.pid; do
  stop_recorded "$(basename "$f" .pid)" 15
done
for name in prometheus alertmanager otelcol victorialogs jaeger; do
  stop_recorded "$name" 30
done
stop_kafka
rm -f "$RUN_DIR/started-by-e2e"
step "Stopped"
