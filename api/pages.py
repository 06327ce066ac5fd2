"""The public page: published statistics as plain HTML tables, no build step."""

from __future__ import annotations

from html import escape

import codes
from db.session import Database
from parties import service as party_service
from publication import statistics as stats
from publication.statistics import Dimension

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:0 0 2rem}th,td{border:1px solid #ccc;padding:.3rem .6rem}
th{background:#f3f3f3;text-align:left}td.n{text-align:right}.demo{color:#a40;font-weight:600}
"""


def _table(title: str, headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return f"<h2>{escape(title)}</h2><p>Nothing published yet.</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{escape(c)}</td>' if c.isdigit() else f"<td>{escape(c)}</td>"
            for c in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<h2>{escape(title)}</h2><table><tr>{head}</tr>{body}</table>"


def _titles() -> dict[str, str]:
    """Ids to words over every code version, so provisions read as the public signed them."""
    titles: dict[str, str] = {}
    for version in codes.load_versions().values():
        for term in version.families:
            titles.setdefault(term.id, term.title)
        for term in version.provisions:
            titles.setdefault(term.id, f"{term.id}: {term.title}")
        for band, title, _ in version.publication.sanction_bands:
            titles.setdefault(band, title)
    return titles


async def home(db: Database) -> str:
    async with db.transaction() as session:
        parties = {p.slug: p for p in await party_service.list_parties(session=session)}
        by_party_year = await stats.statistics(
            session=session, group_by=[Dimension.PARTY, Dimension.YEAR]
        )
        by_family = await stats.statistics(session=session, group_by=[Dimension.FAMILY])
        by_band = await stats.statistics(session=session, group_by=[Dimension.SANCTION_BAND])
    titles = _titles()

    def party_label(slug: str | None) -> str:
        party = parties.get(slug or "")
        if party is None:
            return slug or ""
        return f"{party.name} (synthetic demo data)" if party.is_demo else party.name

    def words(value: object) -> str:
        return titles.get(str(value), str(value))

    demo_note = (
        '<p class="demo">Parties marked "synthetic demo data" are fictional; their figures '
        "are made up for demonstration.</p>"
        if any(p.is_demo for p in parties.values())
        else ""
    )
    tables = "".join(
        (
            _table(
                "Outcomes by party and year",
                ["Party", "Year", "Outcomes"],
                [
                    [
                        party_label(r.values[Dimension.PARTY]),
                        str(r.values[Dimension.YEAR]),
                        str(r.count),
                    ]
                    for r in by_party_year
                ],
            ),
            _table(
                "Outcomes by family of provisions (all parties)",
                ["Family", "Outcomes"],
                [[words(r.values[Dimension.FAMILY]), str(r.count)] for r in by_family],
            ),
            _table(
                "Outcomes by sanction band (all parties)",
                ["Sanction band", "Outcomes"],
                [[words(r.values[Dimension.SANCTION_BAND]), str(r.count)] for r in by_band],
            ),
        )
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Joint Code: published statistics</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>
<body><header><h1>Joint Code: published statistics</h1></header>
<main>
<p>Outcomes of complaints under the joint code of conduct on intimidation and electoral abuse,
counted from every final outcome the parties have decided.</p>
{demo_note}
<p>To protect the people involved, every count has been changed slightly by a fixed rule
(the cell-key method used for the 2021 Census): each is 0 or at least the code's threshold,
the same figure always gets the same small change, and so no figure, and no difference
between figures, can single anyone out. Small totals may differ a little between tables.</p>
{tables}
<p>Download the released records and statistics as open data:
<a href="/open-data/outcomes.csv">outcomes.csv</a>,
<a href="/open-data/outcomes.json">outcomes.json</a>,
<a href="/open-data/statistics.csv">statistics.csv</a>,
<a href="/open-data/statistics.json">statistics.json</a>, and their
<a href="/open-data/dictionary.json">data dictionary</a>.
Query the figures yourself in <a href="/graphql">GraphiQL</a>.</p>
</main>
</body></html>"""
