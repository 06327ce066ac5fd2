"""Demo data: fictional parties and synthetic cases, through the real domain functions.

Every demo party is flagged ``is_demo`` and shown as synthetic wherever its figures
appear: no made-up statistic is ever shown under a real party's name.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

import codes
from cases import lifecycle, synthetic
from cases import reports as report_service
from cases import service as case_service
from cases.models import AppealOutcome, Appellant
from codes import clock
from db.envelope import KeyEncryptionKey
from db.errors import DomainError
from db.session import Database
from parties import sanction_mapping, tokens
from parties import service as party_service
from parties.tokens import Role
from publication import checkpoints, committee, releases, report_statistics, statistics

DEMO_LABEL = "demo"
DEFAULT_PROFILE = "demo"


@dataclass(frozen=True, slots=True)
class DemoToken:
    role: str
    party: str | None
    secret: str


async def is_seeded(db: Database) -> bool:
    async with db.transaction() as session:
        return await party_service.any_demo_party(session=session)


async def history_complete(db: Database) -> bool:
    """Whether a seeding ran to its end: its last steps publish the statistics."""
    async with db.transaction() as session:
        return bool(await session.scalar(text("SELECT EXISTS (SELECT 1 FROM statistics_editions)")))


async def _walk(session: Any, party_id: Any, case: Any, planned: synthetic.SyntheticCase) -> None:
    """Take one submitted case through the real workflow as the generator planned it."""
    if planned.closed is not None:
        kind, on, reason = planned.closed
        if kind == "out_of_scope":
            await lifecycle.triage_case(
                session=session, party_id=party_id, case_id=case.id,
                expected_version=case.version, in_scope=False, out_of_scope_reason=reason,
                triaged_on=on,
            )  # fmt: skip
        elif kind == "withdrawn":
            await lifecycle.withdraw_case(
                session=session, party_id=party_id, case_id=case.id,
                expected_version=case.version, withdrawn_on=on,
            )  # fmt: skip
        else:
            await lifecycle.record_respondent_left(
                session=session, party_id=party_id, case_id=case.id,
                expected_version=case.version, left_on=on,
            )  # fmt: skip
        return
    decision = planned.decision
    if decision is None:
        return  # still open
    case = await lifecycle.record_decided(
        session=session,
        party_id=party_id,
        case=case,
        assessment=lifecycle.Assessment(
            findings={p: decision.proven for p in planned.provisions},
            factors=list(decision.factors),
        ),
        sanction=decision.sanction,
        suspension_months=decision.suspension_months,
        departure_reason=decision.departure_reason,
        decided_on=decision.decided_on,
    )
    if decision.appeal is not None:
        lodged, outcome, new = decision.appeal
        case = await lifecycle.lodge_appeal(
            session=session, party_id=party_id, case_id=case.id,
            expected_version=case.version, appellant=Appellant.RESPONDENT, lodged_on=lodged,
        )  # fmt: skip
        await lifecycle.decide_appeal(
            session=session, party_id=party_id, case_id=case.id,
            expected_version=case.version, outcome=AppealOutcome(outcome), sanction=new,
            suspension_months=6 if new == "suspension" else None,
            decided_on=min(lifecycle.today(), lodged + timedelta(days=20)),
        )  # fmt: skip


async def seed(
    db: Database,
    *,
    today: date | None = None,
    profile: str = DEFAULT_PROFILE,
    seed: int = 0,
    signer: checkpoints.Signer | None = None,
    kek: KeyEncryptionKey | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Create the profile's fictional parties and cases through the real domain functions,
    walk each case as planned, publish the statistics due by today, then each party's
    release of the years those statistics have closed."""
    today = today or clock.today()
    await register_parties(db, profile=profile, today=today, signer=signer)
    return await seed_history(
        db, today=today, profile=profile, seed=seed, signer=signer, kek=kek, progress=progress
    )


