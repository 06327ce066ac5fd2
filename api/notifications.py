"""Status emails to reporters who asked for them, over SMTP (``aiosmtplib``).

Off unless the operator names an SMTP server (``JOINTCODE_SMTP_HOST``). Every minute,
the notifier reads the reports whose reporter asked (``reporter_notifications_due()``) and works out
each one's status as the receipt would (``cases.reports``). It emails each status not
yet told. An email says the receipt code, the status in words and, where there is one,
the outcome band or the reason a report was not taken up. It never holds what the
reporter wrote, the secret, or anything about the person reported. The address is
erased after the last status a report can reach.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

import aiosmtplib
from sqlalchemy import text

from api import scheduler
from cases import reports as report_service
from cases.reports import ReporterStatus
from codes import clock
from db.envelope import KeyEncryptionKey
from db.session import Database

log = logging.getLogger("jointcode.notifications")
WORDS = {
    ReporterStatus.RECEIVED: "has been received. The party must acknowledge it and decide "
    "whether to take it up within the code's deadlines.",
    ReporterStatus.BEING_ASSESSED: "has been taken up by the party as a complaint and is "
    "being assessed.",
    ReporterStatus.DECIDED: "has been decided.",
    ReporterStatus.UNDER_APPEAL: "has been decided, and the decision is under appeal.",
    ReporterStatus.FINAL: "has a final decision.",
    ReporterStatus.DECLINED: "was not taken up by the party.",
    ReporterStatus.CLOSED: "was closed without a decision (the complaint was withdrawn, or "
    "the person is no longer a member).",
    ReporterStatus.WITHDRAWN: "was withdrawn.",
}
LAST = frozenset(
    {ReporterStatus.FINAL, ReporterStatus.DECLINED, ReporterStatus.CLOSED, ReporterStatus.WITHDRAWN}
)


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str | None = None  # unset: no emails
    port: int = 587
    username: str | None = None
    password: str | None = None
    sender: str = "Joint Code <no-reply@localhost>"
    starttls: bool = True  # upgrade with STARTTLS (port 587)
    implicit_tls: bool = False  # TLS from the first byte (port 465)
    public_url: str | None = None  # the site's address, for the status page's link
    poll_ms: int = 60_000


def message(*, code: str, status: report_service.ReportStatus, to: str,
            settings: SmtpSettings) -> EmailMessage:  # fmt: skip
    email = EmailMessage()
    email["From"] = settings.sender
    email["To"] = to
    email["Subject"] = f"Your report {code}: " + status.status.value.replace("_", " ")
    lines = [f"Your report {code} {WORDS[status.status]}"]
    if status.outcome_band:
        lines.append(f"Outcome: {status.outcome_band}.")
    if status.appeal_until:
        lines.append(f"Either side may appeal until {status.appeal_until:%-d %B %Y}.")
    if status.decline_reason:
        lines.append(f"Reason: {status.decline_reason}.")
    where = (settings.public_url or "").rstrip("/") + "/report/status"
    lines += [
        "",
        f"See the details with your receipt code and secret at {where}"
        if settings.public_url
        else "See the details with your receipt code and secret on the report status page.",
        "",
        "This email never contains what you wrote or your secret. You asked for these "
        "emails when you reported; no more are sent once the report is final.",
    ]
    email.set_content("\n".join(lines))
    return email


class Notifier:
    def __init__(self, db: Database, kek: KeyEncryptionKey, settings: SmtpSettings) -> None:
        self.db = db
        self.kek = kek
        self.settings = settings

    async def run_once(self, *, until: float | None = None) -> int:
        """Email every status not yet told; returns how many emails were sent. From
        ``until`` (``time.monotonic()``) no new email is begun: the rest wait a round."""
        today = clock.today()
        async with self.db.transaction() as session:
            rows = (
                await session.execute(text("SELECT * FROM reporter_notifications_due(500)"))
            ).all()
        sent = 0
        for row in rows:
            if until is not None and time.monotonic() >= until:
                break
            status = report_service.status_of(row, today)
            if status.status.value == row.notified_status:
                continue
            to = report_service.open_email(self.kek, bytes(row.notify_sealed))
            await aiosmtplib.send(
                message(code=row.code, status=status, to=to, settings=self.settings),
                hostname=self.settings.host,
                port=self.settings.port,
                username=self.settings.username,
                password=self.settings.password,
                start_tls=self.settings.starttls and not self.settings.implicit_tls,
                use_tls=self.settings.implicit_tls,
                timeout=30,
            )
            async with self.db.transaction() as session:
                await session.execute(
                    text("SELECT reporter_notified(:id, :s, :last)"),
                    {"id": row.id, "s": status.status.value, "last": status.status in LAST},
                )
            sent += 1
        return sent

    async def claimed_round(self) -> int | None:
        """One round, if this process claims it in the deployment's schedule
        (``api.scheduler.claim``); None when another process holds the round or it is not
        due. Every worker of every replica runs a notifier, and without the claim two of
        them read the same statuses due and both sent them. A round sends for at most
        half its lease, so it ends (an email waits at most 30 s) before the claim could
        pass to another process."""
        round_ = _Round(every=timedelta(milliseconds=self.settings.poll_ms))
        if not await scheduler.claim(self.db, round_):
            return None
        ok = False
        try:
            sent = await self.run_once(until=time.monotonic() + SENDING_FOR.total_seconds())
            ok = True
            return sent
        finally:
            await scheduler.finish(self.db, round_, ok)

    async def forever(self) -> None:
        while True:
            try:
                await self.claimed_round()
            except Exception:  # the next round tries again; a status is told once it is sent
                log.exception("emailing reporters failed")
            await asyncio.sleep(self.settings.poll_ms / 1000)


ROUND_LEASE = timedelta(minutes=10)
SENDING_FOR = ROUND_LEASE / 2


@dataclass(frozen=True, slots=True)
class _Round:
    every: timedelta
    name: str = "reporter_emails"  # scheduled_jobs.job: ^[a-z_]{1,40}$
    lease: timedelta = ROUND_LEASE
