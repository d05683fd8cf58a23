"""Scaling the enricher's consumer group out and in under load (faults.py: scale_out_in), and how
fast a group of 1, 2 and 3 enricher instances drains a prefilled topic.

"The cooperative rebalance never stops the others" is checked per rebalance window (from the
join/leave until every partition has an owner again), for each instance that is running before
and after it (a stayer), from the stayers' own logs:
  - its partition count (from its "kafka partitions assigned/revoked" lines) never drops to 0
    inside the window: an eager (stop-the-world) rebalance revokes every partition of every
    member, so it fails this at each join and leave, however briefly it lasts;
  - it keeps processing: no gap longer than GAP_BOUND_S between its consecutive "event
    enriched" lines overlaps the window. POSTs arrive one every 1/rate s and each lands on one of
    the 3 partitions by its key's hash, so an instance with even one partition sees an event
    every 3/rate s on average; at 20 POST/s a 2 s gap without a stop has probability
    (2/3)^40 < 1e-7 per event."""
import json
import os
import shutil
import time
from datetime import datetime

from faultlib import COMMIT_INTERVAL_S, Chain, Load, e2e, outcome, settle

BASE_PORT = 18780
DRAIN_BASE_PORT = 18880
GAP_BOUND_S = 2.0
PARTITIONS = 3  # the broker's num.partitions: topics auto-create with 3
# While the instances of a drain run join their group, each event waits this long, so they
# consume next to nothing until all of them own partitions and the clock starts.
HOLD_LATENCY_MS = 200
PREFILL_ENV = {"OTEL_SDK_DISABLED": "true", "EDAOBS_LOG_LEVEL": "warn", "EDAOBS_RATE": "1000000"}


def log_records(chain, name):
    """The JSON lines of an instance's log; a line cut short by a kill -9 is skipped."""
    records = []
    with open(chain.log_path(name)) as f:
        for raw in f:
            try:
                records.append(json.loads(raw))
            except ValueError:
                continue
    return records


def epoch(record):
    return datetime.fromisoformat(record["time"].replace("Z", "+00:00")).timestamp()


def enriched_times(chain, name):
    return sorted(epoch(r) for r in log_records(chain, name) if r.get("msg") == "event enriched")


def held_partitions(chain, name):
    """[(time, partitions held after that line)] from the instance's assignment log lines."""
    held, history = 0, []
    for r in log_records(chain, name):
        if r.get("msg") == "kafka partitions assigned":
            held += r["partitions"]
        elif r.get("msg") == "kafka partitions revoked":
            held -= r["partitions"]
        else:
            continue
        history.append((epoch(r), held))
    return history


def holding_now(chain, names):
    """Partitions the instances `names` hold together, by their logs."""
    return sum(([0] + [held for _, held in held_partitions(chain, n)])[-1] for n in names)


def wait_processed(chain, names, events, timeout=60):
    """Waits until each of `names` has processed `events` more events than now."""
    start = {n: chain.metric_sum(n, "events_processed_total") for n in names}
    e2e.wait_for(f"{events} more events through each of {names}",
                 lambda: all(chain.metric_sum(n, "events_processed_total") >= start[n] + events for n in names),
                 timeout=timeout, interval=0.2)


def window_check(chain, window):
    """The stayers' partition floor and longest processing gap across one rebalance window."""
    start, end, report = window["start"], window["end"], {}
    for name in window["stayers"]:
        history = held_partitions(chain, name)
        before = [h for t, h in history if t < start]
        inside = [h for t, h in history if start <= t <= end]
        floor = min(([before[-1]] if before else [0]) + inside)
        times = enriched_times(chain, name)
        gaps = [b - a for a, b in zip(times, times[1:]) if b >= start and a <= end]
        after = any(t > end for t in times)
        report[name] = {"min_partitions": floor, "max_gap_s": round(max(gaps, default=float("inf")), 3),
                        "processed_in_window": sum(start <= t <= end for t in times)}
        if floor <= 0:
            window["violations"].append(f"{window['what']}: {name} held no partition during the rebalance")
        if not after or report[name]["max_gap_s"] > GAP_BOUND_S:
            window["violations"].append(f"{window['what']}: {name} stopped processing for "
                                        f"{report[name]['max_gap_s']} s (bound {GAP_BOUND_S} s)")
    window["stayers"] = report
    window["rebalance_s"] = round(end - start, 2)
    return window


def join(chain, running, instance):
    start = time.time()
    name = chain.spawn("enricher", instance=instance)
    window = {"what": f"{name} joined", "start": start, "stayers": list(running), "violations": []}
    chain.wait_ready(name, timeout=60)
    window["end"] = time.time()
    running.append(name)
    return window


def leave(chain, running, name, how, violations):
    """SIGTERM or kill -9 `name`; the window ends when the others own every partition again."""
    running.remove(name)
    window = {"what": f"{name} {how}", "start": time.time(), "stayers": list(running), "violations": []}
    if how == "killed (-9)":
        chain.kill(name)
    else:
        code, seconds = chain.terminate(name, timeout=40)
        window["exit_code"], window["exit_s"] = code, round(seconds, 2)
        if code != 0:
            violations.append(f"{name} exited with {code} after SIGTERM (expected 0)")
    # A killed member keeps its partitions until its session (10 s) times out.
    e2e.wait_for(f"{running} own all {PARTITIONS} partitions after {name} left",
                 lambda: holding_now(chain, running) == PARTITIONS, timeout=60, interval=0.2)
    window["end"] = time.time()
    return window


