"""Bearer-token authentication: one reading of the ``Authorization`` header for the whole
service, done before anything chooses a limit, a lane or a cache.

The rate limiter, the public cache, the admission lanes and authentication used to each
look at the header themselves: an empty ``Authorization:`` was "a token" to the limiter
(so no anonymous budget applied) and "no token" to authentication (so no failed-auth
budget applied either). Now :class:`Credentials` reads it once, refuses anything that is
not exactly one ``Bearer <token>`` with the same 401 as a wrong token, and leaves the
secret in the request's scope for everyone after it.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from db.session import Database
from parties.tokens import Viewer, authenticate

CREDENTIAL = "jointcode.credential"
# the only paths that authenticate; elsewhere (the site, open data) a token means nothing
AUTHENTICATED_PATHS = frozenset({"/graphql"})
AUTHENTICATED_PREFIXES = ("/evidence/",)  # a report's files, for its party's officers
# printable ASCII without spaces: what a bearer token can be (RFC 6750's b64token, wider)
_TOKEN_BYTES = frozenset(range(0x21, 0x7F))


class BadCredentials(Exception):
    """A token was sent but is malformed, unknown, expired or revoked: all look alike."""


def bearer_secret(scope: Scope) -> str | None:
    """The bearer token the request carries, None when it carries no ``Authorization``
    header at all; any other header (empty, another scheme, two headers, spaces or
    control characters in the token) raises :class:`BadCredentials`."""
    if CREDENTIAL in scope:
        cached: str | None = scope[CREDENTIAL]
        return cached
    values: list[bytes] = [v for name, v in scope.get("headers") or () if name == b"authorization"]
    if not values:
        return None
    if len(values) > 1:
        raise BadCredentials
    scheme, _, secret = values[0].strip().partition(b" ")
    secret = secret.strip()
    if scheme.lower() != b"bearer" or not secret or not set(secret) <= _TOKEN_BYTES:
        raise BadCredentials
    return secret.decode("ascii")


def unauthenticated() -> JSONResponse:
    """The one answer to every bad credential, however it was bad."""
    return JSONResponse(
        {
            "data": None,
            "errors": [
                {
                    "message": "Invalid, expired or revoked token.",
                    "extensions": {"code": "UNAUTHENTICATED"},
                }
            ],
        },
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


class Credentials:
    """Outermost but for request ids and metrics: a malformed ``Authorization`` header on
    a path that authenticates is refused here, before any budget or lane is chosen; a
    well-formed one is left in the scope (``CREDENTIAL``) for the limiter, the cache, the
    lanes and authentication to read the same way."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if scope["path"] in AUTHENTICATED_PATHS or scope["path"].startswith(
                AUTHENTICATED_PREFIXES
            ):
                try:
                    scope[CREDENTIAL] = bearer_secret(scope)
                except BadCredentials:
                    await unauthenticated()(scope, receive, send)
                    return
            else:
                scope[CREDENTIAL] = None  # public paths: a token is neither asked nor used
        await self.app(scope, receive, send)


async def viewer_of(db: Database, scope: Any) -> Viewer | None:
    """Who is asking: None for no token; raises :class:`BadCredentials` for a token the
    database does not recognise (unknown, expired, revoked) or a malformed header."""
    secret = bearer_secret(scope)
    if secret is None:
        return None
    async with db.transaction() as session:
        viewer = await authenticate(session=session, secret=secret)
    if viewer is None:
        raise BadCredentials
    return viewer
