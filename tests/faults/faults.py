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
  leader_kill       (three-node cluster, tests/faults/cluster.py; left out with FAULTS_CLUSTER=0)
                    the leader of the raw topic's busiest partition killed (-9) mid-stream: 0 lost,
                    processing continues within 15 s, the node restarts and rejoins every ISR.
  scale_out_in      one enricher, then a second and a third joining mid-stream, then one stopped
                    (SIGTERM, exit 0) and another killed (-9): 0 lost, duplicates bounded to about
                    a second of traffic, and through each rebalance the instances that stay keep
                    at least one partition and keep processing (no gap over 2 s); then the drain
                    rate of --drain-events prefilled events with 1, 2 and 3 instances.
  shutdown_broker_down  SIGTERM with stderr a full pipe, then with Kafka killed (-9): each agent
                    exits 0 or 124 within its shutdown deadline (8 s here); after the broker and
                    the agents are back, nothing acknowledged is lost.

Prints a table (scenario, acknowledged, recorded, lost, duplicates, recovery), writes JSON
(--out, default build/faults.json) and exits 1 on any loss or broken bound.
Needs the native stack running (make faults starts it); never run against a demo you care about:
it kills and restarts the stack's broker, Collector and Jaeger.

Usage: faults.py [--scenario NAME ...] [--rate 30] [--outage 60] [--runs 3] [--drain-events N]
                 [--out FILE]"""
import argparse
import json
import os
import sys
import time

import cluster
import faultlib
import scale
import shutdown
import single_broker

e2e = faultlib.e2e

SCENARIOS = {
    "broker_outage": single_broker.broker_outage,
    "enricher_crash": lambda args: single_broker.consumer_crash("enricher", args),
    "recorder_crash": lambda args: single_broker.consumer_crash("recorder", args),
    "backends_down": single_broker.backends_down,
    "scale_out_in": scale.scale_out_in,
    "shutdown_broker_down": shutdown.shutdown_broker_down,
}
# The three-node cluster's scenarios (tests/faults/cluster.py) switch Kafka to the cluster and back.
if os.environ.get("FAULTS_CLUSTER", "1") != "0":
    SCENARIOS.update(cluster.SCENARIOS)


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
    parser.add_argument("--drain-events", type=int, default=150000,
                        help="events prefilled for scale_out_in's 1/2/3-instance drain rates")
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
