"""The party registry."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from codes import clock
from codes.loader import CodeFileError
from db import audit, code_versions
from db.errors import DomainError, DomainErrors
from parties.errors import PartyErrorCode
from parties.models import CodeAdoption, Party

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
EC_REGISTRATION = re.compile(r"^PP\d{1,6}$")
NATIONS = ("england", "scotland", "wales", "northern_ireland")


def _check_details(
    *, ec_registration: str | None, nations: Sequence[str], membership: int | None
) -> list[DomainError]:
    """The registry's optional facts: an Electoral Commission number, nations, membership."""
    errors: list[DomainError] = []
    if ec_registration is not None and not EC_REGISTRATION.match(ec_registration):
        errors.append(
            DomainError(
                PartyErrorCode.INVALID_REGISTRATION,
                "An Electoral Commission registration number looks like PP52.",
                field=("ecRegistration",),
            )
        )
    for nation in nations:
        if nation not in NATIONS:
            errors.append(
                DomainError(
                    PartyErrorCode.INVALID_NATION,
                    f"Unknown nation {nation!r}; allowed: {', '.join(NATIONS)}.",
                    field=("nations",),
                )
            )
    if len(set(nations)) != len(nations):
        errors.append(
            DomainError(
                PartyErrorCode.INVALID_NATION, "A nation is listed twice.", field=("nations",)
            )
        )
    if membership is not None and not 0 < membership <= 10_000_000:
        errors.append(
            DomainError(
                PartyErrorCode.INVALID_MEMBERSHIP,
                "Membership is a whole number of members from 1 to 10,000,000.",
                field=("membership",),
            )
        )
    return errors


async def list_parties(*, session: AsyncSession) -> list[Party]:
    return list((await session.scalars(select(Party).order_by(Party.name))).all())


async def any_demo_party(*, session: AsyncSession) -> bool:
    """Whether the registry holds a fictional demo party (the demo data is seeded)."""
    return await session.scalar(select(Party.id).where(Party.is_demo).limit(1)) is not None


async def all_demo(*, session: AsyncSession) -> bool:
    """Whether every party is a demo party (all-party figures are then demo data); False
    for an empty registry."""
    every = await session.scalar(select(func.bool_and(Party.is_demo)))
    return bool(every)


async def names_by_slug(*, session: AsyncSession) -> dict[str, str]:
    return {slug: name for slug, name in (await session.execute(select(Party.slug, Party.name)))}


async def get_by_slug(*, session: AsyncSession, slug: str) -> Party | None:
    return await session.scalar(select(Party).where(Party.slug == slug))


async def require_by_slug(*, session: AsyncSession, slug: str) -> Party:
    """The party with this slug, or the one UNKNOWN_PARTY error every caller gives."""
    party = await get_by_slug(session=session, slug=slug)
    if party is None:
        raise DomainError(PartyErrorCode.UNKNOWN_PARTY, f"No party {slug!r}.", field=("party",))
    return party


async def get(*, session: AsyncSession, party_id: UUID) -> Party | None:
    return await session.get(Party, party_id)


async def get_many(*, session: AsyncSession, party_ids: Iterable[UUID]) -> list[Party]:
    ids = list(party_ids)
    if not ids:
        return []
    return list((await session.scalars(select(Party).where(Party.id.in_(ids)))).all())


async def _adoptable_version(
    *, session: AsyncSession, code_version: str | None, on: date
) -> codes.CodeVersion:
    """The version to adopt on a date, its hash recorded (or checked) before anything uses it."""
    version = codes.get_version(code_version) if code_version else codes.default_version(on)
    if version is None:
        raise DomainError(
            PartyErrorCode.UNKNOWN_CODE_VERSION,
            f"Unknown code version {code_version!r}; known versions: "
            f"{', '.join(codes.load_versions())}.",
            field=("codeVersion",),
        )
    if on < version.in_force_from:
        raise DomainError(
            PartyErrorCode.INVALID_ADOPTION_DATE,
            f"Code version {version.id} is in force from {version.in_force_from}; it cannot be "
            f"adopted on {on}.",
            field=("adoptedOn",),
        )
    try:
        await code_versions.ensure_recorded(session=session, version=version)
    except CodeFileError as exc:
        raise DomainError(
            PartyErrorCode.CODE_VERSION_CHANGED, str(exc), field=("codeVersion",)
        ) from None
    return version


