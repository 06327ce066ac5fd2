"""Open data: every released record and the standard statistics, as CSV and JSON.

Only released records are served, so every row is shared by at least k records of its
release (and every group equal in all but the sanction shows at least l sanction bands);
statistics are the protected tables (cell-key method), never between 1 and k-1. Columns
and the data dictionary come from the published values (``PUBLISHED_VALUES``)
(``publication.attributes``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

import codes
from db.session import Database
from parties import service as party_service
from publication import checkpoints, outcomes, report_statistics, statistics
from publication.attributes import DIMENSION_DESCRIPTIONS, Dimension
from publication.report_statistics import ReportDimension
from website.words import report_value_words, value_words

# The released set (publication.attributes.RELEASED) with names beside codes; a record
# whose value was left out to keep k and l shows [c]. Older releases' finer values (a
# month, a provision) stay readable through the API's publishedOutcomes.
OUTCOME_COLUMNS = (
    "party", "party_name", "is_demo", "release_number", "released_on",
    "year", "families", "family_names", "sanction_band", "sanction_band_name",
)  # fmt: skip
STATISTICS_COLUMNS = (
    "table", *(d.value for d in Dimension), "description", "is_demo", "edition", "count"
)  # fmt: skip
WITHHELD = "[c]"  # the GSS shorthand: confidential, withheld to protect people
REPORT_STATISTICS_COLUMNS = (
    "table", *(d.value for d in ReportDimension), "description", "is_demo", "edition", "count"
)  # fmt: skip

DICTIONARY: dict[str, Any] = {
    "about": "Anonymised outcomes of complaints under the joint code of conduct, as released "
    "by the parties, and the protected statistics. Open Government Licence v3.0. Each "
    "party releases one record per final outcome of a closed year, once the statistics "
    "of that year are published (/calendar), with the same few values: the year it became "
    "final, the families of its provisions and the band of its sanction. Every record is "
    "shared by at least k records of its release over all its values (k and l are in the "
    "code: the GraphQL query `code`), and records equal in all but the band show at least "
    "l bands. [c] (the GSS shorthand) marks a value withheld to keep those rules. Lists are "
    "separated by ';'.",
    "outcomes": {
        "about": "outcomes.csv: one row per released record. The released records are a "
        "different product from the tables: records count outcomes released so far (some "
        "are held back, some wait for their year), the tables count every final outcome "
        "with noise, and the two are not reconciled.",
        "party": "The party's slug.",
        "party_name": "The party's name.",
        "is_demo": "true for a fictional demo party: synthetic data, not real outcomes.",
        "release_number": "The party's release the record belongs to (1, 2, ...).",
        "released_on": "The day the release was published.",
        "year": "Year in which the outcome became final.",
        "families": "Families of the provisions found (harassment, hate...); [c]: withheld.",
        "family_names": "Those families in words.",
        "sanction_band": "The band of the sanction that stands (none, lesser, suspension, "
        "removal); [c]: withheld, so that knowing the other values never tells the band.",
        "sanction_band_name": "That band in words.",
    },
    "statistics": {
        "about": "One row per published cell of the declared tables, from the current "
        "edition (the `statisticsTables` query lists the tables with their share of cells "
        "published, rounded to 5%). Tables are published in editions, one per closed "
        "quarter, on a date fixed in advance (/calendar); an outcome counts in the quarter "
        "and year in which it became final; an edition holds quarters up to its own, years "
        "once ended, and all time as every ended year. Counts are protected by the cell-key "
        "method (ONS): small noise is added, the same cell always shows the same number, "
        "and no count is between 1 and k-1; a withheld cell shows [c]. In "
        "tables of sanctions, a row whose outcomes show fewer than l sanctions is withheld. "
        "A case with several provisions, families, forms of hate or characteristics counts "
        "under each.",
        "table": "The table's id: its dimensions joined by '+' ('total': all outcomes).",
        **{d.value: DIMENSION_DESCRIPTIONS[d] for d in Dimension},
        "is_demo": "true when the party (or, in all-party tables, every party) is a "
        "fictional demo party.",
        "description": "The cell's values in words: the party's name and the code's titles.",
        "edition": "The edition the cell is from: the quarter it closes (2026-Q3).",
        "count": "Outcomes in the cell, perturbed: never 1 to k-1. [c] (the GSS shorthand) "
        "for a cell withheld: none, or fewer than k, which look alike; every cell of every "
        "table is listed, so no cell is ever a silent gap.",
    },
    "report_statistics": {
        "about": "report-statistics.csv: counts of reports from the public (all parties "
        "together, linked duplicates aside), protected by the cell-key method like the "
        "outcome tables: 0 is not listed, never 1 to k-1. Each closed quarter's edition adds "
        "that quarter's cells (the fourth quarter's the year's), as the reports stood on "
        "its date, never recomputed; all time is the sum of the published years. What "
        "reporters wrote, names and contact details are never counted or published.",
        "table": "The table's id: its dimensions joined by '+' ('total': all reports).",
        "year": "Year the report was received.",
        "quarter": "Quarter the report was received (2026-Q1).",
        "channel_group": "online or offline.",
        "reporter_kind": "targeted, witness, candidate_or_agent or party_member.",
        "outcome": "open, accepted (a case was opened), declined_<the code's reason>, "
        "or withdrawn by the reporter.",
        "family": "A family of the provisions the report names (a report may name several).",
        "characteristic": "A protected characteristic, from the forms of hate the report names.",
        "election_period": "general or local when it happened in the six weeks up to a "
        "polling day (codes/elections.yaml), else none.",
        "description": "The cell's values in words.",
        "is_demo": "true while every party is a fictional demo party: synthetic data.",
        "edition": "The edition that published the cell: its quarter (a quarter's cells), "
        "the year's fourth quarter (a year's), the newest ended year's (all time).",
        "count": "Reports in the cell, perturbed: never 1 to k-1. [c] for a cell withheld: "
        "none, or fewer than k, which look alike; every cell of every published period is "
        "listed, so no cell is ever a silent gap.",
    },
    "never_published": "Names, the party's own reference, dates (other than the period), "
    "free text, the respondent's pseudonym and the number of complainants.",
}


LICENCE = {
    "name": "OGL-UK-3.0",
    "title": "Open Government Licence v3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
INTEGER_COLUMNS = frozenset({"year", "severity", "release_number", "count"})
BOOLEAN_COLUMNS = frozenset({"is_demo"})


def _field(name: str, description: str, *, k: int | None = None) -> dict[str, Any]:
    kind = (
        "integer" if name in INTEGER_COLUMNS else "boolean" if name in BOOLEAN_COLUMNS else "string"
    )
    field: dict[str, Any] = {"name": name, "type": kind, "description": description}
    if name == "count" and k is not None:  # the protection, checked by any validator
        field["constraints"] = {"minimum": k}
    return field


def data_package(*, k: int) -> dict[str, Any]:
    """The downloads as a Frictionless Data Package: each file's Table Schema (its
    columns, types and meanings, and that no count is below k), and the licence."""
    described = {
        "outcomes": ("outcomes.csv", OUTCOME_COLUMNS, DICTIONARY["outcomes"]),
        "statistics": ("statistics.csv", STATISTICS_COLUMNS, DICTIONARY["statistics"]),
        "report-statistics": (
            "report-statistics.csv",
            REPORT_STATISTICS_COLUMNS,
            DICTIONARY["report_statistics"],
        ),
    }
    return {
        "name": "joint-code-open-data",
        "title": "Joint code of conduct on intimidation and electoral abuse: open data",
        "description": DICTIONARY["about"],
        "licenses": [LICENCE],
        "resources": [
            {
                "name": name,
                "path": path,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": meanings.get("about", ""),
                "schema": {
                    "fields": [_field(c, meanings.get(c, ""), k=k) for c in columns],
                    "missingValues": ["", WITHHELD],
                },
            }
            for name, (path, columns, meanings) in described.items()
        ],
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([_cell(v) for v in values])
    return buffer.getvalue()


def _named(dimension: Dimension, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [value_words(dimension, v, {}) for v in value]
    return value_words(dimension, value, {})


async def _outcome_rows(db: Database) -> AsyncIterator[dict[str, Any]]:
    """Released records in the download's columns; None: withheld ([c] in CSV)."""
    async with db.transaction() as session:
        async for row in outcomes.iterate_all(session=session):
            families = row.values.get("families") or None
            band = row.values.get("sanction_band")
            yield {
                "party": row.party,
                "party_name": row.party_name,
                "is_demo": row.is_demo,
                "release_number": row.release_number,
                "released_on": row.released_on.isoformat() if row.released_on else None,
                "year": row.values.get("year"),
                "families": families,
                "family_names": _named(Dimension.FAMILY, families),
                "sanction_band": band,
                "sanction_band_name": _named(Dimension.SANCTION_BAND, band),
            }


