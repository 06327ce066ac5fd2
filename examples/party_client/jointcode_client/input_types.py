from datetime import date, datetime
from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import AccountRole, AppealOutcome, Appellant, CaseState, ReporterKind


class AcceptReportInput(BaseModel):
    id: str
    respondent_role: Optional[str] = Field(alias="respondentRole", default=None)
    "The role of the person reported (the code's): required when the reporter did not know it; otherwise it corrects theirs."


class AddToReportInput(BaseModel):
    code: str
    secret: str
    text: str
    "What you want to add; at most 2,000 characters."


class AdoptCodeInput(BaseModel):
    party: str
    "The party's slug."
    code_version: str = Field(alias="codeVersion")
    adopted_on: date = Field(alias="adoptedOn")
    "Cases received from this date use the version; may be in the future."


class ApproveEnrolmentInput(BaseModel):
    id: str


class AssessmentInput(BaseModel):
    """Findings per alleged provision and the facts they rest on."""

    findings: list["FindingInput"]
    factors: list[str] = Field(default_factory=lambda: [])
    "Aggravating and mitigating factor ids."
    channel: Optional[str] = None
    "Corrects the channel."
    target_role: Optional[str] = Field(alias="targetRole", default=None)
    characteristics: list[str] = Field(default_factory=lambda: [])
    forms_of_hate: list[str] = Field(alias="formsOfHate", default_factory=lambda: [])
    assessed_on: Optional[date] = Field(alias="assessedOn", default=None)


class CaseFilter(BaseModel):
    states: Optional[list[CaseState]] = None
    reference: Optional[str] = None
    provision: Optional[str] = None
    received_from: Optional[date] = Field(alias="receivedFrom", default=None)
    received_to: Optional[date] = Field(alias="receivedTo", default=None)
    overdue: Optional[bool] = None
    "Only cases with a deadline past due and not yet met."
    sanction: Optional[str] = None


class CheckpointCosignature(BaseModel):
    """A witness's cosignature of one checkpoint."""

    seq: int
    "The checkpoint's number (`seq` in open data)."
    signature: str
    "Base64 Ed25519 signature of the witness message for that checkpoint."


class CloseCaseInput(BaseModel):
    id: str
    expected_version: int = Field(alias="expectedVersion")
    "The case version you read: a stale one is STALE_VERSION and changes nothing."
    on: Optional[date] = None


class CosignCheckpointsInput(BaseModel):
    public_key: str = Field(alias="publicKey")
    "The witness's Ed25519 public key, base64."
    cosignatures: list["CheckpointCosignature"]


class CreateEnrolmentInput(BaseModel):
    party: str
    "The party's slug."


class CreateWebhookEndpointInput(BaseModel):
    url: str
    "https:// only (see JOINTCODE_WEBHOOK_ALLOW_HTTP)."
    description: str = ""
    event_types: list[str] = Field(alias="eventTypes", default_factory=lambda: [])
    "webhookEventTypes; empty: every type."


class DecideAppealInput(BaseModel):
    id: str
    expected_version: int = Field(alias="expectedVersion")
    "The case version you read: a stale one is STALE_VERSION and changes nothing."
    outcome: AppealOutcome
    sanction: Optional[str] = None
    "Varied only."
    party_sanction: Optional[str] = Field(alias="partySanction", default=None)
    suspension_months: Optional[int] = Field(alias="suspensionMonths", default=None)
    decided_on: Optional[date] = Field(alias="decidedOn", default=None)


class DecideCaseInput(BaseModel):
    id: str
    expected_version: int = Field(alias="expectedVersion")
    "The case version you read: a stale one is STALE_VERSION and changes nothing."
    sanction: Optional[str] = None
    "A common ladder step; or give partySanction."
    party_sanction: Optional[str] = Field(alias="partySanction", default=None)
    "Your party's own sanction name; stored with its ladder step."
    suspension_months: Optional[int] = Field(alias="suspensionMonths", default=None)
    referrals: list[str] = Field(default_factory=lambda: [])
    "Referral flags."
    departure_reason: Optional[str] = Field(alias="departureReason", default=None)
    "Required when the sanction is outside the recommended range."
    decided_on: Optional[date] = Field(alias="decidedOn", default=None)
    findings: Optional[list["FindingInput"]] = None
    "Shortcut: record the assessment's findings with the decision (with factors), instead of a separate recordAssessment."
    factors: Optional[list[str]] = None


class DeclineReportInput(BaseModel):
    id: str
    reason: str
    "The code's reason (out_of_scope_reasons)."


