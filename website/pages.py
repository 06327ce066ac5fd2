"""The public site: server-rendered pages that work without JavaScript.

Every page reads public tables only (releases, the protected statistics tables, the
registry, the code), in one transaction, and is cached by publication epoch with an
ETag by ``api.cache.PublicCache`` like public GraphQL answers. Every asset is served by
this process; the Content-Security-Policy allows scripts from 'self' only (and none on
the site's own pages but the receipt's copy and print buttons, ``static/receipt.js``),
so no page can load anything from another host.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from codes import clock
from db.envelope import KeyEncryptionKey
from db.session import Database
from publication import outcomes, releases, report_statistics
from publication import statistics as stats
from publication.attributes import Dimension
from publication.timeliness import public_timeliness
from website import assets, charts, explore, figures, reporting
from website.explore import BREAKDOWNS, PERIODS, Question
from website.open_data import DICTIONARY
from website.words import DIMENSION_NAMES, report_outcome_words, value_words

HERE = Path(__file__).parent
D = Dimension
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# GraphiQL sets inline styles and inlines its icons and fonts; scripts still only 'self'
GRAPHIQL_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
SECURITY_HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}
NAV = (
    ("/", "Home"),
    ("/explore", "Explore the figures"),
    ("/report", "Report abuse"),
    ("/code", "The code"),
    ("/methodology", "Methodology and privacy"),
    ("/calendar", "Release calendar"),
    ("/releases", "Releases"),
    ("/open-data", "Open data"),
    ("/graphql", "API (GraphiQL)"),
)

env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
env.globals.update(nav=NAV, dimension_names=DIMENSION_NAMES, breakdowns=BREAKDOWNS, periods=PERIODS)
env.filters["thousands"] = lambda n: "" if n is None else f"{n:,}"
env.filters["held_back"] = releases.held_back_words
env.filters["day"] = lambda d: "" if d is None else f"{d:%-d %B %Y}"


def _html(body: str, *, csp: str = PAGE_CSP, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        body, status_code=status, headers={"content-security-policy": csp, **SECURITY_HEADERS}
    )


def _contact() -> str | None:
    return os.environ.get("JOINTCODE_PUBLIC_CONTACT") or None


class Figure:
    """One question shown as a chart, its summary and its table, from the same rows."""

    def __init__(
        self, question: Question, rows: list[Any], names: dict[str, str], *, title: str, k: int
    ) -> None:
        self.question, self.rows, self.title = question, rows, title

        def words(d: Dimension, v: object) -> str:
            return value_words(d, v, names)

        self.data = charts.chart_data(rows, question.group_by, words)
        self.summary = charts.summary(self.data, k=k)
        dims = question.group_by
        # too many dimensions, or series, to chart: a long table (issue 22: at most 8
        # series, each with its own colour and pattern)
        many = self.data is not None and len(self.data.series) > charts.MAX_SERIES
        self.long = (len(dims) > 2 or many) and bool(rows)
        self.long_columns = [DIMENSION_NAMES[d] for d in dims]
        self.long_rows = [([words(d, r.values[d]) for d in dims], r.count) for r in rows]
        if self.long:
            self.summary = f"{len(rows)} published figures, in the table below."
        self.width, self.height = charts.WIDTH, charts.height(self.data) if self.data else 0
        self.narrow_width = charts.NARROW
        self.narrow_height = charts.height(self.data, narrow=True) if self.data else 0
        self.query = question.query_string()
        self.svg_url = "/explore.svg?" + self.query
        self.csv_url = "/explore.csv?" + self.query
        self.explore_url = "/explore?" + self.query
        self.columns = self.data.series if self.data else []
        self.axis_name = DIMENSION_NAMES[_axis(question)] if question.group_by else ""
        self.table_rows = (
            [
                (c, [s.values[i] for s in self.data.series])
                for i, c in enumerate(self.data.categories)
            ]
            if self.data
            else []
        )


def _axis(question: Question) -> Dimension:
    return question.time_axis or question.group_by[-1]


def describe(question: Question, names: dict[str, str]) -> str:
    """The question in words, as a chart title."""
    title = "Outcomes"
    if question.by is not None:
        title += f" by {DIMENSION_NAMES[question.by].lower()}"
    if question.and_by is not None:
        title += f" and {DIMENSION_NAMES[question.and_by].lower()}"
    if question.party == "each":
        title += ", party by party"
    if question.period in ("year", "quarter"):
        title += f", {question.period} by {question.period}"
    if question.party not in ("", "each"):
        title += f": {names.get(question.party, question.party)}"
    elif question.party == "":
        title += " (all parties)"
    if question.period.isdigit():
        title += f", {question.period}"
    return title


def render(template: str, view: figures.Overview, request: Request, **context: Any) -> str:
    return env.get_template(template).render(
        view=view,
        names=view.names,
        words=lambda d, v: value_words(d, v, view.names),
        path=request.url.path,
        contact=_contact(),
        **context,
    )


async def figure(session: Any, view: figures.Overview, question: Question) -> Figure:
    rows = await explore.answer(session=session, question=question)
    return Figure(question, rows, view.names, title=describe(question, view.names), k=view.k)


async def home_page(request: Request, session: Any, view: figures.Overview) -> Response:
    questions = (
        Question(party="each", period="quarter"),
        Question(by=D.FAMILY),
        Question(by=D.SANCTION_BAND),
    )
    shown = [await figure(session, view, q) for q in questions]
    reports = await report_statistics.report_counts(
        session=session, group_by=[report_statistics.ReportDimension.OUTCOME]
    )
    outcomes = [
        (report_outcome_words(r.values[report_statistics.ReportDimension.OUTCOME]), r.count)
        for r in reports
    ]
    return _html(render("home.html", view, request, figures=shown, report_outcomes=outcomes))


async def party_page(request: Request, session: Any, view: figures.Overview) -> Response:
    slug = request.path_params["slug"]
    found = await figures.party_page(session=session, slug=slug, view=view)
    if found is None:
        return _html(render("not_found.html", view, request), status=404)
    timeliness = await public_timeliness(
        session=session, party=found.line.party, today=clock.today()
    )
    questions = (
        Question(party=slug, period="quarter"),
        Question(party=slug, by=D.FAMILY),
        Question(party=slug, by=D.SANCTION_BAND),
    )
    shown = [await figure(session, view, q) for q in questions]
    return _html(
        render("party.html", view, request, page=found, figures=shown, timeliness=timeliness)
    )


async def explore_page(request: Request, session: Any, view: figures.Overview) -> Response:
    question = explore.question_of(dict(request.query_params))
    view_kind = "table" if request.query_params.get("view") == "table" else "chart"
    shown = await figure(session, view, question) if explore.answerable(question) else None
    nearby = [(q, describe(q, view.names)) for q in explore.nearby(question)]
    choices = [
        (t, q, describe(q, view.names))
        for t, q in ((t, Question.for_table(t)) for t in stats.TABLES)
    ]
    tables = [(q, title) for _, q, title in choices]
    return _html(
        render(
            "explore.html",
            view,
            request,
            question=question,
            figure=shown,
            nearby=nearby,
            tables=tables,
            choices=choices,
            view_kind=view_kind,
        )
    )


async def explore_data(request: Request, *, db: Database) -> Response:
    question = explore.question_of(dict(request.query_params))
    if not explore.answerable(question):
        return PlainTextResponse("No published table answers this question.", status_code=404)
    csv_wanted = request.url.path.endswith(".csv")
    async with db.transaction() as session:
        view = await figures.overview(session=session)
        rows = await explore.answer(session=session, question=question)
        cells = (
            await stats.full_tables(
                session=session,
                only=question.table,
                where=stats.StatisticsFilter(question.where),
            )
            if csv_wanted
            else []
        )
    if csv_wanted:
        names = {p.party.slug: p.party.name for p in view.parties}
        edition = view.edition.edition if view.edition else None
        return Response(
            explore.to_csv(question, rows, cells, names=names, edition=edition),
            media_type="text/csv; charset=utf-8",
            headers={
                "content-disposition": 'attachment; filename="joint-code-'
                f'{question.query_string().replace("&", "_") or "total"}.csv"',
                **SECURITY_HEADERS,
            },
        )
    title = describe(question, view.names)
    data = charts.chart_data(rows, question.group_by, lambda d, v: value_words(d, v, view.names))
    if data is None or len(data.series) > charts.MAX_SERIES:
        return PlainTextResponse("Nothing to chart.", status_code=404)
    narrow = request.query_params.get("size") == "narrow"
    body = charts.svg(data, title=title, key=question.query_string() + title, narrow=narrow)
    return Response(
        body,
        media_type="image/svg+xml",
        headers={"content-security-policy": SVG_CSP, **SECURITY_HEADERS},
    )


async def code_page(request: Request, session: Any, view: figures.Overview) -> Response:
    versions = figures.code_versions()
    wanted = request.query_params.get("version")
    version = next((v for v in versions if v.id == wanted), versions[0])
    return _html(render("code.html", view, request, version=version, versions=versions))


async def methodology_page(request: Request, session: Any, view: figures.Overview) -> Response:
    tables = await figures.table_summaries(session=session)
    version = figures.code_versions()[0]
    edition = await stats.current_edition(session=session)
    kept = await outcomes.kept_shares(session=session)
    return _html(
        render(
            "methodology.html", view, request, tables=tables, version=version,
            edition=edition, settling_days=version.publication.settling_days, kept=kept,
        )
    )  # fmt: skip


async def calendar_page(request: Request, session: Any, view: figures.Overview) -> Response:
    entries = await stats.calendar(session=session)
    current = await stats.current_edition(session=session)
    settling = figures.code_versions()[0].publication.settling_days
    return _html(
        render(
            "calendar.html", view, request, calendar=entries, current=current,
            settling_days=settling,
        )
    )  # fmt: skip


async def releases_page(request: Request, session: Any, view: figures.Overview) -> Response:
    return _html(render("releases.html", view, request))


async def open_data_page(request: Request, session: Any, view: figures.Overview) -> Response:
    kept = await outcomes.kept_shares(session=session)
    return _html(render("open_data.html", view, request, dictionary=DICTIONARY, kept=kept))


def routes(
    db: Database,
    kek: KeyEncryptionKey,
    report_wait: Callable[[str], int],
    *,
    read_db: Database | None = None,
    emails: bool = False,
) -> list[Any]:
    """The site's routes. Pages of published figures read ``read_db`` (a replica, when one
    is set); the report pages write, and a receipt must find what was just filed, so they
    use the primary."""
    public = read_db or db
    Page = Callable[[Request], Awaitable[Response]]

    def page(handler: Callable[[Request, Any, figures.Overview], Awaitable[Response]]) -> Page:
        """A page of published figures: the overview read in one transaction, then the page."""

        async def endpoint(request: Request) -> Response:
            async with public.transaction() as session:
                view = await figures.overview(session=session)
                return await handler(request, session, view)

        return endpoint

    return [
        Route("/", page(home_page)),
        *reporting.routes(
            db=db, kek=kek, report_wait=report_wait, render=render, html=_html, emails=emails
        ),
        Route("/parties/{slug}", page(party_page)),
        Route("/explore", page(explore_page)),
        Route("/explore.csv", partial(explore_data, db=public)),
        Route("/explore.svg", partial(explore_data, db=public)),
        Route("/code", page(code_page)),
        Route("/methodology", page(methodology_page)),
        Route("/calendar", page(calendar_page)),
        Route("/releases", page(releases_page)),
        Route("/open-data", page(open_data_page)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]


def graphiql_page() -> HTMLResponse:
    """GraphiQL from this service's own copies of its scripts (``jointcode assets fetch``)."""
    missing = assets.missing()
    if missing:
        return _html(env.get_template("graphiql_missing.html").render(missing=missing), status=503)
    return _html(env.get_template("graphiql.html").render(assets=assets.assets()), csp=GRAPHIQL_CSP)
