#!/usr/bin/env bash
# Stops what edaobs started: agents first (so they flush into a live stack), then the stack.
# Only pids recorded under .run/pids/ are touched.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# stack-down.sh [component...]: everything, or only the named stack components (no agents).
if (($#)); then
  step "Stopping $*"
  for name in "$@"; do stop_recorded "$name" 30; done
  exit 0
fi
step "Stopping edaobs processes"
shopt -s nullglob
for f in "$PID_DIR"/agent-*.pid; do
  stop_recorded "$(basename "$f" .pid)" 15
done
for name in prometheus alertmanager otelcol victorialogs jaeger kafka; do
  stop_recorded "$name" 30
done
rm -f "$RUN_DIR/started-by-e2e"
step "Stopped"
