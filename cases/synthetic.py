"""Realistic synthetic caseloads: fictional, but shaped like parties' real ones.

One generator for the demo (``jointcode demo --profile``), the tests and the benchmarks,
so that what is measured is what a real release would face: parties of very different
sizes, most abuse online, a few provisions dominant, forms of hate in realistic shares,
peaks around a general election and every May's local elections, severities and
sanctions that follow the code's guidance with some departures, appeals, withdrawals,
cases closed out of scope, and more than two years of history. Pure and seeded: the same
profile and seed give the same cases. Every party it names is fictional.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache

import codes
from codes import CodeVersion
from codes.guidance import sanction_guidance


@dataclass(frozen=True, slots=True)
class PartyProfile:
    slug: str
    name: str
    short: str
    cases_per_year: int
    nations: tuple[str, ...]
    membership: int | None
    publishes_timeliness: bool = False


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    parties: tuple[PartyProfile, ...]
    years: float = 2.5


DEMO_PARTIES = (
    PartyProfile(
        "lantern", "Lantern Party (demo)", "Lantern", 1500, ("england", "wales"), 42_000, True
    ),
    PartyProfile(
        "meadow",
        "Meadow Alliance (demo)",
        "Meadow",
        300,
        ("england", "scotland", "wales", "northern_ireland"),
        None,
    ),
    PartyProfile("harbour", "Harbour Union (demo)", "Harbour", 40, ("scotland",), 9_500),
)


def _scaled(factor: float, name: str) -> Profile:
    return Profile(
        name=name,
        parties=tuple(
            PartyProfile(
                p.slug,
                p.name,
                p.short,
                max(1, round(p.cases_per_year * factor)),
                p.nations,
                p.membership,
                p.publishes_timeliness,
            )
            for p in DEMO_PARTIES
        ),
    )


PROFILES = {
    "demo": Profile("demo", DEMO_PARTIES),  # ~1,500, ~300 and ~40 cases a year
    "small": _scaled(0.1, "small"),  # for tests: ~150, ~30 and ~4 a year
    "10x": _scaled(10, "10x"),  # for benchmarks: ten times the demo
}

# Shares, from parties' published complaint summaries and the Committee's evidence:
# personal abuse and harassment dominate, most of it online.
PROVISIONS = {"JC6": 30, "JC1": 18, "JC4": 16, "JC2": 8, "JC10": 7, "JC7": 5, "JC5": 4,
              "JC3": 3, "JC8": 3, "JC9": 2, "JC11": 2, "JC12": 1, "JC13": 1}  # fmt: skip
CHANNELS = {"social_x": 30, "social_facebook": 20, "social_instagram": 6, "social_tiktok": 4,
            "social_other": 5, "messaging": 9, "email": 8, "phone": 2, "in_person_hustings": 5,
            "in_person_canvassing": 5, "in_person_surgery": 2, "print": 2, "other": 2}  # fmt: skip
FORMS_OF_HATE = {"misogyny": 28, "antisemitism": 18, "islamophobia": 14, "anti_black_racism": 10,
                 "other_racism": 10, "homophobia": 8, "transphobia": 7, "ableism": 3,
                 "biphobia": 1, "ageism": 1}  # fmt: skip
RESPONDENT_ROLES = {"member": 62, "candidate": 14, "elected_representative": 8,
                    "office_holder": 7, "volunteer": 6, "staff": 3}  # fmt: skip
TARGET_ROLES = {"candidate": 30, "member": 25, "elected_representative": 15, "public": 15,
                "staff": 10, "journalist": 5}  # fmt: skip
FACTORS_UP = ["repeated", "wide_audience", "election_period", "position_of_trust",
              "targeted_characteristic", "previous_sanction"]  # fmt: skip
FACTORS_DOWN = ["apology", "first_offence", "removed_promptly"]
OUT_OF_SCOPE = ["respondent_not_covered", "conduct_not_covered", "duplicate",
                "insufficient_information"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Decision:
    decided_on: date
    proven: bool
    factors: tuple[str, ...]
    sanction: str
    suspension_months: int | None
    departure_reason: str | None
    appeal: tuple[date, str, str | None] | None = None  # lodged, outcome, new sanction


@dataclass(frozen=True, slots=True)
class SyntheticCase:
    party: str
    reference: str
    received_on: date
    provisions: tuple[str, ...]
    channel: str
    respondent_role: str
    target_role: str
    forms_of_hate: tuple[str, ...]
    characteristics: tuple[str, ...]
    complainant_count: int
    respondent_ref: str
    acknowledged_on: date
    # what happened next: None (still open), a decision, or a closing step
    decision: Decision | None = None
    closed: tuple[str, date, str | None] | None = None  # withdrawn/out_of_scope/left, on, reason
    extra: dict[str, str] = field(default_factory=dict)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _first_thursday_of_may(year: int) -> date:
    day = date(year, 5, 1)
    return day + timedelta(days=(3 - day.weekday()) % 7)


def _intensity(day: date, general_election: date) -> float:
    """Relative daily rate: a base, a peak around the general election, one every May."""
    rate = 1.0 + 4.0 * math.exp(-(((day - general_election).days / 25) ** 2))
    local = _first_thursday_of_may(day.year)
    return rate + 1.5 * math.exp(-(((day - local).days / 18) ** 2))


@cache
def _factor_ids(version_id: str) -> frozenset[str]:
    version = codes.get_version(version_id)
    return frozenset(version.factor_ids) if version else frozenset()


def _decision(
    rng: random.Random, version: CodeVersion, case: SyntheticCase, today: date
) -> Decision | None:
    days = int(rng.lognormvariate(math.log(55), 0.7))
    decided_on = case.received_on + timedelta(days=max(3, days))
    if decided_on > today:
        return None  # still being assessed
    proven = rng.random() < 0.78
    known = _factor_ids(version.id)
    factors: list[str] = []
    if proven:
        factors = [f for f in FACTORS_UP if f in known and rng.random() < 0.12]
        factors += [f for f in FACTORS_DOWN if f in known and rng.random() < 0.15]
    departure = None
    if not proven:
        sanction = "no_further_action"
    else:
        guidance = sanction_guidance(version, provisions=case.provisions, factors=factors)
        roll = rng.random()
        if roll < 0.45:
            sanction = guidance.lowest.id
        elif roll < 0.9:
            sanction = rng.choice(guidance.recommended).id
        else:  # a departure from the recommended range, with its coded reason
            outside = [s.id for s in version.sanctions if not guidance.within_range(s)]
            sanction = rng.choice(outside) if outside else guidance.lowest.id
            departure = (
                rng.choice([r.id for r in version.vocabulary("departure_reasons")])
                if outside
                else None
            )
    appeal = None
    if proven and sanction != "no_further_action" and rng.random() < 0.12:
        lodged = decided_on + timedelta(days=rng.randint(2, 12))
        appeal_decided = lodged + timedelta(days=rng.randint(10, 40))
        if appeal_decided <= today:
            outcome = rng.choices(["upheld", "varied", "overturned"], weights=[6, 3, 1])[0]
            new = None
            if outcome == "varied":
                ladder = [s.id for s in version.sanctions]
                index = ladder.index(sanction)
                new = ladder[max(1, index - 1)] if index > 1 else ladder[min(index + 1, 6)]
                if new == sanction:
                    outcome = "upheld"
                    new = None
            appeal = (lodged, outcome, new)
    return Decision(
        decided_on=decided_on,
        proven=proven,
        factors=tuple(factors),
        sanction=sanction,
        suspension_months=rng.choice([3, 6, 12]) if sanction == "suspension" else None,
        departure_reason=departure,
        appeal=appeal,
    )


def generate(
    profile: Profile | str, *, today: date, seed: int = 0, version: CodeVersion | None = None
) -> list[SyntheticCase]:
    """Every case of every party of the profile, oldest first within each party."""
    chosen = PROFILES[profile] if isinstance(profile, str) else profile
    version = version or codes.default_version(today)
    characteristic_of = {f.id: f.characteristic for f in version.forms_of_hate}
    hate_provisions = {p.id for p in version.provisions if p.family == "hate"}
    start = today - timedelta(days=round(chosen.years * 365))
    general_election = today - timedelta(days=round(chosen.years * 365 * 0.55))
    days = [start + timedelta(days=n) for n in range((today - start).days)]
    weights = [_intensity(d, general_election) for d in days]
    found: list[SyntheticCase] = []
    for party in chosen.parties:
        rng = random.Random(f"{seed}:{party.slug}")
        total = round(party.cases_per_year * chosen.years)
        received = sorted(rng.choices(days, weights=weights, k=total))
        for n, received_on in enumerate(received):
            provisions = [_pick(rng, PROVISIONS)]
            if rng.random() < 0.08:
                second = _pick(rng, PROVISIONS)
                if second not in provisions:
                    provisions.append(second)
            forms: list[str] = []
            if hate_provisions & set(provisions):
                forms.append(_pick(rng, FORMS_OF_HATE))
                if rng.random() < 0.1:
                    other = _pick(rng, FORMS_OF_HATE)
                    if other not in forms:
                        forms.append(other)
            characteristics: list[str] = sorted(
                {c for f in forms if (c := characteristic_of[f]) is not None}
            )
            if forms and rng.random() < 0.05:  # recorded beyond what the forms imply
                characteristics = sorted({*characteristics, "age"})
            case = SyntheticCase(
                party=party.slug,
                reference=f"{party.short.upper()}-{received_on.year}-{n + 1:05d}",
                received_on=received_on,
                provisions=tuple(provisions),
                channel=_pick(rng, CHANNELS),
                respondent_role=_pick(rng, RESPONDENT_ROLES),
                target_role=_pick(rng, TARGET_ROLES),
                forms_of_hate=tuple(forms),
                characteristics=tuple(characteristics),
                complainant_count=rng.choices([1, 2, 3, 5], weights=[80, 12, 6, 2])[0],
                respondent_ref=f"{party.short.upper()}-M{rng.randint(1, max(20, total // 2)):05d}",
                acknowledged_on=min(
                    today, received_on + timedelta(days=rng.choice([0, 1, 2, 3, 8]))
                ),
            )
            roll = rng.random()
            close_on = min(today, received_on + timedelta(days=rng.randint(5, 60)))
            if roll < 0.06:
                case = _with(case, closed=("withdrawn", close_on, None))
            elif roll < 0.11:
                case = _with(case, closed=("out_of_scope", close_on, rng.choice(OUT_OF_SCOPE)))
            elif roll < 0.13:
                case = _with(case, closed=("respondent_left", close_on, None))
            else:
                case = _with(case, decision=_decision(rng, version, case, today))
            found.append(case)
    return found


def _with(case: SyntheticCase, **changes: object) -> SyntheticCase:
    return replace(case, **changes)  # type: ignore[arg-type]  # fields by name, checked by replace
