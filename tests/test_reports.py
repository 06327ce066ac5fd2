"""Reports from the public: filed without a token, sealed at rest, routed to the one party
responsible, followed by receipt to an outcome band."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from codes import clock
from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import decide, issue_token, register_party

SUBMIT = """mutation($input: SubmitReportInput!) { submitReport(input: $input) {
  receipt { code secret } errors { code field message } } }"""
STATUS = """query($code: String!, $secret: String!) { reportStatus(code: $code, secret: $secret) {
  status receivedOn outcomeBand declineReason decidedOn appealUntil canAdd canWithdraw } }"""
OWN = """query($code: String!, $secret: String!) { reportStatus(code: $code, secret: $secret) {
  yourReport { whatHappened respondentName contact } } }"""
QUEUE = """query($states: [ReportState!]) { reports(first: 10, states: $states) {
  totalCount edges { node { id code state provisions channel respondentRole reporterKind
  acknowledgeBy triageBy duplicateOf caseId declineReason referrals
  contents { whatHappened respondentName links contact } } } } }"""
LODGE = """mutation($id: ID!, $v: Int!) { lodgeAppeal(input: {id: $id, expectedVersion: $v,
  appellant: RESPONDENT}) { case { version state } errors { code message } } }"""
APPEAL = """mutation($id: ID!, $v: Int!) { decideAppeal(input: {id: $id, expectedVersion: $v,
  outcome: VARIED, sanction: "advice"}) { case { version state } errors { code message } } }"""
ACCEPT = """mutation($id: ID!) { acceptReport(input: {id: $id}) {
  report { state caseId }
  case { id reference state version provisions formsOfHate characteristics } errors { code } } }"""
DECLINE = """mutation($id: ID!, $reason: String!) {
  declineReport(input: {id: $id, reason: $reason}) {
  report { state declineReason } errors { code field } } }"""
TRANSFER = """mutation($id: ID!, $party: String!) {
  transferReport(input: {id: $id, party: $party}) {
  transferred errors { code field } } }"""
REFER = """mutation($id: ID!) { referReport(input: {id: $id, flags: ["police"]}) {
  report { referrals } errors { code } } }"""
SECRET_TEXT = "He shouted at me at the hustings on Tuesday and followed me to my car."


def report(party: str = "party-a", **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "party": party, "respondentRole": "candidate", "channel": "in_person_hustings",
        "provisions": ["JC2"], "occurredFrom": "2026-03-01", "whatHappened": SECRET_TEXT,
        "reporterKind": "TARGETED", "consent": True, "respondentName": "Councillor Example",
        "links": ["https://example.org/video"], "contact": "reporter@example.org",
    }  # fmt: skip
    values.update(overrides)
    return values


async def _file(gql: GraphQLClient, **overrides: object) -> dict[str, str]:
    data = await gql.ok(SUBMIT, {"input": report(**overrides)})
    assert data["submitReport"]["errors"] == [], data
    return data["submitReport"]["receipt"]


async def test_a_report_goes_to_its_party_only_and_its_receipt_follows_it(
    gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    for slug in ("party-a", "party-b"):
        await register_party(gql, admin_token, slug)
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    other = await issue_token(gql, admin_token, "OFFICER", "party-b")
    committee = await issue_token(gql, admin_token, "COMMITTEE")
    receipt = await _file(gql, formsOfHate=["misogyny"])
    assert receipt["code"].startswith("R-")
    # Crockford base32 in six groups of five (150 bits): no I, L, O or U to misread
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{5}-){5}[0-9A-HJKMNP-TV-Z]{5}", receipt["secret"])

    status = (await gql.ok(STATUS, receipt))["reportStatus"]
    assert status["status"] == "RECEIVED" and status["outcomeBand"] is None
    assert status["canAdd"] and status["canWithdraw"]
    # typed as a person would: lower case, no hyphens, spaces, O for 0 and l for 1
    typed = receipt["secret"].lower().replace("-", " ").replace("0", "o").replace("1", "l")
    same = await gql.ok(STATUS, {"code": receipt["code"].lower(), "secret": typed})
    assert same["reportStatus"] == status
    own = (await gql.ok(OWN, receipt))["reportStatus"]["yourReport"]  # the right of access
    assert own == {
        "whatHappened": SECRET_TEXT,
        "respondentName": "Councillor Example",
        "contact": "reporter@example.org",
    }

    # sealed at rest: nothing the reporter wrote is in the row, even to the owner
    async with owner_db.transaction() as session:
        row = (await session.execute(text("SELECT * FROM reports"))).one()
        dumped = str(dict(row._mapping)).lower()
    for secret in (SECRET_TEXT, "Councillor", "reporter@example.org", "example.org/video"):
        assert secret.lower() not in dumped

    [edge] = (await gql.ok(QUEUE, token=officer))["reports"]["edges"]
    node = edge["node"]
    assert node["contents"]["whatHappened"] == SECRET_TEXT
    assert node["contents"]["respondentName"] == "Councillor Example"
    assert node["acknowledgeBy"] and node["reporterKind"] == "TARGETED"
    # another party sees none of it; the Committee and the registry admin have no queue
    assert (await gql.ok(QUEUE, token=other))["reports"]["edges"] == []
    for token in (committee, admin_token):
        refused = await gql(QUEUE, token=token)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # another party's officer cannot act on it: the same answer as for no report at all
    stolen = await gql.ok(ACCEPT, {"id": node["id"]}, token=other)
    assert stolen["acceptReport"]["errors"] == [{"code": "NOT_FOUND"}]

    referred = await gql.ok(REFER, {"id": node["id"]}, token=officer)
    assert referred["referReport"]["report"]["referrals"] == ["police"]
    accepted = (await gql.ok(ACCEPT, {"id": node["id"]}, token=officer))["acceptReport"]
    assert accepted["errors"] == [] and accepted["report"]["state"] == "ACCEPTED"
    case = accepted["case"]
    assert case["reference"] == receipt["code"] and case["provisions"] == ["JC2"]
    assert case["formsOfHate"] == ["misogyny"] and case["characteristics"] == ["sex"]
    assert (await gql.ok(STATUS, receipt))["reportStatus"]["status"] == "BEING_ASSESSED"
    again = await gql.ok(ACCEPT, {"id": node["id"]}, token=officer)
    assert again["acceptReport"]["errors"] == [{"code": "REPORT_CLOSED"}]

    today = clock.today().isoformat()  # the case was received today, with the report
    decided = await decide(gql, officer, case, sanction="suspension", suspensionMonths=3,
                           decided_on=today)  # fmt: skip
    # decided, with its band and the appeal window: no operator command needed
    seen = (await gql.ok(STATUS, receipt))["reportStatus"]
    assert seen["status"] == "DECIDED" and seen["outcomeBand"] == "Suspension"
    assert seen["decidedOn"] == today and seen["appealUntil"] and seen["canAdd"]
    lodged = await gql.ok(LODGE, {"id": case["id"], "v": decided["version"]}, token=officer)
    assert lodged["lodgeAppeal"]["errors"] == [], lodged
    assert (await gql.ok(STATUS, receipt))["reportStatus"]["status"] == "UNDER_APPEAL"
    varied = await gql.ok(
        APPEAL, {"id": case["id"], "v": lodged["lodgeAppeal"]["case"]["version"]}, token=officer
    )
    assert varied["decideAppeal"]["errors"] == [], varied
    final = (await gql.ok(STATUS, receipt))["reportStatus"]
    assert final["status"] == "FINAL" and final["outcomeBand"] == "Advice, warning or training"
    assert not final["canAdd"] and not final["canWithdraw"] and final["appealUntil"] is None


async def test_wrong_secret_and_unknown_code_get_the_same_answer(
    gql: GraphQLClient, admin_token: str
) -> None:
    await register_party(gql, admin_token, "party-a")
    receipt = await _file(gql)
    wrong = await gql(STATUS, {"code": receipt["code"], "secret": "x" * 24})
    unknown = await gql(STATUS, {"code": "R-UNKNOWNXXX", "secret": receipt["secret"]})
    assert wrong == unknown == {"data": {"reportStatus": None}}


async def test_bad_reports_are_refused_whole_and_store_nothing(
    gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    await register_party(gql, admin_token, "party-a")
    cases = {
        "party": ("no-such-party", "UNKNOWN_PARTY"),
        "provisions": (["JC99"], "UNKNOWN_PROVISION"),
        "channel": ("carrier_pigeon", "UNKNOWN_CHANNEL"),
        "formsOfHate": (["rudeness"], "UNKNOWN_FORM_OF_HATE"),
        "occurredFrom": ("2999-01-01", "INVALID_DATE"),
        "whatHappened": ("x" * 5001, "TEXT_TOO_LONG"),
        "links": (["javascript:alert(1)"], "INVALID_LINK"),
        "consent": (False, "CONSENT_REQUIRED"),
    }
    for name, (value, code) in cases.items():
        data = await gql.ok(SUBMIT, {"input": report(**{name: value})})
        errors = data["submitReport"]["errors"]
        assert data["submitReport"]["receipt"] is None and errors, name
        assert errors[0]["code"] == code, (name, errors)
    async with owner_db.transaction() as session:
        assert await session.scalar(text("SELECT count(*) FROM reports")) == 0


async def test_decline_transfer_and_duplicates(
    gql: GraphQLClient, admin_token: str, client: httpx.AsyncClient
) -> None:
    for slug in ("party-a", "party-b"):
        await register_party(gql, admin_token, slug)
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    other = await issue_token(gql, admin_token, "OFFICER", "party-b")
    first = await _file(gql)
    await _file(gql)  # the same report again: linked, not dropped
    await _file(gql, whatHappened="Something else entirely.")
    edges = (await gql.ok(QUEUE, token=officer))["reports"]["edges"]
    assert len(edges) == 3
    assert edges[1]["node"]["duplicateOf"] == edges[0]["node"]["id"]
    assert edges[2]["node"]["duplicateOf"] is None

    bad = await gql.ok(DECLINE, {"id": edges[1]["node"]["id"], "reason": "nope"}, token=officer)
    assert bad["declineReport"]["errors"][0]["code"] == "UNKNOWN_DECLINE_REASON"
    declined = await gql.ok(DECLINE, {"id": edges[1]["node"]["id"], "reason": "duplicate"},
                            token=officer)  # fmt: skip
    assert declined["declineReport"]["report"] == {"state": "DECLINED",
                                                    "declineReason": "duplicate"}  # fmt: skip

    moved = await gql.ok(TRANSFER, {"id": edges[2]["node"]["id"], "party": "party-b"},
                         token=officer)  # fmt: skip
    assert moved["transferReport"] == {"transferred": True, "errors": []}
    [theirs] = (await gql.ok(QUEUE, token=other))["reports"]["edges"]
    assert theirs["node"]["contents"]["whatHappened"] == "Something else entirely."
    mine = (await gql.ok(QUEUE, token=officer))["reports"]["edges"]
    assert [e["node"]["code"] for e in mine] == [first["code"]]


async def test_the_report_text_is_not_in_the_database_files(
    gql: GraphQLClient, admin_token: str, server_url: str, owner_db: Database
) -> None:
    """What a reporter writes is sealed before it reaches PostgreSQL: after a checkpoint,
    neither the database's files nor the write-ahead log hold it in plain text."""
    import os
    from pathlib import Path

    import pytest

    await register_party(gql, admin_token, "party-a")
    marker = "UNMISTAKABLE-MARKER-" + os.urandom(6).hex()
    receipt = await _file(gql, whatHappened=f"{marker} said it at the door.",
                          contact=marker + "@x.org")  # fmt: skip
    async with owner_db.transaction() as session:
        data_dir = await session.scalar(text("SHOW data_directory"))
        oid = await session.scalar(
            text("SELECT oid FROM pg_database WHERE datname = current_database()")
        )
        await session.execute(text("CHECKPOINT"))
    roots = [Path(data_dir) / "base" / str(oid), Path(data_dir) / "pg_wal"]
    if not all(os.access(root, os.R_OK | os.X_OK) for root in roots):
        pytest.skip(f"this process cannot read {data_dir}")
    needle, control = marker.encode(), receipt["code"].encode()
    control_seen = False
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                content = path.read_bytes()
                assert needle not in content, f"plain text found in {path}"
                control_seen = control_seen or control in content
    assert control_seen, "the scan sees the rows: the receipt code is stored in clear"


