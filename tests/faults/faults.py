#!/usr/bin/env python3
"""Fault scenarios on the real single-broker stack: is every acknowledged event delivered?

Each scenario runs a private chain (tests/e2e/chain.py: its own topics, groups and ports), sends
events through POST /events at a steady rate — an event counts as acknowledged only when the
publisher answered 201 — breaks something on the way, and then checks with a peer client (kcat)
which acknowledged events reached the final topic, and with the recorder's log which were
recorded (and how often). Scenarios:

  broker_outage     Kafka killed (-9) for --outage seconds under load, then started again:
                    every 201 reaches the end, readiness is false during the outage and true
                    within 10 s after, the connection-error counters rise, no agent crashes.
  enricher_crash    the enricher killed (-9) at random points (--runs) and restarted with the same
                    static group membership: 0 lost, duplicates bounded to about a second of
                    traffic per crash, each restart ready and consuming within 5 s.
  recorder_crash    the same for the recorder.
  backends_down     the Collector and Jaeger stopped for --outage seconds: every event still goes
                    through, dropped spans are counted exactly (started = exported + dropped +
                    failed + queued), and tracing resumes by itself afterwards.

Prints a table (scenario, acknowledged, recorded, lost, duplicates, recovery), writes JSON
(--out, default build/faults.json) and exits 1 on any loss or broken bound.
Needs the native stack running (make faults starts it); never run against a demo you care about:
it kills and restarts the stack's broker, Collector and Jaeger.

Usage: faults.py [--scenario NAME ...] [--rate 30] [--outage 60] [--runs 3] [--out FILE]"""
import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import e2elib as e2e  # noqa: E402
from chain import Chain  # noqa: E402

PID_DIR = os.path.join(os.environ.get("EDAOBS_RUN_DIR", os.path.join(e2e.ROOT, ".run")), "pids")
STACK_UP = os.path.join(e2e.ROOT, "scripts", "stack-up.sh")
STACK_DOWN = os.path.join(e2e.ROOT, "scripts", "stack-down.sh")
COMMIT_INTERVAL_S = 1.0
RESTART_BOUND_S = 5.0
READY_AFTER_BROKER_BOUND_S = 10.0


class Load:
    """POSTs one event per 1/rate seconds from a background thread; remembers every 201."""

    def __init__(self, chain, rate):
        self.chain, self.interval = chain, 1.0 / rate
        self.acknowledged, self.refused, self.errors = {}, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._n = 0

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self):
        next_at = time.monotonic()
        while not self._stop.is_set():
            self._n += 1
            key = f"{self.chain.tag}-{self._n}"
            body = json.dumps({"type": "order.created", "subject": f"o-{self._n}",
                               "data": {"customer": "c-1", "amount_cents": 100 + self._n,
                                        "currency": "EUR", "country": "DE"}}).encode()
            req = urllib.request.Request(self.chain.url("publisher", "/events"), data=body,
                                         headers={"Content-Type": "application/json", "Idempotency-Key": key})
            try:
                with urllib.request.urlopen(req, timeout=15) as resp:
                    answer = json.loads(resp.read())
                    if resp.status == 201:
                        self.acknowledged[answer["id"]] = (answer["partition"], answer["offset"])
            except urllib.error.HTTPError as exc:
                exc.read()
                if exc.code == 503:
                    self.refused += 1
                else:
                    self.errors += 1
            except OSError:
                self.errors += 1
            next_at += self.interval
            self._stop.wait(max(0.0, next_at - time.monotonic()))


def final_topic_ids(topic):
    """ce_id of every record in `topic`, read with kcat (a peer client), duplicates included."""
    out = e2e.run(["kcat", "-b", e2e.KAFKA, "-C", "-t", topic, "-o", "beginning", "-e", "-q",
                   "-f", "%h\n"], timeout=120).decode(errors="replace")
    ids = []
    for line in out.splitlines():
        for header in line.split(","):
            if header.startswith("ce_id="):
                ids.append(header[len("ce_id="):])
    return ids


def recorded_ids(chain):
    ids = []
    with open(chain.log_path("recorder")) as f:
        for raw in f:
            try:
                line = json.loads(raw)
            except ValueError:
                continue  # a line cut short by a kill -9
            if line.get("msg") == "event recorded":
                ids.append(line["event_id"])
    return ids


def settle(chain, acked, timeout=180):
    """Waits until every acknowledged event reached the final topic and the recorder."""
    def complete():
        return set(acked) <= set(final_topic_ids(chain.enriched)) and set(acked) <= set(recorded_ids(chain))
    try:
        e2e.wait_for("every acknowledged event at the end of the chain", complete, timeout=timeout, interval=2)
    except AssertionError:
        pass  # reported as lost below


