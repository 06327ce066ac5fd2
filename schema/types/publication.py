from __future__ import annotations

from datetime import datetime

import strawberry

from publication import models
from publication import statistics as stats
from schema.relay import Node, to_global_id

StatisticsDimension = strawberry.enum(stats.Dimension, name="StatisticsDimension")


@strawberry.type(description="A numbered, immutable, hash-chained batch of published outcomes.")
class Release(Node):
    party_slug: str
    number: int
    published_at: datetime
    code_version: str
    k: int
    record_count: int
    held_back_count: int
    content_hash: str
    previous_hash: str | None

    @classmethod
    def from_model(cls, r: models.Release, party_slug: str) -> Release:
        return cls(
            id=to_global_id("Release", r.id),
            party_slug=party_slug,
            number=r.number,
            published_at=r.published_at,
            code_version=r.code_version,
            k=r.k,
            record_count=r.record_count,
            held_back_count=r.held_back_count,
            content_hash=r.content_hash,
            previous_hash=r.previous_hash,
        )


@strawberry.input
class StatisticsFilter:
    party: str | None = None
    year: int | None = None
    provision: str | None = None
    sanction: str | None = None


@strawberry.type(description="One group of published outcomes; count is 0 or at least k.")
class StatisticsRow:
    party: str | None
    year: int | None
    provision: str | None
    sanction: str | None
    count: int


@strawberry.type(description="Per-party case counts for the Committee; never a case.")
class PartySummary:
    party_slug: str
    party_name: str
    is_demo: bool
    received: int
    decided: int
    published: int
