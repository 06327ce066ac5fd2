"""Election periods (``codes/elections.yaml``): the six weeks up to each polling day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import yaml

PATH = Path(__file__).parent / "elections.yaml"
CAMPAIGN = timedelta(weeks=6)
KINDS = ("general", "local")


@dataclass(frozen=True, slots=True)
class ElectionPeriod:
    kind: str
    start: date
    polling_day: date


@cache
def periods() -> tuple[ElectionPeriod, ...]:
    found = []
    for poll in yaml.safe_load(PATH.read_text())["polls"]:
        if poll["kind"] not in KINDS:
            raise ValueError(f"{PATH}: unknown kind {poll['kind']!r}")
        day = poll["polling_day"]
        found.append(ElectionPeriod(poll["kind"], day - CAMPAIGN + timedelta(days=1), day))
    return tuple(sorted(found, key=lambda p: p.polling_day))
