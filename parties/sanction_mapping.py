"""Each party's own sanction names, mapped onto the joint code's common ladder.

Parties keep their rulebooks' words; figures compare across parties because every name
lands on one ladder step. Mappings are data: a YAML file per party (the demo parties'
are in ``parties/mappings/``), loaded with ``jointcode party mapping`` or set through
``setSanctionMapping``, and checked against the party's code version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import yaml
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

import codes
from codes.errors import unknown
from db import audit
from db.errors import DomainError, DomainErrors, from_problems
from parties.errors import PartyErrorCode
from parties.models import Party, PartySanction

MAPPINGS_DIR = Path(__file__).parent / "mappings"
MAX_NAME = 100


@dataclass(frozen=True, slots=True)
class MappingFile:
    party: str
    code_version: str
    entries: list[tuple[str, str]]


def check_mapping(
    version: codes.CodeVersion, entries: Sequence[tuple[str, str]]
) -> list[DomainError]:
    """Every problem at once: blank or long names, names used twice, unknown ladder steps."""
    errors: list[DomainError] = []
    seen: set[str] = set()
    for index, (name, sanction) in enumerate(entries):
        field = ("entries", str(index))
        key = name.strip().casefold()
        if not key or len(name) > MAX_NAME:
            errors.append(
                DomainError(
                    PartyErrorCode.INVALID_SANCTION_NAME,
                    f"A sanction name is 1 to {MAX_NAME} characters.",
                    field=(*field, "name"),
                )
            )
        elif key in seen:
            errors.append(
                DomainError(
                    PartyErrorCode.INVALID_SANCTION_NAME,
                    f"The name {name.strip()!r} is used twice.",
                    field=(*field, "name"),
                )
            )
        seen.add(key)
        if sanction not in version.sanction_ids:
            errors += from_problems(
                [
                    unknown(
                        PartyErrorCode.UNKNOWN_SANCTION,
                        "sanction",
                        sanction,
                        version.sanction_ids,
                        (*field, "sanction"),
                    )
                ]
            )
    return errors


def read_file(path: Path) -> MappingFile:
    """Parse a mapping file; structural problems are errors naming the file."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        return MappingFile(
            party=str(doc["party"]),
            code_version=str(doc["code_version"]),
            entries=[(str(e["name"]), str(e["sanction"])) for e in doc["sanctions"]],
        )
    except (KeyError, TypeError) as exc:
        raise DomainError(
            PartyErrorCode.INVALID_SANCTION_NAME,
            f"{path.name}: a mapping file needs party, code_version and sanctions "
            f"[{{name, sanction}}] ({exc!r}).",
        ) from None


def demo_file(slug: str) -> Path | None:
    path = MAPPINGS_DIR / f"{slug}.yaml"
    return path if path.exists() else None


async def set_mapping(
    *, session: AsyncSession, party_id: UUID, entries: Sequence[tuple[str, str]]
) -> list[PartySanction]:
    """Replace the party's mapping, checked against the code version it adopted last."""
    party = await session.scalar(select(Party).where(Party.id == party_id).with_for_update())
    if party is None:
        raise DomainError(PartyErrorCode.UNKNOWN_PARTY, "No such party.", field=("party",))
    version = codes.get_version(party.code_version)
    assert version is not None  # start-up refuses a missing adopted version
    errors = check_mapping(version, entries)
    if errors:
        raise DomainErrors(errors)
    before = {r.name: r.sanction for r in await mapping(session=session, party_id=party_id)}
    await session.execute(delete(PartySanction).where(PartySanction.party_id == party_id))
    rows = [
        PartySanction(
            party_id=party_id, name=name.strip(), sanction=sanction, code_version=version.id
        )
        for name, sanction in entries
    ]
    session.add_all(rows)
    await session.flush()
    await audit.append(
        session,
        action="party.sanction_mapping",
        subject_type="Party",
        subject_ids=[party_id],
        details={"before": before, "after": {r.name: r.sanction for r in rows}},
    )
    return rows


async def mapping(*, session: AsyncSession, party_id: UUID) -> list[PartySanction]:
    return (await mappings(session=session, party_ids=[party_id])).get(party_id, [])


async def mappings(
    *, session: AsyncSession, party_ids: Iterable[UUID]
) -> dict[UUID, list[PartySanction]]:
    """Several parties' mappings in one query, each in ladder order then by name."""
    ids = list(party_ids)
    found: dict[UUID, list[PartySanction]] = {p: [] for p in ids}
    if not ids:
        return found
    rows = await session.scalars(
        select(PartySanction).where(PartySanction.party_id.in_(ids)).order_by(PartySanction.name)
    )
    for row in rows:
        found[row.party_id].append(row)
    for party_id, items in found.items():
        version = codes.get_version(items[0].code_version) if items else None
        if version is not None:
            order = {s: i for i, s in enumerate(version.sanction_ids)}
            found[party_id] = sorted(items, key=lambda r: (order.get(r.sanction, 99), r.name))
    return found


async def resolve(
    *, session: AsyncSession, party_id: UUID, version: codes.CodeVersion, name: str
) -> PartySanction:
    """The party's name as recorded and the ladder step it maps to, valid in the case's version."""
    rows = await mapping(session=session, party_id=party_id)
    found = {r.name.casefold(): r for r in rows}.get(name.strip().casefold())
    if found is None:
        allowed = ", ".join(r.name for r in rows) or "(the party has no mapping yet)"
        raise DomainError(
            PartyErrorCode.UNKNOWN_PARTY_SANCTION,
            f"Unknown party sanction {name!r}; your party's names: {allowed}.",
            field=("partySanction",),
        )
    if found.sanction not in version.sanction_ids:
        raise DomainError(
            PartyErrorCode.UNKNOWN_PARTY_SANCTION,
            f"{name!r} maps to {found.sanction!r}, which code version {version.id} does not "
            "define.",
            field=("partySanction",),
        )
    return found
