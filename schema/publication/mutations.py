"""Previewing and publishing releases (officers); cosigning checkpoints (the Committee)."""

from __future__ import annotations

from enum import Enum
from uuid import UUID

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from cases import service as case_service
from db.errors import DomainError
from parties import service as party_service
from parties.errors import PartyErrorCode
from parties.tokens import Role
from publication import checkpoints
from publication import releases as release_service
from publication.errors import PublicationErrorCode
from schema.cases.types import Case
from schema.context import RequestContext
from schema.errors import UserError, in_transaction
from schema.fields import mutation
from schema.permissions import require, require_officer
from schema.publication.types import AttributeLevel, PublishedRecord, Release
from schema.relay import to_global_id, uuid_of

Ctx = Info[RequestContext, None]
HELD_BACK_SHOWN = 100


@strawberry.input
class PreviewReleaseInput:
    party: str | None = strawberry.field(
        default=None, description="Your party's slug; optional, checked when given."
    )


HeldBackReason = Enum(
    "HeldBackReason", {"K_ANONYMITY": "k", "L_DIVERSITY": "l", "BEYOND_HIERARCHY": "hierarchy"}
)
strawberry.enum(
    HeldBackReason,
    name="HeldBackReason",
    description="K_ANONYMITY: fewer than k outcomes share its values; L_DIVERSITY: the "
    "outcomes equal to it in all but the sanction show fewer than l sanction bands; "
    "BEYOND_HIERARCHY: a value the code's hierarchies cannot generalise.",
)


@strawberry.type(description="A final outcome the preview holds back, and why.")
class HeldBackOutcome:
    case: Case
    class_size: int = strawberry.field(
        description="How many outcomes share its values at the chosen levels."
    )
    reason: HeldBackReason


@strawberry.type(description="What publishing would release now; nothing is published yet.")
class ReleasePreview:
    id: strawberry.ID = strawberry.field(description="Give it to publishRelease.")
    k: int
    code_version: str
    records: list[PublishedRecord]
    levels: list[AttributeLevel]
    held_back: list[HeldBackOutcome] = strawberry.field(
        description="Up to 100 held-back outcomes, smallest groups first; heldBackCount "
        "counts them all."
    )
    held_back_share: float
    record_count: int
    held_back_count: int
    l_diversity: int = strawberry.field(
        description="The code's l: distinct sanction bands every group of records equal in "
        "all other values must show."
    )
    k_reached: int | None = strawberry.field(
        description="The smallest class of records released (at least k), recounted as stored."
    )
    l_reached: int | None = strawberry.field(
        description="The fewest sanction bands any group shows (at least l); null when no "
        "sanction is published."
    )
    generalised_share: float = strawberry.field(
        description="Share of released records with at least one value (band, families) "
        "left out so that its class holds k and its group l."
    )
    waiting: int = strawberry.field(
        description="Final outcomes not in this preview because the year they became final "
        "is not closed and published yet: records are released per closed year, after its "
        "fourth-quarter statistics edition (releaseCalendar)."
    )


@strawberry.type
class PreviewReleasePayload:
    preview: ReleasePreview | None
    errors: list[UserError]


@strawberry.input
class PublishReleaseInput:
    preview_id: strawberry.ID = strawberry.field(description="From previewRelease.")


@strawberry.type
class PublishReleasePayload:
    release: Release | None
    errors: list[UserError]


async def _own_party(session: AsyncSession, party_id: UUID, slug: str | None) -> None:
    if slug is None:
        return
    party = await party_service.get_by_slug(session=session, slug=slug)
    if party is None or party.id != party_id:
        # One answer for another party and for no party at all.
        raise DomainError(
            PartyErrorCode.UNKNOWN_PARTY,
            "Not a party you can publish for: give your own party's slug or none.",
            field=("party",),
        )