def scale_steps(chain, rate):
    """1 -> 2 -> 3 instances, then SIGTERM one and kill -9 another; the rebalance windows."""
    running, windows, violations = ["enricher"], [], []
    steady = max(int(rate * 3 / PARTITIONS), 10)  # about 3 s of one partition's traffic
    wait_processed(chain, running, steady)
    for instance in (2, 3):
        windows.append(join(chain, running, instance))
        wait_processed(chain, running, steady)
    windows.append(leave(chain, running, "enricher", "stopped (SIGTERM)", violations))
    wait_processed(chain, running, steady)
    windows.append(leave(chain, running, "enricher-2", "killed (-9)", violations))
    wait_processed(chain, running, steady)
    return windows, violations


def scale_out_in(args):
    began = time.monotonic()
    chain = Chain(base_port=BASE_PORT)
    chain.start()
    try:
        with Load(chain, args.rate) as load:
            windows, violations = scale_steps(chain, args.rate)
        settle(chain, load.acknowledged)
        windows = [window_check(chain, w) for w in windows]
        for w in windows:
            violations.extend(w.pop("violations"))
        result = outcome("scale_out_in", chain, load, rebalances=windows, violations=violations,
                         recovery_s=max(w["rebalance_s"] for w in windows), logs=chain.logdir)
        # Joins and the SIGTERM commit on revoke: no re-consumption. The kill -9 re-consumes
        # what its partitions handled since the last commit — at most one commit interval of
        # traffic (its partitions carry part of it) plus what was in flight. Allow twice that.
        bound = int(args.rate * COMMIT_INTERVAL_S * 2) + 5
        duplicates = max(result["duplicates_final_topic"], result["duplicates_recorded"])
        result["duplicates_bound"] = bound
        if duplicates > bound:
            result["violations"].append(f"{duplicates} duplicates, more than {bound}")
        result["scaling_s"] = round(time.monotonic() - began, 1)
        result["throughput"] = drain_rates(args.drain_events)
        result["throughput"]["measured_in_s"] = round(time.monotonic() - began - result["scaling_s"], 1)
        result["ok"] = result["lost"] == 0 and not result["violations"]
        return result
    finally:
        chain.stop()


def prefill(events):
    """A topic holding `events` synthetic events from the publisher at full speed (its chain's
    logs, one line per event, are removed: they are large and say nothing here)."""
    chain = Chain(base_port=DRAIN_BASE_PORT, agents=("publisher",),
                  extra_env={"publisher": {**PREFILL_ENV, "EDAOBS_COUNT": str(events)}})
    chain.start()
    try:
        e2e.wait_for(f"{events} events in {chain.raw}",
                     lambda: chain.metric_sum("publisher", "events_published_total", destination=chain.raw) >= events,
                     timeout=300, interval=0.5)
    finally:
        stopped = chain.stop()
        shutil.rmtree(chain.logdir, ignore_errors=True)
    if stopped["publisher"][0] != 0:
        raise AssertionError(f"prefill publisher exited with {stopped['publisher'][0]}")
    return chain.raw


def drain(topic, events, instances):
    """Seconds `instances` enricher instances of a new group take to process all `events`,
    counted from the moment all of them own partitions."""
    chain = Chain(base_port=DRAIN_BASE_PORT, agents=(),
                  extra_env={"enricher": {"EDAOBS_INPUT_TOPIC": topic, "EDAOBS_ADMIN_ENABLED": "true",
                                          "EDAOBS_FAULT_LATENCY": f"{HOLD_LATENCY_MS}ms"}})
    names = [chain.spawn("enricher", instance=i) for i in range(1, instances + 1)]
    try:
        for name in names:
            chain.wait_ready(name, timeout=60)
        e2e.wait_for(f"{names} own all {PARTITIONS} partitions",
                     lambda: holding_now(chain, names) == PARTITIONS, timeout=60, interval=0.2)
        for name in names:
            e2e.http_json(chain.url(name, "/admin/faults"), body={"latency_ms": 0})
        released = time.monotonic()
        total = lambda: sum(chain.metric_sum(n, "events_processed_total") for n in names)  # noqa: E731
        e2e.wait_for(f"{events} events drained by {instances} instance(s)", lambda: total() >= events,
                     timeout=300, interval=0.1)
        seconds = time.monotonic() - released
        failed = sum(chain.metric_sum(n, "events_processed_total", success="false") for n in names)
    finally:
        stopped = chain.stop()
        shutil.rmtree(chain.logdir, ignore_errors=True)
    bad = {n: code for n, (code, _) in stopped.items() if code != 0}
    if bad or failed:
        raise AssertionError(f"drain with {instances}: exit codes {bad}, {failed:.0f} events failed")
    return seconds


def drain_rates(events):
    """events/s for 1, 2 and 3 instances draining the same prefilled topic (each a new group)."""
    topic = prefill(events)
    rates = {}
    for instances in (1, 2, 3):
        seconds = drain(topic, events, instances)
        rates[f"{instances}_instances"] = {"drain_s": round(seconds, 2), "events_per_s": round(events / seconds)}
    return {"events": events, "cpus": os.cpu_count(), **rates}
