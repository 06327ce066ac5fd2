from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Integer, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


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
    """The columns of a published record."""

    release_id: Mapped[UUID] = mapped_column()
    party_id: Mapped[UUID] = mapped_column()
    period: Mapped[str | None] = mapped_column(Text)
    quarter: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    provisions: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    families: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    forms_of_hate: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    characteristics: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    channel: Mapped[str | None] = mapped_column(Text)
    channel_group: Mapped[str | None] = mapped_column(Text)
    respondent_role: Mapped[str | None] = mapped_column(Text)
    respondent_role_group: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[int | None] = mapped_column(Integer)
    sanction: Mapped[str | None] = mapped_column(Text)
    sanction_band: Mapped[str | None] = mapped_column(Text)


class PublishedOutcome(PublishedValues, Base):
    """One released outcome: coded attributes only, never anything that names a person."""

    __tablename__ = "published_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