REPORT_STATS = """query($g: [ReportDimension!]!) { reportStatistics(groupBy: $g) {
  year outcome reporterKind family channelGroup count } }"""


async def test_report_counts_are_protected_tables(
    gql: GraphQLClient, admin_token: str, owner_db: Database, client: httpx.AsyncClient
) -> None:
    from publication import report_statistics

    await register_party(gql, admin_token, "party-a")
    for n in range(12):
        await _file(
            gql,
            whatHappened=f"Report number {n}.",
            reporterKind="WITNESS",
            occurredFrom="2026-04-20",  # in the campaign for the local elections
            formsOfHate=["misogyny"],
        )
    await _file(gql, whatHappened="The only one from a party member.", reporterKind="PARTY_MEMBER")
    async with owner_db.transaction() as session:  # the operator stands in for the calendar
        # the year's last quarter closes the year: its cells, and all time, hold the reports
        quarter = f"{clock.today().year}-Q4"
        assert await report_statistics.publish_edition(session=session, edition=quarter)
    total = (await gql.ok(REPORT_STATS, {"g": []}))["reportStatistics"]
    assert len(total) == 1 and 11 <= total[0]["count"] <= 15  # 13, perturbed
    kinds = (await gql.ok(REPORT_STATS, {"g": ["REPORTER_KIND"]}))["reportStatistics"]
    # twelve witnesses are shown; the one party member is 0 or at least k, never 1
    assert all(r["count"] >= 10 for r in kinds)
    assert {r["reporterKind"] for r in kinds} <= {"witness", "party_member"}
    assert "witness" in {r["reporterKind"] for r in kinds}
    families = (await gql.ok(REPORT_STATS, {"g": ["FAMILY", "YEAR"]}))["reportStatistics"]
    assert families and families[0]["family"] == "intimidation"  # JC2
    around = """{ reportStatistics(groupBy: [ELECTION_PERIOD]) { electionPeriod count } }"""
    periods = (await gql.ok(around))["reportStatistics"]
    assert "local" in {p["electionPeriod"] for p in periods}  # the twelve of 20 April 2026
    assert all(p["count"] >= 10 for p in periods)
    targeted = """{ reportStatistics(groupBy: [CHARACTERISTIC]) { characteristic count } }"""
    assert [r["characteristic"] for r in (await gql.ok(targeted))["reportStatistics"]] == ["sex"]
    refused = await gql(REPORT_STATS, {"g": ["FAMILY", "OUTCOME"]})
    extensions = refused["errors"][0]["extensions"]
    assert extensions["code"] == "BAD_USER_INPUT"
    assert extensions["errors"][0]["code"] == "UNKNOWN_TABLE"
    download = (await client.get("/open-data/report-statistics.csv")).text
    rows = list(csv.DictReader(io.StringIO(download)))
    assert download.startswith("table,year,quarter") and len(rows) > 3
    assert all(r["count"] == "[c]" or int(r["count"]) >= 10 for r in rows)
    # every cell of a published period is listed, a withheld one as [c], with words
    # beside the codes, the edition that published it and whether the data are a demo's
    withdrawn = next(r for r in rows if r["table"] == "outcome" and r["outcome"] == "withdrawn")
    assert withdrawn["count"] == "[c]" and withdrawn["description"] == "Withdrawn by the reporter"
    local = next(r for r in rows if r["table"] == "election_period" and r["count"] != "[c]")
    assert local["election_period"] == "local"
    assert local["description"] == "In a local election period"
    assert {r["edition"] for r in rows if r["table"] == "year"} == {
        f"{r['year']}-Q4" for r in rows if r["table"] == "year"
    }
    assert {r["edition"] for r in rows if r["table"] == "quarter"} == {
        r["quarter"] for r in rows if r["table"] == "quarter"
    }
    assert {r["is_demo"] for r in rows} == {"false"}