class EnrolInput(BaseModel):
    code: str
    label: str = ""
    "Who holds the new token."


class FindingInput(BaseModel):
    provision: str
    proven: bool


class IssueTokenInput(BaseModel):
    role: AccountRole
    party: Optional[str] = None
    "Party slug (party roles; a party's administrator's own)."
    label: str = ""
    expires_at: Optional[datetime] = Field(alias="expiresAt", default=None)


class LodgeAppealInput(BaseModel):
    id: str
    expected_version: int = Field(alias="expectedVersion")
    "The case version you read: a stale one is STALE_VERSION and changes nothing."
    appellant: Appellant
    lodged_on: Optional[date] = Field(alias="lodgedOn", default=None)


class PartySanctionInput(BaseModel):
    name: str
    "The party's own name for the sanction."
    sanction: str
    "The common ladder step it maps to."


class PreviewReleaseInput(BaseModel):
    party: Optional[str] = None
    "Your party's slug; optional, checked when given."


class PublishReleaseInput(BaseModel):
    preview_id: str = Field(alias="previewId")
    "From previewRelease."


class ReceiptInput(BaseModel):
    code: str
    secret: str


class RecordAssessmentInput(BaseModel):
    id: str
    expected_version: int = Field(alias="expectedVersion")
    "The case version you read: a stale one is STALE_VERSION and changes nothing."
    assessment: "AssessmentInput"


class RecordInterimMeasureInput(BaseModel):
    id: str
    expected_version: int = Field(alias="expectedVersion")
    "The case version you read: a stale one is STALE_VERSION and changes nothing."
    starts_on: date = Field(alias="startsOn")
    ends_on: date = Field(alias="endsOn")


class RedeliverWebhookInput(BaseModel):
    id: str
    "A WebhookDelivery's id."


class ReferReportInput(BaseModel):
    id: str
    flags: list[str]
    "The code's referral flags (police...)."


class RegisterPartyInput(BaseModel):
    slug: str
    name: str
    short_name: Optional[str] = Field(alias="shortName", default=None)
    code_version: Optional[str] = Field(alias="codeVersion", default=None)
    "Defaults to the version in force on the adoption date."
    adopted_on: Optional[date] = Field(alias="adoptedOn", default=None)
    "Defaults to today."
    ec_registration: Optional[str] = Field(alias="ecRegistration", default=None)
    nations: list[str] = Field(default_factory=lambda: [])
    "england, scotland, wales, northern_ireland."
    membership: Optional[int] = None


class RevokeTokenInput(BaseModel):
    id: str


class RotateTokenInput(BaseModel):
    id: str
    expires_at: Optional[datetime] = Field(alias="expiresAt", default=None)
    "Defaults to the old token's lifetime from now."


class SetSanctionMappingInput(BaseModel):
    """Replaces the party's whole mapping."""

    party: str
    entries: list["PartySanctionInput"]


class StartAssessmentInput(BaseModel):
    id: str
    expected_version: int = Field(alias="expectedVersion")
    "The case version you read: a stale one is STALE_VERSION and changes nothing."
    started_on: Optional[date] = Field(alias="startedOn", default=None)


class StatisticsFilter(BaseModel):
    """Equality filters on published values; list values match when the record lists the value."""

    party: Optional[str] = None
    "The party's slug; empty in all-party tables."
    year: Optional[int] = None
    "Year in which the outcome became final."
    quarter: Optional[str] = None
    "Quarter in which the outcome became final (2026-Q1)."
    provision: Optional[str] = None
    "A provision of the code (JC1...)."
    family: Optional[str] = None
    "A family of provisions."
    form_of_hate: Optional[str] = Field(alias="formOfHate", default=None)
    "A named form of hate."
    characteristic: Optional[str] = None
    "A protected characteristic recorded on the case."
    channel: Optional[str] = None
    "Where it happened."
    channel_group: Optional[str] = Field(alias="channelGroup", default=None)
    "online or offline."
    respondent_role: Optional[str] = Field(alias="respondentRole", default=None)
    "The respondent's role."
    respondent_role_group: Optional[str] = Field(
        alias="respondentRoleGroup", default=None
    )
    "The broader role group."
    severity: Optional[int] = None
    "The code's severity level, 1-4."
    sanction: Optional[str] = None
    "The sanction that stands."
    sanction_band: Optional[str] = Field(alias="sanctionBand", default=None)
    "The sanction's band."