def outcome(name, chain, load, **extra):
    final = final_topic_ids(chain.enriched)
    recorded = recorded_ids(chain)
    acked = set(load.acknowledged)
    lost_final = sorted(acked - set(final))
    lost_recorded = sorted(acked - set(recorded))
    result = {
        "scenario": name, "acknowledged": len(acked), "refused_503": load.refused,
        "client_errors": load.errors, "in_final_topic": len(set(final) & acked),
        "recorded": len(set(recorded) & acked), "lost": len(set(lost_final) | set(lost_recorded)),
        "lost_ids": (lost_final + lost_recorded)[:10],
        "duplicates_final_topic": len(final) - len(set(final)),
        "duplicates_recorded": len(recorded) - len(set(recorded)),
    }
    result.update(extra)
    result["ok"] = result["lost"] == 0 and not result.get("violations")
    return result


def kill_stack_component(name):
    with open(os.path.join(PID_DIR, f"{name}.pid")) as f:
        pid = int(f.read().strip())
    os.kill(pid, 9)
    e2e.wait_for(f"{name} (pid {pid}) gone", lambda: not os.path.exists(f"/proc/{pid}")
                 or open(f"/proc/{pid}/stat").read().split(")")[-1].split()[0] == "Z", timeout=30)


def stack_up():
    subprocess.run([STACK_UP], check=True, stdout=subprocess.DEVNULL, timeout=600)


def all_ready(chain):
    return all(chain._ready(n) for n in chain.agents)


def connection_errors(chain):
    return sum(chain.metric_sum(n, "message_broker_connection_errors_total") for n in chain.agents)


# The crash scenarios run the consumers with static group membership (KAFKA_GROUP_INSTANCE_ID):
# a restarted instance gets its partitions back without waiting out its old session. The broker
# outage runs without it: with librdkafka 2.0.2 a static member whose session timed out during
# the outage is fenced by its own rejoin (a fatal error), see the README.
STATIC_MEMBERS = {"enricher": {"KAFKA_GROUP_INSTANCE_ID": "faults-enricher-1"},
                  "recorder": {"KAFKA_GROUP_INSTANCE_ID": "faults-recorder-1"}}


def broker_outage(args):
    chain = Chain(base_port=18380)
    chain.start()
    violations = []
    try:
        with Load(chain, args.rate) as load:
            time.sleep(5)
            errors_before = connection_errors(chain)
            kill_stack_component("kafka")
            killed_at = time.monotonic()
            try:
                e2e.wait_for("every agent not ready during the outage",
                             lambda: not any(chain._ready(n) for n in chain.agents), timeout=30)
            except AssertionError as exc:
                violations.append(str(exc))
            time.sleep(max(0.0, args.outage - (time.monotonic() - killed_at)))
            stack_up()
            back_at = time.monotonic()
            ready_at = {}

            def every_agent_ready():
                for n in chain.agents:
                    if n not in ready_at and chain._ready(n):
                        ready_at[n] = round(time.monotonic() - back_at, 1)
                return len(ready_at) == len(chain.agents)
            try:
                e2e.wait_for("every agent ready after the broker returned", every_agent_ready,
                             timeout=90, interval=0.2)
            except AssertionError as exc:
                violations.append(str(exc))
            ready_after = time.monotonic() - back_at
            if ready_after > READY_AFTER_BROKER_BOUND_S:
                violations.append(f"ready {ready_after:.1f}s after the broker returned (bound {READY_AFTER_BROKER_BOUND_S}s)")
            time.sleep(10)
        settle(chain, load.acknowledged)
        errors_after = connection_errors(chain)
        if errors_after <= errors_before:
            violations.append("message_broker_connection_errors_total did not rise")
        crashed = [n for n in chain.agents if chain.procs[n].poll() is not None]
        if crashed:
            violations.append(f"agents exited during the outage: {crashed}")
        return outcome("broker_outage", chain, load, recovery_s=round(ready_after, 1), ready_after_s=ready_at,
                       outage_s=args.outage, violations=violations)
    finally:
        chain.stop()


def consumer_crash(agent, args):
    chain = Chain(base_port=18480 if agent == "enricher" else 18580, extra_env=STATIC_MEMBERS)
    chain.start()
    violations, restarts = [], []
    rng = random.Random(args.seed)
    try:
        with Load(chain, args.rate) as load:
            for _ in range(args.runs):
                time.sleep(rng.uniform(2.0, 6.0))
                chain.kill(agent)
                started = time.monotonic()
                chain.spawn(agent)
                chain.wait_ready(agent, timeout=60)
                restarts.append(round(time.monotonic() - started, 2))
            time.sleep(3)
        settle(chain, load.acknowledged)
        slow = [r for r in restarts if r > RESTART_BOUND_S]
        if slow:
            violations.append(f"restart to ready took {slow}s (bound {RESTART_BOUND_S}s)")
        result = outcome(f"{agent}_crash", chain, load, recovery_s=max(restarts), restarts_s=restarts,
                         violations=violations)
        # Each crash re-consumes what was handled since the last commit: about one commit
        # interval of traffic, plus what was in flight. Allow twice that.
        bound = int(args.runs * args.rate * COMMIT_INTERVAL_S * 2) + 5
        duplicates = max(result["duplicates_final_topic"], result["duplicates_recorded"])
        result["duplicates_bound"] = bound
        if duplicates > bound:
            result["violations"].append(f"{duplicates} duplicates, more than {bound}")
            result["ok"] = False
        return result
    finally:
        chain.stop()