async def test_an_address_may_file_only_so_many_reports(
    owner_url: str, admin_token: str, gql: GraphQLClient
) -> None:
    from api.app import create_app
    from db.session import app_role_url, make_engine

    await register_party(gql, admin_token, "party-a")
    db = Database(make_engine(app_role_url(owner_url)))
    app = create_app(db, anonymous_rate=None, failed_auth_rate=None, report_rate="2/hour",
                     background=False)  # fmt: skip
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://test") as limited:  # fmt: skip
            answers = [
                (
                    await limited.post(
                        "/graphql",
                        json={
                            "query": SUBMIT,
                            "variables": {"input": report(whatHappened=f"Number {n}.")},
                        },
                    )
                ).json()
                for n in range(3)
            ]
            form = await limited.post("/report", data={"party": "party-a"})
    finally:
        await db.dispose()
    codes = [[e["code"] for e in a["data"]["submitReport"]["errors"]] for a in answers]
    assert codes == [[], [], ["TOO_MANY_REPORTS"]]
    [refused] = answers[2]["data"]["submitReport"]["errors"]
    assert refused["field"] is None  # the whole request, not a field of it
    assert re.search(r"in about (60|59) minutes", refused["message"]), refused  # how long
    assert form.status_code == 400 and "Too many reports" in form.text and "minutes" in form.text


