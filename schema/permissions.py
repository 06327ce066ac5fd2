"""Role checks, called first thing by every resolver that is not public."""

from __future__ import annotations

from strawberry.types import Info

from parties.tokens import Role, Viewer
from schema.context import RequestContext
from schema.errors import forbidden, unauthenticated


def require(info: Info[RequestContext, None], *roles: Role) -> Viewer:
    viewer = info.context.viewer
    if viewer is None:
        raise unauthenticated()
    if viewer.role not in roles:
        raise forbidden()
    return viewer


def require_officer(info: Info[RequestContext, None]) -> Viewer:
    viewer = require(info, Role.OFFICER)
    assert viewer.party_id is not None
    return viewer
