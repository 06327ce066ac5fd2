from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Integer, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeEngine

from db.base import Base
from publication.attributes import PUBLISHED_VALUES, Kind


class Release(Base):
    __tablename__ = "releases"

    id: Mapped[UUID] = mapped_column(primary_key=True, server_default=func.gen_random_uuid())
    party_id: Mapped[UUID] = mapped_column()
    number: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    code_version: Mapped[str] = mapped_column(Text)
    k: Mapped[int] = mapped_column(Integer)
    record_count: Mapped[int] = mapped_column(Integer)
    held_back_count: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(Text)
    previous_hash: Mapped[str | None] = mapped_column(Text)
    levels: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    information_loss: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


class ReleasePreview(Base):
    """What a release would publish; publishRelease names it and gets exactly it."""

    __tablename__ = "release_previews"

    id: Mapped[UUID] = mapped_column(primary_key=True, server_default=func.gen_random_uuid())
    party_id: Mapped[UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    code_version: Mapped[str] = mapped_column(Text)
    k: Mapped[int] = mapped_column(Integer)
    candidate_hash: Mapped[str] = mapped_column(Text)
    records_hash: Mapped[str] = mapped_column(Text)
    levels: Mapped[dict[str, str]] = mapped_column(JSONB)
    record_count: Mapped[int] = mapped_column(Integer)
    held_back_count: Mapped[int] = mapped_column(Integer)


class PublishedValues:
    """The columns of a published record: the release, the party, and one column per
    published value (``publication.attributes.PUBLISHED_VALUES``)."""

    release_id: Mapped[UUID] = mapped_column()
    party_id: Mapped[UUID] = mapped_column()


_COLUMN_TYPES: dict[Kind, Callable[[], TypeEngine[Any]]] = {
    Kind.TEXT: Text,
    Kind.INTEGER: Integer,
    Kind.LIST: lambda: ARRAY(Text),
}
for _published in PUBLISHED_VALUES:
    setattr(PublishedValues, _published.column, mapped_column(_COLUMN_TYPES[_published.kind]()))


class PublishedOutcome(PublishedValues, Base):
    """One released outcome: coded attributes only, never anything that names a person."""

    __tablename__ = "published_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
