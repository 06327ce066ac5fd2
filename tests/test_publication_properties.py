"""Property: whatever the decided cases, what is published is k-anonymous.

Random case sets are decided and published through the real domain functions on the
real database; then every equivalence class of the release has at least k records, and
every public count under any group-by and filter is 0 or at least k.
"""

from __future__ import annotations

import itertools
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from cases import lifecycle
from cases import service as case_service
from db.errors import DomainError
from db.session import Database
from parties import service as party_service
from publication import releases
from publication import statistics as stats
from publication.statistics import Dimension, StatisticsFilter
from tests.conftest import TABLES
from tests.helpers import departure_for

K = 10
PROVISIONS = st.sampled_from([["JC1"], ["JC6"], ["JC1", "JC6"], ["JC4"]])
SANCTIONS = st.sampled_from(["advice", "formal_warning", "expulsion"])
YEARS = st.sampled_from([2025, 2026])
OUTCOME = st.tuples(YEARS, PROVISIONS, SANCTIONS)
# Groups of identical outcomes of random sizes either side of k, plus scattered singles,
# so both published and held-back classes occur in most examples.
CASE_SETS = st.builds(
    lambda groups, singles: [o for o, n in groups for _ in range(n)] + singles,
    st.lists(st.tuples(OUTCOME, st.integers(1, 2 * K)), max_size=4),
    st.lists(OUTCOME, max_size=8),
)


async def _publish(db: Database, slug: str, outcomes: list[tuple]) -> int:
    async with db.transaction() as session:
        party = await party_service.register_party(session=session, slug=slug, name=slug)
    async with db.transaction(party_id=party.id) as session:
        for n, (year, provisions, sanction) in enumerate(outcomes):
            case, _ = await case_service.submit_case(
                session=session,
                party_id=party.id,
                reference=f"{slug}-{n}",
                received_on=date(year, 1, 10),
                provisions=provisions,
                channel="email",
                respondent_role="member",
            )
            await lifecycle.record_decided(
                session=session,
                party_id=party.id,
                case=case,
                assessment=lifecycle.Assessment(findings={p: True for p in provisions}),
                sanction=sanction,
                departure_reason=departure_for(provisions, sanction),
                decided_on=date(year, 6, 1),
            )
    try:
        async with db.transaction(party_id=party.id) as session:
            published = await releases.publish_release(session=session, party_id=party.id)
            return published.release.record_count
    except DomainError:
        return 0


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(first=CASE_SETS, second=CASE_SETS)
async def test_every_public_count_is_zero_or_at_least_k(
    db: Database, owner_db: Database, first: list[tuple], second: list[tuple]
) -> None:
    async with owner_db.transaction() as session:
        await session.execute(text(f"TRUNCATE {TABLES} CASCADE"))
    published = await _publish(db, "party-a", first) + await _publish(db, "party-b", second)

    async with db.transaction() as session:
        classes = (
            await session.execute(
                text(
                    "SELECT release_id, year, provisions, sanction, count(*) AS n "
                    "FROM published_outcomes GROUP BY 1, 2, 3, 4"
                )
            )
        ).all()
        assert all(row.n >= K for row in classes)
        assert sum(row.n for row in classes) == published

        dims = list(Dimension)
        filters = [
            StatisticsFilter(),
            StatisticsFilter(party="party-a"),
            StatisticsFilter(year=2026, provision="JC6"),
            StatisticsFilter(party="party-b", sanction="advice", provision="JC1"),
        ]
        for where in filters:
            for size in range(len(dims) + 1):
                for group_by in itertools.combinations(dims, size):
                    rows = await stats.statistics(
                        session=session, group_by=list(group_by), where=where
                    )
                    assert all(r.count == 0 or r.count >= K for r in rows), (group_by, where)
