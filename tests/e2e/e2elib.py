"""Small helpers shared by the end-to-end tests: HTTP JSON calls, waiting on conditions, stack
addresses. Standard library only."""
import json
import os
import secrets
import subprocess
import time
import urllib.error
import urllib.request

ROOT = os.environ.get("EDAOBS_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD_DIR = os.environ.get("EDAOBS_BUILD_DIR", os.path.join(ROOT, "build"))

# The bootstrap list (comma-separated) the chains' agents and kcat use: the single node by
# default; the three-node cluster's scenarios (tests/faults/cluster.py) point it at all three.
KAFKA = os.environ.get("EDAOBS_KAFKA_BROKERS", "127.0.0.1:9092")
OTLP_HTTP = "http://127.0.0.1:4318"
JAEGER = "http://127.0.0.1:16686"
PROMETHEUS = "http://127.0.0.1:9090"
ALERTMANAGER = "http://127.0.0.1:9093"
VICTORIALOGS = "http://127.0.0.1:9428"


def http_json(url, body=None, headers=None, timeout=5.0):
    """GET (or POST when body is given) and decode a JSON answer. Raises on HTTP errors."""
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, headers=hdrs)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        raw = resp.read()
        return json.loads(raw) if raw else None


def http_text(url, headers=None, timeout=5.0):
    req = urllib.request.Request(url, headers=dict(headers or {}))
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.read().decode()


def wait_for(what, probe, timeout=60.0, interval=0.5):
    """Polls probe() until it returns a truthy value, which is returned. On timeout raises an
    AssertionError naming what was awaited and the last value or error seen."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = probe()
            if value:
                return value
            last = value
        except (urllib.error.URLError, OSError, ValueError, KeyError) as exc:
            last = repr(exc)
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}; last: {last}")
        time.sleep(interval)


def random_hex(nbytes):
    return secrets.token_hex(nbytes)


def run(cmd, timeout=60, input_bytes=None):
    """Runs a command, returns stdout; raises with stderr on failure."""
    proc = subprocess.run(cmd, input=input_bytes, capture_output=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}")
    return proc.stdout


def jaeger_trace(trace_id_hex):
    """The trace from Jaeger's query API, or None while it is not there yet."""
    try:
        doc = http_json(f"{JAEGER}/api/traces/{trace_id_hex}")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise
    data = doc.get("data") or []
    return data[0] if data else None


def port_in_use(port):
    import socket
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _listening_socket_inodes(port):
    """Inodes of the TCP sockets listening on `port` (any address, IPv4 or IPv6)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            # local_address is HEX_IP:HEX_PORT; state 0A is LISTEN.
            if len(cols) > 9 and cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(cols[9])
    return inodes


def port_holder(port):
    """Who listens on `port`: "pid N (command line)" for each process holding the socket, from
    /proc; a plain note when the holder is not visible to this user."""
    inodes = _listening_socket_inodes(port)
    wanted = {f"socket:[{i}]" for i in inodes}
    holders = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if not any(os.readlink(f"/proc/{pid}/fd/{fd}") in wanted for fd in fds):
                continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = " ".join(f.read().decode(errors="replace").split("\0")).split()
            cmd = " ".join(cmd)[:160]
            holders.append(f"pid {pid} ({cmd or '?'})")
        except OSError:
            continue
    if holders:
        return ", ".join(holders)
    return "a process not visible to this user" if inodes else "a process that is gone or not listening now"


def require_free_ports(ports, why):
    """The busy-port rule: a test that needs fixed ports fails (never skips) when one is taken,
    naming what holds it, so a green run always means the test ran."""
    busy = [f"{p} is held by {port_holder(p)}" for p in ports if port_in_use(p)]
    if busy:
        raise AssertionError(f"{why} needs free ports, but " + "; ".join(busy)
                             + " (stop it, e.g. `make stack-down` for the demo's agents)")


def metric_sum(url, name, **labels):
    """Sum of the samples of metric `name` on a /metrics page whose labels include `labels`."""
    import re
    total = 0.0
    for line in http_text(url).splitlines():
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)", line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        if all(got.get(k) == v for k, v in labels.items()):
            total += float(m.group(4))
    return total


def otlp_log_payload(service, trace_id, span_id, body, severity="INFO", severity_number=9, **fields):
    """One OTLP/JSON log record, shaped like the agents' records: trace and span ids, the
    service as a resource attribute, structured fields as attributes."""
    return {"resourceLogs": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
        "scopeLogs": [{"scope": {"name": "e2e"}, "logRecords": [{
            "timeUnixNano": str(time.time_ns()), "severityText": severity, "severityNumber": severity_number,
            "body": {"stringValue": body}, "traceId": trace_id, "spanId": span_id,
            "attributes": [{"key": k, "value": {"stringValue": str(v)}} for k, v in fields.items()],
        }]}],
    }]}


def post_otlp_log(service, trace_id, span_id, body, **fields):
    http_json(f"{OTLP_HTTP}/v1/logs", body=otlp_log_payload(service, trace_id, span_id, body, **fields))


def logsql(query, base=VICTORIALOGS, timeout=10.0):
    """Runs a LogsQL query on VictoriaLogs' query API; the matching records as dicts."""
    import urllib.parse
    url = f"{base}/select/logsql/query?" + urllib.parse.urlencode({"query": query})
    return [json.loads(line) for line in http_text(url, timeout=timeout).splitlines() if line.strip()]


def logs_of_trace(trace_id):
    return logsql(f'trace_id:"{trace_id}"')
