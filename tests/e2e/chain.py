"""Runs the three agents as a private chain for one test class: its own topics, consumer groups
and HTTP ports, so the counts a test asserts are exactly the events it sent, whatever else runs
on the stack (e.g. the demo).

An agent may run as several instances of one consumer group: spawn("enricher", instance=2).
Instance 1 is named by the agent's name ("enricher"), instance n > 1 by "enricher-n"; every
method that takes an agent name takes an instance name too. Instance n of the agent at index i
listens on base_port + 3 (n - 1) + i, so chains whose base ports are 10 apart can each run up to
three instances of every agent."""
import os
import signal
import subprocess
import tempfile
import time
import urllib.request

import e2elib as e2e

AGENTS = ("publisher", "enricher", "recorder")


def instance_name(agent, instance=1):
    """How an instance is named in ports, procs, log files and stop() results."""
    return agent if instance == 1 else f"{agent}-{instance}"


class Chain:
    def __init__(self, base_port=18080, extra_env=None, agents=AGENTS, cpus=None, executables=None):
        tag = e2e.random_hex(4)
        self.agents = agents
        self.raw, self.enriched = f"e2e.{tag}.raw", f"e2e.{tag}.enriched"
        self.ports = {name: base_port + i for i, name in enumerate(AGENTS)}
        self.logdir = tempfile.mkdtemp(prefix="edaobs-chain-")
        self.procs = {}
        self.extra_env = extra_env or {}
        self.cpus = cpus or {}  # agent name -> set of CPUs it may run on (all threads)
        # agent name -> program run in its place (the load test's Go peer of the enricher)
        self.executables = executables or {}
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
        for name in self.agents:
            self.spawn(name)
        if not wait_ready:
            return
        try:
            for name in self.agents:
                e2e.wait_for(f"{name} /ready", lambda n=name: self._ready(n), timeout=60)
        except BaseException:
            self.stop(timeout=10)
            raise

    def port(self, agent, instance=1):
        name = instance_name(agent, instance)
        if name not in self.ports:
            self.ports[name] = self.ports[agent] + len(AGENTS) * (instance - 1)
        return self.ports[name]

    def env(self, name, instance=1):
        """The environment an agent (instance) of this chain runs with; a None in extra_env
        unsets a variable. Every instance of an agent joins the same consumer group."""
        topics = {"publisher": {"EDAOBS_OUTPUT_TOPIC": self.raw},
                  "enricher": {"EDAOBS_INPUT_TOPIC": self.raw, "EDAOBS_OUTPUT_TOPIC": self.enriched},
                  "recorder": {"EDAOBS_INPUT_TOPIC": self.enriched}}
        env = dict(os.environ)
        env.update({
            "KAFKA_BROKERS": e2e.KAFKA, "KAFKA_GROUP_ID": f"e2e-{self.tag}-{name}",
            "OTEL_EXPORTER_OTLP_ENDPOINT": e2e.OTLP_HTTP, "OTEL_BSP_SCHEDULE_DELAY": "200",
            "EDAOBS_HTTP_ADDRESS": "127.0.0.1", "EDAOBS_HTTP_PORT": str(self.port(name, instance)),
            "EDAOBS_RATE": "0", "EDAOBS_LOG_OUTPUT": self.log_path(instance_name(name, instance)),
        })
        env.update(topics[name])
        env.update(self.extra_env.get(name, {}))
        if instance > 1 and env.get("KAFKA_GROUP_INSTANCE_ID"):
            env["KAFKA_GROUP_INSTANCE_ID"] += f"-{instance}"  # static member ids are unique
        return {k: v for k, v in env.items() if v is not None}

    def spawn(self, name, instance=1, stderr=None):
        """Starts (or, after kill(), restarts) one agent instance; its log file is appended to.
        stderr: a file descriptor its stderr goes to instead of the <log>.stderr file."""
        key = instance_name(name, instance)
        if instance > 1:
            e2e.require_free_ports([self.port(name, instance)], f"chain {self.tag}'s {key}")
        exe = self.executables.get(name) or os.path.join(e2e.BUILD_DIR, "agents", name, name)
        # Affinity set before exec, so every thread the agent starts inherits it.
        pin = (lambda cpus=self.cpus[name]: os.sched_setaffinity(0, cpus)) if name in self.cpus else None
        env = self.env(name, instance)
        with open(self.log_path(key) + ".stderr", "a") as stderr_log:
            self.procs[key] = subprocess.Popen([exe], env=env, stdout=subprocess.DEVNULL,
                                               stderr=stderr_log if stderr is None else stderr, preexec_fn=pin)
        return key

    def kill(self, name):
        """kill -9 one agent (a crash) and reap it."""
        proc = self.procs[name]
        proc.kill()
        proc.wait(timeout=10)

    def terminate(self, name, timeout=30):
        """SIGTERM one agent instance; returns (exit code, seconds to exit), or (None, timeout)
        if it had not exited by then (it is then killed)."""
        proc = self.procs[name]
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=timeout), time.monotonic() - start
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return None, timeout

    def wait_ready(self, name, timeout=60):
        e2e.wait_for(f"{name} /ready", lambda: self._ready(name), timeout=timeout, interval=0.1)

    def _ready(self, name):
        if self.procs[name].poll() is not None:
            stderr_log = self.log_path(name) + ".stderr"
            tail = open(stderr_log).read()[-2000:] if os.path.exists(stderr_log) else ""
            raise AssertionError(f"{name} exited with {self.procs[name].returncode}: {tail}")
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
