"""Properties: whatever the cases, what is published is k-anonymous and never identifying.

Random case sets go through the real workflow and the real preview/publish path on the
real database. Then: every equivalence class of every release (all published columns
together) has at least k records; every public count, under any combination of group-by
dimensions and filters, is 0 or at least k; and nothing never-published (references,
dates, free text, pseudonyms, complainant counts) appears in any public answer.
"""

from __future__ import annotations

import itertools
import random
from datetime import date

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from cases import lifecycle
from cases import service as case_service
from db.errors import DomainError
from db.session import Database
from parties import service as party_service
from publication import releases
from publication import statistics as stats
from publication.anonymise import PUBLISHED_COLUMNS
from publication.statistics import Dimension, StatisticsFilter
from tests.conftest import TABLES, GraphQLClient
from tests.helpers import departure_for

K = 10
OUTCOME = st.fixed_dictionaries(
    {
        "month": st.integers(1, 12),
        "year": st.sampled_from([2024, 2025]),
        "provisions": st.sampled_from([["JC1"], ["JC6"], ["JC1", "JC6"], ["JC4"], ["JC10"]]),
        "forms": st.sampled_from([[], [], ["misogyny"], ["antisemitism", "islamophobia"]]),
        "channel": st.sampled_from(["social_x", "social_facebook", "email", "phone"]),
        "role": st.sampled_from(["member", "candidate", "volunteer"]),
        "sanction": st.sampled_from(["advice", "formal_warning", "suspension"]),
        "proven": st.sampled_from([True, True, True, False]),
    }
)
# Groups of identical outcomes of random sizes either side of k, plus scattered singles,
# so published, generalised and held-back classes all occur.
CASE_SETS = st.builds(
    lambda groups, singles: [o for o, n in groups for _ in range(n)] + singles,
    st.lists(st.tuples(OUTCOME, st.integers(1, 2 * K)), max_size=5),
    st.lists(OUTCOME, max_size=12),
)
SECRET = "Private narrative"


async def _publish(db: Database, slug: str, outcomes: list[dict]) -> int:
    async with db.transaction() as session:
        party = await party_service.register_party(
            session=session, slug=slug, name=slug, membership=5000
        )
    async with db.transaction(party_id=party.id) as session:
        for n, o in enumerate(outcomes):
            case, _ = await case_service.submit_case(
                session=session,
                party_id=party.id,
                reference=f"{slug}-REF-{n}",
                received_on=date(o["year"], o["month"], 1),
                provisions=o["provisions"],
                channel=o["channel"],
                respondent_role=o["role"],
                forms_of_hate=o["forms"],
                summary=f"{SECRET} {n}",
                respondent_ref=f"member-{n}",
                complainant_count=3,
            )
            sanction = o["sanction"] if o["proven"] else "no_further_action"
            await lifecycle.record_decided(
                session=session,
                party_id=party.id,
                case=case,
                assessment=lifecycle.Assessment(findings={p: o["proven"] for p in o["provisions"]}),
                sanction=sanction,
                suspension_months=6 if sanction == "suspension" else None,
                departure_reason=departure_for(o["provisions"], sanction) if o["proven"] else None,
                decided_on=date(o["year"], o["month"], 2),
            )
    try:
        async with db.transaction(party_id=party.id) as session:
            preview = await releases.preview_release(session=session, party_id=party.id)
            published = await releases.publish_release(
                session=session, party_id=party.id, preview_id=preview.preview.id
            )
            assert published.release.record_count == preview.preview.record_count
            return published.release.record_count
    except DomainError:
        return 0


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(first=CASE_SETS, second=CASE_SETS, seed=st.integers(0, 10_000))
async def test_every_published_class_and_public_count_is_zero_or_at_least_k(
    db: Database,
    owner_db: Database,
    gql: GraphQLClient,
    first: list[dict],
    second: list[dict],
    seed: int,
) -> None:
    async with owner_db.transaction() as session:
        await session.execute(text(f"TRUNCATE {TABLES} CASCADE"))
    published = await _publish(db, "party-a", first) + await _publish(db, "party-b", second)
    event(f"published {'some' if published else 'none'}")

    columns = ", ".join(PUBLISHED_COLUMNS)
    async with db.transaction() as session:
        classes = (
            await session.execute(
                text(
                    f"SELECT release_id, {columns}, count(*) AS n FROM published_outcomes "
                    f"GROUP BY release_id, {columns}"
                )
            )
        ).all()
        assert all(row.n >= K for row in classes)
        assert sum(row.n for row in classes) == published
        # the class table statistics read holds exactly these classes and sizes
        rollup = (
            await session.execute(text(f"SELECT release_id, {columns}, n FROM published_classes"))
        ).all()
        assert sorted(map(tuple, rollup), key=repr) == sorted(map(tuple, classes), key=repr)

        # every single dimension and pair, then random larger combinations, each under
        # no filter and under filters drawn from the values actually published
        dims = list(Dimension)
        rng = random.Random(seed)
        group_bys = [list(c) for size in (0, 1, 2) for c in itertools.combinations(dims, size)]
        group_bys += [rng.sample(dims, rng.randint(3, len(dims))) for _ in range(20)]
        seen = await stats.statistics(session=session, group_by=dims[:1] + dims[3:4])
        filters = [StatisticsFilter()]
        for row in seen[:3]:
            filters.append(StatisticsFilter(values={d: v for d, v in row.values.items()}))
        filters.append(StatisticsFilter(values={Dimension.CHANNEL_GROUP: "online"}))
        for where in filters:
            for group_by in group_bys:
                rows = await stats.statistics(session=session, group_by=group_by, where=where)
                assert all(r.count >= K for r in rows), (group_by, where)

    # never-published attributes appear in no public answer
    public = await gql.raw(
        "{ statistics(groupBy: [PARTY, PROVISION, CHANNEL, SEVERITY]) { party count } "
        "publishedOutcomes(first: 100) { edges { node { period provisions channel sanction } } } }"
    )
    body = public.text
    assert public.status_code == 200
    for secret in (SECRET, "-REF-", "member-", "2025-01-01", "2024-01-01"):
        assert secret not in body