@strawberry.type
class ReleaseMutation:
    @mutation(
        description="Compute your party's next release from its final, unpublished "
        "outcomes of closed, published years without publishing: the records, the values "
        "each keeps, what is held back and why, and what waits for its year (officer)."
    )
    async def preview_release(
        self, info: Ctx, input: PreviewReleaseInput | None = None
    ) -> PreviewReleasePayload:
        party_id = require_officer(info).own_party

        async def work(session: AsyncSession) -> ReleasePreview:
            await _own_party(session, party_id, input.party if input else None)
            computed = await release_service.preview_release(session=session, party_id=party_id)
            plan = computed.plan
            # the smallest classes first: those are the outcomes furthest from publication
            held = {
                h.outcome.case_id: h
                for h in sorted(
                    plan.held_back, key=lambda h: (h.class_size, str(h.outcome.case_id))
                )[:HELD_BACK_SHOWN]
            }
            cases = await case_service.get_cases(session=session, party_id=party_id, case_ids=held)
            return ReleasePreview(
                id=to_global_id("ReleasePreview", computed.preview.id),
                k=computed.preview.k,
                code_version=computed.preview.code_version,
                records=[PublishedRecord.from_values(r) for r in computed.records],
                levels=[
                    AttributeLevel(
                        attribute=a.attribute, level=a.level, generalised_share=a.generalised_share
                    )
                    for a in plan.attribute_loss
                ],
                held_back=[
                    HeldBackOutcome(
                        case=Case.from_model(c),
                        class_size=held[c.id].class_size,
                        reason=HeldBackReason(held[c.id].reason),
                    )
                    for c in cases
                ],
                held_back_share=plan.held_back_share,
                record_count=len(plan.released),
                held_back_count=len(plan.held_back),
                l_diversity=plan.l_diversity,
                k_reached=plan.k_reached,
                l_reached=plan.l_reached,
                generalised_share=plan.generalised_share,
                waiting=computed.waiting,
            )

        with info.context.timed("release_preview"):
            preview, errors = await in_transaction(info.context, party_id, work)
        return PreviewReleasePayload(preview=preview, errors=errors)

    @mutation(
        description="Publish exactly the named preview as a k-anonymous, l-diverse, "
        "numbered, hash-chained release; refused (PREVIEW_STALE) if your outcomes changed since."
    )
    async def publish_release(self, info: Ctx, input: PublishReleaseInput) -> PublishReleasePayload:
        party_id = require_officer(info).own_party

        async def work(session: AsyncSession) -> Release:
            preview_id = uuid_of(
                input.preview_id,
                "ReleasePreview",
                DomainError(
                    PublicationErrorCode.PREVIEW_NOT_FOUND,
                    "No preview with this id.",
                    field=("previewId",),
                ),
            )
            published = await release_service.publish_release(
                session=session, party_id=party_id, preview_id=preview_id
            )
            # every chain's head, signed in the same transaction as the release
            await checkpoints.record(session=session, signer=info.context.signer)
            return Release.from_model(published.release, published.party_slug)

        with info.context.timed("release_publish"):
            release, errors = await in_transaction(info.context, party_id, work)
        return PublishReleasePayload(release=release, errors=errors)


@strawberry.input(description="A witness's cosignature of one checkpoint.")
class CheckpointCosignature:
    seq: int = strawberry.field(description="The checkpoint's number (`seq` in open data).")
    signature: str = strawberry.field(
        description="Base64 Ed25519 signature of the witness message for that checkpoint."
    )


@strawberry.input
class CosignCheckpointsInput:
    public_key: str = strawberry.field(description="The witness's Ed25519 public key, base64.")
    cosignatures: list[CheckpointCosignature]


@strawberry.type
class CosignCheckpointsPayload:
    added: int | None = strawberry.field(description="Cosignatures not held before.")
    errors: list[UserError]


@strawberry.type
class CheckpointMutation:
    @mutation(
        description="The Committee, as witness, cosigns checkpoints it has checked extend "
        "those it cosigned before (`jointcode witness cosign` does both). Each cosignature "
        "must verify over the stored checkpoint; they are public in open data at once."
    )
    async def cosign_checkpoints(
        self, info: Ctx, input: CosignCheckpointsInput
    ) -> CosignCheckpointsPayload:
        require(info, Role.COMMITTEE)

        async def work(session: AsyncSession) -> int:
            return await checkpoints.cosign(
                session=session,
                public_key=input.public_key,
                cosignatures=[(c.seq, c.signature) for c in input.cosignatures[:1000]],
            )

        added, errors = await in_transaction(info.context, None, work)
        return CosignCheckpointsPayload(added=added, errors=errors)
