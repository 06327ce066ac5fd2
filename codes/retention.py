"""The retention schedule: how long personal data is kept, as data beside the code.

A code version's file is immutable once adopted, so the schedule is a file of its own
(``codes/retention.yaml``), read like the code and named by its id in every erasure the
audit trail records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml

PATH = Path(__file__).parent / "retention.yaml"


@dataclass(frozen=True, slots=True)
class Retention:
    id: str
    report_contents_months: int
    case_personal_years: int

    def reports_closed_before(self, today: date) -> date:
        """Reports closed (or whose case became final) before this day are erased."""
        months = today.year * 12 + today.month - 1 - self.report_contents_months
        return date(months // 12, months % 12 + 1, min(today.day, 28))

    def cases_final_before(self, today: date) -> date:
        return date(today.year - self.case_personal_years, today.month, min(today.day, 28))


@cache
def schedule() -> Retention:
    raw = yaml.safe_load(PATH.read_text())
    retention = Retention(
        id=str(raw["id"]),
        report_contents_months=int(raw["reports"]["sealed_contents_months"]),
        case_personal_years=int(raw["cases"]["personal_fields_years"]),
    )
    if retention.report_contents_months < 1 or retention.case_personal_years < 1:
        raise ValueError(f"{PATH}: retention periods must be positive")
    return retention
