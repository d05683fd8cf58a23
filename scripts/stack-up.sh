#!/usr/bin/env bash
# Starts the native observability stack on 127.0.0.1: Kafka (KRaft), Jaeger v2, VictoriaLogs, the
# Collector, Prometheus and Alertmanager. Each process runs in the background with its pid recorded
# under .run/pids/; a component that is already running is left alone, so running this twice is
# harmless.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OBS="$EDAOBS_ROOT/observability"
READY_TIMEOUT="${EDAOBS_READY_TIMEOUT:-120}"
# Retention of each signal (docker-compose.yml has the same defaults).
METRICS_RETENTION="${EDAOBS_METRICS_RETENTION:-30d}"   # Prometheus --storage.tsdb.retention.time
export EDAOBS_TRACES_RETENTION="${EDAOBS_TRACES_RETENTION:-168h}"  # Jaeger Badger span TTL (7 d)
LOGS_RETENTION="${EDAOBS_LOGS_RETENTION:-14d}"         # VictoriaLogs -retentionPeriod
# 1: one combined broker+controller on 9092; 3: a three-node cluster (scripts/kafka-cluster.sh).
KAFKA_NODES="${KAFKA_NODES:-1}"
KAFKA_JAVA=(java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$OBS/kafka/log4j.properties" -cp "$KAFKA_HOME/libs/*")

require() { [[ -e "$1" ]] || die "$2 is missing ($1); run 'make deps' first"; }

# port_holder <port>: "pid N (command)" of the processes listening on the port, from /proc.
port_holder() {
  local hex inode fd found=()
  hex="$(printf '%04X' "$1")"
  for inode in $(awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { print $10 }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null); do
    for fd in /proc/[0-9]*/fd/*; do
      if [[ "$(readlink "$fd" 2>/dev/null)" == "socket:[$inode]" ]]; then
        local pid="${fd#/proc/}"
        pid="${pid%%/*}"
        found+=("pid $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120))")
      fi
    done
  done
  ((${#found[@]})) && printf '%s' "${found[*]}" || printf 'a process not visible to this user'
}

# start_component <name> <port> <readiness command...> -- <start command...>
start_component() {
  local name=$1 port=$2
  shift 2
  local ready=()
  while [[ $1 != "--" ]]; do ready+=("$1"); shift; done
  shift
  local log="$LOG_DIR/$name.log"
  if is_running "$name"; then
    info "$name already running (pid $(cat "$(pid_file "$name")"))"
  else
    if port_in_use "$port"; then
      die "port $port is taken by $(port_holder "$port"), which edaobs did not start; stop it or run 'make stack-down'"
    fi
    info "starting $name (log: ${log#"$EDAOBS_ROOT"/})"
    start_bg "$name" "$log" "$@"
  fi
  wait_until "$READY_TIMEOUT" "$name" "$log" "${ready[@]}" || {
    is_running "$name" || warn "$name exited"
    return 1
  }
}

kafka_ready() { kcat -b 127.0.0.1:9092 -L -m 2 -J 2>/dev/null | jq -e '.brokers | length > 0' >/dev/null; }

start_kafka() {
  case "$KAFKA_NODES" in
    1) start_kafka_single ;;
    "$KAFKA_CLUSTER_SIZE") start_kafka_cluster ;;
    *) die "KAFKA_NODES=$KAFKA_NODES: 1 (one node) or $KAFKA_CLUSTER_SIZE (a cluster)" ;;
  esac
}

start_kafka_single() {
  if kafka_cluster_running; then
    die "the $KAFKA_CLUSTER_SIZE-node Kafka cluster runs: KAFKA_NODES=$KAFKA_CLUSTER_SIZE, or 'scripts/stack-down.sh kafka' first"
  fi
  require "$KAFKA_HOME/.complete" "Kafka"
  local dir="$RUN_DIR/kafka"
  mkdir -p "$dir"
  # The repository's server.properties plus the one machine-specific line: where data lives.
  { cat "$OBS/kafka/server.properties"; echo; echo "log.dirs=$dir/data"; } >"$dir/server.properties"
  local java=("${KAFKA_JAVA[@]}")
  if [[ ! -f "$dir/data/meta.properties" ]] && ! is_running kafka; then
    info "formatting Kafka storage (KRaft)"
    "${java[@]}" kafka.tools.StorageTool format --ignore-formatted \
      -t "$("${java[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)" \
      -c "$dir/server.properties" >"$LOG_DIR/kafka-format.log" 2>&1 \
      || { tail -n 20 "$LOG_DIR/kafka-format.log" >&2; die "Kafka storage format failed"; }
  fi
  start_component kafka 9092 kafka_ready -- "${java[@]}" kafka.Kafka "$dir/server.properties"
}

# shellcheck source=kafka-cluster.sh
source "$EDAOBS_ROOT/scripts/kafka-cluster.sh"

start_jaeger() {
  require "$JAEGER_BIN" "Jaeger"
  mkdir -p "$RUN_DIR/jaeger/data"
  JAEGER_DATA_DIR="$RUN_DIR/jaeger/data" JAEGER_UI_CONFIG="$OBS/jaeger/ui-config.json" \
    start_component jaeger 16686 http_ok http://127.0.0.1:16686/api/services -- \
    "$JAEGER_BIN" --config "$OBS/jaeger/jaeger.yml"
}

start_victorialogs() {
  require "$VICTORIALOGS_BIN" "VictoriaLogs"
  mkdir -p "$RUN_DIR/victorialogs"
  start_component victorialogs 9428 http_ok http://127.0.0.1:9428/health -- \
    "$VICTORIALOGS_BIN" -httpListenAddr=127.0.0.1:9428 -storageDataPath="$RUN_DIR/victorialogs/data" \
    -retentionPeriod="$LOGS_RETENTION"
}

start_otelcol() {
  local bin
  bin="$(otelcol_bin)"
  require "$bin" "the OpenTelemetry Collector"
  start_component otelcol 4318 http_ok http://127.0.0.1:13133/ -- \
    "$bin" --config "$OBS/otel-collector/otel-collector.yml"
}

start_prometheus() {
  # Prometheus resolves rule and target files relative to its config file, so the run dir holds
  # links to the repository's files and targets/current points at the native target lists.
  local dir="$RUN_DIR/prometheus"
  mkdir -p "$dir/targets"
  ln -sfn "$OBS/prometheus/prometheus.yml" "$dir/prometheus.yml"
  ln -sfn "${EDAOBS_ALERT_RULES:-$OBS/prometheus/alert_rules.yml}" "$dir/alert_rules.yml"
  ln -sfn "$OBS/prometheus/targets/native" "$dir/targets/current"
  # The lifecycle API (POST /-/reload, /-/quit) stays off unless EDAOBS_PROMETHEUS_LIFECYCLE=1:
  # anything that can reach the port could stop Prometheus. SIGHUP reloads the configuration.
  local lifecycle=()
  [[ "${EDAOBS_PROMETHEUS_LIFECYCLE:-0}" == 1 ]] && lifecycle=(--web.enable-lifecycle)
  start_component prometheus 9090 http_ok http://127.0.0.1:9090/-/ready -- \
    prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address=127.0.0.1:9090 "${lifecycle[@]}" --web.enable-admin-api \
    --enable-feature=exemplar-storage --storage.tsdb.retention.time="$METRICS_RETENTION"
}

start_alertmanager() {
  local dir="$RUN_DIR/alertmanager"
  mkdir -p "$dir"
  start_component alertmanager 9093 http_ok http://127.0.0.1:9093/-/ready -- \
    prometheus-alertmanager --config.file="$OBS/alertmanager/alertmanager.yml" \
    --storage.path="$dir/data" --web.listen-address=127.0.0.1:9093 --cluster.listen-address=
}

COMPONENTS=(kafka jaeger victorialogs otelcol alertmanager prometheus)  # in start order

# stack-up.sh [component...]: the whole stack, or only the named components (backup/restore
# restart one at a time).
main() {
  local start=$SECONDS name
  local wanted=("$@")
  ((${#wanted[@]})) || wanted=("${COMPONENTS[@]}")
  for name in "${wanted[@]}"; do
    [[ " ${COMPONENTS[*]} " == *" $name "* ]] || die "unknown component '$name' (one of: ${COMPONENTS[*]})"
  done
  mkdir -p "$LOG_DIR" "$PID_DIR"
  step "Starting ${*:-the native stack} (state in ${RUN_DIR#"$EDAOBS_ROOT"/}/)"
  for name in "${COMPONENTS[@]}"; do
    if [[ " ${wanted[*]} " == *" $name "* ]]; then "start_$name"; fi
  done
  step "Ready in $((SECONDS - start))s"
}

main "$@"
