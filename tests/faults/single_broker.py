"""The single-broker scenarios: broker outage, consumer crashes, backends down (see faults.py)."""
import json
import random
import subprocess
import time
import urllib.request

from faultlib import (COMMIT_INTERVAL_S, READY_AFTER_BROKER_BOUND_S, RESTART_BOUND_S, STACK_DOWN, Chain, Load,
                      connection_errors, e2e, kill_stack_component, outcome, settle, stack_up)

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
