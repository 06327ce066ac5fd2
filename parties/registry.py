"""The registry's operations as callers name them (by the party's slug).

GraphQL resolvers and CLI commands both call these, so the way from "party X" to the
domain change is written once: find the party by its slug (UNKNOWN_PARTY otherwise),
then make the change in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from parties import sanction_mapping
from parties import service as party_service
from parties.models import CodeAdoption, Party, PartySanction
from parties.service import UNSET


async def adopt_code(
    *,
    session: AsyncSession,
    party: str,
    code_version: str,
    adopted_on: date,
    checkpoint_key: str | None = None,
) -> tuple[Party, CodeAdoption]:
    found = await party_service.require_by_slug(session=session, slug=party)
    adoption = await party_service.adopt_code(
        session=session,
        party_id=found.id,
        code_version=code_version,
        adopted_on=adopted_on,
        checkpoint_key=checkpoint_key,
    )
    return found, adoption


async def update_party(
    *,
    session: AsyncSession,
    party: str,
    name: str | None = None,
    short_name: str | None = None,
    ec_registration: str | object | None = UNSET,
    nations: Sequence[str] | None = None,
    membership: int | object | None = UNSET,
    publishes_timeliness: bool | None = None,
) -> Party:
    """Only what is given changes (``UNSET`` leaves a nullable fact as it is)."""
    found = await party_service.require_by_slug(session=session, slug=party)
    return await party_service.update_party(
        session=session, party_id=found.id, name=name, short_name=short_name,
        ec_registration=ec_registration, nations=nations, membership=membership,
        publishes_timeliness=publishes_timeliness,
    )  # fmt: skip


async def set_sanction_names(
    *, session: AsyncSession, party: str, entries: Sequence[tuple[str, str]]
) -> tuple[Party, list[PartySanction]]:
    found = await party_service.require_by_slug(session=session, slug=party)
    rows = await sanction_mapping.set_mapping(session=session, party_id=found.id, entries=entries)
    return found, rows