async def _record_adoption(
    *,
    session: AsyncSession,
    party: Party,
    version: codes.CodeVersion,
    on: date,
    checkpoint_key: str | None,
) -> CodeAdoption:
    adoption = CodeAdoption(
        party_id=party.id, code_version=version.id, adopted_on=on, checkpoint_key=checkpoint_key
    )
    session.add(adoption)
    party.code_version = version.id
    party.code_adopted_on = on
    await session.flush()
    return adoption


async def register_party(
    *,
    session: AsyncSession,
    slug: str,
    name: str,
    short_name: str | None = None,
    code_version: str | None = None,
    adopted_on: date | None = None,
    ec_registration: str | None = None,
    nations: Sequence[str] = (),
    membership: int | None = None,
    is_demo: bool = False,
    checkpoint_key: str | None = None,
) -> Party:
    """Add a party; it adopts the given code version (or the one in force) from a date.

    ``checkpoint_key`` is the fingerprint of the key that signs checkpoints now: kept with
    the adoption, so the party holds its own pin of the key its history is anchored by."""
    errors = _check_details(ec_registration=ec_registration, nations=nations, membership=membership)
    if not SLUG.match(slug):
        errors.append(
            DomainError(
                PartyErrorCode.INVALID_SLUG,
                "A slug is 2 to 63 lowercase letters, digits or hyphens, starting with a letter "
                "or digit.",
                field=("slug",),
            )
        )
    if not name.strip():
        errors.append(
            DomainError(PartyErrorCode.INVALID_NAME, "A party needs a name.", field=("name",))
        )
    if errors:
        raise DomainErrors(errors)
    on = adopted_on or clock.today()
    version = await _adoptable_version(session=session, code_version=code_version, on=on)
    if await get_by_slug(session=session, slug=slug):
        raise DomainError(
            PartyErrorCode.SLUG_TAKEN, f"The slug {slug!r} is already taken.", field=("slug",)
        )
    party = Party(
        slug=slug,
        name=name.strip(),
        short_name=(short_name or name).strip(),
        code_version=version.id,
        code_adopted_on=on,
        ec_registration=ec_registration,
        nations=list(nations),
        membership=membership,
        is_demo=is_demo,
    )
    session.add(party)
    await session.flush()
    await session.execute(
        text("INSERT INTO party_keys (party_id, pseudonym_key) VALUES (:party, :key)"),
        {"party": party.id, "key": os.urandom(32)},
    )
    await _record_adoption(
        session=session, party=party, version=version, on=on, checkpoint_key=checkpoint_key
    )
    await audit.append(
        session,
        action="party.register",
        subject_type="Party",
        subject_ids=[party.id],
        details={"slug": slug, "checkpoint_key": checkpoint_key, **_registry_facts(party)},
    )
    return party


def _registry_facts(party: Party) -> dict[str, object]:
    return {
        "name": party.name,
        "short_name": party.short_name,
        "ec_registration": party.ec_registration,
        "nations": list(party.nations or ()),
        "membership": party.membership,
        "publishes_timeliness": party.publishes_timeliness,
    }


UNSET: object = object()


async def update_party(
    *,
    session: AsyncSession,
    party_id: UUID,
    name: str | None = None,
    short_name: str | None = None,
    ec_registration: str | object | None = UNSET,
    nations: Sequence[str] | None = None,
    membership: int | object | None = UNSET,
    publishes_timeliness: bool | None = None,
) -> Party:
    """Change registry facts; the optional ones can be cleared by passing None."""
    party = await session.scalar(select(Party).where(Party.id == party_id).with_for_update())
    if party is None:
        raise DomainError(PartyErrorCode.UNKNOWN_PARTY, "No such party.", field=("party",))
    before = _registry_facts(party)
    errors = _check_details(
        ec_registration=ec_registration if isinstance(ec_registration, str) else None,
        nations=nations or (),
        membership=membership if isinstance(membership, int) else None,
    )
    for value, field in ((name, "name"), (short_name, "shortName")):
        if value is not None and not value.strip():
            errors.append(
                DomainError(PartyErrorCode.INVALID_NAME, "A name cannot be blank.", field=(field,))
            )
    if errors:
        raise DomainErrors(errors)
    if name is not None:
        party.name = name.strip()
    if short_name is not None:
        party.short_name = short_name.strip()
    if ec_registration is not UNSET:
        party.ec_registration = ec_registration  # type: ignore[assignment]  # not UNSET here
    if nations is not None:
        party.nations = list(nations)
    if membership is not UNSET:
        party.membership = membership  # type: ignore[assignment]  # not UNSET here
    if publishes_timeliness is not None:
        party.publishes_timeliness = publishes_timeliness
    await session.flush()
    await audit.append(
        session,
        action="party.update",
        subject_type="Party",
        subject_ids=[party.id],
        details={"before": before, "after": _registry_facts(party)},
    )
    return party


