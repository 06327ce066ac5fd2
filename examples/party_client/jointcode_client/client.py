from datetime import datetime
from typing import Any, Optional, Union

from .accept_report import AcceptReport
from .async_base_client import AsyncBaseClient
from .base_model import UNSET, UnsetType
from .create_webhook_endpoint import CreateWebhookEndpoint
from .decide_appeal import DecideAppeal
from .decide_case import DecideCase
from .decline_report import DeclineReport
from .disable_webhook_endpoint import DisableWebhookEndpoint
from .enums import ReportState, WebhookDeliveryState
from .input_types import (
    AcceptReportInput,
    CaseFilter,
    CloseCaseInput,
    CreateWebhookEndpointInput,
    DecideAppealInput,
    DecideCaseInput,
    DeclineReportInput,
    LodgeAppealInput,
    RecordAssessmentInput,
    RedeliverWebhookInput,
    ReferReportInput,
    StartAssessmentInput,
    SubmitCaseInput,
    TransferReportInput,
    TriageCaseInput,
    WebhookEndpointIdInput,
)
from .list_cases import ListCases
from .lodge_appeal import LodgeAppeal
from .preview_release import PreviewRelease
from .publish_release import PublishRelease
from .record_assessment import RecordAssessment
from .redeliver_webhook import RedeliverWebhook
from .refer_report import ReferReport
from .report_by_id import ReportById
from .report_queue import ReportQueue
from .rotate_webhook_secret import RotateWebhookSecret
from .start_assessment import StartAssessment
from .submit_cases import SubmitCases
from .transfer_report import TransferReport
from .triage_case import TriageCase
from .webhook_deliveries import WebhookDeliveries
from .webhook_endpoints import WebhookEndpoints
from .webhook_event_types import WebhookEventTypes
from .withdraw_case import WithdrawCase


def gql(q: str) -> str:
    return q


