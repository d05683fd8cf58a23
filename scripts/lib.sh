# Shared helpers for the edaobs scripts: paths, messages, waiting, process bookkeeping.
# Sourced, not executed.
set -euo pipefail

EDAOBS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK_DIR="${EDAOBS_STACK_DIR:-$EDAOBS_ROOT/.stack}"   # downloads and builds, keyed by version
RUN_DIR="${EDAOBS_RUN_DIR:-$EDAOBS_ROOT/.run}"         # runtime state: data, logs, pids
LOG_DIR="$RUN_DIR/logs"
PID_DIR="$RUN_DIR/pids"
# shellcheck source=versions.env
source "$EDAOBS_ROOT/scripts/versions.env"

KAFKA_HOME="$STACK_DIR/kafka-$KAFKA_VERSION"
JAEGER_BIN="$STACK_DIR/jaeger-$JAEGER_MODULE_VERSION/jaeger"
VICTORIALOGS_BIN="$STACK_DIR/victorialogs-$VICTORIALOGS_VERSION/victoria-logs"
OTELCOL_MANIFEST="$EDAOBS_ROOT/observability/otel-collector/builder-config.yaml"

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The collector binary is keyed by the manifest's content, so editing the manifest rebuilds it.
otelcol_bin() {
  local key
  key="$(sha256sum "$OTELCOL_MANIFEST" | cut -c1-12)"
  printf '%s/otelcol-%s-%s/otelcol-edaobs' "$STACK_DIR" "$OTELCOL_BUILDER_VERSION" "$key"
}

# wait_until <timeout-seconds> <what> <log-file> <command...>
# Polls the command once a second; prints progress every 10 s; on timeout shows the log's tail.
wait_until() {
  local timeout=$1 what=$2 log=$3
  shift 3
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    local elapsed=$((SECONDS - start))
    if ((elapsed >= timeout)); then
      printf 'error: %s not ready after %ss. Last lines of %s:\n' "$what" "$timeout" "$log" >&2
      tail -n 30 "$log" >&2 || true
      return 1
    fi
    if ((elapsed > 0 && elapsed % 10 == 0)); then info "waiting for $what (${elapsed}s/${timeout}s)"; fi
    sleep 1
  done
  info "$what ready after $((SECONDS - start))s"
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

pid_file() { printf '%s/%s.pid' "$PID_DIR" "$1"; }

# pid_alive <pid>: the process exists and has not exited. kill -0 also succeeds on a zombie (an
# exited process its parent has not reaped yet: state Z, or X, in /proc/PID/stat), which is not
# running and holds no port.
pid_alive() {
  local pid=$1 stat state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -d /proc/self ]] || { kill -0 "$pid" 2>/dev/null; return; }
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  state="${stat##*) }"  # after the command name, which may itself hold spaces and parentheses
  state="${state%% *}"
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# is_running <name>: the recorded pid exists and is alive (not a zombie).
is_running() {
  local f
  f="$(pid_file "$1")"
  [[ -f "$f" ]] && pid_alive "$(cat "$f")"
}

# port_in_use <port>: something listens on 127.0.0.1:<port>.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_bg <name> <log> <command...>: start in its own session, record the pid.
start_bg() {
  local name=$1 log=$2
  shift 2
  mkdir -p "$PID_DIR" "$(dirname "$log")"
  setsid "$@" >>"$log" 2>&1 < /dev/null &
  echo $! >"$(pid_file "$name")"
}

# stop_recorded <name> [grace-seconds]: TERM the recorded pid's process group, KILL after the
# grace period. Only ever touches pids this project recorded.
stop_recorded() {
  local name=$1 grace=${2:-20} f pid
  f="$(pid_file "$name")"
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if pid_alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while pid_alive "$pid" && ((waited < grace * 10)); do sleep 0.1; waited=$((waited + 1)); done
    if pid_alive "$pid"; then
      warn "$name (pid $pid) did not stop in ${grace}s; killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    info "stopped $name (pid $pid)"
  fi
  rm -f "$f"
}

# Kafka in cluster mode (KAFKA_NODES=3, scripts/kafka-cluster.sh): node i's client port is
# 9090+2i (9092, 9094, 9096: 9093 and 9095 belong to Alertmanager and its webhook receiver), its
# controller port 19092+i (19093..19095). Its pid file is kafka-i.
KAFKA_CLUSTER_SIZE=3
kafka_node_port() { printf '%d' $((9090 + 2 * $1)); }
kafka_controller_port() { printf '%d' $((19092 + $1)); }
kafka_cluster_brokers() {
  local i list=()
  for ((i = 1; i <= KAFKA_CLUSTER_SIZE; i++)); do list+=("127.0.0.1:$(kafka_node_port "$i")"); done
  (IFS=,; printf '%s' "${list[*]}")
}
kafka_cluster_running() {
  local i
  for ((i = 1; i <= KAFKA_CLUSTER_SIZE; i++)); do is_running "kafka-$i" && return 0; done
  return 1
}
# kafka_brokers: the bootstrap list of the Kafka that runs (the cluster's three nodes when any of
# them runs, else the single node), for the agents and kcat.
kafka_brokers() {
  if kafka_cluster_running; then kafka_cluster_brokers; else printf '127.0.0.1:9092'; fi
}
