"""Changing the registry: registering and updating parties, adopting a code version,
sanction mappings, tokens (issue, revoke, rotate) and enrolments."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from db.errors import DomainError
from parties import registry
from parties import service as party_service
from parties import tokens as token_service
from parties.errors import PartyErrorCode
from parties.models import Token
from parties.tokens import IssuedToken, Role, Viewer
from schema.context import RequestContext
from schema.copying import called
from schema.errors import UserError, in_transaction
from schema.fields import mutation
from schema.parties.types import AccountRole, Enrolment, Party, TokenInfo
from schema.permissions import require
from schema.relay import to_global_id, uuid_of

Ctx = Info[RequestContext, None]


@strawberry.input
class RegisterPartyInput:
    slug: str
    name: str
    short_name: str | None = None
    code_version: str | None = strawberry.field(
        default=None, description="Defaults to the version in force on the adoption date."
    )
    adopted_on: date | None = strawberry.field(default=None, description="Defaults to today.")
    ec_registration: str | None = None
    nations: list[str] = strawberry.field(
        default_factory=list, description="england, scotland, wales, northern_ireland."
    )
    membership: int | None = None


@strawberry.type
class RegisterPartyPayload:
    party: Party | None
    errors: list[UserError]


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class UpdatePartyInput:
    party: str = strawberry.field(description="The party's slug.")
    name: str | None = strawberry.UNSET
    short_name: str | None = strawberry.UNSET
    ec_registration: str | None = strawberry.UNSET
    nations: list[str] | None = strawberry.UNSET
    membership: int | None = strawberry.UNSET
    publishes_timeliness: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="The party's choice to publish its timeliness figures on the public site.",
    )


@strawberry.type
class UpdatePartyPayload:
    party: Party | None
    errors: list[UserError]


@strawberry.input
class PartySanctionInput:
    name: str = strawberry.field(description="The party's own name for the sanction.")
    sanction: str = strawberry.field(description="The common ladder step it maps to.")


@strawberry.input(description="Replaces the party's whole mapping.")
class SetSanctionMappingInput:
    party: str
    entries: list[PartySanctionInput]


@strawberry.type
class SetSanctionMappingPayload:
    party: Party | None
    errors: list[UserError]


@strawberry.input
class RotateTokenInput:
    id: strawberry.ID
    expires_at: datetime | None = strawberry.field(
        default=None, description="Defaults to the old token's lifetime from now."
    )


@strawberry.input
class AdoptCodeInput:
    party: str = strawberry.field(description="The party's slug.")
    code_version: str
    adopted_on: date = strawberry.field(
        description="Cases received from this date use the version; may be in the future."
    )


@strawberry.type
class AdoptCodePayload:
    party: Party | None
    errors: list[UserError]


@strawberry.input
class IssueTokenInput:
    role: AccountRole
    party: str | None = strawberry.field(
        default=None, description="Party slug (party roles; a party's administrator's own)."
    )
    label: str = ""
    expires_at: datetime | None = None


@strawberry.type
class IssueTokenPayload:
    token: str | None = strawberry.field(description="The secret: shown this once, never again.")
    token_info: TokenInfo | None
    errors: list[UserError]


def _given(value: object) -> bool:
    return value is not strawberry.UNSET


@strawberry.input
class RevokeTokenInput:
    id: strawberry.ID


@strawberry.type
class RevokeTokenPayload:
    token_info: TokenInfo | None
    errors: list[UserError]


async def _issued(
    info: Ctx, issue: Callable[[AsyncSession, Viewer], Awaitable[IssuedToken]]
) -> IssueTokenPayload:
    """A new secret (issued, or a rotation's), in the payload once, with its record."""
    viewer = require(info, Role.ADMIN, Role.PARTY_ADMIN)

    async def work(session: AsyncSession) -> tuple[str, TokenInfo]:
        issued = await issue(session, viewer)
        return issued.secret, await _token_info(session, issued.token)

    result, errors = await in_transaction(info.context, viewer.party_id, work)
    secret, token_info = result if result else (None, None)
    return IssueTokenPayload(token=secret, token_info=token_info, errors=errors)


@strawberry.type
class PartyMutation:
    @mutation(description="Register a party (admin).")
    async def register_party(self, info: Ctx, input: RegisterPartyInput) -> RegisterPartyPayload:
        require(info, Role.ADMIN)

        async def work(session: AsyncSession) -> Party:
            party = await called(
                party_service.register_party,
                input,
                session=session,
                checkpoint_key=info.context.signer.fingerprint,
                is_demo=False,  # only the demonstration seed (`serve --demo`, `demo`) makes those
            )
            return Party.from_model(party)

        party, errors = await in_transaction(info.context, None, work)
        return RegisterPartyPayload(party=party, errors=errors)

    @mutation(
        description="A party adopts a code version from a date (admin). Cases received from "
        "that date are assessed under it; earlier cases keep their version."
    )
    async def adopt_code(self, info: Ctx, input: AdoptCodeInput) -> AdoptCodePayload:
        require(info, Role.ADMIN)

        async def work(session: AsyncSession) -> Party:
            party, _ = await registry.adopt_code(
                session=session,
                party=input.party,
                code_version=input.code_version,
                adopted_on=input.adopted_on,
                checkpoint_key=info.context.signer.fingerprint,
            )
            return Party.from_model(party)

        party, errors = await in_transaction(info.context, None, work)
        return AdoptCodePayload(party=party, errors=errors)

    @mutation(description="Change a party's registry facts (admin).")
    async def update_party(self, info: Ctx, input: UpdatePartyInput) -> UpdatePartyPayload:
        require(info, Role.ADMIN)

        async def work(session: AsyncSession) -> Party:
            changes: dict[str, object] = {
                key: value
                for key, value in (
                    ("ec_registration", input.ec_registration),
                    ("membership", input.membership),
                )
                if _given(value)
            }
            updated = await registry.update_party(
                session=session,
                party=input.party,
                name=input.name if _given(input.name) else None,
                short_name=input.short_name if _given(input.short_name) else None,
                nations=list(input.nations or []) if _given(input.nations) else None,
                publishes_timeliness=input.publishes_timeliness
                if _given(input.publishes_timeliness)
                else None,
                **changes,
            )
            return Party.from_model(updated)

        party, errors = await in_transaction(info.context, None, work)
        return UpdatePartyPayload(party=party, errors=errors)

    @mutation(
        description="Set a party's own sanction names on the common ladder (admin); checked "
        "against the code version the party adopted last."
    )
    async def set_sanction_mapping(
        self, info: Ctx, input: SetSanctionMappingInput
    ) -> SetSanctionMappingPayload:
        require(info, Role.ADMIN)

        async def work(session: AsyncSession) -> Party:
            party, _ = await registry.set_sanction_names(
                session=session,
                party=input.party,
                entries=[(e.name, e.sanction) for e in input.entries],
            )
            return Party.from_model(party)

        party, errors = await in_transaction(info.context, None, work)
        return SetSanctionMappingPayload(party=party, errors=errors)

    @mutation(
        description="Issue a token; the secret is in the payload once. A party's "
        "administrators issue their party's OFFICER and PARTY_ADMIN tokens; the registry "
        "admin issues COMMITTEE and ADMIN tokens, never a party's."
    )
    async def issue_token(self, info: Ctx, input: IssueTokenInput) -> IssueTokenPayload:
        async def issue(session: AsyncSession, viewer: Viewer) -> IssuedToken:
            return await token_service.issue_token(
                session=session,
                role=Role(input.role.value),
                party_slug=input.party,
                label=input.label,
                expires_at=input.expires_at,
                issuer=viewer,
            )

        return await _issued(info, issue)

    @mutation(
        description="Revoke a token; it stops working at once. A party's administrators "
        "revoke their party's tokens; the registry admin may revoke any (break-glass)."
    )
    async def revoke_token(self, info: Ctx, input: RevokeTokenInput) -> RevokeTokenPayload:
        viewer = require(info, Role.ADMIN, Role.PARTY_ADMIN)

        async def work(session: AsyncSession) -> TokenInfo:
            token_id = uuid_of(
                input.id,
                "Token",
                DomainError(PartyErrorCode.TOKEN_NOT_FOUND, "No such token.", field=("id",)),
            )
            token = await token_service.revoke_token(session=session, token_id=token_id)
            return await _token_info(session, token)

        token_info, errors = await in_transaction(info.context, viewer.party_id, work)
        return RevokeTokenPayload(token_info=token_info, errors=errors)

    @mutation(
        description="Replace a live token with a new secret of the same role, party and label "
        "(whoever may issue it); the old one stops working at once. The new secret is in the "
        "payload once."
    )
    async def rotate_token(self, info: Ctx, input: RotateTokenInput) -> IssueTokenPayload:
        async def rotate(session: AsyncSession, viewer: Viewer) -> IssuedToken:
            token_id = uuid_of(
                input.id,
                "Token",
                DomainError(PartyErrorCode.TOKEN_NOT_FOUND, "No such live token.", field=("id",)),
            )
            return await token_service.rotate_token(
                session=session, token_id=token_id, expires_at=input.expires_at, issuer=viewer
            )

        return await _issued(info, rotate)

    @mutation(
        description="A one-time code (valid 7 days) with which a party's first, or a "
        "replacement, administrator enrols (registry admin). The enrolment is recorded in "
        "the party's own audit trail at once; for a party that has had an administrator "
        "the code works only after approveEnrolment by one of them or by the Committee."
    )
    async def create_enrolment(
        self, info: Ctx, input: CreateEnrolmentInput
    ) -> CreateEnrolmentPayload:
        require(info, Role.ADMIN)

        async def work(session: AsyncSession) -> token_service.Enrolment:
            return await token_service.create_enrolment(session=session, party_slug=input.party)

        enrolment, errors = await in_transaction(info.context, None, work)
        return CreateEnrolmentPayload(
            code=enrolment.code if enrolment else None,
            expires_at=enrolment.expires_at if enrolment else None,
            needs_consent=enrolment.needs_consent if enrolment else None,
            enrolment_id=to_global_id("Enrolment", enrolment.id) if enrolment else None,
            errors=errors,
        )

    @mutation(
        description="Consent to an enrolment that awaits it: one of the party's own "
        "administrators, or the Committee as the second person for a party that has lost "
        "every administrator (break-glass). Recorded in the party's audit trail."
    )
    async def approve_enrolment(
        self, info: Ctx, input: ApproveEnrolmentInput
    ) -> ApproveEnrolmentPayload:
        viewer = require(info, Role.PARTY_ADMIN, Role.COMMITTEE)
        not_found = DomainError(
            PartyErrorCode.ENROLMENT_NOT_FOUND,
            "No pending enrolment with this id awaits your consent.",
            field=("id",),
        )

        async def work(session: AsyncSession) -> Enrolment:
            record = await token_service.approve_enrolment(
                session=session,
                enrolment_id=uuid_of(input.id, "Enrolment", not_found),
                approver=viewer,
            )
            party = await party_service.get(session=session, party_id=record.party_id)
            return Enrolment.from_model(record, party.slug if party else None)

        enrolment, errors = await in_transaction(info.context, viewer.party_id, work)
        return ApproveEnrolmentPayload(enrolment=enrolment, errors=errors)

    @mutation(
        description="Trade an enrolment code for a PARTY_ADMIN token (no token needed); "
        "the code works once. The secret is in the payload once."
    )
    async def enrol(self, info: Ctx, input: EnrolInput) -> IssueTokenPayload:
        async def work(session: AsyncSession) -> tuple[str, TokenInfo]:
            issued = await token_service.enrol(session=session, code=input.code, label=input.label)
            return issued.secret, await _token_info(session, issued.token)

        result, errors = await in_transaction(info.context, None, work)
        secret, token_info = result if result else (None, None)
        return IssueTokenPayload(token=secret, token_info=token_info, errors=errors)


async def _token_info(session: AsyncSession, token: Token) -> TokenInfo:
    slug = None
    if token.party_id:
        party = await party_service.get(session=session, party_id=token.party_id)
        slug = party.slug if party else None
    return TokenInfo.from_model(token, slug)


@strawberry.input
class CreateEnrolmentInput:
    party: str = strawberry.field(description="The party's slug.")


@strawberry.type
class CreateEnrolmentPayload:
    code: str | None = strawberry.field(description="The code: shown this once, never again.")
    expires_at: datetime | None
    needs_consent: bool | None = strawberry.field(
        description="The party has had an administrator: the code works only once one of "
        "them, or the Committee, approves it (approveEnrolment)."
    )
    enrolment_id: strawberry.ID | None
    errors: list[UserError]


@strawberry.input
class ApproveEnrolmentInput:
    id: strawberry.ID


@strawberry.type
class ApproveEnrolmentPayload:
    enrolment: Enrolment | None
    errors: list[UserError]


@strawberry.input
class EnrolInput:
    code: str
    label: str = strawberry.field(default="", description="Who holds the new token.")
