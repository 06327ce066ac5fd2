"""Find the database: DATABASE_URL when set, else the embedded server in the data folder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import make_url

from api.settings import Settings
from db import embedded
from db.session import APP_ROLE, Database, app_role_url, make_engine

EMBEDDED_DATABASE = "jointcode"


@dataclass(slots=True)
class Endpoints:
    owner_url: str | None  # None when only the application role's URL was given
    app_url: str
    server: Any = None  # the embedded server's handle, kept alive with the process


def resolve(settings: Settings) -> Endpoints:
    if settings.database_url:
        app_url = settings.app_database_url or app_role_url(
            settings.database_url, password=settings.app_password
        )
        return Endpoints(owner_url=settings.database_url, app_url=app_url)
    if settings.app_database_url:
        return Endpoints(owner_url=None, app_url=settings.app_database_url)
    server = embedded.start(settings.data_dir)
    embedded.ensure_database(server, EMBEDDED_DATABASE)
    owner = embedded.owner_url(server, EMBEDDED_DATABASE)
    return Endpoints(owner_url=owner, app_url=app_role_url(owner), server=server)


def app_database(settings: Settings, endpoints: Endpoints) -> Database:
    return Database(
        make_engine(
            endpoints.app_url,
            pool_size=settings.pool_size,
            statement_timeout_ms=settings.statement_timeout_ms,
            pool_timeout_s=settings.pool_timeout_ms / 1000,
        )
    )


def read_database(settings: Settings) -> Database | None:
    """Public reads from a streaming replica (JOINTCODE_READ_DATABASE_URL), if one is set.

    The service connects to it as the application role, as to the primary: the URL's own
    user when it is that role, else that role with JOINTCODE_APP_PASSWORD. Row-level
    security and grants are the primary's, replicated; a replica can only be read.
    """
    if not settings.read_database_url:
        return None
    url = settings.read_database_url
    if make_url(url).username != APP_ROLE:
        url = app_role_url(url, password=settings.app_password)
    return Database(
        make_engine(
            url,
            pool_size=settings.pool_size,
            statement_timeout_ms=settings.statement_timeout_ms,
            pool_timeout_s=settings.pool_timeout_ms / 1000,
        )
    )


def operator_database(settings: Settings, endpoints: Endpoints) -> Database:
    """The owner's connection for command-line operator work, bound as the operator.

    Operator commands (parties, tokens, imports, demo data) are the database owner's by
    design: the application role cannot do them on its own (``jc_bind_token()``).
    """
    if endpoints.owner_url is None:
        raise PermissionError(
            "operator commands connect as the database owner: set DATABASE_URL "
            "(APP_DATABASE_URL alone serves the API only)"
        )
    return Database(make_engine(endpoints.owner_url, pool_size=2), operator=True)