def span_accounting(chain, agent):
    """started == exported + dropped + failed + queued, from the agent's own telemetry metrics."""
    m = {name: chain.metric_sum(agent, f"telemetry_spans_{name}_total")
         for name in ("started", "exported", "dropped", "failed")}
    m["queued"] = chain.metric_sum(agent, "telemetry_span_queue_size")
    return m


def backends_down(args):
    chain = Chain(base_port=18680)
    chain.start()
    violations = []
    try:
        with Load(chain, args.rate) as load:
            time.sleep(5)
            subprocess.run([STACK_DOWN, "otelcol", "jaeger"], check=True, stdout=subprocess.DEVNULL, timeout=120)
            time.sleep(args.outage)
            stack_up()
            back_at = time.monotonic()
            time.sleep(5)
        settle(chain, load.acknowledged)
        # Every span is accounted for once the queues have drained to the Collector again (a
        # batch being exported is in none of the counters for a moment: wait for it).
        for agent in chain.agents:
            def accounted(agent=agent):
                m = span_accounting(chain, agent)
                return m["started"] == m["exported"] + m["dropped"] + m["failed"] + m["queued"]
            try:
                e2e.wait_for(f"{agent}'s spans all accounted for", accounted, timeout=30)
            except AssertionError:
                violations.append(f"{agent}: spans not accounted for: {span_accounting(chain, agent)}")
        # Tracing resumes by itself: a new event's trace reaches Jaeger.
        answer = chain.post_event("order.created", "o-after", {"customer": "c-1", "amount_cents": 1,
                                                              "currency": "EUR", "country": "DE"})
        try:
            e2e.wait_for("a trace after the backends returned",
                         lambda: e2e.http_json(f"{e2e.JAEGER}/api/traces?service=recorder&tags="
                                               + urllib.request.quote(json.dumps({"event.id": answer["id"]}))
                                               + "&limit=1")["data"], timeout=60, interval=1)
        except AssertionError as exc:
            violations.append(str(exc))
        return outcome("backends_down", chain, load, recovery_s=round(time.monotonic() - back_at, 1),
                       outage_s=args.outage, violations=violations)
    finally:
        chain.stop()


SCENARIOS = {
    "broker_outage": broker_outage,
    "enricher_crash": lambda args: consumer_crash("enricher", args),
    "recorder_crash": lambda args: consumer_crash("recorder", args),
    "backends_down": backends_down,
}


def print_table(results):
    cols = ("scenario", "acknowledged", "recorded", "lost", "duplicates", "recovery_s", "ok")
    print(" | ".join(f"{c:>14}" for c in cols))
    for r in results:
        dup = max(r.get("duplicates_final_topic", 0), r.get("duplicates_recorded", 0))
        row = (r["scenario"], r["acknowledged"], r["recorded"], r["lost"], dup, r.get("recovery_s", "-"), r["ok"])
        print(" | ".join(f"{str(v):>14}" for v in row))
        for v in r.get("violations", []):
            print(f"    {r['scenario']}: {v}")
        if r["lost"]:
            print(f"    {r['scenario']}: lost e.g. {r['lost_ids']}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", nargs="*", choices=sorted(SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--rate", type=float, default=30.0, help="POSTs per second")
    parser.add_argument("--outage", type=float, default=60.0, help="seconds the broker / backends stay down")
    parser.add_argument("--runs", type=int, default=3, help="crashes per consumer scenario")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--out", default=os.path.join(e2e.BUILD_DIR, "faults.json"))
    args = parser.parse_args(argv)
    results = []
    for name in args.scenario:
        print(f"==> {name}", flush=True)
        try:
            results.append(SCENARIOS[name](args))
        except Exception as exc:  # a scenario that cannot even run is a failure, not a skip
            results.append({"scenario": name, "acknowledged": 0, "recorded": 0, "lost": 0, "ok": False,
                            "violations": [f"{type(exc).__name__}: {exc}"]})
    print_table(results)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"seed": args.seed, "rate": args.rate, "results": results}, f, indent=2)
    failed = sum(not r["ok"] for r in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
