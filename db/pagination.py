"""Keyset pagination: opaque cursors over an indexed sort key, never OFFSET.

A cursor encodes the sort key of the last row seen; the next page is the rows strictly
after it, which stays correct and fast however deep the client pages.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar
from uuid import UUID

from sqlalchemy import Select, func, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from db.errors import DomainError

T = TypeVar("T")
MAX_PAGE = 100


class PageErrorCode(Enum):
    INVALID_CURSOR = "INVALID_CURSOR"
    INVALID_PAGE_SIZE = "INVALID_PAGE_SIZE"
    TOO_MANY_IDS = "TOO_MANY_IDS"


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[tuple[str, T]]  # (cursor, item)
    has_next_page: bool
    total_count: int


def encode_cursor(kind: str, key: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps([kind, *key]).encode()).decode()


def invalid_cursor() -> DomainError:
    return DomainError(
        PageErrorCode.INVALID_CURSOR, "The cursor is not valid here.", field=("after",)
    )


MAX_CURSOR_LENGTH = 256
BIGINT = 2**63 - 1


def _plain(value: Any) -> bool:
    """A cursor holds only short strings and 64-bit integers: what encode_cursor writes."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 <= value <= BIGINT
    return isinstance(value, str) and len(value) <= 64


def decode_cursor(kind: str, cursor: str, *, arity: int) -> list[Any]:
    """The key a cursor holds, or INVALID_CURSOR for anything encode_cursor did not write.

    Cursors are client input: length is bounded before decoding (no deep nesting reaches
    the JSON parser's recursion) and every element is checked for type and range.
    """
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise invalid_cursor()
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, RecursionError) as exc:
        raise invalid_cursor() from exc
    if (
        not isinstance(decoded, list)
        or len(decoded) != arity + 1
        or decoded[0] != kind
        or not all(_plain(v) for v in decoded[1:])
    ):
        raise invalid_cursor()
    return decoded[1:]


def check_page_size(first: int) -> None:
    if not 1 <= first <= MAX_PAGE:
        raise DomainError(
            PageErrorCode.INVALID_PAGE_SIZE,
            f"first must be between 1 and {MAX_PAGE}.",
            field=("first",),
        )


async def keyset_page(
    session: AsyncSession,
    query: Select[Any],
    *,
    kind: str,
    key: tuple[InstrumentedAttribute[Any], InstrumentedAttribute[Any]],
    parse: Callable[[str], Any],
    first: int,
    after: str | None,
    descending: bool = True,
) -> Page[Any]:
    """Keyset walk on (sort column, id), newest first by default: every connection's one.

    ``parse`` turns the sort column's ISO text in a cursor back into its value. The
    cursor names its direction, so a cursor from one ordering is refused by the other.
    """
    kind = f"{kind}{'' if descending else '+asc'}"
    check_page_size(first)
    # count over the filtered rows only: the entity's columns are not selected (some, like
    # a token's hash, are not the application's to read)
    total = await session.scalar(
        query.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    )
    column, id_column = key
    if after:
        value, raw_id = decode_cursor(kind, after, arity=2)
        try:
            position = (parse(value), UUID(raw_id))
        except (TypeError, ValueError) as exc:
            raise invalid_cursor() from exc
        after_key = tuple_(column, id_column)
        query = query.where(
            after_key < tuple_(*position) if descending else after_key > tuple_(*position)
        )
    order = (column.desc(), id_column.desc()) if descending else (column.asc(), id_column.asc())
    rows = list(await session.scalars(query.order_by(*order).limit(first + 1)))
    items = [
        (
            encode_cursor(
                kind, [getattr(r, column.key).isoformat(), str(getattr(r, id_column.key))]
            ),
            r,
        )
        for r in rows[:first]
    ]
    return Page(items=items, has_next_page=len(rows) > first, total_count=total or 0)