class Client(AsyncBaseClient):
    async def submit_cases(
        self, cases: list[SubmitCaseInput], **kwargs: Any
    ) -> SubmitCases:
        query = gql("""
            mutation SubmitCases($cases: [SubmitCaseInput!]!) {
              submitCases(input: {cases: $cases}) {
                created
                alreadyPresent
                rejected
                results {
                  index
                  created
                  case {
                    ...CaseSummary
                  }
                  errors {
                    ...Problems
                  }
                }
                errors {
                  ...Problems
                }
              }
            }

            fragment CaseSummary on Case {
              id
              reference
              state
              version
              allowedNextSteps
            }

            fragment Problems on UserError {
              code
              field
              message
            }
            """)
        variables: dict[str, object] = {"cases": cases}
        response = await self.execute(
            query=query, operation_name="SubmitCases", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return SubmitCases.model_validate(data)

    async def triage_case(self, input: TriageCaseInput, **kwargs: Any) -> TriageCase:
        query = gql("""
            mutation TriageCase($input: TriageCaseInput!) {
              triageCase(input: $input) {
                case {
                  ...CaseSummary
                }
                errors {
                  ...Problems
                }
              }
            }

            fragment CaseSummary on Case {
              id
              reference
              state
              version
              allowedNextSteps
            }

            fragment Problems on UserError {
              code
              field
              message
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="TriageCase", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return TriageCase.model_validate(data)

    async def start_assessment(
        self, input: StartAssessmentInput, **kwargs: Any
    ) -> StartAssessment:
        query = gql("""
            mutation StartAssessment($input: StartAssessmentInput!) {
              startAssessment(input: $input) {
                case {
                  ...CaseSummary
                }
                errors {
                  ...Problems
                }
              }
            }

            fragment CaseSummary on Case {
              id
              reference
              state
              version
              allowedNextSteps
            }

            fragment Problems on UserError {
              code
              field
              message
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="StartAssessment", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return StartAssessment.model_validate(data)

    async def record_assessment(
        self, input: RecordAssessmentInput, **kwargs: Any
    ) -> RecordAssessment:
        query = gql("""
            mutation RecordAssessment($input: RecordAssessmentInput!) {
              recordAssessment(input: $input) {
                case {
                  ...CaseSummary
                }
                errors {
                  ...Problems
                }
              }
            }

            fragment CaseSummary on Case {
              id
              reference
              state
              version
              allowedNextSteps
            }

            fragment Problems on UserError {
              code
              field
              message
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query,
            operation_name="RecordAssessment",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return RecordAssessment.model_validate(data)

    async def decide_case(self, input: DecideCaseInput, **kwargs: Any) -> DecideCase:
        query = gql("""
            mutation DecideCase($input: DecideCaseInput!) {
              decideCase(input: $input) {
                case {
                  ...CaseSummary
                }
                errors {
                  ...Problems
                }
              }
            }

            fragment CaseSummary on Case {
              id
              reference
              state
              version
              allowedNextSteps
            }

            fragment Problems on UserError {
              code
              field
              message
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="DecideCase", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return DecideCase.model_validate(data)

    async def lodge_appeal(self, input: LodgeAppealInput, **kwargs: Any) -> LodgeAppeal:
        query = gql("""
            mutation LodgeAppeal($input: LodgeAppealInput!) {
              lodgeAppeal(input: $input) {
                case {
                  ...CaseSummary
                }
                errors {
                  ...Problems
                }
              }
            }

            fragment CaseSummary on Case {
              id
              reference
              state
              version
              allowedNextSteps
            }

            fragment Problems on UserError {
              code
              field
              message
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="LodgeAppeal", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return LodgeAppeal.model_validate(data)

    async def decide_appeal(
        self, input: DecideAppealInput, **kwargs: Any
    ) -> DecideAppeal:
        query = gql("""
            mutation DecideAppeal($input: DecideAppealInput!) {
              decideAppeal(input: $input) {
                case {
                  ...CaseSummary
                }
                errors {
                  ...Problems
                }
              }
            }

            fragment CaseSummary on Case {
              id
              reference
              state
              version
              allowedNextSteps
            }

            fragment Problems on UserError {
              code
              field
              message
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="DecideAppeal", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return DecideAppeal.model_validate(data)

    async def withdraw_case(self, input: CloseCaseInput, **kwargs: Any) -> WithdrawCase:
        query = gql("""
            mutation WithdrawCase($input: CloseCaseInput!) {
              withdrawCase(input: $input) {
                case {
                  ...CaseSummary
                }
                errors {
                  ...Problems
                }
              }
            }

            fragment CaseSummary on Case {
              id
              reference
              state
              version
              allowedNextSteps
            }

            fragment Problems on UserError {
              code
              field
              message
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="WithdrawCase", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return WithdrawCase.model_validate(data)

    async def list_cases(
        self,
        first: int,
        after: Union[Optional[str], UnsetType] = UNSET,
        filter_: Union[Optional[CaseFilter], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> ListCases:
        query = gql("""
            query ListCases($first: Int!, $after: String, $filter: CaseFilter) {
              cases(first: $first, after: $after, filter: $filter) {
                totalCount
                edges {
                  cursor
                  node {
                    ...CaseSummary
                  }
                }
                pageInfo {
                  hasNextPage
                  endCursor
                }
              }
            }

            fragment CaseSummary on Case {
              id
              reference
              state
              version
              allowedNextSteps
            }
            """)
        variables: dict[str, object] = {
            "first": first,
            "after": after,
            "filter": filter_,
        }
        response = await self.execute(
            query=query, operation_name="ListCases", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ListCases.model_validate(data)

    async def preview_release(self, **kwargs: Any) -> PreviewRelease:
        query = gql("""
            mutation PreviewRelease {
              previewRelease {
                preview {
                  id
                  k
                  recordCount
                  heldBackCount
                  kReached
                  lReached
                }
                errors {
                  ...Problems
                }
              }
            }

            fragment Problems on UserError {
              code
              field
              message
            }
            """)
        variables: dict[str, object] = {}
        response = await self.execute(
            query=query, operation_name="PreviewRelease", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return PreviewRelease.model_validate(data)

    async def publish_release(self, preview_id: str, **kwargs: Any) -> PublishRelease:
        query = gql("""
            mutation PublishRelease($previewId: ID!) {
              publishRelease(input: {previewId: $previewId}) {
                release {
                  number
                  recordCount
                  contentHash
                  previousHash
                }
                errors {
                  ...Problems
                }
              }
            }

            fragment Problems on UserError {
              code
              field
              message
            }
            """)
        variables: dict[str, object] = {"previewId": preview_id}
        response = await self.execute(
            query=query, operation_name="PublishRelease", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return PublishRelease.model_validate(data)

    async def report_queue(
        self,
        first: int,
        after: Union[Optional[str], UnsetType] = UNSET,
        states: Union[Optional[list[ReportState]], UnsetType] = UNSET,
        received_since: Union[Optional[datetime], UnsetType] = UNSET,
        updated_since: Union[Optional[datetime], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> ReportQueue:
        query = gql("""
            query ReportQueue($first: Int!, $after: String, $states: [ReportState!], $receivedSince: DateTime, $updatedSince: DateTime) {
              reports(
                first: $first
                after: $after
                states: $states
                receivedSince: $receivedSince
                updatedSince: $updatedSince
              ) {
                totalCount
                edges {
                  cursor
                  node {
                    ...ReportSummary
                    contents {
                      whatHappened
                      respondentName
                      links
                      contact
                      additions {
                        addedOn
                        text
                      }
                    }
                  }
                }
                pageInfo {
                  hasNextPage
                  endCursor
                }
              }
            }

            fragment ReportSummary on Report {
              id
              code
              state
              receivedOn
              respondentRole
              channel
              provisions
              formsOfHate
              reporterKind
              acknowledgeBy
              triageBy
              overdue
              duplicateOf
              declineReason
              referrals
            }
            """)
        variables: dict[str, object] = {
            "first": first,
            "after": after,
            "states": states,
            "receivedSince": received_since,
            "updatedSince": updated_since,
        }
        response = await self.execute(
            query=query, operation_name="ReportQueue", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ReportQueue.model_validate(data)

    async def report_by_id(self, id: str, **kwargs: Any) -> ReportById:
        query = gql("""
            query ReportById($id: ID!) {
              node(id: $id) {
                __typename
                ... on Report {
                  ...ReportSummary
                  case {
                    ...CaseSummary
                  }
                }
              }
            }

            fragment CaseSummary on Case {
              id
              reference
              state
              version
              allowedNextSteps
            }

            fragment ReportSummary on Report {
              id
              code
              state
              receivedOn
              respondentRole
              channel
              provisions
              formsOfHate
              reporterKind
              acknowledgeBy
              triageBy
              overdue
              duplicateOf
              declineReason
              referrals
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="ReportById", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ReportById.model_validate(data)

    async def accept_report(
        self, input: AcceptReportInput, **kwargs: Any
    ) -> AcceptReport:
        query = gql("""
            mutation AcceptReport($input: AcceptReportInput!) {
              acceptReport(input: $input) {
                report {
                  ...ReportSummary
                }
                case {
                  ...CaseSummary
                }
                errors {
                  ...Problems
                }
              }
            }

            fragment CaseSummary on Case {
              id
              reference
              state
              version
              allowedNextSteps
            }

            fragment Problems on UserError {
              code
              field
              message
            }

            fragment ReportSummary on Report {
              id
              code
              state
              receivedOn
              respondentRole
              channel
              provisions
              formsOfHate
              reporterKind
              acknowledgeBy
              triageBy
              overdue
              duplicateOf
              declineReason
              referrals
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="AcceptReport", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return AcceptReport.model_validate(data)

    async def decline_report(
        self, input: DeclineReportInput, **kwargs: Any
    ) -> DeclineReport:
        query = gql("""
            mutation DeclineReport($input: DeclineReportInput!) {
              declineReport(input: $input) {
                report {
                  ...ReportSummary
                }
                errors {
                  ...Problems
                }
              }
            }

            fragment Problems on UserError {
              code
              field
              message
            }

            fragment ReportSummary on Report {
              id
              code
              state
              receivedOn
              respondentRole
              channel
              provisions
              formsOfHate
              reporterKind
              acknowledgeBy
              triageBy
              overdue
              duplicateOf
              declineReason
              referrals
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="DeclineReport", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return DeclineReport.model_validate(data)

    async def transfer_report(
        self, input: TransferReportInput, **kwargs: Any
    ) -> TransferReport:
        query = gql("""
            mutation TransferReport($input: TransferReportInput!) {
              transferReport(input: $input) {
                transferred
                errors {
                  ...Problems
                }
              }
            }

            fragment Problems on UserError {
              code
              field
              message
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="TransferReport", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return TransferReport.model_validate(data)

    async def refer_report(self, input: ReferReportInput, **kwargs: Any) -> ReferReport:
        query = gql("""
            mutation ReferReport($input: ReferReportInput!) {
              referReport(input: $input) {
                report {
                  ...ReportSummary
                }
                errors {
                  ...Problems
                }
              }
            }

            fragment Problems on UserError {
              code
              field
              message
            }

            fragment ReportSummary on Report {
              id
              code
              state
              receivedOn
              respondentRole
              channel
              provisions
              formsOfHate
              reporterKind
              acknowledgeBy
              triageBy
              overdue
              duplicateOf
              declineReason
              referrals
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="ReferReport", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ReferReport.model_validate(data)

    async def webhook_event_types(self, **kwargs: Any) -> WebhookEventTypes:
        query = gql("""
            query WebhookEventTypes {
              webhookEventTypes {
                type
                description
              }
            }
            """)
        variables: dict[str, object] = {}
        response = await self.execute(
            query=query,
            operation_name="WebhookEventTypes",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return WebhookEventTypes.model_validate(data)

    async def webhook_endpoints(self, **kwargs: Any) -> WebhookEndpoints:
        query = gql("""
            query WebhookEndpoints {
              webhookEndpoints {
                ...EndpointSummary
              }
            }

            fragment EndpointSummary on WebhookEndpoint {
              id
              url
              description
              eventTypes
              createdAt
              disabledAt
            }
            """)
        variables: dict[str, object] = {}
        response = await self.execute(
            query=query,
            operation_name="WebhookEndpoints",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return WebhookEndpoints.model_validate(data)

    async def create_webhook_endpoint(
        self, input: CreateWebhookEndpointInput, **kwargs: Any
    ) -> CreateWebhookEndpoint:
        query = gql("""
            mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
              createWebhookEndpoint(input: $input) {
                endpoint {
                  ...EndpointSummary
                }
                secret
                errors {
                  ...Problems
                }
              }
            }

            fragment EndpointSummary on WebhookEndpoint {
              id
              url
              description
              eventTypes
              createdAt
              disabledAt
            }

            fragment Problems on UserError {
              code
              field
              message
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query,
            operation_name="CreateWebhookEndpoint",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CreateWebhookEndpoint.model_validate(data)

    async def rotate_webhook_secret(
        self, input: WebhookEndpointIdInput, **kwargs: Any
    ) -> RotateWebhookSecret:
        query = gql("""
            mutation RotateWebhookSecret($input: WebhookEndpointIdInput!) {
              rotateWebhookSecret(input: $input) {
                endpoint {
                  ...EndpointSummary
                }
                secret
                errors {
                  ...Problems
                }
              }
            }

            fragment EndpointSummary on WebhookEndpoint {
              id
              url
              description
              eventTypes
              createdAt
              disabledAt
            }

            fragment Problems on UserError {
              code
              field
              message
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query,
            operation_name="RotateWebhookSecret",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return RotateWebhookSecret.model_validate(data)

    async def disable_webhook_endpoint(
        self, input: WebhookEndpointIdInput, **kwargs: Any
    ) -> DisableWebhookEndpoint:
        query = gql("""
            mutation DisableWebhookEndpoint($input: WebhookEndpointIdInput!) {
              disableWebhookEndpoint(input: $input) {
                endpoint {
                  ...EndpointSummary
                }
                errors {
                  ...Problems
                }
              }
            }

            fragment EndpointSummary on WebhookEndpoint {
              id
              url
              description
              eventTypes
              createdAt
              disabledAt
            }

            fragment Problems on UserError {
              code
              field
              message
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query,
            operation_name="DisableWebhookEndpoint",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return DisableWebhookEndpoint.model_validate(data)

    async def webhook_deliveries(
        self,
        first: int,
        after: Union[Optional[str], UnsetType] = UNSET,
        states: Union[Optional[list[WebhookDeliveryState]], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> WebhookDeliveries:
        query = gql("""
            query WebhookDeliveries($first: Int!, $after: String, $states: [WebhookDeliveryState!]) {
              webhookDeliveries(first: $first, after: $after, states: $states) {
                totalCount
                edges {
                  cursor
                  node {
                    id
                    messageId
                    eventType
                    endpointId
                    createdAt
                    state
                    attempts
                    nextAttemptAt
                    deliveredAt
                    lastStatus
                    lastError
                  }
                }
                pageInfo {
                  hasNextPage
                  endCursor
                }
              }
            }
            """)
        variables: dict[str, object] = {
            "first": first,
            "after": after,
            "states": states,
        }
        response = await self.execute(
            query=query,
            operation_name="WebhookDeliveries",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return WebhookDeliveries.model_validate(data)

    async def redeliver_webhook(
        self, input: RedeliverWebhookInput, **kwargs: Any
    ) -> RedeliverWebhook:
        query = gql("""
            mutation RedeliverWebhook($input: RedeliverWebhookInput!) {
              redeliverWebhook(input: $input) {
                delivery {
                  id
                  state
                  attempts
                }
                errors {
                  ...Problems
                }
              }
            }

            fragment Problems on UserError {
              code
              field
              message
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query,
            operation_name="RedeliverWebhook",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return RedeliverWebhook.model_validate(data)
