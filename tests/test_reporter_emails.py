"""Issue 23: a reporter who asks is emailed on each status change, through a real SMTP
server (aiosmtpd) on this host; never what they wrote, nor the secret; nothing twice;
the address erased once the report can change no more."""

from __future__ import annotations

import asyncio
import email
from collections.abc import AsyncIterator, Iterator
from email.message import Message

import httpx
import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from sqlalchemy import text

from api.app import create_app
from api.notifications import Notifier, SmtpSettings
from db.envelope import KeyEncryptionKey
from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import issue_token, register_party
from tests.test_reports import ACCEPT, DECLINE, QUEUE, SECRET_TEXT, SUBMIT, report
from tests.webhook_receiver import free_port


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    box, port = Inbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest_asyncio.fixture
async def mailing(
    db: Database, inbox: tuple[Inbox, int]
) -> AsyncIterator[tuple[GraphQLClient, Notifier]]:
    kek = KeyEncryptionKey.ephemeral()
    smtp = SmtpSettings(host="127.0.0.1", port=inbox[1], starttls=False,
                        sender="Joint Code <reports@jointcode.test>",
                        public_url="https://jointcode.test")  # fmt: skip
    app = create_app(db, public_cache_refresh_ms=0, anonymous_rate=None, failed_auth_rate=None,
                     report_rate=None, kek=kek, smtp=smtp)  # fmt: skip
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as http:  # fmt: skip
        yield GraphQLClient(http), Notifier(db, kek, smtp)


async def _file(gql: GraphQLClient, **overrides: object) -> dict:
    data = await gql.ok(SUBMIT, {"input": report(**overrides)})
    return data["submitReport"]


async def test_a_reporter_who_asks_hears_of_each_status_once(
    gql: GraphQLClient, admin_token: str, mailing: tuple[GraphQLClient, Notifier],
    inbox: tuple[Inbox, int], owner_db: Database,
) -> None:  # fmt: skip
    service, notifier = mailing
    box, _ = inbox
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    off = await _file(gql, notifyByEmail=True)  # this service (the default) sends none
    assert off["errors"][0]["code"] == "EMAILS_OFF"
    not_email = await _file(service, notifyByEmail=True, contact="07700 900000")
    assert not_email["errors"][0]["code"] == "INVALID_CONTACT"

    kept = (await _file(service, notifyByEmail=True))["receipt"]
    declined = (await _file(service, notifyByEmail=True, contact="second@example.org",
                            whatHappened="Another thing."))["receipt"]  # fmt: skip
    await _file(service, contact="quiet@example.org", whatHappened="No emails, please.")
    assert await notifier.run_once() == 2  # "received", to each who asked
    assert await notifier.run_once() == 0  # nothing twice

    edges = (await gql.ok(QUEUE, token=officer))["reports"]["edges"]
    by_code = {e["node"]["code"]: e["node"]["id"] for e in edges}
    await gql.ok(ACCEPT, {"id": by_code[kept["code"]]}, token=officer)
    await gql.ok(DECLINE, {"id": by_code[declined["code"]], "reason": "conduct_not_covered"},
                 token=officer)  # fmt: skip
    assert await notifier.run_once() == 2
    assert await notifier.run_once() == 0

    sent = [(m["To"], m["Subject"]) for m in box.messages]
    assert sent == [
        ("reporter@example.org", f"Your report {kept['code']}: received"),
        ("second@example.org", f"Your report {declined['code']}: received"),
        ("reporter@example.org", f"Your report {kept['code']}: being assessed"),
        ("second@example.org", f"Your report {declined['code']}: declined"),
    ]
    bodies = [m.get_payload(decode=True).decode() for m in box.messages]  # type: ignore[union-attr]
    last = bodies[-1]
    assert "The conduct is not covered by the code" in last
    assert "https://jointcode.test/report/status" in last
    for body in bodies:  # never what was written, the secret, or the person reported
        for private in (SECRET_TEXT, "Councillor", kept["secret"], declined["secret"]):
            assert private not in body
    # the declined report can change no more: its address is gone
    async with owner_db.transaction() as session:
        addresses = (await session.execute(text(
            "SELECT code, notify_sealed IS NOT NULL AS kept FROM reports "
            "WHERE notify_sealed IS NOT NULL OR notified_status IS NOT NULL ORDER BY code"
        ))).all()  # fmt: skip
    assert {r.code: r.kept for r in addresses} == {kept["code"]: True, declined["code"]: False}
    # the address is sealed at rest
    async with owner_db.transaction() as session:
        dumped = str((await session.execute(text("SELECT * FROM reports"))).all())
    assert "reporter@example.org" not in dumped and "second@example.org" not in dumped


async def test_every_worker_runs_a_notifier_and_each_status_is_sent_once(
    gql: GraphQLClient, admin_token: str, mailing: tuple[GraphQLClient, Notifier],
    inbox: tuple[Inbox, int],
) -> None:  # fmt: skip
    """Every worker of every replica starts a notifier. Rounds are claimed in the
    deployment's schedule, so two notifiers at once send each status once, not twice."""
    service, first = mailing
    box, _ = inbox
    second = Notifier(first.db, first.kek, first.settings)  # another worker, same deployment
    await register_party(gql, admin_token, "party-a")
    for n in range(3):
        await _file(service, notifyByEmail=True, contact=f"r{n}@example.org",
                    whatHappened=f"Thing {n}.")  # fmt: skip
    rounds = await asyncio.gather(first.claimed_round(), second.claimed_round())
    assert sorted(rounds, key=lambda r: r is None) == [3, None]  # one claimed, one stood by
    assert sorted(m["To"] for m in box.messages) == [f"r{n}@example.org" for n in range(3)]
    assert await first.claimed_round() is None  # not due again until the poll interval
    assert await second.claimed_round() is None
    assert len(box.messages) == 3


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
