"""tests/e2e/make_fast_rules.py: the e2e copy differs from the real rules only in `for:`, and
promtool accepts it."""
import os
import subprocess
import sys
import tempfile
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import make_fast_rules  # noqa: E402


class FastRulesTest(unittest.TestCase):
    def test_only_for_changes_and_promtool_accepts_it(self):
        with open(make_fast_rules.RULES, encoding="utf-8") as f:
            real = yaml.safe_load(f)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "fast.yml")
            self.assertEqual(0, make_fast_rules.main([out, "--for", "15s"]))
            proc = subprocess.run(["promtool", "check", "rules", out], capture_output=True, text=True)
            self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)
            with open(out, encoding="utf-8") as f:
                fast = yaml.safe_load(f)
        real_rules = [r for g in real["groups"] for r in g["rules"]]
        fast_rules = [r for g in fast["groups"] for r in g["rules"]]
        self.assertEqual(len(real_rules), len(fast_rules))
        for r, q in zip(real_rules, fast_rules):
            self.assertEqual("15s", q["for"])
            self.assertEqual({k: v for k, v in r.items() if k != "for"}, {k: v for k, v in q.items() if k != "for"})


if __name__ == "__main__":
    unittest.main()
