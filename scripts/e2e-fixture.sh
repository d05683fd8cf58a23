#!/usr/bin/env bash
# The ctest fixture of the e2e suite: `up` starts the native stack unless it is already running
# (then it is reused and left running), `down` stops it only if `up` started it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
marker="$RUN_DIR/started-by-e2e"
case "${1:-}" in
  up)
    if is_running kafka && is_running otelcol && is_running jaeger && is_running victorialogs \
      && is_running prometheus && is_running alertmanager; then
      step "Reusing the running stack (it stays up after the tests)"
    else
      mkdir -p "$RUN_DIR" && touch "$marker"
    fi
    exec "$EDAOBS_ROOT/scripts/stack-up.sh"
    ;;
  down)
    if [[ -f "$marker" ]]; then exec "$EDAOBS_ROOT/scripts/stack-down.sh"; fi
    step "Leaving the stack running (the e2e run did not start it)"
    ;;
  *) die "usage: $0 up|down" ;;
esac
