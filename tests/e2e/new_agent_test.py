"""An agent made by scripts/new-agent.sh works in the chain: in a scratch copy of the repository,
`auditor` is made from the enricher, built (only its targets, with this build's CMake settings),
and started between the enricher and the recorder (enricher -> enriched -> auditor -> audited ->
recorder). One POSTed event's trace holds the spans of all four agents, parented hop by hop, and
a Prometheus running the scratch copy's prometheus.yml and native target lists -- started before
the script edited them -- scrapes the auditor's /metrics without a restart."""
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import e2elib as e2e
from chain import Chain

NAME = "auditor"
BASE_PORT = 18780           # publisher, enricher, recorder: 18780-18782
AGENT_PORT = BASE_PORT + 3  # the new agent, registered with this port by the script
PROMETHEUS_PORT = 18790     # the scratch copy's Prometheus


def cache_value(build_dir, key):
    with open(os.path.join(build_dir, "CMakeCache.txt"), encoding="utf-8") as f:
        m = re.search(rf"^{key}:\w+=(.*)$", f.read(), re.M)
    return m.group(1) if m else None


def scratch_copy(dest):
    """The repository's tracked and untracked (not ignored) files, without build trees or state."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=e2e.ROOT, check=True, capture_output=True).stdout.split(b"\0")
    for rel in (f.decode() for f in files if f):
        src = os.path.join(e2e.ROOT, rel)
        if os.path.isfile(src):
            os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
            shutil.copy2(src, os.path.join(dest, rel))


class NewAgentChain(Chain):
    """The private chain with the new agent between the enricher and the recorder."""

    def __init__(self, exe):
        super().__init__(base_port=BASE_PORT, agents=("publisher", "enricher", NAME, "recorder"))
        self.audited = f"e2e.{self.tag}.audited"
        self.ports[NAME] = AGENT_PORT
        self.exe = exe

    def start(self, wait_ready=True):
        e2e.run(["kcat", "-b", e2e.KAFKA, "-L", "-t", self.audited])
        super().start(wait_ready)

    def env(self, name, instance=1):
        if name != NAME:
            env = super().env(name, instance)
            if name == "recorder":
                env["EDAOBS_INPUT_TOPIC"] = self.audited
            return env
        env = super().env("enricher")
        env.update({"KAFKA_GROUP_ID": f"e2e-{self.tag}-{NAME}", "EDAOBS_HTTP_PORT": str(AGENT_PORT),
                    "EDAOBS_LOG_OUTPUT": self.log_path(NAME),
                    "EDAOBS_INPUT_TOPIC": self.enriched, "EDAOBS_OUTPUT_TOPIC": self.audited})
        return env

    def spawn(self, name, instance=1, stderr=None):
        if name != NAME:
            return super().spawn(name, instance, stderr)
        with open(self.log_path(name) + ".stderr", "a") as stderr:
            self.procs[name] = subprocess.Popen([self.exe], env=self.env(name), stdout=subprocess.DEVNULL, stderr=stderr)


class ScratchPrometheus:
    """Prometheus on the scratch copy's prometheus.yml with targets/current -> its targets/native,
    as scripts/stack-up.sh lays it out; no rules, so it sends no alerts to the shared stack."""

    def __init__(self, repo):
        self.dir = tempfile.mkdtemp(prefix="edaobs-newagent-prom-")
        os.makedirs(os.path.join(self.dir, "targets"))
        os.symlink(os.path.join(repo, "observability/prometheus/prometheus.yml"), os.path.join(self.dir, "prometheus.yml"))
        with open(os.path.join(self.dir, "alert_rules.yml"), "w") as f:
            f.write("groups: []\n")
        os.symlink(os.path.join(repo, "observability/prometheus/targets/native"), os.path.join(self.dir, "targets/current"))
        self.url = f"http://127.0.0.1:{PROMETHEUS_PORT}"
        self.proc = None

    def start(self):
        e2e.require_free_ports([PROMETHEUS_PORT], "the scratch copy's Prometheus")
        self.log = open(os.path.join(self.dir, "prometheus.log"), "w")
        self.proc = subprocess.Popen(
            ["prometheus", f"--config.file={self.dir}/prometheus.yml", f"--storage.tsdb.path={self.dir}/data",
             f"--web.listen-address=127.0.0.1:{PROMETHEUS_PORT}"], stdout=self.log, stderr=subprocess.STDOUT)
        e2e.wait_for("scratch Prometheus ready", self._ready, timeout=60)

    def _ready(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"prometheus exited: {open(self.log.name).read()[-2000:]}")
        try:
            return e2e.http_text(f"{self.url}/-/ready") is not None
        except OSError:
            return False

    def query(self, promql):
        from urllib.parse import quote
        return e2e.http_json(f"{self.url}/api/v1/query?query={quote(promql)}")["data"]["result"]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


class NewAgentTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = tempfile.mkdtemp(prefix="edaobs-newagent-")
        cls.repo = os.path.join(cls.scratch, "repo")
        cls.prometheus = None
        cls.chain = None
        try:
            cls._set_up()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def _set_up(cls):
        scratch_copy(cls.repo)
        cls.prometheus = ScratchPrometheus(cls.repo)
        cls.prometheus.start()  # before the script edits its target lists: they must be re-read
        out = e2e.run([os.path.join(cls.repo, "scripts/new-agent.sh"), NAME, "--from", "enricher",
                       "--port", str(AGENT_PORT), "--input", "events.enriched", "--output", "events.audited"])
        print(out.decode())
        cls.build_seconds = cls._build()
        print(f"scratch configure + build of {NAME}: {cls.build_seconds:.0f} s")
        cls.chain = NewAgentChain(os.path.join(cls.build, "agents", NAME, NAME))
        cls.chain.start()

    @classmethod
    def _build(cls):
        """Configures the scratch copy as this build is configured and builds only the new agent
        and its domain unit test, which then runs."""
        started = time.monotonic()
        cls.build = os.path.join(cls.scratch, "build")
        flags = [f"-D{key}={cache_value(e2e.BUILD_DIR, key)}" for key in
                 ("CMAKE_BUILD_TYPE", "EDAOBS_SANITIZE", "EDAOBS_BUILD_TESTS", "EDAOBS_BUILD_BENCH")
                 if cache_value(e2e.BUILD_DIR, key) is not None]
        generator = cache_value(e2e.BUILD_DIR, "CMAKE_GENERATOR") or "Ninja"
        subprocess.run(["cmake", "-S", cls.repo, "-B", cls.build, "-G", generator, *flags],
                       check=True, stdout=subprocess.DEVNULL, timeout=300)
        test = f"{NAME}_domain_{NAME}_step_test"
        jobs = os.environ.get("EDAOBS_E2E_BUILD_JOBS", "2")
        result = subprocess.run(["nice", "-n", "5", "cmake", "--build", cls.build, "-j", jobs, "--target", NAME, test],
                                capture_output=True, text=True, timeout=1500)
        if result.returncode != 0:
            raise AssertionError(f"building {NAME} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
        unit = subprocess.run([os.path.join(cls.build, "agents", NAME, test)], capture_output=True, text=True, timeout=120)
        if unit.returncode != 0:
            raise AssertionError(f"{test} failed:\n{unit.stdout[-4000:]}")
        return time.monotonic() - started

    @classmethod
    def tearDownClass(cls):
        if cls.chain:
            cls.chain.stop()
        if cls.prometheus:
            cls.prometheus.stop()
        shutil.rmtree(cls.scratch, ignore_errors=True)

    def test_new_agent_between_enricher_and_recorder_is_in_the_trace_and_scraped(self):
        answer = self.chain.post_event("order.created", "audit-1",
                                       {"customer": "c-1", "amount_cents": 4200, "currency": "EUR", "country": "DE"})
        e2e.wait_for("the event recorded",
                     lambda: self.chain.metric_sum("recorder", "events_processed_total", success="true") >= 1, timeout=90)
        self.assertEqual(1, self.chain.metric_sum(NAME, "events_processed_total", success="true"))
        self.assertEqual(1, self.chain.metric_sum(NAME, "events_published_total", destination=self.chain.audited))
        # The line is written by the recorder's log worker, a moment after the metric counts it.
        recorded = e2e.wait_for("the recorder's 'event recorded' line", lambda: [
            l for l in self.chain.log_lines("recorder") if l["msg"] == "event recorded"], timeout=30)
        self.assertEqual([answer["id"]], [l["event_id"] for l in recorded])
        trace = e2e.wait_for("the trace with six spans", lambda: self._trace_of(recorded[0]["trace_id"], 6), timeout=60)
        self._assert_four_agent_trace(trace)
        self._assert_scraped()

    def _trace_of(self, trace_id, spans):
        trace = e2e.jaeger_trace(trace_id)
        return trace if trace and len(trace["spans"]) >= spans else None

    def _assert_four_agent_trace(self, trace):
        spans = {}
        for span in trace["spans"]:
            spans[(trace["processes"][span["processID"]]["serviceName"], span["operationName"])] = span
        c = self.chain
        hops = [("publisher", f"send {c.raw}"), ("enricher", f"process {c.raw}"), ("enricher", f"send {c.enriched}"),
                (NAME, f"process {c.enriched}"), (NAME, f"send {c.audited}"), ("recorder", f"process {c.audited}")]
        self.assertEqual(set(hops), set(spans), "spans of the trace")
        for parent, child in zip(hops, hops[1:]):
            refs = {r["spanID"] for r in spans[child].get("references", []) if r["refType"] == "CHILD_OF"}
            self.assertIn(spans[parent]["spanID"], refs, f"{child} is a child of {parent}")

    def _assert_scraped(self):
        """The target list the script edited reached the running Prometheus (file_sd re-reads a
        changed file), which scrapes the agent's /metrics."""
        up = e2e.wait_for(f"up{{agent={NAME!r}}} == 1 in the scratch Prometheus",
                          lambda: [r for r in self.prometheus.query(f'up{{job="agents",agent="{NAME}"}}')
                                   if r["value"][1] == "1"], timeout=90)
        self.assertEqual(f"127.0.0.1:{AGENT_PORT}", up[0]["metric"]["instance"])
        processed = e2e.wait_for(f"{NAME}'s events_processed_total scraped", lambda: self.prometheus.query(
            f'events_processed_total{{job="agents",agent="{NAME}",success="true"}} >= 1'), timeout=60)
        self.assertTrue(processed)


if __name__ == "__main__":
    unittest.main()
