"""Mask unexpected errors: the client gets an id, the log gets the traceback.

Errors raised before execution (syntax, validation, variable coercion) carry no path
and are the client's to fix, so they pass; so do errors carrying one of the public
codes. Everything else becomes a generic message with an id to quote to the operator.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from graphql.error import GraphQLError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from strawberry.extensions import MaskErrors

from schema.errors import PUBLIC_CODES

log = logging.getLogger("jointcode.errors")
RETRY_AFTER_S = 2


def _should_mask(error: GraphQLError) -> bool:
    if error.path is None:
        return False
    return (error.extensions or {}).get("code") not in PUBLIC_CODES


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=_should_mask)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if isinstance(error.original_error, PoolTimeout):
            # every connection is busy: a clear, retryable answer (HTTP 503), not a fault
            return _instead(
                error,
                f"The service is busy: retry in {RETRY_AFTER_S} s.",
                {"code": "SERVICE_BUSY", "retryAfter": RETRY_AFTER_S},
            )
        error_id = uuid.uuid4().hex[:12]
        log.error(
            "unexpected error %s at %s",
            error_id,
            error.path,
            exc_info=error.original_error or error,
        )
        return _instead(
            error,
            f"Unexpected error (id {error_id}).",
            {"code": "INTERNAL_SERVER_ERROR", "errorId": error_id},
        )


def _instead(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    """What the client sees in place of ``error``: where it happened, never what raised."""
    return GraphQLError(
        message=message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )
