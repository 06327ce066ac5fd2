"""What the operator's scheduled commands last did, for the service's /metrics.

Verification, imports, retention and checkpoints run as command-line jobs (cron, systemd
timers), not in the service, and a job is gone before any scrape. Each job writes its
last run to ``JOINTCODE_METRICS_DIR/<job>.prom`` in Prometheus's text format (as node
exporter's textfile collector expects, so either can read it); the service's /metrics
includes every such file, so one scrape shows whether the chains verified, how long the
last import took and when each job last succeeded. Labels name jobs and checks only.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

PREFIX = "jointcode_job_"


def record(
    folder: Path,
    job: str,
    *,
    seconds: float,
    ok: bool,
    checks: dict[str, bool] | None = None,
    counts: dict[str, int] | None = None,
) -> None:
    """Replace ``job``'s file with this run (atomically: a scrape never reads half)."""
    lines = [
        f'{PREFIX}last_run_timestamp_seconds{{job="{job}"}} {time.time():.3f}',
        f'{PREFIX}last_duration_seconds{{job="{job}"}} {seconds:.3f}',
        f'{PREFIX}last_success{{job="{job}"}} {int(ok)}',
    ]
    lines += [
        f'{PREFIX}check_passed{{job="{job}",check="{name}"}} {int(passed)}'
        for name, passed in sorted((checks or {}).items())
    ]
    lines += [
        f'{PREFIX}last_items{{job="{job}",kind="{kind}"}} {n}'
        for kind, n in sorted((counts or {}).items())
    ]
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{job}.", suffix=".tmp")
    with os.fdopen(handle, "w") as file:
        file.write("\n".join(lines) + "\n")
    os.chmod(temporary, 0o644)
    os.replace(temporary, folder / f"{job}.prom")


HELP = {
    "last_run_timestamp_seconds": "When the job last ran (Unix time).",
    "last_duration_seconds": "How long the job's last run took.",
    "last_success": "1 if the job's last run succeeded (every check passed), else 0.",
    "check_passed": "1 if the check passed on the job's last run, else 0.",
    "last_items": "Items the job's last run handled, by kind.",
}


class JobFiles:
    """A collector over the jobs' files: read at each scrape, merged by metric name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def collect(self) -> Iterator[Metric]:
        families: dict[str, GaugeMetricFamily] = {}
        for path in sorted(self.folder.glob("*.prom")) if self.folder.is_dir() else []:
            try:
                parsed = list(text_string_to_metric_families(path.read_text()))
            except (OSError, ValueError):
                continue  # a file being replaced, or not one of ours: skip this scrape
            for family in parsed:
                short = family.name.removeprefix(PREFIX)
                if short not in HELP:
                    continue
                target = families.setdefault(
                    family.name, GaugeMetricFamily(family.name, HELP[short], labels=None)
                )
                for sample in family.samples:
                    target.add_sample(sample.name, sample.labels, sample.value)
        yield from families.values()
