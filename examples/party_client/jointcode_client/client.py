from typing import Any, Optional, Union

from .async_base_client import AsyncBaseClient
from .base_model import UNSET, UnsetType
from .decide_appeal import DecideAppeal
from .decide_case import DecideCase
from .input_types import (
    CaseFilter,
    CloseCaseInput,
    DecideAppealInput,
    DecideCaseInput,
    LodgeAppealInput,
    RecordAssessmentInput,
    StartAssessmentInput,
    SubmitCaseInput,
    TriageCaseInput,
)
from .list_cases import ListCases
from .lodge_appeal import LodgeAppeal
from .preview_release import PreviewRelease
from .publish_release import PublishRelease
from .record_assessment import RecordAssessment
from .start_assessment import StartAssessment
from .submit_cases import SubmitCases
from .triage_case import TriageCase
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
