"""Open data: every released record and the standard statistics, as CSV and JSON.

Only released records are served, so every row is shared by at least k records of its
release and every statistic is 0 or at least k. The data dictionary says what each
column means and why a value may be empty (published at a coarser level).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from db.session import Database
from publication import outcomes, statistics
from publication.anonymise import PUBLISHED_COLUMNS
from publication.statistics import Dimension

OUTCOME_COLUMNS = ("party", "release_number", *PUBLISHED_COLUMNS)
STATISTICS_DIMENSIONS = [Dimension.PARTY, Dimension.YEAR, Dimension.FAMILY, Dimension.SANCTION]
STATISTICS_COLUMNS = (*(d.value for d in STATISTICS_DIMENSIONS), "count", "rate_per_1000_members")

DICTIONARY: dict[str, Any] = {
    "about": "Anonymised outcomes of complaints under the joint code of conduct, as released "
    "by the parties. Every outcome record is shared by at least k records of its release "
    "(k is in the code: see the GraphQL query `code { k }`), over all its columns together. "
    "An empty value means the release published that attribute at a coarser level (or not "
    "at all) to reach k; the coarser columns are then filled. Lists are separated by ';'.",
    "outcomes": {
        "party": "The party's slug (see the `parties` query for names).",
        "release_number": "The party's release the record belongs to (1, 2, ...).",
        "period": "Month (2026-03), quarter (2026-Q1) or year (2026) of the decision, "
        "whichever the release published; empty if not published.",
        "quarter": "Quarter of the decision, when published at quarter level or finer.",
        "year": "Year of the decision, when published at year level or finer.",
        "provisions": "Provisions of the code found in the case (JC1...), when published.",
        "families": "Families of those provisions (harassment, hate...).",
        "forms_of_hate": "Named forms of hate involved, when published; may be empty.",
        "characteristics": "Protected characteristics targeted, when published.",
        "channel": "Where it happened (social_x, email, in_person_hustings...).",
        "channel_group": "online or offline.",
        "respondent_role": "The respondent's role (member, candidate...).",
        "respondent_role_group": "The broader role group.",
        "severity": "The code's severity level, 1-4 (empty: not published, or nothing proven).",
        "sanction": "The sanction that stands on the common ladder (after any appeal), "
        "when published at that level.",
        "sanction_band": "The sanction's band (none, lesser, suspension, removal).",
    },
    "statistics": {
        "party": "The party's slug.",
        "year": "Year of the decision (records published only as 'any' period are left out).",
        "family": "A family of provisions; a record with several counts under each.",
        "sanction": "The sanction that stands.",
        "count": "Number of released records: 0 or at least k, never between.",
        "rate_per_1000_members": "count per 1,000 members, where the party gave its membership.",
    },
    "never_published": "Names, the party's own reference, dates (other than the period), "
    "free text, the respondent's pseudonym and the number of complainants.",
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([_cell(v) for v in values])
    return buffer.getvalue()


async def _outcome_rows(db: Database) -> AsyncIterator[dict[str, Any]]:
    async with db.transaction() as session:
        async for row in outcomes.iterate_all(session=session):
            yield {"party": row.party, "release_number": row.release_number, **row.values}


async def _statistics_rows(db: Database) -> list[dict[str, Any]]:
    async with db.transaction() as session:
        rows = await statistics.statistics(session=session, group_by=STATISTICS_DIMENSIONS)
    return [
        {
            **{d.value: r.values[d] for d in STATISTICS_DIMENSIONS},
            "count": r.count,
            "rate_per_1000_members": r.rate_per_1000_members,
        }
        for r in rows
    ]


def routes(db: Database) -> dict[str, Any]:
    async def outcomes_csv(_: Request) -> Response:
        async def lines() -> AsyncIterator[str]:
            yield _csv_line(list(OUTCOME_COLUMNS))
            async for row in _outcome_rows(db):
                yield _csv_line([row[c] for c in OUTCOME_COLUMNS])

        return StreamingResponse(lines(), media_type="text/csv; charset=utf-8")

    async def outcomes_json(_: Request) -> Response:
        async def chunks() -> AsyncIterator[str]:
            yield "["
            first = True
            async for row in _outcome_rows(db):
                yield ("" if first else ",") + json.dumps(row, separators=(",", ":"))
                first = False
            yield "]"

        return StreamingResponse(chunks(), media_type="application/json")

    async def statistics_csv(_: Request) -> Response:
        rows = await _statistics_rows(db)
        body = _csv_line(list(STATISTICS_COLUMNS)) + "".join(
            _csv_line([r[c] for c in STATISTICS_COLUMNS]) for r in rows
        )
        return Response(body, media_type="text/csv; charset=utf-8")

    async def statistics_json(_: Request) -> Response:
        return JSONResponse(await _statistics_rows(db))

    async def dictionary(_: Request) -> Response:
        return JSONResponse(DICTIONARY)

    return {
        "/open-data/outcomes.csv": outcomes_csv,
        "/open-data/outcomes.json": outcomes_json,
        "/open-data/statistics.csv": statistics_csv,
        "/open-data/statistics.json": statistics_json,
        "/open-data/dictionary.json": dictionary,
    }
