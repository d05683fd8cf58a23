#!/usr/bin/env python3
"""A webhook receiver for Alertmanager that records every notification.

Alertmanager posts to http://127.0.0.1:9095/alerts/<severity> (alertmanager.yml). Each POST is
appended as one JSON line {"received_at", "path", "payload"} to --out, and kept in memory so that
GET /alerts returns all of them as a JSON array (GET /alerts?path=/alerts/critical filters).
GET /-/healthy answers 200. Standard library only: it runs natively in the e2e tests and, in
docker-compose.yml, inside the alertmanager container's network namespace.
"""
import argparse
import json
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MAX_BODY_BYTES = 4 * 1024 * 1024  # Alertmanager batches are small; refuse anything absurd


class Recorder:
    """Keeps the notifications in order and appends each to the output file as it arrives."""

    def __init__(self, out_path):
        self._lock = threading.Lock()
        self._entries = []
        self._out = open(out_path, "a", encoding="utf-8") if out_path else None

    def add(self, path, payload):
        entry = {"received_at": time.time(), "path": path, "payload": payload}
        with self._lock:
            self._entries.append(entry)
            if self._out:
                self._out.write(json.dumps(entry, separators=(",", ":")) + "\n")
                self._out.flush()

    def entries(self, path=None):
        with self._lock:
            return [e for e in self._entries if path is None or e["path"] == path]

    def close(self):
        if self._out:
            self._out.close()


def make_handler(recorder):
    class Handler(BaseHTTPRequestHandler):
        server_version = "edaobs-alert-webhook/1"

        def _reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_BODY_BYTES:
                self._reply(400, {"error": "a JSON body of at most 4 MiB is required"})
                return
            try:
                payload = json.loads(self.rfile.read(length))
            except ValueError as exc:
                self._reply(400, {"error": f"invalid JSON: {exc}"})
                return
            recorder.add(urlsplit(self.path).path, payload)
            self._reply(200, {"status": "recorded"})

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path == "/-/healthy":
                self._reply(200, {"status": "ok"})
            elif url.path == "/alerts":
                only = parse_qs(url.query).get("path", [None])[0]
                self._reply(200, recorder.entries(only))
            else:
                self._reply(404, {"error": "not found"})

        def log_message(self, fmt, *args):  # one line per request on stderr, with a timestamp
            sys.stderr.write("%s %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), fmt % args))

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:9095", help="host:port (default %(default)s)")
    parser.add_argument("--out", default="", help="append each notification as a JSON line here")
    args = parser.parse_args(argv)
    host, _, port = args.listen.rpartition(":")
    recorder = Recorder(args.out)
    server = ThreadingHTTPServer((host or "127.0.0.1", int(port)), make_handler(recorder))
    # SIGTERM (stack scripts, docker stop) ends serve_forever from another thread.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    sys.stderr.write(f"alert webhook receiver on {args.listen}, recording to {args.out or 'memory'}\n")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        recorder.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
