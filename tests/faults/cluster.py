"""The three-node cluster's scenario (see faults.py): the leader of the busiest partition killed (-9)
mid-stream. Kafka runs as a KRaft cluster of three combined broker+controller nodes
(scripts/stack-up.sh with KAFKA_NODES=3): topics with replication factor 3, min.insync.replicas 2,
and the publisher acknowledges a POST only once the in-sync replicas have the record (acks=all),
so losing one node must lose nothing acknowledged and stop processing only until the cluster has
fenced the dead node and elected new leaders."""
import collections
import contextlib
import json
import os
import subprocess
import time

from faultlib import PID_DIR, STACK_DOWN, STACK_UP, Chain, Load, e2e, kill_stack_component, outcome, \
    recorded_ids, settle

CLUSTER_SIZE = 3
CLUSTER_BROKERS = ",".join(f"127.0.0.1:{9090 + 2 * node}" for node in range(1, CLUSTER_SIZE + 1))
CONTINUE_BOUND_S = 15.0   # processing continues within this long after the leader died
REJOIN_TIMEOUT_S = 120.0  # the restarted node is back in every partition's in-sync replicas
WARM_UP_S = 8.0           # load before the kill, so that one partition is the busiest
AFTER_REJOIN_S = 5.0      # load after the rejoin: the chain keeps going on the whole cluster


def node_running(name):
    try:
        with open(os.path.join(PID_DIR, f"{name}.pid")) as f:
            pid = f.read().strip()
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def cluster_env():
    return dict(os.environ, KAFKA_NODES=str(CLUSTER_SIZE))


@contextlib.contextmanager
def cluster_kafka():
    """Kafka as the three-node cluster while the block runs; the chains and kcat (e2e.KAFKA) use
    all three nodes. Afterwards the cluster is stopped and the single node started again if it
    ran before, so the stack is left as it was found."""
    single_ran = node_running("kafka")
    subprocess.run([STACK_DOWN, "kafka"], check=True, stdout=subprocess.DEVNULL, timeout=300)
    previous, e2e.KAFKA = e2e.KAFKA, CLUSTER_BROKERS
    try:
        subprocess.run([STACK_UP, "kafka"], check=True, stdout=subprocess.DEVNULL, timeout=600, env=cluster_env())
        yield
    finally:
        e2e.KAFKA = previous
        subprocess.run([STACK_DOWN, "kafka"], check=True, stdout=subprocess.DEVNULL, timeout=300)
        if single_ran:
            subprocess.run([STACK_UP, "kafka"], check=True, stdout=subprocess.DEVNULL, timeout=600)


def metadata(topic=None):
    """The cluster's metadata as kcat (a peer client) sees it: brokers, topics, partitions."""
    cmd = ["kcat", "-b", e2e.KAFKA, "-L", "-J", "-m", "5"] + (["-t", topic] if topic else [])
    return json.loads(e2e.run(cmd, timeout=30))


def partitions(topic):
    return metadata(topic)["topics"][0]["partitions"]


def replication_violations(chain):
    """Both chain topics must be replicated three times (the cluster's default.replication.factor)."""
    out = []
    for topic in (chain.raw, chain.enriched):
        for p in partitions(topic):
            if len(p["replicas"]) != CLUSTER_SIZE:
                out.append(f"{topic}[{p['partition']}] has {len(p['replicas'])} replicas, not {CLUSTER_SIZE}")
    return out


def busiest_partition_leader(chain, load):
    """(partition, leader node) of the raw topic's partition with the most acknowledged events."""
    counts = collections.Counter(partition for partition, _ in list(load.acknowledged.values()))
    if not counts:
        raise AssertionError("no event acknowledged before the kill")
    busiest = counts.most_common(1)[0][0]
    leader = next(p["leader"] for p in partitions(chain.raw) if p["partition"] == busiest)
    return busiest, leader