async def adopt_code(
    *,
    session: AsyncSession,
    party_id: UUID,
    code_version: str,
    adopted_on: date,
    checkpoint_key: str | None = None,
) -> CodeAdoption:
    """A party moves to a new code version from a date (which may be in the future).

    Adoptions only move forward in time, so the version a case was pinned to on
    submission is the one any later lookup for its received date finds too.
    """
    party = await session.scalar(select(Party).where(Party.id == party_id).with_for_update())
    if party is None:
        raise DomainError(PartyErrorCode.UNKNOWN_PARTY, "No such party.", field=("party",))
    version = await _adoptable_version(session=session, code_version=code_version, on=adopted_on)
    if version.id == party.code_version:
        raise DomainError(
            PartyErrorCode.ALREADY_ADOPTED,
            f"The party already adopted code version {version.id} (on {party.code_adopted_on}).",
            field=("codeVersion",),
        )
    if adopted_on <= party.code_adopted_on:
        raise DomainError(
            PartyErrorCode.INVALID_ADOPTION_DATE,
            f"The party's latest adoption is from {party.code_adopted_on}; a new one must be "
            "later.",
            field=("adoptedOn",),
        )
    adoption = await _record_adoption(
        session=session,
        party=party,
        version=version,
        on=adopted_on,
        checkpoint_key=checkpoint_key,
    )
    await audit.append(
        session,
        action="party.adopt_code",
        subject_type="Party",
        subject_ids=[party.id],
        details={
            "code_version": version.id,
            "adopted_on": adopted_on,
            "checkpoint_key": checkpoint_key,
        },
    )
    return adoption


async def adoptions(*, session: AsyncSession, party_ids: Iterable[UUID]) -> list[CodeAdoption]:
    """The adoption history of several parties, oldest first (one query for all)."""
    ids = list(party_ids)
    if not ids:
        return []
    return list(
        await session.scalars(
            select(CodeAdoption)
            .where(CodeAdoption.party_id.in_(ids))
            .order_by(CodeAdoption.party_id, CodeAdoption.adopted_on)
        )
    )


@dataclass(frozen=True, slots=True)
class AdoptionTimeline:
    """A party's adoptions, oldest first: which version applies to a case received when."""

    adoptions: tuple[tuple[date, str], ...]

    def version_on(self, on: date) -> codes.CodeVersion:
        """The version adopted on the date; before the first adoption (history moved in),
        the first version the party adopted: it never signed up to anything earlier."""
        chosen = self.adoptions[0][1]
        for adopted_on, version_id in self.adoptions:
            if adopted_on <= on:
                chosen = version_id
        version = codes.get_version(chosen)
        if version is None:  # start-up refuses a missing adopted file; guard anyway
            raise RuntimeError(f"code version {chosen} is adopted but not loadable")
        return version


async def adoption_timeline(*, session: AsyncSession, party_id: UUID) -> AdoptionTimeline:
    rows = await session.execute(
        select(CodeAdoption.adopted_on, CodeAdoption.code_version)
        .where(CodeAdoption.party_id == party_id)
        .order_by(CodeAdoption.adopted_on)
    )
    adoptions = tuple((row[0], row[1]) for row in rows)
    if not adoptions:
        raise RuntimeError(f"party {party_id} has adopted no code version")
    return AdoptionTimeline(adoptions)


async def version_on(*, session: AsyncSession, party_id: UUID, on: date) -> codes.CodeVersion:
    """The code version a party had adopted on a date: a case received then uses it for ever."""
    timeline = await adoption_timeline(session=session, party_id=party_id)
    return timeline.version_on(on)
