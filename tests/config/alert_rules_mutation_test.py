"""The promtool tests must pin every alert's `for:`: for each alert, a copy of the rules with
that alert's `for:` doubled, and one with it halved, must make `promtool test rules` fail.
An alert whose tests pass either way is not really tested. Each mutation runs only the test
groups that check the mutated alert, a few at a time, to keep this quick."""
import glob
import os
import shutil
import subprocess
import tempfile
import unittest
from concurrent.futures import ThreadPoolExecutor

import yaml

import lint_alert_rules as rules

UNITS = {"s": 1, "m": 60, "h": 3600}


def seconds(duration):
    return int(duration[:-1]) * UNITS[duration[-1]]


class AlertRulesMutationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(rules.RULES, encoding="utf-8") as f:
            cls.doc = yaml.safe_load(f)
        cls.names = [r["alert"] for g in cls.doc["groups"] for r in g["rules"] if "alert" in r]
        cls.tmp = tempfile.mkdtemp(prefix="edaobs-rules-mutation-")
        cls.sources = []
        for path in sorted(glob.glob(os.path.join(rules.TESTS, "*.yml"))):
            with open(path, encoding="utf-8") as f:
                cls.sources.append(yaml.safe_load(f))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_mutation(self, name, rules_doc, tag):
        """True when promtool passes the tests of alert `name` against rules_doc."""
        work = os.path.join(self.tmp, f"{name}-{tag}")
        os.makedirs(work)
        rules_path = os.path.join(work, "alert_rules.yml")
        with open(rules_path, "w", encoding="utf-8") as f:
            yaml.safe_dump(rules_doc, f, sort_keys=False)
        files = []
        for i, source in enumerate(self.sources):
            tests = [t for t in source.get("tests", [])
                     if any(c["alertname"] == name for c in t.get("alert_rule_test", []))]
            if not tests:
                continue
            doc = dict(source, rule_files=[rules_path], tests=tests)
            path = os.path.join(work, f"tests{i}.yml")
            with open(path, "w", encoding="utf-8") as f:
                yaml.safe_dump(doc, f, sort_keys=False)
            files.append(path)
        self.assertTrue(files, f"{name}: no promtool test checks this alert")
        proc = subprocess.run(["promtool", "test", "rules", *files], capture_output=True, text=True)
        return proc.returncode == 0, proc.stdout + proc.stderr

    def mutated(self, name, factor):
        doc = yaml.safe_load(yaml.safe_dump(self.doc))
        rule = next(r for g in doc["groups"] for r in g["rules"] if r.get("alert") == name)
        rule["for"] = f"{int(seconds(rule['for']) * factor)}s"
        return doc, rule["for"]

    def test_every_alert_passes_its_tests_unmodified(self):
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda n: (n, self.run_mutation(n, self.doc, "original")), self.names))
        for name, (ok, out) in results:
            self.assertTrue(ok, f"{name}: {out}")

    def test_every_for_duration_is_pinned(self):
        jobs = []
        for name in self.names:
            for factor, label in ((2, "doubled"), (0.5, "halved")):
                doc, duration = self.mutated(name, factor)
                jobs.append((name, label, duration, doc))
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda j: self.run_mutation(j[0], j[3], j[1])[0], jobs))
        for (name, label, duration, _), passed in zip(jobs, results):
            with self.subTest(alert=name, change=label):
                self.assertFalse(passed, f"{name}: its tests still pass with for: {duration} ({label})")


if __name__ == "__main__":
    unittest.main()
