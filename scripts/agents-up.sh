#!/usr/bin/env bash
# Starts the three agents from the build tree against the native stack, records their pids
# (agent-<name>) and waits until each answers /ready. Extra environment is passed through, so
# e.g. `EDAOBS_RATE=50 scripts/agents-up.sh` works.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build="${EDAOBS_BUILD_DIR:-$EDAOBS_ROOT/build}"

# name port
AGENTS=("publisher 8080" "enricher 8081" "recorder 8082")

# The Kafka that runs: the single node, or all three nodes of the cluster (KAFKA_NODES=3).
KAFKA_BROKERS="${KAFKA_BROKERS:-$(kafka_brokers)}"

step "Starting the agents"
# Consumers become ready once their input topic exists; a metadata request creates a missing one.
for topic in events.raw events.enriched; do
  kcat -b "$KAFKA_BROKERS" -L -t "$topic" >/dev/null
done
for entry in "${AGENTS[@]}"; do
  read -r name port <<<"$entry"
  exe="$build/agents/$name/$name"
  [[ -x "$exe" ]] || die "$exe is missing; run 'make build' first"
  if is_running "agent-$name"; then info "$name already running"; continue; fi
  port_in_use "$port" && die "port $port is taken by a process edaobs did not start"
  log="$LOG_DIR/agent-$name.log"
  info "starting $name on :$port (log: ${log#"$EDAOBS_ROOT"/})"
  OTEL_EXPORTER_OTLP_ENDPOINT="${OTEL_EXPORTER_OTLP_ENDPOINT:-http://127.0.0.1:4318}" \
    KAFKA_BROKERS="$KAFKA_BROKERS" \
    EDAOBS_HTTP_ADDRESS="${EDAOBS_HTTP_ADDRESS:-127.0.0.1}" \
    start_bg "agent-$name" "$log" "$exe"
done
# ready_or_exited <name> <port>: /ready answers, or the agent is no longer running (an exited or
# zombie pid), so a start-up failure is reported at once instead of after the timeout.
ready_or_exited() { http_ok "http://127.0.0.1:$2/ready" || ! is_running "agent-$1"; }
for entry in "${AGENTS[@]}"; do
  read -r name port <<<"$entry"
  log="$LOG_DIR/agent-$name.log"
  wait_until 60 "$name /ready" "$log" ready_or_exited "$name" "$port"
  if ! is_running "agent-$name"; then
    tail -n 20 "$log" >&2 || true
    die "$name exited during start-up (log: ${log#"$EDAOBS_ROOT"/})"
  fi
done
