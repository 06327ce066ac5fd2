"""Bearer-token authentication, done once per request before GraphQL runs."""

from __future__ import annotations

from db.session import Database
from parties.tokens import Viewer, authenticate


class BadCredentials(Exception):
    """A token was sent but is malformed, unknown, expired or revoked: all look alike."""


async def viewer_from_header(db: Database, header: str | None) -> Viewer | None:
    if not header:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise BadCredentials
    async with db.transaction() as session:
        viewer = await authenticate(session=session, secret=secret.strip())
    if viewer is None:
        raise BadCredentials
    return viewer
