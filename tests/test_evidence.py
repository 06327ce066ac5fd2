"""Evidence (issue 23): files sent with the form reach only the party's officers, without
their metadata; they follow a transfer, sealed afresh; they go with the report's text;
the application role reaches none of another party's, whatever it tries in SQL."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from PIL import Image
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import issue_token, register_party
from tests.unit.test_evidence_cleaning import pdf_with_author, photo_with_location

FORM = {
    "party": "party-a", "respondent_role": "candidate", "provisions": ["JC2"],
    "channel": "social_x", "occurred_from": "2026-10-01", "reporter_kind": "targeted",
    "what_happened": "Posted threats about me, since deleted.", "consent": "yes",
}  # fmt: skip
EVIDENCE = """{ reports(first: 10, states: [RECEIVED, WITHDRAWN]) { edges { node { id code
  evidence { id mediaType sizeBytes downloadPath } } } } }"""
TRANSFER = """mutation($id: ID!) { transferReport(input: {id: $id, party: "party-b"}) {
  transferred errors { code } } }"""


async def _send(client: httpx.AsyncClient, files: list[tuple[str, bytes, str]]) -> httpx.Response:
    form = await client.get("/report")
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    return await client.post(
        "/report",
        data={**FORM, "token": token},
        files=[("evidence", f) for f in files],
        follow_redirects=True,
    )


async def _download(client: httpx.AsyncClient, path: str, token: str | None) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await client.get(path, headers=headers)


async def test_evidence_reaches_only_the_partys_officers_clean_and_follows_a_transfer(
    client: httpx.AsyncClient, gql: GraphQLClient, admin_token: str, db: Database,
    owner_db: Database,
) -> None:  # fmt: skip
    for slug in ("party-a", "party-b"):
        await register_party(gql, admin_token, slug)
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    other = await issue_token(gql, admin_token, "OFFICER", "party-b")
    sent = await _send(client, [("me.jpg", photo_with_location(), "image/jpeg"),
                                ("posts.pdf", pdf_with_author(), "application/pdf")])  # fmt: skip
    assert "Your report was sent" in sent.text
    [edge] = (await gql.ok(EVIDENCE, token=officer))["reports"]["edges"]
    files = edge["node"]["evidence"]
    assert [f["mediaType"] for f in files] == ["image/jpeg", "application/pdf"]
    photo = await _download(client, files[0]["downloadPath"], officer)
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert "attachment" in photo.headers["content-disposition"]
    assert photo.headers["x-content-type-options"] == "nosniff"
    assert not Image.open(io.BytesIO(photo.content)).getexif()  # no location, no camera
    document = await _download(client, files[1]["downloadPath"], officer)
    assert b"Jane Reporter" not in document.content and document.content.startswith(b"%PDF")
    # another party, no token, a forged token: nothing
    assert (await _download(client, files[0]["downloadPath"], other)).status_code == 404
    assert (await _download(client, files[0]["downloadPath"], None)).status_code == 401
    assert (await _download(client, files[0]["downloadPath"], "jc_forged")).status_code == 401
    assert (await _download(client, "/evidence/not-a-uuid", officer)).status_code == 404
    async with owner_db.transaction() as session:  # sealed at rest, even to the owner
        stored = b"".join(bytes(r) for r in (await session.scalars(
            text("SELECT sealed FROM report_evidence"))).all())  # fmt: skip
    assert b"JFIF" not in stored and b"%PDF" not in stored

    # the application role, in SQL, reaches no file of another party and writes none
    async with db.transaction(credential=other) as session:
        assert await session.scalar(text("SELECT count(*) FROM report_evidence")) == 0
    for statement in (
        "INSERT INTO report_evidence (report_id, party_id, media_type, size_bytes, sealed) "
        "SELECT id, party_id, 'image/png', 1, 'x' FROM reports",
        "UPDATE report_evidence SET sealed = 'x'",
        "DELETE FROM report_evidence",
    ):
        with pytest.raises(DBAPIError, match="permission denied"):
            async with db.transaction(credential=officer) as session:
                await session.execute(text(statement))
    async with db.transaction(credential=other) as session:  # not theirs to move
        moved = await session.scalar(text("SELECT bool_or(move_evidence(id, 'x')) FROM "
                                          "(SELECT gen_random_uuid() AS id) x"))  # fmt: skip
    assert not moved

    # transferred: the files follow, readable by the new party only
    done = await gql.ok(TRANSFER, {"id": edge["node"]["id"]}, token=officer)
    assert done["transferReport"] == {"transferred": True, "errors": []}
    assert (await _download(client, files[0]["downloadPath"], officer)).status_code == 404
    moved_photo = await _download(client, files[0]["downloadPath"], other)
    assert moved_photo.status_code == 200 and moved_photo.content == photo.content


async def test_bad_files_are_named_and_nothing_is_filed_and_withdrawal_erases_them(
    client: httpx.AsyncClient, gql: GraphQLClient, admin_token: str, owner_db: Database
) -> None:
    await register_party(gql, admin_token, "party-a")
    refused = await _send(client, [("cv.png", b"<html>not an image</html>", "image/png")])
    assert refused.status_code == 400 and 'href="#evidence"' in refused.text
    assert "not a file we can take" in refused.text
    async with owner_db.transaction() as session:
        assert await session.scalar(text("SELECT count(*) FROM reports")) == 0
    sent = await _send(client, [("me.png", photo_with_location("PNG"), "image/png")])
    code = re.search(r'id="receipt-code" value="([^"]+)"', sent.text).group(1)  # type: ignore[union-attr]
    secret = re.search(r'id="receipt-secret" value="([^"]+)"', sent.text).group(1)  # type: ignore[union-attr]
    # more files later, by receipt, from the status page
    await client.post("/report/status", data={"code": code, "secret": secret})
    added = await client.post(
        "/report/add", data={"text": ""},
        files=[("evidence", ("later.webp", photo_with_location("WEBP"), "image/webp"))],
        follow_redirects=True,
    )  # fmt: skip
    assert "Your information was added" in added.text
    async with owner_db.transaction() as session:
        assert await session.scalar(text("SELECT count(*) FROM report_evidence")) == 2
    await client.post("/report/withdraw", data={"confirm": "yes"})
    async with owner_db.transaction() as session:  # gone with the text
        assert await session.scalar(text("SELECT count(*) FROM report_evidence")) == 0
