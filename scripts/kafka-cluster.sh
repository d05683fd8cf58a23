# Kafka as a three-node KRaft cluster on 127.0.0.1 (KAFKA_NODES=3): each node a combined broker
# and controller, the three together the controller quorum. Sourced by stack-up.sh, which
# defines KAFKA_JAVA, OBS, READY_TIMEOUT, require and port_holder.

# kafka_node_properties <node> <data dir>: the repository's server.properties with
# cluster.properties and this node's id, listeners and quorum in place of the single node's values
# (one source of truth: only what differs is written here).
kafka_node_properties() {
  local node=$1 data=$2 j voters=() overrides key
  for ((j = 1; j <= KAFKA_CLUSTER_SIZE; j++)); do voters+=("$j@127.0.0.1:$(kafka_controller_port "$j")"); done
  overrides="$(grep -E '^[a-z]' "$OBS/kafka/cluster.properties"
    printf '%s\n' "node.id=$node" "controller.quorum.voters=$(IFS=,; printf '%s' "${voters[*]}")" \
      "listeners=PLAINTEXT://127.0.0.1:$(kafka_node_port "$node"),CONTROLLER://127.0.0.1:$(kafka_controller_port "$node")" \
      "advertised.listeners=PLAINTEXT://127.0.0.1:$(kafka_node_port "$node")")"
  # An override of a property server.properties does not have is a typo, not a setting.
  for key in $(cut -d= -f1 <<<"$overrides"); do
    grep -q "^$key=" "$OBS/kafka/server.properties" || die "cluster override $key is not in server.properties"
  done
  awk -F= 'NR == FNR { replaced[$1] = 1; next } !($1 in replaced)' <(printf '%s\n' "$overrides") \
    "$OBS/kafka/server.properties"
  printf '\n# KAFKA_NODES=%s, node %s\n%s\nlog.dirs=%s\n' "$KAFKA_CLUSTER_SIZE" "$node" "$overrides" "$data"
}

# kafka_cluster_ready: every node is a broker in the cluster's metadata (a node that is up but
# not yet registered, or fenced, is not listed).
kafka_cluster_ready() {
  kcat -b "$(kafka_cluster_brokers)" -L -m 2 -J 2>/dev/null \
    | jq -e --argjson n "$KAFKA_CLUSTER_SIZE" '[.brokers[].id] | unique | length == $n' >/dev/null
}

kafka_cluster_ready_or_node_exited() {
  local i
  for ((i = 1; i <= KAFKA_CLUSTER_SIZE; i++)); do is_running "kafka-$i" || return 0; done
  kafka_cluster_ready
}

# start_kafka_node <node> <cluster id>: formats its storage once, starts it unless it runs.
start_kafka_node() {
  local node=$1 cluster_id=$2 name="kafka-$1" dir="$RUN_DIR/kafka-$1" port
  mkdir -p "$dir"
  kafka_node_properties "$node" "$dir/data" >"$dir/server.properties"
  if is_running "$name"; then info "$name already running (pid $(cat "$(pid_file "$name")"))"; return; fi
  for port in "$(kafka_node_port "$node")" "$(kafka_controller_port "$node")"; do
    if port_in_use "$port"; then
      die "port $port is taken by $(port_holder "$port"), which edaobs did not start; stop it or run 'make stack-down'"
    fi
  done
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    info "formatting $name storage (KRaft, cluster $cluster_id)"
    "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format --ignore-formatted -t "$cluster_id" \
      -c "$dir/server.properties" >"$LOG_DIR/$name-format.log" 2>&1 \
      || { tail -n 20 "$LOG_DIR/$name-format.log" >&2; die "$name storage format failed"; }
  fi
  info "starting $name on :$(kafka_node_port "$node") (log: ${LOG_DIR#"$EDAOBS_ROOT"/}/$name.log)"
  start_bg "$name" "$LOG_DIR/$name.log" "${KAFKA_JAVA[@]}" kafka.Kafka "$dir/server.properties"
}

# All nodes start before any is awaited: a controller quorum of three elects a leader only once
# two of them run. A node already running is left alone, so after a node died this starts only it.
start_kafka_cluster() {
  require "$KAFKA_HOME/.complete" "Kafka"
  if is_running kafka; then
    die "the single-node Kafka runs (pid $(cat "$(pid_file kafka)")): 'scripts/stack-down.sh kafka' before KAFKA_NODES=$KAFKA_CLUSTER_SIZE"
  fi
  local id_file="$RUN_DIR/kafka-cluster.id" node
  # One cluster id for every node's storage, kept so that a node formatted later joins the same cluster.
  if [[ ! -s "$id_file" ]]; then
    "${KAFKA_JAVA[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1 >"$id_file"
  fi
  for ((node = 1; node <= KAFKA_CLUSTER_SIZE; node++)); do start_kafka_node "$node" "$(cat "$id_file")"; done
  wait_until "$READY_TIMEOUT" "the $KAFKA_CLUSTER_SIZE-node Kafka cluster" "$LOG_DIR/kafka-1.log" \
    kafka_cluster_ready_or_node_exited || return 1
  for ((node = 1; node <= KAFKA_CLUSTER_SIZE; node++)); do
    if ! is_running "kafka-$node"; then
      tail -n 20 "$LOG_DIR/kafka-$node.log" >&2 || true
      die "kafka-$node exited during start-up (log: ${LOG_DIR#"$EDAOBS_ROOT"/}/kafka-$node.log)"
    fi
  done
  info "brokers: $(kafka_cluster_brokers)"
}
