"""Committee figures: fixed reporting periods only, every cell protected by the cell key."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from db.session import Database
from publication.cellkey import perturb
from tests.conftest import GraphQLClient
from tests.helpers import decide, issue_token, register_party, submit

K = 10


@pytest.fixture
async def tokens(gql: GraphQLClient, admin_token: str) -> dict[str, str]:
    for slug in ("party-a", "party-b", "party-c"):
        await register_party(gql, admin_token, slug)
    return {
        "a": await issue_token(gql, admin_token, "OFFICER", "party-a"),
        "b": await issue_token(gql, admin_token, "OFFICER", "party-b"),
        "c": await issue_token(gql, admin_token, "OFFICER", "party-c"),
        "committee": await issue_token(gql, admin_token, "COMMITTEE"),
    }


SUMMARY = """
query($period: String!) { committeeSummary(period: $period) {
    k period { label kind startsOn endsOn }
    parties { party received { value suppressed explanation } decided { value suppressed }
              open { value suppressed } medianBand medianDaysToDecision { value suppressed }
              timeToDecision { fromDays toDays figure { value suppressed } } }
    total { received { value suppressed } decided { value suppressed } }
    sanctionConsistency { level parties { party total { value suppressed }
                          sanctions { sanction figure { value suppressed explanation } } } }
} }"""


async def _true_counts(owner_db: Database, start: date, end: date) -> dict:
    """An independent scan of the cases as the owner: each party's received count and the
    sum of its record keys, for the cell-key check."""
    async with owner_db.transaction() as session:
        rows = await session.execute(
            text(
                "SELECT p.slug, count(*) AS n, sum(c.record_key) AS keys FROM cases c "
                "JOIN parties p ON p.id = c.party_id WHERE c.received_on BETWEEN :f AND :t "
                "GROUP BY GROUPING SETS ((p.slug), ())"
            ),
            {"f": start, "t": end},
        )
        return {row.slug or "*": (row.n, int(row.keys)) for row in rows}


async def test_figures_are_cell_key_protected_for_fixed_periods(
    gql: GraphQLClient, tokens: dict[str, str], owner_db: Database
) -> None:
    for n in range(12):
        await decide(gql, tokens["a"], await submit(gql, tokens["a"], f"A-{n}"))
    for n in range(3):
        await submit(gql, tokens["b"], f"B-{n}")  # 3 open cases: a small count
    body = await gql.ok(SUMMARY, {"period": "2026-Q1"}, token=tokens["committee"])
    summary = body["committeeSummary"]
    assert summary["period"] == {
        "label": "2026-Q1", "kind": "QUARTER", "startsOn": "2026-01-01", "endsOn": "2026-03-31"
    }  # fmt: skip
    figures = {p["party"]: p for p in summary["parties"]}
    true = await _true_counts(owner_db, date(2026, 1, 1), date(2026, 3, 31))
    # every count is exactly the perturbation table applied to the true cell
    for slug in ("party-a", "party-b"):
        n, keys = true[slug]
        expected = perturb(n, keys, K)
        shown = figures[slug]["received"]
        assert shown["value"] == (expected or None)
        assert shown["suppressed"] is (expected == 0)
    assert summary["total"]["received"]["value"] == perturb(*true["*"], K)
    # a party with no case looks exactly like one with a few: withheld, with the reason
    assert figures["party-c"]["received"]["suppressed"] is True
    assert "Fewer than 10" in figures["party-c"]["received"]["explanation"]
    # party B's small count never blanks party A (no secondary suppression)
    assert figures["party-a"]["received"]["value"] is not None
    assert 10 <= figures["party-a"]["decided"]["value"] <= 14
    # the median comes from the protected time bands only (63 days: the 0-90 band)
    assert figures["party-a"]["medianBand"] == "0-90 days"
    shown = [
        f["value"]
        for p in summary["parties"]
        for key in ("received", "decided", "open")
        for f in [p[key]]
        if not f["suppressed"]
    ]
    assert all(v >= summary["k"] for v in shown)
    # sanction consistency: zeros and small counts alike are withheld, never shown as 0
    level_two = next(lv for lv in summary["sanctionConsistency"] if lv["level"] == 2)
    a_row = next(p for p in level_two["parties"] if p["party"] == "party-a")
    cells = {s["sanction"]: s["figure"] for s in a_row["sanctions"]}
    assert 10 <= cells["advice"]["value"] <= 14
    assert all(f["suppressed"] and f["value"] is None for s, f in cells.items() if s != "advice")


@pytest.mark.parametrize(
    "period", ["2026-03-02", "2026-01-01..2026-03-31", "2026-Q5", "2026/28", "", "2026\x00"]
)
async def test_day_windows_and_bad_periods_are_refused(
    gql: GraphQLClient, tokens: dict[str, str], period: str
) -> None:
    body = await gql(SUMMARY, {"period": period}, token=tokens["committee"])
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "fixed reporting periods" in error["message"] or "control character" in error["message"]


async def test_the_database_refuses_day_windows_to_the_application(
    db: Database, tokens: dict[str, str]
) -> None:
    """Even a compromised application process cannot ask the owner's function for a window
    ending on a chosen day: the function checks the period itself, and answers only a
    transaction the database bound to a Committee token."""
    query = (
        "SELECT * FROM committee_period_figures('2026-04-01', '2026-06-30', "
        "'2026-11-24', 10, 4, ARRAY[0, 91])"
    )
    for credential in (None, tokens["a"]):  # unbound, or an officer's binding
        with pytest.raises(DBAPIError, match="for the Committee"):
            async with db.transaction(credential=credential) as session:
                await session.execute(text(query))
    with pytest.raises(DBAPIError, match="for the Committee"):
        async with db.transaction() as session:  # a binding set by hand binds nothing
            await session.execute(text(
                "SELECT set_config('jointcode.binding', 'committee||||', true)"))  # fmt: skip
            await session.execute(text(query))
    with pytest.raises(DBAPIError, match="not a fixed reporting period"):
        async with db.transaction(credential=tokens["committee"]) as session:
            await session.execute(
                text(
                    "SELECT * FROM committee_period_figures('2026-01-01', '2026-06-07', "
                    "'2026-11-24', 10, 4, ARRAY[0, 91])"
                )
            )
    with pytest.raises(DBAPIError, match="permission denied"):
        async with db.transaction() as session:
            await session.execute(text("SELECT * FROM committee_counts"))


async def test_reporting_periods_are_listed(gql: GraphQLClient, tokens: dict[str, str]) -> None:
    body = await gql.ok("{ reportingPeriods { label kind } }", token=tokens["committee"])
    labels = {p["label"]: p["kind"] for p in body["reportingPeriods"]}
    assert labels["2026"] == "YEAR" and labels["2026-Q1"] == "QUARTER"
    assert labels["2025/26"] == "REPORTING_YEAR"


ROLLED = {
    "committee_counts": "party_id, received_on, state, decided, on_time, appealed, published",
    "committee_days": "party_id, received_on, days",
}
DIRECT = {
    "committee_counts": """
      SELECT party_id, received_on, state, decided_on IS NOT NULL AS decided,
             coalesce(decided_on <= decide_due, false) AS on_time,
             appeal_lodged_on IS NOT NULL AS appealed, release_id IS NOT NULL AS published,
             count(*) AS n, sum(record_key) AS key_sum
      FROM cases GROUP BY 1, 2, 3, 4, 5, 6, 7""",
    "committee_days": """
      SELECT party_id, received_on, decided_on - received_on AS days, count(*) AS n,
             sum(record_key) AS key_sum
      FROM cases WHERE decided_on IS NOT NULL GROUP BY 1, 2, 3""",
}


async def test_rollups_match_a_direct_count_of_the_cases(
    gql: GraphQLClient, tokens: dict[str, str], owner_db: Database
) -> None:
    """The rollups the triggers maintain (counts and record-key sums) equal a scan of the
    cases after every kind of change (submission, workflow steps, appeal, publication)."""
    from tests.helpers import publish, to_assessment

    for party, count in (("a", 14), ("b", 5)):
        token = tokens[party]
        for n in range(count):
            received = f"2026-0{1 + n % 6}-0{1 + n % 9}"
            case = await submit(gql, token, f"R-{party}-{n}", receivedOn=received,
                                acknowledgedOn=received if n % 2 else None)  # fmt: skip
            if n % 4 == 0:
                continue
            if n % 4 == 1:
                await to_assessment(gql, token, case, on="2026-07-01")
                continue
            decided = await decide(gql, token, case, decided_on="2026-07-15")
            if n % 8 == 2:
                await gql.ok(
                    "mutation($i: LodgeAppealInput!) { lodgeAppeal(input: $i) "
                    "{ errors { code } } }",
                    {"i": {"id": decided["id"], "expectedVersion": decided["version"],
                           "appellant": "RESPONDENT", "lodgedOn": "2026-07-20"}},
                    token=token,
                )  # fmt: skip
    await publish(gql, tokens["a"])
    async with owner_db.transaction() as session:
        for table, direct in DIRECT.items():
            scanned = {tuple(r) for r in await session.execute(text(direct))}
            rolled = {
                tuple(r)
                for r in await session.execute(
                    text(f"SELECT {ROLLED[table]}, n, key_sum FROM {table} WHERE n <> 0")
                )
            }
            assert rolled == scanned, table


async def test_the_committee_cannot_poll_a_period_or_see_an_open_one(
    gql: GraphQLClient, tokens: dict[str, str], db: Database
) -> None:
    """Issue 22: reading the figures before and after one decision changed 37 cells and
    told the case's party, level, sanction, time band and lateness. A period's figures are
    now computed once, on its date, and stored; an open period is refused."""
    for n in range(12):
        await decide(gql, tokens["a"], await submit(gql, tokens["a"], f"A-{n}"))
    opened = [await submit(gql, tokens["a"], f"O-{n}") for n in range(12)]
    first = await gql.ok(SUMMARY, {"period": "2026-Q1"}, token=tokens["committee"])
    for case in opened[:3]:  # decisions on cases of that quarter, after its edition
        await decide(gql, tokens["a"], case, sanction="expulsion")
    again = await gql.ok(SUMMARY, {"period": "2026-Q1"}, token=tokens["committee"])
    assert again == first
    # open and overdue counts name their day: the day the edition was computed
    day = '{ committeeSummary(period: "2026-Q1") { asOf } }'
    as_of = (await gql.ok(day, token=tokens["committee"]))["committeeSummary"]["asOf"]
    assert as_of == date.today().isoformat()
    # the application reads when an edition was computed, never its stored figures
    async with db.transaction(credential=tokens["a"]) as session:
        days = (await session.execute(text(
            "SELECT period_start, computed_at FROM committee_editions"))).all()  # fmt: skip
    assert (date(2026, 1, 1)) in {d.period_start for d in days}
    for column in ("figures", "sanctions", "*"):
        with pytest.raises(DBAPIError, match="permission denied"):
            async with db.transaction(credential=tokens["a"]) as session:
                await session.execute(text(f"SELECT {column} FROM committee_editions"))
    current = date.today()
    quarter = f"{current.year}-Q{(current.month - 1) // 3 + 1}"
    refused = await gql(SUMMARY, {"period": quarter}, token=tokens["committee"])
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "are published on" in refused["errors"][0]["message"]
    for call in (  # the database refuses an open period, or a k below the code's, to anyone
        f"SELECT * FROM committee_period_figures('{current.year}-01-01', "
        f"'{current.year}-12-31', current_date, 10, 4, ARRAY[0, 91])",
        "SELECT * FROM committee_period_figures('2026-01-01', '2026-03-31', current_date, 2, "
        "4, ARRAY[0, 91])",
    ):
        with pytest.raises(DBAPIError, match=r"published on|keep the code's k"):
            async with db.transaction(credential=tokens["committee"]) as session:
                await session.execute(text(call))
    with pytest.raises(DBAPIError, match="permission denied"):
        async with db.transaction(credential=tokens["committee"]) as session:
            await session.execute(text(
                "SELECT * FROM committee_period_figures_live('2026-01-01', '2026-03-31', "
                "current_date, 10, 4, ARRAY[0, 91])"))  # fmt: skip
