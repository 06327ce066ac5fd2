"""A report's evidence file, downloaded by its party's officers.

The file is served as the reporter sent it less its metadata (``cases.evidence``), as an
attachment no browser will run or sniff, and never kept by any cache on the way.
"""

from __future__ import annotations

from uuid import UUID

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from api.auth import BadCredentials, unauthenticated, viewer_of
from cases import evidence
from db.envelope import KeyEncryptionKey
from db.session import Database
from parties.tokens import Role

PATH = "/evidence/{id}"


async def download(request: Request, *, db: Database, kek: KeyEncryptionKey) -> Response:
    try:
        viewer = await viewer_of(db, request.scope)
    except BadCredentials:
        return unauthenticated()
    if viewer is None:
        return unauthenticated()
    if viewer.role is not Role.OFFICER:
        refused = {"message": "For a party's officers.", "extensions": {"code": "FORBIDDEN"}}
        return JSONResponse({"errors": [refused]}, status_code=403)
    try:
        evidence_id = UUID(request.path_params["id"])
    except ValueError:
        return PlainTextResponse("Not found.", status_code=404)
    async with db.transaction(credential=viewer.credential) as session:
        found = await evidence.opened(session=session, kek=kek, evidence_id=evidence_id)
    if found is None:
        return PlainTextResponse("Not found.", status_code=404)
    media_type, data = found
    extension = media_type.rsplit("/", 1)[1]
    return Response(
        data,
        media_type=media_type,
        headers={
            "content-disposition": f'attachment; filename="evidence-{evidence_id}.{extension}"',
            "x-content-type-options": "nosniff",
            "content-security-policy": "sandbox; default-src 'none'",
            "cache-control": "no-store",
        },
    )
