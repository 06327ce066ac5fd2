"""The report form without JavaScript: a receipt for a good report, every problem named
for a bad one (nothing stored), a decoy receipt for a bot, and the status page."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import text

from db.session import Database

GOOD = {
    "party": "lantern", "respondent_role": "candidate", "respondent_name": "A. Candidate",
    "provisions": ["JC2", "JC6"], "channel": "in_person_hustings", "occurred_from": "2026-10-01",
    "what_happened": "Shouted at me and blocked my way out of the hustings.",
    "links": "https://example.org/a\nhttps://example.org/b", "reporter_kind": "witness",
    "contact": "", "consent": "yes", "website": "",
}  # fmt: skip


async def _count(site_db: Database, owner_url: str) -> int:
    from db.session import make_engine

    owner = Database(make_engine(owner_url, pool_size=1), operator=True)
    try:
        async with owner.transaction() as session:
            return int(await session.scalar(text("SELECT count(*) FROM reports")) or 0)
    finally:
        await owner.dispose()


def _token(page: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', page)
    assert found, "the form carries a submission token"
    return found.group(1)


async def test_the_form_files_a_report_and_the_receipt_reads_its_status(
    site: httpx.AsyncClient, site_db: Database, site_url: str
) -> None:
    form = await site.get("/report")
    assert form.status_code == 200 and 'action="/report"' in form.text
    assert "Lantern Party (demo)" in form.text and "Threats of violence" in form.text
    assert form.headers["cache-control"] == "no-store"
    # nothing is preselected; "I don't know" is offered for the role
    assert re.search(r'<option value="">Choose their role</option>', form.text)
    assert "I don't know" in form.text and re.search(r"<option[^>]*selected", form.text) is None
    assert "999" in form.text and "Who sees it" in form.text
    data = {**GOOD, "token": _token(form.text)}
    before = await _count(site_db, site_url)
    sent = await site.post("/report", data=data)
    assert sent.status_code == 303 and sent.headers["location"] == "/report/sent"
    receipt = await site.get("/report/sent")
    assert "Your report was sent" in receipt.text and receipt.headers["cache-control"] == "no-store"
    code = re.search(r'id="receipt-code" value="([^"]+)"', receipt.text).group(1)  # type: ignore[union-attr]
    secret = re.search(r'id="receipt-secret" value="([^"]+)"', receipt.text).group(1)  # type: ignore[union-attr]
    assert code.startswith("R-") and re.fullmatch(r"(\w{5}-){5}\w{5}", secret)
    assert await _count(site_db, site_url) == before + 1
    # a reload reads the same receipt; the back button and "send" again file nothing new
    assert (await site.get("/report/sent")).text == receipt.text
    resent = await site.post("/report", data=data, follow_redirects=True)
    assert f'value="{secret}"' in resent.text and await _count(site_db, site_url) == before + 1

    status = await site.post("/report/status", data={"code": code, "secret": secret.lower()},
                             follow_redirects=True)  # fmt: skip
    assert "Received: waiting for the party" in status.text
    assert "Your report, as you wrote it" in status.text and "blocked my way" in status.text
    assert status.headers["cache-control"] == "no-store" and secret not in str(status.url)
    added = await site.post("/report/add", data={"text": "He did it again at the count."},
                            follow_redirects=True)  # fmt: skip
    assert "Your information was added" in added.text and "did it again" in added.text
    wrong = await site.post("/report/status", data={"code": code, "secret": "nope"},
                            follow_redirects=True)  # fmt: skip
    assert "No report matches" in wrong.text and "Received" not in wrong.text.split("<main")[1]

    # withdrawing asks first, on a page of its own; only "yes" withdraws
    await site.post("/report/status", data={"code": code, "secret": secret})
    asked = await site.get("/report/withdraw")
    assert "Withdraw your report?" in asked.text and 'name="confirm" value="yes"' in asked.text
    assert "Received: waiting" in (await site.get("/report/status")).text  # nothing yet
    withdrawn = await site.post("/report/withdraw", data={"confirm": "yes"},
                                follow_redirects=True)  # fmt: skip
    assert "was withdrawn" in withdrawn.text and "Withdrawn by you" in withdrawn.text


async def test_problems_are_named_and_nothing_is_stored(
    site: httpx.AsyncClient, site_db: Database, site_url: str
) -> None:
    before = await _count(site_db, site_url)
    bad = {**GOOD, "channel": "carrier_pigeon", "occurred_from": "2999-01-01", "consent": ""}
    page = await site.post("/report", data=bad)
    assert page.status_code == 400 and "There is a problem" in page.text
    for field in ("channel", "occurred_from", "consent-field"):
        assert f'href="#{field}"' in page.text
    assert "Shouted at me" in page.text  # what was typed is kept
    missing_date = await site.post("/report", data={**GOOD, "occurred_from": ""})
    assert missing_date.status_code == 400 and 'href="#occurred_from"' in missing_date.text
    bot = await site.post("/report", data={**GOOD, "website": "http://spam.example"},
                          follow_redirects=True)  # fmt: skip
    assert bot.status_code == 200 and "Your report was sent" in bot.text  # a decoy receipt
    assert await _count(site_db, site_url) == before