class SubmitCaseInput(BaseModel):
    reference: str
    "Your own reference, unique in your party."
    received_on: date = Field(alias="receivedOn")
    provisions: list[str]
    "Provision ids alleged, e.g. JC1."
    channel: str
    respondent_role: str = Field(alias="respondentRole")
    target_role: Optional[str] = Field(alias="targetRole", default=None)
    characteristics: list[str] = Field(default_factory=lambda: [])
    "Protected characteristics targeted, if any."
    forms_of_hate: list[str] = Field(alias="formsOfHate", default_factory=lambda: [])
    "Named forms of hate; each implies its characteristic."
    complainant_count: int = Field(alias="complainantCount", default=1)
    "How many people complained; counted, never named."
    respondent_ref: Optional[str] = Field(alias="respondentRef", default=None)
    "Your identifier for the respondent (e.g. membership number): stored only as a keyed pseudonym, to count repeat respondents within your party."
    acknowledged_on: Optional[date] = Field(alias="acknowledgedOn", default=None)
    "When the complainant was acknowledged, if already."
    summary: Optional[str] = None
    "Free text, kept private."


class SubmitCasesInput(BaseModel):
    cases: list["SubmitCaseInput"]
    "1 to 500 cases."


class SubmitReportInput(BaseModel):
    """A report of abuse by a member of a party taking part."""

    party: str
    "The slug of the party of the person reported."
    respondent_role: Optional[str] = Field(alias="respondentRole", default=None)
    "Their role in the party (the code's); null: you do not know."
    channel: str
    "Where it happened (the code's channels)."
    provisions: list[str]
    "What happened: the code's provisions."
    occurred_from: date = Field(alias="occurredFrom")
    "When it happened (or began)."
    what_happened: str = Field(alias="whatHappened")
    "In your words; at most 5,000 characters."
    reporter_kind: ReporterKind = Field(alias="reporterKind")
    consent: bool
    "You agree that the party handling it may read and use what you report."
    occurred_to: Optional[date] = Field(alias="occurredTo", default=None)
    "When it ended."
    respondent_name: Optional[str] = Field(alias="respondentName", default=None)
    "Their name or online handle, if you know it."
    links: list[str] = Field(default_factory=lambda: [])
    "Up to 5 links."
    forms_of_hate: list[str] = Field(alias="formsOfHate", default_factory=lambda: [])
    "If it was hateful because of who the person is: the code's forms of hate."
    contact: Optional[str] = None
    "How the party may contact you (optional)."
    notify_by_email: bool = Field(alias="notifyByEmail", default=False)
    "Email the contact (an email address) when the status changes: never what you wrote nor the secret."
    submission_token: Optional[str] = Field(alias="submissionToken", default=None)
    "A random value of yours (at least 16 characters), the same when you retry: the same token files one report and gives the same receipt again for 30 minutes, so a retry after a lost answer never files twice."


class TokenFilter(BaseModel):
    """Which tokens to list; live ones by default."""

    party: Optional[str] = None
    "Party slug."
    role: Optional[AccountRole] = None
    include_revoked: bool = Field(alias="includeRevoked", default=False)


class TransferReportInput(BaseModel):
    id: str
    party: str
    "The party the person reported belongs to."


class TriageCaseInput(BaseModel):
    id: str
    expected_version: int = Field(alias="expectedVersion")
    "The case version you read: a stale one is STALE_VERSION and changes nothing."
    in_scope: bool = Field(alias="inScope")
    "False closes the case as out of scope."
    out_of_scope_reason: Optional[str] = Field(alias="outOfScopeReason", default=None)
    "Required when out of scope: an id from the code."
    triaged_on: Optional[date] = Field(alias="triagedOn", default=None)


class UpdatePartyInput(BaseModel):
    """Only the fields given change; null clears an optional one."""

    party: str
    "The party's slug."
    name: Optional[str] = None
    short_name: Optional[str] = Field(alias="shortName", default=None)
    ec_registration: Optional[str] = Field(alias="ecRegistration", default=None)
    nations: Optional[list[str]] = None
    membership: Optional[int] = None
    publishes_timeliness: Optional[bool] = Field(
        alias="publishesTimeliness", default=None
    )
    "The party's choice to publish its timeliness figures on the public site."


class WebhookEndpointIdInput(BaseModel):
    id: str


AssessmentInput.model_rebuild()
CosignCheckpointsInput.model_rebuild()
DecideCaseInput.model_rebuild()
RecordAssessmentInput.model_rebuild()
SetSanctionMappingInput.model_rebuild()
SubmitCasesInput.model_rebuild()
