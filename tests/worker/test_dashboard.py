"""The Grafana dashboard (ops/grafana/skypilot-temporal.json): importable JSON whose
every query names only metrics a real worker exported after running pipelines
(conftest.py's scenario_scrapes), in PromQL that promtool parses."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import yaml
from promtool_rules import promtool
from support import ROOT

from skypilot_temporal.contract import metrics

DASHBOARD = ROOT / "ops" / "grafana" / "skypilot-temporal.json"
DATASOURCE = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
# What Grafana puts in place of its variables, for promtool to parse a query.
VARIABLES = {"__rate_interval": "5m", "__range": "1h", "__interval": "1m", "job": ".*"}
# Words of PromQL that stand where a metric name could.
KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan"}


def dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text())


def panels(d: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in d["panels"]:
        yield panel
        yield from panel.get("panels", [])  # a collapsed row holds its panels


def queries(d: dict[str, Any]) -> list[str]:
    """Every PromQL query: the panels' targets and the query variables'."""
    exprs = [t["expr"] for p in panels(d) for t in p.get("targets", [])]
    for var in d["templating"]["list"]:
        if var["type"] == "query":
            m = re.fullmatch(r"label_values\((\w+), *\w+\)", var["query"]["query"])
            assert m, var
            exprs.append(m[1])
    return exprs


def metric_names(expr: str) -> set[str]:
    """The metric names a query selects: what is left once strings, label matchers,
    ranges, label lists, functions and keywords are taken out."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", expr)
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    names = set()
    for m in re.finditer(r"(?<![\w.])[A-Za-z_:][\w:]*", expr):
        if m[0] not in KEYWORDS and not expr[m.end():].lstrip().startswith("("):
            names.add(m[0])
    return names


def test_dashboard_is_grafana_json_with_the_datasource_as_a_variable():
    d = dashboard()
    ds = [v for v in d["templating"]["list"] if v["name"] == "DS_PROMETHEUS"]
    assert ds and ds[0]["type"] == "datasource" and ds[0]["query"] == "prometheus"
    ids = [p["id"] for p in panels(d)]
    assert len(ids) == len(set(ids))
    for p in panels(d):
        assert p["gridPos"]["x"] + p["gridPos"]["w"] <= 24, p["title"]
        if p["type"] == "row":
            continue
        assert p["datasource"] == DATASOURCE and p["targets"], p["title"]
        assert all(t["datasource"] == DATASOURCE and t["expr"] for t in p["targets"]), p["title"]


def test_dashboard_charts_the_pipeline_and_the_temporal_worker():
    charted = set().union(*map(metric_names, queries(dashboard())))
    pipeline = {m.name + "_total" for m in (*metrics.RUN_COUNTERS, metrics.RUNS_FAILED, metrics.SECRETS_REFUSED,
                                             metrics.SKY_CALL_ERRORS)}
    pipeline |= {metrics.CLUSTERS_UP.name} | {m.name + "_bucket" for m in (metrics.STEP_DURATION,
                                                                           metrics.SKY_CALL_LATENCY)}
    temporal = {"temporal_activity_schedule_to_start_latency_bucket", "temporal_worker_task_slots_available",
                "temporal_worker_task_slots_used"}
    assert pipeline | temporal <= charted, (pipeline | temporal) - charted


def test_every_query_names_only_metrics_a_worker_exports(scenario_scrapes, tmp_path):
    exported = {s.name for s in scenario_scrapes.samples("teardown_failed")}
    exprs = queries(dashboard())
    for expr in exprs:
        names = metric_names(expr)
        assert names and names <= exported, (expr, names - exported)
    # promtool parses each query (its variables filled in as Grafana would).
    rules = [{"record": f"dashboard:query_{i}",
              "expr": re.sub(r"\$\{?(\w+)\}?", lambda m: VARIABLES[m[1]], expr)} for i, expr in enumerate(exprs)]
    path = tmp_path / "dashboard_queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    checked = promtool("check", "rules", path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
