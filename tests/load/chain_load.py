#!/usr/bin/env python3
"""Load test of the chain against the agent targets of docs/architecture.md §5, on the real broker and
Collector. Run by `make load` (which brings the native stack up and down around it).

What it measures, each mode run `--rounds` times, interleaved so that machine noise falls on
every mode alike; the median of the rounds is reported:

  throughput  The enricher drains a topic prefilled with `--events` events; the rate is taken
              between 10% and 90% of the events processed (start-up and group join excluded).
              Modes: full telemetry to the live Collector; telemetry off; full telemetry to a
              dead Collector (connection refused, so the exporter retries and drops).
  cpu         The enricher's CPU time (user + system, all threads) per event in a throughput run:
              steadier than the rate on a shared machine.
  rss         The enricher's resident memory at the end of each latency run (steady rate).
  latency     The whole chain at a steady `--rate`: publisher → enricher → recorder, with the
              enricher in full or off mode (the other two always full). Age = recorder's clock
              minus ce_time, read from the recorder's "event recorded" log lines.

--pin gives the enricher a CPU of its own (the last one) and confines everything else (the stack's
processes, the other agents and this script) to the remaining CPUs for the whole run. The
backends then no longer take CPU from the agent under test, so the figures show what telemetry
costs the agent itself; without --pin they show the whole machine, backends included. Pinned runs
are throughput runs only: the rest of the chain would share one CPU with the stack and fall behind.

--go-enricher PATH adds the Go peer (tests/load/go-enricher: the same enricher on franz-go and the
official OpenTelemetry Go SDK, OTLP/HTTP protobuf, slog JSON lines) to every round, in full and off
mode on the same prefilled topic, run, pinned and measured exactly as the C++ enricher; the report
sets the two side by side (events/s full and off, their ratio, CPU per event full and off, and
telemetry CPU per event = full - off). scripts/load.sh builds it and passes it.

"Telemetry off" is OTEL_SDK_DISABLED=true (no spans; trace context still passes through) and
EDAOBS_LOG_LEVEL=warn (no per-event log line). Metrics stay on in every mode: they are how the
script watches progress, and an update costs nanoseconds.

Writes a JSON report (default build/bench/chain_load.json) and prints a table."""
import argparse
import contextlib
import glob
import json
import os
import socket
import statistics
import sys
import time
from datetime import datetime

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import e2elib as e2e  # noqa: E402
from chain import Chain  # noqa: E402

WARM_UP_SECONDS = 2.0
TELEMETRY_OFF = {"OTEL_SDK_DISABLED": "true", "EDAOBS_LOG_LEVEL": "warn"}


def dead_collector_endpoint():
    """An address on which nothing listens (bound, then released), so connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


MODES = {
    "full": {},
    "off": TELEMETRY_OFF,
    "dead_collector": {"OTEL_EXPORTER_OTLP_ENDPOINT": None},  # filled per run
    # Attribution: full telemetry without the OTLP log export, and with 10% of traces sampled
    # (traceidratio: the prefilled events arrive sampled, so a parent-based sampler would keep
    # them all).
    "no_log_export": {"OTEL_LOGS_EXPORTER": "none"},
    "ratio_0.1": {"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"},
}


# The Go peer's modes: the same switches (its OTEL_SDK_DISABLED gives the SDK's no-op tracer, which
# still passes trace context through; EDAOBS_LOG_LEVEL=warn drops its INFO line).
PEER_MODES = {"go_full": {}, "go_off": TELEMETRY_OFF}
PEER_EXECUTABLE = {}  # filled by --go-enricher: {"enricher": path}


def mode_env(mode):
    env = dict(PEER_MODES[mode] if mode in PEER_MODES else MODES[mode])
    if mode == "dead_collector":
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = dead_collector_endpoint()
    return env


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise ValueError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid):
    """User + system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def prefill(events, base_port):
    """A topic holding `events` events, written by the publisher at full speed with tracing off."""
    chain = Chain(base_port=base_port, agents=("publisher",),
                  extra_env={"publisher": {**TELEMETRY_OFF, "EDAOBS_RATE": "1000000", "EDAOBS_COUNT": str(events)}})
    chain.start()
    try:
        e2e.wait_for(f"{events} events delivered to {chain.raw}",
                     lambda: chain.metric_sum("publisher", "events_published_total", destination=chain.raw) >= events,
                     timeout=600, interval=0.5)
    finally:
        stopped = chain.stop()
    if stopped["publisher"][0] != 0:
        raise AssertionError(f"publisher exited with {stopped['publisher'][0]}")
    return chain.raw


AGENT_CPUS = {}  # filled by --pin: {"enricher": {last cpu}}


