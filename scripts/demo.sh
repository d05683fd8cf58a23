#!/usr/bin/env bash
# `make demo`: the native stack, the three agents, a few events sent through them, and where to
# look. Everything keeps running until `make stack-down`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$EDAOBS_ROOT/scripts/stack-up.sh"
"$EDAOBS_ROOT/scripts/agents-up.sh"

step "Sending events through the chain"
for type in order.created payment.authorized shipment.dispatched; do
  subject="demo-$RANDOM"
  answer="$(curl -fsS -X POST http://127.0.0.1:8080/events -H 'Content-Type: application/json' \
    -d "{\"type\":\"$type\",\"subject\":\"$subject\",\"data\":{\"amount_cents\":4200,\"currency\":\"EUR\",\"customer\":\"c-$RANDOM\"}}")"
  info "POST /events ($type) -> $answer"
done
info "the publisher also emits events on its own (EDAOBS_RATE per second)"
event_id="$(jq -r .id <<<"$answer")"

cat <<TXT

$(step "edaobs is running")
  Jaeger (traces)         http://127.0.0.1:16686   service publisher, enricher or recorder
  VictoriaLogs (logs)     http://127.0.0.1:9428/select/vmui   e.g. trace_id:"<id>"
  Prometheus              http://127.0.0.1:9090    e.g. rate(events_processed_total[1m])
  Alertmanager            http://127.0.0.1:9093
  Agents /metrics /ready  http://127.0.0.1:8080  :8081  :8082
  Collector               :4318 OTLP/HTTP, :8889 span metrics and service graph
  Logs                    ${LOG_DIR#"$EDAOBS_ROOT"/}/ (agent-*.log are JSON lines with trace_id)
  Grafana runs in the compose stack (docker compose up), not natively.

  Send your own event:
    curl -X POST http://127.0.0.1:8080/events -H 'Content-Type: application/json' \\
         -d '{"type":"order.created","subject":"o-1","data":{"customer":"c-1","amount_cents":100,"currency":"EUR"}}'
  One event's story:     make trace ID=<event id or trace id>
  Back up / restore:     make backup;  make restore DIR=.run/backups/<time>
  Stop everything:  make stack-down
TXT

step "The story of event $event_id (make trace ID=$event_id)"
python3 "$EDAOBS_ROOT/scripts/trace.py" --wait 30 "$event_id" \
  || warn "the last event's trace is not in Jaeger yet; try: make trace ID=$event_id"
