"""Retention on a time-shifted copy: `jointcode retention apply --today` erases exactly
what the schedule says (sealed report contents, then a final case's summary and
pseudonym), keeps every coded value, records counts and ids, and is idempotent."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from cli import app
from codes import clock
from codes.retention import schedule
from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import decide, issue_token, register_party, submit
from tests.test_reports import ACCEPT, DECLINE, QUEUE, _file

runner = CliRunner()


@pytest.fixture
def env(owner_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", owner_url)
    monkeypatch.delenv("APP_DATABASE_URL", raising=False)


async def _apply(on: str) -> str:
    result = await asyncio.to_thread(runner.invoke, app, ["retention", "apply", "--today", on])
    assert result.exit_code == 0, result.output
    return result.output


async def _state(owner_db: Database) -> dict[str, object]:
    async with owner_db.transaction() as session:
        reports = (
            await session.execute(
                text(
                    "SELECT code, status, channel, provisions, sealed IS NULL AS erased "
                    "FROM reports ORDER BY received_at, code"
                )
            )
        ).all()
        cases = (
            await session.execute(
                text(
                    "SELECT reference, state, sanction, provisions, summary IS NULL AS no_summary, "
                    "respondent_pseudonym IS NULL AS no_pseudonym FROM cases ORDER BY reference"
                )
            )
        ).all()
        erasures = (
            await session.execute(
                text(
                    "SELECT details FROM audit_entries WHERE action = 'retention.erase' "
                    "ORDER BY seq"
                )
            )
        ).all()
    return {
        "reports": [tuple(r) for r in reports],
        "cases": [tuple(c) for c in cases],
        "erasures": [e.details for e in erasures],
    }


async def test_retention_erases_what_the_schedule_says_and_nothing_else(
    env: None, gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    await _file(gql, whatHappened="First.")
    await _file(gql, whatHappened="Second.")
    await _file(gql, whatHappened="Third, still open.")
    edges = (await gql.ok(QUEUE, token=officer))["reports"]["edges"]
    await gql.ok(DECLINE, {"id": edges[0]["node"]["id"], "reason": "duplicate"}, token=officer)
    case = (await gql.ok(ACCEPT, {"id": edges[1]["node"]["id"]}, token=officer))["acceptReport"]
    today = clock.today()
    await decide(gql, officer, case["case"], sanction="advice", decided_on=today.isoformat())
    own = await submit(
        gql, officer, "OWN-1", respondentRef="member-77", receivedOn=today.isoformat()
    )
    await decide(gql, officer, own, sanction="advice", decided_on=today.isoformat())
    async with owner_db.transaction() as session:  # both cases final today
        await session.execute(
            text("UPDATE cases SET state = 'final', finalised_on = :d"), {"d": today}
        )
    start = await _state(owner_db)
    assert [r[-1] for r in start["reports"]] == [False, False, False]

    months = schedule().report_contents_months
    assert "erased 0 report(s), 0 case(s)" in await _apply(
        (today + timedelta(days=30 * months - 31)).isoformat()
    )  # not yet
    assert await _state(owner_db) == start

    later = (today + timedelta(days=31 * months + 31)).isoformat()
    assert "erased 2 report(s), 0 case(s)" in await _apply(later)
    after = await _state(owner_db)
    assert [r[-1] for r in after["reports"]] == [True, True, False]  # the open one stays
    assert [r[:-1] for r in after["reports"]] == [r[:-1] for r in start["reports"]]
    assert after["cases"] == start["cases"]
    assert "erased 0 report(s), 0 case(s)" in await _apply(later)  # idempotent

    years = schedule().case_personal_years
    much_later = today.replace(year=today.year + years, day=1) + timedelta(days=62)
    assert "erased 0 report(s), 2 case(s)" in await _apply(much_later.isoformat())
    final = await _state(owner_db)
    assert [c[:4] for c in final["cases"]] == [c[:4] for c in start["cases"]]  # coded values
    assert all(c[4] and c[5] for c in final["cases"])  # summary and pseudonym gone
    assert "erased 0 report(s), 0 case(s)" in await _apply(much_later.isoformat())
    erasures = final["erasures"]
    assert [(e["reports"], e["cases"]) for e in erasures] == [(2, 0), (0, 2)]
    assert "First." not in str(erasures) and "member-77" not in str(erasures)
