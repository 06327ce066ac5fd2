"""The reporting pages: the form, the receipt, and the receipt's status page.

They follow the GOV.UK pattern of post/redirect/get. Every POST answers with a redirect
to a page that a reload only reads again:

- The form carries a submission token. Its receipt is derived from it
  (``cases.receipts``), so sending the same form twice (a double click, the back button
  and "send" again) files one report. The receipt page finds its token in a short-lived
  encrypted cookie (``jc_receipt``, this path only), so reloading it shows the same
  receipt and files nothing.
- A lookup, an addition or a withdrawal keeps the code and secret in an encrypted
  cookie (``jc_lookup``, 15 minutes, the report pages only) and redirects to the status
  page. A reload of any of them does nothing twice, and the secret never appears in an
  address.
- A browser that reports without contact details gets a session cookie
  (``jc_reporter``, random). Its keyed hash links the duplicates the same browser
  filed, so withdrawing one report withdraws them too.

Cookies are HttpOnly and SameSite=Strict, and Secure when the request came over HTTPS.
They are encrypted with a key derived from the service's key (Fernet, ``cryptography``).
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable
from datetime import date
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

import codes
from cases import evidence, receipts
from cases import reports as report_service
from cases.errors import CaseErrorCode
from codes import clock
from db.envelope import KeyEncryptionKey
from db.errors import DomainError, DomainErrors
from db.session import Database
from website import figures

RECEIPT_COOKIE, LOOKUP_COOKIE, REPORTER_COOKIE = "jc_receipt", "jc_lookup", "jc_reporter"
RECEIPT_SECONDS = int(receipts.REPLAY_WINDOW.total_seconds())
LOOKUP_SECONDS = 15 * 60
UNKNOWN = "unknown"  # the form's "I don't know"
NO_STORE = {"cache-control": "no-store"}

Render = Callable[..., str]
Html = Callable[..., Response]


class ReportPages:
    """The reporter's pages, bound to the database and the keys: each handler a method,
    importable and testable; ``routes()`` lists them."""

    def __init__(
        self, *, db: Database, kek: KeyEncryptionKey, report_wait: Callable[[str], int],
        render: Render, html: Html, emails: bool = False,
    ) -> None:  # fmt: skip
        self.db = db
        self.kek = kek
        self.report_wait = report_wait
        self.render = render
        self.html = html
        self.emails = emails
        # the site's cookies (a receipt, a lookup) sealed under a key derived from the data key
        self.box = Fernet(base64.urlsafe_b64encode(kek.derive(b"site-cookies")))

    def seal(self, value: Any) -> str:
        sealed: bytes = self.box.encrypt(json.dumps(value).encode())
        return sealed.decode()

    def opened(self, request: Request, name: str, seconds: int) -> Any:
        raw = request.cookies.get(name)
        if not raw:
            return None
        try:
            return json.loads(self.box.decrypt(raw.encode(), ttl=seconds))
        except (InvalidToken, ValueError):
            return None

    def set_cookie(
        self,
        response: Response,
        request: Request,
        name: str,
        value: str,
        *,
        path: str,
        seconds: int,
    ) -> None:
        response.set_cookie(
            name, value, max_age=seconds, path=path, httponly=True, samesite="strict",
            secure=request.url.scheme == "https",
        )  # fmt: skip

    def to_receipt(self, request: Request, sealed_token: str) -> Response:
        response = RedirectResponse("/report/sent", status_code=303)
        self.set_cookie(response, request, RECEIPT_COOKIE, sealed_token, path="/report/sent",
                        seconds=RECEIPT_SECONDS)  # fmt: skip
        return response

    def page(self, request: Request, template: str, view: figures.Overview, status: int = 200,
             **context: Any) -> Response:  # fmt: skip
        response = self.html(self.render(template, view, request, **context), status=status)
        response.headers.update(NO_STORE)
        return response

    async def overview(self) -> figures.Overview:
        async with self.db.transaction() as session:
            return await figures.overview(session=session)

    async def report_form(self, request: Request) -> Response:
        """GET: the form with a new submission token; POST: file it, then go to the
        receipt (a bot filling the hidden field gets there too, with a receipt never
        stored), or the form again with every problem named."""
        today = clock.today()
        version = codes.default_version(today)
        form: dict[str, Any] = {"provisions": [], "forms_of_hate": []}
        form["token"] = receipts.new_token()
        errors: list[dict[str, str]] = []
        browser = request.cookies.get(REPORTER_COOKIE) or secrets.token_urlsafe(18)
        if request.method == "POST":
            form, uploads = await _read(request)
            token = str(form.get("token") or "")[:200] or receipts.new_token()
            form["token"] = token
            if form.get("website"):
                return self.to_receipt(request, self.seal(token))
            address = request.client.host if request.client else "unknown"
            try:
                if wait := self.report_wait(address):
                    raise report_service.too_many(wait)
                files = evidence.clean(uploads)  # every problem named before anything is kept
                async with self.db.transaction() as session:
                    receipt = await report_service.submit_report(
                        session=session,
                        kek=self.kek,
                        report=_report_input(form, browser, emails=self.emails),
                        today=today,
                    )
                    await evidence.attach(
                        session=session, kek=self.kek, code=receipt.code, secret=receipt.secret,
                        files=files,
                    )  # fmt: skip
            except DomainErrors as refused:
                errors = [_field_error(e) for e in refused.errors]
            except DomainError as refused:
                errors = [_field_error(refused)]
            else:
                return self.to_receipt(request, self.seal(token))
        response = self.page(
            request, "report.html", await self.overview(), status=400 if errors else 200,
            form=_Form(form), errors=errors, version=version, today=today.isoformat(),
            reporter_kinds=report_service.REPORTER_KINDS, unknown=UNKNOWN, emails=self.emails,
        )  # fmt: skip
        if REPORTER_COOKIE not in request.cookies:  # a session cookie: gone with the browser
            response.set_cookie(
                REPORTER_COOKIE, browser, path="/report", httponly=True, samesite="strict",
                secure=request.url.scheme == "https",
            )  # fmt: skip
        return response

    async def receipt_page(self, request: Request) -> Response:
        token = self.opened(request, RECEIPT_COOKIE, RECEIPT_SECONDS)
        receipt = receipts.derive(self.kek, token) if isinstance(token, str) else None
        return self.page(
            request, "report_receipt.html", await self.overview(), receipt=receipt,
            version=codes.default_version(clock.today()),
        )  # fmt: skip

    def to_status(self, request: Request, code: str, secret: str, note: str = "") -> Response:
        response = RedirectResponse("/report/status", status_code=303)
        value = self.seal({"code": code[:40], "secret": secret[:200], "note": note})
        self.set_cookie(
            response, request, LOOKUP_COOKIE, value, path="/report", seconds=LOOKUP_SECONDS
        )
        return response

    async def status_page(self, request: Request) -> Response:
        """POST: look a receipt up, then show it (GET) from the cookie, so the secret is in
        no address and a reload asks nothing twice."""
        if request.method == "POST":
            form = await _fields(request)
            return self.to_status(request, str(form.get("code", "")), str(form.get("secret", "")))
        lookup = self.opened(request, LOOKUP_COOKIE, LOOKUP_SECONDS)
        status = own = None
        if isinstance(lookup, dict):
            async with self.db.transaction() as session:
                status = await report_service.report_status(
                    session=session, code=lookup["code"], secret=lookup["secret"]
                )
                if status is not None:  # the reporter's own copy: their right of access
                    own = await report_service.own_copy(
                        session=session, kek=self.kek, code=lookup["code"], secret=lookup["secret"]
                    )
        errors = [{"field": "text", "message": lookup["note"][6:]}] if isinstance(
            lookup, dict) and lookup["note"].startswith("error:") else []  # fmt: skip
        return self.page(
            request, "report_status.html", await self.overview(), status=200,
            report=status, asked=isinstance(lookup, dict), own=own,
            note=lookup["note"] if isinstance(lookup, dict) and not errors else "",
            errors=errors, code=lookup["code"] if isinstance(lookup, dict) else "",
        )  # fmt: skip

    async def add_page(self, request: Request) -> Response:
        lookup = self.opened(request, LOOKUP_COOKIE, LOOKUP_SECONDS)
        if not isinstance(lookup, dict):
            return RedirectResponse("/report/status", status_code=303)
        form, uploads = await _read(request)
        try:
            files = evidence.clean(uploads)
            async with self.db.transaction() as session:
                added = bool(files) and await evidence.attach(
                    session=session, kek=self.kek, code=lookup["code"], secret=lookup["secret"],
                    files=files,
                ) > 0  # fmt: skip
                if str(form.get("text") or "").strip() or not files:
                    added = await report_service.add_information(
                        session=session, kek=self.kek, code=lookup["code"], secret=lookup["secret"],
                        text_added=str(form.get("text") or ""), today=clock.today(),
                    )  # fmt: skip
        except DomainErrors as refused:
            return self.to_status(request, lookup["code"], lookup["secret"],
                             "error:" + refused.errors[0].message)  # fmt: skip
        note = "added" if added else "not_added"
        return self.to_status(request, lookup["code"], lookup["secret"], note)

    async def withdraw_page(self, request: Request) -> Response:
        """Asks first (a self.page of its own, away from the lookup); withdraws on "yes"."""
        lookup = self.opened(request, LOOKUP_COOKIE, LOOKUP_SECONDS)
        if not isinstance(lookup, dict):
            return RedirectResponse("/report/status", status_code=303)
        form = await _fields(request) if request.method == "POST" else {}
        if form.get("confirm") != "yes":
            return self.page(
                request, "report_withdraw.html", await self.overview(), code=lookup["code"]
            )
        async with self.db.transaction() as session:
            done = await report_service.withdraw(
                session=session, code=lookup["code"], secret=lookup["secret"]
            )
        note = f"withdrawn:{done}" if done else "not_withdrawn"
        return self.to_status(request, lookup["code"], lookup["secret"], note)

    def routes(self) -> list[Route]:
        return [
            Route("/report", self.report_form, methods=["GET", "POST"]),
            Route("/report/sent", self.receipt_page),
            Route("/report/status", self.status_page, methods=["GET", "POST"]),
            Route("/report/add", self.add_page, methods=["POST"]),
            Route("/report/withdraw", self.withdraw_page, methods=["GET", "POST"]),
        ]


def routes(
    *, db: Database, kek: KeyEncryptionKey, report_wait: Callable[[str], int], render: Render,
    html: Html, emails: bool = False,
) -> list[Route]:  # fmt: skip
    return ReportPages(
        db=db, kek=kek, report_wait=report_wait, render=render, html=html, emails=emails
    ).routes()


class _Form(dict[str, Any]):
    """Form values for the template: a missing one reads as empty."""

    def __getattr__(self, name: str) -> Any:
        return self.get(name, [] if name in ("provisions", "forms_of_hate") else None)


async def _read(request: Request) -> tuple[dict[str, Any], list[evidence.Upload]]:
    """The form's fields and evidence files, urlencoded or multipart alike, through
    Starlette's form parsing (python-multipart); repeated names as lists, sizes capped."""
    values: dict[str, Any] = {"provisions": [], "forms_of_hate": []}
    uploads: list[evidence.Upload] = []
    async with request.form(max_files=evidence.MAX_FILES + 1, max_fields=200) as data:
        for name, value in data.multi_items():
            if isinstance(value, UploadFile):
                content = await value.read(evidence.MAX_BYTES + 1)
                if content:  # an empty file input sends an empty part
                    uploads.append(evidence.Upload(value.filename or "file", content))
            elif name in ("provisions", "forms_of_hate"):
                values[name].append(value[:40])
            else:
                values[name[:40]] = value[:6_000]
    return values, uploads


