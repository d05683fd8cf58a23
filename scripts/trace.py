#!/usr/bin/env python3
"""`make trace ID=<event id or trace id>`: one event's story in the terminal.

1. its trace from Jaeger's query API, as a waterfall: service, span, offset from the trace's
   start, duration bar, Kafka topic/partition/offset, errors;
2. its log lines from VictoriaLogs (by trace_id), in time order across the agents;
3. the latency percentiles of the services it went through, from Prometheus
   (histogram_quantile over event_processing_duration_seconds, last 5 minutes).

An id of 32 hex digits is a trace id; anything else is an event id (the CloudEvents id, span tag
event.id), looked up with Jaeger's tag search in every service. Exit status: 0 when the trace was
found, 1 when no trace has that id, 2 when Jaeger cannot be asked. Standard library only.
"""
import argparse
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BAR_WIDTH = 32
QUANTILES = ("0.50", "0.95", "0.99")


class Unreachable(Exception):
    """A backend did not answer (as opposed to answering that it has nothing)."""


def get(url, timeout=10.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.read().decode()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise Unreachable(f"{url}: HTTP {exc.code}") from exc
    except OSError as exc:
        raise Unreachable(f"{url}: {exc}") from exc


def get_json(url):
    text = get(url)
    return json.loads(text) if text else None


# ---------------------------------------------------------------------------------------- Jaeger
def trace_by_id(jaeger, trace_id):
    doc = get_json(f"{jaeger}/api/traces/{trace_id}")
    data = (doc or {}).get("data") or []
    return data[0] if data else None


def traces_by_event_id(jaeger, event_id):
    """Every trace with a span tagged event.id=<event_id> (one, unless the chain runs in link
    mode, where each hop starts its own trace)."""
    services = [s for s in (get_json(f"{jaeger}/api/services") or {}).get("data") or [] if s != "jaeger"]
    found = {}
    tags = json.dumps({"event.id": event_id})
    for service in services:
        query = urllib.parse.urlencode({"service": service, "tags": tags, "lookback": "7d", "limit": 20})
        for trace in (get_json(f"{jaeger}/api/traces?{query}") or {}).get("data") or []:
            found[trace["traceID"]] = trace
    # A search answer may hold only the matching service's spans: fetch each trace whole.
    return [trace_by_id(jaeger, tid) or t for tid, t in sorted(found.items())]


def tag_map(span):
    return {t["key"]: t.get("value") for t in span.get("tags") or []}


def span_depths(spans):
    by_id = {s["spanID"]: s for s in spans}
    depth = {}

    def depth_of(span, seen=()):
        if span["spanID"] in depth:
            return depth[span["spanID"]]
        parents = [r["spanID"] for r in span.get("references") or []
                   if r.get("refType") == "CHILD_OF" and r["spanID"] in by_id and r["spanID"] not in seen]
        d = depth_of(by_id[parents[0]], seen + (span["spanID"],)) + 1 if parents else 0
        depth[span["spanID"]] = d
        return d

    for s in spans:
        depth_of(s)
    return depth


def error_of(tags):
    if tags.get("error") in (True, "true") or tags.get("otel.status_code") == "ERROR":
        return tags.get("otel.status_description") or tags.get("error.type") or tags.get("dlq.reason") or "error"
    return ""


def print_waterfall(trace, out):
    spans = sorted(trace["spans"], key=lambda s: (s["startTime"], s["spanID"]))
    processes = trace.get("processes") or {}
    start = min(s["startTime"] for s in spans)
    end = max(s["startTime"] + s["duration"] for s in spans)
    total = max(end - start, 1)
    depth = span_depths(spans)
    services = sorted({processes.get(s["processID"], {}).get("serviceName", "?") for s in spans})
    out.write(f"Trace {trace['traceID']}: {len(spans)} spans, {total / 1000:.1f} ms, services {', '.join(services)}\n\n")
    names = {s["spanID"]: "  " * depth[s["spanID"]] + s["operationName"] for s in spans}
    name_width = max(len(n) for n in names.values())
    out.write(f"{'service':<11} {'span':<{name_width}} {'offset':>9} {'duration':>9}  {'':<{BAR_WIDTH}}  kafka / error\n")
    for s in spans:
        tags = tag_map(s)
        service = processes.get(s["processID"], {}).get("serviceName", "?")
        offset, duration = s["startTime"] - start, s["duration"]
        # Every span gets at least one cell, inside the bar, even the instant one at the very end.
        left = min(round(offset / total * BAR_WIDTH), BAR_WIDTH - 1)
        width = max(1, min(round(duration / total * BAR_WIDTH), BAR_WIDTH - left))
        bar = " " * left + "█" * width
        kafka = []
        if "messaging.destination.name" in tags:
            kafka.append(str(tags["messaging.destination.name"]))
        if "messaging.destination.partition.id" in tags:
            kafka.append(f"p{tags['messaging.destination.partition.id']}")
        if "messaging.kafka.offset" in tags:
            kafka.append(f"@{tags['messaging.kafka.offset']}")
        detail = "/".join(kafka)
        error = error_of(tags)
        if error:
            detail = (detail + "  " if detail else "") + f"ERROR {error}"
        out.write(f"{service:<11} {names[s['spanID']]:<{name_width}} {offset / 1000:>7.1f}ms {duration / 1000:>7.1f}ms  {bar:<{BAR_WIDTH}}  {detail}\n")
    event_ids = sorted({str(tag_map(s)["event.id"]) for s in spans if "event.id" in tag_map(s)})
    if event_ids:
        out.write(f"\nevent id: {', '.join(event_ids)}\n")
    return services, start


# ------------------------------------------------------------------------------------ VictoriaLogs
def print_logs(logs_url, trace_id, out):
    out.write(f"\nLog lines of trace {trace_id} (VictoriaLogs, in time order):\n")
    query = urllib.parse.urlencode({"query": f'trace_id:"{trace_id}" | sort by (_time)'})
    try:
        text = get(f"{logs_url}/select/logsql/query?{query}") or ""
    except Unreachable as exc:
        out.write(f"  VictoriaLogs could not be asked ({exc}); the agents' JSON lines are in .run/logs/\n")
        return 0
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    if not records:
        out.write(f"  none: VictoriaLogs holds no log line with trace_id {trace_id}\n")
        return 0
    hidden = {"_time", "_msg", "_stream", "_stream_id", "trace_id", "span_id", "service.name", "severity_text",
              "severity_number"}
    for r in records:
        extra = " ".join(f"{k}={v}" for k, v in sorted(r.items()) if k not in hidden and not k.startswith("scope."))
        out.write(f"  {r.get('_time', '?'):<30} {r.get('service.name', '?'):<10} {r.get('severity_text', '?'):<5} "
                  f"{r.get('_msg', '')}  span={r.get('span_id', '-')} {extra}\n".rstrip() + "\n")
    return len(records)


# -------------------------------------------------------------------------------------- Prometheus
def print_latency(prometheus, services, out):
    out.write("\nEvent processing latency, last 5 minutes (Prometheus, event_processing_duration_seconds):\n")
    rows = []
    for service in services:
        values = []
        for q in QUANTILES:
            expr = (f"histogram_quantile({q}, sum by (le) "
                    f"(rate(event_processing_duration_seconds_bucket{{service=\"{service}\"}}[5m])))")
            try:
                doc = get_json(f"{prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
            except Unreachable as exc:
                out.write(f"  Prometheus could not be asked ({exc})\n")
                return
            result = (doc or {}).get("data", {}).get("result") or []
            value = float(result[0]["value"][1]) if result else float("nan")
            values.append(value)
        rows.append((service, values))
    out.write(f"  {'service':<11}" + "".join(f"{'p' + q[2:]:>10}" for q in QUANTILES) + "\n")
    for service, values in rows:
        cells = "".join(f"{'-':>10}" if v != v else f"{v * 1000:>8.1f}ms" for v in values)
        out.write(f"  {service:<11}{cells}\n")
    if all(all(v != v for v in values) for _, values in rows):
        out.write("  (no samples in the last 5 minutes for these services)\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("id", help="a trace id (32 hex digits) or an event id")
    parser.add_argument("--jaeger", default="http://127.0.0.1:16686")
    parser.add_argument("--logs", default="http://127.0.0.1:9428", help="VictoriaLogs")
    parser.add_argument("--prometheus", default="http://127.0.0.1:9090")
    parser.add_argument("--wait", type=float, default=0.0,
                        help="keep looking for up to this many seconds (an event just sent)")
    args = parser.parse_args(argv)
    ident = args.id.strip()
    if not ident:
        parser.error("the id is empty")
    is_trace_id = re.fullmatch(r"[0-9a-fA-F]{32}", ident) is not None
    deadline = time.monotonic() + args.wait
    out = sys.stdout
    while True:
        try:
            traces = [trace_by_id(args.jaeger, ident.lower())] if is_trace_id else traces_by_event_id(args.jaeger, ident)
        except Unreachable as exc:
            print(f"error: Jaeger could not be asked: {exc} (is the stack up? make stack-up)", file=sys.stderr)
            return 2
        traces = [t for t in traces if t]
        if traces or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    if not traces:
        kind = "trace id" if is_trace_id else "event id (span tag event.id)"
        print(f"error: no trace found for {kind} {ident!r} in Jaeger at {args.jaeger} "
              f"(traces are kept 7 days; is it spelled right?)", file=sys.stderr)
        return 1
    services = set()
    for i, trace in enumerate(traces):
        if i:
            out.write("\n" + "-" * 100 + "\n")
        trace_services, _ = print_waterfall(trace, out)
        services |= set(trace_services)
        print_logs(args.logs, trace["traceID"], out)
    print_latency(args.prometheus, sorted(services), out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
