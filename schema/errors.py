"""Errors as the API shows them.

Expected failures are ``UserError`` values in mutation payloads, with a stable code
from one GraphQL enum that gathers every domain's error enum. Authentication and role
failures are top-level errors with ``extensions.code``; anything else is masked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

import strawberry
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession

from cases.errors import CaseErrorCode
from codes.errors import CodeErrorCode
from db.audit import HEAD_KEY
from db.errors import DomainError, DomainErrors
from db.pagination import PageErrorCode
from parties.errors import PartyErrorCode
from publication.errors import PublicationErrorCode
from schema.context import RequestContext

T = TypeVar("T")
DOMAIN_ENUMS: tuple[type[Enum], ...] = (
    CodeErrorCode,
    CaseErrorCode,
    PartyErrorCode,
    PublicationErrorCode,
    PageErrorCode,
)

if TYPE_CHECKING:  # its members are the domains' codes, joined at import

    class UserErrorCode(Enum): ...

else:
    UserErrorCode = strawberry.enum(
        Enum(
            "UserErrorCode",
            {member.name: member.name for enum in DOMAIN_ENUMS for member in enum},
        ),
        description="Stable codes of expected failures, one per kind of problem.",
    )

PUBLIC_CODES = frozenset({"UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT"})


@strawberry.type(description="An expected failure: what, where in the input, and why.")
class UserError:
    code: UserErrorCode
    field: list[str] | None
    message: str


def user_errors(
    error: DomainError | DomainErrors, *, prefix: tuple[str, ...] = ("input",)
) -> list[UserError]:
    """Domain errors as the API shows them; fields become paths from the mutation's input."""
    errors = error.errors if isinstance(error, DomainErrors) else [error]
    return [
        UserError(
            code=UserErrorCode[e.code.name],
            field=[*prefix, *e.field] if e.field else list(prefix) if len(prefix) > 1 else None,
            message=e.message,
        )
        for e in errors
    ]


def unauthenticated() -> GraphQLError:
    return GraphQLError(
        "Authentication required: send a valid token as `Authorization: Bearer …`.",
        extensions={"code": "UNAUTHENTICATED"},
    )


def forbidden() -> GraphQLError:
    return GraphQLError("Your role may not use this field.", extensions={"code": "FORBIDDEN"})


def bad_input(error: DomainError | DomainErrors) -> GraphQLError:
    errors = error.errors if isinstance(error, DomainErrors) else [error]
    return GraphQLError(
        "; ".join(e.message for e in errors),
        extensions={
            "code": "BAD_USER_INPUT",
            "errors": [
                {"code": e.code.name, "field": list(e.field), "message": e.message} for e in errors
            ],
        },
    )


async def in_transaction(
    ctx: RequestContext,
    party_id: UUID | None,
    work: Callable[[AsyncSession], Awaitable[T]],
) -> tuple[T | None, list[UserError]]:
    """Run one mutation in one transaction; a domain error rolls everything back."""
    try:
        async with ctx.db.transaction(party_id=party_id, actor=ctx.actor) as session:
            result = await work(session)
    except (DomainError, DomainErrors) as error:
        return None, user_errors(error)
    head = session.info.get(HEAD_KEY)
    if head is not None:  # committed: the caller may keep its chain's new head
        ctx.audit_heads.update(head)
    return result, []