async def _fields(request: Request) -> dict[str, Any]:
    return (await _read(request))[0]


def _report_input(
    form: dict[str, Any], browser: str, *, emails: bool
) -> report_service.ReportInput:
    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(str(form.get(name) or ""))
        except ValueError:
            return None

    occurred_from = day("occurred_from")
    if occurred_from is None:
        raise DomainErrors(
            [
                DomainError(
                    CaseErrorCode.INVALID_DATE,
                    "Give the date it happened.",
                    field=("occurredFrom",),
                )
            ]
        )
    links = [line.strip() for line in str(form.get("links") or "").splitlines() if line.strip()]
    role = str(form.get("respondent_role") or "")
    return report_service.ReportInput(
        party=str(form.get("party") or ""),
        respondent_role=None if role == UNKNOWN else role,
        channel=str(form.get("channel") or ""),
        provisions=list(form.get("provisions") or []),
        occurred_from=occurred_from,
        occurred_to=day("occurred_to"),
        what_happened=str(form.get("what_happened") or ""),
        reporter_kind=str(form.get("reporter_kind") or ""),
        consent=form.get("consent") == "yes",
        respondent_name=str(form.get("respondent_name") or "") or None,
        links=links,
        contact=str(form.get("contact") or "") or None,
        forms_of_hate=list(form.get("forms_of_hate") or []),
        token=str(form.get("token") or "") or None,
        browser=browser,
        notify=emails and form.get("notify") == "yes",
    )


# the form's field for each input path the domain names
FORM_FIELDS = {
    "party": "party",
    "respondentRole": "respondent_role",
    "channel": "channel",
    "provisions": "provisions",
    "formsOfHate": "forms_of_hate",
    "occurredFrom": "occurred_from",
    "occurredTo": "occurred_to",
    "whatHappened": "what_happened",
    "reporterKind": "reporter_kind",
    "consent": "consent-field",
    "respondentName": "respondent_name",
    "links": "links",
    "contact": "contact",
    "notify": "notify",
    "evidence": "evidence",
}


def _field_error(error: DomainError) -> dict[str, str]:
    path = [p for p in (error.field or ()) if p != "input"]
    return {
        "field": FORM_FIELDS.get(path[0], "content") if path else "content",
        "message": error.message,
    }
