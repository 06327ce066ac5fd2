"""ReportCountRow answers every dimension of the report counts, by the dimension's name: a
new dimension without its field fails here, not silently in the API."""

from __future__ import annotations

import dataclasses

from publication.report_statistics import ReportDimension
from schema.reports.types import ReportCountRow


def test_the_row_has_a_field_for_each_dimension_and_the_count() -> None:
    names = {f.name for f in dataclasses.fields(ReportCountRow)}
    assert names == {d.value for d in ReportDimension} | {"count"}
