#!/usr/bin/env python3
"""Waits until Alertmanager has delivered a firing alert to the webhook receiver
(observability/alertmanager/webhook_receiver.py) and prints it.

Usage: wait_for_alert.py --alertname EventProcessingErrorRateHigh [--path /alerts/critical]
                         [--label service=enricher ...] [--webhook http://127.0.0.1:9095]
                         [--timeout 240]
Exit status 0 when such an alert arrived, 1 on timeout (listing what did arrive)."""
import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def received(webhook, path):
    query = "?" + urllib.parse.urlencode({"path": path}) if path else ""
    with urllib.request.urlopen(f"{webhook}/alerts{query}", timeout=5) as resp:
        return json.loads(resp.read())


def matching(entries, alertname, wanted):
    for entry in entries:
        for alert in entry["payload"].get("alerts", []):
            lbls = alert.get("labels", {})
            if alert.get("status") == "firing" and lbls.get("alertname") == alertname \
                    and all(lbls.get(k) == v for k, v in wanted.items()):
                return entry, alert
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alertname", required=True)
    parser.add_argument("--path", default="", help="only notifications posted to this path, e.g. /alerts/critical")
    parser.add_argument("--label", action="append", default=[], help="name=value the alert must carry")
    parser.add_argument("--webhook", default="http://127.0.0.1:9095")
    parser.add_argument("--timeout", type=float, default=240)
    args = parser.parse_args(argv)
    wanted = dict(item.split("=", 1) for item in args.label)
    deadline = time.monotonic() + args.timeout
    entries, last_error = [], None
    while time.monotonic() < deadline:
        try:
            entries = received(args.webhook.rstrip("/"), args.path)
            found = matching(entries, args.alertname, wanted)
            if found:
                entry, alert = found
                print(json.dumps({"path": entry["path"], "receiver": entry["payload"].get("receiver"),
                                  "labels": alert["labels"], "annotations": alert.get("annotations", {}),
                                  "startsAt": alert.get("startsAt")}, indent=2))
                return 0
        except (urllib.error.URLError, OSError, ValueError) as exc:
            last_error = exc
        time.sleep(2)
    names = sorted({(a["labels"].get("alertname"), a.get("status")) for e in entries for a in e["payload"].get("alerts", [])})
    print(f"timed out after {args.timeout:.0f}s: no firing {args.alertname} {wanted} at {args.webhook}{args.path or '/alerts'}; "
          f"received: {names or 'nothing'}" + (f"; last error: {last_error}" if last_error else ""), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
