"""Issue 24: the image's start, reproduced without a container runtime. The Dockerfile's
command and environment, run as an unprivileged user who can write only the image's
volume folders (the checkout is root's and read-only to it): refused without keys,
serving once `jointcode keys init` made them, and a report still readable by a fresh
process after a restart."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from db.session import app_role_url
from tests.conftest import GraphQLClient
from tests.helpers import issue_token, register_party
from tests.test_reports import SECRET_TEXT, SUBMIT, report
from tests.webhook_receiver import free_port

ROOT = Path(__file__).parents[1]
QUEUE = "{ reports(first: 5) { edges { node { contents { whatHappened } } } } }"
USER = "nobody"

pytestmark = [
    pytest.mark.slow,  # a whole process: `make test` leaves it to CI (TIERS=all)
    pytest.mark.skipif(
        os.geteuid() != 0 or not Path(f"/usr/bin/python3.{sys.version_info.minor}").exists(),
        reason="runs the service as another user: needs root and a system Python",
    ),
]


def image() -> tuple[list[str], dict[str, str], list[str]]:
    """The Dockerfile's CMD, ENV and VOLUMEs, as the image runs them."""
    text = ROOT.joinpath("Dockerfile").read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in re.findall(r"^ENV (.+)$", text, re.M):
        for pair in shlex.split(line):
            key, _, value = pair.partition("=")
            env[key] = value
    command = eval(re.search(r"^CMD (\[.+\])$", text, re.M).group(1))  # type: ignore[union-attr]
    volumes = eval(re.search(r"^VOLUME (\[.+\])$", text, re.M).group(1))  # type: ignore[union-attr]
    return command, env, volumes


# The image runs the system's Python (root's, executable by everyone) with the packages
# installed: here, the same minor version's system Python with this checkout's packages,
# since the virtual environment's interpreter may live where the user cannot reach.
SYSTEM_PYTHON = Path(f"/usr/bin/python3.{sys.version_info.minor}")
SITE = Path(sys.executable).parent.parent / "lib" / f"python3.{sys.version_info.minor}"
ENTRY = "import sys; from cli import app; sys.argv[0] = 'jointcode'; app()"


def _as_user(args: list[str], env: dict[str, str], **kwargs: object) -> subprocess.Popen[bytes]:
    assert args[0] == "jointcode"
    return subprocess.Popen(
        ["setpriv", f"--reuid={USER}", "--regid=nogroup", "--clear-groups",
         str(SYSTEM_PYTHON), "-c", ENTRY, *args[1:]],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip


def _serving(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            out = process.stdout.read().decode() if process.stdout else ""
            raise AssertionError(f"the service stopped:\n{out}")
        time.sleep(0.2)
    raise AssertionError("the service did not start")


def _reachable_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="jointcode-volumes-"))
    folder.chmod(0o755)
    return folder


async def test_the_image_starts_as_its_user_keeps_its_keys_and_refuses_without_them(
    gql: GraphQLClient, admin_token: str, owner_url: str
) -> None:
    # pytest's own temporary folders are root's alone: the volumes go where the user can
    # reach them, as a container runtime mounts them
    tmp_path = _reachable_folder()
    try:
        await _start_as_the_image(gql, admin_token, owner_url, tmp_path)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


async def _start_as_the_image(
    gql: GraphQLClient, admin_token: str, owner_url: str, tmp_path: Path
) -> None:
    command, image_env, volumes = image()
    assert command == ["jointcode", "serve"] and set(volumes) == {"/keys", "/var/lib/jointcode"}
    folders = {v: tmp_path / v.strip("/").replace("/", "-") for v in volumes}
    for folder in folders.values():  # the named volumes, owned by the image's user
        folder.mkdir(mode=0o700)
        os.chown(folder, 65534, 65534)
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": f"{ROOT}:{SITE / 'site-packages'}",
        "HOME": str(folders["/var/lib/jointcode"]),
        **{k: str(folders.get(v, v)) for k, v in image_env.items()},
        # the compose file's api service: the application role only, its own port
        "APP_DATABASE_URL": app_role_url(owner_url),
        "JOINTCODE_PORT": str(port),
        "JOINTCODE_RATE_ANONYMOUS": "",
        "JOINTCODE_RATE_REPORTS": "",
    }
    refused = _as_user(command, env)
    assert refused.wait(timeout=60) == 1
    out = refused.stdout.read().decode() if refused.stdout else ""
    assert "jointcode keys init" in out, out
    assert list(folders["/keys"].iterdir()) == []  # nothing made by surprise

    made = _as_user(["jointcode", "keys", "init"], env)
    assert made.wait(timeout=60) == 0
    assert {p.name for p in folders["/keys"].iterdir()} == {
        "data-encryption-key", "checkpoint-signing-key.pem"}  # fmt: skip
    assert all(p.stat().st_uid == 65534 for p in folders["/keys"].iterdir())

    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    base = f"http://127.0.0.1:{port}"
    for attempt in range(2):  # the first start, then a fresh process after a restart
        service = _as_user(command, env)
        try:
            _serving(base, service)
            async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                remote = GraphQLClient(http)
                if attempt == 0:
                    filed = await remote.ok(SUBMIT, {"input": report()})
                    assert filed["submitReport"]["errors"] == []
                edges = (await remote.ok(QUEUE, token=officer))["reports"]["edges"]
                assert edges[0]["node"]["contents"]["whatHappened"] == SECRET_TEXT
        finally:
            service.send_signal(signal.SIGTERM)
            service.wait(timeout=30)
    # it wrote nowhere but its volumes: the checkout is root's
    assert not any(p.stat().st_uid == 65534 for p in ROOT.glob("*"))
