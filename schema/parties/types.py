from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import strawberry
from strawberry.types import Info

from db import audit
from parties import models
from parties.tokens import Role
from schema.context import RequestContext
from schema.copying import copied
from schema.fields import field
from schema.relay import Node, to_global_id

AccountRole = Role  # strawberry.enum marks the class itself: the checker sees it
strawberry.enum(AccountRole, name="AccountRole", description="What a token may do.")


@strawberry.type(description="A party's adoption of a code version from a date.")
class CodeAdoption:
    code_version: str
    adopted_on: date = strawberry.field(
        description="Cases received from this date are assessed under this version."
    )
    checkpoint_key: str | None = strawberry.field(
        default=None,
        description="The fingerprint (SHA256:…) of the key that signed checkpoints when the "
        "party adopted: the key to pin when verifying its history (`--public-key`).",
    )


@strawberry.type(description="One of a party's own sanction names, on the common ladder.")
class PartySanction:
    name: str
    sanction: str = strawberry.field(description="The ladder step (a sanction id of the code).")


@strawberry.type(description="A participating political party.")
class Party(Node):
    slug: str
    name: str
    short_name: str
    code_version: str = strawberry.field(description="The version of its latest adoption.")
    code_adopted_on: date = strawberry.field(description="The date of its latest adoption.")
    is_demo: bool = strawberry.field(
        description="A fictional party of the demo data: every figure under it is synthetic."
    )
    ec_registration: str | None = strawberry.field(
        description="Electoral Commission registration number, e.g. PP52."
    )
    nations: list[str] = strawberry.field(description="Nations of the UK it stands in.")
    membership: int | None = strawberry.field(
        description="Members, where the party gave it: the base of per-1,000-member rates."
    )
    publishes_timeliness: bool = strawberry.field(
        description="The party publishes its timeliness figures (the Committee's protected "
        "cells for it) on the public site."
    )
    uuid: strawberry.Private[UUID]

    @field(description="The party's own sanction names and the common ladder step each maps to.")
    async def sanction_mapping(self, info: Info[RequestContext, None]) -> list[PartySanction]:
        rows = await info.context.loaders.sanction_mappings.load(self.uuid)
        return [PartySanction(name=r.name, sanction=r.sanction) for r in rows]

    @field(description="Every code version the party adopted, oldest first.")
    async def adoptions(self, info: Info[RequestContext, None]) -> list[CodeAdoption]:
        rows = await info.context.loaders.adoptions.load(self.uuid)
        return [
            CodeAdoption(
                code_version=r.code_version,
                adopted_on=r.adopted_on,
                checkpoint_key=r.checkpoint_key,
            )
            for r in rows
        ]

    @classmethod
    def from_model(cls, p: models.Party) -> Party:
        return copied(
            cls, p, id=to_global_id("Party", p.id), nations=list(p.nations or ()), uuid=p.id
        )


@strawberry.type(description="Who the calling token belongs to.")
class Viewer:
    role: AccountRole
    party: Party | None


@strawberry.type(description="An entry of a party's audit trail about its credentials.")
class CredentialEvent:
    seq: int = strawberry.field(description="Position in the party's hash-chained trail.")
    at: datetime
    action: str = strawberry.field(
        description="token.issue, token.rotate, token.revoke, token.enrol or enrolment.create."
    )
    actor: str = strawberry.field(description="token:<id> of the account, or cli:<user>.")
    actor_role: str
    token_ids: list[strawberry.ID] = strawberry.field(description="The tokens it concerns.")
    hash: str

    @classmethod
    def from_entry(cls, e: audit.Entry) -> CredentialEvent:
        return cls(
            seq=e.seq, at=e.at, action=e.action, actor=e.actor.id, actor_role=e.actor.role,
            token_ids=[strawberry.ID(str(i)) for i in e.subject_ids], hash=e.hash,
        )  # fmt: skip


@strawberry.type(description="A token's record; the secret itself is shown only once.")
class TokenInfo:
    id: strawberry.ID
    display_prefix: str
    label: str
    role: AccountRole
    party_slug: str | None
    created_at: datetime | None
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    rotated_from: strawberry.ID | None = strawberry.field(
        description="The token this one replaced, when issued by rotation."
    )

    @classmethod
    def from_model(cls, t: models.Token, party_slug: str | None) -> TokenInfo:
        return copied(
            cls,
            t,
            id=to_global_id("Token", t.id),
            role=Role(t.role),
            party_slug=party_slug,
            rotated_from=to_global_id("Token", t.rotated_from) if t.rotated_from else None,
        )


@strawberry.type(
    description="An enrolment code's record (never the code). For a party that has had an "
    "administrator, the code works only once one of its administrators, or the Committee "
    "as a second person, approves it; every enrolment is in the party's own audit trail."
)
class Enrolment:
    id: strawberry.ID
    party_slug: str | None
    created_at: datetime
    expires_at: datetime
    needs_consent: bool = strawberry.field(
        description="The party has had an administrator: the code needs approval to work."
    )
    approved_at: datetime | None
    approved_by: AccountRole | None = strawberry.field(
        description="PARTY_ADMIN (the party's own consent) or COMMITTEE (a second person)."
    )
    used_at: datetime | None

    @classmethod
    def from_model(cls, e: models.EnrolmentRecord, party_slug: str | None) -> Enrolment:
        by = e.approved_by.split(":", 1)[0] if e.approved_by else None
        return copied(
            cls,
            e,
            id=to_global_id("Enrolment", e.id),
            party_slug=party_slug,
            approved_by=Role(by) if by else None,
        )


@strawberry.input(description="Which tokens to list; live ones by default.")
class TokenFilter:
    party: str | None = strawberry.field(default=None, description="Party slug.")
    role: AccountRole | None = None
    include_revoked: bool = False
