"""Reading the registry: who is calling, the parties, tokens, enrolments, credential events."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from db import audit
from db.errors import DomainError, DomainErrors
from db.pagination import (
    Page,
    encode_cursor,
)
from parties import service as party_service
from parties import tokens as token_service
from parties.tokens import Role
from schema.context import RequestContext
from schema.errors import bad_input
from schema.fields import field, public_field
from schema.parties.types import (
    CredentialEvent,
    Enrolment,
    Party,
    TokenFilter,
    TokenInfo,
    Viewer,
)
from schema.permissions import require
from schema.relay import Connection, connection_from_page, seq_after

Ctx = Info[RequestContext, None]


@strawberry.type
class PartyQuery:
    @field(description="Who the calling token belongs to; null without a token.")
    async def viewer(self, info: Ctx) -> Viewer | None:
        viewer = info.context.viewer
        if viewer is None:
            return None
        party = None
        if viewer.party_id is not None:
            model = await info.context.read(party_service.get, party_id=viewer.party_id)
            party = Party.from_model(model) if model else None
        return Viewer(role=viewer.role, party=party)

    @public_field(description="The participating parties.")
    async def parties(self, info: Ctx) -> list[Party]:
        return [Party.from_model(p) for p in await info.context.read(party_service.list_parties)]

    @field(
        description="Your party's credential events, newest first (party administrator): "
        "every token of the party issued, rotated, revoked or enrolled by the party, from its "
        "own hash-chained trail (the registry's break-glass revocations are in the "
        "registry's trail; their effect shows in tokens)."
    )
    async def credential_events(
        self,
        info: Ctx,
        first: int = 50,
        after: str | None = None,
        before_seq: Annotated[
            int | None,
            strawberry.argument(deprecation_reason="Use after: the connection's cursor."),
        ] = None,
    ) -> Connection[CredentialEvent]:
        viewer = require(info, Role.PARTY_ADMIN)
        assert viewer.party_id is not None
        before = seq_after("credential", first, after, before_seq)
        prefixes = ("token.", "enrolment.")
        async with info.context.db.transaction(party_id=viewer.party_id) as session:
            entries = await audit.entries_by_action(
                session, party_id=viewer.party_id, prefixes=prefixes, first=first + 1,
                before_seq=before,
            )  # fmt: skip
            total = await audit.count_by_action(
                session, party_id=viewer.party_id, prefixes=prefixes
            )
        page = Page(
            items=[(encode_cursor("credential", [e.seq]), e) for e in entries[:first]],
            has_next_page=len(entries) > first,
            total_count=total,
        )
        return connection_from_page(page, CredentialEvent.from_entry, after=after)

    @field(
        description="API tokens, newest first: never a secret, only its first characters. "
        "The registry admin sees every token's record; a party's administrators see their "
        "party's. Live tokens unless filter.includeRevoked."
    )
    async def tokens(
        self,
        info: Ctx,
        first: int = 20,
        after: str | None = None,
        filter: TokenFilter | None = None,
    ) -> Connection[TokenInfo]:
        viewer = require(info, Role.ADMIN, Role.PARTY_ADMIN)
        filter = filter or TokenFilter()
        try:
            async with info.context.db.transaction() as session:
                party_id = viewer.party_id  # a party's administrators: their party only
                if filter.party is not None and party_id is None:
                    party = await party_service.require_by_slug(session=session, slug=filter.party)
                    party_id = party.id
                page = await token_service.list_tokens(
                    session=session,
                    first=first,
                    after=after,
                    where=token_service.TokenFilter(
                        party_id=party_id,
                        role=Role(filter.role.value) if filter.role else None,
                        include_revoked=filter.include_revoked,
                    ),
                )
                parties = await party_service.get_many(
                    session=session, party_ids={t.party_id for _, t in page.items if t.party_id}
                )
        except (DomainError, DomainErrors) as error:
            raise bad_input(error) from None
        slugs = {p.id: p.slug for p in parties}
        return connection_from_page(
            page,
            lambda t: TokenInfo.from_model(t, slugs.get(t.party_id) if t.party_id else None),
            after=after,
        )

    @field(
        description="Enrolment codes' records, newest first, never a code: the registry "
        "admin sees every party's; a party's administrators see their party's (each one "
        "for a party that has an administrator waits for their approveEnrolment); the "
        "Committee sees those awaiting consent."
    )
    async def enrolments(
        self, info: Ctx, first: int = 20, after: str | None = None
    ) -> Connection[Enrolment]:
        require(info, Role.ADMIN, Role.PARTY_ADMIN, Role.COMMITTEE)
        try:
            async with info.context.db.transaction() as session:
                page = await token_service.list_enrolments(
                    session=session, first=first, after=after
                )
                parties = await party_service.get_many(
                    session=session, party_ids={e.party_id for _, e in page.items}
                )
        except (DomainError, DomainErrors) as error:
            raise bad_input(error) from None
        slugs = {p.id: p.slug for p in parties}
        return connection_from_page(
            page, lambda e: Enrolment.from_model(e, slugs.get(e.party_id)), after=after
        )