def throughput_run(mode, topic, events, base_port):
    chain = Chain(base_port=base_port, agents=("enricher",), cpus=AGENT_CPUS,
                  executables=PEER_EXECUTABLE if mode in PEER_MODES else None,
                  extra_env={"enricher": {**mode_env(mode), "EDAOBS_INPUT_TOPIC": topic}})
    # Sampling starts with the process, not at /ready: the enricher is busy before it reports ready.
    chain.start(wait_ready=False)
    samples = []  # (seconds, events processed)
    try:
        start = time.monotonic()
        deadline = start + 600
        while True:
            try:
                done = chain.metric_sum("enricher", "events_processed_total")
            except OSError:  # the HTTP endpoint is not listening yet
                done = 0
            if chain.procs["enricher"].poll() is not None:
                raise AssertionError(f"{mode}: enricher exited with {chain.procs['enricher'].returncode}")
            samples.append((time.monotonic() - start, done))
            if done >= events:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"{mode}: only {done:.0f} of {events} processed in 600 s")
            time.sleep(0.1)
        rss = rss_kib(chain.procs["enricher"].pid)
        cpu = cpu_seconds(chain.procs["enricher"].pid)
        failed = chain.metric_sum("enricher", "events_processed_total", success="false")
    finally:
        stopped = chain.stop()
    if stopped["enricher"][0] != 0:
        raise AssertionError(f"{mode}: enricher exited with {stopped['enricher'][0]}")
    if failed:
        raise AssertionError(f"{mode}: {failed:.0f} events failed")
    return {"events_per_second": steady_rate(samples, events), "rss_kib": rss,
            "cpu_us_per_event": 1e6 * cpu / events}


def steady_rate(samples, events):
    """Events per second from the last sample below 10% of the events to the first at 90% or
    more: the steady part of the run, without start-up and the group join."""
    below = [s for s in samples if s[1] < 0.1 * events]
    t0, n0 = below[-1] if below else samples[0]
    t1, n1 = next(s for s in samples if s[1] >= 0.9 * events)
    if t1 <= t0:
        raise AssertionError(f"no steady part to measure in {samples}; raise --events")
    return (n1 - n0) / (t1 - t0)


def latency_run(mode, rate, seconds, base_port):
    count = int(rate * seconds)
    chain = Chain(base_port=base_port, cpus=AGENT_CPUS,
                  extra_env={"enricher": mode_env(mode),
                             "publisher": {"EDAOBS_RATE": str(rate), "EDAOBS_COUNT": str(count)}})
    chain.start()
    ready_at = time.time()
    try:
        e2e.wait_for(f"{count} events recorded",
                     lambda: chain.metric_sum("recorder", "events_processed_total") >= count,
                     timeout=seconds + 120, interval=0.5)
        # At a steady rate the broker client's prefetch buffers stay small, so RSS compares the
        # modes rather than how far each one fell behind.
        rss = rss_kib(chain.procs["enricher"].pid)
    finally:
        chain.stop()
    ages = []
    for line in chain.log_lines("recorder"):
        if line.get("msg") != "event recorded":
            continue
        # Events created in the first seconds queue behind the start-up backlog: skip them.
        recorded_at = datetime.fromisoformat(line["time"].replace("Z", "+00:00")).timestamp()
        if recorded_at - line["age_ms"] / 1000.0 > ready_at + WARM_UP_SECONDS:
            ages.append(line["age_ms"])
    if len(ages) < count // 2:
        raise AssertionError(f"{mode}: only {len(ages)} of {count} events usable for latency")
    ages.sort()
    return {"p50_ms": percentile(ages, 0.50), "p99_ms": percentile(ages, 0.99), "samples": len(ages), "rss_kib": rss}


