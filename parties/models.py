from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Boolean, Date, DateTime, Integer, LargeBinary, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Party(Base):
    __tablename__ = "parties"

    id: Mapped[UUID] = mapped_column(primary_key=True, server_default=func.gen_random_uuid())
    slug: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)
    short_name: Mapped[str] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    ec_registration: Mapped[str | None] = mapped_column(Text)
    nations: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    membership: Mapped[int | None] = mapped_column(Integer)
    # the party publishes its timeliness figures on the public site (``public_timeliness()``)
    publishes_timeliness: Mapped[bool] = mapped_column(Boolean, default=False)
    # The latest adoption, kept on the party for reading; the history is in CodeAdoption.
    code_version: Mapped[str] = mapped_column(Text)
    code_adopted_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CodeAdoption(Base):
    """A party's adoption of a code version from a date; cases received from then use it."""

    __tablename__ = "party_code_adoptions"

    id: Mapped[UUID] = mapped_column(primary_key=True, server_default=func.gen_random_uuid())
    party_id: Mapped[UUID] = mapped_column()
    code_version: Mapped[str] = mapped_column(Text)
    adopted_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # the fingerprint of the key signing checkpoints when the party adopted (0026)
    checkpoint_key: Mapped[str | None] = mapped_column(Text)


class PartySanction(Base):
    """One of the party's own sanction names and the common ladder step it maps to."""

    __tablename__ = "party_sanctions"

    party_id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    sanction: Mapped[str] = mapped_column(Text)
    code_version: Mapped[str] = mapped_column(Text)


class Token(Base):
    __tablename__ = "tokens"

    id: Mapped[UUID] = mapped_column(primary_key=True, server_default=func.gen_random_uuid())
    # never read back: the application role may write a hash but not select one
    token_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True, deferred=True)
    display_prefix: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(Text)
    party_id: Mapped[UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rotated_from: Mapped[UUID | None] = mapped_column()


class EnrolmentRecord(Base):
    """An enrolment code's record; never its hash (the application role may not read it)."""

    __tablename__ = "enrolments"

    id: Mapped[UUID] = mapped_column(primary_key=True, server_default=func.gen_random_uuid())
    party_id: Mapped[UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    token_id: Mapped[UUID | None] = mapped_column()
    # set by the database (``enrolments_need_consent()``): the party has had an administrator
    needs_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(Text)  # "party_admin:<token>", "committee:…"