PAGE = """query($after: String) { reports(first: 2, after: $after) {
  totalCount edges { cursor node { code } } pageInfo { hasNextPage endCursor } } }"""


async def test_the_queue_pages_oldest_first_by_cursor(gql: GraphQLClient, admin_token: str) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    codes = [(await _file(gql, whatHappened=f"Report {n}."))["code"] for n in range(3)]
    first = (await gql.ok(PAGE, token=officer))["reports"]
    assert first["totalCount"] == 3 and first["pageInfo"]["hasNextPage"]
    after = first["pageInfo"]["endCursor"]
    rest = (await gql.ok(PAGE, {"after": after}, token=officer))["reports"]
    assert not rest["pageInfo"]["hasNextPage"]
    seen = [e["node"]["code"] for e in first["edges"] + rest["edges"]]
    assert seen == codes
    import base64
    import json

    forged = base64.urlsafe_b64encode(
        json.dumps(["r", "not a time", "00000000-0000-0000-0000-000000000000"]).encode()
    ).decode()
    for cursor in ("not-a-cursor", forged):
        bad = await gql(PAGE, {"after": cursor}, token=officer)
        assert bad["errors"][0]["extensions"]["errors"][0]["code"] == "INVALID_CURSOR"
    for size in (0, 101):  # the house's page sizes and error code, as every connection's
        bad = await gql(f"{{ reports(first: {size}) {{ totalCount }} }}", token=officer)
        assert bad["errors"][0]["extensions"]["errors"][0]["code"] == "INVALID_PAGE_SIZE"