def percentile(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


@contextlib.contextmanager
def pinned(enabled):
    """With `enabled`: the enricher gets the last CPU; the stack's processes (all their threads),
    this script and the agents it starts without a pin get the others. Restored on exit."""
    if not enabled:
        yield
        return
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        raise SystemExit("--pin needs at least 2 CPUs")
    agent, rest = {cpus[-1]}, set(cpus[:-1])
    stack = []
    for pid_file in glob.glob(os.path.join(e2e.ROOT, ".run", "pids", "*.pid")):
        with open(pid_file) as f:
            stack.append(int(f.read().strip()))
    threads = [int(t) for pid in stack for t in os.listdir(f"/proc/{pid}/task") if os.path.exists(f"/proc/{pid}")]
    for tid in threads:
        os.sched_setaffinity(tid, rest)
    os.sched_setaffinity(0, rest)  # this script; agents it starts inherit this unless pinned
    AGENT_CPUS["enricher"] = agent
    print(f"pinned: enricher on CPU {cpus[-1]}; stack ({len(stack)} processes), other agents and "
          f"this script on CPU {','.join(map(str, sorted(rest)))}", flush=True)
    try:
        yield
    finally:
        AGENT_CPUS.clear()
        for pid in stack:  # threads started meanwhile inherited `rest`: reset them all
            for t in os.listdir(f"/proc/{pid}/task") if os.path.exists(f"/proc/{pid}") else []:
                with contextlib.suppress(OSError):
                    os.sched_setaffinity(int(t), set(cpus))
        os.sched_setaffinity(0, set(cpus))


def median_of(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=300_000, help="events per throughput run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each mode (median reported)")
    parser.add_argument("--rate", type=float, default=2000, help="events per second in the latency runs")
    parser.add_argument("--seconds", type=float, default=15, help="length of a latency run")
    parser.add_argument("--out", default=os.path.join(e2e.BUILD_DIR, "bench", "chain_load.json"))
    parser.add_argument("--base-port", type=int, default=18180, help="first of three agent HTTP ports")
    parser.add_argument("--pin", action="store_true",
                        help="enricher on a CPU of its own, everything else on the others (throughput runs only)")
    parser.add_argument("--go-enricher", metavar="PATH",
                        help="the Go peer's binary: also drain the topic with it, full and off, every round")
    parser.add_argument("--modes", default=",".join(MODES),
                        help=f"throughput modes of the C++ enricher, comma-separated (default: all: {','.join(MODES)})")
    parser.add_argument("--no-latency", action="store_true", help="throughput runs only")
    args = parser.parse_args()
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in args.modes if m not in MODES]
    if unknown:
        parser.error(f"unknown mode(s) {', '.join(unknown)}; known: {', '.join(MODES)}")
    if args.go_enricher:
        if not os.access(args.go_enricher, os.X_OK):
            parser.error(f"--go-enricher {args.go_enricher}: not an executable")
        PEER_EXECUTABLE["enricher"] = os.path.abspath(args.go_enricher)
    with pinned(args.pin):
        run(args)


def medians(throughput, latency):
    """Events/s and CPU µs per event per mode, and RSS (MiB) and p99 (ms) per latency mode."""
    rate = {m: median_of(throughput[m], "events_per_second") for m in throughput}
    cpu = {m: median_of(throughput[m], "cpu_us_per_event") for m in throughput}
    rss = {m: median_of(latency[m], "rss_kib") / 1024 for m in latency}
    p99 = {m: median_of(latency[m], "p99_ms") for m in latency}
    return rate, cpu, rss, p99


def target_figures(rate, cpu, rss, p99, with_latency):
    """(name, value, target, met) of every figure the issue sets a target for, of the modes run."""
    figures = []
    if "full" in rate:
        figures.append(("enricher throughput, full telemetry (events/s)", rate["full"], ">= 50000",
                        rate["full"] >= 50_000))
    if "full" in rate and "off" in rate:
        figures += [
            ("telemetry throughput cost (%)", 100 * (1 - rate["full"] / rate["off"]), "<= 3",
             rate["full"] >= 0.97 * rate["off"]),
            ("telemetry CPU per event in the enricher (us)", cpu["full"] - cpu["off"], "<= 1.5",
             cpu["full"] - cpu["off"] <= 1.5),
        ]
    if "full" in rate and "no_log_export" in rate:
        figures.append(("  of which the OTLP log export (us)", cpu["full"] - cpu["no_log_export"], "-", None))
    if "ratio_0.1" in rate and "off" in rate:
        figures.append(("telemetry CPU per event at 10% sampling (us)", cpu["ratio_0.1"] - cpu["off"], "-", None))
    if "full" in rate and "off" in rate:
        figures.append(("full/off throughput", rate["full"] / rate["off"], ">= 0.8", rate["full"] >= 0.8 * rate["off"]))
    if with_latency:
        figures += [
            ("telemetry p99 latency cost (ms)", p99["full"] - p99["off"], "<= 1", p99["full"] - p99["off"] <= 1.0),
            ("telemetry extra RSS (MiB)", rss["full"] - rss["off"], "<= 10", rss["full"] - rss["off"] <= 10),
        ]
    if "full" in rate and "dead_collector" in rate:
        figures.append(("dead Collector throughput change (%)", 100 * (rate["dead_collector"] / rate["full"] - 1),
                        "within 5", abs(rate["dead_collector"] / rate["full"] - 1) <= 0.05))
    if "go_full" in rate and "go_off" in rate:
        figures += [
            ("Go peer: telemetry CPU per event (us)", cpu["go_full"] - cpu["go_off"], "-", None),
            ("Go peer: full/off throughput", rate["go_full"] / rate["go_off"], "-", None),
        ]
    return figures


