"""Demo data: fictional parties and synthetic cases, through the real domain functions.

Every demo party is flagged ``is_demo`` and shown as synthetic wherever its figures
appear: no made-up statistic is ever shown under a real party's name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

import codes
from cases import lifecycle
from cases import service as case_service
from codes.guidance import sanction_guidance
from db.errors import DomainError
from db.session import Database
from parties import sanction_mapping, tokens
from parties import service as party_service
from parties.models import Party
from parties.tokens import Role
from publication import releases

DEMO_LABEL = "demo"
DEMO_PARTIES = [
    ("lantern", "Lantern Party (demo)", "Lantern"),
    ("meadow", "Meadow Alliance (demo)", "Meadow"),
    ("harbour", "Harbour Union (demo)", "Harbour"),
]
DEMO_FACTS: dict[str, dict] = {
    "lantern": {"nations": ["england", "wales"], "membership": 42_000},
    "meadow": {"nations": ["england", "scotland", "wales", "northern_ireland"]},
    "harbour": {"nations": ["scotland"], "membership": 9_500},
}
CASES_PER_PARTY = 200
PROVISION_WEIGHTS = {"JC6": 10, "JC1": 4, "JC4": 4, "JC10": 2, "JC2": 1, "JC7": 1}
FACTORS = ["repeated", "wide_audience", "election_period", "apology", "first_offence"]
FORMS_OF_HATE = ["antisemitism", "islamophobia", "other_racism", "misogyny", "homophobia"]


def _sanction(
    rng: random.Random, provisions: list[str], factors: list[str], proven: bool
) -> tuple[str, str | None]:
    """A sanction as a party might choose it: mostly in the code's range, sometimes not."""
    if not proven:
        return "no_further_action", None
    guidance = sanction_guidance(codes.default_version(), provisions=provisions, factors=factors)
    if rng.random() < 0.6:  # parties mostly start at the bottom of the range
        return guidance.lowest.id, None
    if rng.random() < 0.95:
        return rng.choice(guidance.recommended).id, None
    outside = [s.id for s in codes.default_version().sanctions if not guidance.within_range(s)]
    return rng.choice(outside), "proportionality"


@dataclass(frozen=True, slots=True)
class DemoToken:
    role: str
    party: str | None
    secret: str


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


async def is_seeded(db: Database) -> bool:
    async with db.transaction() as session:
        return await session.scalar(select(Party.id).where(Party.is_demo).limit(1)) is not None


async def seed(db: Database, *, today: date | None = None) -> int:
    """Create the demo parties and their cases, decide most, publish a release each."""
    today = today or date.today()
    created = 0
    for index, (slug, name, short) in enumerate(DEMO_PARTIES):
        async with db.transaction() as session:
            party = await party_service.register_party(
                session=session,
                slug=slug,
                name=name,
                short_name=short,
                is_demo=True,
                **DEMO_FACTS[slug],
            )
            mapping_file = sanction_mapping.demo_file(slug)
            if mapping_file is not None:
                await sanction_mapping.set_mapping(
                    session=session,
                    party_id=party.id,
                    entries=sanction_mapping.read_file(mapping_file).entries,
                )
        rng = random.Random(index)
        async with db.transaction(party_id=party.id) as session:
            for n in range(CASES_PER_PARTY):
                received = today - timedelta(days=rng.randint(30, 640))
                provisions = [_pick(rng, PROVISION_WEIGHTS)]
                if rng.random() < 0.05:
                    provisions.append("JC6" if provisions[0] != "JC6" else "JC1")
                case, _ = await case_service.submit_case(
                    session=session,
                    party_id=party.id,
                    reference=f"{short.upper()}-{n + 1:04d}",
                    received_on=received,
                    provisions=provisions,
                    channel=rng.choice(
                        ["social_x", "social_facebook", "email", "in_person_hustings"]
                    ),
                    respondent_role=rng.choice(["member", "member", "candidate", "office_holder"]),
                    target_role=rng.choice(["candidate", "member", "public", "staff"]),
                    forms_of_hate=[rng.choice(FORMS_OF_HATE)] if "JC4" in provisions else [],
                    complainant_count=rng.choice([1, 1, 1, 2, 3]),
                    respondent_ref=f"{short.upper()}-M{rng.randint(1, 150):04d}",
                    acknowledged_on=received + timedelta(days=rng.choice([1, 2, 3, 4, 8])),
                    summary="Synthetic demo complaint.",
                )
                created += 1
                if rng.random() < 0.85:
                    proven = rng.random() < 0.8
                    factors = rng.sample(FACTORS, k=rng.choice([0, 0, 1, 1, 2]))
                    sanction, departure = _sanction(rng, provisions, factors, proven)
                    await lifecycle.record_decided(
                        session=session,
                        party_id=party.id,
                        case=case,
                        assessment=lifecycle.Assessment(
                            findings={p: proven for p in provisions},
                            factors=factors if proven else [],
                        ),
                        sanction=sanction,
                        suspension_months=rng.choice([3, 6, 12])
                        if sanction == "suspension"
                        else None,
                        departure_reason=departure,
                        decided_on=min(today, received + timedelta(days=rng.randint(5, 150))),
                    )
        async with db.transaction(party_id=party.id) as session:
            try:
                preview = await releases.preview_release(session=session, party_id=party.id)
                await releases.publish_release(
                    session=session, party_id=party.id, preview_id=preview.preview.id
                )
            except DomainError:
                pass  # nothing reached k: the demo still works, with less published
    return created


async def issue_tokens(db: Database) -> list[DemoToken]:
    """Fresh demo tokens each run; the previous run's are revoked (secrets are never kept)."""
    issued: list[DemoToken] = []
    async with db.transaction() as session:
        await tokens.revoke_labelled(session=session, label=DEMO_LABEL)
        plan: list[tuple[Role, str | None]] = [(Role.OFFICER, slug) for slug, _, _ in DEMO_PARTIES]
        plan += [(Role.COMMITTEE, None), (Role.ADMIN, None)]
        for role, slug in plan:
            token = await tokens.issue_token(
                session=session, role=role, party_slug=slug, label=DEMO_LABEL
            )
            issued.append(DemoToken(role=role.value, party=slug, secret=token.secret))
    return issued
