"""An officer's change to one object of their party: the shape every such mutation shares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from db.errors import DomainError
from schema.context import RequestContext
from schema.errors import UserError, in_transaction
from schema.permissions import require_officer
from schema.relay import uuid_of

T = TypeVar("T")


async def officer_step(
    info: Info[RequestContext, None],
    work: Callable[[AsyncSession, UUID, UUID], Awaitable[T]],
    *,
    global_id: str,
    type_name: str,
    not_found: Callable[[], DomainError],
) -> tuple[T | None, list[UserError]]:
    """Run ``work(session, party_id, object_id)`` in one transaction bound to the officer's
    party. The role is checked before anything is read; an id of another type, or of an
    object the party cannot see, is ``not_found``; a domain error answers as UserErrors
    with nothing written."""
    party_id = require_officer(info).own_party

    async def run(session: AsyncSession) -> T:
        return await work(session, party_id, uuid_of(global_id, type_name, not_found()))

    return await in_transaction(info.context, party_id, run)
