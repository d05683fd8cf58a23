"""The dashboards decode with the Grafana Foundation SDK's dashboard types with unknown fields
refused (check_dashboard_sdk.sh); and the check is strict: a field the schema does not have, at
the dashboard, a panel, its field config, a variable or a link, or a value of the wrong type,
fails it and is named."""
import copy
import json
import os
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DASHBOARD = os.path.join(ROOT, "observability", "grafana", "dashboards", "eda-system-dashboard.json")
CHECK = os.path.join(HERE, "check_dashboard_sdk.sh")


def run_check(*paths):
    return subprocess.run([CHECK, *paths], capture_output=True, text=True, timeout=600)


def panel(d, kind):
    return next(p for p in d["panels"] if p["type"] == kind)


class DashboardSdkTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(DASHBOARD, encoding="utf-8") as f:
            cls.dashboard = json.load(f)

    def test_every_dashboard_decodes_with_no_unknown_fields(self):
        out = run_check()
        self.assertEqual(0, out.returncode, out.stdout + out.stderr)
        self.assertIn("eda-system-dashboard.json: decoded", out.stdout)

    def assertRefused(self, mutate, expected):
        d = copy.deepcopy(self.dashboard)
        mutate(d)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(d, f)
        self.addCleanup(os.remove, f.name)
        out = run_check(f.name)
        self.assertNotEqual(0, out.returncode, f"accepted a dashboard with {expected}")
        self.assertIn(expected, out.stderr)

    def test_unknown_fields_are_refused_at_every_level(self):
        cases = [
            (lambda d: d.update(refreshh="5s"), "refreshh"),
            (lambda d: panel(d, "timeseries").update(gridpos={"x": 0}), "gridpos"),
            (lambda d: panel(d, "stat")["fieldConfig"]["defaults"].update(untis="s"), "untis"),
            (lambda d: panel(d, "stat")["options"].update(colourMode="value"), "colourMode"),
            (lambda d: d["templating"]["list"][1].update(mutli=True), "mutli"),
            (lambda d: d["links"][0].update(newTab=True), "newTab"),
            (lambda d: d["timepicker"].update(time_options=["5m"]), "time_options"),
            (lambda d: panel(d, "timeseries")["targets"][0].update(expression="up"), "expression"),
        ]
        for mutate, field in cases:
            with self.subTest(field=field):
                self.assertRefused(mutate, field)

    def test_wrong_types_are_refused(self):
        self.assertRefused(lambda d: panel(d, "timeseries")["gridPos"].update(w="12"), "gridPos")


if __name__ == "__main__":
    unittest.main()
