"""The ``jointcode`` command line, one module per group of commands.

Operator commands connect as the database owner and are audited as the operator; each
calls the same domain functions the GraphQL API does.
"""

from cli import (
    assets,
    backup,
    cases,
    keys,
    registry,
    retention,
    service,
    statistics,
    tokens,
    verify,
    witness,
)
from cli.common import app

__all__ = [
    "app",
    "assets",
    "backup",
    "cases",
    "keys",
    "registry",
    "retention",
    "service",
    "statistics",
    "tokens",
    "verify",
    "witness",
]
