"""The public site against a database of its own, seeded once with the small demo profile
through the real domain functions, and served by the real `jointcode serve` process for
the browser tests. Tests here never truncate: they only read what is published."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url

from api import demo
from api.app import create_app
from db.envelope import KeyEncryptionKey
from db.session import Database, app_role_url, make_engine, run_autocommit
from migrations import migrate
from publication.checkpoints import Signer

TODAY = date(2026, 11, 2)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.site)


async def _seed(url: str, key_file: Path) -> None:
    owner = Database(make_engine(url, pool_size=2), operator=True)
    try:
        await demo.seed(owner, profile="small", today=TODAY, signer=Signer.ephemeral(),
                        kek=KeyEncryptionKey.load_or_create(key_file))  # fmt: skip
    finally:
        await owner.dispose()


@pytest.fixture(scope="session")
def site_url(server_url: str, data_key_file: Path) -> Iterator[str]:
    """The owner's URL of a migrated, seeded database for the site's tests."""
    name = f"jointcode_site_{uuid.uuid4().hex[:10]}"
    asyncio.run(run_autocommit(server_url, f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    asyncio.run(_seed(url, data_key_file))
    yield url
    asyncio.run(run_autocommit(server_url, f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest_asyncio.fixture(scope="session")
async def site_db(site_url: str) -> AsyncIterator[Database]:
    db = Database(make_engine(app_role_url(site_url)))
    yield db
    await db.dispose()


@pytest.fixture(scope="session")
def data_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One key-encryption key for every process serving the site's database, as in a
    deployment: the in-process app and `jointcode serve` open each other's reports."""
    path = tmp_path_factory.mktemp("keys") / "data-encryption-key"
    KeyEncryptionKey.create(path)
    Signer.create(path.with_name("signing-key.pem"))  # `serve` never makes keys itself
    return path


@pytest_asyncio.fixture
async def site(site_db: Database, data_key_file: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        site_db,
        public_cache_refresh_ms=0,
        anonymous_rate=None,
        failed_auth_rate=None,
        report_rate=None,
        kek=KeyEncryptionKey.load_or_create(data_key_file),
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as c:
        yield c


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(
    site_url: str, tmp_path_factory: pytest.TempPathFactory, data_key_file: Path
) -> Iterator[str]:
    """`jointcode serve` on a free local port, as a user runs it."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": site_url,
        "JOINTCODE_PORT": str(port),
        "JOINTCODE_DATA_DIR": str(tmp_path_factory.mktemp("serve")),
        "JOINTCODE_RATE_ANONYMOUS": "",
        "JOINTCODE_RATE_REPORTS": "",
        "JOINTCODE_DATA_KEY_FILE": str(data_key_file),
        "JOINTCODE_SIGNING_KEY_FILE": str(data_key_file.with_name("signing-key.pem")),
        "JOINTCODE_LOG_LEVEL": "warning",
    }
    log = tmp_path_factory.mktemp("serve-log") / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jointcode"), "serve"],
            env=env,
            stdout=out,
            stderr=out,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"jointcode serve did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