async def register_parties(
    db: Database, *, profile: str, today: date, signer: checkpoints.Signer | None
) -> None:
    """The profile's fictional parties, with their sanction mappings: seconds, so a first
    run can print its tokens and serve while the history is seeded behind it."""
    for party_profile in synthetic.PROFILES[profile].parties:
        async with db.transaction() as session:
            party = await party_service.register_party(
                session=session,
                slug=party_profile.slug,
                name=party_profile.name,
                short_name=party_profile.short,
                is_demo=True,
                nations=list(party_profile.nations),
                membership=party_profile.membership,
                # adopted when the code came into force; older cases are history moved in
                adopted_on=min(today, codes.default_version(today).in_force_from),
                checkpoint_key=signer.fingerprint if signer else None,
            )
            if party_profile.publishes_timeliness:
                party = await party_service.update_party(
                    session=session, party_id=party.id, publishes_timeliness=True
                )
            mapping_file = sanction_mapping.demo_file(party_profile.slug)
            if mapping_file is not None:
                await sanction_mapping.set_mapping(
                    session=session,
                    party_id=party.id,
                    entries=sanction_mapping.read_file(mapping_file).entries,
                )


async def seed_history(
    db: Database,
    *,
    today: date,
    profile: str = DEFAULT_PROFILE,
    seed: int = 0,
    signer: checkpoints.Signer | None = None,
    kek: KeyEncryptionKey | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """The registered demo parties' cases walked through the workflow, their reports,
    the editions due and each party's release: what takes the time."""
    planned = synthetic.generate(profile, today=today, seed=seed)
    created = 0
    parties: list[Any] = []
    for party_profile in synthetic.PROFILES[profile].parties:
        async with db.transaction() as session:
            party = await party_service.get_by_slug(session=session, slug=party_profile.slug)
        assert party is not None, "register_parties first"
        mine = [c for c in planned if c.party == party_profile.slug]
        for start in range(0, len(mine), case_service.MAX_BATCH):
            batch = mine[start : start + case_service.MAX_BATCH]
            async with db.transaction(party_id=party.id) as session:
                results = await case_service.submit_cases(
                    session=session,
                    party_id=party.id,
                    submissions=[
                        case_service.Submission(
                            reference=c.reference,
                            received_on=c.received_on,
                            provisions=c.provisions,
                            channel=c.channel,
                            respondent_role=c.respondent_role,
                            target_role=c.target_role,
                            characteristics=c.characteristics,
                            forms_of_hate=c.forms_of_hate,
                            summary="Synthetic demo complaint.",
                            complainant_count=c.complainant_count,
                            respondent_ref=c.respondent_ref,
                            acknowledged_on=c.acknowledged_on,
                        )
                        for c in batch
                    ],
                )
                for result, planned_case in zip(results, batch, strict=True):
                    assert result.case is not None, result.errors
                    created += 1
                    await _walk(session, party.id, result.case, planned_case)
            if progress is not None:
                progress(created, len(planned))
        async with db.transaction(party_id=party.id) as session:
            await _finalise_history(session, party.id, today)
        parties.append(party.id)
    async with db.transaction() as session:
        # the statistics' newest due edition (the service publishes the next on its date)
        await statistics.publish_due(session=session)
    for party_id in parties:  # records follow the statistics: closed, published years only
        await _publish(db, party_id, signer)
    async with db.transaction() as session:
        await committee.publish_due(session=session, today=today)  # the Committee's, too
    if kek is not None:
        await _seed_reports(db, kek, profile=profile, today=today, seed=seed)
    async with db.transaction() as session:
        await _publish_report_editions(session, today)  # and the counts of reports
    return created


DEMO_TEXTS = (
    "Shouted abuse at me outside the polling station.",
    "Posted threatening messages about me after the hustings.",
    "Sent me repeated messages after I asked them to stop.",
    "Made remarks about my religion at a party meeting.",
    "Shared a doctored photo of me with a false claim.",
)


async def _seed_reports(
    db: Database, kek: KeyEncryptionKey, *, profile: str, today: date, seed: int
) -> None:
    """Reports from the public over the demo's years, through the real domain functions:
    some still waiting, some taken up, declined (with the code's reasons) or withdrawn,
    so the queue, the receipts and the counts of reports have something to show."""
    rng = random.Random(seed + 23)
    version = codes.default_version(today)
    years = synthetic.PROFILES[profile].years
    first_day = today - timedelta(days=int(365 * years))
    reasons = [r.id for r in version.out_of_scope_reasons]
    for party_profile in synthetic.PROFILES[profile].parties:
        count = max(12, party_profile.cases_per_year // 5)
        for n in range(int(count * years)):
            received = first_day + timedelta(days=rng.randrange((today - first_day).days))
            report = report_service.ReportInput(
                party=party_profile.slug,
                respondent_role=rng.choice([None, *(r.id for r in version.respondent_roles)]),
                channel=rng.choice([c.id for c in version.channels]),
                provisions=rng.sample([p.id for p in version.provisions], k=rng.choice((1, 1, 2))),
                occurred_from=received - timedelta(days=rng.randrange(0, 20)),
                what_happened=f"{rng.choice(DEMO_TEXTS)} (Synthetic demo report {n}.)",
                reporter_kind=rng.choice(sorted(report_service.REPORTER_KINDS)),
                consent=True,
            )
            async with db.transaction() as session:
                receipt = await report_service.submit_report(
                    session=session, kek=kek, report=report, today=received
                )
            fate = rng.random()
            if received > today - timedelta(days=14) or fate < 0.55:
                continue  # still waiting for the party
            if fate < 0.65:
                async with db.transaction() as session:
                    await report_service.withdraw(
                        session=session, code=receipt.code, secret=receipt.secret
                    )
                continue
            party = await _party(db, party_profile.slug)
            async with db.transaction(party_id=party) as session:
                found = await session.scalar(
                    text("SELECT id FROM reports WHERE code = :c"), {"c": receipt.code}
                )
                if fate < 0.85:
                    await report_service.decline_report(
                        session=session, party_id=party, report_id=found,
                        reason=rng.choice(reasons), today=received,
                    )  # fmt: skip
                else:
                    await report_service.accept_report(
                        session=session, party_id=party, report_id=found, today=received,
                        respondent_role=report.respondent_role or "member",
                    )  # fmt: skip


async def _party(db: Database, slug: str) -> Any:
    async with db.transaction() as session:
        found = await party_service.get_by_slug(session=session, slug=slug)
    assert found is not None
    return found.id


async def _publish_report_editions(session: Any, today: date) -> None:
    """Every closed quarter's counts of reports, oldest first, as the hourly job would
    have published them over the years (each edition adds its own quarter's cells)."""
    first = await session.scalar(text("SELECT min(received_on) FROM reports"))
    if first is None:
        await report_statistics.publish_due(session=session)
        return
    settling = codes.default_version(today).publication.settling_days
    quarter = statistics.quarter_of(first)
    while statistics.quarter_end(quarter) + timedelta(days=settling) <= today:
        await report_statistics.publish_edition(session=session, edition=quarter)
        quarter = statistics.next_quarter(quarter)


async def _finalise_history(session: Any, party_id: Any, today: date) -> None:
    """Decided cases become final month by month, as the daily job would have made them
    over the years, so each outcome counts in the quarter it really became final."""
    earliest = await session.scalar(
        text(
            "SELECT min(appeal_window_ends) FROM cases WHERE party_id = :p "
            "AND state IN ('decided', 'appeal_decided')"
        ),
        {"p": party_id},
    )
    if earliest is None:
        return
    month = date(earliest.year, earliest.month, 1)
    while month <= today:
        await lifecycle.finalise_due(session=session, party_id=party_id, on=month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


async def _publish(db: Database, party_id: Any, signer: checkpoints.Signer | None) -> None:
    async with db.transaction(party_id=party_id) as session:
        try:
            preview = await releases.preview_release(session=session, party_id=party_id)
            await releases.publish_release(
                session=session, party_id=party_id, preview_id=preview.preview.id
            )
        except DomainError:
            return  # nothing can be published safely yet: it waits for the next release
        if signer is not None:
            await checkpoints.record(session=session, signer=signer)


async def issue_tokens(db: Database) -> list[DemoToken]:
    """Fresh demo tokens each run; the previous run's are revoked (secrets are never kept)."""
    issued: list[DemoToken] = []
    async with db.transaction() as session:
        await tokens.revoke_labelled(session=session, label=DEMO_LABEL)
        plan: list[tuple[Role, str | None]] = [
            (Role.OFFICER, p.slug) for p in synthetic.PROFILES[DEFAULT_PROFILE].parties
        ]
        plan += [(Role.PARTY_ADMIN, "lantern"), (Role.COMMITTEE, None), (Role.ADMIN, None)]
        for role, slug in plan:
            token = await tokens.issue_token(
                session=session, role=role, party_slug=slug, label=DEMO_LABEL
            )
            issued.append(DemoToken(role=role.value, party=slug, secret=token.secret))
    return issued