def wait_for_continuation(chain, load, first_after, killed_at):
    """Seconds from the kill until an event POSTed after it was answered 201 and until one was
    recorded at the end of the chain (None when that did not happen within 4x the bound)."""
    def posted_after(event_id):
        return int(event_id.rsplit("-", 1)[1]) >= first_after
    acked_at = recorded_at = None
    deadline = killed_at + 4 * CONTINUE_BOUND_S
    while time.monotonic() < deadline and recorded_at is None:
        if acked_at is None and any(posted_after(i) for i in list(load.acknowledged)):
            acked_at = time.monotonic() - killed_at
        if any(posted_after(i) for i in recorded_ids(chain)):
            recorded_at = time.monotonic() - killed_at
        time.sleep(0.2)
    if acked_at is None and recorded_at is not None:
        acked_at = recorded_at  # the recorder was quicker than the 201 reached the load thread
    return (None if acked_at is None else round(acked_at, 1)), (None if recorded_at is None else round(recorded_at, 1))


def out_of_sync(node):
    """The partitions (of every topic, the consumer offsets included) whose in-sync replicas lack
    the node."""
    missing = []
    for topic in metadata()["topics"]:
        for p in topic.get("partitions", []):
            if node not in [r["id"] for r in p.get("isrs", [])]:
                missing.append(f"{topic['topic']}[{p['partition']}]")
    return missing


def restart_and_rejoin(node, violations):
    """Starts the killed node again (stack-up starts only what is missing) and waits until it is in
    every partition's in-sync replicas; seconds from the restart, or None."""
    started = time.monotonic()
    subprocess.run([STACK_UP, "kafka"], check=True, stdout=subprocess.DEVNULL, timeout=600, env=cluster_env())
    try:
        e2e.wait_for(f"node {node} back in every partition's in-sync replicas", lambda: not out_of_sync(node),
                     timeout=REJOIN_TIMEOUT_S, interval=0.5)
    except AssertionError as exc:
        violations.append(f"{exc}; still missing from {out_of_sync(node)[:5]}")
        return None
    return round(time.monotonic() - started, 1)


def leader_kill(args):
    with cluster_kafka():
        chain = Chain(base_port=18680)
        chain.start()
        try:
            return leader_kill_on(chain, args)
        finally:
            chain.stop()


def leader_kill_on(chain, args):
    violations = replication_violations(chain)
    with Load(chain, args.rate) as load:
        time.sleep(WARM_UP_S)
        partition, leader = busiest_partition_leader(chain, load)
        controller = metadata().get("controllerid")  # losing the active controller too takes longer
        kill_stack_component(f"kafka-{leader}")  # returns once the process is gone
        first_after = load._n + 1  # the POSTs numbered from here started after the kill
        killed_at = time.monotonic()
        acked_s, recorded_s = wait_for_continuation(chain, load, first_after, killed_at)
        if recorded_s is None:
            violations.append(f"no event POSTed after the kill was recorded within {4 * CONTINUE_BOUND_S:.0f}s")
        elif recorded_s > CONTINUE_BOUND_S:
            violations.append(f"processing continued {recorded_s:.1f}s after the kill (bound {CONTINUE_BOUND_S:.0f}s)")
        down_s = round(time.monotonic() - killed_at, 1)
        rejoin_s = restart_and_rejoin(leader, violations)
        time.sleep(AFTER_REJOIN_S)
    settle(chain, load.acknowledged)
    crashed = [n for n in chain.agents if chain.procs[n].poll() is not None]
    if crashed:
        violations.append(f"agents exited: {crashed}")
    return outcome("leader_kill", chain, load, recovery_s=recorded_s, killed_node=leader,
                   busiest_partition=partition, was_controller=controller == leader, first_201_after_kill_s=acked_s, node_down_s=down_s,
                   rejoined_s=rejoin_s, brokers=e2e.KAFKA, violations=violations)


# The scenarios that need the three-node cluster (make faults runs them after the single-broker
# ones; FAULTS_CLUSTER=0 leaves them out).
SCENARIOS = {"leader_kill": leader_kill}
