"""Committee figures: small counts suppressed, and none recoverable from the totals."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from publication.suppression import Relation, suppress
from tests.conftest import GraphQLClient
from tests.helpers import decide, issue_token, register_party, submit

K = 10


def _pinned(values: dict, relations: list[Relation], hidden: set, k: int) -> set:
    """An attacker's view, written independently of the suppressor: for each published
    total, the interval each hidden part can take given the shown parts, assuming hidden
    counts are at least 1 and (for small ones) at most k-1; a width-0 interval is a leak."""
    leaked = set()
    for relation in relations:
        if relation.total in hidden:
            continue
        parts = [p for p in relation.parts if p in hidden]
        if not parts:
            continue
        rest = values[relation.total] - sum(values[p] for p in relation.parts if p not in hidden)
        for upper in (None, k - 1):  # without, then with, the small-count assumption
            for part in parts:
                others = len(parts) - 1
                low = 1 if upper is None else max(1, rest - others * upper)
                high = rest - others if upper is None else min(upper, rest - others)
                if low == high:
                    leaked.add(part)
    return leaked


TABLES = st.lists(
    st.lists(st.integers(0, 3 * K).map(lambda n: n if n % 3 else n // 7), min_size=4, max_size=4),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(rows=TABLES)
def test_no_suppressed_cell_can_be_recomputed_from_totals(rows: list[list[int]]) -> None:
    """Rows are parties, columns the parts of a row total; row and column totals shown."""
    values: dict = {}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            values[(r, c)] = value
        values[(r, "total")] = sum(row)
    for c in [*range(4), "total"]:
        values[("all", c)] = sum(values[(r, c)] for r in range(len(rows)))
    relations = [
        Relation(total=(r, "total"), parts=tuple((r, c) for c in range(4)))
        for r in [*range(len(rows)), "all"]
    ] + [
        Relation(total=("all", c), parts=tuple((r, c) for r in range(len(rows))))
        for c in [*range(4), "total"]
    ]
    hidden = suppress(values, relations, k=K)
    secondary = {c for c in hidden if not 0 < values[c] < K}
    event(f"secondary suppression: {'yes' if secondary else 'no'}")
    shown = {cell: v for cell, v in values.items() if cell not in hidden}
    assert all(v == 0 or v >= K for v in shown.values())  # no small count is shown
    assert all(values[cell] > 0 for cell in hidden if cell not in {r.total for r in relations})
    assert not _pinned(values, relations, hidden, K)


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
{ committeeSummary {
    k
    parties { party received { value suppressed } decided { value suppressed }
              open { value suppressed } medianDaysToDecision { value suppressed } }
    total { received { value suppressed } decided { value suppressed } }
    sanctionConsistency { level parties { party total { value suppressed }
                          sanctions { sanction figure { value suppressed } } } }
} }"""


async def test_committee_summary_suppresses_small_and_recoverable_counts(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    for n in range(12):
        await decide(gql, tokens["a"], await submit(gql, tokens["a"], f"A-{n}"))
    for n in range(3):
        await submit(gql, tokens["b"], f"B-{n}")  # 3 open cases: a small count
    summary = (await gql.ok(SUMMARY, token=tokens["committee"]))["committeeSummary"]
    figures = {p["party"]: p for p in summary["parties"]}
    assert figures["party-b"]["received"] == {"value": None, "suppressed": True}
    assert figures["party-b"]["open"] == {"value": None, "suppressed": True}
    # the column total (15) is shown, so one more received count must hide: party A's
    assert summary["total"]["received"] == {"value": 15, "suppressed": False}
    assert figures["party-a"]["received"]["suppressed"] is True
    assert figures["party-c"]["received"] == {"value": 0, "suppressed": False}
    assert figures["party-a"]["decided"] == {"value": 12, "suppressed": False}
    assert figures["party-a"]["medianDaysToDecision"]["value"] == 63  # 2026-03-02 to 05-04
    level_two = next(lv for lv in summary["sanctionConsistency"] if lv["level"] == 2)
    a_advice = {
        s["sanction"]: s["figure"]
        for p in level_two["parties"]
        if p["party"] == "party-a"
        for s in p["sanctions"]
    }
    assert a_advice["advice"] == {"value": 12, "suppressed": False}

    shown = [
        f["value"]
        for p in [*summary["parties"], summary["total"]]
        for key in ("received", "decided")
        for f in [p[key]]
        if not f["suppressed"]
    ]
    assert all(v == 0 or v >= summary["k"] for v in shown)


DIRECT = """
  SELECT c.party_id, count(*) AS received,
         count(*) FILTER (WHERE c.state = 'closed_out_of_scope') AS closed_out_of_scope,
         count(*) FILTER (WHERE c.state = 'withdrawn') AS withdrawn,
         count(*) FILTER (WHERE c.state = 'respondent_left') AS respondent_left,
         count(*) FILTER (WHERE c.decided_on IS NOT NULL) AS decided,
         count(*) FILTER (WHERE c.state IN ('received', 'triaged', 'under_assessment')) AS open,
         count(*) FILTER (WHERE c.appeal_lodged_on IS NOT NULL) AS appealed,
         count(*) FILTER (WHERE c.decided_on <= c.decide_due) AS decided_on_time,
         count(*) FILTER (WHERE
           (c.state IN ('received', 'triaged', 'under_assessment') AND least(
              CASE WHEN c.acknowledged_on IS NULL THEN c.acknowledge_due END,
              CASE WHEN c.state = 'received' THEN c.triage_due END, c.decide_due) < :today)
           OR (c.state = 'appealed' AND c.appeal_decide_due < :today)) AS open_overdue,
         count(*) FILTER (WHERE c.release_id IS NOT NULL) AS published,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY c.decided_on - c.received_on)
           AS median_days
  FROM cases c WHERE c.received_on BETWEEN :f AND :t
  GROUP BY GROUPING SETS ((c.party_id), ())
"""


async def test_rollups_match_a_direct_count_of_the_cases(
    gql: GraphQLClient, tokens: dict[str, str], owner_db
) -> None:
    """The figures the triggers maintain equal a scan of the cases, after every kind of
    change (submission, each workflow step, appeal, publication)."""
    from sqlalchemy import text

    from tests.helpers import publish, to_assessment

    for party, count in (("a", 14), ("b", 5)):
        token = tokens[party]
        for n in range(count):
            received = f"2026-0{1 + n % 6}-0{1 + n % 9}"
            case = await submit(gql, token, f"R-{party}-{n}", receivedOn=received,
                                acknowledgedOn=received if n % 2 else None)  # fmt: skip
            if n % 4 == 0:
                continue  # left received (some overdue)
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
    await publish(gql, tokens["a"])  # finalises and publishes: more updates to roll up

    params = {"f": "2026-01-01", "t": "2026-12-31", "today": "2026-11-24"}
    async with owner_db.transaction() as session:
        direct = {
            r.party_id: r._asdict()
            for r in await session.execute(
                text(DIRECT),
                {
                    "f": date(2026, 1, 1),
                    "t": date(2026, 12, 31),
                    "today": date(2026, 11, 24),
                },
            )
        }
        rolled = {
            r.party_id: r._asdict()
            for r in await session.execute(
                text("SELECT * FROM committee_case_figures(:f, :t, :today)"),
                {k: date.fromisoformat(v) for k, v in params.items()},
            )
        }
    assert rolled == direct
    assert direct[None]["received"] == 19 and direct[None]["open_overdue"] > 0
