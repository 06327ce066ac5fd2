"""The example alert rules (docs/alerts.yml) are valid and watch metrics that exist: each
expression parses as PromQL (``promql-parser``, the Python stand-in for `promtool check
rules`), each duration parses, and each metric a rule names is one the service exports."""

from __future__ import annotations

import re
from pathlib import Path

import promql_parser
import yaml
from prometheus_client import generate_latest

from api import jobmetrics
from api.metrics import Metrics

RULES = Path(__file__).parents[2] / "docs" / "alerts.yml"
NAMES = re.compile(r"\b((?:jointcode|process|python)_[a-z_]+)\b")


def exported(tmp_path: Path) -> set[str]:
    """Every metric name a service with one job run behind it exports."""
    jobmetrics.record(tmp_path, "import", seconds=1.0, ok=True, checks={"chain": True},
                      counts={"rejected": 1})  # fmt: skip
    metrics = Metrics(job_files=tmp_path)
    metrics.requests.labels(kind="graphql", status="200").inc()
    metrics.latency.labels(kind="graphql").observe(0.1)
    text = generate_latest(metrics.registry).decode()
    return {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line[:1] != "#"}


def test_every_rule_parses_and_names_metrics_that_exist(tmp_path: Path) -> None:
    document = yaml.safe_load(RULES.read_text())
    names = exported(tmp_path)
    assert {"process_resident_memory_bytes", "python_info"} <= names  # default collectors
    rules = [rule for group in document["groups"] for rule in group["rules"]]
    assert len(rules) >= 8
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
        assert rule["alert"] and rule["labels"]["severity"] in ("page", "ticket")
        promql_parser.parse(rule["expr"])  # raises on anything promtool would refuse
        if "for" in rule:
            promql_parser.parse_duration(rule["for"])
        for name in NAMES.findall(rule["expr"]):
            assert name in names, f"{rule['alert']}: {name} is not exported"


def test_a_job_that_rejects_rows_is_not_a_failed_job(tmp_path: Path) -> None:
    """Routine imports reject rows; only a job that did not run pages anyone."""
    jobmetrics.record(tmp_path, "import", seconds=1.0, ok=True, counts={"rejected": 3})
    jobmetrics.record(tmp_path, "retention", seconds=1.0, ok=False)
    text = generate_latest(Metrics(job_files=tmp_path).registry).decode()
    assert 'jointcode_job_last_success{job="import"} 1.0' in text
    assert 'jointcode_job_last_items{job="import",kind="rejected"} 3.0' in text
    assert 'jointcode_job_last_success{job="retention"} 0.0' in text
