"""The dashboard lint must catch what it claims to: each case breaks one thing in a copy of the
real dashboard and expects the matching finding (and the unbroken copy to be clean)."""
import copy
import json
import os
import tempfile
import unittest

import lint_dashboard as lint

DASHBOARD = os.path.join(lint.GRAFANA, "dashboards", "eda-system-dashboard.json")


def panel(dash, title):
    return next(p for p in dash["panels"] if p.get("title") == title)


class LintDashboardTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(DASHBOARD, encoding="utf-8") as f:
            cls.original = json.load(f)
        cls.exclusions = lint.load_exclusions(DASHBOARD)
        _, cls.uids = lint.lint_provisioning()

    def findings(self, mutate):
        dash = copy.deepcopy(self.original)
        mutate(dash)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "eda-system-dashboard.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(dash, f)
            return lint.Linter(path, self.exclusions, self.uids).run()

    def assertFinding(self, rule, mutate):
        found = self.findings(mutate)
        self.assertTrue(any(f": {rule}" in f for f in found), f"expected a {rule} finding, got {found}")

    def test_the_real_dashboard_is_clean(self):
        self.assertEqual([], self.findings(lambda d: None))

    def test_invalid_promql(self):
        def m(d):
            panel(d, "Threads")["targets"][0]["expr"] = "sum by (service (process_threads)"
        self.assertFinding("target-promql-rule", m)

    def test_unknown_metric(self):
        def m(d):
            panel(d, "Threads")["targets"][0]["expr"] = 'process_thread{service=~"$service"}'
        self.assertFinding("edaobs-known-metrics", m)

    def test_counter_without_rate(self):
        def m(d):
            panel(d, "Event processing rate")["targets"][0]["expr"] = "sum by (service) (events_processed_total)"
        self.assertFinding("target-counter-agg-rule", m)

    def test_fixed_rate_window(self):
        def m(d):
            panel(d, "CPU usage")["targets"][0]["expr"] = "sum by (service) (rate(process_cpu_seconds_total[5m]))"
        self.assertFinding("target-rate-interval-rule", m)

    def test_missing_description(self):
        self.assertFinding("panel-title-description-rule", lambda d: panel(d, "Consumer lag").pop("description"))

    def test_missing_unit(self):
        self.assertFinding("panel-units-rule", lambda d: panel(d, "Consumer lag")["fieldConfig"]["defaults"].pop("unit"))

    def test_fixed_prometheus_uid(self):
        def m(d):
            panel(d, "Consumer lag")["targets"][0]["datasource"] = {"type": "prometheus", "uid": "prometheus"}
        self.assertFinding("panel-datasource-rule", m)

    def test_unknown_datasource_uid(self):
        def m(d):
            panel(d, "Trace timeline")["targets"][0]["datasource"] = {"type": "jaeger", "uid": "tempo"}
        self.assertFinding("edaobs-datasource-uid", m)

    def test_overlapping_panels(self):
        def m(d):
            panel(d, "Threads")["gridPos"] = dict(panel(d, "CPU usage")["gridPos"])
        self.assertFinding("edaobs-layout", m)

    def test_duplicate_panel_id(self):
        def m(d):
            panel(d, "Threads")["id"] = panel(d, "CPU usage")["id"]
        self.assertFinding("edaobs-layout", m)

    def test_missing_time_option(self):
        self.assertFinding("edaobs-time-options", lambda d: d["timepicker"]["quick_ranges"].pop())

    def test_single_select_variable(self):
        def m(d):
            next(v for v in d["templating"]["list"] if v["name"] == "service")["multi"] = False
        self.assertFinding("edaobs-variables", m)

    def test_missing_service_map(self):
        def m(d):
            d["panels"] = [p for p in d["panels"] if p.get("type") != "nodeGraph"]
        self.assertFinding("edaobs-required-panels", m)

    def test_old_schema(self):
        self.assertFinding("edaobs-schema-version", lambda d: d.update(schemaVersion=30))


if __name__ == "__main__":
    unittest.main()