async def test_overdue_reports_are_flagged_and_filtered(
    gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    late = await _file(gql, whatHappened="Waiting too long.")
    await _file(gql, whatHappened="Just in.")
    async with owner_db.transaction() as session:  # received a month ago
        await session.execute(
            text("UPDATE reports SET received_on = received_on - 30 WHERE code = :c"),
            {"c": late["code"]},
        )
    query = """query($overdue: Boolean!) { reports(first: 10, overdue: $overdue) {
      totalCount edges { node { code overdue } } } }"""
    everything = (await gql.ok(query, {"overdue": False}, token=officer))["reports"]
    assert {e["node"]["code"]: e["node"]["overdue"] for e in everything["edges"]}[late["code"]]
    only = (await gql.ok(query, {"overdue": True}, token=officer))["reports"]
    assert only["totalCount"] == 1 and only["edges"][0]["node"]["code"] == late["code"]


async def test_a_replica_with_another_data_key_reads_nothing_and_fails_nothing(
    owner_url: str, admin_token: str, gql: GraphQLClient
) -> None:
    from api.app import create_app
    from db.session import app_role_url, make_engine

    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    await _file(gql)
    db = Database(make_engine(app_role_url(owner_url)))
    app = create_app(db, anonymous_rate=None, failed_auth_rate=None, background=False)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://test") as other:  # fmt: skip
            answer = await GraphQLClient(other).ok(QUEUE, token=officer)
    finally:
        await db.dispose()
    [edge] = answer["reports"]["edges"]
    assert edge["node"]["contents"] is None and edge["node"]["code"].startswith("R-")


async def test_a_partys_private_key_reaches_its_own_binding_only(
    gql: GraphQLClient, admin_token: str, db: Database, owner_db: Database
) -> None:
    import pytest
    from sqlalchemy.exc import DBAPIError

    for slug in ("party-a", "party-b"):
        await register_party(gql, admin_token, slug)
    officer_a = await issue_token(gql, admin_token, "OFFICER", "party-a")
    officer_b = await issue_token(gql, admin_token, "OFFICER", "party-b")
    await _file(gql)  # party-a's keys are made with its first report
    async with owner_db.transaction() as session:
        a_key = await session.scalar(text("SELECT wrapped_private_key FROM party_seal_keys"))
    async with db.transaction(credential=officer_a) as session:
        assert await session.scalar(text("SELECT party_private_key()")) == a_key
    async with db.transaction(credential=officer_b) as session:
        assert await session.scalar(text("SELECT party_private_key()")) is None
    for credential in (officer_b, None):
        with pytest.raises(DBAPIError, match="permission denied"):
            async with db.transaction(credential=credential) as session:
                await session.execute(text("SELECT wrapped_private_key FROM party_seal_keys"))


async def test_counts_of_reports_are_published_once_per_quarter_and_never_redone(
    gql: GraphQLClient, admin_token: str, owner_db: Database, db: Database
) -> None:
    """Issue 22: one report added and the daily recount forced showed what that day's
    reports were; a report withdrawn later changed its period's cells. Now each quarter's
    cells are published once, on its date, and never recomputed."""
    from datetime import UTC, datetime

    from publication import report_statistics

    def at(day: str) -> object:
        return clock.frozen(datetime.fromisoformat(day + "T12:00:00").replace(tzinfo=UTC))

    await register_party(gql, admin_token, "party-a")
    with at("2026-11-20"):
        receipts = [await _file(gql, whatHappened=f"Report {n}.") for n in range(14)]
    async with owner_db.transaction() as session:
        assert await report_statistics.publish_edition(session=session, edition="2026-Q4")

    async def cells() -> list[tuple]:
        async with owner_db.transaction() as session:
            rows = await session.execute(
                text("SELECT table_id, cell::text, count FROM report_statistics ORDER BY 1, 2")
            )
            return [tuple(r) for r in rows]

    before = await cells()
    assert any(r[0] == "total" for r in before)  # the year closed: all time holds it
    withdraw = "mutation($i: ReceiptInput!) { withdrawReport(input: $i) { withdrawn } }"
    with at("2027-01-10"):  # a new report, and one of the counted withdrawn
        await _file(gql, whatHappened="A new one.")
        await gql.ok(withdraw, {"i": receipts[0]})
    async with owner_db.transaction() as session:  # the same quarter again: never redone
        assert not await report_statistics.publish_edition(session=session, edition="2026-Q4")
    with pytest.raises(DBAPIError, match="not due"):  # the quarter under way: refused
        async with db.transaction() as session:
            await session.execute(
                text(
                    "SELECT publish_report_statistics_edition(:q, '[]', '{}', '{}', '{}', '[]', 10)"
                ),
                {"q": f"{clock.today().year}-Q{(clock.today().month - 1) // 3 + 1}"},
            )
    assert await cells() == before
    async with owner_db.transaction() as session:  # the next quarter's date: its cells only
        assert await report_statistics.publish_edition(session=session, edition="2027-Q1")
    after = await cells()
    added = [c for c in after if c not in before]
    assert all('"quarter": "2027-Q1"' in cell for _, cell, _ in added), added
    assert [c for c in before if c not in after] == []  # nothing published is ever redone


QUEUE_CONTENTS = """{ reports(first: 10, states: [RECEIVED, ACCEPTED, DECLINED, WITHDRAWN]) {
  edges { node { id code state respondentRole
  contents { whatHappened additions { addedOn text } } } } } }"""
ADD = """mutation($code: String!, $secret: String!, $text: String!) {
  addToReport(input: {code: $code, secret: $secret, text: $text}) {
  added errors { code field message } } }"""
WITHDRAW = """mutation($code: String!, $secret: String!) {
  withdrawReport(input: {code: $code, secret: $secret}) { withdrawn withdrawnCount } }"""
ACCEPT_AS = """mutation($id: ID!, $role: String) {
  acceptReport(input: {id: $id, respondentRole: $role}) {
  report { state } case { respondentRole } errors { code field } } }"""


async def _count_reports(owner_db: Database) -> int:
    async with owner_db.transaction() as session:
        return int(await session.scalar(text("SELECT count(*) FROM reports")) or 0)


async def test_one_submission_token_files_one_report(
    gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    """A retry after a lost answer, or a double click, never files twice: the same token
    gives the same receipt while it is fresh, and a refusal afterwards."""
    await register_party(gql, admin_token, "party-a")
    token = "a-random-token-of-the-client-0001"
    first = await _file(gql, submissionToken=token)
    again = await _file(gql, submissionToken=token)
    assert again == first and await _count_reports(owner_db) == 1
    other = await _file(gql, submissionToken="another-token-of-the-client-0002")
    assert other["code"] != first["code"] and await _count_reports(owner_db) == 2
    short = await gql.ok(SUBMIT, {"input": report(submissionToken="short")})
    assert short["submitReport"]["errors"][0]["field"] == ["input", "submissionToken"]
    with clock.frozen(clock.now() + timedelta(minutes=31)):  # a form left open for long
        late = await gql.ok(SUBMIT, {"input": report(submissionToken=token)})
    assert late["submitReport"]["receipt"] is None
    assert late["submitReport"]["errors"][0]["code"] == "ALREADY_SENT"
    assert await _count_reports(owner_db) == 2


async def test_the_reporter_may_not_know_the_role_and_the_officer_names_it(
    gql: GraphQLClient, admin_token: str
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    await _file(gql, respondentRole=None)
    [edge] = (await gql.ok(QUEUE_CONTENTS, token=officer))["reports"]["edges"]
    assert edge["node"]["respondentRole"] is None
    refused = await gql.ok(ACCEPT_AS, {"id": edge["node"]["id"]}, token=officer)
    assert refused["acceptReport"]["errors"] == [
        {"code": "RESPONDENT_ROLE_REQUIRED", "field": ["input", "respondentRole"]}
    ]
    named = await gql.ok(ACCEPT_AS, {"id": edge["node"]["id"], "role": "member"}, token=officer)
    assert named["acceptReport"]["errors"] == []
    assert named["acceptReport"]["case"]["respondentRole"] == "member"


async def test_information_added_by_receipt_reaches_the_officer_while_open(
    gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    receipt = await _file(gql)
    added = await gql.ok(ADD, {**receipt, "text": "He posted again on 3 March: screenshot kept."})
    assert added["addToReport"] == {"added": True, "errors": []}
    empty = await gql.ok(ADD, {**receipt, "text": "   "})
    assert empty["addToReport"]["errors"][0]["field"] == ["input", "text"]
    wrong = await gql.ok(ADD, {"code": receipt["code"], "secret": "x" * 30, "text": "Hello."})
    assert wrong["addToReport"] == {"added": False, "errors": []}
    [edge] = (await gql.ok(QUEUE_CONTENTS, token=officer))["reports"]["edges"]
    additions = edge["node"]["contents"]["additions"]
    assert [a["text"] for a in additions] == ["He posted again on 3 March: screenshot kept."]
    async with owner_db.transaction() as session:  # sealed like the rest
        sealed = bytes(await session.scalar(text("SELECT sealed FROM reports")))
    assert b"posted again" not in sealed
    declined = await gql.ok(
        DECLINE, {"id": edge["node"]["id"], "reason": "insufficient_information"}, token=officer
    )
    assert declined["declineReport"]["errors"] == []
    status = (await gql.ok(STATUS, receipt))["reportStatus"]
    assert status["status"] == "DECLINED" and not status["canAdd"]
    assert status["declineReason"] == "Not enough information to identify the conduct"
    closed = await gql.ok(ADD, {**receipt, "text": "More."})
    assert closed["addToReport"] == {"added": False, "errors": []}


async def test_withdrawing_takes_the_duplicates_the_same_reporter_filed(
    gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    await register_party(gql, admin_token, "party-a")
    mine = await _file(gql)
    await _file(gql)  # the same words from the same contact: a linked duplicate
    await _file(gql, contact="someone.else@example.org")  # the same words, someone else
    done = (await gql.ok(WITHDRAW, mine))["withdrawReport"]
    assert done == {"withdrawn": True, "withdrawnCount": 2}
    async with owner_db.transaction() as session:
        rows = (await session.execute(text(
            "SELECT status, sealed IS NULL AS erased FROM reports ORDER BY received_at"
        ))).all()  # fmt: skip
    assert [(r.status, r.erased) for r in rows] == [
        ("withdrawn", True),
        ("withdrawn", True),
        ("received", False),
    ]
    assert (await gql.ok(WITHDRAW, mine))["withdrawReport"]["withdrawn"] is False


LINKS = """query($id: ID!) { node(id: $id) { ... on Report { code state
  case { reference report { code } } } } }"""
SINCE = """query($r: DateTime, $u: DateTime) { reports(first: 10,
  states: [RECEIVED, ACCEPTED, DECLINED, WITHDRAWN], receivedSince: $r, updatedSince: $u) {
  totalCount edges { node { code } } } }"""


async def test_a_partys_system_finds_its_reports_by_id_by_case_and_by_change(
    gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    for slug in ("party-a", "party-b"):
        await register_party(gql, admin_token, slug)
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    other = await issue_token(gql, admin_token, "OFFICER", "party-b")
    older = await _file(gql)
    newer = await _file(gql, whatHappened="Something else entirely.")
    edges = (await gql.ok(QUEUE, token=officer))["reports"]["edges"]
    ids = {e["node"]["code"]: e["node"]["id"] for e in edges}
    accepted = await gql.ok(ACCEPT, {"id": ids[older["code"]]}, token=officer)
    # node(id) resolves the party's own report, and links it to its case and back
    linked = (await gql.ok(LINKS, {"id": ids[older["code"]]}, token=officer))["node"]
    assert linked == {
        "code": older["code"],
        "state": "ACCEPTED",
        "case": {"reference": older["code"], "report": {"code": older["code"]}},
    }
    case_id = accepted["acceptReport"]["case"]["id"]
    case = (await gql.ok("query($id: ID!) { node(id: $id) { ... on Case { report { code } } } }",
                         {"id": case_id}, token=officer))["node"]  # fmt: skip
    assert case == {"report": {"code": older["code"]}}
    assert (await gql.ok(LINKS, {"id": ids[newer["code"]]}, token=other))["node"] is None
    # what changed since a party's system last looked
    async with owner_db.transaction() as session:  # two days ago (the trigger would say now)
        await session.execute(text("SET LOCAL session_replication_role = replica"))
        await session.execute(
            text("UPDATE reports SET received_at = received_at - interval '2 days', "
                 "updated_at = updated_at - interval '2 days' WHERE code = :c"),
            {"c": newer["code"]},
        )  # fmt: skip
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    received = (await gql.ok(SINCE, {"r": since}, token=officer))["reports"]
    assert [e["node"]["code"] for e in received["edges"]] == [older["code"]]
    changed = (await gql.ok(SINCE, {"u": since}, token=officer))["reports"]
    assert changed["totalCount"] == 1
    await gql.ok(ADD_INFO, {**newer, "text": "More."})  # the reporter adds: a change
    changed = (await gql.ok(SINCE, {"u": since}, token=officer))["reports"]
    assert sorted(e["node"]["code"] for e in changed["edges"]) == sorted(
        [older["code"], newer["code"]]
    )


ADD_INFO = """mutation($code: String!, $secret: String!, $text: String!) {
  addToReport(input: {code: $code, secret: $secret, text: $text}) { added } }"""
