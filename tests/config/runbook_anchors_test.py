"""Every alert's runbook_url (README.md#runbook-<alertname>) lands on a README heading, as
GitHub derives anchors from headings (lower case; punctuation other than - and _ removed;
spaces become hyphens), inside the README's "Runbook" section."""
import os
import re
import unittest

import lint_alert_rules as rules

README = os.path.join(rules.ROOT, "README.md")


def github_anchor(heading):
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


class RunbookAnchorsTest(unittest.TestCase):
    def test_every_alert_has_a_runbook_section(self):
        self.assertTrue(os.path.exists(README), "README.md is missing")
        with open(README, encoding="utf-8") as f:
            lines = f.read().splitlines()
        in_runbook, anchors = False, set()
        for line in lines:
            m = re.match(r"^(#+)\s+(.*)$", line)
            if not m:
                continue
            level, title = len(m.group(1)), m.group(2)
            if level == 2:
                in_runbook = title.strip().lower() == "runbook"
            elif in_runbook:
                anchors.add(github_anchor(title))
        self.assertTrue(anchors, "README.md has no '## Runbook' section with one heading per alert")
        for alert in rules.load_alerts():
            anchor = alert["annotations"]["runbook_url"].split("#", 1)[1]
            self.assertIn(anchor, anchors, f"{alert['alert']}: no README heading for #{anchor}")


if __name__ == "__main__":
    unittest.main()