def side_by_side(rate, cpu):
    """Per agent that ran in both modes: events/s full and off, their ratio, CPU µs per event full
    and off, and telemetry CPU per event (full - off)."""
    rows = {}
    for agent, (full, off) in (("cpp", ("full", "off")), ("go", ("go_full", "go_off"))):
        if full in rate and off in rate:
            rows[agent] = {"events_per_second_full": rate[full], "events_per_second_off": rate[off],
                           "full_off_ratio": rate[full] / rate[off],
                           "cpu_us_per_event_full": cpu[full], "cpu_us_per_event_off": cpu[off],
                           "telemetry_cpu_us_per_event": cpu[full] - cpu[off]}
    return rows


def print_side_by_side(rows):
    if not rows:
        return
    names = {"cpp": "C++ enricher (libs/telemetry)", "go": "Go peer (OpenTelemetry Go SDK)"}
    print("\n  agent                           events/s full    off   ratio   CPU µs/event full    off   telemetry")
    for agent, r in rows.items():
        print(f"  {names[agent]:<31} {r['events_per_second_full']:13.0f} {r['events_per_second_off']:6.0f}"
              f"   {r['full_off_ratio']:5.2f}   {r['cpu_us_per_event_full']:17.2f} {r['cpu_us_per_event_off']:6.2f}"
              f"   {r['telemetry_cpu_us_per_event']:9.2f}")


def run(args):
    print(f"prefilling {args.events} events ...", flush=True)
    topic = prefill(args.events, args.base_port)
    # The peer's modes right after the C++ full and off, so each round alternates the four.
    order = [m for m in args.modes if m in ("full", "off")]
    order += list(PEER_MODES) if PEER_EXECUTABLE else []
    order += [m for m in args.modes if m not in ("full", "off")]
    throughput = {m: [] for m in order}
    # Pinned, the publisher and recorder would share one CPU with the whole stack and fall behind,
    # so the chain's latency (and the RSS read at its end) would measure that CPU, not telemetry.
    with_latency = not args.pin and not args.no_latency and {"full", "off"} <= set(args.modes)
    latency = {m: [] for m in ("full", "off")} if with_latency else {}
    for round_no in range(1, args.rounds + 1):
        for mode in order:
            result = throughput_run(mode, topic, args.events, args.base_port)
            throughput[mode].append(result)
            print(f"round {round_no} throughput {mode:>14}: {result['events_per_second']:9.0f} events/s, "
                  f"{result['cpu_us_per_event']:6.2f} µs CPU/event", flush=True)
        for mode in latency:
            result = latency_run(mode, args.rate, args.seconds, args.base_port)
            latency[mode].append(result)
            print(f"round {round_no} latency    {mode:>14}: p50 {result['p50_ms']:6.2f} ms, "
                  f"p99 {result['p99_ms']:6.2f} ms ({result['samples']} events), "
                  f"rss {result['rss_kib'] / 1024:6.1f} MiB", flush=True)

    rate, cpu, rss, p99 = medians(throughput, latency)
    figures = target_figures(rate, cpu, rss, p99, bool(latency))
    print(f"\nmedians of {args.rounds} rounds, {args.events} events per throughput run, "
          + ("enricher pinned to its own CPU" if args.pin else "enricher unpinned")
          + (f", latency at {args.rate:.0f} events/s:" if latency else " (no latency runs):"))
    for mode in throughput:
        print(f"  {mode:>14}: {rate[mode]:9.0f} events/s  {cpu[mode]:6.2f} µs CPU/event"
              + (f"  p50 {median_of(latency[mode], 'p50_ms'):.2f} ms  p99 {p99[mode]:.2f} ms  rss {rss[mode]:.1f} MiB"
                 if mode in latency else ""))
    rows = side_by_side(rate, cpu)
    print_side_by_side(rows)
    print()
    for name, value, target, met in figures:
        verdict = "" if met is None else ("met" if met else "NOT met")
        print(f"  {name:<48} {value:10.2f}   target {target:<9} {verdict}")

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"events": args.events, "rounds": args.rounds, "latency_rate": args.rate, "pinned": args.pin,
                   "throughput": throughput, "latency": latency, "side_by_side": rows,
                   "figures": [{"name": n, "value": v, "target": t, "met": m} for n, v, t, m in figures]},
                  f, indent=2)
    print(f"\nreport: {args.out}")


if __name__ == "__main__":
    main()
