"""The alert rules (ops/prometheus/alerts.yml) on what a real worker exported: promtool
checks the file, then unit-tests it on series made of the worker's scrapes after each
scenario (conftest.py's scenario_scrapes), so each alert fires on what a real run makes
its metrics say, and no other alert does."""

from __future__ import annotations

import re
from typing import Any

import yaml
from promtool_rules import input_series, promtool
from support import ROOT

from skypilot_temporal.contract.names import WORKFLOW_TYPE

RULES = ROOT / "ops" / "prometheus" / "alerts.yml"
JOB = "skypilot-temporal-worker"
# The scrape before a scenario is held this long, then the one after it; alerts are
# checked soon after the change, and once every window has passed.
BEFORE_MIN, SOON_MIN, LATER_MIN = 30, 5, 120

# The alerts firing soon after each scenario, and later: by alert name, the labels each
# of its alerts is told apart by (besides the ones every alert of that name carries).
EXPECTED: dict[str, tuple[dict[str, list[dict[str, str]]], dict[str, list[dict[str, str]]]]] = {
    "started": ({}, {}),
    "running": ({}, {}),
    "completed": ({}, {}),
    "cancelled": ({}, {}),
    "failed": ({"SkyPilotTemporalRunsFailing": [{"failure_type": "JobFailed"}]}, {}),
    "refused": ({"SkyPilotTemporalRunsFailing": [{"failure_type": "InvalidInput"}],
                 "SkyPilotTemporalSecretsRefused": [{}]}, {}),
    "teardown_failed": ({"SkyPilotTemporalTeardownFailed": [{}],
                         "SkyPilotTemporalSkyPilotCallsErroring": [{"call": "down"}]},
                        {"SkyPilotTemporalClustersUpIdle": [{}]}),
}


def alert_rules() -> dict[str, dict[str, Any]]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return {r["alert"]: r for g in groups for r in g["rules"] if "alert" in r}


def common_labels(alert: str, namespace: str, task_queue: str, instance: str) -> dict[str, str]:
    """The labels every alert of that name carries: what its expression keeps."""
    run = {"job": JOB, "namespace": namespace, "task_queue": task_queue, "workflow_type": WORKFLOW_TYPE}
    return {
        "SkyPilotTemporalRunsFailing": run,
        "SkyPilotTemporalTeardownFailed": run,
        "SkyPilotTemporalClustersUpIdle": {"job": JOB, "instance": instance},
        "SkyPilotTemporalSecretsRefused": {"job": JOB, "namespace": namespace},
        "SkyPilotTemporalSkyPilotCallsErroring": {"job": JOB},
    }[alert]


def rendered(template: str, labels: dict[str, str]) -> str:
    """An annotation as Prometheus renders it; the rules' annotations use `$labels` only."""
    text = re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels[m[1]], template)
    assert "{{" not in text, f"an annotation template this test cannot render: {template!r}"
    return text


def test_promtool_checks_the_rules_file():
    checked = promtool("check", "rules", RULES)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS" in checked.stdout


def test_each_alert_fires_on_its_scenario_and_no_other(scenario_scrapes, tmp_path):
    rules = alert_rules()
    assert set(rules) == {a for soon, later in EXPECTED.values() for a in (*soon, *later)}
    assert set(EXPECTED) == set(scenario_scrapes.texts)
    instance = f"127.0.0.1:{scenario_scrapes.port}"
    scenarios = list(scenario_scrapes.texts)

    def expected(alerts: dict[str, list[dict[str, str]]], name: str) -> list[dict[str, Any]]:
        out = []
        for distinct in alerts.get(name, []):
            labels = {**common_labels(name, scenario_scrapes.namespace, scenario_scrapes.task_queue, instance),
                      **distinct}
            out.append({
                "exp_labels": {**labels, **rules[name].get("labels", {})},
                "exp_annotations": {k: rendered(v, labels) for k, v in rules[name].get("annotations", {}).items()},
            })
        return out

    tests = []
    for i, scenario in enumerate(scenarios):
        after = (scenario_scrapes.samples(scenario), LATER_MIN + 10)
        before = (scenario_scrapes.samples(scenarios[i - 1] if i else scenario), BEFORE_MIN)
        soon, later = EXPECTED[scenario]
        tests.append({
            "name": scenario,
            "interval": "1m",
            "input_series": input_series([before, after], {"job": JOB, "instance": instance}),
            "alert_rule_test": [
                {"eval_time": f"{BEFORE_MIN + minutes}m", "alertname": name, "exp_alerts": expected(alerts, name)}
                for minutes, alerts in ((SOON_MIN, soon), (LATER_MIN, later))
                for name in rules
            ],
        })
    test_file = tmp_path / "alerts_test.yml"
    test_file.write_text(yaml.safe_dump({"rule_files": [str(RULES)], "evaluation_interval": "1m", "tests": tests}))
    result = promtool("test", "rules", test_file)
    assert result.returncode == 0, result.stdout + result.stderr
