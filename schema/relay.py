"""Relay plumbing: global ids, the Node interface, connections and page info."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Generic, TypeVar
from uuid import UUID

import strawberry

from db.errors import DomainError
from db.pagination import Page, check_page_size, decode_cursor
from schema.errors import bad_input

T = TypeVar("T")
N = TypeVar("N")


def seq_after(kind: str, first: int, after: str | None, default: T) -> int | T:
    """Where a page of a trail starts: the sequence number in a cursor of ``kind``, or
    ``default`` without one; a bad page size or cursor is the client's error."""
    try:
        check_page_size(first)
        return int(decode_cursor(kind, after, arity=1)[0]) if after else default
    except DomainError as error:
        raise bad_input(error) from None


def to_global_id(type_name: str, raw_id: UUID | str | int) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{raw_id}".encode()).decode())


def _parts(global_id: str) -> tuple[str, str] | None:
    try:
        type_name, _, raw = base64.urlsafe_b64decode(global_id.encode()).decode().partition(":")
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return None
    return type_name, raw


def from_global_id(global_id: str) -> tuple[str, UUID] | None:
    """(type name, uuid) or None for anything malformed: treated as not found."""
    parts = _parts(global_id)
    try:
        return (parts[0], UUID(parts[1])) if parts else None
    except ValueError:
        return None


def uuid_of(global_id: str, type_name: str, error: Exception) -> UUID:
    """The uuid inside a global id of the expected type, or the caller's not-found error."""
    parsed = from_global_id(global_id)
    if parsed is None or parsed[0] != type_name:
        raise error
    return parsed[1]


def int_of(global_id: str, type_name: str, error: Exception) -> int:
    """The number inside a global id of the expected type (objects numbered by the
    database, like webhook deliveries), or the caller's not-found error."""
    parts = _parts(global_id)
    digits = parts[1] if parts and parts[0] == type_name else ""
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 18):  # a bigint
        raise error
    return int(digits)


@strawberry.interface(description="An object with a global id, fetchable with `node(id)`.")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def connection_from_page(
    page: Page[T], convert: Callable[[T], N], *, after: str | None
) -> Connection[N]:
    edges = [Edge(cursor=cursor, node=convert(item)) for cursor, item in page.items]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total_count,
    )
