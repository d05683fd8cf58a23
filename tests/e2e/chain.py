"""Runs the three agents as a private chain for one test class: its own topics, consumer groups
and HTTP ports, so the counts a test asserts are exactly the events it sent, whatever else runs
on the stack (e.g. the demo)."""
import os
import signal
import subprocess
import tempfile
import time
import urllib.request

import e2elib as e2e

AGENTS = ("publisher", "enricher", "recorder")


class Chain:
    def __init__(self, base_port=18080, extra_env=None, agents=AGENTS, cpus=None):
        tag = e2e.random_hex(4)
        self.agents = agents
        self.raw, self.enriched = f"e2e.{tag}.raw", f"e2e.{tag}.enriched"
        self.ports = {name: base_port + i for i, name in enumerate(AGENTS)}
        self.logdir = tempfile.mkdtemp(prefix="edaobs-chain-")
        self.procs = {}
        self.extra_env = extra_env or {}
        self.cpus = cpus or {}  # agent name -> set of CPUs it may run on (all threads)
        self.tag = tag

    def url(self, agent, path):
        return f"http://127.0.0.1:{self.ports[agent]}{path}"

    def log_path(self, agent):
        return os.path.join(self.logdir, f"{agent}.log")

    def start(self, wait_ready=True):
        e2e.require_free_ports([self.ports[n] for n in self.agents], f"chain {self.tag}'s agents")
        # A metadata request for a missing topic creates it (the broker auto-creates topics);
        # consumers only get partitions, and become ready, once their input topic exists.
        for topic in (self.raw, self.enriched):
            e2e.run(["kcat", "-b", e2e.KAFKA, "-L", "-t", topic])
        topics = {"publisher": {"EDAOBS_OUTPUT_TOPIC": self.raw},
                  "enricher": {"EDAOBS_INPUT_TOPIC": self.raw, "EDAOBS_OUTPUT_TOPIC": self.enriched},
                  "recorder": {"EDAOBS_INPUT_TOPIC": self.enriched}}
        for name in self.agents:
            env = dict(os.environ)
            env.update({
                "KAFKA_BROKERS": e2e.KAFKA, "KAFKA_GROUP_ID": f"e2e-{self.tag}-{name}",
                "OTEL_EXPORTER_OTLP_ENDPOINT": e2e.OTLP_HTTP, "OTEL_BSP_SCHEDULE_DELAY": "200",
                "EDAOBS_HTTP_ADDRESS": "127.0.0.1", "EDAOBS_HTTP_PORT": str(self.ports[name]),
                "EDAOBS_RATE": "0", "EDAOBS_LOG_OUTPUT": self.log_path(name),
            })
            env.update(topics[name])
            env.update(self.extra_env.get(name, {}))
            exe = os.path.join(e2e.BUILD_DIR, "agents", name, name)
            # Affinity set before exec, so every thread the agent starts inherits it.
            pin = (lambda cpus=self.cpus[name]: os.sched_setaffinity(0, cpus)) if name in self.cpus else None
            with open(self.log_path(name) + ".stderr", "w") as stderr:
                self.procs[name] = subprocess.Popen([exe], env=env, stdout=subprocess.DEVNULL, stderr=stderr,
                                                    preexec_fn=pin)
        if not wait_ready:
            return
        try:
            for name in self.agents:
                e2e.wait_for(f"{name} /ready", lambda n=name: self._ready(n), timeout=60)
        except BaseException:
            self.stop(timeout=10)
            raise

    def _ready(self, name):
        if self.procs[name].poll() is not None:
            raise AssertionError(f"{name} exited with {self.procs[name].returncode}: "
                                 + open(self.log_path(name) + ".stderr").read()[-2000:])
        try:
            with urllib.request.urlopen(self.url(name, "/ready"), timeout=2) as resp:
                return resp.status == 200
        except OSError:
            return False

    def stop(self, timeout=30):
        """SIGTERM every agent; returns {name: (exit code, seconds to exit)}."""
        results = {}
        for name, proc in self.procs.items():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for name, proc in self.procs.items():
            start = time.monotonic()
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
            results[name] = (code, time.monotonic() - start)
        return results

    def post_event(self, event_type, subject, data):
        return e2e.http_json(self.url("publisher", "/events"),
                             body={"type": event_type, "subject": subject, "data": data})

    def metric_sum(self, agent, name, **labels):
        """Sum of a metric's samples on an agent's /metrics whose labels include `labels`."""
        return e2e.metric_sum(self.url(agent, "/metrics"), name, **labels)

    def log_lines(self, agent):
        import json
        lines = []
        with open(self.log_path(agent)) as f:
            for raw in f:
                lines.append(json.loads(raw))
        return lines