async def _statistics_rows(db: Database) -> list[dict[str, Any]]:
    async with db.transaction() as session:
        cells = await statistics.full_tables(session=session)
        edition = await statistics.current_edition(session=session)
        names = await party_service.names_by_slug(session=session)
    rows = []
    for c in cells:
        dims = [d for d in Dimension if (d is Dimension.PARTY and c.party) or d.value in c.values]
        rows.append(
            {
                "table": c.table,
                **{d.value: c.values.get(d.value) for d in Dimension},
                "party": c.party,
                "description": "; ".join(
                    value_words(d, c.party if d is Dimension.PARTY else c.values[d.value], names)
                    for d in dims
                )
                or "All outcomes",
                "is_demo": c.is_demo,
                "edition": edition.edition if edition else None,
                "count": c.count,
            }
        )
    return rows


def routes(db: Database) -> dict[str, Any]:
    async def outcomes_csv(_: Request) -> Response:
        async def lines() -> AsyncIterator[str]:
            yield _csv_line(list(OUTCOME_COLUMNS))
            async for row in _outcome_rows(db):
                yield _csv_line([WITHHELD if row[c] is None else row[c] for c in OUTCOME_COLUMNS])

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
            _csv_line([WITHHELD if c == "count" and r[c] is None else r[c]
                       for c in STATISTICS_COLUMNS])
            for r in rows
        )  # fmt: skip
        return Response(body, media_type="text/csv; charset=utf-8")

    async def statistics_json(_: Request) -> Response:
        return JSONResponse(await _statistics_rows(db))

    async def report_statistics_csv(_: Request) -> Response:
        async with db.transaction() as session:
            cells = await report_statistics.full_tables(session=session)
            all_demo = await party_service.all_demo(session=session)
        body = _csv_line(list(REPORT_STATISTICS_COLUMNS)) + "".join(
            _csv_line(
                [
                    c.table,
                    *(c.values.get(d) for d in ReportDimension),
                    "; ".join(report_value_words(d, v) for d, v in c.values.items())
                    or "All reports",
                    all_demo,
                    c.edition,
                    WITHHELD if c.count is None else c.count,
                ]
            )
            for c in cells
        )
        return Response(body, media_type="text/csv; charset=utf-8")

    async def dictionary(_: Request) -> Response:
        return JSONResponse(DICTIONARY)

    async def datapackage(_: Request) -> Response:
        return JSONResponse(data_package(k=codes.default_version().k))

    async def checkpoint_list(_: Request) -> Response:
        async with db.transaction() as session:
            return JSONResponse(await checkpoints.published(session=session))

    return {
        "/open-data/outcomes.csv": outcomes_csv,
        "/open-data/outcomes.json": outcomes_json,
        "/open-data/statistics.csv": statistics_csv,
        "/open-data/statistics.json": statistics_json,
        "/open-data/report-statistics.csv": report_statistics_csv,
        "/open-data/dictionary.json": dictionary,
        "/open-data/datapackage.json": datapackage,
        "/open-data/checkpoints.json": checkpoint_list,
    }
