"""One clock, on UK dates: at 00:30 British Summer Time it is already tomorrow."""

from __future__ import annotations

from datetime import UTC, datetime

from codes import clock
from tests.conftest import GraphQLClient
from tests.helpers import case_input, issue_token, register_party

SUBMIT = """mutation($i: SubmitCaseInput!) { submitCase(input: $i) {
  created errors { code field } } }"""


async def test_an_officer_may_enter_todays_date_just_after_midnight_bst(
    gql: GraphQLClient, admin_token: str
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    with clock.frozen(datetime(2026, 6, 1, 23, 30, tzinfo=UTC)):
        today = await gql.ok(SUBMIT, {"i": case_input("T-1", receivedOn="2026-06-02")},
                             token=officer)  # fmt: skip
        tomorrow = await gql.ok(SUBMIT, {"i": case_input("T-2", receivedOn="2026-06-03")},
                                token=officer)  # fmt: skip
    assert today["submitCase"] == {"created": True, "errors": []}
    assert tomorrow["submitCase"]["errors"][0]["code"] == "INVALID_DATE"
